"""Map data by URL: simplified layers per zoom band, indicator values with classes, cards."""

from __future__ import annotations

import gzip
from collections import OrderedDict
from threading import Lock

from flask import Blueprint, current_app, jsonify, request

from core.errors import BadRequest
from services.analysis import mapdata
from spatial.display import band_for_zoom
from web import get_engine_for
from web.api_common import int_arg
from web.i18n import indicator_words
from web.limits import slow_work

bp = Blueprint("maps", __name__, url_prefix="/api/v1")

_compressed: OrderedDict[str, bytes] = OrderedDict()
_lock = Lock()
CACHE_ENTRIES = 32


def _gzip_cached(etag: str, text: str) -> bytes:
    with _lock:
        if etag in _compressed:
            _compressed.move_to_end(etag)
            return _compressed[etag]
    body = gzip.compress(text.encode(), compresslevel=6)
    with _lock:
        _compressed[etag] = body
        while len(_compressed) > CACHE_ENTRIES:
            _compressed.popitem(last=False)
    return body


def _geojson_response(text: str, etag: str, max_age: int = 3600):
    if etag in request.if_none_match:
        return current_app.response_class(status=304, headers={"ETag": f'"{etag}"'})
    headers = {"Cache-Control": f"public, max-age={max_age}", "Vary": "Accept-Encoding"}
    if "gzip" in request.accept_encodings:
        body = _gzip_cached(etag, text)
        headers["Content-Encoding"] = "gzip"
    else:
        body = text.encode()
    response = current_app.response_class(body, mimetype="application/geo+json",
                                          headers=headers)
    response.set_etag(etag)
    return response


@bp.get("/layers/<level>")
def layer(level: str):
    zoom = int_arg("zoom", 6, 0, 22)
    voivodeship = request.args.get("voivodeship") or None
    band = band_for_zoom(zoom)
    text, version = mapdata.display_layer(get_engine_for(current_app), level, band, voivodeship)
    return _geojson_response(text, f"L{version}-{level}-{band}-{voivodeship}")


@bp.get("/partnerships.geojson")
def partnership_outlines():
    voivodeship = request.args.get("voivodeship") or None
    if voivodeship and not (len(voivodeship) == 2 and voivodeship.isdigit()):
        raise BadRequest("voivodeship must be a 2-digit TERYT code")
    text = mapdata.partnership_outlines(get_engine_for(current_app), voivodeship)
    response = current_app.response_class(text, mimetype="application/geo+json",
                                          headers={"Cache-Control": "no-cache"})
    return response


@bp.get("/indicators/<code>/map")
def indicator_map(code: str):
    year = request.args.get("year")
    return jsonify(indicator_words(mapdata.indicator_map(
        get_engine_for(current_app), code, year=int_arg("year", 0, 1950, 2100) if year else None,
        method=request.args.get("method", "quantiles"), k=int_arg("k", 5, 2, 9),
        voivodeship=request.args.get("voivodeship") or None, guard=slow_work)))


@bp.get("/units/gmina/<teryt>/card")
def card(teryt: str):
    return jsonify(mapdata.unit_card(get_engine_for(current_app), teryt))
