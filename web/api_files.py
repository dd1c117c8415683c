"""File exchange: exports to download and project imports from uploads."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, current_app, g, jsonify, request, send_file
from werkzeug.utils import secure_filename

from core.errors import BadRequest
from services.planning.export_formats import EXPORT_FORMATS
from services.planning.exports import export
from services.planning.project_import import import_projects, parse_value_maps
from web import get_engine_for
from web.api_common import author, strict_json
from web.i18n import localised

bp = Blueprint("api_files", __name__, url_prefix="/api/v1")

UPLOAD_SUFFIXES = (".zip", ".gpkg", ".geojson", ".json")


@bp.app_context_processor
def kinds_for_templates() -> dict:
    """The tables of kinds the workspace's forms and buttons are built from."""
    from services.planning.vocabularies import FUNDING

    return {"export_formats": EXPORT_FORMATS, "funding_vocabulary": FUNDING}


@bp.get("/exports/<what>")
def download(what: str):
    fmt = request.args.get("format", "shp")
    if fmt not in EXPORT_FORMATS:
        raise BadRequest("format must be one of %(export_formats)s",
                         export_formats=', '.join(EXPORT_FORMATS))
    kind = EXPORT_FORMATS[fmt]
    scope = request.args.get("partnership") or request.args.get("voivodeship") or "all"
    name = secure_filename(f"{what}_{scope}{kind.suffix}") or f"export{kind.suffix}"
    # send_file's response does not run call_on_close reliably: open the file, then delete the
    # folder at once, in every path; the open handle keeps the data readable until sent.
    folder = Path(tempfile.mkdtemp(prefix="partnerstwa-export-"))
    try:
        result = export(get_engine_for(current_app), what, fmt, folder / name,
                        partnership=request.args.get("partnership") or None,
                        voivodeship=request.args.get("voivodeship") or None,
                        actor=g.principal, companions=False)
        handle = open(result["path"], "rb")  # noqa: SIM115 - closed by the response
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    response = send_file(handle, mimetype=kind.mimetype, as_attachment=True,
                         download_name=name)
    response.content_length = os.fstat(handle.fileno()).st_size
    return response


@bp.post("/partnerships/<pid>/projects/import")
def import_upload(pid: str):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequest("send the file as multipart form field 'file'")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise BadRequest("upload a Shapefile .zip, a GeoPackage or GeoJSON, not %(value)s",
                         value=suffix or '?')
    mapping = strict_json(request.form.get("mapping") or "{}", "mapping")
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise BadRequest("mapping must be a JSON object {attribute: field}")
    raw_values = request.form.getlist("map_value")
    if len(raw_values) == 1 and raw_values[0].lstrip().startswith("{"):
        raw_values = strict_json(raw_values[0], "map_value")
    value_maps = parse_value_maps(raw_values)
    preview = request.form.get("preview", "true").lower() not in ("false", "0", "no")
    with tempfile.TemporaryDirectory(prefix="partnerstwa-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        upload.save(path)
        result = import_projects(get_engine_for(current_app), path, pid, mapping=mapping,
                                 value_maps=value_maps,
                                 encoding=request.form.get("encoding") or None,
                                 crs=request.form.get("crs") or None, preview=preview,
                                 author=author(), actor=g.principal)
    result["source"] = upload.filename
    return jsonify(localised(result)), (200 if preview else 201)
