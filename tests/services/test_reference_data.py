"""Loading all levels from the data mirror or, without one, from a PRG package over HTTP.

The PRG package is rebuilt from the mirror's real boundaries in PRG's own layout (Shapefiles
A01-A03 in EPSG:2180 with JPT_KOD_JE and JPT_NAZWA_) and served from 127.0.0.1.
"""

import functools
import http.server
import threading
import zipfile

import geopandas as gpd
import pytest
import sqlalchemy as sa

from core.errors import InvalidInput
from layers.download import DownloadFailed
from services.config import Settings
from services.reference.reference_data import load_reference_boundaries

FILES = {"A01_Granice_wojewodztw": "wojewodztwa.geojson",
         "A02_Granice_powiatow": "powiaty.geojson", "A03_Granice_gmin": "gminy.geojson"}


@pytest.fixture(scope="module")
def prg_package(boundaries_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("prg")
    shp = root / "shp"
    shp.mkdir()
    for layer, name in FILES.items():
        frame = gpd.read_file(boundaries_dir / name).to_crs(2180)
        frame = frame.rename(columns={"terc": "JPT_KOD_JE", "name": "JPT_NAZWA_"})
        frame.to_file(shp / f"{layer}.shp", encoding="utf-8")
    archive = root / "www" / "00_jednostki_administracyjne.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(shp.iterdir()):
            zf.write(path, f"PRG_jednostki_administracyjne/{path.name}")
    return archive


@pytest.fixture(scope="module")
def prg_server(prg_package):
    hits = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            hits.append(self.path)

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(prg_package.parent)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/{prg_package.name}", hits
    server.shutdown()


def test_without_a_mirror_the_prg_is_downloaded_once_and_loaded(fresh_engine, fresh_db_url,
                                                                  prg_server, tmp_path):
    url, hits = prg_server
    settings = Settings(database_url=fresh_db_url, data_dir=None, prg_url=url,
                        cache_dir=tmp_path / "cache")
    summaries = load_reference_boundaries(fresh_engine, settings, show_progress=False)
    assert [(s.level, s.rows, s.coverage) for s in summaries] == [
        ("voivodeship", 16, "full"), ("powiat", 380, "full"), ("gmina", 2477, "full")]
    assert all(abs(s.area_km2 - 312_481.166) < 312.5 for s in summaries)
    again = load_reference_boundaries(fresh_engine, settings, show_progress=False)
    assert [s.replaced for s in again] == [16, 380, 2477]
    assert len([h for h in hits if h.endswith(".zip")]) == 1  # cached after the first run
    with fresh_engine.connect() as conn:
        assert conn.execute(sa.text(
            "SELECT name FROM gmina WHERE teryt = '1465011'")).scalar_one() == "Warszawa"


def test_an_unreachable_source_says_what_to_do(fresh_engine, fresh_db_url, tmp_path):
    settings = Settings(database_url=fresh_db_url, data_dir=None,
                        prg_url="http://127.0.0.1:9/prg.zip", cache_dir=tmp_path)
    with pytest.raises(DownloadFailed, match="PARTNERSTWA_DATA_DIR"):
        load_reference_boundaries(fresh_engine, settings, show_progress=False)
    assert list(tmp_path.iterdir()) == []  # no half-downloaded file left behind


def test_an_incomplete_mirror_is_named(fresh_engine, fresh_db_url, tmp_path):
    settings = Settings(database_url=fresh_db_url, data_dir=tmp_path)
    with pytest.raises(InvalidInput, match="the data mirror lacks"):
        load_reference_boundaries(fresh_engine, settings, show_progress=False)


def test_the_mirror_gives_indicators_and_the_demo_risk_index(fresh_engine, fresh_db_url,
                                                             data_dir):
    from services.reference.reference_data import load_reference_indicators

    settings = Settings(database_url=fresh_db_url, data_dir=data_dir)
    load_reference_boundaries(fresh_engine, settings, show_progress=False)
    reports = load_reference_indicators(fresh_engine, settings)
    derived = {r.indicator: r for r in reports if hasattr(r, "indicator")}
    assert set(derived) == {"unemployed_per_1000", "population_change_pct_3y",
                            "net_migration_per_1000", "density_derived", "marginalisation_risk",
                            "dependency_ratio", "post_working_share_pct"}
    assert derived["marginalisation_risk"].gminas == 2477
    assert derived["dependency_ratio"].gminas == 2477  # the demo's age structure
    assert derived["dependency_ratio"].years == list(range(2010, 2020))
    with fresh_engine.connect() as conn:
        spec = conn.execute(sa.text(
            "SELECT direction, derived_from FROM indicator WHERE code = 'marginalisation_risk'"
        )).one()
    assert spec[0] == "higher-worse"
    assert spec[1]["signs"] == {"unemployed_per_1000": 1, "population_change_pct_3y": -1}
    assert spec[1]["groups"] == "gmina-type"
    assert load_reference_indicators(fresh_engine, Settings(database_url=fresh_db_url)) == []
