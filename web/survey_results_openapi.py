"""The survey results' part of the OpenAPI document (web/openapi.py merges it): paths and
parameters, the file formats from the results formats table."""

from __future__ import annotations

from services.surveys.results_files import RESULTS_FORMATS

PROBLEM = {"$ref": "#/components/responses/Problem"}
TEXT = {"type": "string", "maxLength": 200}

PARAMETERS = {
    "results_survey_id": {"name": "survey_id", "in": "path", "required": True,
                          "schema": {"type": "integer", "minimum": 1}},
    "results_question": {"name": "question", "in": "query", "schema": TEXT,
                         "description": "a question code of the survey"},
    "results_domain": {"name": "domain", "in": "query", "schema": TEXT,
                       "description": "partnership, gmina:TERYT or area:ID"},
    "results_option": {"name": "option", "in": "query", "schema": TEXT,
                       "description": "an option code (its share), top2 or mean"},
    "results_leave": {"name": "leave", "in": "query", "schema": {"type": "string",
                                                                 "maxLength": 2000},
                      "description": "option codes meaning 'I will leave', comma-separated"},
    "results_format": {"name": "format", "in": "query", "schema": {
        "type": "string", "enum": list(RESULTS_FORMATS)}},
}


def _op(summary: str, params: tuple, content: dict) -> dict:
    op = {"summary": summary,
          "parameters": [{"$ref": f"#/components/parameters/{n}"} for n in params],
          "responses": {"200": {"description": "OK", "content": content}}}
    for code in ("400", "401", "404", "422"):
        op["responses"][code] = PROBLEM
    return op


def paths() -> dict:
    base = "/api/v1/partnerships/{pid}/surveys/{survey_id}"
    one = ("pid", "results_survey_id")
    json_object = {"application/json": {"schema": {"type": "object"}}}
    return {
        base + "/results": {"get": _op(
            "Weighted estimates per question and domain (partnership, gmina, functional"
            " area) with 95% intervals; fewer than 10 respondents: suppressed",
            (*one, "results_question", "results_domain", "results_format", "lang"),
            {f.mimetype: {"schema": {"type": "object"} if f.write is None else
                          {"type": "string", "format": "binary"}}
             for f in RESULTS_FORMATS.values()})},
        base + "/gminas.geojson": {"get": _op(
            "One measure of one question per gmina (GeoJSON, EPSG:4326) with classes",
            (*one, "results_question", "results_option"),
            {"application/geo+json": {"schema": {"type": "object"}}})},
        base + "/youth": {"get": _op(
            "Youth survey: the share planning to leave per gmina against net migration",
            (*one, "results_question", "results_leave"), json_object)},
    }
