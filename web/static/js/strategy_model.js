/* The model of the functional-spatial structure: the layers handed over by the page. */
(function () {
  "use strict";
  var P = window.P;
  var data = JSON.parse(document.getElementById("model-data").textContent);

  function label(text) { var span = document.createElement("span"); span.textContent = text; return span; }
  function popup(layer, text) { layer.bindPopup(label(text)); }

  P.whenMap(function (maps) {
    var map = maps[0], bounds = null;
    function add(layer) {
      layer.addTo(map);
      if (layer.getLayers().length) {
        bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds();
      }
      return layer;
    }
    add(L.geoJSON(data.gminas, {
      style: function () { return {color: "#9e9e9e", weight: 1, fillColor: "#f7f4ea", fillOpacity: 0.6}; },
      onEachFeature: function (f, layer) { popup(layer, f.properties.name + " (" + f.properties.teryt + ")"); }
    }));
    add(L.geoJSON(data.areas, {
      style: function (f) {
        return f.properties.intervention
          ? {color: "#e31a1c", weight: 2.5, dashArray: "6 4", fillColor: "#e31a1c", fillOpacity: 0.12}
          : {color: "#6a51a3", weight: 1.5, fillColor: "#6a51a3", fillOpacity: 0.15};
      },
      onEachFeature: function (f, layer) { popup(layer, f.properties.name); }
    }));
    // towns first: a project in a town is drawn over the town's dot, not hidden by it
    var biggest = Math.max.apply(null, data.towns.features.map(function (f) { return f.properties.population || 0; }).concat([1]));
    add(L.geoJSON(data.towns, {
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, {radius: 5 + 9 * Math.sqrt((f.properties.population || 0) / biggest), color: "#fff", weight: 1.5, fillColor: "#252525", fillOpacity: 0.9});
      },
      onEachFeature: function (f, layer) {
        popup(layer, f.properties.name);
        layer.bindTooltip(label(f.properties.name), {permanent: true, direction: "right", className: "town-label"});
      }
    }));
    add(L.geoJSON(data.projects, {
      style: function (f) { return {color: f.properties.colour, weight: 4, fillColor: f.properties.colour, fillOpacity: 0.7}; },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, {radius: 7, color: "#fff", weight: 1.5, fillColor: f.properties.colour, fillOpacity: 1});
      },
      onEachFeature: function (f, layer) { popup(layer, f.properties.title + (f.properties.theme ? " · " + f.properties.theme : "")); }
    }));
    if (bounds && bounds.isValid()) { map.fitBounds(bounds, {padding: [20, 20]}); }
    document.body.dataset.ready = "1";
  });
})();
