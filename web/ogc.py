"""OGC API – Features (Part 1 Core, GeoJSON, HTML; Part 2 CRS by reference) at ``/ogc``.

QGIS ("WFS / OGC API – Features") and GDAL (``OAPIF:``) read it. Working data need a session or
``Authorization: Bearer <token>``; errors are OGC exception JSON (``code``, ``description``)
that also carries the problem-details fields of the rest of the API.
"""

from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, current_app, g, render_template, request, url_for

from core.errors import PartnerstwaError
from services.access import accounts
from services.ogc import features as svc
from services.ogc.collections import CRS84, EPSG2180, STORAGE_CRS, Collection
from services.ogc.openapi_doc import openapi_document
from services.ogc.params import (
    DEFAULT_LIMIT,
    OgcInvalidParameter,
    parse_bbox,
    parse_crs,
    parse_datetime,
    parse_int,
)
from web import get_engine_for
from web.errors import message_of, title_for

bp = Blueprint("ogc", __name__, url_prefix="/ogc")

CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
)
JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"
COMMON_PARAMS = {"f", "lang"}
ITEMS_PARAMS = COMMON_PARAMS | {"bbox", "bbox-crs", "crs", "limit", "offset", "datetime"}
FEATURE_PARAMS = COMMON_PARAMS | {"crs"}


def token_by_basic_auth() -> None:
    """Basic authentication with user ``token`` and an API token as the password.

    For desktop clients that cannot send a Bearer header: QGIS before 3.26 (its "Basic"
    authentication) and GDAL's ``-oo USERPWD=token:TOKEN``. Runs after web.auth, only here.
    """
    auth = request.authorization
    if (auth is not None and auth.type == "basic" and auth.username == "token"
            and not g.principal.authenticated):
        g.principal = accounts.principal_for_token(get_engine_for(current_app),
                                                   auth.password or "")


bp.before_request(token_by_basic_auth)


@bp.errorhandler(PartnerstwaError)
def ogc_exception(exc: PartnerstwaError):
    headers = {}
    if exc.status == 401:
        headers["WWW-Authenticate"] = ('Bearer realm="partnerstwa", Basic realm="partnerstwa:'
                                       ' user token, password your API token"')
    # ``description`` stays English for OGC clients' logs; ``title`` and ``detail`` are in the
    # user's language, like every other answer of the app.
    detail = message_of(exc)
    if _wants_html(strict=True):
        return render_template("error.html", status=exc.status, title=title_for(exc.code),
                               detail=detail), exc.status, headers
    body = {"code": exc.code, "description": exc.message, "type": f"about:blank#{exc.code}",
            "title": title_for(exc.code), "status": exc.status, "detail": detail,
            "instance": request.path}
    return current_app.response_class(json.dumps(body, ensure_ascii=False), status=exc.status,
                                      mimetype=JSON, headers=headers)


def _wants_html(strict: bool = False) -> bool:
    f = request.args.get("f")
    if f is not None:
        if f == "html":
            return True
        if f in ("json", "geojson") or strict:
            return False
        raise OgcInvalidParameter("f must be json or html, got %(f)r", f=f[:20])
    best = request.accept_mimetypes.best_match([GEOJSON, JSON, HTML])
    return best == HTML and request.accept_mimetypes[HTML] > request.accept_mimetypes[JSON]


def _check_params(allowed: set, extra: tuple = ()) -> None:
    unknown = sorted(set(request.args) - allowed - set(extra))
    if unknown:
        raise OgcInvalidParameter("unknown parameter %(unknown)r", unknown=unknown[0][:40])


