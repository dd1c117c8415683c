"""Folium maps whose assets come from our static folder and whose layers load by URL."""

from __future__ import annotations

import folium
from branca.element import MacroElement
from jinja2 import Template

POLAND_CENTRE = (52.1, 19.4)


class RemoteGeoJson(MacroElement):
    """A GeoJSON layer fetched from ``url`` in the browser, never inlined into the page.

    Tooltips are built from DOM text nodes, so names from the data cannot inject markup.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJson(null, {
    style: function () { return {{ this.style|tojson }}; },
    onEachFeature: function (feature, layer) {
        layer.bindTooltip(function () {
            var box = document.createElement('div');
            var name = document.createElement('strong');
            name.textContent = feature.properties.name;
            box.appendChild(name);
            box.appendChild(document.createElement('br'));
            box.appendChild(document.createTextNode(
                {{ this.code_label|tojson }} + ': ' + feature.properties.teryt));
            return box;
        }, {sticky: true});
        layer.on('add', function () {
            var element = layer.getElement && layer.getElement();
            if (element) { element.dataset.teryt = feature.properties.teryt; }
        });
        layer.on('mouseover', function () { layer.setStyle({{ this.highlight|tojson }}); });
        layer.on('mouseout', function () { {{ this.get_name() }}.resetStyle(layer); });
    }
}).addTo({{ this._parent.get_name() }});
(function () {
    var status = document.getElementById({{ this.status_id|tojson }});
    fetch({{ this.url|tojson }}, {headers: {'Accept': 'application/geo+json'}})
        .then(function (response) {
            if (!response.ok) { throw new Error(response.status + ' ' + response.statusText); }
            return response.json();
        })
        .then(function (data) {
            {{ this.get_name() }}.addData(data);
            var n = data.features.length;
            if (n) { {{ this._parent.get_name() }}.fitBounds({{ this.get_name() }}.getBounds(), {animate: false}); }
            status.textContent = n ? n.toLocaleString('pl-PL') : {{ this.empty_text|tojson }};
            document.body.dataset.unitsLoaded = String(n);
        })
        .catch(function (error) {
            status.textContent = {{ this.failed_text|tojson }} + ' (' + error.message + ')';
            status.classList.add('error');
            document.body.dataset.unitsLoaded = 'error';
        });
})();
{% endmacro %}
""")

    def __init__(self, url: str, *, status_id: str, code_label: str, empty_text: str,
                 failed_text: str):
        super().__init__()
        self._name = "RemoteGeoJson"
        self.url = url
        self.status_id = status_id
        self.code_label = code_label
        self.empty_text = empty_text
        self.failed_text = failed_text
        self.style = {"color": "#3d5a80", "weight": 0.6, "fillColor": "#98c1d9",
                      "fillOpacity": 0.35}
        self.highlight = {"weight": 2, "color": "#ee6c4d", "fillOpacity": 0.55}


def base_map(*, leaflet_js: str, leaflet_css: str, basemap_url: str = "",
             basemap_attribution: str = "") -> folium.Map:
    """A map of Poland with Leaflet from our own static files and no CDN links."""
    fmap = folium.Map(location=POLAND_CENTRE, zoom_start=6, tiles=None, control_scale=True,
                      prefer_canvas=False, min_zoom=5, max_zoom=14)
    # Instance attributes shadow folium's CDN lists; Leaflet is all this map needs.
    fmap.default_js = [("leaflet", leaflet_js)]
    fmap.default_css = [("leaflet_css", leaflet_css)]
    if basemap_url:
        folium.TileLayer(basemap_url, attr=basemap_attribution or basemap_url,
                         name="basemap").add_to(fmap)
    return fmap


def render_parts(fmap: folium.Map) -> dict[str, str]:
    """The map's header (assets), body (map div) and script, for embedding in a template."""
    root = fmap.get_root()
    root.render()
    return {"header": root.header.render(), "body": root.html.render(),
            "script": root.script.render()}
