"""Database engine, provisioning (database + PostGIS) and schema migrations."""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from psycopg import DataError as PsycopgDataError
from psycopg.errors import (
    DuplicateObject,
    InsufficientPrivilege,
    UndefinedTable,
    UniqueViolation,
)
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, ProgrammingError

from core.errors import DatabaseUnavailable, InvalidInput
from services.config import normalise_database_url

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def redacted(url: str | URL) -> str:
    """The URL without its password, for messages."""
    return make_url(str(url)).render_as_string(hide_password=True)


@lru_cache(maxsize=8)
def get_engine(database_url: str, statement_timeout_ms: int = 30_000) -> Engine:
    """One pooled engine per URL; connections are checked before use and time out statements."""
    return sa.create_engine(
        normalise_database_url(database_url),
        pool_pre_ping=True,
        connect_args={"options": f"-c statement_timeout={int(statement_timeout_ms)}"},
    )


def _unavailable(url: str | URL, exc: Exception) -> DatabaseUnavailable:
    url = make_url(str(url))
    return DatabaseUnavailable(
        "cannot connect to PostgreSQL at %(host)s:%(port)s (database %(database)r); is the"
        " server running? (%(kind)s)", host=url.host, port=url.port or 5432,
        database=url.database, kind=type(exc).__name__)


def ensure_database(database_url: str) -> bool:
    """Create the database and the PostGIS extension when missing.

    Returns True when the database was created now.
    """
    url = make_url(normalise_database_url(database_url))
    admin = url.set(database="postgres")
    created = False
    admin_engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            ).scalar()
            if not exists:
                quoted = conn.dialect.identifier_preparer.quote(url.database)
                conn.execute(sa.text(f"CREATE DATABASE {quoted}"))
                created = True
    except OperationalError as exc:
        raise _unavailable(url, exc) from exc
    finally:
        admin_engine.dispose()

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            available = conn.execute(
                sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
            ).scalar()
            if not available:
                raise DatabaseUnavailable(
                    "PostGIS is not installed on the PostgreSQL server; "
                    "install it with: apt-get install -y postgresql-15-postgis-3"
                )
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
    except OperationalError as exc:
        raise _unavailable(url, exc) from exc
    finally:
        engine.dispose()
    return created


def drop_database(database_url: str) -> None:
    """Drop a database (used by the tests for their own throw-away databases)."""
    url = make_url(normalise_database_url(database_url))
    admin_engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            quoted = conn.dialect.identifier_preparer.quote(url.database)
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
    finally:
        admin_engine.dispose()