def _url(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def _links(endpoint: str, title: str, **values) -> list[dict]:
    """self and alternate links of a resource in JSON and HTML."""
    html = _wants_html()
    return [
        {"href": _url(endpoint, f="json", **values), "rel": "alternate" if html else "self",
         "type": GEOJSON if endpoint.endswith("items") or endpoint.endswith("item") else JSON,
         "title": f"{title} (JSON)"},
        {"href": _url(endpoint, f="html", **values), "rel": "self" if html else "alternate",
         "type": HTML, "title": f"{title} (HTML)"},
    ]


def _json(body: dict | str, mimetype: str = JSON, headers: dict | None = None):
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return current_app.response_class(text, mimetype=mimetype, headers=headers or {})


def _page(template_kind: str, body: dict, **context):
    return render_template("ogc/page.html", kind=template_kind, body=body,
                           base=_url("ogc.landing").rstrip("/"), **context)


@bp.get("/", strict_slashes=False)  # /ogc and /ogc/ alike: clients join paths to either
def landing():
    _check_params(COMMON_PARAMS)
    body = {
        "title": "partnerstwa – OGC API Features",
        "description": "Boundaries, indicators, partnerships, functional areas, projects and"
                       " cluster analyses of Polish local governments (EPSG:2180 and CRS84).",
        "links": [
            *_links("ogc.landing", "Landing page"),
            {"href": _url("ogc.api_definition"), "rel": "service-desc",
             "type": "application/vnd.oai.openapi+json;version=3.0", "title": "OpenAPI 3.0"},
            {"href": _url("ogc.landing", f="html"), "rel": "service-doc", "type": HTML,
             "title": "How to connect QGIS and GDAL"},
            {"href": _url("ogc.conformance"), "rel": "conformance", "type": JSON,
             "title": "Conformance classes"},
            {"href": _url("ogc.collections"), "rel": "data", "type": JSON,
             "title": "Collections"},
        ],
    }
    if _wants_html():
        return _page("landing", body)
    return _json(body)


@bp.get("/conformance")
def conformance():
    _check_params(COMMON_PARAMS)
    body = {"conformsTo": list(CONFORMANCE)}
    return _page("conformance", body) if _wants_html() else _json(body)


@bp.get("/api")
def api_definition():
    _check_params(COMMON_PARAMS)
    engine = get_engine_for(current_app)
    doc = openapi_document(svc.list_collections(engine, g.principal), _url("ogc.landing"),
                           current_app.config["SETTINGS"].max_features)
    return _json(doc, "application/vnd.oai.openapi+json;version=3.0")


def _collection_body(engine, c: Collection, lang: str) -> dict:
    return {
        "id": c.id, "title": c.title(lang), "itemType": "feature",
        "extent": svc.extent(engine, c, g.principal),
        "crs": [CRS84, EPSG2180], "storageCrs": STORAGE_CRS,
        "x-geometryType": c.geometry_type, "x-access": c.access,
        "x-queryables": list(c.queryables), "x-temporal": bool(c.temporal),
        "links": [
            *_links("ogc.collection", c.title(lang), collection_id=c.id),
            {"href": _url("ogc.items", collection_id=c.id, f="json"), "rel": "items",
             "type": GEOJSON, "title": c.title(lang)},
            {"href": _url("ogc.items", collection_id=c.id, f="html"), "rel": "items",
             "type": HTML, "title": c.title(lang)},
            {"href": _url("ogc.queryables", collection_id=c.id), "rel":
             "http://www.opengis.net/def/rel/ogc/1.0/queryables", "type":
             "application/schema+json", "title": "Queryables"},
        ],
    }


def _lang() -> str:
    return getattr(g, "lang", "pl")


@bp.get("/collections")
def collections():
    _check_params(COMMON_PARAMS)
    engine = get_engine_for(current_app)
    body = {"links": _links("ogc.collections", "Collections"),
            "collections": [_collection_body(engine, c, _lang())
                            for c in svc.list_collections(engine, g.principal)]}
    return _page("collections", body) if _wants_html() else _json(body)


@bp.get("/collections/<collection_id>")
def collection(collection_id: str):
    _check_params(COMMON_PARAMS)
    engine = get_engine_for(current_app)
    c = svc.resolve(engine, collection_id, g.principal)
    body = _collection_body(engine, c, _lang())
    return _page("collection", body, collection=c) if _wants_html() else _json(body)


@bp.get("/collections/<collection_id>/queryables")
def queryables(collection_id: str):
    _check_params(COMMON_PARAMS)
    c = svc.resolve(get_engine_for(current_app), collection_id, g.principal)
    types = {"date": {"type": "string", "format": "date"}}
    body = {"$schema": "https://json-schema.org/draft/2019-09/schema",
            "$id": _url("ogc.queryables", collection_id=c.id), "type": "object",
            "title": c.title(_lang()),
            "properties": {q: types.get(c.properties[q], {"type": c.properties[q]})
                           for q in c.queryables}}
    return _json(body, "application/schema+json")


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    engine = get_engine_for(current_app)
    c = svc.resolve(engine, collection_id, g.principal)
    _check_params(ITEMS_PARAMS, c.queryables)
    html = _wants_html()
    max_features = current_app.config["SETTINGS"].max_features
    limit = parse_int(request.args.get("limit"), "limit", DEFAULT_LIMIT, 1, max_features)
    offset = parse_int(request.args.get("offset"), "offset", 0, 0, 10**9)
    crs = parse_crs(request.args.get("crs"))
    bbox = parse_bbox(request.args.get("bbox"), request.args.get("bbox-crs"))
    if "bbox-crs" in request.args and bbox is None:
        raise OgcInvalidParameter("bbox-crs needs a bbox")
    datetime = parse_datetime(request.args.get("datetime"))
    filters = {q: request.args[q] for q in c.queryables if q in request.args}
    text, matched, returned = svc.query_items(
        engine, c, g.principal, crs=crs, bbox=bbox, limit=limit, offset=offset,
        filters=filters, datetime=datetime)
    args = {k: v for k, v in request.args.items() if k not in ("f", "offset")}
    links = _links("ogc.items", c.title(_lang()), collection_id=c.id, offset=offset, **args)
    if offset + returned < matched:
        for fmt, mime in (("json", GEOJSON), ("html", HTML)):
            links.append({"href": _url("ogc.items", collection_id=c.id, f=fmt,
                                       offset=offset + limit, **args),
                          "rel": "next", "type": mime, "title": "next page"})
    if offset > 0:
        links.append({"href": _url("ogc.items", collection_id=c.id, f="json",
                                   offset=max(offset - limit, 0), **args),
                      "rel": "prev", "type": GEOJSON, "title": "previous page"})
    links.append({"href": _url("ogc.collection", collection_id=c.id), "rel": "collection",
                  "type": JSON, "title": c.title(_lang())})
    head = {"type": "FeatureCollection", "numberMatched": matched, "numberReturned": returned,
            "timeStamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "links": links}
    headers = {"Content-Crs": f"<{crs}>"}
    if html:
        return _page("items", head, collection=c, features=json.loads(f"[{text}]"),
                     limit=limit, offset=offset), 200, headers
    return _json(json.dumps(head, ensure_ascii=False)[:-1] + ',"features":[' + text + "]}",
                 GEOJSON, headers)


@bp.get("/collections/<collection_id>/items/<feature_id>")
def item(collection_id: str, feature_id: str):
    engine = get_engine_for(current_app)
    c = svc.resolve(engine, collection_id, g.principal)
    _check_params(FEATURE_PARAMS)
    crs = parse_crs(request.args.get("crs"))
    text = svc.get_item(engine, c, feature_id, g.principal, crs=crs)
    links = [*_links("ogc.item", c.title(_lang()), collection_id=c.id, feature_id=feature_id),
             {"href": _url("ogc.collection", collection_id=c.id), "rel": "collection",
              "type": JSON, "title": c.title(_lang())}]
    headers = {"Content-Crs": f"<{crs}>"}
    if _wants_html():
        return _page("item", {"links": links}, collection=c,
                     features=[json.loads(text)]), 200, headers
    return _json(text[:-1] + ',"links":' + json.dumps(links, ensure_ascii=False) + "}",
                 GEOJSON, headers)
