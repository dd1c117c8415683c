"""A partnership's QGIS-ready GeoPackage: ``GET /api/v1/partnerships/{id}/package.gpkg``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, current_app, g, send_file
from werkzeug.utils import secure_filename

from services.ogc.package import build_package
from web import get_engine_for

bp = Blueprint("packages", __name__, url_prefix="/api/v1")


@bp.get("/partnerships/<pid>/package.gpkg")
def package(pid: str):
    stem = secure_filename(pid)
    name = f"{stem}.gpkg" if stem else "package.gpkg"
    # As the exports do: open the file, then delete the folder; the handle keeps the data.
    folder = Path(tempfile.mkdtemp(prefix="partnerstwa-package-"))
    try:
        result = build_package(get_engine_for(current_app), pid, folder / "package.gpkg",
                               actor=g.principal)
        handle = open(result["path"], "rb")  # noqa: SIM115 - closed by the response
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return send_file(handle, mimetype="application/geopackage+sqlite3", as_attachment=True,
                     download_name=name)
