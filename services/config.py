"""Settings read from the environment, in one place.

Every setting has a default that works on a fresh machine with the local PostgreSQL;
the README documents each one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from layers.bdl import BASE_URL as BDL_URL

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/partnerstwa"
DEFAULT_APP_DB_ROLE = "partnerstwa_app"

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


def _deadlines_env(name: str) -> tuple[tuple[str, str | None], ...]:
    """``code=YYYY-MM-DD`` (or ``code=none``) pairs, comma-separated, for funding codes of
    services/planning/vocabularies.py; a bad pair stops with a message naming the setting."""
    import datetime as dt

    from services.planning.vocabularies import FUNDING_CODES

    raw = os.environ.get(name, "")
    pairs: list[tuple[str, str | None]] = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        code, sep, day = (s.strip() for s in item.partition("="))
        problem = None
        if not sep:
            problem = "is not code=YYYY-MM-DD"
        elif code not in FUNDING_CODES:
            problem = "is not a funding code (" + ", ".join(sorted(FUNDING_CODES)) + ")"
        elif day.lower() != "none":
            try:
                dt.date.fromisoformat(day)
            except ValueError:
                problem = "has no date YYYY-MM-DD (or none)"
        if problem:
            raise SystemExit(f"partnerstwa: error: {name}: {item!r} {problem}")
        pairs.append((code, None if day.lower() == "none" else day))
    return tuple(pairs)


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
    bdl_url: str = BDL_URL
    bdl_client_id: str = ""
    demo_password: str = "partnerstwa-demo"
    # The web app connects as its own role, not as the owner in database_url (see app_url).
    app_db_role: str = DEFAULT_APP_DB_ROLE
    app_database_url: str = ""
    # Reverse proxies in front of the app whose X-Forwarded-For is trusted (sign-in limits
    # count per client address; behind a proxy every client has the proxy's address).
    proxy_hops: int = 0
    # Reading an uploaded or imported file: a child process killed past these bounds.
    import_seconds: int = 60
    import_memory_mb: int = 1024
    # End of eligibility per funding code overriding services/strategy/programmes.py's table.
    programme_deadlines: tuple[tuple[str, str | None], ...] = ()
    # The command line's language when no --lang is given (scripts/language.py): pl or en.
    cli_lang: str = ""

    @property
    def app_url(self) -> str:
        """Where the web app connects: PARTNERSTWA_APP_DATABASE_URL, or database_url with the
        user replaced by the app's role (same host, database and password)."""
        if self.app_database_url:
            return normalise_database_url(self.app_database_url)
        from sqlalchemy.engine import make_url

        return make_url(normalise_database_url(self.database_url)).set(
            username=self.app_db_role).render_as_string(hide_password=False)

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
            bdl_url=os.environ.get("PARTNERSTWA_BDL_URL") or BDL_URL,
            bdl_client_id=os.environ.get("PARTNERSTWA_BDL_CLIENT_ID", ""),
            demo_password=os.environ.get("PARTNERSTWA_DEMO_PASSWORD") or "partnerstwa-demo",
            app_db_role=os.environ.get("PARTNERSTWA_APP_DB_ROLE") or DEFAULT_APP_DB_ROLE,
            app_database_url=os.environ.get("PARTNERSTWA_APP_DATABASE_URL", ""),
            proxy_hops=_int_env("PARTNERSTWA_PROXY_HOPS", 0),
            import_seconds=_int_env("PARTNERSTWA_IMPORT_SECONDS", 60),
            import_memory_mb=_int_env("PARTNERSTWA_IMPORT_MEMORY_MB", 1024),
            programme_deadlines=_deadlines_env("PARTNERSTWA_PROGRAMME_DEADLINES"),
            cli_lang=os.environ.get("PARTNERSTWA_LANG", "").strip().lower(),
        )
