/* The workspace's map tools: drawing a new area or project (Geoman), reshaping a saved one,
   and the way without the map: a point placed by typed coordinates or inside a gmina (the
   server's point on surface, loaded with the gminas by workspace.js). Builds on workspace.js;
   the forms the drawings open are workspace_edit.js's. */
(function () {
  "use strict";
  var P = window.P, t = P.t;
  var W = window.partnerstwa.workspace;
  var areaForm = W.areaForm, projectForm = W.projectForm;

  /* Changing a saved outline (area or project): Geoman's vertex editing on a copy of it. */
  function stopReshaping() {
    if (!W.reshaping) { return; }
    W.reshaping.pm.disable();
    W.map.removeLayer(W.reshaping);
    W.reshaping = null;
    delete areaForm.dataset.reshaping;
    delete projectForm.dataset.reshaping;
  }
  function startReshaping(geometry, form, hint) {
    if (W.reshaping) { return; }
    var shape = W.reshaping = L.geoJSON(geometry, {style: {color: "#b23a48", weight: 2, dashArray: "6 4", fillOpacity: 0.1},
      pointToLayer: function (f, ll) { return L.marker(ll); }}).getLayers()[0];
    shape.addTo(W.map);
    if (shape.getLatLng) { shape.pm.enable(); shape.dragging && shape.dragging.enable(); } else { shape.pm.enable({allowSelfIntersection: false, snappable: false}); }
    W.fit(shape.getBounds ? shape.getBounds() : L.latLngBounds([shape.getLatLng()]));
    form.dataset.reshaping = "1";
    // In the form, not in the floating message, which could lie over the corner to drag.
    form.querySelector(".hint").textContent = hint;
  }
  document.getElementById("area-reshape").addEventListener("click", function () {
    if (W.editing) { startReshaping(W.editing.geometry, areaForm, t("Drag the corners of the outline, then save; the area becomes a drawn one")); }
  });
  document.getElementById("project-reshape").addEventListener("click", function () {
    var p = projectForm._editing;
    if (p) { startReshaping(p.geometry, projectForm, t("Drag the points of the geometry, then save")); }
  });

  /* Drawing a new area or project; the map's pm:create hands the drawn layer here. */
  document.getElementById("area-by-drawing").addEventListener("click", function () {
    areaForm.elements.id.value = ""; areaForm.elements.version.value = "";
    W.drawPurpose = "area";
    P.message(t("Draw the outline on the map, click the first point to close it"), "info");
    W.map.pm.enableDraw("Polygon", {allowSelfIntersection: false, snappable: false, finishOn: null});
  });
  document.querySelectorAll("[data-draw]").forEach(function (button) {
    button.addEventListener("click", function () {
      W.drawPurpose = "project";
      projectForm.elements.id.value = ""; projectForm.elements.version.value = "";
      projectForm._editing = null;
      document.getElementById("project-reshape").hidden = true;
      P.message(t("Click on the map to place the project"), "info");
      W.map.pm.enableDraw(button.dataset.draw, {allowSelfIntersection: false, snappable: false});
    });
  });
  function drawnOnMap(layer) {
    if (W.drawn) { W.map.removeLayer(W.drawn); }
    W.drawn = layer;
    W.map.pm.disableDraw();
    if (W.drawPurpose === "area") {
      W.openAreaForm("drawn", "");
    } else {
      projectForm._editing = null;
      document.getElementById("project-hint").textContent = "";
      W.openProjectForm();
    }
  }

  /* A point without the map: typed coordinates (WGS 84 or EPSG:2180) or inside a gmina. */
  var pointSystem = document.getElementById("point-system");
  pointSystem.addEventListener("change", function () {
    var system = pointSystem.value;
    document.querySelector("[data-system=gmina]").hidden = system !== "gmina";
    document.querySelector("[data-system=coordinates]").hidden = system === "gmina";
    document.querySelector("[data-coordinate=a]").textContent = system === "EPSG:2180" ? "x" : t("Latitude");
    document.querySelector("[data-coordinate=b]").textContent = system === "EPSG:2180" ? "y" : t("Longitude");
  });
  document.getElementById("point-place").addEventListener("click", function () {
    var error = document.getElementById("point-error"), system = pointSystem.value, point = null, crs = null;
    var number = function (id) { var v = document.getElementById(id).value.trim().replace(",", "."); return v === "" ? NaN : Number(v); };
    if (system === "gmina") {
      var inside = W.points[document.getElementById("point-gmina").value];
      if (inside) { point = inside.slice(); }
    } else {
      var a = number("point-a"), b = number("point-b");
      var ok = system === "EPSG:4326" ? (a >= 49 && a <= 55 && b >= 14 && b <= 24.2) : (a >= 140000 && a <= 900000 && b >= 100000 && b <= 800000);
      if (ok) { point = system === "EPSG:4326" ? [b, a] : [a, b]; crs = system === "EPSG:2180" ? system : null; }
      else {
        error.textContent = system === "EPSG:4326" ? t("Latitude 49–55 and longitude 14–24.2 (Poland), e.g. 53.13 and 23.16")
          : t("x 140 000–900 000 and y 100 000–800 000 metres (Poland in EPSG:2180)");
      }
    }
    ["point-a", "point-b"].forEach(function (id) { document.getElementById(id).setAttribute("aria-invalid", String(!point && system !== "gmina")); });
    error.hidden = !!point;
    if (!point) { document.getElementById(system === "gmina" ? "point-gmina" : "point-a").focus(); return; }
    if (W.drawn) { W.map.removeLayer(W.drawn); }
    var shown = crs ? null : L.latLng(point[1], point[0]);
    var drawn = W.drawn = L.circleMarker(shown || W.map.getCenter(), {radius: 7, color: "#b23a48", fillOpacity: 0.8});
    drawn.feature = {type: "Feature", geometry: {type: "Point", coordinates: point}};
    drawn.crs = crs;
    drawn.toGeoJSON = function () { return {type: "Feature", geometry: {type: "Point", coordinates: point}}; };
    if (shown) { drawn.addTo(W.map); }
    W.drawPurpose = "project";
    projectForm.elements.id.value = ""; projectForm.elements.version.value = "";
    projectForm._editing = null;
    document.getElementById("project-reshape").hidden = true;
    W.openProjectForm();
  });

  Object.assign(W, {startReshaping: startReshaping, stopReshaping: stopReshaping, drawnOnMap: drawnOnMap});
})();
