"""The styled GeoPackage of a partnership, read back with GDAL and parsed as QML and SLD."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa

from core.errors import InvalidInput, NotFound
from services.access.rules import Principal
from services.ogc import styles
from services.ogc.package import LAYERS, build_package

PROJECTS = [
    {"title": "Punkt informacji turystycznej", "theme": "turystyka",
     "geometry": {"type": "Point", "coordinates": [22.33, 52.83]}},
    {"title": "Ścieżka", "theme": "transport",
     "geometry": {"type": "MultiLineString", "coordinates": [[[22.40, 52.81], [22.45, 52.83]]]}},
    {"title": "Teren rekreacyjny", "theme": "turystyka",
     "geometry": {"type": "Polygon", "coordinates": [[[22.34, 52.79], [22.35, 52.79],
                                                      [22.35, 52.80], [22.34, 52.79]]]}},
]


@pytest.fixture(scope="module")
def package(reference_engine, partnerships_loaded, unemployment_rate, tmp_path_factory):
    from services.analysis.runs import run_analysis
    from services.planning.areas import create_area
    from services.planning.projects import create_project

    for project in PROJECTS:
        create_project(reference_engine, "P01", project, author="package")
    create_area(reference_engine, "P01", {"name": "MOF Czyżew", "kind": "fua",
                                          "gminas": ["2013033", "2013043"]})
    run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024, scope="country",
                 permutations=99, seed=14)
    path = tmp_path_factory.mktemp("package") / "p01.gpkg"
    return build_package(reference_engine, "P01", path)


def ogr_count(path, layer: str) -> int:
    result = subprocess.run(["ogrinfo", "-ro", "-so", str(path), layer], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("Feature Count:"))
    return int(line.split(":")[1])


def test_gdal_reads_every_layer_with_postgis_counts(package, reference_engine):
    with reference_engine.connect() as conn:
        expected = {layer.name: conn.execute(sa.text(f"SELECT count(*) FROM ({layer.sql}) x"),
                                             {"pid": "P01", "lisa_run": package["lisa_run"]}
                                             ).scalar_one() for layer in LAYERS}
    assert package["layers"] == expected
    assert expected["gminas"] > 5 and expected["projects_points"] >= 1
    assert expected["projects_lines"] >= 1 and expected["projects_polygons"] >= 1
    for layer in LAYERS:
        assert ogr_count(package["path"], layer.name) == expected[layer.name]
    info = subprocess.run(["ogrinfo", "-ro", "-so", package["path"], "gminas"],
                          capture_output=True, text=True, timeout=60).stdout
    assert 'ID["EPSG",2180]' in info and "unemployed_per_1000: Real" in info


def test_gminas_carry_indicators_and_lisa_labels(package, reference_engine):
    import geopandas as gpd

    frame = gpd.read_file(package["path"], layer="gminas").set_index("teryt")
    with reference_engine.connect() as conn:
        labels = dict(conn.execute(sa.text(
            "SELECT teryt, label FROM analysis_result WHERE run_id = :r"),
            {"r": package["lisa_run"]}).all())
        rate = dict(conn.execute(sa.text(
            "SELECT teryt, value FROM indicator_value WHERE indicator_code ="
            " 'unemployed_per_1000' AND level = 'gmina' AND year = 2024")).all())
    for teryt, row in frame.iterrows():
        assert row["lisa_label"] == labels[teryt]
        assert row["unemployed_per_1000"] == pytest.approx(rate[teryt])
    assert frame.crs.to_epsg() == 2180


def test_layer_styles_exist_for_every_layer_and_parse(package):
    with sqlite3.connect(package["path"]) as db:
        rows = db.execute("SELECT f_table_name, f_geometry_column, styleName, styleQML,"
                          " styleSLD, useAsDefault FROM layer_styles").fetchall()
        registered = db.execute("SELECT data_type FROM gpkg_contents WHERE table_name ="
                                " 'layer_styles'").fetchone()
    assert registered == ("attributes",)
    assert {r[0] for r in rows} == {layer.name for layer in LAYERS}
    for layer in LAYERS:
        assert sum(r[5] for r in rows if r[0] == layer.name) == 1  # one default each
    renderers = {}
    for table, column, _name, qml, sld, default in rows:
        assert column == "geom"
        root = ET.fromstring(qml.split(">", 1)[1])  # past the DOCTYPE
        assert root.tag == "qgis"
        renderer = root.find("renderer-v2")
        assert renderer is not None and renderer.find("symbols/symbol/layer") is not None
        if default:
            renderers[table] = renderer
        assert ET.fromstring(sld).tag == "{http://www.opengis.net/sld}StyledLayerDescriptor"
    gminas = renderers["gminas"]
    assert gminas.get("type") == "graduatedSymbol"
    assert len(gminas.findall("ranges/range")) == 5
    lisa = [ET.fromstring(r[3].split(">", 1)[1]) for r in rows if r[2] == "LISA"][0]
    categories = {c.get("value") for c in lisa.findall("renderer-v2/categories/category")}
    assert {"HH", "LL", "HL", "LH", "ns"} <= categories
    points = renderers["projects_points"]
    assert points.get("type") == "categorizedSymbol" and points.get("attr") == "theme"
    assert {c.get("value") for c in points.findall("categories/category")} >= {"turystyka"}


def test_ramp_is_the_web_maps():
    assert styles.ramp("higher-worse", 5) == ["#ffffcc", "#fed976", "#fd8d3c", "#e31a1c",
                                              "#800026"]
    assert styles.ramp("higher-better", 3) == ["#f7fbff", "#6baed6", "#08306b"]


def test_package_follows_the_access_rules(reference_engine, partnerships_loaded, tmp_path):
    other = Principal(1, "x@test.pl", "expert", partnerships=frozenset({"P04"}))
    with pytest.raises(NotFound):
        build_package(reference_engine, "P01", tmp_path / "p01.gpkg", actor=other)
    with pytest.raises(InvalidInput):
        build_package(reference_engine, "P01", tmp_path / "p01.zip")
    assert not list(tmp_path.iterdir())


def test_cli_writes_the_package(reference_db_url, partnerships_loaded, tmp_path):
    env = {**os.environ, "DATABASE_URL": reference_db_url}
    out = tmp_path / "p02.gpkg"
    done = subprocess.run([sys.executable, "-m", "scripts.cli", "export", "package", "P02",
                           "--out", str(out)], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "wrote the package of P02" in done.stdout and out.exists()
    missing = subprocess.run([sys.executable, "-m", "scripts.cli", "export", "package", "P99",
                              "--out", str(tmp_path / "x.gpkg")], capture_output=True,
                             text=True, env=env, timeout=300)
    assert missing.returncode == 1
    assert missing.stderr.strip() == "partnerstwa: error: no partnership 'P99'"
