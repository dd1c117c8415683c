"""Liveness and readiness for docker-compose and load balancers."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from services.reference.units import boundary_version
from web import get_engine_for

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    version = boundary_version(get_engine_for(current_app))
    return jsonify(status="ok", boundary_version=version)
