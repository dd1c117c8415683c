"""Request parsing shared by the API blueprints."""

from __future__ import annotations

from flask import request

from core.errors import BadRequest


def json_body() -> dict:
    """The request's JSON object; malformed or missing JSON is a 400 with the reason."""
    if not request.is_json:
        raise BadRequest("send a JSON object with Content-Type: application/json")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("the body is not a JSON object")
    return data


def with_version(data: dict) -> dict:
    """Take the base version from If-Match when the body does not carry it."""
    if "version" not in data and request.headers.get("If-Match"):
        data = {**data, "version": request.headers["If-Match"].strip('W/"')}
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
    # Until accounts exist (issue 6) the client may name the author of a change.
    return request.headers.get("X-Author", "")[:100]
