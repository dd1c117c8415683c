"""Vector tiles decoded by GDAL's MVT driver; ETags, the data version and access rules."""

from __future__ import annotations

import json
import subprocess

import pytest
import sqlalchemy as sa

from services.analysis.mapdata import indicator_map

Z, X, Y = 8, 143, 83  # south-west Podlasie, with Czyżew


def decode(url: str, z: int = Z, x: int = X, y: int = Y, token: str | None = None) -> list:
    """Features of a tile as GDAL's MVT driver reads them (EPSG:3857)."""
    config = ["--config", "GDAL_HTTP_HEADERS", f"Authorization: Bearer {token}"] if token else []
    result = subprocess.run(
        ["ogr2ogr", *config, "-f", "GeoJSON", "/vsistdout/", f"/vsicurl/{url}",
         "-oo", f"Z={z}", "-oo", f"X={x}", "-oo", f"Y={y}"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["features"]


def gminas_near_tile(engine, z: int, x: int, y: int, margin: float) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(sa.text(
            "SELECT teryt FROM gmina WHERE ST_Intersects(ST_Transform(geom, 3857),"
            " ST_Expand(ST_TileEnvelope(:z, :x, :y), :m * (ST_XMax(ST_TileEnvelope(:z, :x, :y))"
            " - ST_XMin(ST_TileEnvelope(:z, :x, :y))))) "), {"z": z, "x": x, "y": y, "m": margin}
        ).scalars())


def test_gdal_decodes_a_tile_and_finds_its_gminas(live_url, reference_engine):
    features = decode(f"{live_url}/tiles/gminas/{Z}/{X}/{Y}.mvt")
    found = {f["properties"]["teryt"] for f in features}
    inside = gminas_near_tile(reference_engine, Z, X, Y, -0.01)
    with_buffer = gminas_near_tile(reference_engine, Z, X, Y, 64 / 4096)
    assert len(inside) > 30 and inside <= found <= with_buffer
    assert "2013033" in found  # Czyżew
    mvt = subprocess.run(["ogrinfo", "-ro", "-q", f"MVT:{live_url}/tiles/gminas/{Z}/{X}/{Y}.mvt"],
                         capture_output=True, text=True, timeout=60)
    assert mvt.returncode == 0 and "gminas (Multi Polygon)" in mvt.stdout


def test_gmina_tiles_carry_value_and_class(live_url, reference_engine, unemployment_rate):
    data = indicator_map(reference_engine, "unemployed_per_1000", year=2024)
    features = decode(f"{live_url}/tiles/gminas/{Z}/{X}/{Y}.mvt"
                      "?indicator=unemployed_per_1000&year=2024")
    assert features
    for feature in features:
        props = feature["properties"]
        value = data["values"][props["teryt"]]
        assert props["value"] == pytest.approx(value) and props["year"] == 2024
        expected = min(sum(b < value for b in data["breaks"]), len(data["breaks"]) - 1)
        assert props["class"] == expected


def test_etag_cache_control_and_the_data_version(anonymous, reference_engine, accounts):
    from services.access.accounts import create_token

    url = f"/tiles/gminas/{Z}/{X}/{Y}.mvt"
    first = anonymous.get(url)
    assert first.status_code == 200 and first.mimetype == "application/vnd.mapbox-vector-tile"
    assert first.headers["Cache-Control"] == "public, max-age=60" and first.headers["ETag"]
    again = anonymous.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    create_token(reference_engine, "admin@test.pl", "moves the data version")
    changed = anonymous.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert changed.data == first.data


def test_working_layers_follow_the_access_rules(app, anonymous, reference_engine, accounts,
                                                live_url):
    from services.access.accounts import create_token
    from services.planning.projects import create_project

    create_project(reference_engine, "P01", {
        "title": "Kafel", "theme": "test",
        "geometry": {"type": "Point", "coordinates": [22.35, 52.80]}}, author="tiles")
    refused = anonymous.get(f"/tiles/projects/{Z}/{X}/{Y}.mvt")
    assert refused.status_code == 401 and refused.get_json()["code"] == "unauthenticated"
    token = create_token(reference_engine, "expert@test.pl", "tiles")
    mine = decode(f"{live_url}/tiles/projects/{Z}/{X}/{Y}.mvt", token=token)
    assert "Kafel" in {f["properties"]["title"] for f in mine}
    other = create_token(reference_engine, "expert2@test.pl", "tiles")
    theirs = app.test_client().get(f"/tiles/projects/{Z}/{X}/{Y}.mvt",
                                   headers={"Authorization": f"Bearer {other}"})
    assert theirs.status_code == 200
    assert theirs.headers["Cache-Control"] == "no-store"
    assert {"Authorization", "Cookie"} <= set(theirs.vary)
    assert b"Kafel" not in theirs.data


def test_tilejson(anonymous):
    doc = anonymous.get("/tiles/gminas.json?indicator=unemployed_per_1000").get_json()
    assert doc["tilejson"] == "3.0.0" and doc["vector_layers"][0]["id"] == "gminas"
    assert doc["tiles"][0].endswith("/tiles/gminas/{z}/{x}/{y}.mvt?indicator=unemployed_per_1000")
    west, south, east, north = doc["bounds"]
    assert 13 < west < 14.2 and 54.8 < north < 56


def test_a_tile_outside_poland_is_empty(anonymous):
    response = anonymous.get("/tiles/gminas/8/0/0.mvt")
    assert response.status_code == 200 and response.data == b""


BAD = [
    ("/tiles/gminas/17/0/0.mvt", 404, "zoom 17"),
    ("/tiles/gminas/3/8/0.mvt", 404, "does not exist"),
    ("/tiles/gminas/3/0/9.mvt", 404, "does not exist"),
    ("/tiles/roads/3/0/0.mvt", 404, "no tile layer"),
    ("/tiles/gminas/8/143/83.mvt?indicator=nothing", 404, "no indicator"),
    ("/tiles/gminas/8/143/83.mvt?year=2024", 400, "needs an indicator"),
    ("/tiles/gminas/8/143/83.mvt?indicator=population&year=20x", 400, "year"),
    ("/tiles/gminas/8/143/83.mvt?colour=red", 400, "unknown parameter"),
    ("/tiles/projects/8/143/83.mvt?indicator=population", 401, "sign in"),
]


@pytest.mark.parametrize(("url", "status", "reason"), BAD)
def test_bad_tile_requests(anonymous, url, status, reason):
    response = anonymous.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert reason in body["description"]
