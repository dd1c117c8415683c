"""Writing the strategy and a project's preliminary funding application, DOCX and PDF.

The blocks come from render_strategy.py and application.py; they are written by the
diagnosis's machinery (services/diagnosis/render.py: its body template and stylesheet for
HTML and PDF through WeasyPrint, its DOCX writer with python-docx), so both kinds of
documents look alike and hold the same numbers in both formats. Documents render whatever the
strategy holds; what is missing is listed in them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup

from core.errors import BadRequest
from services.access.rules import SYSTEM, Principal, require_read
from services.db import database_errors
from services.diagnosis import render as diagnosis_render
from services.diagnosis.formats import FORMATS as DIAGNOSIS_FORMATS
from services.diagnosis.formats import Format
from services.diagnosis.texts import LANGS
from services.diagnosis.view import Block

FORMATS: dict[str, Format] = {k: DIAGNOSIS_FORMATS[k] for k in ("docx", "pdf")}
"""The formats of the strategy documents: the CLI's choices and the API's routes read it."""

KINDS = ("strategy", "application")
PICTURE_WIDTHS = {"spatial_model": 15.0, "location": 12.0}


@dataclass
class Generated:
    content: bytes
    format: Format
    filename: str
    blocks: list[Block]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise BadRequest("lang must be one of %(choices)s, not %(value)r",
                         choices=", ".join(LANGS), value=lang, field="lang")
    return lang


def check_parameters(fmt: str, lang: str) -> Format:
    if fmt not in FORMATS:
        raise BadRequest("format must be one of %(choices)s, not %(value)r",
                         choices=", ".join(FORMATS), value=fmt, field="format")
    check_lang(lang)
    return FORMATS[fmt]


# --- writers (the diagnosis's template, stylesheet and DOCX tables) -----------------------

def body_html(blocks: list[Block], lang: str, images: dict) -> Markup:
    encoded = {k: base64.b64encode(v).decode() for k, v in images.items() if v}
    return Markup(diagnosis_render._env.get_template("body.html").render(
        blocks=blocks, lang=lang, images=images, images_b64=encoded))


def html_document(blocks: list[Block], title: str, lang: str, images: dict) -> bytes:
    return diagnosis_render._env.get_template("document.html").render(
        lang=lang, title=title, css=diagnosis_render.stylesheet(),
        body=body_html(blocks, lang, images)).encode("utf-8")


def pdf_document(blocks: list[Block], title: str, lang: str, images: dict) -> bytes:
    from weasyprint import HTML

    html = html_document(blocks, title, lang, images).decode("utf-8")
    return HTML(string=html, base_url=str(diagnosis_render.TEMPLATES)).write_pdf()


def docx_document(blocks: list[Block], title: str, lang: str, images: dict) -> bytes:
    """The blocks as DOCX, laid out as the diagnosis's (same page, fonts, tables)."""
    return diagnosis_render.docx_from_blocks(blocks, title, lang, images, PICTURE_WIDTHS)


WRITERS = {"docx": docx_document, "pdf": pdf_document}


# --- the two documents --------------------------------------------------------------------

def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _reach(engine: sa.Engine, pid: str, project_ids: list[int], lang: str) -> dict[int, dict]:
    from services.strategy.reach import projects_reach

    if not project_ids:
        return {}
    with database_errors(), engine.connect() as conn:
        return projects_reach(conn, pid, project_ids, lang=lang)


def _population_year(engine: sa.Engine) -> int | None:
    from services.strategy.reach import population_source

    with database_errors(), engine.connect() as conn:
        source = population_source(conn)
    return source[1] if source else None


def _drawn(key: tuple, version: tuple, draw) -> bytes | None:
    """A picture drawn once per its inputs (``key``) and data version, as the diagnosis's."""
    from services.cache import cached

    return cached(("strategy-picture", *key), version, draw)


def _data_version(engine: sa.Engine) -> tuple:
    from services.cache import WORKING_DATA, data_version

    with database_errors(), engine.connect() as conn:
        return data_version(conn, *WORKING_DATA)


