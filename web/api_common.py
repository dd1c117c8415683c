"""Request parsing shared by the API blueprints.

Every JSON body is checked in one place, before the view runs: strict JSON (no NaN, no
Infinity, no number beyond a double, no text PostgreSQL cannot hold, at most ``MAX_DEPTH``
levels), then the request-body schema of the route's operation in the OpenAPI document
(``web/openapi.py``). Views read the checked body with ``json_body()``.
"""

from __future__ import annotations

import functools
import json
import math
import re

from flask import current_app, g, request

from core.errors import N_, Amount, BadRequest, Text

MAX_DEPTH = 32  # a GeoJSON MultiPolygon inside a body is 6 levels deep
OPENAPI_URI = "urn:partnerstwa:openapi"


class _NotJson(ValueError):
    """A value Python's json reads but JSON does not have."""


def _constant(name: str):
    raise _NotJson(Text("%(name)s is not a JSON number", name=name))


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJson(Text("the number %(text)s is too large", text=text[:40]))
    return value


def _parse() -> object:
    if not request.is_json:
        raise BadRequest("send a JSON object with Content-Type: application/json")
    return strict_json(request.get_data(cache=True), "the body")


def strict_json(raw: str | bytes, what: str) -> object:
    """``raw`` read as strict JSON, checked like a request body; a 400 names ``what``.
    (Form fields holding JSON, such as an import's mapping, can use it too.)"""
    try:
        data = json.loads(raw, parse_constant=_constant, parse_float=_finite)
    except _NotJson as exc:
        # Both parts are Text, so the whole message is shown in the reader's language.
        raise BadRequest("%(what)s is not valid JSON: %(exc)s", what=Text(what),
                         exc=exc.args[0]) from None
    except RecursionError:
        raise BadRequest("%(what)s is nested deeper than %(max_depth)s levels", what=what,
                         max_depth=MAX_DEPTH) from None
    except ValueError:  # syntax, encoding, integers of more than 4,300 digits
        if what == "the body":
            raise BadRequest("the body is not a JSON object") from None
        raise BadRequest("%(what)s is not valid JSON", what=what) from None
    _check_tree(data, what)
    return data


def _check_tree(data: object, what: str = "the body") -> None:
    """Depth, and text that PostgreSQL can store (no NUL, no unpaired surrogate)."""
    if isinstance(data, str):
        _text(data, what)
    stack = [(data, 1, "")] if isinstance(data, dict | list) else []
    while stack:
        node, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise BadRequest("%(what)s is nested deeper than %(max_depth)s levels", what=what,
                             max_depth=MAX_DEPTH)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str):
                _text(key, where)
            if isinstance(value, str):
                _text(value, where)
            elif isinstance(value, dict | list):
                stack.append((value, depth + 1, where))


def _text(value: str, where: str) -> None:
    if "\x00" in value:
        raise BadRequest("%(value)s holds a NUL character", details={"field": where[:80]},
                         value=where[:80])
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("%(value)s holds an unpaired surrogate (\\ud800-\\udfff), which"
                         " is not a character", details={"field": where[:80]},
                         value=where[:80]) from None


def json_body() -> dict:
    """The request's JSON object (already checked against the operation's schema)."""
    if "json_body" in g:
        return g.json_body
    data = _parse()
    if not isinstance(data, dict):
        raise BadRequest("the body is not a JSON object")
    return data


def with_version(data: dict) -> dict:
    """Take the base version from If-Match when the body does not carry it."""
    if "version" not in data and request.headers.get("If-Match"):
        tag = request.headers["If-Match"].strip().removeprefix("W/").strip('"')
        data = {**data, "version": int(tag) if tag.isascii() and tag.isdigit()
                and len(tag) < 12 else tag}
    return data


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise BadRequest("%(name)s must be a whole number, got %(raw)r", name=name,
                         raw=raw) from None
    if not low <= value <= high:
        raise BadRequest("%(name)s must be between %(low)s and %(high)s", name=name, low=low,
                         high=high)
    return value


def author() -> str:
    """The author of a change: the signed-in principal, never a header or a body field."""
    return g.principal.label


# -- request bodies against the OpenAPI document ----------------------------------------------

def _template(path: str) -> str:
    """'/api/v1/areas/<int:area_id>' and '/api/v1/areas/{area_id}' -> '/api/v1/areas/{}'."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


@functools.cache
def _validators() -> dict:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    from web.openapi import document

    doc = document()
    registry = Registry().with_resource(
        OPENAPI_URI, Resource.from_contents(doc, default_specification=DRAFT202012))
    out = {}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is None:
                continue
            out[(_template(path), method.upper())] = Draft202012Validator(
                {"$ref": OPENAPI_URI + schema["$ref"]}, registry=registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER)
    return out


def body_limit(max_bytes: int):
    """Mark a view whose body is small by nature (a public form): a larger one is refused with
    413 before it is read, rather than parsed and checked whole under the app's 50 MB bound."""
    def mark(view):
        view.body_limit = max_bytes
        return view
    return mark


