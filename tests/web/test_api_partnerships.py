"""The JSON API of partnerships, areas, projects, files and the comparison."""

import io
import json
import re
import zipfile

import geopandas as gpd
import pytest
from openapi_spec_validator import validate

from web import create_app

CZYZEW = {"type": "Point", "coordinates": [22.311, 52.797]}


def test_openapi_document_is_valid_and_complete(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    documented = set(document["paths"])
    served = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json"}
    renamed = {p.replace("{voivodeship}", "{voivodeship_code}") for p in served}
    assert renamed <= documented, renamed - documented


def test_partnerships_listing_and_detail(client, partnerships_loaded):
    listed = client.get("/api/v1/partnerships?voivodeship=20").get_json()
    assert [p["id"] for p in listed] == ["P01", "P02", "P03"]
    detail = client.get("/api/v1/partnerships/P01").get_json()
    assert detail["name"] == "Ziemia Wysokomazowiecka" and len(detail["members"]) == 11
    assert detail["geometry"]["type"] == "MultiPolygon"
    assert client.get("/api/v1/partnerships/nope").status_code == 404


def test_area_edits_with_versions_over_http(client, partnerships_loaded, indicator_reports):
    created = client.post("/api/v1/partnerships/P02/areas", json={
        "name": "Dolina Pisy", "kind": "river_valley", "gminas": ["2006011", "2006022"]})
    assert created.status_code == 201 and created.headers["ETag"] == '"1"'
    area = created.get_json()
    first = client.put(f"/api/v1/areas/{area['id']}", json={"name": "Dolina rzeki Pisy"},
                       headers={"If-Match": '"1"'})
    assert first.status_code == 200 and first.get_json()["version"] == 2
    stale = client.put(f"/api/v1/areas/{area['id']}", json={"version": 1, "name": "Inna"})
    assert stale.status_code == 409
    problem = stale.get_json()
    assert problem["current_version"] == 2 and "kept in the history" in problem["detail"]
    assert stale.mimetype == "application/problem+json"
    versions = client.get(f"/api/v1/areas/{area['id']}/versions").get_json()
    assert [v["outcome"] for v in versions] == ["accepted", "accepted", "conflict"]
    missing = client.put(f"/api/v1/areas/{area['id']}", json={"name": "Bez wersji"})
    assert missing.status_code == 400 and "version" in missing.get_json()["detail"]
    stats = client.get(f"/api/v1/areas/{area['id']}/stats?year=2022").get_json()
    assert stats["population"]["year"] == 2022 and stats["population"]["value"] > 0
    listed = client.get("/api/v1/partnerships/P02/areas").get_json()
    assert area["id"] in [a["id"] for a in listed]
    assert client.delete(f"/api/v1/areas/{area['id']}?version=1").status_code == 409
    assert client.delete(f"/api/v1/areas/{area['id']}?version=2").status_code == 204
    assert client.get(f"/api/v1/areas/{area['id']}").status_code == 404
    assert area["id"] not in [a["id"] for a in
                              client.get("/api/v1/partnerships/P02/areas").get_json()]


def test_malformed_requests_are_400(client, partnerships_loaded):
    bad = client.post("/api/v1/partnerships/P01/areas", data="{not json",
                      content_type="application/json")
    assert bad.status_code == 400 and bad.get_json()["detail"] == "the body is not a JSON object"
    listed = client.post("/api/v1/partnerships/P01/areas", json=[1, 2])
    assert listed.status_code == 400
    assert client.get("/api/v1/projects?limit=0").status_code == 400
    assert client.get("/api/v1/exports/projects?format=xlsx").status_code == 400


def test_projects_paging_export_and_import(client, partnerships_loaded, tmp_path):
    for i in range(3):
        response = client.post("/api/v1/partnerships/P03/projects", json={
            "title": f"Punkt informacji turystycznej nr {i + 1}", "geometry": CZYZEW,
            "cost_pln": 1000 * (i + 1), "funding_source": "fe_regional"})
        assert response.status_code == 201
    page = client.get("/api/v1/projects?partnership=P03&limit=2&offset=1").get_json()
    assert page["total"] >= 3 and len(page["items"]) == 2 and page["offset"] == 1
    download = client.get("/api/v1/exports/projects?format=shp&partnership=P03")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    archive = tmp_path / "projects.zip"
    archive.write_bytes(download.data)
    assert "projects_points.shp" in zipfile.ZipFile(archive).namelist()
    frame = gpd.read_file(f"/vsizip/{archive}/projects_points.shp")
    assert frame.crs.to_epsg() == 2180
    preview = client.post("/api/v1/partnerships/P02/projects/import", data={
        "file": (io.BytesIO(download.data), "projects.zip")},
        content_type="multipart/form-data").get_json()
    assert preview["features"] == len(frame) and preview["created"] == []
    imported = client.post("/api/v1/partnerships/P02/projects/import", data={
        "file": (io.BytesIO(download.data), "projects.zip"), "preview": "false"},
        content_type="multipart/form-data")
    assert imported.status_code == 201 and len(imported.get_json()["created"]) == len(frame)
    wrong = client.post("/api/v1/partnerships/P02/projects/import", data={
        "file": (io.BytesIO(b"hello"), "notes.txt")}, content_type="multipart/form-data")
    assert wrong.status_code == 400


def test_oversize_upload_is_413(reference_db_url, partnerships_loaded):
    small = create_app({"DATABASE_URL": reference_db_url, "MAX_CONTENT_LENGTH": 1024})
    response = small.test_client().post(
        "/api/v1/partnerships/P02/projects/import",
        data={"file": (io.BytesIO(b"x" * 4096), "big.geojson")},
        content_type="multipart/form-data")
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_comparison_json_and_csv(client, partnerships_loaded, unemployment_rate):
    result = client.get("/api/v1/comparison/20").get_json()
    kinds = [(u["kind"], u["code"]) for u in result["units"]]
    assert kinds == [("partnership", "P01"), ("partnership", "P02"), ("partnership", "P03"),
                     ("voivodeship", "20"), ("country", "PL")]
    poland = result["units"][-1]
    assert poland["population"] == pytest.approx(37_490_190)  # thousands of 2024 x 1000
    assert poland["indicators"]["unemployed_per_1000"]["aggregation"] == "GUS value of the unit"
    csv_text = client.get("/api/v1/comparison/20?format=csv").get_data(as_text=True)
    lines = csv_text.strip().splitlines()
    assert len(lines) == 6 and lines[0].startswith("kind,code,name,gminas,area_km2,population")
    assert client.get("/api/v1/comparison/99").status_code == 400
    assert json.loads(client.get("/api/v1/comparison/xx").data)["status"] == 400
