"""Provisioning: database, PostGIS and the schema, idempotently."""

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from core.errors import DatabaseUnavailable
from services.db import drop_database, ensure_database, get_engine, init_database


def test_init_creates_then_finds_everything(template_url):
    url = make_url(template_url).set(database=f"partnerstwa_test_init_{uuid.uuid4().hex[:8]}")
    rendered = url.render_as_string(hide_password=False)
    try:
        first = init_database(rendered)
        second = init_database(rendered)
        assert first["created"] is True and second["created"] is False
        assert first["revision"] == second["revision"] == "0006"
        with get_engine(rendered).connect() as conn:
            tables = set(conn.execute(sa.text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
            postgis = conn.execute(sa.text("SELECT postgis_lib_version()")).scalar_one()
        assert {"voivodeship", "powiat", "gmina", "boundary_load", "boundary_history",
                "alembic_version"} <= tables
        assert postgis.startswith("3.")
    finally:
        get_engine(rendered).dispose()
        drop_database(rendered)


def test_an_unreachable_server_is_reported_without_the_password():
    with pytest.raises(DatabaseUnavailable) as caught:
        ensure_database("postgresql://someone:s3cret@127.0.0.1:9/partnerstwa")
    message = caught.value.message
    assert "cannot connect to PostgreSQL at 127.0.0.1:9" in message
    assert "s3cret" not in message


def test_a_missing_schema_says_to_run_db_init(template_url, boundaries_dir):
    from services.reference.boundaries import load_boundaries

    url = make_url(template_url).set(database=f"partnerstwa_test_bare_{uuid.uuid4().hex[:8]}")
    rendered = url.render_as_string(hide_password=False)
    ensure_database(rendered)
    try:
        with pytest.raises(DatabaseUnavailable, match="partnerstwa db init"):
            load_boundaries(get_engine(rendered), boundaries_dir / "wojewodztwa.geojson",
                            "voivodeship", as_of="2020-01-01")
    finally:
        get_engine(rendered).dispose()
        drop_database(rendered)
