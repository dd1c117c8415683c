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

from flask import g, request

from core.errors import BadRequest

MAX_DEPTH = 32  # a GeoJSON MultiPolygon inside a body is 6 levels deep
OPENAPI_URI = "urn:partnerstwa:openapi"


class _NotJson(ValueError):
    """A value Python's json reads but JSON does not have."""


def _constant(name: str):
    raise _NotJson(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJson(f"the number {text[:40]} is too large")
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
        raise BadRequest(f"{what} is not valid JSON: {exc}") from None
    except RecursionError:
        raise BadRequest(f"{what} is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:  # syntax, encoding, integers of more than 4,300 digits
        raise BadRequest(f"{what} is not a JSON object" if what == "the body"
                         else f"{what} is not valid JSON") from None
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
            raise BadRequest(f"{what} is nested deeper than {MAX_DEPTH} levels")
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
        raise BadRequest(f"{where[:80]} holds a NUL character", details={"field": where[:80]})
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest(f"{where[:80]} holds an unpaired surrogate (\\ud800-\\udfff), which"
                         " is not a character", details={"field": where[:80]}) from None


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
        raise BadRequest(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}")
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


def validate_request_body() -> None:
    """Check a JSON body against its operation's schema; a 400 names the field and rule."""
    rule = request.url_rule
    if rule is None or request.method not in ("POST", "PUT", "PATCH"):
        return
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
        message, details = describe(error)
        raise BadRequest(message, details=details)
    g.json_body = data


TYPES = {"integer": "a whole number", "string": "text", "array": "a list",
         "object": "an object", "number": "a number", "boolean": "true or false",
         "null": "null"}


def _short(value) -> str:
    shown = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(
        value, str) else repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def describe(error) -> tuple[str, dict]:
    """A message for a schema error that names the field and the rule, never echoing a long
    value back."""
    field = ".".join(str(p) for p in error.absolute_path)
    name = field or "the body"
    rule, limit, value = error.validator, error.validator_value, error.instance
    details = {"field": field} if field else {}
    if rule == "maxLength":
        return (f"{name} is longer than {limit:,} characters ({len(value):,} given)",
                {**details, "limit": limit})
    if rule == "minLength":
        return f"{name} must not be empty", details
    if rule == "maxItems":
        return (f"{name} holds more than {limit:,} items ({len(value):,} given)",
                {**details, "limit": limit})
    if rule == "minItems":
        return f"{name} must hold at least {limit} item(s)", details
    if rule == "type":
        kinds = [limit] if isinstance(limit, str) else limit
        return (f"{name} must be " + " or ".join(TYPES.get(k, k) for k in kinds)
                + f", got {_short(value)}", details)
    if rule in ("enum", "const"):
        allowed = limit if rule == "enum" else [limit]
        return (f"{name} must be one of {', '.join(map(str, allowed))}, got {_short(value)}",
                details)
    if rule in ("minimum", "exclusiveMinimum"):
        return f"{name} must be at least {limit}, got {_short(value)}", details
    if rule in ("maximum", "exclusiveMaximum"):
        return f"{name} must be at most {limit:,}, got {_short(value)}", details
    if rule == "required":
        missing = next(r for r in limit if r not in value)
        where = f"{field}.{missing}" if field else missing
        hint = " (field 'version' or header If-Match)" if missing == "version" else ""
        return f"{where} is required{hint}", {"field": where}
    if rule == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = sorted(str(k)[:40] for k in value if k not in known)
        return (f"unknown field {', '.join(extra[:5])} in {name}; fields: "
                f"{', '.join(sorted(known))}", {**details, "unknown": extra[:5]})
    if rule == "format":
        return f"{name} must be a {limit} (YYYY-MM-DD), got {_short(value)}", details
    if rule == "pattern":
        return f"{name} {_short(value)} does not match {limit}", details
    return f"{name}: {error.message[:200]}", details
