"""Mapbox vector tiles from PostGIS (ST_TileEnvelope, ST_AsMVTGeom, ST_AsMVT) per layer.

Tiles are kept in process memory per data version (``services.cache.data_version``): any load,
edit or analysis moves the version on, so a cached tile is never stale. They have their own
bounded store (by bytes) because there are many of them and they would push the map's other
cached answers out of the shared one.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import sqlalchemy as sa

from core.errors import NotFound
from services.access.rules import ANONYMOUS, Principal, readable_filter, require_login
from services.cache import cached, data_version
from services.db import database_errors

EXTENT, BUFFER = 4096, 64
HALF = 20037508.342789244  # half the width of the EPSG:3857 world
# Poland with a margin in EPSG:3857; tiles outside are empty without asking the database.
POLAND_3857 = (1.50e6, 6.19e6, 2.77e6, 7.46e6)
CACHE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class TileLayer:
    id: str
    title_pl: str
    title_en: str
    source: str  # SQL: geom (EPSG:2180) and the properties; alias s
    fields: dict[str, str]  # property -> TileJSON type: String, Number
    access: str  # 'public' or 'working' (filtered on s.partnership_id)
    minzoom: int = 0
    maxzoom: int = 16


LAYERS: dict[str, TileLayer] = {t.id: t for t in (
    TileLayer("gminas", "Gminy", "Gminas",
              "SELECT g.teryt, g.name, g.geom FROM gmina g",
              {"teryt": "String", "name": "String", "value": "Number", "class": "Number",
               "year": "Number"}, "public"),
    TileLayer("partnerships", "Partnerstwa", "Partnerships",
              "SELECT p.id AS partnership_id, p.name, p.status, p.geom FROM partnership p"
              " WHERE p.geom IS NOT NULL",
              {"partnership_id": "String", "name": "String", "status": "String"}, "working"),
    TileLayer("functional_areas", "Obszary funkcjonalne", "Functional areas",
              "SELECT a.id, a.partnership_id, a.name, a.kind, a.geom FROM functional_area a"
              " WHERE NOT a.deleted",
              {"id": "Number", "partnership_id": "String", "name": "String", "kind": "String"},
              "working"),
    TileLayer("projects", "Przedsięwzięcia", "Projects",
              "SELECT p.id, p.partnership_id, p.title, p.theme, p.funding_source,"
              " p.priority::int AS priority, p.geom FROM project p WHERE NOT p.deleted",
              {"id": "Number", "partnership_id": "String", "title": "String", "theme": "String",
               "funding_source": "String", "priority": "Number"}, "working"),
)}


class TileOutOfRange(NotFound):
    code = "TileOutOfRange"


def layer(name: str, actor: Principal = ANONYMOUS) -> TileLayer:
    found = LAYERS.get(name)
    if found is None:
        raise NotFound("no tile layer %(name)r; layers: %(layers)s", name=name[:40],
                       layers=', '.join(LAYERS))
    if found.access == "working":
        require_login(actor)
    return found


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    size = 2 * HALF / (1 << z)
    return (-HALF + x * size, HALF - (y + 1) * size, -HALF + (x + 1) * size, HALF - y * size)


def check_tile(tl: TileLayer, z: int, x: int, y: int) -> None:
    if not tl.minzoom <= z <= tl.maxzoom:
        raise TileOutOfRange("zoom %(z)s is outside %(minzoom)s–%(maxzoom)s of layer %(id)s", z=z,
                             minzoom=tl.minzoom, maxzoom=tl.maxzoom, id=tl.id)
    if not (0 <= x < (1 << z) and 0 <= y < (1 << z)):
        raise TileOutOfRange("tile %(z)s/%(x)s/%(y)s does not exist: x and y run 0–%(value)s", z=z,
                             x=x, y=y, value=(1 << z) - 1)


def _sql(tl: TileLayer, allowed: str, with_values: bool) -> str:
    values = ""
    join = ""
    if with_values:
        values = (", v.value, v.year::int AS year, CASE WHEN v.value IS NOT NULL THEN"
                  " least((SELECT count(*) FROM unnest(CAST(:breaks AS float8[])) b"
                  " WHERE b < v.value), :nclasses - 1)::int END AS class")
        join = (" LEFT JOIN indicator_value v ON v.indicator_code = :code AND v.level = 'gmina'"
                " AND v.teryt = s.teryt AND v.year = :year")
    columns = ", ".join(f"s.{f}" for f in tl.fields if f not in ("value", "class", "year"))
    return (
        "WITH b AS (SELECT ST_TileEnvelope(:z, :x, :y) AS env,"
        " ST_Transform(ST_MakeEnvelope(:cx1, :cy1, :cx2, :cy2, 3857), 2180) AS box)"
        f" SELECT ST_AsMVT(t, '{tl.id}', {EXTENT}, 'geom') FROM ("
        f" SELECT {columns}{values}, ST_AsMVTGeom(ST_Transform("
        " ST_Simplify(s.geom, :tolerance, true), 3857), b.env, 4096, 64, true) AS geom"
        f" FROM ({tl.source}) s CROSS JOIN b{join}"
        f" WHERE s.geom && b.box AND {allowed}) t WHERE t.geom IS NOT NULL")


def tile_query(tl: TileLayer, z: int, x: int, y: int, actor: Principal,
               choropleth: dict | None) -> tuple[str, dict] | None:
    """The SQL and parameters of one tile; None when the tile lies outside Poland."""
    x1, y1, x2, y2 = tile_bounds(z, x, y)
    margin = (x2 - x1) * BUFFER / EXTENT
    px1, py1, px2, py2 = POLAND_3857
    cx1, cy1 = max(x1 - margin, px1), max(y1 - margin, py1)
    cx2, cy2 = min(x2 + margin, px2), min(y2 + margin, py2)
    if cx1 >= cx2 or cy1 >= cy2:
        return None
    allowed, params = (readable_filter(actor, "s.partnership_id") if tl.access == "working"
                       else ("TRUE", {}))
    # Half a tile pixel on the ground (EPSG:3857 metres are ~1.6 ground metres in Poland).
    tolerance = (x2 - x1) / EXTENT / 1.6 / 2
    params.update(z=z, x=x, y=y, cx1=cx1, cy1=cy1, cx2=cx2, cy2=cy2, tolerance=tolerance)
    if choropleth is not None:
        params.update(code=choropleth["code"], year=choropleth["year"],
                      breaks=choropleth["breaks"], nclasses=len(choropleth["breaks"]))
    return _sql(tl, allowed, choropleth is not None), params


class _TileStore:
    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value: bytes) -> None:
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = value
            self.size += len(value)
            while self.size > self.limit and self.entries:
                _, old = self.entries.popitem(last=False)
                self.size -= len(old)


_store = _TileStore(CACHE_BYTES)


def scope_key(actor: Principal) -> tuple:
    return (actor.role, actor.voivodeship, tuple(sorted(actor.partnerships)))


def _choropleth(engine: sa.Engine, code: str, year: int | None) -> dict:
    from services.analysis.mapdata import indicator_map

    data = indicator_map(engine, code, year=year)  # the web map's classes: quantiles, 5
    return {"code": data["code"], "year": data["year"], "breaks": data["breaks"]}


def tile(engine: sa.Engine, tl: TileLayer, z: int, x: int, y: int, *,
         actor: Principal = ANONYMOUS, indicator: str | None = None, year: int | None = None,
         known_etags=()) -> tuple[str, bytes | None]:
    """(ETag, the tile's bytes) — bytes None when the client holds this ETag already.

    One data-version query per request; a cached tile costs nothing more.
    """
    check_tile(tl, z, x, y)
    key = (tl.id, z, x, y, scope_key(actor) if tl.access == "working" else None,
           indicator, year)
    with database_errors(), engine.connect() as conn:
        version = data_version(conn)
        etag = hashlib.sha1(repr((version, key)).encode()).hexdigest()[:24]
        if etag in known_etags:
            return etag, None
        hit = _store.get((key, version))
        if hit is not None:
            return etag, hit
        choropleth = None if indicator is None else cached(
            ("tile-choropleth", indicator, year), version,
            lambda: _choropleth(engine, indicator, year))
        query = tile_query(tl, z, x, y, actor, choropleth)
        data = b"" if query is None else bytes(
            conn.execute(sa.text(query[0]), query[1]).scalar_one() or b"")
    _store.put((key, version), data)
    return etag, data


def tilejson(tl: TileLayer, tiles_url: str, lang: str) -> dict:
    lon = lambda v: v / HALF * 180  # noqa: E731
    lat = lambda v: math.degrees(2 * math.atan(math.exp(v / HALF * math.pi)) - math.pi / 2)  # noqa: E731,E501
    x1, y1, x2, y2 = POLAND_3857
    return {
        "tilejson": "3.0.0", "name": tl.title_en if lang == "en" else tl.title_pl,
        "tiles": [tiles_url], "minzoom": tl.minzoom, "maxzoom": tl.maxzoom,
        "bounds": [round(lon(x1), 4), round(lat(y1), 4), round(lon(x2), 4), round(lat(y2), 4)],
        "center": [19.4, 52.1, 6], "attribution": "Źródło: GUGiK, GUS",
        "vector_layers": [{"id": tl.id, "fields": tl.fields, "minzoom": tl.minzoom,
                           "maxzoom": tl.maxzoom}],
    }