def alembic_config(database_url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Alembic's ini interpolation would read a % in a password as a format directive.
    cfg.set_main_option("sqlalchemy.url", normalise_database_url(database_url).replace("%", "%%"))
    return cfg


def upgrade_schema(database_url: str, app_url: str | None = None) -> str:
    """Create or upgrade the schema to the newest migration, then grant the web app's role
    what it needs (``provision_app_role``); returns the revision."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    command.upgrade(alembic_config(database_url), "head")
    provision_app_role(database_url, app_url or app_url_for(database_url))
    engine = sa.create_engine(normalise_database_url(database_url))
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def app_url_for(database_url: str) -> str:
    """The web app's URL for a database, as the settings derive it (see ``Settings.app_url``)."""
    from dataclasses import replace

    from services.config import Settings

    return replace(Settings.from_env(), database_url=database_url).app_url


# History that nobody rewrites: the app may add rows and read them, nothing else.
APPEND_ONLY = ("audit_log", "object_version")
# Tables of the tools (Alembic, PostGIS): the app may read them at most.
NOT_THE_APPS = ("alembic_version", "spatial_ref_sys")


def _run(conn, template: str, *args: str) -> None:
    """DDL with identifiers and literals, which cannot be bound: the server quotes them
    (``format`` with %I and %L)."""
    params = {f"a{i}": a for i, a in enumerate(args)}
    placeholders = "".join(f", CAST(:a{i} AS text)" for i in range(len(args)))
    statement = conn.execute(sa.text(f"SELECT format(CAST(:t AS text){placeholders})"),
                             {"t": template, **params}).scalar_one()
    conn.exec_driver_sql(statement)


def provision_app_role(database_url: str, app_url: str) -> str:
    """Create the web app's role (a login without any special attribute) when it is missing and
    grant it, in this database, reading everything, writing the working tables and only
    appending to the history. Idempotent; runs as the owner after every migration.

    The role's password becomes the one in ``app_url``, if that has one. Returns the role.
    """
    owner = make_url(normalise_database_url(database_url))
    app = make_url(normalise_database_url(app_url))
    role = app.username
    if not role or role == owner.username:
        raise InvalidInput("the web app needs a database role of its own, not %(username)r"
                           " (set PARTNERSTWA_APP_DB_ROLE or PARTNERSTWA_APP_DATABASE_URL)",
                           username=owner.username)
    engine = sa.create_engine(owner, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:  # one transaction: the app never sees half the grants
            special = conn.execute(sa.text(
                "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls OR rolreplication"
                " FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
            if special is None:
                try:
                    with conn.begin_nested():
                        _run(conn, "CREATE ROLE %I LOGIN", role)
                except (ProgrammingError, IntegrityError) as exc:
                    # Roles belong to the whole server: a parallel `db init` made it meanwhile.
                    if not isinstance(exc.orig, DuplicateObject | UniqueViolation):
                        raise
            elif special[0]:
                _run(conn, "ALTER ROLE %I NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS"
                           " NOREPLICATION", role)
            if app.password:
                _run(conn, "ALTER ROLE %I LOGIN PASSWORD %L", role, app.password)
            tables = conn.execute(sa.text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
                " ORDER BY c.relname")).scalars().all()
            _run(conn, "GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I", owner.database, role)
            _run(conn, "GRANT USAGE ON SCHEMA public TO %I", role)
            _run(conn, "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I", role)
            _run(conn, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO %I", role)
            for table in tables:
                if table in APPEND_ONLY:
                    _run(conn, "GRANT INSERT ON %I TO %I", table, role)
                elif table not in NOT_THE_APPS:
                    _run(conn, "GRANT INSERT, UPDATE, DELETE ON %I TO %I", table, role)
            _run(conn, "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I", role)
            _run(conn, "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I", role)
            # Tables that later migrations add are the app's to use until the next grant.
            _run(conn, "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT,"
                       " UPDATE, DELETE ON TABLES TO %I", role)
            _run(conn, "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT"
                       " ON SEQUENCES TO %I", role)
    except OperationalError as exc:
        raise _unavailable(owner, exc) from exc
    except ProgrammingError as exc:
        if isinstance(exc.orig, InsufficientPrivilege):
            raise DatabaseUnavailable(
                "cannot create or grant the web app's role %(role)r: the owner in DATABASE_URL"
                " needs CREATEROLE, or an administrator runs CREATE ROLE %(role_name)s LOGIN",
                role=role, role_name=role) from exc
        raise
    finally:
        engine.dispose()
    return role


def check_app_role(app_url: str) -> str:
    """Before serving: the web app's role connects and is no superuser. Returns the role."""
    url = make_url(normalise_database_url(app_url))
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            superuser = conn.execute(sa.text(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar_one()
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[-1][:200]
        raise DatabaseUnavailable(
            "the web app cannot connect as %(username)r to %(host)s:%(value)s"
            " (database %(database)r): %(reason)s; run `partnerstwa db init` first, which"
            " creates the role, or check PARTNERSTWA_APP_DATABASE_URL", username=url.username,
                                  host=url.host, value=url.port or 5432, database=url.database,
                                  reason=reason) from exc
    finally:
        engine.dispose()
    if superuser:
        raise InvalidInput("the web app's role %(username)r is a superuser; give it a role"
                           " of its own (PARTNERSTWA_APP_DB_ROLE) and run `partnerstwa db init`",
                           username=url.username)
    return url.username


def init_database(database_url: str, app_url: str | None = None) -> dict:
    """Provision the database, PostGIS, the schema and the web app's role. Idempotent."""
    created = ensure_database(database_url)
    app_url = app_url or app_url_for(database_url)
    revision = upgrade_schema(database_url, app_url)
    return {"database": redacted(database_url), "created": created, "revision": revision,
            "app_role": make_url(normalise_database_url(app_url)).username}


@contextmanager
def database_errors():
    """Turn driver errors into project errors with a message a user can act on."""
    try:
        yield
    except OperationalError as exc:
        raise DatabaseUnavailable(
            "the database is unavailable or the statement timed out; try again"
            " (%(value)s)", value=type(exc.orig).__name__ if exc.orig else 'OperationalError'
        ) from exc
    except (DataError, PsycopgDataError) as exc:
        # Values PostgreSQL cannot hold (a NUL byte in text, a number out of range).
        from core.errors import InvalidInput

        raise InvalidInput("a value cannot be stored: it holds a character or a number the"
                           " database refuses") from exc
    except ProgrammingError as exc:
        if isinstance(exc.orig, UndefinedTable):
            raise DatabaseUnavailable(
                "the database schema is missing or old: run `partnerstwa db init`"
            ) from exc
        raise
