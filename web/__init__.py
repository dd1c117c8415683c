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
    app.config.from_mapping(
        SETTINGS=settings,
        MAX_CONTENT_LENGTH=50 * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    if config:
        app.config.update(config)

    from web import errors, i18n
    from web.analysis import bp as analysis_bp
    from web.api_files import bp as files_bp
    from web.api_partnerships import bp as partnerships_bp
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
    app.register_blueprint(health_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(units_bp)
    app.register_blueprint(analysis_bp)
    app.register_blueprint(partnerships_bp)
    app.register_blueprint(files_bp)
    app.register_blueprint(openapi_bp)
    app.register_blueprint(maps_bp)
    return app


def get_engine_for(app: Flask):
    from services.db import get_engine

    settings: Settings = app.config["SETTINGS"]
    return get_engine(settings.database_url, settings.statement_timeout_ms)
