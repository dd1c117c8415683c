"""Shared fixtures: real PostGIS databases of the tests' own, and the real data mirror.

Every session makes a template database with the schema, copies it for each test that needs a
clean database, and drops everything at the end; the demo's database is never touched.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from services.config import normalise_database_url
from services.db import drop_database, ensure_database, get_engine, upgrade_schema

REPO = Path(__file__).resolve().parent.parent
# The command line speaks Polish by default; the tests that read its messages read the English
# templates (tests/test_cli_language.py checks the Polish and this setting itself).
os.environ.setdefault("PARTNERSTWA_LANG", "en")


def _data_dir() -> Path:
    configured = os.environ.get("PARTNERSTWA_DATA_DIR")
    path = Path(configured) if configured else REPO.parent / "shared" / "data"
    if not (path / "boundaries" / "gminy.geojson").is_file():
        pytest.fail(f"the data mirror is missing at {path}; set PARTNERSTWA_DATA_DIR", pytrace=False)
    return path


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return _data_dir()


@pytest.fixture(scope="session")
def boundaries_dir(data_dir) -> Path:
    return data_dir / "boundaries"


def _base_url() -> sa.URL:
    url = os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    return make_url(normalise_database_url(url))


@pytest.fixture(scope="session")
def template_url():
    """A migrated, empty database used as the template of every test database.

    ``upgrade_schema`` also creates the web app's role (``partnerstwa_app``, server-wide,
    idempotently) and grants it its privileges here, so every copy carries them."""
    url = _base_url().set(database=f"partnerstwa_test_tmpl_{uuid.uuid4().hex[:8]}")
    rendered = url.render_as_string(hide_password=False)
    ensure_database(rendered)
    upgrade_schema(rendered)
    yield rendered
    drop_database(rendered)


def _copy_of(template: str, name: str) -> str:
    url = make_url(template)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def fresh_db_url(template_url):
    """A clean database with the schema, for one test."""
    url = _copy_of(template_url, f"partnerstwa_test_{uuid.uuid4().hex[:10]}")
    yield url
    get_engine(url).dispose()
    drop_database(url)


@pytest.fixture
def fresh_engine(fresh_db_url):
    return get_engine(fresh_db_url)


@pytest.fixture(scope="session")
def reference_db_url(template_url, data_dir):
    """One database with all real boundaries loaded, shared by read-only tests."""
    from services.config import Settings
    from services.reference.reference_data import load_reference_boundaries

    url = _copy_of(template_url, f"partnerstwa_test_ref_{uuid.uuid4().hex[:8]}")
    engine = get_engine(url)
    summaries = load_reference_boundaries(engine, Settings(database_url=url, data_dir=data_dir),
                                          show_progress=False)
    assert [s.rows for s in summaries] == [16, 380, 2477]
    yield url
    engine.dispose()
    drop_database(url)


@pytest.fixture(scope="session")
def reference_engine(reference_db_url):
    return get_engine(reference_db_url)


def fingerprint(engine) -> tuple:
    """Everything a failed load must leave unchanged."""
    with engine.connect() as conn:
        return tuple(
            conn.execute(sa.text(
                f"SELECT count(*), coalesce(md5(string_agg(teryt || name || as_of::text"
                f" || md5(ST_AsBinary(geom)), ',' ORDER BY teryt)), '') FROM {table}"
            )).one()
            for table in ("voivodeship", "powiat", "gmina")
        ) + (
            conn.execute(sa.text("SELECT count(*), coalesce(max(id), 0) FROM boundary_load")).one(),
            conn.execute(sa.text("SELECT count(*) FROM boundary_history")).scalar_one(),
        )


INDICATOR_FILES = (
    ("bdl_exports/LUDN_2425_2023.csv", "bdl-csv"),
    ("bdl_exports/LUDN_2425_2024.csv", "bdl-csv"),
    ("bdl_exports/RYNE_1944_2003_2024.csv", "bdl-csv"),
    ("bdl_exports/LUDN_ekonomiczne_grupy_wieku_2010_2019.csv", "bdl-csv"),
    ("gus_tables/powierzchnia_ludnosc_gminy_tabl21_2022.csv", "gus-t21"),
    ("gus_tables/powierzchnia_ludnosc_gminy_tabl21_2023.csv", "gus-t21"),
)


@pytest.fixture(scope="session")
def indicator_reports(reference_engine, data_dir):
    """Every indicator file of the mirror imported into the reference database, once."""
    from services.indicators.store import import_indicators

    return {Path(name).name: import_indicators(reference_engine,
                                               data_dir / "indicators" / name, fmt)
            for name, fmt in INDICATOR_FILES}


@pytest.fixture(scope="session")
def unemployment_rate(reference_engine, indicator_reports):
    """Unemployed per 1,000 residents derived for every year with both inputs."""
    from services.indicators.derived import unemployed_per_1000

    return unemployed_per_1000(reference_engine)


def table_counts(engine) -> dict:
    """Row counts of the indicator and analysis tables, for 'nothing was stored' checks."""
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("indicator", "indicator_value", "indicator_load", "analysis_run",
                          "analysis_result")}


@pytest.fixture(scope="session")
def gminas_frame(reference_engine):
    """The loaded gminas as a GeoDataFrame in EPSG:2180, indexed by TERYT."""
    import geopandas as gpd

    with reference_engine.connect() as conn:
        return gpd.read_postgis("SELECT teryt, geom FROM gmina ORDER BY teryt", conn,
                                geom_col="geom", index_col="teryt")


@pytest.fixture(scope="session")
def partnerships_loaded(reference_engine, data_dir):
    from services.planning.partnerships import import_partnerships

    return import_partnerships(reference_engine, data_dir / "partnerships" / "examples.csv")


def object_counts(engine) -> dict:
    """Row counts of the working objects, for 'nothing was written' checks."""
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("partnership", "partnership_member", "functional_area", "project",
                          "object_version")}
