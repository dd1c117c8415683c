"""A corpus of hostile input: no 5xx, nothing executed, nothing changed."""

import io
import zipfile

import pytest
import sqlalchemy as sa

from tests.conftest import object_counts
from tests.web.conftest import browser_sign_in

NASTY = ["'; DROP TABLE gmina; --", "1 OR 1=1", "\" OR \"\"=\"", "%' --", "../../etc/passwd",
         "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\u0000", "😀" * 50,
         "9" * 400, "-1", "1e309", "null", "{}", "[]", "%00", "\\x27"]

GET_TEMPLATES = [
    "/api/v1/units/{v}", "/api/v1/units/gmina?voivodeship={v}", "/api/v1/units/gmina?limit={v}",
    "/api/v1/units/gmina?tolerance={v}", "/api/v1/layers/{v}", "/api/v1/layers/gmina?zoom={v}",
    "/api/v1/indicators/{v}/map", "/api/v1/indicators/unemployed/map?year={v}",
    "/api/v1/indicators/unemployed/map?method={v}", "/api/v1/indicators/unemployed/map?k={v}",
    "/api/v1/units/gmina/{v}/card", "/api/v1/analysis/runs/{v}",
    "/api/v1/analysis/runs?limit={v}", "/api/v1/partnerships/{v}",
    "/api/v1/partnerships?voivodeship={v}", "/api/v1/partnerships/{v}/areas",
    "/api/v1/areas/{v}", "/api/v1/projects?partnership={v}", "/api/v1/projects?offset={v}",
    "/api/v1/projects?funding_source={v}", "/api/v1/exports/{v}",
    "/api/v1/exports/projects?format={v}", "/api/v1/exports/projects?partnership={v}&format=csv",
    "/api/v1/comparison/{v}", "/api/v1/partnerships.geojson?voivodeship={v}",
    "/partnerships/{v}", "/comparison/{v}", "/login?next={v}", "/?lang={v}",
]


def unchanged(engine):
    with engine.connect() as conn:
        return (object_counts(engine),
                conn.execute(sa.text("SELECT count(*) FROM gmina")).scalar_one())


def test_query_and_path_parameters(client, reference_engine):
    from urllib.parse import quote

    before = unchanged(reference_engine)
    for template in GET_TEMPLATES:
        for value in NASTY:
            url = template.format(v=quote(value, safe=""))
            response = client.get(url)
            assert response.status_code < 500, (url, response.status_code)
            body = response.get_data(as_text=True)
            assert "Traceback" not in body and "postgresql" not in body.lower(), url
    assert unchanged(reference_engine) == before


BAD_BODIES = [
    b"{", b"[]", b"null", b"\"text\"", b"{\"name\": 5, \"kind\": []}",
    b"{\"name\": \"x\", \"kind\": \"other\", \"geometry\": {\"type\": \"Polygon\"}}",
    b"{\"name\": \"x\", \"kind\": \"other\", \"geometry\": {\"type\": \"Polygon\", "
    b"\"coordinates\": [[[1e400, 2], [3, 4]]]}}",
    b"{\"name\": \"x\", \"kind\": \"other\", \"geometry\": {\"type\": \"GeometryCollection\", "
    b"\"geometries\": []}}",
    b"{\"name\": \"x\", \"kind\": \"other\", \"gminas\": \"2013011\"}",
    b"{\"name\": \"x\", \"kind\": \"other\", \"gminas\": [null, 5]}",
    b"{\"title\": \"x\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [\"a\", \"b\"]}}",
    b"{\"title\": \"x\", \"cost_pln\": \"NaN\", \"geometry\": {\"type\": \"Point\", "
    b"\"coordinates\": [22.5, 52.9]}}",
    b"{\"title\": \"x\", \"milestones\": [{\"date\": \"never\"}], \"geometry\": "
    b"{\"type\": \"Point\", \"coordinates\": [22.5, 52.9]}}",
    b"{\"version\": \"1; DROP TABLE project\", \"name\": \"x\"}",
]


def test_malformed_json_and_geojson(client, reference_engine, partnerships_loaded):
    from services.planning.areas import create_area

    area = create_area(reference_engine, "P01", {"name": "Cel", "kind": "other",
                                                 "gminas": ["2013011"]})
    before = unchanged(reference_engine)
    targets = [("post", "/api/v1/partnerships/P01/areas"),
               ("post", "/api/v1/partnerships/P01/projects"),
               ("put", f"/api/v1/areas/{area['id']}"), ("patch", "/api/v1/partnerships/P01"),
               ("post", f"/api/v1/areas/{area['id']}/restore")]
    for method, url in targets:
        for body in BAD_BODIES:
            response = getattr(client, method)(url, data=body, content_type="application/json")
            assert 400 <= response.status_code < 500, (url, body, response.status_code)
    assert unchanged(reference_engine) == before


