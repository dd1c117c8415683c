"""The OpenAPI 3.0 definition of ``/ogc`` (the ``service-desc`` of the landing page).

Built from the collection table, so every collection's filters and limits are described;
GDAL reads the ``limit`` maximum from it to choose its page size.
"""

from __future__ import annotations

from services.ogc.collections import CRS84, EPSG2180, Collection
from services.ogc.params import DEFAULT_LIMIT

_TYPES = {"date": {"type": "string", "format": "date"}}


def _param(name: str, schema: dict, description: str, style: str | None = None) -> dict:
    out = {"name": name, "in": "query", "required": False, "schema": schema,
           "description": description}
    if style:
        out.update(style=style, explode=False)
    return out


def _common(max_features: int) -> dict:
    crs = {"type": "string", "format": "uri", "enum": [CRS84, EPSG2180], "default": CRS84}
    return {
        "f": _param("f", {"type": "string", "enum": ["json", "html"]}, "response format"),
        "bbox": _param("bbox", {"type": "array", "minItems": 4, "maxItems": 6,
                                "items": {"type": "number"}},
                       "minx,miny,maxx,maxy in bbox-crs (CRS84 lon,lat by default; EPSG:2180"
                       " northing,easting)", "form"),
        "bbox-crs": _param("bbox-crs", crs, "CRS of bbox"),
        "crs": _param("crs", crs, "CRS of the returned geometries"),
        "limit": _param("limit", {"type": "integer", "minimum": 1, "maximum": max_features,
                                  "default": DEFAULT_LIMIT}, "features per page"),
        "offset": _param("offset", {"type": "integer", "minimum": 0, "default": 0},
                         "features to skip"),
        "datetime": _param("datetime", {"type": "string"},
                           "date, date-time or interval start/end ('..' open)"),
    }


def _items_path(c: Collection, common: dict) -> dict:
    names = ["f", "bbox", "bbox-crs", "crs", "limit", "offset"]
    if c.temporal:
        names.append("datetime")
    parameters = [{"$ref": f"#/components/parameters/{n}"} for n in names]
    parameters += [_param(q, _TYPES.get(c.properties[q], {"type": c.properties[q]}),
                          f"features whose {q} equals this") for q in c.queryables]
    return {"get": {
        "summary": c.title_en, "operationId": f"getItems_{c.id.replace('-', '_')}",
        "tags": ["features"], "parameters": parameters,
        "responses": {"200": {"description": "GeoJSON FeatureCollection", "content": {
            "application/geo+json": {"schema": {"type": "object"}},
            "text/html": {"schema": {"type": "string"}}}},
            "400": {"$ref": "#/components/responses/error"},
            "401": {"$ref": "#/components/responses/error"},
            "404": {"$ref": "#/components/responses/error"}}}}


def openapi_document(collections: list[Collection], server: str, max_features: int) -> dict:
    common = _common(max_features)
    simple = {"responses": {"200": {"description": "JSON or HTML"}}, "parameters": [
        {"$ref": "#/components/parameters/f"}]}
    paths: dict = {
        "/": {"get": {**simple, "summary": "Landing page", "operationId": "getLandingPage"}},
        "/conformance": {"get": {**simple, "summary": "Conformance classes",
                                 "operationId": "getConformance"}},
        "/collections": {"get": {**simple, "summary": "Collections",
                                 "operationId": "getCollections"}},
    }
    for c in collections:
        key = c.id.replace("-", "_")
        paths[f"/collections/{c.id}"] = {"get": {**simple, "summary": c.title_en,
                                                 "operationId": f"describe_{key}"}}
        paths[f"/collections/{c.id}/items"] = _items_path(c, common)
        paths[f"/collections/{c.id}/items/{{featureId}}"] = {"get": {
            "summary": f"{c.title_en}: one feature", "operationId": f"getItem_{key}",
            "parameters": [{"name": "featureId", "in": "path", "required": True,
                            "schema": {"type": "string"}},
                           {"$ref": "#/components/parameters/crs"},
                           {"$ref": "#/components/parameters/f"}],
            "responses": {"200": {"description": "GeoJSON Feature"},
                          "404": {"$ref": "#/components/responses/error"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "partnerstwa – OGC API Features", "version": "1.0",
                 "description": "Working data need a session or Authorization: Bearer <token>"
                                " (partnerstwa users token EMAIL)."},
        "servers": [{"url": server.rstrip("/")}],
        "paths": paths,
        "components": {
            "parameters": common,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"error": {"description": "OGC exception", "content": {
                "application/json": {"schema": {"type": "object", "required": ["code"],
                                                "properties": {
                                                    "code": {"type": "string"},
                                                    "description": {"type": "string"}}}}}}},
        },
    }
