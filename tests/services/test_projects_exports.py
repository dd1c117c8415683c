"""Projects of all three geometry types, exported and read back with GDAL and geopandas."""

import json
import subprocess
import zipfile

import geopandas as gpd
import pandas as pd
import pytest

from core.errors import BadRequest, Conflict, InvalidInput
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
    ({"priority": 7}, BadRequest, "priority must be 1, 2 or 3"),
    ({"geometry": {"type": "Point", "coordinates": [0, 0]}}, InvalidInput, "outside Poland"),
    ({"area_ids": [999999]}, InvalidInput, "are not areas of partnership P01"),
])
def test_bad_project_input(reference_engine, partnerships_loaded, change, error, message):
    with pytest.raises(error, match=message):
        create_project(reference_engine, "P01", {**PROJECTS[1], **change})
