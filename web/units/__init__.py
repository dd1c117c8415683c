"""Administrative units as GeoJSON, served by URL so pages never inline whole layers."""

from __future__ import annotations

import gzip

from flask import Blueprint, current_app, request

from core.errors import BadRequest, NotFound
from layers.catalogue import LEVELS
from services.reference.units import boundary_version, units_geojson
from web import get_engine_for

bp = Blueprint("units", __name__, url_prefix="/api/v1/units")


def _number(name: str, default: float, cast=float):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return cast(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a number, got {raw!r}") from None


@bp.get("/<level>")
def units(level: str):
    if level not in LEVELS:
        raise NotFound(f"no level {level!r}; levels: {', '.join(LEVELS)}")
    settings = current_app.config["SETTINGS"]
    tolerance = _number("tolerance", 200.0)
    limit = _number("limit", settings.max_features, int)
    offset = _number("offset", 0, int)
    if not 1 <= limit <= settings.max_features:
        raise BadRequest(f"limit must be between 1 and {settings.max_features}")
    if offset < 0:
        raise BadRequest("offset must not be negative")
    voivodeship = request.args.get("voivodeship") or None
    engine = get_engine_for(current_app)
    etag = f"b{boundary_version(engine)}-{level}-{voivodeship}-{tolerance:g}-{limit}-{offset}"
    if etag in request.if_none_match:
        return current_app.response_class(status=304, headers={"ETag": f'"{etag}"'})
    body = units_geojson(engine, level, voivodeship=voivodeship, tolerance_m=tolerance,
                         limit=limit, offset=offset).encode()
    headers = {"Cache-Control": "public, max-age=300", "Vary": "Accept-Encoding"}
    if "gzip" in request.accept_encodings:
        body = gzip.compress(body, compresslevel=6)
        headers["Content-Encoding"] = "gzip"
    response = current_app.response_class(body, mimetype="application/geo+json",
                                          headers=headers)
    response.set_etag(etag)
    return response
