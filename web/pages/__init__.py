"""The pages: diagnosis map, partnership workspace, comparison of a voivodeship."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext

from core.errors import NotFound
from services.access.rules import can_comment, can_write, readable_voivodeship, require_login
from services.analysis.comparison_files import COMPARISON_FORMATS
from services.analysis.runs import list_runs
from services.indicators.store import list_indicators
from services.planning.national import NATIONAL_FORMATS, national_table, visible_voivodeships
from services.planning.partnerships import get_partnership, list_partnerships
from services.reference.units import boundary_status, list_voivodeships, unit_names
from web import get_engine_for
from web.i18n import indicator_words
from web.pages.folium_map import base_map, dual_map, render_parts
from web.pages.run_names import run_label

bp = Blueprint("pages", __name__, template_folder="templates")

DEFAULT_INDICATOR = "marginalisation_risk"


def _static(path: str) -> str:
    return url_for("static", filename=path)


def _voivodeships() -> list[dict]:
    return list_voivodeships(get_engine_for(current_app))


def _voivodeship_names() -> dict[str, str]:
    """TERYT code -> name in lower case, as GUS writes it ("20" -> "podlaskie")."""
    return {v["teryt"]: v["name"].lower() for v in _voivodeships()}


def _named_runs(engine, runs: list[dict], indicators: dict[str, dict]) -> list[dict]:
    """The runs, each with a ``label`` in words for the run selector."""
    codes = {kind: {r["scope"].partition(":")[2] for r in runs
                    if r["scope"].startswith(kind + ":")}
             for kind in ("powiat", "partnership")}
    names = {"voivodeship": _voivodeship_names(),
             "powiat": unit_names(engine, "powiat", codes["powiat"]),
             "partnership": {p["id"]: p["name"] for p in
                             list_partnerships(engine, actor=g.principal, limit=1000)
                             if p["id"] in codes["partnership"]} if codes["partnership"] else {}}
    return [{**r, "label": run_label(r, indicators, names)} for r in runs]


def _indicator_meta(catalogue: list[dict]) -> list[dict]:
    """What the legends of the page scripts say of an indicator (names, unit, source)."""
    keys = ("code", "name_pl", "name_en", "unit", "source", "source_ref", "direction",
            "source_label", "unit_en", "unit_label")
    return [{k: i[k] for k in keys if k in i} for i in map(indicator_words, catalogue)]


@bp.get("/")
def overview():
    engine = get_engine_for(current_app)
    settings = current_app.config["SETTINGS"]
    status = {row["level"]: row for row in boundary_status(engine)}
    indicators = [i for i in list_indicators(engine) if i["gminas"]]
    codes = [i["code"] for i in indicators]
    default = DEFAULT_INDICATOR if DEFAULT_INDICATOR in codes else (codes[0] if codes else "")
    runs = [r for r in list_runs(engine, limit=200, actor=g.principal) if r["kind"] == "lisa"]
    catalogue = list_indicators(engine)
    runs = _named_runs(engine, runs, {i["code"]: i for i in catalogue})
    fmap = base_map(_static, basemap_url=settings.basemap_url,
                    basemap_name=gettext("Basemap"))
    return render_template("pages/overview.html", map=render_parts(fmap),
                           gminas=status["gmina"]["units"], indicators=indicators,
                           indicators_meta=_indicator_meta(catalogue),
                           default_indicator=default, runs=runs,
                           voivodeships=_voivodeships())


@bp.get("/partnerships")
def partnerships():
    return render_template("pages/partnerships.html",
                           partnerships=list_partnerships(get_engine_for(current_app),
                                                          actor=g.principal),
                           voivodeship_names=_voivodeship_names())


@bp.get("/partnerships/<pid>")
def workspace(pid: str):
    engine = get_engine_for(current_app)
    settings = current_app.config["SETTINGS"]
    partnership = get_partnership(engine, pid, actor=g.principal)
    runs = [r for r in list_runs(engine, limit=200, actor=g.principal)
            if r["kind"] == "regions" and r["scope"] in (f"partnership:{pid}",
                                                          *[f"voivodeship:{v}" for v in
                                                            partnership["voivodeships"]])]
    fmap = base_map(_static, basemap_url=settings.basemap_url, editing=True,
                    basemap_name=gettext("Basemap"))
    return render_template("pages/workspace.html", map=render_parts(fmap),
                           partnership=partnership, region_runs=runs,
                           voivodeship_names=_voivodeship_names(),
                           can_write=can_write(g.principal, pid),
                           can_comment=can_comment(g.principal, pid))


@bp.get("/comparison")
def comparison_home():
    """The comparison of the first voivodeship the user may read (a marshal office: its own)."""
    require_login(g.principal)
    visible = visible_voivodeships(g.principal, _voivodeships())
    if not visible:
        raise NotFound("no voivodeship")
    return redirect(url_for("pages.comparison", voivodeship=visible[0]["teryt"]))


@bp.get("/comparison/<voivodeship>")
def comparison(voivodeship: str):
    if voivodeship not in {v["teryt"] for v in _voivodeships()}:
        raise NotFound("no voivodeship %(voivodeship)r", voivodeship=voivodeship)
    readable_voivodeship(g.principal, voivodeship)
    # Only the voivodeships the user may read are offered (a marshal office: its own).
    voivodeships = {v["teryt"]: v["name"] for v in visible_voivodeships(g.principal,
                                                                         _voivodeships())}
    settings = current_app.config["SETTINGS"]
    dmap = dual_map(_static, basemap_url=settings.basemap_url,
                    basemap_name=gettext("Basemap"))
    indicators = [i for i in list_indicators(get_engine_for(current_app)) if i["gminas"]]
    return render_template("pages/comparison.html", map=render_parts(dmap),
                           voivodeship=voivodeship, voivodeship_name=voivodeships[voivodeship],
                           voivodeships=voivodeships, indicators=indicators,
                           file_formats=[f for f in COMPARISON_FORMATS.values() if f.write])


@bp.get("/national")
def national():
    """All partnerships the user may read on one map and in one table (the ministry view)."""
    engine = get_engine_for(current_app)
    require_login(g.principal)
    visible = visible_voivodeships(g.principal, _voivodeships())
    chosen = request.args.get("voivodeship") or ""
    if len(visible) == 1:
        chosen = visible[0]["teryt"]  # a marshal office: its voivodeship, no other choice
    elif chosen not in {v["teryt"] for v in visible}:
        chosen = ""  # a stale or foreign code: the whole country, which the table says
    result = national_table(engine, voivodeship=chosen or None, actor=g.principal)
    settings = current_app.config["SETTINGS"]
    fmap = base_map(_static, basemap_url=settings.basemap_url,
                    basemap_name=gettext("Basemap"))
    return render_template("pages/national.html", map=render_parts(fmap), result=result,
                           voivodeships=visible, chosen=chosen,
                           file_formats=[f for f in NATIONAL_FORMATS.values() if f.write])
