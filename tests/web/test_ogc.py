"""OGC API – Features read by real clients: GDAL's OAPIF driver and OWSLib, on a live server."""

from __future__ import annotations

import json
import subprocess

import pytest
import shapely
import sqlalchemy as sa

from services.ogc.collections import CRS84, EPSG2180
from tests.web.conftest import sign_in

BBOX_WARSAW = (20.85, 52.10, 21.27, 52.37)
WORKING = ("partnerships", "functional_areas", "projects_points", "projects_lines",
           "projects_polygons")
PROJECTS = [
    {"title": "Świetlica wiejska", "theme": "kultura",
     "geometry": {"type": "Point", "coordinates": [22.40, 52.85]},
     "start_date": "2025-02-01", "end_date": "2025-12-31", "funding_source": "kpo"},
    {"title": "Droga gminna", "theme": "transport",
     "geometry": {"type": "LineString", "coordinates": [[22.45, 52.80], [22.55, 52.75]]},
     "start_date": "2027-01-01", "end_date": "2028-06-30", "funding_source": "own"},
    {"title": "Park", "theme": "rewitalizacja",
     "geometry": {"type": "Polygon", "coordinates": [[[22.30, 52.78], [22.31, 52.78],
                                                      [22.31, 52.79], [22.30, 52.78]]]}},
]


def gdal(*args: str, token: str | None = None) -> subprocess.CompletedProcess:
    config = ["--config", "GDAL_HTTP_HEADERS", f"Authorization: Bearer {token}"] if token else []
    return subprocess.run([args[0], *config, *args[1:]], capture_output=True, text=True,
                          timeout=300)


def gdal_features(source: str, layer: str, *options: str, token: str | None = None) -> list:
    result = gdal("ogr2ogr", "-f", "GeoJSON", "/vsistdout/", source, layer, *options,
                  token=token)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["features"]


@pytest.fixture(scope="module")
def ogc_projects(reference_engine, partnerships_loaded):
    from services.planning.projects import create_project

    return [create_project(reference_engine, "P01", p, author="ogc") for p in PROJECTS]


@pytest.fixture(scope="module")
def expert_token(reference_engine, accounts):
    from services.access.accounts import create_token

    return create_token(reference_engine, "expert@test.pl", "qgis")


@pytest.fixture(scope="module")
def expert2_token(reference_engine, accounts):
    from services.access.accounts import create_token

    return create_token(reference_engine, "expert2@test.pl", "qgis")


def test_landing_conformance_and_collections(anonymous):
    landing = anonymous.get("/ogc/")
    assert landing.status_code == 200 and landing.mimetype == "application/json"
    rels = {link["rel"] for link in landing.get_json()["links"]}
    assert {"self", "alternate", "service-desc", "conformance", "data"} <= rels
    classes = anonymous.get("/ogc/conformance").get_json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in classes
    listed = anonymous.get("/ogc/collections").get_json()["collections"]
    ids = {c["id"] for c in listed}
    assert {"voivodeships", "powiats", "gminas"} <= ids and not ids & set(WORKING)
    gminas = next(c for c in listed if c["id"] == "gminas")
    assert gminas["crs"] == [CRS84, EPSG2180] and gminas["storageCrs"] == EPSG2180
    west, south, east, north = gminas["extent"]["spatial"]["bbox"][0]
    assert 13.5 < west < 14.2 and 54.7 < north < 55 and 24 < east < 24.7
    api = anonymous.get("/ogc/api")
    assert api.mimetype == "application/vnd.oai.openapi+json"
    limit = api.get_json()["components"]["parameters"]["limit"]["schema"]
    assert limit["maximum"] == 5000


