"""Provisioning: database, PostGIS, the schema and the web app's own role, idempotently."""

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from core.errors import DatabaseUnavailable, InvalidInput
from services.db import (
    alembic_config,
    app_url_for,
    drop_database,
    ensure_database,
    get_engine,
    init_database,
    provision_app_role,
)


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("postgresql://x@localhost/x")).get_current_head()


def test_init_creates_then_finds_everything(template_url):
    url = make_url(template_url).set(database=f"partnerstwa_test_init_{uuid.uuid4().hex[:8]}")
    rendered = url.render_as_string(hide_password=False)
    try:
        first = init_database(rendered)
        second = init_database(rendered)
        assert first["created"] is True and second["created"] is False
        assert first["revision"] == second["revision"] == head_revision()
        assert first["app_role"] == "partnerstwa_app"
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


def _app_connection(url: str):
    """A connection as the web app connects (its own role, derived from the owner's URL)."""
    return sa.create_engine(app_url_for(url), poolclass=sa.pool.NullPool)


@pytest.mark.parametrize("table", ["audit_log", "object_version"])
@pytest.mark.parametrize("statement", [
    "TRUNCATE {t}",
    "UPDATE {t} SET id = id",
    "DELETE FROM {t}",
    "ALTER TABLE {t} DISABLE TRIGGER ALL",
    "DROP TABLE {t}",
])
def test_the_app_role_cannot_rewrite_the_history(fresh_db_url, table, statement):
    engine = _app_connection(fresh_db_url)
    try:
        with pytest.raises(sa.exc.ProgrammingError,
                           match="permission denied|must be owner") as caught:
            with engine.begin() as conn:
                conn.execute(sa.text(statement.format(t=table)))
        assert type(caught.value.orig).__name__ == "InsufficientPrivilege"
    finally:
        engine.dispose()


def test_the_app_role_appends_and_reads_and_is_nothing_more(fresh_db_url):
    engine = _app_connection(fresh_db_url)
    try:
        with engine.begin() as conn:
            who = conn.execute(sa.text(
                "SELECT current_user, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls"
                " FROM pg_roles WHERE rolname = current_user")).one()
            assert tuple(who) == ("partnerstwa_app", False, False, False, False)
            conn.execute(sa.text("INSERT INTO audit_log (actor, action, object_kind, object_id)"
                                 " VALUES ('t', 'probe', 'test', '1')"))
            conn.execute(sa.text(
                "INSERT INTO object_version (object_kind, object_id, outcome, action, data)"
                " VALUES ('project', 1, 'accepted', 'create', '{}')"))
            assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one() == 1
            # The working tables stay the app's to change.
            conn.execute(sa.text("UPDATE app_user SET name = name"))
            conn.execute(sa.text("DELETE FROM login_attempt"))
        for statement in ("CREATE TABLE public.mine (x int)", "DELETE FROM alembic_version",
                          "ALTER TABLE project ADD COLUMN x int", "SET ROLE postgres"):
            with pytest.raises(sa.exc.ProgrammingError):
                with engine.begin() as conn:
                    conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def test_not_even_the_owner_rewrites_the_history_by_accident(fresh_engine):
    with fresh_engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO object_version (object_kind, object_id, outcome, action, data)"
            " VALUES ('project', 1, 'accepted', 'create', '{}')"))
    for statement in ("UPDATE object_version SET author = 'x'", "DELETE FROM object_version",
                      "TRUNCATE object_version", "TRUNCATE audit_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with fresh_engine.begin() as conn:
                conn.execute(sa.text(statement))


def test_db_init_makes_a_named_role_with_the_app_urls_password(template_url):
    """PARTNERSTWA_APP_DATABASE_URL names the role and its password; `db init` twice is fine,
    and the migration of sessions and limits goes down and up again."""
    from alembic import command

    name = f"partnerstwa_test_role_{uuid.uuid4().hex[:8]}"
    owner = make_url(template_url).set(database=f"partnerstwa_test_role_{uuid.uuid4().hex[:8]}")
    owner_url = owner.render_as_string(hide_password=False)
    app_url = owner.set(username=name, password="tajne-haslo-1").render_as_string(
        hide_password=False)
    admin = sa.create_engine(owner.set(database="postgres"), isolation_level="AUTOCOMMIT",
                             poolclass=sa.pool.NullPool)
    try:
        assert init_database(owner_url, app_url)["app_role"] == name
        command.downgrade(alembic_config(owner_url), "0006")
        assert init_database(owner_url, app_url)["revision"] == head_revision()
        with admin.connect() as conn:
            role = conn.execute(sa.text(
                "SELECT rolsuper, rolcanlogin, rolpassword IS NOT NULL FROM pg_authid"
                " WHERE rolname = :r"), {"r": name}).one()
        assert tuple(role) == (False, True, True)
        with get_engine(owner_url).connect() as conn:
            grants = conn.execute(sa.text(
                "SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type)"
                " FROM information_schema.role_table_grants WHERE grantee = :r"
                " AND table_name IN ('audit_log', 'object_version', 'user_session')"
                " GROUP BY table_name ORDER BY table_name"), {"r": name}).all()
        assert [tuple(g) for g in grants] == [
            ("audit_log", "INSERT,SELECT"), ("object_version", "INSERT,SELECT"),
            ("user_session", "DELETE,INSERT,SELECT,UPDATE")]
    finally:
        get_engine(owner_url).dispose()
        drop_database(owner_url)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{name}"'))
        admin.dispose()


def test_the_app_may_not_be_the_owner(fresh_db_url):
    with pytest.raises(InvalidInput, match="role of its own"):
        provision_app_role(fresh_db_url, fresh_db_url)
