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
    # A file route ``name.{fmt}`` is documented once per format of its kinds table.
    missing = {p for p in renamed - documented
               if not ("{fmt}" in p and any(
                   re.fullmatch(re.escape(p).replace(r"\{fmt\}", "[a-z]+"), d)
                   for d in documented))}
    assert not missing, missing


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
    assert problem["current_version"] == 2 and "zachowana w historii" in problem["detail"]
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
    assert bad.status_code == 400 and bad.get_json()["detail"] == "treść żądania nie jest obiektem JSON"
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


def test_oversize_upload_is_413(reference_db_url, accounts):
    from tests.web.conftest import sign_in

    small = create_app({"DATABASE_URL": reference_db_url, "MAX_CONTENT_LENGTH": 1024})
    signed_in = small.test_client()
    sign_in(signed_in, "expert@test.pl")
    response = signed_in.post(
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
    assert len(lines) == 6 and lines[0].startswith("\ufeffRodzaj jednostki;Kod;Nazwa;Liczba gmin")
    assert client.get("/api/v1/comparison/20?format=xml").status_code == 400
    assert client.get("/api/v1/comparison/99").status_code == 400
    assert json.loads(client.get("/api/v1/comparison/xx").data)["status"] == 400


def test_the_author_is_the_signed_in_principal_never_a_header(client, reference_engine,
                                                               partnerships_loaded):
    import sqlalchemy as sa

    forged = {"X-Author": "minister@gov.pl"}
    created = client.post("/api/v1/partnerships/P02/areas", headers=forged, json={
        "name": "Autor z sesji", "kind": "other", "gminas": ["2006032"]}).get_json()
    assert created["updated_by"] == "expert@test.pl"
    changed = client.put(f"/api/v1/areas/{created['id']}", headers={**forged, "If-Match": '"1"'},
                         json={"name": "Autor z sesji 2", "comment": "zmiana"})
    assert changed.status_code == 200 and changed.get_json()["updated_by"] == "expert@test.pl"
    project = client.post("/api/v1/partnerships/P02/projects", headers=forged, json={
        "title": "Autor projektu", "geometry": CZYZEW}).get_json()
    assert project["updated_by"] == "expert@test.pl"
    history = client.get(f"/api/v1/areas/{created['id']}/versions").get_json()
    assert {h["author"] for h in history} == {"expert@test.pl"}
    with reference_engine.connect() as conn:
        authors = conn.execute(sa.text(
            "SELECT DISTINCT author FROM object_version WHERE author LIKE '%gov.pl'")).all()
    assert authors == []


def test_the_action_comes_from_the_route_never_the_body(client, reference_engine,
                                                        partnerships_loaded):
    import sqlalchemy as sa

    project = client.post("/api/v1/partnerships/P02/projects", json={
        "title": "Projekt do historii", "geometry": CZYZEW}).get_json()
    with reference_engine.connect() as conn:
        audit_before = conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one()
    forged = client.put(f"/api/v1/projects/{project['id']}",
                        json={"version": 1, "title": "x", "_action": "delete"})
    assert forged.status_code == 400 and "_action" in forged.get_json()["detail"]
    edited = client.put(f"/api/v1/projects/{project['id']}", json={"version": 1, "title": "y"})
    restored = client.post(f"/api/v1/projects/{project['id']}/restore",
                           json={"restore": 1, "version": 2})
    assert (edited.status_code, restored.status_code) == (200, 200)
    actions = [h["action"] for h in
               client.get(f"/api/v1/projects/{project['id']}/versions").get_json()]
    assert actions == ["create", "update", "restore"]
    with reference_engine.connect() as conn:
        logged = conn.execute(sa.text(
            "SELECT action FROM audit_log WHERE object_kind = 'project' AND object_id = :i"
            " ORDER BY id"), {"i": str(project["id"])}).scalars().all()
        audit_after = conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one()
    assert logged == ["create", "update", "restore"] and audit_after == audit_before + 2


LONG_TEXTS = [  # (url, body, field, limit)
    ("/api/v1/partnerships/P02/projects", {"title": "t" * 5000, "geometry": CZYZEW},
     "title", 500),
    ("/api/v1/partnerships/P02/projects", {"title": "t", "description": "d" * 10_001,
                                           "geometry": CZYZEW}, "description", 10_000),
    ("/api/v1/partnerships/P02/projects", {"title": "t", "theme": "t" * 201,
                                           "geometry": CZYZEW}, "theme", 200),
    ("/api/v1/partnerships/P02/projects", {"title": "t", "comment": "c" * 1_000_000,
                                           "geometry": CZYZEW}, "comment", 2000),
    ("/api/v1/partnerships/P02/projects", {"title": "t", "geometry": CZYZEW,
                                           "milestones": [{"name": "m" * 301}]},
     "milestones.0.name", 300),
    ("/api/v1/partnerships/P02/areas", {"name": "n" * 301, "kind": "other",
                                        "gminas": ["2006032"]}, "name", 300),
    ("/api/v1/partnerships/P02/areas", {"name": "n", "kind": "other", "gminas": ["2006032"],
                                        "description": "d" * 10_001}, "description", 10_000),
    ("/api/v1/partnerships/P02/comments", {"body": "b" * 5001}, "body", 5000),
    ("/api/v1/partnerships/P02", {"name": "n" * 301}, "name", 300),
]


@pytest.mark.parametrize(("url", "body", "field", "limit"), LONG_TEXTS,
                         ids=[f"{u.rsplit('/', 1)[-1]}-{f}" for u, _, f, _ in LONG_TEXTS])
def test_every_text_has_a_limit_and_is_refused_not_cut(client, reference_engine,
                                                       partnerships_loaded, url, body, field,
                                                       limit):
    from tests.conftest import object_counts

    before = object_counts(reference_engine)
    method = client.patch if url.endswith("P02") else client.post
    response = method(url + "?lang=en", json=body)
    client.get("/?lang=pl")  # back to Polish (the choice is kept in a cookie)
    assert response.status_code == 400, response.get_json()
    problem = response.get_json()
    label = {"body": "comment"}.get(field, field)  # the field as the forms call it
    assert problem["detail"].startswith(f"{label} is longer than {limit:,} characters")
    assert (problem["field"], problem["limit"]) == (field, limit)
    assert object_counts(reference_engine) == before


def test_services_refuse_over_long_text_and_forged_actions(reference_engine,
                                                           partnerships_loaded):
    from core.errors import BadRequest
    from services.planning.areas import create_area, update_area
    from services.planning.projects import create_project

    with pytest.raises(BadRequest, match="title is longer than 500 characters"):
        create_project(reference_engine, "P02", {"title": "t" * 5000, "geometry": CZYZEW})
    area = create_area(reference_engine, "P02", {"name": "Akcja", "kind": "other",
                                                 "gminas": ["2006042"]})
    with pytest.raises(BadRequest, match="unknown field _action"):
        update_area(reference_engine, area["id"], {"version": 1, "_action": "delete"})
    with pytest.raises(BadRequest, match="comment is longer than 2,000 characters"):
        update_area(reference_engine, area["id"], {"version": 1, "comment": "c" * 2001})


def test_area_kinds_come_from_one_table(client, reference_engine, partnerships_loaded):
    from core.errors import BadRequest
    from services.planning.areas import create_area
    from services.planning.fields import AREA_KINDS

    document = client.get("/api/v1/openapi.json").get_json()
    for schema in ("AreaInput", "AreaChange"):
        kind = document["components"]["schemas"][schema]["properties"]["kind"]
        assert kind["enum"] == list(AREA_KINDS)
    page = client.get("/partnerships/P01?lang=en").get_data(as_text=True)
    start = page.index('name="kind"')
    options = re.findall(r'<option value="([^"]+)">([^<]+)</option>',
                         page[start:page.index("</select>", start)])
    assert options == list(AREA_KINDS.items())
    from services.planning.fields import TEXT_LIMITS

    for field, key in (("title", "project.title"), ("theme", "project.theme"),
                       ("body", "comment.body")):  # the forms check what the API does
        # the limit is stated and checked at the field, never cut silently (no maxlength)
        assert re.search(rf'name="{field}"[^>]*data-limit="{TEXT_LIMITS[key]}"', page), field
        assert not re.search(rf'name="{field}"[^>]*maxlength=', page), field
    with pytest.raises(BadRequest, match="kind must be one of fua, tourism, river_valley"):
        create_area(reference_engine, "P01", {"name": "x", "kind": "park",
                                              "gminas": ["2013011"]})
