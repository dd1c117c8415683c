"""The map consultations' part of the OpenAPI document (web/openapi.py merges it): paths,
parameters and strict request bodies, built from the consultation kinds table."""

from __future__ import annotations

from services.consultations.kinds import CATEGORIES, EXPORTS, LIMITS, QUESTION_KINDS, STATUSES
from services.consultations.manage import TEXTS
from services.consultations.results import REASON_MAX

PROBLEM = {"$ref": "#/components/responses/Problem"}


def _closed(properties: dict, required: tuple[str, ...] = ()) -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    return {**schema, "required": list(required)} if required else schema


def _text(name: str) -> dict:
    low, high = TEXTS[name]
    return {"type": "string", "maxLength": high}


def body_schemas() -> dict:
    question = _closed({
        "text": {"type": "string", "minLength": 1, "maxLength": 200},
        "kind": {"type": "string", "enum": list(QUESTION_KINDS)},
        "options": {"type": "array", "maxItems": LIMITS.options,
                    "items": {"type": "string", "maxLength": 100}}}, ("text",))
    moment = {"type": "string", "maxLength": 40, "description": (
        "YYYY-MM-DD: the whole Polish day (opens at 00:00, closes at 24:00 Europe/Warsaw);"
        " or an ISO 8601 date and time, Polish time when it has no offset")}
    fields = {name: _text(name) for name in TEXTS} | {
        "slug": {"type": "string", "maxLength": 60},
        "opens_at": moment, "closes_at": moment,
        "categories": {"type": "array", "minItems": 1, "maxItems": len(CATEGORIES),
                       "items": {"type": "string", "enum": list(CATEGORIES)}},
        "questions": {"type": "array", "maxItems": LIMITS.questions, "items": question},
        "allow_lines": {"type": "boolean"}, "allow_areas": {"type": "boolean"}}
    # The comment's and the open answer's lengths are checked by the service, whose
    # messages name the place's number or the question's text (residents read them), not a
    # path such as places.0.comment; the limits are told here in words.
    place = _closed({
        "category": {"type": "string", "maxLength": 40},
        "comment": {"type": "string", "description": f"at most {LIMITS.comment} characters"},
        "geometry": _closed({"type": {"type": "string",
                                      "enum": ["Point", "LineString", "Polygon"]},
                             "coordinates": {"type": "array"}}, ("type", "coordinates"))},
        ("category", "geometry"))
    # Checked by the service too, whose messages quote the question (a schema's "is not valid
    # under any of the given schemas" would reach a resident in English).
    answer = {"description": f"an option of a single-choice question, a list of options of a"
                             f" multiple-choice one, or an open answer of at most"
                             f" {LIMITS.answer} characters"}
    return {
        "ConsultationInput": _closed(fields, ("title", "controller", "purpose")),
        "ConsultationChange": _closed(
            {k: v for k, v in fields.items() if k != "slug"}
            | {"status": {"type": "string", "enum": list(STATUSES)}}),
        "ConsultationModeration": _closed({
            "hidden": {"type": "boolean"},
            "reason": {"type": "string", "maxLength": REASON_MAX}}, ("hidden",)),
        "ConsultationSubmission": _closed({
            "places": {"type": "array", "maxItems": LIMITS.places, "items": place},
            "answers": {"type": "object", "maxProperties": LIMITS.questions,
                        "additionalProperties": answer},
            "website": {"type": "string", "maxLength": 200,
                        "description": "must stay empty (a field people never see)"}},
            ("places",)),
    }


PARAMETERS = {
    "cid": {"name": "cid", "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1}},
    "place_id": {"name": "place_id", "in": "path", "required": True,
                 "schema": {"type": "integer", "minimum": 1}},
    "slug": {"name": "slug", "in": "path", "required": True,
             "schema": {"type": "string", "maxLength": 60}},
    "consultation_format": {"name": "format", "in": "query", "schema": {
        "type": "string", "enum": list(EXPORTS)}},
}


def _params(*names: str) -> list[dict]:
    return [{"$ref": f"#/components/parameters/{n}"} for n in names]


def _op(summary: str, params: tuple, errors: tuple, *, body: str | None = None,
        ok: tuple = ("200",), content: dict | None = None) -> dict:
    op = {"summary": summary, "parameters": _params(*params), "responses": {
        code: {"description": "OK", "content": content or {"application/json": {
            "schema": {}}}} for code in ok}}
    for code in errors:
        op["responses"][code] = PROBLEM
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{body}"}}}}
    return op


def paths() -> dict:
    base = "/api/v1/partnerships/{pid}/consultations"
    one = ("pid", "cid")
    read = ("400", "401", "404")
    write = ("400", "401", "403", "404", "409", "422")
    return {
        base: {
            "get": _op("Map consultations of a partnership", ("pid",), read),
            "post": _op("Open a consultation (the partnership's experts); the same slug and"
                        " title again returns it unchanged (200)", ("pid",), write,
                        body="ConsultationInput", ok=("200", "201"))},
        base + "/{cid}": {
            "get": _op("A consultation", one, read),
            "patch": _op("Change texts, dates, questions (before any answer) or close it",
                         one, write, body="ConsultationChange")},
        base + "/{cid}/places": {"get": _op(
            "Places sent by residents, hidden ones included (GeoJSON, EPSG:4326)", one, read,
            content={"application/json": {"schema": {"type": "object"}}})},
        base + "/{cid}/summary": {"get": _op(
            "Counts per category, hidden count, hexagon counts and Gi* hot spots", one, read)},
        base + "/{cid}/places/{place_id}/moderation": {"post": _op(
            "Hide a place with a reason, or show it again (audited; nothing is deleted)",
            (*one, "place_id"), write, body="ConsultationModeration")},
        base + "/{cid}/export": {"get": _op(
            "Every place with its submission's answers, EPSG:2180", (*one,
                                                                     "consultation_format"),
            read, content={f.mimetype: {"schema": {"type": "string", "format": "binary"}}
                           for f in EXPORTS.values()})},
        "/k/{slug}/submissions": {"post": _op(
            "A resident's answer to a public consultation (no account; JSON only, same"
            " origin; rate-limited per client and per consultation)", ("slug",),
            ("400", "403", "404", "409", "413", "422", "429"), body="ConsultationSubmission",
            ok=("201",))},
    }
