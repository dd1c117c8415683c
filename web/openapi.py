"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Blueprint, jsonify

from services.analysis.comparison_files import COMPARISON_FORMATS
from services.analysis.kinds import GI_VARIANTS, KINDS, REGION_METHODS, WEIGHT_KINDS
from services.analysis.mapdata import CLASSIFIERS
from services.diagnosis.formats import API_FORMATS as DIAGNOSIS_API_FORMATS
from services.diagnosis.formats import FORMATS as DIAGNOSIS_FORMATS
from services.diagnosis.texts import LANGS
from services.planning.export_formats import EXPORT_FORMATS, EXPORTABLE
from services.planning.fields import AREA_KINDS, COST_LIMITS, LIST_LIMITS, MAX_VERSION, TEXT_LIMITS
from services.planning.national import NATIONAL_FORMATS
from services.planning.vocabularies import FUNDING_CODES, PRIORITY
from services.reference.units import SEARCH_LIMIT_MAX, SEARCH_QUERY_MAX
from web import (
    consultations_openapi,  # the map consultations' paths, parameters, bodies
    strategy_documents_openapi,  # strategy documents, model picture, reach
    strategy_openapi,  # the strategy's paths, parameters, bodies (issue 13)
    survey_results_openapi,  # survey estimates, map and files (issue 12)
    surveys_openapi,  # survey imports: upload, preview, list, read, delete
)

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

PROBLEM = {"$ref": "#/components/responses/Problem"}


def _params(*names: str) -> list[dict]:
    return [{"$ref": f"#/components/parameters/{n}"} for n in names]


def _op(summary: str, *, params=(), body: str | None = None, ok: str = "200",
        schema: dict | None = None, errors=("400", "404", "422"), content="application/json"):
    op = {"summary": summary, "parameters": list(params), "responses": {
        ok: {"description": "OK", "content": {content: {"schema": schema or {}}}}
        if ok != "204" else {"description": "Deleted"}}}
    # Writes need a signed-in principal with the right to change (401, 403).
    for code in (*errors, *(("401", "403") if body else ())):
        op["responses"][code] = PROBLEM
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{body}"}}}}
    return op


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _analysis_schemas() -> dict:
    """Stored analysis runs; the kinds come from ``services.analysis.kinds``."""
    number = {"type": ["number", "null"]}
    moran = {"type": "object", "description": "Global Moran's I: analytical inference under"
             " normality and randomisation (two-sided), and permutations (folded pseudo p)",
             "properties": {name: number for name in (
                 "I", "EI", "VI_norm", "z_norm", "p_norm", "VI_rand", "z_rand", "p_rand",
                 "p_sim", "EI_sim", "seI_sim", "z_sim")} | {
                 "n": {"type": "integer"}, "permutations": {"type": "integer"}}}
    head = {"id": {"type": "integer"}, "kind": {"type": "string", "enum": list(KINDS)},
            "indicator": {"type": "string"}, "year": {"type": "integer"},
            "scope": {"type": "string"}, "seed": {"type": "integer"},
            "started_at": {"type": "string"},
            "summary": {"type": "object", "properties": {
                "units": {"type": "integer"}, "moran": moran,
                "moran_i": number,
                "p_values": {"type": "object", "properties": {
                    "exact": {"type": "integer"}, "permutation": {"type": "integer"}}},
                "undefined": {"type": "object", "properties": {
                    "reason": {"type": "string"},
                    "units": {"type": "array", "items": {"type": "string"}}}},
                "labels": {"type": "object", "additionalProperties": {"type": "integer"}}}}}
    result = {"type": "object", "properties": {
        "value": {"type": "number"}, "std_value": {"type": "number"},
        "statistic": {"type": "number"}, "quadrant": {"type": "integer", "enum": [0, 1, 2, 3, 4]},
        "label": {"type": "string"}, "p_value": {"type": "number"},
        "z_score": {"type": "number"}, "fdr_significant": {"type": "boolean"},
        "region_id": {"type": "integer"}}}
    return {
        "AnalysisRunListed": {"type": "object", "required": ["id", "kind"],
                              "properties": head},
        "AnalysisRun": {"type": "object", "required": ["id", "kind", "parameters", "results"],
                        "properties": head | {
            "parameters": {"type": "object", "properties": {
                "weights": {"type": "string", "enum": list(WEIGHT_KINDS)},
                "gi_weights": {"type": "string", "enum": list(GI_VARIANTS)},
                "method": {"type": "string", "enum": list(REGION_METHODS)},
                "alpha": {"type": "number"}, "permutations": {"type": "integer"},
                "p_values": {"type": "object", "description": "how local p-values are"
                             " computed: ties, folding, exact enumeration"}}},
            "versions": {"type": "object"}, "seconds": {"type": "number"},
            "results": {"type": "object", "additionalProperties": result}}},
    }


