"""A throw-away PostGIS database for a benchmark, and the data mirror."""

from __future__ import annotations

import os
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy.engine import make_url  # noqa: E402

from services.config import normalise_database_url  # noqa: E402
from services.db import drop_database, ensure_database, upgrade_schema  # noqa: E402


def data_dir() -> Path:
    path = Path(os.environ.get("PARTNERSTWA_DATA_DIR") or REPO.parent / "shared" / "data")
    if not (path / "boundaries").is_dir():
        sys.exit(f"bench: error: no data mirror at {path}; set PARTNERSTWA_DATA_DIR")
    return path


@contextmanager
def bench_database():
    """(SQLAlchemy URL, GDAL 'PG:' connection string) of a new migrated database."""
    base = make_url(normalise_database_url(
        os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"))
    url = base.set(database=f"partnerstwa_bench_{uuid.uuid4().hex[:8]}")
    rendered = url.render_as_string(hide_password=False)
    pg = (f"PG:host={url.host} port={url.port or 5432} dbname={url.database} "
          f"user={url.username}" + (f" password={url.password}" if url.password else ""))
    ensure_database(rendered)
    upgrade_schema(rendered)
    try:
        yield rendered, pg
    finally:
        drop_database(rendered)
