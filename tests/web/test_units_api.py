"""The GeoJSON endpoint and the error rendering."""

import gzip
import json


def test_all_gminas_as_geojson_in_wgs84(client):
    response = client.get("/api/v1/units/gmina")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    data = json.loads(response.data)
    assert len(data["features"]) == 2477
    first = data["features"][0]
    assert first["id"] == first["properties"]["teryt"] == "0201011"
    assert first["properties"]["name"] == "Bolesławiec"
    import shapely.geometry

    lon0, lat0, lon1, lat1 = shapely.geometry.shape(first["geometry"]).bounds
    assert 14 < lon0 < lon1 < 24.2 and 49 < lat0 < lat1 < 55


def test_filter_paging_and_gzip(client):
    response = client.get("/api/v1/units/powiat?voivodeship=20&limit=5&offset=5",
                          headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    codes = [f["id"] for f in json.loads(gzip.decompress(response.data))["features"]]
    assert codes == ["2006", "2007", "2008", "2009", "2010"]


def test_etag_revalidation(client):
    first = client.get("/api/v1/units/voivodeship")
    again = client.get("/api/v1/units/voivodeship",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_bad_parameters_are_problem_details(client):
    cases = {
        "/api/v1/units/gmina?limit=abc": (400, "limit must be a number, got 'abc'"),
        "/api/v1/units/gmina?limit=100000": (400, "limit must be between 1 and 5000"),
        "/api/v1/units/gmina?voivodeship=99": (400, "voivodeship must be a 2-digit TERYT"),
        "/api/v1/units/gmina?tolerance=-1": (400, "tolerance must be between 0 and 5000 m"),
        "/api/v1/units/county": (404, "no level 'county'"),
    }
    for url, (status, detail) in cases.items():
        response = client.get(url + "&lang=en" if "?" in url else url + "?lang=en")
        assert response.status_code == status, url
        assert response.mimetype == "application/problem+json"
        body = response.get_json()
        assert body["status"] == status and detail in body["detail"], url


def test_pages_get_html_errors_without_internals(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Błąd 404" in response.get_data(as_text=True)
    response = client.get("/no-such-page?lang=en")
    assert "Error 404" in response.get_data(as_text=True)


def test_database_outage_is_a_503_without_connection_details():
    from web import create_app

    app = create_app({"DATABASE_URL": "postgresql://u:pw@127.0.0.1:9/nowhere"})
    response = app.test_client().get("/api/v1/units/gmina")
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "database_unavailable" in text and "pw" not in text and "127.0.0.1" not in text


def test_health(client):
    assert client.get("/healthz").get_json()["status"] == "ok"
