"""OGC API – Features and vector tiles against raw PostGIS, in the same run.

1. All 2,477 gminas through ``/ogc/collections/gminas/items`` in pages of 500 (following the
   ``next`` links over HTTP, with numberMatched) against the same feature query run raw with
   psycopg (ST_AsGeoJSON, the same properties and pages) — goal: ratio <= 1.5.
2. A z6 gmina tile with indicator values and classes over HTTP, tile cache emptied before each
   request, against the same ST_AsMVT statement run raw — goal: ratio <= 1.3; and the same tile
   from the cache — goal: <= 5 ms.
3. For the web map (informative): the national GeoJSON layer the viewer loads at zoom 6 plus its
   values against the z6 MVT tiles that cover Poland: bytes and time.

Medians of REPEAT runs on warm connections, ours and the baseline alternately; the last line is the JSON summary.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import sys
import threading
import time
import urllib.request

import psycopg
import sqlalchemy as sa
from common import bench_database, data_dir, load_reference
from werkzeug.serving import make_server

REPEAT = 7
PAGE = 500
TILE = (6, 35, 21)
INDICATOR = "marginalisation_risk"
GOALS = {"oapif": 1.5, "tile": 1.3, "cached_ms": 5.0}


def fetch(url: str, gz: bool = False) -> bytes:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gz else {})
    with urllib.request.urlopen(request) as response:
        return response.read()


def median_time(action, repeat: int = REPEAT) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def paired(ours, baseline, repeat: int = REPEAT) -> tuple[float, float]:
    """Medians of both, run alternately so that load from elsewhere falls on both alike."""
    a, b = [], []
    for _ in range(repeat):
        for action, times in ((ours, a), (baseline, b)):
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


NEXT = re.compile(rb'\{"href": "([^"]+)", "rel": "next", "type": "application/geo\+json"')
RETURNED = re.compile(rb'"numberReturned": (\d+)')


def oapif_all(base: str) -> int:
    """Every page by its ``next`` link. Like the baseline, which receives rows without
    parsing their GeoJSON, the client reads the bytes and only the page's head."""
    url, count = f"{base}/ogc/collections/gminas/items?limit={PAGE}", 0
    while url:
        body = fetch(url)
        head = body[:4096]
        count += int(RETURNED.search(head).group(1))
        found = NEXT.search(head)
        url = found.group(1).decode() if found else None
    return count


def raw_pages(conn: psycopg.Connection, sql: str) -> int:
    count = 0
    for offset in range(0, 2477, PAGE):
        count += len(conn.execute(sql, {"limit": PAGE, "offset": offset}).fetchall())
    return count


