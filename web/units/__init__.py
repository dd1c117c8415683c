"""Administrative units as GeoJSON, served by URL so pages never inline whole layers."""

from __future__ import annotations

import gzip

from flask import Blueprint, current_app, jsonify, request

from core.errors import BadRequest, NotFound
from layers.catalogue import LEVELS
from services.reference.units import (
    SEARCH_LIMIT_DEFAULT,
    boundary_version,
    search_units,
    unit_points,
    units_geojson,
)
from web import get_engine_for

bp = Blueprint("units", __name__, url_prefix="/api/v1/units")


def _number(name: str, default: float, cast=float):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return cast(raw)
    except ValueError:
        raise BadRequest("%(name)s must be a number, got %(raw)r", name=name, raw=raw) from None


@bp.get("/search")
def search():
    """Gminas and powiats by name (diacritics optional) or TERYT, for the search box."""
    limit = _number("limit", SEARCH_LIMIT_DEFAULT, int)
    hits = search_units(get_engine_for(current_app), request.args.get("q", ""), limit=limit)
    response = jsonify(hits)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/<level>/points")
def points(level: str):
    """One point inside each unit (not its centroid, which can lie outside), e.g. where a
    project "at a gmina's centre" is placed."""
    if level not in LEVELS:
        raise NotFound("no level %(level)r; levels: %(levels)s", level=level,
                       levels=', '.join(LEVELS))
    voivodeship = request.args.get("voivodeship") or None
    engine = get_engine_for(current_app)
    etag = f"b{boundary_version(engine)}-{level}-points-{voivodeship}"
    if etag in request.if_none_match:
        return current_app.response_class(status=304, headers={"ETag": f'"{etag}"'})
    response = current_app.response_class(
        unit_points(engine, level, voivodeship=voivodeship), mimetype="application/geo+json",
        headers={"Cache-Control": "public, max-age=300"})
    response.set_etag(etag)
    return response


@bp.get("/<level>")
def units(level: str):
    if level not in LEVELS:
        raise NotFound("no level %(level)r; levels: %(levels)s", level=level,
                       levels=', '.join(LEVELS))
    settings = current_app.config["SETTINGS"]
    tolerance = _number("tolerance", 200.0)
    limit = _number("limit", settings.max_features, int)
    offset = _number("offset", 0, int)
    if not 1 <= limit <= settings.max_features:
        raise BadRequest("limit must be between 1 and %(max_features)s",
                         max_features=settings.max_features)
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
