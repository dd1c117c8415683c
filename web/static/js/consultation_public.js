/* The public consultation page: mark places (map click, or the cross at the map's centre by
   keyboard), describe them, answer the questions, send. Comments and texts are inserted as
   text, never as markup. No library beyond Leaflet (and Geoman for lines and areas). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("consultation-config").textContent);
  var texts = JSON.parse(document.getElementById("texts").textContent || "{}");
  function t(key) { return Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : key; }

  var form = document.getElementById("answer-form");
  if (!form || config.state !== "open") { return; }
  var list = document.getElementById("places");
  var empty = document.getElementById("places-empty");
  var status = document.getElementById("form-status");
  var template = document.getElementById("place-template");
  var places = [];
  var colours = {problem: "#b2182b", idea: "#2166ac", valued_place: "#1b7837"};

  var map = L.map("consultation-map", {keyboard: true, zoomControl: true});
  if (config.basemap) { L.tileLayer(config.basemap, {maxZoom: 18, attribution: ""}).addTo(map); }
  if (config.gminas && config.gminas.length) {
    L.geoJSON({type: "FeatureCollection", features: config.gminas.map(function (g) {
      return {type: "Feature", geometry: g.geometry, properties: {}};
    })}, {interactive: false, style: {color: "#777", weight: 1, fill: false}}).addTo(map);
  }
  var outline = config.outline ? L.geoJSON(config.outline, {interactive: false,
    style: {color: "#1b4965", weight: 3, fillOpacity: 0.04}}).addTo(map) : null;
  /* The whole partnership: at the start, and again once an answer has been sent. */
  function showPartnership() {
    if (outline) { map.fitBounds(outline.getBounds()); } else { map.setView([52.1, 19.4], 6); }
  }
  // the view the map settled on (zoom and centre), for whoever checks where it is
  map.on("moveend", function () {
    var c = map.getCenter();
    document.body.dataset.mapView = map.getZoom() + "/" + c.lat.toFixed(4) + "/" + c.lng.toFixed(4);
  });
  showPartnership();
  L.control.scale({metric: true, imperial: false}).addTo(map);
  var box = map.getContainer();
  box.setAttribute("role", "application");
  box.setAttribute("aria-label", t("Map of the consultation: arrow keys move it, + and − zoom; the cross marks its centre"));

  function say(text, kind) {
    status.textContent = text;
    status.className = "form-status " + (kind || "info");
  }

  function styleFor(place) {
    var colour = colours[place.category()] || "#444";
    return {color: colour, fillColor: colour, weight: 3, fillOpacity: 0.35, radius: 9};
  }

  function renumber() {
    places.forEach(function (place, i) {
      place.legend.textContent = t("Place") + " " + (i + 1) + " (" + t(place.kind) + ")";
      if (place.layer.setTooltipContent) { place.layer.setTooltipContent(String(i + 1)); }
    });
    empty.hidden = places.length > 0;
  }

  function addPlace(kind, geometry, layer) {
    if (places.length >= config.limits.places) {
      say(t("You have marked as many places as one answer can hold"), "error");
      if (layer) { map.removeLayer(layer); }
      return;
    }
    var item = template.content.firstElementChild.cloneNode(true);
    var select = item.querySelector("select[name=category]");
    var place = {kind: kind, geometry: geometry, item: item,
                 legend: item.querySelector("legend"),
                 category: function () { return select.value; },
                 comment: item.querySelector("textarea[name=comment]")};
    var n = places.length + 1;
    select.id = "place-category-" + n + "-" + Date.now();
    place.comment.id = "place-comment-" + n + "-" + Date.now();
    if (kind === "point") {
      var ll = [geometry.coordinates[1], geometry.coordinates[0]];
      layer = L.circleMarker(ll, styleFor(place));
    }
    place.layer = layer;
    layer.addTo(map);
    if (layer.setStyle) { layer.setStyle(styleFor(place)); }
    layer.bindTooltip(String(n), {permanent: true, direction: "center", className: "place-number"});
    select.addEventListener("change", function () { if (layer.setStyle) { layer.setStyle(styleFor(place)); } });
    item.querySelector(".remove-place").addEventListener("click", function () {
      map.removeLayer(layer);
      places.splice(places.indexOf(place), 1);
      item.remove();
      renumber();
      say(t("Place removed"));
      document.getElementById("add-at-cross").focus();
    });
    places.push(place);
    list.appendChild(item);
    renumber();
    say(t("Place added") + ": " + t("Place") + " " + places.length);
    select.focus();
  }

  function pointAt(latlng) {
    var lon = Math.round(latlng.lng * 1e6) / 1e6, lat = Math.round(latlng.lat * 1e6) / 1e6;
    addPlace("point", {type: "Point", coordinates: [lon, lat]});
  }

  map.on("click", function (e) {
    if (map.pm && map.pm.globalDrawModeEnabled && map.pm.globalDrawModeEnabled()) { return; }
    pointAt(e.latlng);
  });
  document.getElementById("add-at-cross").addEventListener("click", function () {
    pointAt(map.getCenter());
  });
  document.getElementById("gmina-jump").addEventListener("change", function (e) {
    var gmina = config.gminas[Number(e.target.value)];
    if (e.target.value === "" || !gmina) { return; }
    map.setView([gmina.lat, gmina.lon], 12);
    say(t("The cross is now over") + " " + (gmina.label || gmina.name));
  });

  /* Lines and areas, where the consultation allows them (Geoman). */
  function drawButton(id, shape, kind) {
    var button = document.getElementById(id);
    if (!button || !map.pm) { return; }
    button.addEventListener("click", function () {
      map.pm.enableDraw(shape, {snappable: false});
      say(shape === "Line" ? t("Click the points of the line; click the last one again to finish")
        : t("Click the corners of the area; click the first one again to close it"));
    });
    map.on("pm:create", function (e) {
      if (e.shape !== shape) { return; }
      var geometry = e.layer.toGeoJSON().geometry;
      addPlace(kind, geometry, e.layer);
    });
  }
  drawButton("draw-line", "Line", "line");
  drawButton("draw-area", "Polygon", "area");

  function answers() {
    var out = {};
    form.querySelectorAll(".consultation-question").forEach(function (fs) {
      var code = fs.dataset.code, kind = fs.dataset.kind;
      if (kind === "text") {
        var v = fs.querySelector("textarea").value.trim();
        if (v) { out[code] = v; }
      } else if (kind === "single") {
        var chosen = fs.querySelector("input:checked");
        if (chosen) { out[code] = chosen.value; }
      } else {
        var all = Array.prototype.map.call(fs.querySelectorAll("input:checked"), function (i) { return i.value; });
        if (all.length) { out[code] = all; }
      }
    });
    return out;
  }

  function fieldOf(path) {
    var m = /^places\.(\d+)\.(category|comment|geometry)/.exec(path || "");
    if (m && places[Number(m[1])]) {
      var place = places[Number(m[1])];
      return m[2] === "comment" ? place.comment : place.item.querySelector("select");
    }
    m = /^answers\.(q\d)/.exec(path || "");
    if (m) { return form.querySelector("[name=" + m[1] + "]"); }
    return null;
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    form.querySelectorAll("[aria-invalid]").forEach(function (n) { n.removeAttribute("aria-invalid"); });
    if (!places.length) {
      say(t("Mark at least one place on the map"), "error");
      document.getElementById("add-at-cross").focus();
      return;
    }
    var body = {places: places.map(function (p) {
      return {category: p.category(), comment: p.comment.value, geometry: p.geometry};
    }), answers: answers()};
    var trap = form.elements.website;
    if (trap && trap.value) { body.website = trap.value; }
    var button = document.getElementById("send");
    button.disabled = true;
    say(t("Sending…"));
    fetch(config.submit_url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(body)}).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        button.disabled = false;
        if (response.ok) {
          places.forEach(function (p) { map.removeLayer(p.layer); });
          places = [];
          list.replaceChildren();
          form.reset();
          renumber();
          map.closePopup();
          if (map.pm && map.pm.disableDraw) { map.pm.disableDraw(); }
          document.getElementById("gmina-jump").value = "";
          showPartnership();
          say(t("Thank you! Your answer has been sent."), "success");
          document.body.dataset.sent = String(answer.id || "");
          status.setAttribute("tabindex", "-1");
          status.focus();
          return;
        }
        say(t("Could not send") + ": " + (answer.detail || response.statusText), "error");
        var field = fieldOf(answer.field || (answer.details || {}).field);
        if (field) { field.setAttribute("aria-invalid", "true"); field.focus(); }
      });
    }, function () {
      button.disabled = false;
      say(t("The connection was lost; what you entered is kept on this computer"), "error");
    });
  });
  document.body.dataset.ready = "1";
})();