POINT = b'{"type": "Point", "coordinates": [22.5, 52.9]}'
POLYGON = (b'{"type": "Polygon", "coordinates": [[[22.5, 52.9], [22.6, 52.9], [22.6, 53.0],'
           b' [22.5, 52.9]]]}')


def bodies_that_answered_500(area_id: int, project_id: int) -> list[tuple[str, str, bytes]]:
    """The request shapes of issue 9 item 13 (each answered 500), on every JSON write."""
    area, project = f"/api/v1/areas/{area_id}", f"/api/v1/projects/{project_id}"
    areas, projects = "/api/v1/partnerships/P01/areas", "/api/v1/partnerships/P01/projects"
    writes = [("post", areas), ("put", area), ("post", area + "/restore"), ("post", projects),
              ("put", project), ("post", project + "/restore"),
              ("patch", "/api/v1/partnerships/P01"),
              ("post", "/api/v1/partnerships/P01/comments")]
    out = []
    for deep in (b"[" * 1000 + b"]" * 1000, b'{"a": ' * 1000 + b"1" + b"}" * 1000,
                 b'{"name": "x", "kind": "other", "gminas": ' + b"[" * 5000 + b"]" * 5000
                 + b"}"):
        out += [(method, url, deep) for method, url in writes]
    for number in (b"Infinity", b"-Infinity", b"1e400"):
        out += [("put", area, b'{"version": %s, "name": "x"}' % number),
                ("put", project, b'{"version": %s, "title": "x"}' % number),
                ("post", projects, b'{"title": "x", "priority": %s, "geometry": %s}'
                 % (number, POINT)),
                ("put", project, b'{"version": 1, "priority": %s}' % number)]
    for restore in (b'"abc"', b"NaN", b"null", b"[1]", b'"1.5"'):
        out += [("post", area + "/restore", b'{"restore": %s, "version": 1}' % restore),
                ("post", project + "/restore", b'{"restore": %s, "version": 1}' % restore)]
    for crs in (b'"foo"', b"12", b"null"):
        out += [("post", areas, b'{"name": "x", "kind": "other", "geometry": %s, "crs": %s}'
                 % (POLYGON, crs)),
                ("post", projects, b'{"title": "x", "geometry": %s, "crs": %s}' % (POINT, crs)),
                ("put", project, b'{"version": 1, "geometry": %s, "crs": %s}' % (POINT, crs))]
    for action in (b"null", b"{}", b'"delete"'):
        out += [("put", area, b'{"version": 1, "name": "x", "_action": %s}' % action),
                ("put", project, b'{"version": 1, "_action": %s}' % action)]
    out += [("post", projects, b'{"title": "x", "area_ids": [true], "geometry": %s}' % POINT),
            ("put", project, b'{"version": 1, "area_ids": [true]}'),
            ("post", projects, b'{"title": "\\udfff", "geometry": %s}' % POINT),
            ("put", area, b'{"version": 1, "name": "ok", "description": "\\ud800"}'),
            ("post", "/api/v1/partnerships/P01/comments", b'{"body": "\\udfff"}'),
            ("post", projects, b'{"title": "x", "theme": "\\u0000", "geometry": %s}' % POINT),
            ("patch", "/api/v1/partnerships/P01", b'{"name": "' + b"x" * 5000 + b'"}'),
            ("patch", "/api/v1/partnerships/P01", b'{"name": "\\udfff"}')]
    return out


def test_bodies_that_answered_500_are_refused_with_a_reason(client, reference_engine,
                                                            partnerships_loaded):
    from services.planning.areas import create_area
    from services.planning.projects import create_project

    area = create_area(reference_engine, "P01", {"name": "Cel 13", "kind": "other",
                                                 "gminas": ["2013023"]})
    project = create_project(reference_engine, "P01", {"title": "Cel 13", "geometry": {
        "type": "Point", "coordinates": [22.5, 52.9]}})
    corpus = bodies_that_answered_500(area["id"], project["id"])
    assert len(corpus) >= 47
    before = counts_with_audit(reference_engine)
    for method, url, body in corpus:
        response = getattr(client, method)(url, data=body, content_type="application/json")
        assert 400 <= response.status_code < 500, (method, url, body[:80],
                                                    response.status_code)
        assert response.mimetype == "application/problem+json", (url, body[:80])
        detail = response.get_json()["detail"]
        assert detail and len(detail) < 400, (url, body[:80], detail)  # a reason, no echo
    assert counts_with_audit(reference_engine) == before


def counts_with_audit(engine):
    with engine.connect() as conn:
        return (unchanged(engine),
                conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one())


