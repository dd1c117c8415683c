"""Survey imports: the page of a partnership's surveys (upload, preview, corrections,
import) and the API under /api/v1/partnerships/<pid>/surveys."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, current_app, g, jsonify, render_template, request

from core.errors import BadRequest, InvalidInput, NotFound
from services.access.rules import can_write
from services.planning.partnerships import get_partnership
from services.surveys.formats import EXTENSIONS, SURVEY_FORMATS
from services.surveys.importer import import_survey
from services.surveys.preview import preview_survey
from services.surveys.privacy import masked_options
from services.surveys.reading import DELIMITERS
from services.surveys.store import SURVEY_KINDS, delete_survey, get_survey, list_surveys
from web import get_engine_for
from web.api_common import strict_json
from web.i18n import localised

bp = Blueprint("surveys", __name__, template_folder="templates")

KIND_LABELS = {"residents": "Residents' survey", "youth": "Youth survey"}


def _upload_options() -> dict:
    """The form's file options; the corrections are a JSON object in field ``mapping``."""
    mapping = strict_json(request.form.get("mapping") or "{}", "mapping")
    fmt = request.form.get("format") or None
    delimiter = request.form.get("delimiter") or None
    if delimiter == "\\t":
        delimiter = "\t"
    if delimiter and delimiter not in DELIMITERS:
        raise BadRequest("delimiter must be , ; or a tab", field="delimiter")
    return {"fmt": fmt, "encoding": request.form.get("encoding") or None,
            "delimiter": delimiter, "mapping": mapping}


def _with_upload(run):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequest("send the export as multipart form field 'file'", field="file")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in EXTENSIONS:
        raise BadRequest("upload a survey export (%(extensions)s), not %(value)s",
                         extensions=", ".join(EXTENSIONS), value=suffix or "?", field="file")
    with tempfile.TemporaryDirectory(prefix="partnerstwa-survey-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        upload.save(path)
        return run(path, Path(upload.filename).name[:300])


@bp.get("/partnerships/<pid>/surveys")
def page(pid: str):
    engine = get_engine_for(current_app)
    partnership = get_partnership(engine, pid, actor=g.principal)
    return render_template(
        "surveys/import.html", partnership=partnership,
        surveys=list_surveys(engine, pid, actor=g.principal),
        can_write=can_write(g.principal, pid), formats=SURVEY_FORMATS.values(),
        formats_by_code=SURVEY_FORMATS,
        kinds=SURVEY_KINDS, kind_labels=KIND_LABELS, extensions=",".join(EXTENSIONS))


@bp.get("/api/v1/partnerships/<pid>/surveys")
def api_list(pid: str):
    return jsonify(list_surveys(get_engine_for(current_app), pid, actor=g.principal))


@bp.post("/api/v1/partnerships/<pid>/surveys/preview")
def api_preview(pid: str):
    options = _upload_options()
    shown = _with_upload(lambda path, name: preview_survey(
        get_engine_for(current_app), path, pid, actor=g.principal, file_name=name,
        locale=getattr(g, "lang", "pl"), **options))
    return jsonify(localised(shown))


@bp.post("/api/v1/partnerships/<pid>/surveys")
def api_import(pid: str):
    options = _upload_options()
    if request.args.get("preview") in ("1", "true"):
        return api_preview(pid)
    try:
        done = _with_upload(lambda path, name: import_survey(
            get_engine_for(current_app), path, pid, actor=g.principal, file_name=name,
            kind=request.form.get("kind", ""), title=request.form.get("title", ""), **options))
    except InvalidInput as exc:
        exc.details = localised(exc.details)  # each problem in the user's language too
        raise
    return jsonify(localised(done)), 201


def _survey_of(pid: str, survey_id: int) -> dict:
    survey = get_survey(get_engine_for(current_app), survey_id, actor=g.principal)
    if survey["partnership_id"] != pid:
        raise NotFound("no survey %(id)s in partnership %(pid)s", id=survey_id, pid=pid)
    return survey


@bp.get("/api/v1/partnerships/<pid>/surveys/<int:survey_id>")
def api_get(pid: str, survey_id: int):
    survey = _survey_of(pid, survey_id)
    # Every reader of the partnership sees the options: personal data in them is masked.
    questions = [{**q, "options": masked_options(q["options"])} for q in survey["questions"]]
    return jsonify({**survey, "questions": questions})


@bp.delete("/api/v1/partnerships/<pid>/surveys/<int:survey_id>")
def api_delete(pid: str, survey_id: int):
    _survey_of(pid, survey_id)
    delete_survey(get_engine_for(current_app), survey_id, actor=g.principal)
    return "", 204