def _text(key: str, *, required: bool = False) -> dict:
    schema = {"type": "string", "maxLength": TEXT_LIMITS[key]}
    return {**schema, "minLength": 1} if required else schema


def _listed(field: str, items: dict) -> dict:
    return {"type": "array", "maxItems": LIST_LIMITS[field], "items": items}


def _closed(properties: dict, required: tuple[str, ...] = ()) -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    return {**schema, "required": list(required)} if required else schema


def body_schemas() -> dict:
    """Request bodies, strict: every field typed and bounded, no field that is not listed.
    The API checks every JSON body against these before a view runs (web/api_common.py)."""
    from services.planning.partnerships import STATUSES
    from services.planning.projects import FEASIBILITY

    version = {"type": "integer", "minimum": 1, "maximum": MAX_VERSION}
    geometry = _closed({
        "type": {"type": "string", "enum": ["Point", "MultiPoint", "LineString",
                                            "MultiLineString", "Polygon", "MultiPolygon"]},
        "coordinates": {"type": "array"}, "bbox": {"type": "array"}}, ("type", "coordinates"))
    gminas = _listed("gminas", {"type": "string", "pattern": "^[0-9]{6,7}$"})
    comment = _text("change.comment")
    crs = {**_text("crs"), "minLength": 1}
    area = {"name": _text("area.name", required=True),
            "kind": {"type": "string", "enum": list(AREA_KINDS)},
            "description": _text("area.description"), "gminas": gminas,
            "geometry": geometry, "crs": crs, "clip": {"type": "boolean"},
            "comment": comment}
    project = {
        "title": _text("project.title", required=True),
        "description": _text("project.description"), "theme": _text("project.theme"),
        "geometry": geometry, "crs": crs,
        "cost_pln": {"type": ["number", "string", "null"], "minimum": 0,
                     "maximum": COST_LIMITS["max"], "maxLength": 40},
        "funding_source": ref("FundingSource"),
        "start_date": {"type": ["string", "null"], "format": "date"},
        "end_date": {"type": ["string", "null"], "format": "date"},
        "milestones": _listed("milestones", _closed({
            "name": _text("milestone.name", required=True),
            "date": {"type": ["string", "null"], "format": "date"}}, ("name",))),
        "feasibility": {"type": "string", "enum": list(FEASIBILITY)},
        "priority": {"type": "integer", "minimum": 1, "maximum": 3, "description": (
            "1 is the highest: " + ", ".join(f"{p.code} {p.en}" for p in PRIORITY))},
        "gminas": gminas,
        "area_ids": _listed("area_ids", {"type": "integer", "minimum": 1,
                                         "maximum": 2**63 - 1}),
        "comment": comment}
    member = _closed({"teryt": {"type": "string", "pattern": "^[0-9]{4}([0-9]{3})?$"},
                      "member_kind": {"type": "string", "enum": ["gmina", "powiat"]},
                      "role": {"type": "string", "enum": ["leader", "member"]}},
                     ("teryt", "member_kind"))
    return {
        "PartnershipChange": _closed({
            "name": _text("partnership.name", required=True),
            "status": {"type": "string", "enum": list(STATUSES)},
            "members": _listed("members", member)}),
        "AreaInput": _closed(area, ("name", "kind")),
        "AreaChange": _closed({**area, "version": version}, ("version",)),
        "ProjectInput": _closed(project, ("title", "geometry")),
        "ProjectChange": _closed({**project, "version": version}, ("version",)),
        "CommentInput": _closed({
            "body": _text("comment.body", required=True),
            "object_kind": {"type": "string",
                            "enum": ["partnership", "functional_area", "project"]},
            "object_id": {"type": ["string", "integer"], "maxLength": 20, "minimum": 0}},
            ("body",)),
        "Restore": _closed({"restore": version, "version": version}, ("restore", "version")),
        **consultations_openapi.body_schemas(),
        **strategy_openapi.body_schemas(),
    }


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
            "/api/v1/units/{level}/points": {"get": _op(
                "A point inside each unit (PostGIS's point on surface, not the centroid),"
                " GeoJSON (EPSG:4326)", params=_params("level", "voivodeship"),
                content="application/geo+json")},
            "/api/v1/units/gmina/{teryt}/card": {"get": _op(
                "A gmina with its indicators over time", params=_params("teryt"))},
            "/api/v1/units/search": {"get": _op(
                "Gminas and powiats by name (diacritics optional) or TERYT, best first",
                params=_params("q", "search_limit"), errors=("400",))},
            "/api/v1/national": {"get": {
                "summary": "All partnerships the caller may read, with members, population,"
                           " areas and projects",
                "parameters": _params("voivodeship", "national_format", "lang"),
                "responses": {
                    "200": {"description": "JSON, or a file: CSV for Polish Excel (;,"
                                           " decimal commas, BOM) or XLSX", "content": {
                        f.mimetype.split(";")[0]: {"schema": {"type": "object"}
                                                   if f.write is None else
                                                   {"type": "string", "format": "binary"}}
                        for f in NATIONAL_FORMATS.values()}},
                    "400": PROBLEM, "401": PROBLEM, "403": PROBLEM}}},
            "/api/v1/partnerships.geojson": {"get": _op(
                "Partnership outlines (GeoJSON, EPSG:4326)", params=_params("voivodeship"),
                content="application/geo+json", errors=("400",))},
            "/api/v1/analysis/runs": {"get": _op(
                "Stored analysis runs", params=_params("limit", "offset"),
                schema={"type": "array", "items": ref("AnalysisRunListed")})},
            "/api/v1/analysis/runs/{run_id}": {"get": _op(
                "One run with its results keyed by TERYT (global Moran's I and its inference"
                " in summary.moran)", params=_params("run_id"), schema=ref("AnalysisRun"))},
            "/api/v1/analysis/runs/{run_id}/scatter": {"get": _op(
                "Moran scatterplot of a LISA run: standardised value and spatial lag per gmina"
                " (the run's own weights), slope = Moran's I", params=_params("run_id"),
                errors=("400", "404", "422", "429", "503"))},
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
                "Population, area and indicators of an area, and the rasters of the data mirror"
                " its outline meets", params=_params("area_id", "year"))},
            "/api/v1/areas/{area_id}/rasters/{raster}": {"get": _op(
                "Raster summary inside an area", params=_params("area_id", "raster"))},
            "/api/v1/projects": {"get": _op(
                "Projects", params=_params("partnership", "voivodeship", "funding_source",
                                           "limit", "offset"))},
            "/api/v1/partnerships/{pid}/projects": {"post": _op(
                "Add a project", params=_params("pid"), body="ProjectInput", ok="201")},
            "/api/v1/partnerships/{pid}/package.gpkg": {"get": _op(
                "QGIS-ready GeoPackage of a partnership (EPSG:2180; gminas with indicators,"
                " functional areas, projects by geometry type; QML and SLD styles in"
                " layer_styles)", params=_params("pid"), errors=("401", "404"),
                content="application/geopackage+sqlite3",
                schema={"type": "string", "format": "binary"})},
            "/api/v1/projects/{project_id}": {
                "get": _op("A project", params=_params("project_id")),
                "put": _op("Change a project (version required; 409 when stale)",
                           params=_params("project_id"), body="ProjectChange",
                           errors=("400", "404", "409", "422")),
                "delete": _op("Delete a project (version required; 409 when stale)",
                              params=_params("project_id", "version"), ok="204",
                              errors=("400", "404", "409"))},
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
                        "map_value": {"type": "array", "items": {"type": "string"},
                                      "description": 'FIELD:VALUE=CODE items, e.g. '
                                      'funding:FEPZ 2021-2027=fe_regional, or one JSON '
                                      'object {field: {value: code}}'},
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
                           for media in sorted({f.mimetype for f in EXPORT_FORMATS.values()}
                                               - {"application/geo+json"})},
                        "application/geo+json": {"schema": {"type": "object"}}}},
                    "400": PROBLEM, "401": PROBLEM, "404": PROBLEM, "422": PROBLEM}}},
            "/api/v1/partnerships/{pid}/diagnosis": {"get": {
                "summary": "The diagnosis of a partnership: its numbers as JSON (with the"
                           " generated documents and whether newer data exist), or the"
                           " document as PDF, DOCX or HTML (recorded with its hash)",
                "parameters": _params("pid", "diagnosis_format", "lang", "year"),
                "responses": {
                    "200": {"description": "JSON, or the document", "content": {
                        "application/json": {"schema": {"type": "object"}},
                        **{f.mimetype.split(";")[0]: {"schema": {"type": "string",
                                                                 "format": "binary"}}
                           for f in DIAGNOSIS_FORMATS.values()}}},
                    "400": PROBLEM, "401": PROBLEM, "404": PROBLEM}}},
            **consultations_openapi.paths(),
            **strategy_openapi.paths(),
            **survey_results_openapi.paths(),
            **surveys_openapi.paths(),
            **strategy_documents_openapi.paths(),
            "/api/v1/comparison/{voivodeship_code}": {"get": {
                "summary": "Partnerships of a voivodeship side by side with the voivodeship"
                           " and Poland",
                "parameters": _params("voivodeship_code", "comparison_format", "lang"),
                "responses": {
                    "200": {"description": "JSON, or a file: CSV for Polish Excel (;,"
                                           " decimal commas, BOM) or XLSX", "content": {
                        "application/json": {"schema": {"type": "object"}},
                        "text/csv": {"schema": {"type": "string"}},
                        COMPARISON_FORMATS["xlsx"].mimetype: {"schema": {
                            "type": "string", "format": "binary"}}}},
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
                    "type": "string", "enum": list(CLASSIFIERS)}},
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
                "q": {"name": "q", "in": "query", "required": True,
                      "schema": {"type": "string", "minLength": 1,
                                 "maxLength": SEARCH_QUERY_MAX}},
                "search_limit": {"name": "limit", "in": "query", "schema": {
                    "type": "integer", "minimum": 1, "maximum": SEARCH_LIMIT_MAX}},
                "national_format": {"name": "format", "in": "query", "schema": {
                    "type": "string", "enum": list(NATIONAL_FORMATS)}},
                "funding_source": {"name": "funding_source", "in": "query",
                                   "schema": ref("FundingSource")},
                "what": {"name": "what", "in": "path", "required": True,
                         "schema": {"type": "string",
                                    "enum": list(EXPORTABLE)}},
                "format": {"name": "format", "in": "query", "schema": {
                    "type": "string", "enum": list(EXPORT_FORMATS)}},
                "diagnosis_format": {"name": "format", "in": "query", "schema": {
                    "type": "string", "enum": list(DIAGNOSIS_API_FORMATS)}},
                "lang": {"name": "lang", "in": "query",
                         "schema": {"type": "string", "enum": list(LANGS)}},
                **consultations_openapi.PARAMETERS,
                **strategy_openapi.PARAMETERS,
                **survey_results_openapi.PARAMETERS,
                **surveys_openapi.PARAMETERS,
                "comparison_format": {"name": "format", "in": "query",
                                      "schema": {"type": "string",
                                                 "enum": list(COMPARISON_FORMATS)}},
            },
            "schemas": {
                **_analysis_schemas(),
                "Problem": {"type": "object", "required": ["title", "status", "detail"],
                            "properties": {"type": {"type": "string"},
                                           "title": {"type": "string"},
                                           "status": {"type": "integer"},
                                           "detail": {"type": "string"},
                                           "code": {"type": "string"},
                                           # the input the problem concerns (a body field
                                           # or a parameter); detail and title are in the
                                           # user's language (?lang=en), code is stable
                                           "field": {"type": "string"},
                                           "instance": {"type": "string"}}},
                "FundingSource": {"type": "string", "enum": list(FUNDING_CODES)},
                "PartnershipSummary": {"type": "object", "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"},
                    "voivodeships": {"type": "array", "items": {"type": "string"}},
                    "area_km2": {"type": ["number", "null"]},
                    "members": {"type": "integer"}}},
                **body_schemas(),
                "Area": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "partnership_id": {"type": "string"},
                    "name": {"type": "string"}, "kind": {"type": "string"},
                    "version": version, "area_km2": {"type": "number"},
                    "gminas": {"type": "array", "items": {"type": "string"}},
                    "geometry": geometry}},
            },
        },
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.before_app_request
def check_body():
    """Every JSON request body against its operation's schema in this document, in one place,
    before any view runs (after sign-in and the 401 of private routes)."""
    from web.api_common import validate_request_body

    validate_request_body()