def main() -> None:
    from services.analysis.mapdata import indicator_map
    from services.db import get_engine
    from services.ogc import tiles
    from services.ogc.collections import COLLECTIONS, CRS84
    from services.ogc.features import _feature_sql
    from services.ogc.tiles import LAYERS, tile_query
    from web import create_app

    with bench_database() as (url, _pg):
        load_reference(url, data_dir())
        app = create_app({"DATABASE_URL": url})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        raw_url = sa.make_url(url).set(drivername="postgresql").render_as_string(False)
        conn = psycopg.connect(raw_url, autocommit=True)

        # 1. features
        gminas = COLLECTIONS["gminas"]
        feature_sql = (f"SELECT {_feature_sql(gminas, CRS84)} FROM ({gminas.source}) s"
                       " ORDER BY s.fid LIMIT %(limit)s OFFSET %(offset)s")
        assert oapif_all(base) == 2477 and raw_pages(conn, feature_sql) == 2477  # warm both
        ours_features, raw_features = paired(lambda: oapif_all(base),
                                             lambda: raw_pages(conn, feature_sql))
        print(f"features: OAPIF {ours_features * 1000:.0f} ms, raw {raw_features * 1000:.0f} ms")

        # 2. tiles
        engine = get_engine(url)
        data = indicator_map(engine, INDICATOR)
        choropleth = {"code": data["code"], "year": data["year"], "breaks": data["breaks"]}
        from services.access.rules import ANONYMOUS

        sql, params = tile_query(LAYERS["gminas"], *TILE, ANONYMOUS, choropleth)
        raw_tile_sql = re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)  # the same statement, psycopg
        tile_url = f"{base}/tiles/gminas/{TILE[0]}/{TILE[1]}/{TILE[2]}.mvt?indicator={INDICATOR}"

        def uncached() -> bytes:
            with tiles._store.lock:
                tiles._store.entries.clear()
                tiles._store.size = 0
            return fetch(tile_url)

        size = len(uncached())
        raw_tile = lambda: bytes(conn.execute(raw_tile_sql, params).fetchone()[0])  # noqa: E731
        assert len(raw_tile()) == size
        ours_tile, raw_tile_s = paired(uncached, raw_tile)
        fetch(tile_url)
        cached_s, _ = median_time(lambda: fetch(tile_url), 200)
        print(f"z6 tile {size / 1024:.0f} KB: uncached {ours_tile * 1000:.0f} ms, raw ST_AsMVT"
              f" {raw_tile_s * 1000:.0f} ms, cached {cached_s * 1000:.1f} ms")

        # 3. the web map: GeoJSON layer + values at zoom 6 against the z6 tiles over Poland
        def geojson_map() -> int:
            return (len(fetch(f"{base}/api/v1/layers/gmina?zoom=6", gz=True))
                    + len(fetch(f"{base}/api/v1/indicators/{INDICATOR}/map", gz=True)))

        cover = [(x, y) for x in range(34, 37) for y in range(20, 22)
                 if tile_query(LAYERS["gminas"], 6, x, y, ANONYMOUS, None) is not None]

        def tiles_map() -> int:
            with tiles._store.lock:
                tiles._store.entries.clear()
                tiles._store.size = 0
            return sum(len(fetch(f"{base}/tiles/gminas/6/{x}/{y}.mvt?indicator={INDICATOR}"))
                       for x, y in cover)

        geojson_s, geojson_bytes = median_time(geojson_map, 5)
        tiles_s, tiles_bytes = median_time(tiles_map, 5)
        tiles_cached_s, _ = median_time(lambda: sum(len(fetch(
            f"{base}/tiles/gminas/6/{x}/{y}.mvt?indicator={INDICATOR}")) for x, y in cover), 5)
        tiles_gz = sum(len(gzip.compress(fetch(
            f"{base}/tiles/gminas/6/{x}/{y}.mvt?indicator={INDICATOR}"))) for x, y in cover)
        print(f"web map at zoom 6: GeoJSON layer + values {geojson_bytes / 1024:.0f} KB (gzip)"
              f" in {geojson_s * 1000:.0f} ms; {len(cover)} MVT tiles {tiles_bytes / 1024:.0f} KB"
              f" ({tiles_gz / 1024:.0f} KB if gzipped) in {tiles_s * 1000:.0f} ms uncached,"
              f" {tiles_cached_s * 1000:.0f} ms cached")
        server.shutdown()
        conn.close()
        engine.dispose()

    tile_ratio = ours_tile / raw_tile_s
    summary = {
        "metric": "oapif_2477_gminas_pages_of_500_vs_raw_st_asgeojson",
        "ours": round(ours_features, 4), "baseline": round(raw_features, 4),
        "ratio": round(ours_features / raw_features, 3), "goal": GOALS["oapif"], "unit": "s",
        "tile_z6_uncached_s": round(ours_tile, 4), "tile_z6_raw_st_asmvt_s": round(raw_tile_s, 4),
        "tile_ratio": round(tile_ratio, 3), "tile_goal": GOALS["tile"],
        "tile_cached_ms": round(cached_s * 1000, 2), "tile_cached_goal_ms": GOALS["cached_ms"],
        "tile_kb": round(size / 1024, 1),
        "webmap_geojson_kb": round(geojson_bytes / 1024, 1),
        "webmap_geojson_s": round(geojson_s, 4), "webmap_tiles_kb": round(tiles_bytes / 1024, 1),
        "webmap_tiles_s": round(tiles_s, 4), "webmap_tiles_cached_s": round(tiles_cached_s, 4),
    }
    print(json.dumps(summary))
    ok = (summary["ratio"] <= GOALS["oapif"] and tile_ratio <= GOALS["tile"]
          and cached_s * 1000 <= GOALS["cached_ms"])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