def test_html_by_f_and_by_accept(anonymous):
    page = anonymous.get("/ogc/", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html" and "OAPIF:" in page.get_data(as_text=True)
    items = anonymous.get("/ogc/collections/voivodeships/items?f=html&limit=16")
    text = items.get_data(as_text=True)
    assert items.mimetype == "text/html" and "MAZOWIECKIE" in text
    assert anonymous.get("/ogc/collections/voivodeships/items?f=json").mimetype == \
        "application/geo+json"
    for url in ("/ogc/conformance", "/ogc/collections", "/ogc/collections/gminas",
                "/ogc/collections/gminas/items/1465011"):
        html = anonymous.get(url, headers={"Accept": "text/html,application/xhtml+xml"})
        assert html.status_code == 200 and html.mimetype == "text/html", url
    assert "Warszawa" in anonymous.get("/ogc/collections/gminas/items/1465011?f=html").get_data(
        as_text=True)


def test_the_openapi_definition_is_valid(anonymous):
    from openapi_spec_validator import validate

    validate(anonymous.get("/ogc/api").get_json())


def test_gdal_lists_collections_without_working_data(live_url):
    result = gdal("ogrinfo", "-ro", "-q", f"OAPIF:{live_url}/ogc")
    assert result.returncode == 0, result.stderr
    assert "gminas" in result.stdout and "powiats" in result.stdout
    assert "projects_points" not in result.stdout


def test_gdal_pages_through_all_gminas(live_url, reference_engine):
    features = gdal_features(f"OAPIF:{live_url}/ogc", "gminas", "-oo", "PAGE_SIZE=500")
    with reference_engine.connect() as conn:
        codes = conn.execute(sa.text("SELECT teryt FROM gmina ORDER BY teryt")).scalars().all()
    assert len(codes) == 2477
    assert sorted(f["properties"]["teryt"] for f in features) == codes


def test_next_links_page_with_limit_500(anonymous):
    url, seen, pages = "/ogc/collections/gminas/items?limit=500", [], 0
    while url:
        body = anonymous.get(url).get_json()
        assert body["numberMatched"] == 2477 and body["numberReturned"] == len(body["features"])
        seen += [f["id"] for f in body["features"]]
        pages += 1
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"
                    and link["type"] == "application/geo+json"), None)
    assert pages == 5 and len(seen) == len(set(seen)) == 2477


def test_gdal_applies_a_bbox(live_url, reference_engine):
    features = gdal_features(f"OAPIF:{live_url}/ogc", "gminas", "-spat", *map(str, BBOX_WARSAW))
    with reference_engine.connect() as conn:
        expected = conn.execute(sa.text(
            "SELECT teryt FROM gmina WHERE ST_Intersects(geom, ST_Transform(ST_Segmentize("
            "ST_MakeEnvelope(:a, :b, :c, :d, 4326), 0.05), 2180)) ORDER BY teryt"),
            dict(zip("abcd", BBOX_WARSAW, strict=True))).scalars().all()
    assert "1465011" in expected and 10 < len(expected) < 40
    assert sorted(f["properties"]["teryt"] for f in features) == expected


def test_epsg2180_geometries_have_postgis_areas(live_url, reference_engine):
    url = (f"{live_url}/ogc/collections/powiats/items?limit=500&crs={EPSG2180}"
           "&voivodeship_teryt=20")
    result = gdal("ogr2ogr", "-f", "CSV", "/vsistdout/", url, "-lco", "GEOMETRY=AS_WKT")
    assert result.returncode == 0, result.stderr
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    with reference_engine.connect() as conn:
        areas = dict(conn.execute(sa.text(
            "SELECT teryt, ST_Area(geom) FROM powiat WHERE voivodeship_teryt = '20'")).all())
        north = dict(conn.execute(sa.text(
            "SELECT teryt, ST_YMax(geom) FROM powiat WHERE voivodeship_teryt = '20'")).all())
    assert len(rows) == len(areas) == 17
    for row in rows:
        shape = shapely.from_wkt(row["WKT"])
        assert shape.area == pytest.approx(areas[row["teryt"]], rel=1e-9)
        # EPSG:2180's first axis is the northing
        assert shape.bounds[2] == pytest.approx(north[row["teryt"]], abs=0.001)


def test_gdal_is_refused_working_data_without_a_token(live_url, ogc_projects, expert_token,
                                                      expert2_token):
    source = f"OAPIF:{live_url}/ogc/collections/projects_points"
    refused = gdal("ogrinfo", "-ro", "-al", "-so", source)
    assert refused.returncode != 0 and "401" in refused.stderr
    mine = gdal_features(f"OAPIF:{live_url}/ogc", "projects_points", token=expert_token)
    assert "Świetlica wiejska" in {f["properties"]["title"] for f in mine}
    assert {f["properties"]["partnership_id"] for f in mine} <= {"P01", "P02", "P03"}
    basic = gdal("ogrinfo", "-ro", "-al", "-q", "-oo", f"USERPWD=token:{expert_token}",
                 source)
    assert basic.returncode == 0 and "Świetlica wiejska" in basic.stdout
    wrong = gdal("ogrinfo", "-ro", "-al", "-q", "-oo", "USERPWD=token:pt_wrong", source)
    assert wrong.returncode != 0 and "401" in wrong.stderr
    others = gdal_features(f"OAPIF:{live_url}/ogc", "projects_points", token=expert2_token)
    assert all(f["properties"]["partnership_id"] == "P04" for f in others)
    assert "Świetlica wiejska" not in {f["properties"]["title"] for f in others}


