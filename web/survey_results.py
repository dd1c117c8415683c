"""Results of a survey: the page (charts, choropleth, tables, youth and migration), the JSON,
CSV and XLSX answers, and the GeoJSON of the gminas for the choropleth."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, url_for

from core.errors import BadRequest
from services.surveys import estimates, youth
from services.surveys.results_files import RESULTS_FORMATS, SUPPRESSED_WORD, results_file
from web import get_engine_for
from web.i18n import localised
from web.pages.folium_map import base_map, render_parts

bp = Blueprint("survey_results", __name__)
API = "/api/v1/partnerships/<pid>/surveys/<int:survey_id>"


def _leave() -> list[str] | None:
    # ?leave=a,b (the API) or ?leave=a&leave=b (the page's check boxes)
    codes = [c.strip() for raw in request.args.getlist("leave") for c in raw.split(",")
             if c.strip()]
    if len(codes) > 100 or any(len(c) > 200 for c in codes):
        raise BadRequest("leave lists at most 100 option codes", field="leave")
    return codes or None


def _arg(name: str) -> str | None:
    value = request.args.get(name)
    if value is not None and len(value) > 200:
        raise BadRequest("%(name)s is longer than 200 characters", field=name, name=name)
    return value or None


@bp.get(API + "/results")
def api_results(pid: str, survey_id: int):
    fmt = request.args.get("format", "json")
    if fmt not in RESULTS_FORMATS:
        raise BadRequest("format must be one of %(formats)s, not %(fmt)r", field="format",
                         formats=", ".join(RESULTS_FORMATS), fmt=fmt[:20])
    # Names of gminas told apart by kind ("Wysokie Mazowieckie (gmina miejska)") in the
    # reader's language, in the JSON and the files alike.
    result = localised(estimates.survey_results(get_engine_for(current_app), pid, survey_id,
                                                actor=g.principal, question=_arg("question"),
                                                domain=_arg("domain")))
    if RESULTS_FORMATS[fmt].write is None:
        return jsonify(result)
    content, filename = results_file(result, fmt, getattr(g, "lang", "pl"))
    response = Response(content, content_type=RESULTS_FORMATS[fmt].mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(API + "/gminas.geojson")
def api_map(pid: str, survey_id: int):
    body = localised(estimates.survey_map(get_engine_for(current_app), pid, survey_id,
                                          actor=g.principal, question=_arg("question") or "",
                                          option=_arg("option")))
    response = jsonify(body)
    response.mimetype = "application/geo+json"
    return response


@bp.get(API + "/youth")
def api_youth(pid: str, survey_id: int):
    return jsonify(localised(youth.youth_migration(get_engine_for(current_app), pid, survey_id,
                                                   actor=g.principal, question=_arg("question"),
                                                   leave=_leave())))


@bp.get("/partnerships/<pid>/surveys/<int:survey_id>")
def page(pid: str, survey_id: int):
    shown = localised(estimates.results_page(get_engine_for(current_app), pid, survey_id,
                                             actor=g.principal,
                                             leave_question=_arg("question"), leave=_leave()))
    settings = current_app.config["SETTINGS"]
    fmap = base_map(lambda path: url_for("static", filename=path),
                    basemap_url=settings.basemap_url)
    lang = getattr(g, "lang", "pl")
    # The charts and the map's choices: each question's measures for the whole partnership.
    charts = [{"code": q["code"], "kind": q["kind"], "text": q["text"],
               "results": [r for r in q["results"] if r["domain"] == "partnership"]}
              for q in shown["results"]["questions"] if q["kind"] != "text"]
    return render_template(
        "survey_results/page.html", map=render_parts(fmap), pid=pid, survey_id=survey_id,
        suppressed_word=SUPPRESSED_WORD[1 if lang == "en" else 0],
        complementary_shown=any(r.get("suppressed_reason") == "complementary"
                                for q in shown["results"]["questions"] for r in q["results"]),
        file_formats=[f for f in RESULTS_FORMATS.values() if f.write], charts=charts, **shown)
