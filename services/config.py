"""Settings read from the environment, in one place.

Every setting has a default that works on a fresh machine with the local PostgreSQL;
the README documents each one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/partnerstwa"

# The official PRG package (all administrative boundaries, Shapefiles in EPSG:2180) that GUGiK
# publishes through its open-data ATOM feed.
DEFAULT_PRG_URL = "https://opendata.geoportal.gov.pl/prg/granice/00_jednostki_administracyjne.zip"


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver whatever scheme the user wrote."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"partnerstwa: error: {name}={raw!r} is not a whole number") from exc


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    data_dir: Path | None = None
    cache_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "partnerstwa")
    statement_timeout_ms: int = 30_000
    prg_url: str = DEFAULT_PRG_URL
    basemap_url: str = ""
    max_features: int = 5_000
    secret_key: str = ""
    secure_cookies: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = os.environ.get("PARTNERSTWA_DATA_DIR")
        cache_dir = os.environ.get("PARTNERSTWA_CACHE_DIR")
        return cls(
            database_url=normalise_database_url(
                os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
            ),
            data_dir=Path(data_dir) if data_dir else None,
            cache_dir=Path(cache_dir) if cache_dir else Path.home() / ".cache" / "partnerstwa",
            statement_timeout_ms=_int_env("PARTNERSTWA_STATEMENT_TIMEOUT_MS", 30_000),
            prg_url=os.environ.get("PARTNERSTWA_PRG_URL") or DEFAULT_PRG_URL,
            basemap_url=os.environ.get("PARTNERSTWA_BASEMAP_URL", ""),
            max_features=_int_env("PARTNERSTWA_MAX_FEATURES", 5_000),
            secret_key=os.environ.get("PARTNERSTWA_SECRET_KEY", ""),
            secure_cookies=os.environ.get("PARTNERSTWA_SECURE_COOKIES", "") in ("1", "true"),
        )
