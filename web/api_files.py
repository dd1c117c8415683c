"""File exchange: exports to download and project imports from uploads."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, current_app, g, jsonify, request, send_file
from werkzeug.utils import secure_filename

from core.errors import BadRequest
from services.planning.exports import FORMATS, export
from services.planning.project_import import import_projects
from web import get_engine_for
from web.api_common import author

bp = Blueprint("api_files", __name__, url_prefix="/api/v1")

MIMETYPES = {"shp": "application/zip", "gpkg": "application/geopackage+sqlite3",
             "geojson": "application/geo+json", "csv": "text/csv",
             "fgb": "application/octet-stream"}
UPLOAD_SUFFIXES = (".zip", ".gpkg", ".geojson", ".json")


@bp.get("/exports/<what>")
def download(what: str):
    fmt = request.args.get("format", "shp")
    if fmt not in FORMATS:
        raise BadRequest(f"format must be one of {', '.join(FORMATS)}")
    scope = request.args.get("partnership") or request.args.get("voivodeship") or "all"
    name = secure_filename(f"{what}_{scope}{FORMATS[fmt]}") or f"export{FORMATS[fmt]}"
    folder = Path(tempfile.mkdtemp(prefix="partnerstwa-export-"))
    result = export(get_engine_for(current_app), what, fmt, folder / name,
                    partnership=request.args.get("partnership") or None,
                    voivodeship=request.args.get("voivodeship") or None, actor=g.principal)
    response = send_file(result["path"], mimetype=MIMETYPES[fmt], as_attachment=True,
                         download_name=name)
    response.call_on_close(lambda: shutil.rmtree(folder, ignore_errors=True))
    return response


@bp.post("/partnerships/<pid>/projects/import")
def import_upload(pid: str):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequest("send the file as multipart form field 'file'")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise BadRequest(f"upload a Shapefile .zip, a GeoPackage or GeoJSON, not {suffix or '?'}")
    try:
        mapping = json.loads(request.form.get("mapping") or "{}")
    except json.JSONDecodeError:
        raise BadRequest("mapping must be a JSON object {attribute: field}") from None
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise BadRequest("mapping must be a JSON object {attribute: field}")
    preview = request.form.get("preview", "true").lower() not in ("false", "0", "no")
    with tempfile.TemporaryDirectory(prefix="partnerstwa-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        upload.save(path)
        result = import_projects(get_engine_for(current_app), path, pid, mapping=mapping,
                                 encoding=request.form.get("encoding") or None,
                                 crs=request.form.get("crs") or None, preview=preview,
                                 author=author(), actor=g.principal)
    result["source"] = upload.filename
    return jsonify(result), (200 if preview else 201)
