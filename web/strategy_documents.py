"""The strategy's documents, the spatial model and who a project serves: pages, files, JSON.

Each view parses the request, calls one service function and renders its answer; documents
and the model's picture are slow work (web/limits.py), bounded like the diagnosis's.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, url_for

from services.strategy import documents, reach, spatial_model
from web import get_engine_for
from web.limits import slow_work
from web.pages.folium_map import base_map, render_parts

bp = Blueprint("strategy_documents", __name__)


def _lang() -> str:
    # The API checks the language it is asked for; pages use the one chosen (web/i18n.py).
    return request.args.get("lang") or getattr(g, "lang", "pl")


def _file(generated: documents.Generated) -> Response:
    response = Response(generated.content, mimetype=generated.format.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{generated.filename}"'
    response.headers["X-Content-SHA256"] = generated.sha256
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/v1/partnerships/<pid>/strategy.<fmt>")
def strategy_file(pid: str, fmt: str):
    documents.check_parameters(fmt, _lang())
    with slow_work():
        return _file(documents.strategy_document(get_engine_for(current_app), pid, fmt,
                                                 lang=_lang(), actor=g.principal))


@bp.get("/api/v1/partnerships/<pid>/projects/<int:project_id>/application.<fmt>")
def application_file(pid: str, project_id: int, fmt: str):
    documents.check_parameters(fmt, _lang())
    with slow_work():
        return _file(documents.application_document(
            get_engine_for(current_app), pid, project_id, fmt, lang=_lang(),
            actor=g.principal))


@bp.get("/api/v1/partnerships/<pid>/projects/<int:project_id>/reach")
def project_reach(pid: str, project_id: int):
    documents.check_lang(_lang())
    return jsonify(reach.project_reach(get_engine_for(current_app), pid, project_id,
                                       lang=_lang(), actor=g.principal))


@bp.get("/api/v1/partnerships/<pid>/strategy/model.png")
def model_picture(pid: str):
    documents.check_lang(_lang())
    with slow_work():
        png = spatial_model.model_png(get_engine_for(current_app), pid, _lang(),
                                      actor=g.principal)
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/partnerships/<pid>/strategy/model")
def model_page(pid: str):
    shown = spatial_model.model_layers(get_engine_for(current_app), pid, getattr(g, "lang", "pl"),
                                       actor=g.principal)
    settings = current_app.config["SETTINGS"]
    fmap = base_map(lambda path: url_for("static", filename=path),
                    basemap_url=settings.basemap_url)
    return render_template("strategy/model.html", map=render_parts(fmap), model=shown,
                           formats=list(documents.FORMATS))
