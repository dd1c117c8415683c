"""Every kind of bad boundary input: a one-line reason, a non-zero exit, an unchanged database.

The inputs are made from the real gminas of the data mirror, broken in one way each.
"""

import zipfile

import geopandas as gpd
import pyogrio
import pytest
import shapely

from core.errors import InvalidInput
from scripts.cli import main
from services.reference.boundaries import load_boundaries
from tests.conftest import fingerprint


@pytest.fixture(scope="module")
def gminas(boundaries_dir):
    return gpd.read_file(boundaries_dir / "gminy.geojson")


@pytest.fixture
def bolesławiecki(gminas):
    """The six gminas of powiat bolesławiecki (0201), in EPSG:4326."""
    return gminas[gminas.terc.str.startswith("0201")].reset_index(drop=True)


def refused(engine, path, level="gmina", **options) -> str:
    """Load ``path``, expect a refusal, check nothing changed; return the message."""
    before = fingerprint(engine)
    with pytest.raises(InvalidInput) as caught:
        load_boundaries(engine, path, level, as_of="2020-01-01", **options)
    assert fingerprint(engine) == before
    return caught.value.one_line()


def test_unknown_code_field(reference_engine, bolesławiecki, tmp_path):
    path = tmp_path / "g.geojson"
    bolesławiecki.rename(columns={"terc": "identyfikator"}).to_file(path)
    assert "no code field found (tried JPT_KOD_JE, terc" in refused(reference_engine, path)
    message = refused(reference_engine, path, code_field="KOD")
    assert "no field 'KOD' for the code; fields: identyfikator, name" in message


def test_duplicate_codes(reference_engine, bolesławiecki, tmp_path):
    path = tmp_path / "dup.geojson"
    doubled = bolesławiecki.copy()
    doubled.loc[1, "terc"] = doubled.loc[0, "terc"]
    doubled.to_file(path)
    assert f"duplicate gmina codes: {doubled.loc[0, 'terc']}" in refused(reference_engine, path)


def test_codes_of_another_level_are_named_as_such(reference_engine, boundaries_dir):
    message = refused(reference_engine, boundaries_dir / "powiaty.geojson", "gmina")
    assert "380 gmina codes are not valid TERYT" in message
    assert "they look like powiat codes: check --level" in message


def test_town_parts_are_not_gminas(reference_engine, bolesławiecki, tmp_path):
    path = tmp_path / "parts.geojson"
    parts = bolesławiecki.copy()
    parts.loc[2, "terc"] = parts.loc[2, "terc"][:6] + "4"
    parts.to_file(path)
    assert "not valid TERYT" in refused(reference_engine, path)


def test_shapefile_without_prj_has_no_crs(reference_engine, fresh_engine, bolesławiecki,
                                          tmp_path):
    folder = tmp_path / "noprj"
    folder.mkdir()
    bolesławiecki.to_crs(2180).to_file(folder / "g.shp", encoding="utf-8")
    (folder / "g.prj").unlink()
    message = refused(reference_engine, folder)
    assert "no coordinate reference system" in message and "--crs" in message
    summary = load_boundaries(fresh_engine, folder, "gmina", as_of="2020-01-01",
                              crs="EPSG:2180")
    assert summary.rows == 6 and summary.coverage == "partial"


def test_empty_and_corrupt_files(reference_engine, tmp_path):
    empty = tmp_path / "empty.geojson"
    empty.write_bytes(b"")
    assert refused(reference_engine, empty).endswith("empty.geojson: the file is empty")
    corrupt = tmp_path / "corrupt.gpkg"
    corrupt.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 8)
    assert "cannot read as a vector dataset" in refused(reference_engine, corrupt)
    no_features = tmp_path / "none.geojson"
    no_features.write_text('{"type": "FeatureCollection", "features": []}')
    assert "has no features" in refused(reference_engine, no_features)


def test_corrupt_and_empty_zip(reference_engine, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    assert "not a readable zip archive" in refused(reference_engine, bad)
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    assert "the zip archive is empty" in refused(reference_engine, empty)


def test_zip_entry_leaving_the_folder_is_refused(reference_engine, bolesławiecki, tmp_path):
    bolesławiecki.to_file(tmp_path / "g.geojson")
    archive = tmp_path / "slip.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(tmp_path / "g.geojson", "g.geojson")
        zf.writestr("../../outside.txt", "escaped")
    message = refused(reference_engine, archive)
    assert "'../../outside.txt' would be written outside the extraction folder" in message
    assert not (tmp_path.parent / "outside.txt").exists()


def test_zip_bomb_is_refused(reference_engine, tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("g.geojson", b" " * (24 * 1024 * 1024))
    assert "possible zip bomb" in refused(reference_engine, archive)


def test_cp1250_shapefile_without_cpg_asks_for_encoding(reference_engine, fresh_engine,
                                                         bolesławiecki, gminas, tmp_path):
    # Names with Polish letters: the gminas of powiat kielecki (2604) include Łopuszno, Łagów.
    kielecki = gminas[gminas.terc.str.startswith("2604")].to_crs(2180)
    folder = tmp_path / "cp1250"
    folder.mkdir()
    pyogrio.write_dataframe(kielecki, folder / "gminy.shp", encoding="cp1250")
    (folder / "gminy.cpg").unlink()
    message = refused(reference_engine, folder / "gminy.shp")
    assert "no .cpg file and its text is not UTF-8" in message
    assert "--encoding cp1250" in message
    summary = load_boundaries(fresh_engine, folder / "gminy.shp", "gmina", as_of="2020-01-01",
                              encoding="cp1250")
    assert summary.rows == len(kielecki)
    import sqlalchemy as sa

    with fresh_engine.connect() as conn:
        names = set(conn.execute(sa.text("SELECT name FROM gmina")).scalars())
    assert names == set(kielecki.name) and "Łopuszno" in names


def test_coordinates_outside_poland(reference_engine, bolesławiecki, tmp_path):
    path = tmp_path / "shifted.geojson"
    shifted = bolesławiecki.copy()
    shifted["geometry"] = shifted.geometry.translate(xoff=15)
    shifted.to_file(path)
    assert "coordinates outside Poland for 6 units" in refused(reference_engine, path)


def test_swapped_axes_are_recognised(reference_engine, bolesławiecki, tmp_path):
    path = tmp_path / "swapped.geojson"
    swapped = bolesławiecki.copy()
    swapped["geometry"] = shapely.transform(swapped.geometry.values,
                                            lambda xy: xy[:, ::-1])
    swapped.to_file(path)
    assert "axes look swapped" in refused(reference_engine, path)


def test_gmina_whose_powiat_does_not_exist(reference_engine, bolesławiecki, tmp_path):
    path = tmp_path / "orphan.geojson"
    orphan = bolesławiecki.copy()
    orphan.loc[0, "terc"] = "0299011"
    orphan.to_file(path)
    message = refused(reference_engine, path)
    assert "1 units have no powiat in the database: 0299011 (needs powiat 0299)" in message


def test_cli_prints_one_line_and_exits_non_zero(reference_db_url, monkeypatch, tmp_path,
                                                 capsys, reference_engine):
    monkeypatch.setenv("DATABASE_URL", reference_db_url)
    path = tmp_path / "empty.geojson"
    path.write_bytes(b"")
    before = fingerprint(reference_engine)
    code = main(["load", "boundaries", "--level", "gmina", str(path), "--as-of", "2020-01-01"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1] == f"partnerstwa: error: {path}: the file is empty"
    assert fingerprint(reference_engine) == before
