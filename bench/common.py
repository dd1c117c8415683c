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


def load_reference(url: str, mirror: Path) -> None:
    """The real data of the mirror: boundaries, indicators, the demo index, partnerships."""
    from services.config import Settings
    from services.db import get_engine
    from services.reference.reference_data import (
        load_reference_boundaries,
        load_reference_indicators,
        load_reference_partnerships,
    )

    settings = Settings(database_url=url, data_dir=mirror)
    engine = get_engine(url)
    load_reference_boundaries(engine, settings, show_progress=False)
    load_reference_indicators(engine, settings)
    load_reference_partnerships(engine, settings)
    engine.dispose()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(url: str, workers: int = 2):
    """`partnerstwa serve` on a free port of 127.0.0.1: (base URL, server process)."""
    import subprocess
    import time
    import urllib.request

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "scripts.cli", "serve", "--port", str(port), "--workers",
         str(workers)], cwd=REPO, env=dict(os.environ, DATABASE_URL=url),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        # Start-up imports the whole stack: on a busy machine that takes well over 30 s.
        deadline = time.monotonic() + 180
        while server.poll() is None and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        if server.poll() is not None:
            sys.exit(f"bench: error: `partnerstwa serve` ended with {server.returncode}")
        # Build the display layer once, as the first visitor after a boundary load does.
        urllib.request.urlopen(base + "/api/v1/layers/gmina?zoom=6", timeout=60)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=15)
