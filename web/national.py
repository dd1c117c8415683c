"""The national table of partnerships as JSON, CSV or XLSX (the ministry view reads it)."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from core.errors import BadRequest
from services.planning.national import NATIONAL_FORMATS, national_file, national_table
from web import get_engine_for

bp = Blueprint("national", __name__, url_prefix="/api/v1")


@bp.get("/national")
def national():
    fmt = request.args.get("format", "json")
    if fmt not in NATIONAL_FORMATS:
        raise BadRequest("format must be one of %(national_formats)s, got %(fmt)r",
                         field="format", national_formats=", ".join(NATIONAL_FORMATS),
                         fmt=fmt[:20])
    result = national_table(get_engine_for(current_app),
                            voivodeship=request.args.get("voivodeship") or None,
                            actor=g.principal)
    if NATIONAL_FORMATS[fmt].write is None:
        response = jsonify(result)
    else:
        content, filename = national_file(result, fmt, getattr(g, "lang", "pl"))
        response = current_app.response_class(
            content, content_type=NATIONAL_FORMATS[fmt].mimetype,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    response.headers["Cache-Control"] = "private, no-store"
    return response
