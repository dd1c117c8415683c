"""The national gmina choropleth: bytes transferred and time to the first complete render in
headless Chromium, ours against a naive folium map that embeds the same layer as GeoJSON.

Ours is the diagnosis map served by `partnerstwa serve` (simplified geometry by URL, values
separately, every response compressed). The baseline is a folium map of the same gminas with
their full geometry from PostGIS inlined as GeoJSON and coloured by the same classes, served
compressed by a Flask app with the same compression; both use the same local Leaflet. Each is
loaded REPEAT times in a fresh browser context (no cache); bytes are the encoded (compressed)
transfer sizes Chromium reports; the render time is performance.now() when all 2,477 gminas
are drawn and coloured. Medians; the last line is the JSON summary.
"""

from __future__ import annotations

import json
import logging
import statistics
import threading
from pathlib import Path

from common import REPO, bench_database, data_dir, free_port, load_reference, served

REPEAT = 3
BUDGET_BYTES = 400 * 1024
BUDGET_RENDER_S = 1.5
INDICATOR = "marginalisation_risk"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


def baseline_html(url: str, static: str) -> str:
    """A naive folium choropleth: the whole layer inlined as GeoJSON."""
    import folium
    import geopandas as gpd
    import mapclassify
    import sqlalchemy as sa

    from services.db import get_engine

    engine = get_engine(url)
    with engine.connect() as conn:
        frame = gpd.read_postgis(sa.text(
            "SELECT g.teryt, g.name, v.value, ST_Transform(g.geom, 4326) AS geom FROM gmina g"
            " JOIN indicator_value v ON v.teryt = g.teryt AND v.level = 'gmina'"
            " AND v.indicator_code = :c AND v.year = (SELECT max(year) FROM indicator_value"
            " WHERE indicator_code = :c)"), conn, geom_col="geom", params={"c": INDICATOR})
    engine.dispose()
    classes = mapclassify.Quantiles(frame["value"], k=5)
    colours = ["#ffffcc", "#fed976", "#fd8d3c", "#e31a1c", "#800026"]
    frame["fill"] = [colours[c] for c in classes.yb]
    fmap = folium.Map(location=(52.1, 19.4), zoom_start=6, tiles=None)
    fmap.default_js = [("leaflet", f"{static}/vendor/leaflet/leaflet.js")]
    fmap.default_css = [("leaflet_css", f"{static}/vendor/leaflet/leaflet.css")]
    folium.GeoJson(frame, style_function=lambda f: {
        "fillColor": f["properties"]["fill"], "color": "#555", "weight": 0.4,
        "fillOpacity": 0.85}, tooltip=folium.GeoJsonTooltip(["name", "value"])).add_to(fmap)
    return fmap.get_root().render()


def serve_baseline(html: str, static_folder: Path, port: int) -> None:
    from flask import Flask
    from flask_compress import Compress
    from werkzeug.serving import make_server

    app = Flask("baseline", static_folder=str(static_folder), static_url_path="/static")
    app.config.update(COMPRESS_ALGORITHM=["gzip", "deflate"],
                      COMPRESS_ALGORITHM_STREAMING=["deflate"])
    Compress(app)
    app.add_url_rule("/", "index", lambda: html)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # keep the JSON line last
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def measure(browser, url: str, ready_js: str) -> tuple[int, float]:
    # The page CSP forbids the evaluated predicate Playwright waits with; it does not change
    # what is transferred or drawn.
    context = browser.new_context(viewport={"width": 1300, "height": 850}, bypass_csp=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"],
                                                                  e["encodedDataLength"]))
    page.goto(url, wait_until="commit")
    handle = page.wait_for_function(f"({ready_js}) ? performance.now() : false",
                                    timeout=120_000, polling="raf")
    rendered_ms = handle.json_value()
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(sizes.values()), rendered_ms / 1000


def main() -> None:
    from playwright.sync_api import sync_playwright

    mirror = data_dir()
    with bench_database() as (url, _pg):
        load_reference(url, mirror)
        base_port = free_port()
        with served(url) as (ours_url, _server):
            html = baseline_html(url, f"http://127.0.0.1:{base_port}/static")
            serve_baseline(html, REPO / "web" / "static", base_port)
            # Polled from the first byte on (wait_until="commit"): before the parser reaches
            # <body>, document.body is null.
            ours_ready = ("!!document.body && document.body.dataset.features === '2477' && "
                          f"(document.body.dataset.painted || '').startsWith('{INDICATOR}:')")
            base_ready = ("document.querySelectorAll('.leaflet-overlay-pane path').length"
                          " >= 2477")
            ours, base = [], []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=FLAGS)
                for _ in range(REPEAT):
                    ours.append(measure(browser, ours_url + "/", ours_ready))
                    base.append(measure(browser, f"http://127.0.0.1:{base_port}/", base_ready))
                browser.close()
    ours_bytes = int(statistics.median(b for b, _ in ours))
    base_bytes = int(statistics.median(b for b, _ in base))
    ours_s = statistics.median(s for _, s in ours)
    base_s = statistics.median(s for _, s in base)
    print(f"ours: {ours_bytes / 1024:.0f} KiB in {ours_s:.2f} s; naive folium: "
          f"{base_bytes / 1024:.0f} KiB in {base_s:.2f} s (medians of {REPEAT})", flush=True)
    print(json.dumps({
        "metric": "national_choropleth_bytes", "ours": ours_bytes, "baseline": base_bytes,
        "ratio": round(ours_bytes / base_bytes, 3), "goal": BUDGET_BYTES, "unit": "bytes",
        "ours_render_s": round(ours_s, 3), "baseline_render_s": round(base_s, 3),
        "goal_render_s": BUDGET_RENDER_S,
    }))


if __name__ == "__main__":
    main()
