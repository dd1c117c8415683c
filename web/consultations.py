"""A partnership's map consultations for its experts: pages and the JSON API.

Pages: ``/partnerships/<pid>/consultations`` (list, open a new one) and
``/partnerships/<pid>/consultations/<cid>`` (places per category on a map, the moderation
queue, hot spots, exports). API under ``/api/v1/partnerships/<pid>/consultations``.
Every route needs a signed-in principal; the services check who reads and who changes.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request

from core.errors import BadRequest
from services.access.rules import can_write, require_login
from services.consultations import manage, results, times
from services.consultations.kinds import CATEGORIES, EXPORTS, LIMITS, QUESTION_KINDS
from services.planning.partnerships import get_partnership
from web import get_engine_for
from web.api_common import json_body

bp = Blueprint("consultations", __name__)
API = "/api/v1/partnerships/<pid>/consultations"


@bp.before_request
def signed_in_only():
    require_login(g.principal)


def _engine():
    return get_engine_for(current_app)


# -- pages ------------------------------------------------------------------------------------

@bp.get("/partnerships/<pid>/consultations")
def list_page(pid: str):
    engine = _engine()
    consultations = [{**c, "dates": times.shown(c)}  # in Polish time
                     for c in manage.list_consultations(engine, pid, actor=g.principal)]
    return render_template(
        "consultations/list.html", partnership=get_partnership(engine, pid, actor=g.principal),
        consultations=consultations, can_write=can_write(g.principal, pid),
        categories=CATEGORIES, question_kinds=QUESTION_KINDS, limits=LIMITS,
        default_days=manage.DEFAULT_DAYS)


@bp.get("/partnerships/<pid>/consultations/<int:cid>")
def detail_page(pid: str, cid: int):
    consultation = manage.get_consultation(_engine(), cid, actor=g.principal, partnership_id=pid)
    consultation["dates"] = times.shown(consultation)  # in Polish time
    return render_template(
        "consultations/detail.html", consultation=consultation, pid=pid,
        can_write=can_write(g.principal, pid), categories=CATEGORIES, exports=EXPORTS,
        config={"places_url": f"/api/v1/partnerships/{pid}/consultations/{cid}/places",
                "summary_url": f"/api/v1/partnerships/{pid}/consultations/{cid}/summary",
                "moderation_url": f"/api/v1/partnerships/{pid}/consultations/{cid}/places/",
                "can_write": can_write(g.principal, pid),
                "categories": [{"code": c.code, "label": c.label(str(g.lang)),
                                "colour": c.colour} for c in CATEGORIES.values()],
                "basemap": current_app.config["SETTINGS"].basemap_url})


# -- API --------------------------------------------------------------------------------------

@bp.get(API)
def api_list(pid: str):
    return jsonify(manage.list_consultations(_engine(), pid, actor=g.principal))


@bp.post(API)
def api_open(pid: str):
    opened = manage.open_consultation(_engine(), pid, json_body(), actor=g.principal)
    return jsonify(opened), 201 if opened["created"] else 200


@bp.get(API + "/<int:cid>")
def api_get(pid: str, cid: int):
    return jsonify(manage.get_consultation(_engine(), cid, actor=g.principal, partnership_id=pid))


@bp.patch(API + "/<int:cid>")
def api_change(pid: str, cid: int):
    return jsonify(manage.update_consultation(_engine(), cid, json_body(), actor=g.principal,
                                              partnership_id=pid))


@bp.get(API + "/<int:cid>/places")
def api_places(pid: str, cid: int):
    return jsonify(results.places(_engine(), cid, actor=g.principal, partnership_id=pid))


@bp.get(API + "/<int:cid>/summary")
def api_summary(pid: str, cid: int):
    return jsonify(results.summary(_engine(), cid, actor=g.principal, partnership_id=pid))


@bp.post(API + "/<int:cid>/places/<int:place_id>/moderation")
def api_moderate(pid: str, cid: int, place_id: int):
    body = json_body()
    return jsonify(results.moderate(_engine(), place_id, hide=body["hidden"],
                                    reason=body.get("reason", ""), actor=g.principal,
                                    consultation_id=cid, partnership_id=pid))


@bp.get(API + "/<int:cid>/export")
def api_export(pid: str, cid: int):
    fmt = request.args.get("format", "gpkg")
    if fmt not in EXPORTS:
        raise BadRequest("format must be one of %(formats)s", formats=", ".join(EXPORTS))
    data, name = results.export_bytes(_engine(), cid, fmt, actor=g.principal,
                                      partnership_id=pid, lang=str(g.lang))
    return Response(data, mimetype=EXPORTS[fmt].mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"'})
