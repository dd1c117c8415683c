"""The Flask application factory. Nothing is built at import time."""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

from services.config import Settings


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config`` overrides settings (tests pass DATABASE_URL here)."""
    app = Flask(__name__)
    settings = Settings.from_env()
    if config and "DATABASE_URL" in config:
        from dataclasses import replace

        from services.config import normalise_database_url

        settings = replace(settings, database_url=normalise_database_url(config["DATABASE_URL"]))
    if config and "STATEMENT_TIMEOUT_MS" in config:
        from dataclasses import replace

        settings = replace(settings, statement_timeout_ms=int(config["STATEMENT_TIMEOUT_MS"]))
    app.config.from_mapping(
        SETTINGS=settings,
        SECRET_KEY=secret_key(settings),
        MAX_CONTENT_LENGTH=50 * 1024 * 1024,
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=8 * 3600,
    )
    if config:
        app.config.update(config)

    from web import auth, errors, i18n, limits, security
    from web.admin import bp as admin_bp
    from web.analysis import bp as analysis_bp
    from web.api_files import bp as files_bp
    from web.api_partnerships import bp as partnerships_bp
    from web.diagnosis import bp as diagnosis_bp
    from web.health import bp as health_bp
    from web.maps import bp as maps_bp
    from web.openapi import bp as openapi_bp
    from web.pages import bp as pages_bp
    from web.units import bp as units_bp

    i18n.init_app(app)
    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip", "deflate"])
    # Static files are streamed; flask-compress streams deflate (gzip it does not stream).
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["deflate"])
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/csv", "text/javascript", "application/javascript",
        "application/json", "application/problem+json", "application/geo+json",
        "image/svg+xml"])
    Compress(app)
    errors.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    limits.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(units_bp)
    app.register_blueprint(analysis_bp)
    app.register_blueprint(partnerships_bp)
    app.register_blueprint(diagnosis_bp)
    app.register_blueprint(files_bp)
    app.register_blueprint(openapi_bp)
    app.register_blueprint(maps_bp)
    from web.consultations import bp as consultations_bp
    from web.national import bp as national_bp
    from web.ogc import bp as ogc_bp
    from web.packages import bp as packages_bp
    from web.public_consultation import bp as public_consultation_bp
    from web.strategy import bp as strategy_bp
    from web.strategy_documents import bp as strategy_documents_bp
    from web.survey_results import bp as survey_results_bp
    from web.surveys import bp as surveys_bp
    from web.tiles import bp as tiles_bp

    for blueprint in (ogc_bp, tiles_bp, packages_bp,
                      national_bp,  # the ministry's table of all partnerships
                      consultations_bp, public_consultation_bp,  # map consultations, /k/<slug>
                      strategy_bp, strategy_documents_bp,  # strategy, project package, documents
                      surveys_bp, survey_results_bp):  # survey imports and their estimates
        app.register_blueprint(blueprint)
    return app


def secret_key(settings: Settings) -> str:
    """PARTNERSTWA_SECRET_KEY, or one generated once and kept in the cache folder, so that
    every worker signs sessions with the same key."""
    if settings.secret_key:
        return settings.secret_key
    import os
    import secrets
    import time

    path = settings.cache_dir / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it first
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.05)
    raise RuntimeError(f"the secret key file {path} stays empty")


def get_engine_for(app: Flask):
    from services.db import get_engine

    settings: Settings = app.config["SETTINGS"]
    # The app's own role (append-only history, no DDL), never the owner that migrates.
    return get_engine(settings.app_url, settings.statement_timeout_ms)