def test_owslib_reads_the_same(live_url, reference_engine, expert_token, ogc_projects):
    from owslib.ogcapi.features import Features

    api = Features(f"{live_url}/ogc")
    assert {"voivodeships", "powiats", "gminas"} <= {c["id"] for c in api.collections()[
        "collections"]}
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in \
        api.conformance()["conformsTo"]
    page = api.collection_items("gminas", limit=500, offset=2000)
    assert page["numberMatched"] == 2477 and page["numberReturned"] == 477
    boxed = api.collection_items("gminas", bbox=list(BBOX_WARSAW), limit=100)
    assert "1465011" in {f["id"] for f in boxed["features"]}
    item = api.collection_item("gminas", "1465011")
    assert item["properties"]["name"] == "Warszawa"
    with pytest.raises(RuntimeError):
        api.collection_items("projects_points")
    authed = Features(f"{live_url}/ogc", headers={"Authorization": f"Bearer {expert_token}"})
    found = authed.collection_items("projects_points", limit=500, partnership_id="P01",
                                    theme="kultura")
    assert "Świetlica wiejska" in {f["properties"]["title"] for f in found["features"]}
    assert {f["properties"]["theme"] for f in found["features"]} == {"kultura"}


def test_property_and_date_filters(expert, ogc_projects):
    url = "/ogc/collections/projects_lines/items"
    lines = expert.get(f"{url}?theme=transport&limit=5000").get_json()["features"]
    assert "Droga gminna" in {f["properties"]["title"] for f in lines}
    dated = expert.get(f"{url}?datetime=2027-06-01&limit=5000").get_json()["features"]
    assert "Droga gminna" in {f["properties"]["title"] for f in dated}
    before = expert.get(f"{url}?datetime=../2026-12-31&theme=transport&limit=5000").get_json()
    assert "Droga gminna" not in {f["properties"]["title"] for f in before["features"]}
    points = expert.get("/ogc/collections/projects_points/items?datetime=2025-06-01/2025-07-01"
                        "&funding_source=kpo&limit=5000").get_json()["features"]
    assert "Świetlica wiejska" in {f["properties"]["title"] for f in points}
    extent = expert.get("/ogc/collections/projects_points").get_json()["extent"]
    assert extent["temporal"]["interval"][0][0] <= "2025-02-01T00:00:00Z"


def test_items_by_id_follow_the_access_rules(app, accounts, ogc_projects, expert,
                                            reference_engine):
    pid = ogc_projects[0]["id"]
    mine = expert.get(f"/ogc/collections/projects_points/items/{pid}?crs={EPSG2180}")
    assert mine.status_code == 200 and mine.headers["Content-Crs"] == f"<{EPSG2180}>"
    with reference_engine.connect() as conn:
        x, y = conn.execute(sa.text("SELECT ST_X(geom), ST_Y(geom) FROM project WHERE id = :i"),
                            {"i": pid}).one()
    assert mine.get_json()["geometry"]["coordinates"] == [round(y, 6), round(x, 6)]
    other = app.test_client()
    sign_in(other, "expert2@test.pl")
    hidden = other.get(f"/ogc/collections/projects_points/items/{pid}")
    assert hidden.status_code == 404 and hidden.get_json()["code"] == "NotFound"
    anonymous = app.test_client().get(f"/ogc/collections/projects_points/items/{pid}")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")


def test_analysis_run_collection(anonymous, reference_engine, unemployment_rate):
    from services.analysis.runs import run_analysis

    run = run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024,
                       scope="voivodeship:20", permutations=99, seed=5)
    cid = f"analysis-{run['id']}"
    assert cid in {c["id"] for c in anonymous.get("/ogc/collections").get_json()["collections"]}
    body = anonymous.get(f"/ogc/collections/{cid}/items?limit=500").get_json()
    assert body["numberMatched"] == 118
    with reference_engine.connect() as conn:
        labels = dict(conn.execute(sa.text(
            "SELECT teryt, label FROM analysis_result WHERE run_id = :r"), {"r": run["id"]}).all())
    assert {f["id"]: f["properties"]["label"] for f in body["features"]} == labels
    hot = anonymous.get(f"/ogc/collections/{cid}/items?label=HH&limit=500").get_json()
    assert hot["numberMatched"] == sum(1 for v in labels.values() if v == "HH")


