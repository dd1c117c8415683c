"""The audit log for administrators: a page, JSON and a CSV export."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, render_template

from services.access import accounts
from web import get_engine_for
from web.api_common import int_arg

bp = Blueprint("admin", __name__)


@bp.get("/admin/audit")
def audit_page():
    entries = accounts.audit_entries(get_engine_for(current_app), g.principal, limit=500)
    return render_template("audit.html", entries=entries)


@bp.get("/api/v1/audit")
def audit_json():
    return jsonify(accounts.audit_entries(get_engine_for(current_app), g.principal,
                                          limit=int_arg("limit", 200, 1, 5000),
                                          offset=int_arg("offset", 0, 0, 10**9)))


@bp.get("/api/v1/audit.csv")
def audit_csv():
    return current_app.response_class(
        accounts.audit_csv(get_engine_for(current_app), g.principal), mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
