"""The diagnosis of a partnership: the page in the workspace, its downloads and the API."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request

from services.diagnosis import documents
from services.diagnosis.compute import MAX_YEAR, MIN_YEAR
from services.diagnosis.formats import API_FORMATS
from web import get_engine_for
from web.api_common import int_arg

bp = Blueprint("diagnosis", __name__)


def _year() -> int | None:
    return int_arg("year", 0, MIN_YEAR, MAX_YEAR) if request.args.get("year") else None


def _lang(api: bool = False) -> str:
    # The API checks the language it is asked for; the page uses the one chosen for it
    # (?lang= or the cookie, checked by web/i18n.py).
    if api and request.args.get("lang"):
        return request.args["lang"]
    return getattr(g, "lang", "pl")


def _file(generated: documents.Generated) -> Response:
    response = Response(generated.content, mimetype=generated.format.mimetype)
    disposition = "inline" if generated.format.name == "html" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{generated.filename}"'
    response.headers["X-Diagnosis-Id"] = str(generated.record_id)
    response.headers["X-Numbers-SHA256"] = generated.model["numbers_hash"]
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/partnerships/<pid>/diagnosis")
def page(pid: str):
    fmt = request.args.get("format")
    if fmt:
        return _file(documents.generate(get_engine_for(current_app), pid, fmt, lang=_lang(),
                                        year=_year(), actor=g.principal))
    shown = documents.page(get_engine_for(current_app), pid, lang=_lang(), year=_year(),
                           actor=g.principal)
    return render_template("diagnosis/page.html", year=request.args.get("year", ""), **shown)


@bp.get("/api/v1/partnerships/<pid>/diagnosis")
def api(pid: str):
    fmt = request.args.get("format", "json")
    if fmt not in API_FORMATS:
        from core.errors import BadRequest

        raise BadRequest("format must be one of %(api_formats)s, not %(fmt)r",
                         api_formats=', '.join(API_FORMATS), fmt=fmt)
    engine = get_engine_for(current_app)
    if fmt == "json":
        lang = _lang(api=True)
        documents.check_parameters(None, lang)
        from services.diagnosis.compute import diagnose

        model = diagnose(engine, pid, year=_year(), actor=g.principal)
        return jsonify({**model, "history": documents.history(engine, pid, actor=g.principal)})
    return _file(documents.generate(engine, pid, fmt, lang=_lang(api=True), year=_year(),
                                    actor=g.principal))
