"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Blueprint, jsonify

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

PROBLEM = {"$ref": "#/components/responses/Problem"}


def _params(*names: str) -> list[dict]:
    return [{"$ref": f"#/components/parameters/{n}"} for n in names]


def _op(summary: str, *, params=(), body: str | None = None, ok: str = "200",
        schema: dict | None = None, errors=("400", "404", "422"), content="application/json"):
    op = {"summary": summary, "parameters": list(params), "responses": {
        ok: {"description": "OK", "content": {content: {"schema": schema or {}}}}
        if ok != "204" else {"description": "Deleted"}}}
    for code in errors:
        op["responses"][code] = PROBLEM
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{body}"}}}}
    return op


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def document() -> dict:
    geometry = {"type": "object", "required": ["type", "coordinates"],
                "properties": {"type": {"type": "string"}, "coordinates": {"type": "array"}}}
    version = {"type": "integer", "minimum": 1}
    return {
        "openapi": "3.1.0",
        "info": {"title": "partnerstwa API", "version": "1",
                 "description": "Partnerships of Polish local governments: boundaries, "
                                "indicators, analyses, functional areas and projects. Errors "
                                "are RFC 9457 problem details."},
        "paths": {
            "/api/v1/units/{level}": {"get": _op(
                "Units of one level as GeoJSON (EPSG:4326)",
                params=_params("level", "voivodeship", "tolerance", "limit", "offset"),
                content="application/geo+json")},
            "/api/v1/indicators": {"get": _op("Indicators held", errors=())},
            "/api/v1/audit": {"get": _op("The audit log (administrators)",
                                         params=_params("limit", "offset"),
                                         errors=("400", "401", "403"))},
            "/api/v1/audit.csv": {"get": _op("The audit log as CSV (administrators)",
                                             content="text/csv", errors=("401", "403"))},
            "/api/v1/indicators/{code}/map": {"get": _op(
                "Gmina values of an indicator with mapclassify classes",
                params=_params("code", "year", "method", "k", "voivodeship"))},
            "/api/v1/layers/{level}": {"get": _op(
                "Coverage-simplified units for a zoom level (GeoJSON, EPSG:4326)",
                params=_params("level", "zoom", "voivodeship"), content="application/geo+json")},
            "/api/v1/units/gmina/{teryt}/card": {"get": _op(
                "A gmina with its indicators over time", params=_params("teryt"))},
            "/api/v1/partnerships.geojson": {"get": _op(
                "Partnership outlines (GeoJSON, EPSG:4326)", params=_params("voivodeship"),
                content="application/geo+json", errors=("400",))},
            "/api/v1/analysis/runs": {"get": _op("Stored analysis runs",
                                                 params=_params("limit", "offset"))},
            "/api/v1/analysis/runs/{run_id}": {"get": _op(
                "One run with its results keyed by TERYT", params=_params("run_id"))},
            "/api/v1/partnerships": {"get": _op(
                "Partnerships", params=_params("voivodeship", "limit", "offset"),
                schema={"type": "array", "items": ref("PartnershipSummary")})},
            "/api/v1/partnerships/{pid}": {
                "get": _op("A partnership with members", params=_params("pid")),
                "patch": _op("Change name, status or members", params=_params("pid"),
                             body="PartnershipChange", errors=("400", "404", "422"))},
            "/api/v1/partnerships/{pid}/comments": {
                "get": _op("Comments on a partnership", params=_params("pid"),
                           errors=("401", "404")),
                "post": _op("Comment (marshal offices, the partnership's experts)",
                            params=_params("pid"), body="CommentInput", ok="201",
                            errors=("400", "401", "403", "404"))},
            "/api/v1/partnerships/{pid}/areas": {
                "get": _op("Functional areas of a partnership", params=_params("pid")),
                "post": _op("Delineate a functional area", params=_params("pid"),
                            body="AreaInput", ok="201", schema=ref("Area"))},
            "/api/v1/areas/{area_id}": {
                "get": _op("A functional area", params=_params("area_id"), schema=ref("Area")),
                "put": _op("Change an area (version required; 409 when stale)",
                           params=_params("area_id"), body="AreaChange", schema=ref("Area"),
                           errors=("400", "404", "409", "422")),
                "delete": _op("Delete an area", params=_params("area_id", "version"),
                              ok="204", errors=("400", "404", "409"))},
            "/api/v1/areas/{area_id}/versions": {"get": _op(
                "History, refused attempts included", params=_params("area_id"))},
            "/api/v1/areas/{area_id}/restore": {"post": _op(
                "Make an old version current", params=_params("area_id"), body="Restore",
                errors=("400", "404", "409", "422"))},
            "/api/v1/areas/{area_id}/stats": {"get": _op(
                "Population, area and indicators of an area", params=_params("area_id",
                                                                              "year"))},
            "/api/v1/areas/{area_id}/rasters/{raster}": {"get": _op(
                "Raster summary inside an area", params=_params("area_id", "raster"))},
            "/api/v1/projects": {"get": _op(
                "Projects", params=_params("partnership", "voivodeship", "funding_source",
                                           "limit", "offset"))},
            "/api/v1/partnerships/{pid}/projects": {"post": _op(
                "Add a project", params=_params("pid"), body="ProjectInput", ok="201")},
            "/api/v1/projects/{project_id}": {
                "get": _op("A project", params=_params("project_id")),
                "put": _op("Change a project (version required; 409 when stale)",
                           params=_params("project_id"), body="ProjectChange",
                           errors=("400", "404", "409", "422"))},
            "/api/v1/projects/{project_id}/versions": {"get": _op(
                "History of a project", params=_params("project_id"))},
            "/api/v1/projects/{project_id}/restore": {"post": _op(
                "Make an old version current", params=_params("project_id"), body="Restore",
                errors=("400", "404", "409", "422"))},
            "/api/v1/partnerships/{pid}/projects/import": {"post": {
                "summary": "Preview or import project locations from a file",
                "parameters": _params("pid"),
                "requestBody": {"required": True, "content": {"multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"], "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "mapping": {"type": "string"}, "preview": {"type": "string"},
                        "encoding": {"type": "string"}, "crs": {"type": "string"}}}}}},
                "responses": {"200": {"description": "Preview"},
                              "201": {"description": "Imported"}, "400": PROBLEM,
                              "404": PROBLEM, "413": PROBLEM, "422": PROBLEM}}},
            "/api/v1/exports/{what}": {"get": {
                "summary": "Download projects, areas or partnerships",
                "parameters": _params("what", "format", "partnership", "voivodeship"),
                "responses": {
                    "200": {"description": "The file", "content": {
                        **{media: {"schema": {"type": "string", "format": "binary"}}
                           for media in ("application/zip", "application/geopackage+sqlite3",
                                         "text/csv", "application/octet-stream")},
                        "application/geo+json": {"schema": {"type": "object"}}}},
                    "400": PROBLEM, "401": PROBLEM, "404": PROBLEM, "422": PROBLEM}}},
            "/api/v1/comparison/{voivodeship_code}": {"get": {
                "summary": "Partnerships of a voivodeship side by side with the voivodeship"
                           " and Poland",
                "parameters": _params("voivodeship_code", "comparison_format"),
                "responses": {
                    "200": {"description": "JSON, or CSV with format=csv", "content": {
                        "application/json": {"schema": {"type": "object"}},
                        "text/csv": {"schema": {"type": "string"}}}},
                    "400": PROBLEM, "401": PROBLEM, "403": PROBLEM, "404": PROBLEM}}},
        },
        "security": [{}, {"cookie": []}, {"token": []}],
        "components": {
            "securitySchemes": {
                "cookie": {"type": "apiKey", "in": "cookie", "name": "session",
                           "description": "signed in at /login; unsafe methods also need the"
                                          " X-CSRF-Token header"},
                "token": {"type": "http", "scheme": "bearer",
                          "description": "`partnerstwa users token EMAIL --name N`"}},
            "responses": {"Problem": {"description": "Problem details (RFC 9457)",
                                      "content": {"application/problem+json": {
                                          "schema": ref("Problem")}}}},
            "parameters": {
                "level": {"name": "level", "in": "path", "required": True,
                          "schema": {"type": "string",
                                     "enum": ["gmina", "powiat", "voivodeship"]}},
                "voivodeship": {"name": "voivodeship", "in": "query",
                                "schema": {"type": "string", "pattern": "^[0-9]{2}$"}},
                "voivodeship_code": {"name": "voivodeship_code", "in": "path",
                                     "required": True,
                                     "schema": {"type": "string", "pattern": "^[0-9]{2}$"}},
                "tolerance": {"name": "tolerance", "in": "query",
                              "schema": {"type": "number", "minimum": 0, "maximum": 5000}},
                "limit": {"name": "limit", "in": "query",
                          "schema": {"type": "integer", "minimum": 1}},
                "offset": {"name": "offset", "in": "query",
                           "schema": {"type": "integer", "minimum": 0}},
                "code": {"name": "code", "in": "path", "required": True,
                         "schema": {"type": "string"}},
                "teryt": {"name": "teryt", "in": "path", "required": True,
                          "schema": {"type": "string"}},
                "zoom": {"name": "zoom", "in": "query",
                         "schema": {"type": "integer", "minimum": 0, "maximum": 22}},
                "k": {"name": "k", "in": "query",
                      "schema": {"type": "integer", "minimum": 2, "maximum": 9}},
                "method": {"name": "method", "in": "query", "schema": {
                    "type": "string", "enum": ["quantiles", "natural_breaks", "equal_interval"]}},
                "run_id": {"name": "run_id", "in": "path", "required": True,
                           "schema": {"type": "integer"}},
                "pid": {"name": "pid", "in": "path", "required": True,
                        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,40}$"}},
                "area_id": {"name": "area_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}},
                "project_id": {"name": "project_id", "in": "path", "required": True,
                               "schema": {"type": "integer"}},
                "raster": {"name": "raster", "in": "path", "required": True,
                           "schema": {"type": "string"}},
                "year": {"name": "year", "in": "query",
                         "schema": {"type": "integer", "minimum": 1950, "maximum": 2100}},
                "version": {"name": "version", "in": "query", "schema": version},
                "partnership": {"name": "partnership", "in": "query",
                                "schema": {"type": "string"}},
                "funding_source": {"name": "funding_source", "in": "query",
                                   "schema": ref("FundingSource")},
                "what": {"name": "what", "in": "path", "required": True,
                         "schema": {"type": "string",
                                    "enum": ["projects", "areas", "partnerships"]}},
                "format": {"name": "format", "in": "query", "schema": {
                    "type": "string", "enum": ["shp", "gpkg", "geojson", "csv", "fgb"]}},
                "comparison_format": {"name": "format", "in": "query",
                                      "schema": {"type": "string", "enum": ["json", "csv"]}},
            },
            "schemas": {
                "Problem": {"type": "object", "required": ["title", "status", "detail"],
                            "properties": {"type": {"type": "string"},
                                           "title": {"type": "string"},
                                           "status": {"type": "integer"},
                                           "detail": {"type": "string"},
                                           "code": {"type": "string"},
                                           "instance": {"type": "string"}}},
                "FundingSource": {"type": "string", "enum": [
                    "fe_regional", "feniks", "kpo", "national", "own", "other"]},
                "PartnershipSummary": {"type": "object", "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"},
                    "voivodeships": {"type": "array", "items": {"type": "string"}},
                    "area_km2": {"type": ["number", "null"]},
                    "members": {"type": "integer"}}},
                "PartnershipChange": {"type": "object", "properties": {
                    "name": {"type": "string"},
                    "status": {"type": "string", "enum": ["candidate", "active", "completed",
                                                          "withdrawn"]},
                    "members": {"type": "array", "items": {"type": "object", "properties": {
                        "teryt": {"type": "string"},
                        "member_kind": {"type": "string", "enum": ["gmina", "powiat"]},
                        "role": {"type": "string", "enum": ["leader", "member"]}}}}}},
                "AreaInput": {"type": "object", "required": ["name", "kind"], "properties": {
                    "name": {"type": "string"},
                    "kind": {"type": "string",
                             "enum": ["fua", "tourism", "river_valley", "other"]},
                    "description": {"type": "string"},
                    "gminas": {"type": "array", "items": {"type": "string"}},
                    "geometry": geometry, "crs": {"type": "string"},
                    "clip": {"type": "boolean"}, "comment": {"type": "string"}}},
                "AreaChange": {"allOf": [ref("AreaInput")], "type": "object",
                               "required": ["version"],
                               "properties": {"version": version}},
                "Area": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "partnership_id": {"type": "string"},
                    "name": {"type": "string"}, "kind": {"type": "string"},
                    "version": version, "area_km2": {"type": "number"},
                    "gminas": {"type": "array", "items": {"type": "string"}},
                    "geometry": geometry}},
                "ProjectInput": {"type": "object", "required": ["title", "geometry"],
                                 "properties": {
                                     "title": {"type": "string"},
                                     "description": {"type": "string"},
                                     "theme": {"type": "string"}, "geometry": geometry,
                                     "crs": {"type": "string"},
                                     "cost_pln": {"type": ["number", "string", "null"]},
                                     "funding_source": ref("FundingSource"),
                                     "start_date": {"type": ["string", "null"],
                                                    "format": "date"},
                                     "end_date": {"type": ["string", "null"], "format": "date"},
                                     "milestones": {"type": "array"},
                                     "feasibility": {"type": "string", "enum": [
                                         "none", "in_preparation", "completed", "approved"]},
                                     "priority": {"type": "integer", "minimum": 1,
                                                  "maximum": 3},
                                     "gminas": {"type": "array", "items": {"type": "string"}},
                                     "area_ids": {"type": "array",
                                                  "items": {"type": "integer"}}}},
                "ProjectChange": {"type": "object", "required": ["version"],
                                  "properties": {"version": version}},
                "CommentInput": {"type": "object", "required": ["body"], "properties": {
                    "body": {"type": "string", "minLength": 1, "maxLength": 5000},
                    "object_kind": {"type": "string", "enum": ["partnership",
                                                               "functional_area", "project"]},
                    "object_id": {"type": "string"}}},
                "Restore": {"type": "object", "required": ["restore", "version"],
                            "properties": {"restore": version, "version": version}},
            },
        },
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
