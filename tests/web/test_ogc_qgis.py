"""The package download and headless QGIS (Debian's python3-qgis) opening it and /ogc."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap

from services.ogc.styles import ramp

QGIS_PYTHON = "/usr/bin/python3"  # python3-qgis lives in the system's Python, not the venv

QGIS_SCRIPT = textwrap.dedent("""
    import json, sys
    from qgis.core import QgsApplication, QgsVectorLayer
    app = QgsApplication([], False)
    app.initQgis()
    package, ogc = sys.argv[1], sys.argv[2]
    out = {}
    for name in ("gminas", "functional_areas", "projects_points", "projects_lines",
                 "projects_polygons", "partnership"):
        layer = QgsVectorLayer(f"{package}|layername={name}", name, "ogr")
        renderer = layer.renderer()
        entry = {"valid": layer.isValid(), "renderer": renderer.type(),
                 "features": layer.featureCount(), "crs": layer.crs().authid()}
        if renderer.type() == "graduatedSymbol":
            entry["attr"] = renderer.classAttribute()
            entry["colours"] = [r.symbol().color().name() for r in renderer.ranges()]
        if renderer.type() == "categorizedSymbol":
            entry["attr"] = renderer.classAttribute()
            entry["categories"] = [c.value() for c in renderer.categories()]
        out[name] = entry
    remote = QgsVectorLayer(f"url='{ogc}' typename='voivodeships'", "v", "OAPIF")
    out["oapif"] = {"valid": remote.isValid(),
                    "features": sum(1 for _ in remote.getFeatures()),
                    "fields": [f.name() for f in remote.fields()]}
    print(json.dumps(out), flush=True)
    import os
    os._exit(0)  # QGIS 3.22 crashes while tearing down in a script; the answer is printed
""")


def test_package_download_follows_the_access_rules(app, accounts, expert, anonymous):
    from tests.web.conftest import sign_in

    response = expert.get("/api/v1/partnerships/P01/package.gpkg")
    assert response.status_code == 200
    assert response.mimetype == "application/geopackage+sqlite3"
    assert response.data[:16] == b"SQLite format 3\x00"
    assert anonymous.get("/api/v1/partnerships/P01/package.gpkg").status_code == 401
    workspace = expert.get("/partnerships/P01").get_data(as_text=True)
    assert 'href="/api/v1/partnerships/P01/package.gpkg"' in workspace
    other = app.test_client()
    sign_in(other, "expert2@test.pl")
    assert other.get("/api/v1/partnerships/P01/package.gpkg").status_code == 404


def test_headless_qgis_opens_the_package_styled_and_the_oapif_source(
        expert, live_url, reference_engine, unemployment_rate, tmp_path):
    from services.analysis.mapdata import indicator_map

    path = tmp_path / "p01.gpkg"
    path.write_bytes(expert.get("/api/v1/partnerships/P01/package.gpkg").data)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path)}
    done = subprocess.run([QGIS_PYTHON, "-c", QGIS_SCRIPT, str(path), f"{live_url}/ogc"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    gminas = seen["gminas"]
    assert gminas["valid"] and gminas["crs"] == "EPSG:2180"
    assert gminas["renderer"] == "graduatedSymbol"
    data = indicator_map(reference_engine, gminas["attr"])
    assert gminas["colours"] == ramp(data["direction"], len(data["breaks"]))
    points = seen["projects_points"]
    assert points["renderer"] == "categorizedSymbol" and points["attr"] == "theme"
    assert seen["functional_areas"]["renderer"] == "singleSymbol"
    assert all(seen[name]["valid"] for name in ("projects_lines", "projects_polygons"))
    assert seen["oapif"]["valid"] and seen["oapif"]["features"] == 16
    assert {"teryt", "name"} <= set(seen["oapif"]["fields"])
