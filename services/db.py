"""Database engine, provisioning (database + PostGIS) and schema migrations."""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from psycopg import DataError as PsycopgDataError
from psycopg.errors import UndefinedTable
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DataError, OperationalError, ProgrammingError

from core.errors import DatabaseUnavailable
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
        f"cannot connect to PostgreSQL at {url.host}:{url.port or 5432} "
        f"(database {url.database!r}); is the server running? ({type(exc).__name__})"
    )


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


def upgrade_schema(database_url: str) -> str:
    """Create or upgrade the schema to the newest migration; returns the revision."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    command.upgrade(alembic_config(database_url), "head")
    engine = sa.create_engine(normalise_database_url(database_url))
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def init_database(database_url: str) -> dict:
    """Provision the database, PostGIS and the schema. Idempotent."""
    created = ensure_database(database_url)
    revision = upgrade_schema(database_url)
    return {"database": redacted(database_url), "created": created, "revision": revision}


@contextmanager
def database_errors():
    """Turn driver errors into project errors with a message a user can act on."""
    try:
        yield
    except OperationalError as exc:
        raise DatabaseUnavailable(
            "the database is unavailable or the statement timed out; try again"
            f" ({type(exc.orig).__name__ if exc.orig else 'OperationalError'})"
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