def _apply_body_limit() -> None:
    view = current_app.view_functions.get(request.endpoint)
    limit = getattr(view, "body_limit", None)
    if limit is not None:
        # Werkzeug refuses a longer Content-Length and stops a chunked body at the bound.
        request.max_content_length = limit


def validate_request_body() -> None:
    """Check a JSON body against its operation's schema; a 400 names the field and rule."""
    rule = request.url_rule
    if rule is None or request.method not in ("POST", "PUT", "PATCH"):
        return
    _apply_body_limit()
    validator = _validators().get((_template(rule.rule), request.method))
    if validator is None:
        return
    data = _parse()
    if not isinstance(data, dict):
        raise BadRequest("the body is not a JSON object")
    data = with_version(data)
    from jsonschema.exceptions import best_match

    error = best_match(validator.iter_errors(data))
    if error is not None:
        template, params, details = describe(error)
        raise BadRequest(template, details=details, field=details.get("field"), **params)
    g.json_body = data


# Kinds of JSON value in words; a "must be …" message joins them with " or ".
TYPES = {"integer": N_("a whole number"), "string": N_("text"), "array": N_("a list"),
         "object": N_("an object"), "number": N_("a number"), "boolean": N_("true or false"),
         "null": N_("null")}


def _short(value) -> str:
    shown = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(
        value, str) else repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _amount(value):
    # Whole limits with thousands separators; a fractional bound as it is.
    return Amount(value) if isinstance(value, int) or float(value).is_integer() else value


def describe(error) -> tuple[str, dict, dict]:
    """A message for a schema error that names the field and the rule, never echoing a long
    value back: its English template, the template's parameters and the problem's details."""
    field = ".".join(str(p) for p in error.absolute_path)
    name = field or Text("the body")
    rule, limit, value = error.validator, error.validator_value, error.instance
    details = {"field": field} if field else {}
    if rule == "maxLength":
        return (N_("%(name)s is longer than %(limit)s characters (%(count)s given)"),
                {"name": name, "limit": Amount(limit), "count": Amount(len(value))},
                {**details, "limit": limit})
    if rule == "minLength":
        return N_("%(name)s must not be empty"), {"name": name}, details
    if rule == "maxItems":
        return (N_("%(name)s holds more than %(limit)s items (%(count)s given)"),
                {"name": name, "limit": Amount(limit), "count": Amount(len(value))},
                {**details, "limit": limit})
    if rule == "minItems":
        return (N_("%(name)s must hold at least %(limit)s item(s)"), {"name": name, "limit": limit},
                details)
    if rule == "type":
        kinds = [limit] if isinstance(limit, str) else limit
        if len(kinds) == 1:
            return (N_("%(name)s must be %(kind)s, got %(value)s"),
                    {"name": name, "kind": Text(TYPES.get(kinds[0], kinds[0])),
                     "value": _short(value)}, details)
        return (N_("%(name)s must be %(kind)s or %(other)s, got %(value)s"),
                {"name": name, "kind": Text(TYPES.get(kinds[0], kinds[0])),
                 "other": Text(TYPES.get(kinds[1], kinds[1])), "value": _short(value)},
                details)
    if rule in ("enum", "const"):
        allowed = limit if rule == "enum" else [limit]
        return (N_("%(name)s must be one of %(allowed)s, got %(value)s"),
                {"name": name, "allowed": ", ".join(map(str, allowed)), "value": _short(value)},
                details)
    if rule in ("minimum", "exclusiveMinimum"):
        return (N_("%(name)s must be at least %(limit)s, got %(value)s"),
                {"name": name, "limit": limit, "value": _short(value)}, details)
    if rule in ("maximum", "exclusiveMaximum"):
        return (N_("%(name)s must be at most %(limit)s, got %(value)s"),
                {"name": name, "limit": _amount(limit), "value": _short(value)}, details)
    if rule == "required":
        missing = next(r for r in limit if r not in value)
        where = f"{field}.{missing}" if field else missing
        if missing == "version":
            return (N_("%(name)s is required (field 'version' or header If-Match)"),
                    {"name": where}, {"field": where})
        return N_("%(name)s is required"), {"name": where}, {"field": where}
    if rule == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = sorted(str(k)[:40] for k in value if k not in known)
        return (N_("unknown field %(unknown)s in %(name)s; fields: %(fields)s"),
                {"unknown": ", ".join(extra[:5]), "name": name,
                 "fields": ", ".join(sorted(known))}, {**details, "unknown": extra[:5]})
    if rule == "format":
        return (N_("%(name)s must be a %(format)s (YYYY-MM-DD), got %(value)s"),
                {"name": name, "format": limit, "value": _short(value)}, details)
    if rule == "pattern":
        return (N_("%(name)s %(value)s does not match %(pattern)s"),
                {"name": name, "value": _short(value), "pattern": limit}, details)
    return N_("%(name)s: %(reason)s"), {"name": name, "reason": error.message[:200]}, details
