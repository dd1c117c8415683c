"""Importing project locations: preview, mapping, and every kind of bad file refused with a
message and nothing written. Files are made from the real gminas of powiat wysokomazowiecki."""

import zipfile

import geopandas as gpd
import pyogrio
import pytest
import shapely

from core.errors import InvalidInput
from services.planning import project_import
from services.planning.project_import import import_projects
from tests.conftest import object_counts


@pytest.fixture(scope="module")
def points(boundaries_dir):
    """One planned project per gmina of powiat wysokomazowiecki, at its centre (EPSG:2180)."""
    gminas = gpd.read_file(boundaries_dir / "gminy.geojson").to_crs(2180)
    gminas = gminas[gminas.terc.str.startswith("2013")].reset_index(drop=True)
    return gpd.GeoDataFrame({
        "NAZWA": "Świetlica wiejska – " + gminas["name"],
        "KOSZT": [100_000.0 + 5_000 * i for i in range(len(gminas))],
        "ZRODLO": "own"}, geometry=gminas.representative_point(), crs=2180)


def refused(engine, path, message, **kwargs):
    before = object_counts(engine)
    with pytest.raises(InvalidInput) as caught:
        import_projects(engine, path, "P01", preview=False, **kwargs)
    assert message in caught.value.one_line(), caught.value.one_line()
    assert object_counts(engine) == before


def test_preview_then_import_with_a_mapping(reference_engine, partnerships_loaded, points,
                                            tmp_path):
    path = tmp_path / "swietlice.geojson"
    points.to_crs(4326).to_file(path)
    mapping = {"title": "NAZWA", "cost_pln": "KOSZT", "funding_source": "ZRODLO"}
    before = object_counts(reference_engine)
    preview = import_projects(reference_engine, path, "P01", mapping=mapping)
    assert preview["features"] == len(points) and preview["created"] == []
    assert preview["by_geometry"] == {"point": len(points), "line": 0, "polygon": 0}
    assert preview["sample"][0]["title"].startswith("Świetlica wiejska – ")
    assert object_counts(reference_engine) == before
    done = import_projects(reference_engine, path, "P01", mapping=mapping, preview=False)
    assert len(done["created"]) == len(points)
    assert object_counts(reference_engine)["project"] == before["project"] + len(points)


def test_zip_slip_bomb_and_corrupt_zip(reference_engine, partnerships_loaded, points, tmp_path):
    points.to_file(tmp_path / "p.shp", encoding="utf-8")
    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(slip, "w") as zf:
        for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            zf.write(tmp_path / f"p{suffix}", f"p{suffix}")
        zf.writestr("../evil.sh", "rm -rf /")
    refused(reference_engine, slip, "'../evil.sh' would be written outside")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("p.geojson", b" " * (32 * 1024**2))
    refused(reference_engine, bomb, "possible zip bomb")
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(slip.read_bytes()[:200])
    refused(reference_engine, corrupt, "zip")


def test_too_many_features(reference_engine, partnerships_loaded, points, tmp_path,
                           monkeypatch):
    monkeypatch.setattr(project_import, "MAX_FEATURES", 5)
    points.to_file(tmp_path / "p.gpkg")
    refused(reference_engine, tmp_path / "p.gpkg", f"{len(points)} features; at most 5")


def test_missing_prj_asks_for_the_crs(reference_engine, partnerships_loaded, points, tmp_path):
    points.to_file(tmp_path / "p.shp", encoding="utf-8")
    (tmp_path / "p.prj").unlink()
    refused(reference_engine, tmp_path / "p.shp", "states no coordinate system",
            mapping={"title": "NAZWA"})
    preview = import_projects(reference_engine, tmp_path / "p.shp", "P01", crs="EPSG:2180",
                              mapping={"title": "NAZWA"})
    assert preview["features"] == len(points)


def test_cp1250_without_cpg_asks_for_the_encoding(reference_engine, partnerships_loaded,
                                                  points, tmp_path):
    pyogrio.write_dataframe(points, tmp_path / "p.shp", encoding="cp1250")
    (tmp_path / "p.cpg").unlink()
    refused(reference_engine, tmp_path / "p.shp", "--encoding cp1250",
            mapping={"title": "NAZWA"})
    preview = import_projects(reference_engine, tmp_path / "p.shp", "P01", encoding="cp1250",
                              mapping={"title": "NAZWA"})
    assert preview["sample"][0]["title"].startswith("Świetlica wiejska – ")


def test_invalid_empty_outside_and_swapped_geometries(reference_engine, partnerships_loaded,
                                                      points, tmp_path):
    def write(geoms, name, crs=2180):
        frame = gpd.GeoDataFrame({"title": [f"p{i}" for i in range(len(geoms))]},
                                 geometry=geoms, crs=crs)
        frame.to_file(tmp_path / name)
        return tmp_path / name

    centre = points.geometry[0]
    bowtie = shapely.Polygon([(centre.x, centre.y), (centre.x + 100, centre.y + 100),
                              (centre.x + 100, centre.y), (centre.x, centre.y + 100)])
    refused(reference_engine, write([centre, bowtie], "bowtie.gpkg"),
            "feature 2: the geometry is not valid: Self-intersection")
    refused(reference_engine, write([centre, None], "empty.gpkg"), "feature 2 has no geometry")
    refused(reference_engine, write([shapely.Point(2.35, 48.85)], "paris.gpkg", 4326),
            "feature 1: the geometry lies outside Poland")
    wgs = points.to_crs(4326).geometry
    swapped = [shapely.Point(p.y, p.x) for p in wgs]
    refused(reference_engine, write(swapped, "swapped.gpkg", 4326), "the axes look swapped")


def test_fields_of_unknown_types(reference_engine, partnerships_loaded, points, tmp_path):
    import pyarrow as pa

    table = pa.table({
        "NAZWA": pa.array(points["NAZWA"].tolist()),
        "ZALACZNIK": pa.array([b"%PDF-1.4"] * len(points), pa.binary()),  # a BLOB field
        "geometry": pa.array(shapely.to_wkb(points.geometry.values), pa.binary())})
    pyogrio.write_arrow(table, tmp_path / "p.gpkg", driver="GPKG", geometry_name="geometry",
                        geometry_type="Point", crs="EPSG:2180")
    assert pyogrio.read_info(tmp_path / "p.gpkg")["ogr_types"][1] == "OFTBinary"
    refused(reference_engine, tmp_path / "p.gpkg", "field 'ZALACZNIK' holds binary values",
            mapping={"title": "NAZWA", "description": "ZALACZNIK"})
    points.rename(columns={"NAZWA": "ETYKIETA"}).to_file(tmp_path / "labels.gpkg")
    refused(reference_engine, tmp_path / "labels.gpkg", "no field holds the title")
    refused(reference_engine, tmp_path / "p.gpkg", "no such fields in the file: TYTUL",
            mapping={"title": "TYTUL"})
