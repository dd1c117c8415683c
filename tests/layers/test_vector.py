"""Reading the formats users bring: Shapefile folders and zips, multi-layer GeoPackages."""

import zipfile

import geopandas as gpd
import pyogrio
import pytest

from core.errors import InvalidInput
from layers.vector import read_vector


@pytest.fixture(scope="module")
def powiats(boundaries_dir):
    frame = gpd.read_file(boundaries_dir / "powiaty.geojson")
    return frame[frame.terc.str.startswith("20")].to_crs(2180).reset_index(drop=True)


def test_shapefile_zip_with_a_subfolder(powiats, tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    powiats.to_file(folder / "powiaty.shp", encoding="utf-8")
    archive = tmp_path / "powiaty.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, f"paczka/{path.name}")
    source = read_vector(archive)
    assert source.driver == "ESRI Shapefile"
    assert source.name == f"{archive}!paczka/powiaty.shp"
    assert sorted(source.frame.terc) == sorted(powiats.terc)
    assert source.frame.crs.to_epsg() == 2180
    assert "wysokomazowiecki" in set(source.frame.name)


def test_several_datasets_need_a_layer_name(powiats, tmp_path):
    powiats.to_file(tmp_path / "a.geojson")
    powiats.iloc[:3].to_file(tmp_path / "b.geojson")
    with pytest.raises(InvalidInput, match="several datasets found; choose one with --layer: a, b"):
        read_vector(tmp_path)
    assert len(read_vector(tmp_path, layer="b").frame) == 3


def test_geopackage_layers(powiats, tmp_path):
    path = tmp_path / "two.gpkg"
    pyogrio.write_dataframe(powiats, path, layer="powiaty")
    pyogrio.write_dataframe(powiats.iloc[:2], path, layer="inne", append=False)
    with pytest.raises(InvalidInput, match="several layers; choose one with --layer: powiaty, inne"):
        read_vector(path)
    assert len(read_vector(path, layer="inne").frame) == 2
    assert len(read_vector(path, preferred_layers=("powiaty",)).frame) == len(powiats)


def test_a_shapefile_without_its_dbf(powiats, tmp_path):
    powiats.to_file(tmp_path / "p.shp")
    (tmp_path / "p.dbf").unlink()
    with pytest.raises(InvalidInput, match="the Shapefile lacks its .dbf file"):
        read_vector(tmp_path / "p.shp")


def test_unknown_encoding_is_named(powiats, tmp_path):
    powiats.to_file(tmp_path / "p.shp")
    with pytest.raises(InvalidInput, match="unknown encoding 'klingon'"):
        read_vector(tmp_path / "p.shp", encoding="klingon")
