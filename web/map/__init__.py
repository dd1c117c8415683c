"""The map page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for

from services.units import boundary_status
from web import get_engine_for
from web.i18n import translate
from web.map.folium_map import RemoteGeoJson, base_map, render_parts

bp = Blueprint("map", __name__, template_folder="templates")


@bp.get("/")
def index():
    settings = current_app.config["SETTINGS"]
    status = {row["level"]: row for row in boundary_status(get_engine_for(current_app))}
    fmap = base_map(
        leaflet_js=url_for("static", filename="vendor/leaflet/leaflet.js"),
        leaflet_css=url_for("static", filename="vendor/leaflet/leaflet.css"),
        basemap_url=settings.basemap_url,
    )
    RemoteGeoJson(
        url_for("units.units", level="gmina", tolerance=150),
        status_id="units-count", code_label=translate("teryt"),
        empty_text=translate("no_units"), failed_text=translate("load_failed"),
    ).add_to(fmap)
    return render_template("map/index.html", map=render_parts(fmap), gmina=status["gmina"])