BAD = [
    ("/ogc/collections/gminas/items?bbox=20,50,21", 400, "4 numbers"),
    ("/ogc/collections/gminas/items?bbox=a,b,c,d", 400, "not a number"),
    ("/ogc/collections/gminas/items?bbox=179,50,-179,51", 400, "antimeridian"),
    ("/ogc/collections/gminas/items?bbox=-10,40,-5,45", 400, "outside Poland"),
    ("/ogc/collections/gminas/items?bbox=20,95,21,96", 400, "latitudes"),
    ("/ogc/collections/gminas/items?bbox=20,50,21,nan", 400, "finite"),
    ("/ogc/collections/gminas/items?limit=1000000000", 400, "limit"),
    ("/ogc/collections/gminas/items?limit=0", 400, "limit"),
    ("/ogc/collections/gminas/items?offset=-1", 400, "offset"),
    ("/ogc/collections/gminas/items?crs=EPSG:4258", 400, "not offered"),
    ("/ogc/collections/gminas/items?bbox=20,50,21,51&bbox-crs=EPSG:3857", 400, "not offered"),
    ("/ogc/collections/gminas/items?datetime=2024-13-45", 400, "datetime"),
    ("/ogc/collections/gminas/items?datetime=2024-01-01", 400, "no dates"),
    ("/ogc/collections/gminas/items?gmina_type=x", 400, "integer"),
    ("/ogc/collections/gminas/items?colour=red", 400, "unknown parameter"),
    ("/ogc/collections/gminas/items?f=xml", 400, "f must be"),
    ("/ogc/collections/nothing/items", 404, "no collection"),
    ("/ogc/collections/analysis-999999/items", 404, "no collection"),
    ("/ogc/collections/analysis-x/items", 404, "no collection"),
    ("/ogc/collections/analysis-²/items", 404, "no collection"),
    ("/ogc/collections/gminas/items/0000000", 404, "no feature"),
    ("/ogc/collections/functional_areas/items/abc", 401, "sign in"),
]


@pytest.mark.parametrize(("url", "status", "reason"), BAD)
def test_bad_input_gets_an_ogc_exception(anonymous, url, status, reason):
    response = anonymous.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert set(body) >= {"code", "description"} and reason in body["description"]


def test_limit_above_the_maximum_names_it(anonymous):
    body = anonymous.get("/ogc/collections/gminas/items?limit=5001").get_json()
    assert body["code"] == "InvalidParameterValue" and "5000" in body["description"]


def test_a_slow_query_is_cut_by_the_statement_timeout(reference_db_url):
    from web import create_app

    hurried = create_app({"DATABASE_URL": reference_db_url, "TESTING": True,
                          "STATEMENT_TIMEOUT_MS": 1}).test_client()
    response = hurried.get("/ogc/collections/gminas/items?limit=5000&crs=" + EPSG2180)
    assert response.status_code == 503
    body = response.get_json()
    assert body["code"] == "database_unavailable" and "timed out" in body["description"]


def test_a_partnerships_analysis_is_working_data(app, accounts, anonymous, expert,
                                                 reference_engine, unemployment_rate):
    from services.analysis.runs import run_analysis

    run = run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024,
                       scope="partnership:P01", permutations=99, seed=7)
    cid = f"analysis-{run['id']}"
    assert anonymous.get(f"/ogc/collections/{cid}/items").status_code == 401  # as the API
    assert cid not in {c["id"] for c in anonymous.get("/ogc/collections").get_json()[
        "collections"]}
    mine = expert.get(f"/ogc/collections/{cid}/items?limit=500").get_json()
    assert mine["numberMatched"] == len(get_run_results(reference_engine, run["id"]))
    other = app.test_client()
    sign_in(other, "expert2@test.pl")
    assert other.get(f"/ogc/collections/{cid}").status_code == 404


def get_run_results(engine, run_id: int) -> list:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT teryt FROM analysis_result WHERE run_id = :r"),
                            {"r": run_id}).scalars().all()
