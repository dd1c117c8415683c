"""Vector tiles ``/tiles/{layer}/{z}/{x}/{y}.mvt`` and a TileJSON document per layer.

The gmina layer carries an indicator's value and choropleth class (``?indicator=&year=``,
classes as on the web map: quantiles, 5). ETags follow the data version, so a client
revalidates cheaply and never keeps a tile across a change.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, request, url_for

from core.errors import PartnerstwaError
from services.analysis.mapdata import indicator_map
from services.ogc import tiles as svc
from services.ogc.params import OgcInvalidParameter, parse_int
from web import get_engine_for
from web.ogc import ogc_exception, token_by_basic_auth

bp = Blueprint("tiles", __name__, url_prefix="/tiles")
bp.register_error_handler(PartnerstwaError, ogc_exception)
bp.before_request(token_by_basic_auth)
MVT = "application/vnd.mapbox-vector-tile"


def _indicator(tl: svc.TileLayer) -> tuple[str | None, int | None]:
    unknown = set(request.args) - {"indicator", "year", "lang"}
    if unknown:
        raise OgcInvalidParameter("unknown parameter %(unknown)r", unknown=sorted(unknown)[0][:40])
    code = request.args.get("indicator") or None
    year = parse_int(request.args.get("year"), "year", 0, 1950, 2100) or None
    if code is None and year is not None:
        raise OgcInvalidParameter("year needs an indicator")
    if code is not None and tl.id != "gminas":
        raise OgcInvalidParameter("only the gminas layer carries indicator values")
    return (code[:64] if code else None), year


@bp.get("/<layer>.json")
def tilejson(layer: str):
    tl = svc.layer(layer, g.principal)
    code, year = _indicator(tl)  # checks the parameters passed on into the tile URLs
    if code is not None:
        indicator_map(get_engine_for(current_app), code, year=year)  # unknown: 404
    query = request.query_string.decode()
    endpoint = "tiles.public_tile" if tl.access == "public" else "tiles.tile"
    template = (url_for(endpoint, layer=tl.id, z=0, x=0, y=0, _external=True)
                .replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt") + (f"?{query}" if query else ""))
    return svc.tilejson(tl, template, getattr(g, "lang", "pl"))


PUBLIC = ", ".join(t.id for t in svc.LAYERS.values() if t.access == "public")
WORKING = ", ".join(t.id for t in svc.LAYERS.values() if t.access != "public")


# Two endpoints, so that web.security can let shared caches keep the public tiles (the same
# for everyone) while working tiles stay private to who asked.
@bp.get(f"/<any({PUBLIC}):layer>/<int:z>/<int:x>/<int:y>.mvt")
def public_tile(layer: str, z: int, x: int, y: int):
    return _tile(layer, z, x, y)


@bp.get(f"/<any({WORKING}):layer>/<int:z>/<int:x>/<int:y>.mvt")
def tile(layer: str, z: int, x: int, y: int):
    return _tile(layer, z, x, y)


@bp.get("/<layer>/<int:z>/<int:x>/<int:y>.mvt")
def unknown_layer(layer: str, z: int, x: int, y: int):
    svc.layer(layer, g.principal)  # raises: no such layer


def _tile(layer: str, z: int, x: int, y: int):
    tl = svc.layer(layer, g.principal)
    svc.check_tile(tl, z, x, y)
    code, year = _indicator(tl)
    etag, data = svc.tile(get_engine_for(current_app), tl, z, x, y, actor=g.principal,
                          indicator=code, year=year,
                          known_etags=tuple(request.if_none_match.as_set()))
    cache = "public, max-age=60" if tl.access == "public" else "no-store"
    if data is None:
        return current_app.response_class(status=304, headers={"ETag": f'"{etag}"',
                                                               "Cache-Control": cache})
    response = current_app.response_class(data, mimetype=MVT, headers={"Cache-Control": cache})
    response.set_etag(etag)
    return response
