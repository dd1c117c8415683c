"""Exports leave no temporary files behind, whatever the answer (issue 9, item 11)."""

from __future__ import annotations

import tempfile

import pytest

FORMATS = ("shp", "gpkg", "geojson", "csv", "fgb")


@pytest.fixture
def own_tempdir(tmp_path, monkeypatch):
    """The system temp directory, for this test alone (others may export in parallel)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_no_export_folder_is_left_behind(app, client, own_tempdir, partnerships_loaded):
    anonymous = app.test_client()
    answers = []
    for _ in range(3):
        for fmt in FORMATS:
            response = client.get(f"/api/v1/exports/projects?format={fmt}&partnership=P01")
            answers.append(response.status_code)
            assert response.data  # the body is read after the folder is gone
            answers.append(anonymous.get(f"/api/v1/exports/areas?format={fmt}").status_code)
        answers.append(client.get("/api/v1/exports/projects?format=csv&partnership=P04")
                       .status_code)
        answers.append(client.get("/api/v1/exports/nothing?format=csv").status_code)
        answers.append(client.get("/api/v1/exports/projects?format=xlsx").status_code)
    assert set(answers) == {200, 401, 404, 400}
    assert sorted(p.name for p in own_tempdir.iterdir()) == []


def test_the_download_is_the_whole_file(client, own_tempdir, partnerships_loaded, tmp_path):
    import zipfile

    response = client.get("/api/v1/exports/projects?format=shp&partnership=P01")
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == len(response.data)
    archive = tmp_path / "p.zip"
    archive.write_bytes(response.data)
    assert zipfile.ZipFile(archive).testzip() is None
    assert list(own_tempdir.iterdir()) == []


def _upload(client, name: str, content: bytes, **form):
    import io

    return client.post("/api/v1/partnerships/P01/projects/import",
                       data={"file": (io.BytesIO(content), name), **form},
                       content_type="multipart/form-data")


HOSTILE_MAP_VALUES = ["", ":", "=", "funding", "funding:", "funding:x=", "funding:x=eu",
                      "NAZWA:x=kpo", "{", '{"funding": 5}', '{"funding": {"x": 1}}',
                      "'; DROP TABLE project; --:x=kpo", "\u0000:\u0000=\u0000"]


def test_hostile_uploads_are_4xx(client, reference_engine, partnerships_loaded, tmp_path):
    """Items 4, 5 and 7 of issue 9 added to the corpus: decisions on values, a GeoPackage
    view, a .dbf shorter than its .shp."""
    import sqlite3
    import zipfile

    import geopandas as gpd
    import shapely

    from tests.conftest import object_counts

    before = object_counts(reference_engine)
    frame = gpd.GeoDataFrame({"NAZWA": ["Świetlica", "Boisko", "Żłobek"],
                              "funding": ["FEPD 2021-2027", "KPO", "=HYPERLINK(1)"]},
                             geometry=[shapely.Point(22.5, 52.9 + i / 100) for i in range(3)],
                             crs=4326)
    frame.to_file(tmp_path / "p.geojson")
    good = (tmp_path / "p.geojson").read_bytes()
    for value in HOSTILE_MAP_VALUES:
        response = _upload(client, "p.geojson", good, map_value=value)
        assert response.status_code == 400, (value, response.status_code)
        assert response.get_json()["detail"], value
    preview = _upload(client, "p.geojson", good,
                      map_value='funding:"=HYPERLINK(1)"=other').get_json()
    assert preview["unmapped"] == {} and preview["problems"] == []
    frame.to_crs(2180).to_file(tmp_path / "v.gpkg", layer="seed")
    with sqlite3.connect(tmp_path / "v.gpkg") as conn:
        conn.executescript("""
            CREATE VIEW huge AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
              WHERE i < 1000000000000) SELECT n.i AS fid, s.geom AS geom FROM n, seed s;
            INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id)
              VALUES ('huge', 'features', 'huge', 2180);
            INSERT INTO gpkg_geometry_columns VALUES ('huge', 'geom', 'POINT', 2180, 0, 0);""")
    view = _upload(client, "v.gpkg", (tmp_path / "v.gpkg").read_bytes())
    assert view.status_code == 422 and "is an SQL view" in view.get_json()["detail"]
    frame.to_file(tmp_path / "s.shp", encoding="utf-8")
    frame.iloc[:1].to_file(tmp_path / "one.shp", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "s.zip", "w") as zf:
        for suffix in (".shp", ".shx", ".prj", ".cpg"):
            zf.write(tmp_path / f"s{suffix}", f"s{suffix}")
        zf.write(tmp_path / "one.dbf", "s.dbf")
    short = _upload(client, "s.zip", (tmp_path / "s.zip").read_bytes())
    assert short.status_code == 422 and "holds 1 records but the .shp 3 shapes" in \
        short.get_json()["detail"]
    assert object_counts(reference_engine) == before
