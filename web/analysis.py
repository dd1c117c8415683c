"""Stored analysis runs and the indicator catalogue as JSON."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from services.analysis import get_run, list_runs
from services.errors import BadRequest
from services.indicators import list_indicators
from web import get_engine_for

bp = Blueprint("analysis", __name__, url_prefix="/api/v1")


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}")
    return value


@bp.get("/analysis/runs")
def runs():
    return jsonify(list_runs(get_engine_for(current_app), limit=_int_arg("limit", 50, 1, 500),
                             offset=_int_arg("offset", 0, 0, 10**9)))


@bp.get("/analysis/runs/<int:run_id>")
def run(run_id: int):
    return jsonify(get_run(get_engine_for(current_app), run_id))


@bp.get("/indicators")
def indicators():
    return jsonify(list_indicators(get_engine_for(current_app)))