def gantt_picture(package: dict, lang: str) -> bytes:
    from services.strategy.gantt import gantt_png

    # A pure function of the tasks and the deadline: keyed on them, no data version.
    tasks = tuple((t["name"], str(t["start"]), str(t["end"]), bool(t["milestone"]))
                  for t in package["tasks"])
    deadline = tuple(sorted((k, str(v)) for k, v in package["deadline"].items()))
    return _drawn(("gantt", lang, tasks, deadline), (),
                  lambda: gantt_png(package["tasks"], package["deadline"], lang))


def strategy_pictures(engine: sa.Engine, model: dict, lang: str) -> dict[str, bytes | None]:
    from services.strategy.charts import monitoring_png
    from services.strategy.spatial_model import model_png

    pid = model["partnership"]["id"]
    version = _data_version(engine)
    areas = tuple(a["area_id"] for a in model["intervention_areas"])
    monitoring = model.get("monitoring") or []
    shown = tuple((r["name"], r["unit"], r["baseline_year"], str(r["baseline_value"]),
                   r["target_year"], str(r["target_value"]), r["latest_year"],
                   str(r["latest_value"]), r["status"]) for r in monitoring)
    images = {
        "spatial_model": _drawn(("model", pid, lang, areas), version,
                                lambda: model_png(engine, pid, lang, list(areas))),
        "monitoring": _drawn(("monitoring", lang, shown), (),
                             lambda: monitoring_png(monitoring, lang))}
    for package in model["projects"]:
        images[f"gantt_{package['id']}"] = gantt_picture(package, lang)
    return images


def strategy_document(engine: sa.Engine, pid: str, fmt: str, *, lang: str = "pl",
                      actor: Principal = SYSTEM) -> Generated:
    """The strategy of partnership ``pid`` as DOCX or PDF, whatever it holds so far."""
    from services.strategy.model import strategy_model
    from services.strategy.render_strategy import strategy_blocks
    from services.strategy.render_strategy import w as word

    chosen = check_parameters(fmt, lang)
    model = strategy_model(engine, pid, actor)
    images = strategy_pictures(engine, model, lang)
    reach = _reach(engine, pid, [p["id"] for p in model["projects"]], lang)
    generated = _now()
    blocks = strategy_blocks(model, lang, images, reach, generated, _population_year(engine))
    title = word("title", lang) + ": " + model["partnership"]["name"]
    content = WRITERS[chosen.name](blocks, title, lang, images)
    return Generated(content, chosen,
                     f"strategia_{pid}_{generated.date().isoformat()}.{chosen.extension}",
                     blocks)


def application_document(engine: sa.Engine, pid: str, project_id: int, fmt: str, *,
                         lang: str = "pl", actor: Principal = SYSTEM) -> Generated:
    """The preliminary funding application for project ``project_id`` of ``pid``."""
    from services.diagnosis.compute import diagnose
    from services.strategy.application import a as word
    from services.strategy.application import application_blocks
    from services.strategy.charts import location_png
    from services.strategy.model import project_package, strategy_model

    chosen = check_parameters(fmt, lang)
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
    package = project_package(engine, pid, project_id, actor)  # 404 when not one of pid's
    model = strategy_model(engine, pid, actor)
    diagnosis = diagnose(engine, pid, actor=actor)
    reach = _reach(engine, pid, [project_id], lang).get(project_id)
    images = {f"gantt_{project_id}": gantt_picture(package, lang),
              "location": _drawn(("location", pid, project_id, lang), _data_version(engine),
                                 lambda: location_png(engine, pid, project_id, lang))}
    generated = _now()
    blocks = application_blocks(model, package, diagnosis, reach, lang, images, generated)
    title = word("title", lang) + ": " + package["title"]
    content = WRITERS[chosen.name](blocks, title, lang, images)
    return Generated(content, chosen, f"wniosek_{pid}_{project_id}_"
                     f"{generated.date().isoformat()}.{chosen.extension}", blocks)