def test_schema_errors_name_the_field_and_the_rule(client, partnerships_loaded):
    client.get("/?lang=en")  # the English wording (Polish: tests/web/test_no_mixed_language.py)
    def detail(body, url="/api/v1/partnerships/P01/projects"):
        response = client.post(url, json=body)
        assert response.status_code == 400, (body, response.status_code)
        return response.get_json()["detail"]

    point = {"type": "Point", "coordinates": [22.5, 52.9]}
    assert detail({"title": "x", "geometry": point, "priority": 7}) == \
        "priority must be at most 3, got 7"
    assert detail({"title": "x", "geometry": point, "area_ids": [True]}).startswith(
        "area_ids.0 must be a whole number")
    assert detail({"geometry": point}) == "title is required"
    assert detail({"title": "x", "geometry": point, "_action": "delete"}).startswith(
        "unknown field _action")
    assert detail({"title": "x", "geometry": point, "start_date": "jutro"}).startswith(
        "start date must be a date")  # the field as the form calls it
    assert detail({"restore": "1.5", "version": 1}, "/api/v1/areas/1/restore").startswith(
        "restore must be a whole number")


def zips():
    slip = io.BytesIO()
    with zipfile.ZipFile(slip, "w") as zf:
        zf.writestr("../../../tmp/evil.geojson", "{}")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.geojson", b"0" * (40 * 1024 * 1024))
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(10_050):
            zf.writestr(f"f{i}.txt", "")
    return {"slip.zip": slip.getvalue(), "bomb.zip": bomb.getvalue(), "many.zip":
            many.getvalue(), "broken.zip": slip.getvalue()[:60], "empty.zip": b"",
            "text.geojson": b"not json at all", "fake.gpkg": b"SQLite format 3\x00junk"}


def test_broken_and_malicious_uploads(client, reference_engine, partnerships_loaded):
    before = unchanged(reference_engine)
    for name, data in zips().items():
        response = client.post("/api/v1/partnerships/P01/projects/import",
                               data={"file": (io.BytesIO(data), name), "preview": "false"},
                               content_type="multipart/form-data")
        assert 400 <= response.status_code < 500, (name, response.status_code)
        assert response.mimetype == "application/problem+json"
    assert unchanged(reference_engine) == before


def test_oversize_bodies(app, accounts, reference_engine):
    from tests.web.conftest import sign_in

    small = app.test_client()
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    try:
        sign_in(small, "expert@test.pl")
        before = unchanged(reference_engine)
        response = small.post("/api/v1/partnerships/P01/areas",
                              data=b"{\"name\": \"" + b"x" * 100_000 + b"\"}",
                              content_type="application/json")
        assert response.status_code == 413
        assert unchanged(reference_engine) == before
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 50 * 1024 * 1024


@pytest.mark.browser
def test_markup_in_titles_and_names_is_never_run(page, live_url, accounts, reference_engine):
    from services.planning.areas import create_area
    from services.planning.projects import create_project

    title = "<img src=x onerror=\"window.__pwned = 1\"><script>window.__pwned = 2</script>"
    create_project(reference_engine, "P02", {"title": title, "theme": title,
                                             "geometry": {"type": "Point",
                                                          "coordinates": [22.1, 53.4]}})
    create_area(reference_engine, "P02", {"name": title, "kind": "other",
                                          "gminas": ["2006062"]})
    browser_sign_in(page, live_url)
    page.goto(live_url + "/partnerships/P02")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=30_000)
    page.click("button[data-tab=projects]")
    assert title in page.locator("#project-list").inner_text()
    page.click("button[data-tab=areas]")
    assert title in page.locator("#area-list").inner_text()
    page.goto(live_url + "/comparison/20")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=30_000)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#project-list img, #area-list img, script:not([src]):not([nonce])"
                        ":not([type])").count() == 0


def test_versions_in_headers_and_queries_are_checked_too(client, reference_engine,
                                                         partnerships_loaded):
    client.get("/?lang=en")  # the English wording names the field 'version'
    from services.planning.areas import create_area

    area = create_area(reference_engine, "P01", {"name": "Wersje", "kind": "other",
                                                 "gminas": ["2013033"]})
    before = counts_with_audit(reference_engine)
    for version in ("9" * 5000, "1.5", "-1", "abc", "Infinity", "NaN", "0x10", "١"):
        deleted = client.delete(f"/api/v1/areas/{area['id']}?version={version}")
        changed = client.put(f"/api/v1/areas/{area['id']}", json={"name": "x"},
                             headers={"If-Match": f'"{version}"'})
        for response in (deleted, changed):
            assert response.status_code == 400, (version, response.status_code)
            assert "version" in response.get_json()["detail"]
    assert counts_with_audit(reference_engine) == before
