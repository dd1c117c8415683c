"""Stored analysis runs and the indicator catalogue as JSON."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify

from services.analysis.runs import get_run, list_runs
from services.analysis.scatter import moran_scatter
from services.indicators.store import list_indicators
from web import get_engine_for
from web.api_common import int_arg
from web.i18n import indicator_words
from web.limits import slow_work

bp = Blueprint("analysis", __name__, url_prefix="/api/v1")


@bp.get("/analysis/runs")
def runs():
    return jsonify(list_runs(get_engine_for(current_app), limit=int_arg("limit", 50, 1, 500),
                             offset=int_arg("offset", 0, 0, 10**9), actor=g.principal))


@bp.get("/analysis/runs/<int:run_id>")
def run(run_id: int):
    return jsonify(get_run(get_engine_for(current_app), run_id, actor=g.principal))


@bp.get("/analysis/runs/<int:run_id>/scatter")
def run_scatter(run_id: int):
    return jsonify(moran_scatter(get_engine_for(current_app), run_id, actor=g.principal,
                                 guard=slow_work))


@bp.get("/indicators")
def indicators():
    return jsonify([indicator_words(i) for i in list_indicators(get_engine_for(current_app))])
