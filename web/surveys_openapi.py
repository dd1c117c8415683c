"""The survey imports' part of the OpenAPI document (web/openapi.py merges it): the upload,
preview, list, read and delete paths; formats and kinds from their tables."""

from __future__ import annotations

from services.surveys.detect import KINDS
from services.surveys.formats import SURVEY_FORMATS
from services.surveys.reading import DELIMITERS
from services.surveys.store import SURVEY_KINDS

PROBLEM = {"$ref": "#/components/responses/Problem"}

PARAMETERS = {
    "survey_id": {"name": "survey_id", "in": "path", "required": True,
                  "schema": {"type": "integer", "minimum": 1}},
    "survey_preview": {"name": "preview", "in": "query",
                       "schema": {"type": "string", "enum": ["1", "true"]},
                       "description": "answer with the preview instead of importing"},
}

MAPPING = ('corrections as a JSON object: {"columns": {"gmina"|"sex"|"age"|"age_group":'
           ' COLUMN or null}, "questions": {CODE: {"kind": ' + "|".join(KINDS)
           + ', "options": [labels in order], "skip": true}}, "gminas": {"value as written":'
           ' "TERYT"}}')


def _upload(import_fields: bool) -> dict:
    properties = {
        "file": {"type": "string", "format": "binary",
                 "description": "the export: .csv or .xlsx (KoboToolbox), at most 50 MB"},
        "format": {"type": "string", "enum": list(SURVEY_FORMATS)},
        "encoding": {"type": "string", "maxLength": 40},
        "delimiter": {"type": "string", "enum": [*DELIMITERS, "\\t"]},
        "mapping": {"type": "string", "description": MAPPING}}
    required = ["file"]
    if import_fields:
        properties |= {"kind": {"type": "string", "enum": list(SURVEY_KINDS)},
                       "title": {"type": "string", "minLength": 1, "maxLength": 300}}
        required += ["kind", "title"]
    return {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": required, "properties": properties}}}}


def _responses(ok: str, description: str, codes=("400", "401", "403", "404", "413", "422")):
    out = {ok: {"description": description,
                "content": {"application/json": {"schema": {"type": "object"}}}}
           if ok != "204" else {"description": description}}
    return out | {code: PROBLEM for code in codes}


def paths() -> dict:
    base = "/api/v1/partnerships/{pid}/surveys"
    pid = {"$ref": "#/components/parameters/pid"}
    sid = {"$ref": "#/components/parameters/survey_id"}
    return {
        base: {
            "get": {"summary": "The partnership's imported surveys", "parameters": [pid],
                    "responses": _responses("200", "The surveys", ("401", "404")) | {
                        "200": {"description": "The surveys", "content": {
                            "application/json": {"schema": {"type": "array",
                                                            "items": {"type": "object"}}}}}}},
            "post": {"summary": "Import a survey export (LimeSurvey, Google Forms,"
                                " KoboToolbox) in one transaction; with ?preview=1 the"
                                " preview instead",
                     "parameters": [pid, {"$ref": "#/components/parameters/survey_preview"}],
                     "requestBody": _upload(True),
                     "responses": _responses("201", "Imported") | {
                         "200": {"description": "Preview (with ?preview=1)"}}}},
        base + "/preview": {"post": {
            "summary": "What an import would store: format, questions with kinds and"
                       " options, gmina mapping, warnings, problems (row and column); writes"
                       " nothing",
            "parameters": [pid], "requestBody": _upload(False),
            "responses": _responses("200", "The preview")}},
        base + "/{survey_id}": {
            "get": {"summary": "A survey with its questions", "parameters": [pid, sid],
                    "responses": _responses("200", "The survey", ("401", "404"))},
            "delete": {"summary": "Delete a survey (hidden; kept for the audit)",
                       "parameters": [pid, sid],
                       "responses": _responses("204", "Deleted", ("401", "403", "404"))}},
    }
