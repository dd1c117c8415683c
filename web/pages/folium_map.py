"""Folium maps whose assets come from our static folder; our scripts take over the map."""

from __future__ import annotations

import folium
from branca.element import MacroElement
from folium.plugins import DualMap, GeoMan
from jinja2 import Template

POLAND_CENTRE = (52.1, 19.4)


class Expose(MacroElement):
    """Hands the Leaflet map to our page scripts (window.PARTNERSTWA_MAPS)."""

    _template = Template("""
{% macro script(this, kwargs) %}
window.PARTNERSTWA_MAPS = (window.PARTNERSTWA_MAPS || []).concat([{{ this._parent.get_name() }}]);
document.dispatchEvent(new Event("partnerstwa:map"));
{% endmacro %}
""")


class MetricScale(MacroElement):
    """A scale bar in metres and kilometres only (folium's own also shows miles and feet)."""

    _template = Template("""
{% macro script(this, kwargs) %}
L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});
{% endmacro %}
""")


def _local_assets(fmap, static) -> None:
    # Instance attributes shadow folium's CDN lists: every asset is served by us.
    fmap.default_js = [("leaflet", static("vendor/leaflet/leaflet.js"))]
    fmap.default_css = [("leaflet_css", static("vendor/leaflet/leaflet.css"))]


def _basemap(fmap, basemap_url: str, name: str) -> None:
    """The optional basemap (PARTNERSTWA_BASEMAP_URL): an overlay the user switches off and on
    in a layer control; with no URL there is neither (the map works on a closed network)."""
    if not basemap_url:
        return
    folium.TileLayer(basemap_url, attr=basemap_url, name=name, overlay=True, control=True,
                     show=True).add_to(fmap)
    folium.LayerControl(position="topright", collapsed=False).add_to(fmap)


def base_map(static, *, basemap_url: str = "", location=POLAND_CENTRE, zoom: int = 6,
             editing: bool = False, basemap_name: str = "basemap") -> folium.Map:
    """A map of Poland; ``static(path)`` gives the URL of a file in our static folder."""
    fmap = folium.Map(location=location, zoom_start=zoom, tiles=None, control_scale=False,
                      min_zoom=5, max_zoom=16)
    _local_assets(fmap, static)
    _basemap(fmap, basemap_url, basemap_name)
    if editing:
        geoman = GeoMan(position="topright", drawMarker=False, drawCircle=False,
                        drawCircleMarker=False, drawText=False, drawRectangle=False,
                        drawPolyline=False, drawPolygon=False, cutPolygon=False,
                        rotateMode=False, editMode=False, dragMode=False, removalMode=False)
        geoman.default_js = [("leaflet_geoman_js", static("vendor/geoman/leaflet-geoman.js"))]
        geoman.default_css = [("leaflet_geoman_css",
                               static("vendor/geoman/leaflet-geoman.css"))]
        geoman.add_to(fmap)
    MetricScale().add_to(fmap)
    Expose().add_to(fmap)
    return fmap


def dual_map(static, *, basemap_url: str = "", location=POLAND_CENTRE, zoom: int = 7,
             basemap_name: str = "basemap") -> DualMap:
    """Two synchronised maps side by side (comparison view)."""
    dmap = DualMap(location=location, zoom_start=zoom, tiles=None)
    for fmap in (dmap.m1, dmap.m2):
        _local_assets(fmap, static)
        _basemap(fmap, basemap_url, basemap_name)
        MetricScale().add_to(fmap)
        Expose().add_to(fmap)
    _local_assets(dmap, static)
    dmap.default_js = dmap.default_js + [("Leaflet.Sync",
                                          static("vendor/leaflet-sync/L.Map.Sync.js"))]
    return dmap


def render_parts(fmap) -> dict[str, str]:
    """The map's header (assets), body (map div) and script, for embedding in a template."""
    root = fmap.get_root()
    root.render()
    return {"header": root.header.render(), "body": root.html.render(),
            "script": root.script.render()}
