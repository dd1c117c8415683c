"""Partnerships, their functional areas and projects, and the comparison, as JSON."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext

from core.errors import BadRequest
from services.analysis import comparison
from services.planning import area_stats, areas, comments, partnerships, projects
from web import get_engine_for
from web.api_common import int_arg, json_body, with_version

bp = Blueprint("api_partnerships", __name__, url_prefix="/api/v1")


@bp.app_context_processor
def fields_for_templates() -> dict:
    """The kinds of functional area and the text limits the workspace's forms read (one table
    each, services/planning/fields.py), and the meaning of a priority (1 is the highest,
    services/planning/vocabularies.py)."""
    from services.planning.fields import AREA_KINDS, COST_LIMITS, TEXT_LIMITS
    from services.planning.vocabularies import PRIORITY

    return {"area_kinds": AREA_KINDS, "text_limits": TEXT_LIMITS, "cost_limits": COST_LIMITS,
            "priority_vocabulary": PRIORITY}


def _engine():
    return get_engine_for(current_app)


def _versioned(body: dict, status: int = 200):
    response = jsonify(body)
    response.status_code = status
    response.headers["ETag"] = f'"{body["version"]}"'
    return response


@bp.get("/partnerships")
def list_partnerships():
    return jsonify(partnerships.list_partnerships(
        _engine(), actor=g.principal, voivodeship=request.args.get("voivodeship") or None,
        limit=int_arg("limit", 100, 1, 1000), offset=int_arg("offset", 0, 0, 10**9)))


@bp.get("/partnerships/<pid>")
def get_partnership(pid: str):
    return jsonify(partnerships.get_partnership(_engine(), pid, actor=g.principal))


@bp.patch("/partnerships/<pid>")
def patch_partnership(pid: str):
    return jsonify(partnerships.update_partnership(_engine(), pid, json_body(), actor=g.principal))


@bp.get("/partnerships/<pid>/comments")
def list_comments(pid: str):
    return jsonify(comments.list_comments(_engine(), pid, actor=g.principal))


@bp.post("/partnerships/<pid>/comments")
def add_comment(pid: str):
    return jsonify(comments.add_comment(_engine(), pid, json_body(), actor=g.principal)), 201


@bp.get("/partnerships/<pid>/areas")
def list_areas(pid: str):
    return jsonify(areas.list_areas(_engine(), pid, actor=g.principal))


@bp.post("/partnerships/<pid>/areas")
def create_area(pid: str):
    return _versioned(areas.create_area(_engine(), pid, json_body(),
                                        actor=g.principal), 201)


@bp.get("/areas/<int:area_id>")
def get_area(area_id: int):
    return _versioned(areas.get_area(_engine(), area_id, actor=g.principal))


@bp.put("/areas/<int:area_id>")
def update_area(area_id: int):
    return _versioned(areas.update_area(_engine(), area_id, json_body(), actor=g.principal))


@bp.delete("/areas/<int:area_id>")
def delete_area(area_id: int):
    areas.delete_area(_engine(), area_id, with_version({}).get("version")
                      or request.args.get("version"), actor=g.principal)
    return "", 204


@bp.get("/areas/<int:area_id>/versions")
def area_versions(area_id: int):
    return jsonify(areas.area_history(_engine(), area_id, actor=g.principal))


@bp.post("/areas/<int:area_id>/restore")
def restore_area(area_id: int):
    body = json_body()
    return _versioned(areas.restore_area(_engine(), area_id, body["restore"], body["version"],
                                         actor=g.principal))


@bp.get("/areas/<int:area_id>/stats")
def stats(area_id: int):
    year = request.args.get("year")
    return jsonify(area_stats.area_stats(
        _engine(), area_id, year=int_arg("year", 0, 1950, 2100) if year else None,
        actor=g.principal, settings=current_app.config["SETTINGS"]))


@bp.get("/areas/<int:area_id>/rasters/<raster>")
def raster(area_id: int, raster: str):
    return jsonify(area_stats.raster_stats(_engine(), current_app.config["SETTINGS"], area_id,
                                           raster, actor=g.principal))


@bp.get("/projects")
def list_projects():
    return jsonify(projects.list_projects(
        _engine(), actor=g.principal, partnership=request.args.get("partnership") or None,
        voivodeship=request.args.get("voivodeship") or None,
        funding_source=request.args.get("funding_source") or None,
        limit=int_arg("limit", 100, 1, 1000), offset=int_arg("offset", 0, 0, 10**9)))


@bp.post("/partnerships/<pid>/projects")
def create_project(pid: str):
    return _versioned(projects.create_project(_engine(), pid, json_body(),
                                              actor=g.principal), 201)


@bp.get("/projects/<int:project_id>")
def get_project(project_id: int):
    return _versioned(projects.get_project(_engine(), project_id, actor=g.principal))


@bp.put("/projects/<int:project_id>")
def update_project(project_id: int):
    return _versioned(projects.update_project(_engine(), project_id, json_body(),
                                              actor=g.principal))


@bp.delete("/projects/<int:project_id>")
def delete_project(project_id: int):
    projects.delete_project(_engine(), project_id, with_version({}).get("version")
                            or request.args.get("version"), actor=g.principal)
    return "", 204


@bp.get("/projects/<int:project_id>/versions")
def project_versions(project_id: int):
    return jsonify(projects.project_history(_engine(), project_id, actor=g.principal))


@bp.post("/projects/<int:project_id>/restore")
def restore_project(project_id: int):
    body = json_body()
    return _versioned(projects.restore_project(_engine(), project_id, body["restore"],
                                               body["version"], actor=g.principal))


@bp.get("/comparison/<voivodeship>")
def compare(voivodeship: str):
    fmt = request.args.get("format", "json")
    if fmt not in comparison.COMPARISON_FORMATS:
        raise BadRequest("format must be one of %(comparison_formats)s,"
                         " got %(fmt)r",
                         comparison_formats=', '.join(comparison.COMPARISON_FORMATS), fmt=fmt[:20])
    result = comparison.compare(_engine(), voivodeship, actor=g.principal)
    if comparison.COMPARISON_FORMATS[fmt].write is None:
        # The data call the country "Polska"; the page's language names it.
        return jsonify({**result, "units": [
            {**u, "name": gettext("Poland")} if u.get("kind") == "country" else u
            for u in result["units"]]})
    content, filename = comparison.comparison_file(result, fmt, getattr(g, "lang", "pl"))
    return current_app.response_class(
        content, mimetype=comparison.COMPARISON_FORMATS[fmt].mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
