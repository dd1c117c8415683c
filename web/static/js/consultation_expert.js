/* The experts' consultation pages: open a consultation; see the places per category on a
   map, the hot spots, and moderate (hide with a reason, show again). Texts from the API are
   inserted as text (P.el), never as markup. */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el;

  /* -- the list page: opening a consultation ------------------------------------------- */
  var form = document.getElementById("new-consultation");
  if (form) {
    var pid = document.querySelector("[data-partnership]").dataset.partnership;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var f = form.elements, status = document.getElementById("form-status");
      var body = {title: f.title.value, introduction: f.introduction.value,
                  controller: f.controller.value, purpose: f.purpose.value,
                  allow_lines: f.allow_lines.checked, allow_areas: f.allow_areas.checked,
                  categories: Array.prototype.filter.call(form.querySelectorAll("input[name=categories]"),
                    function (c) { return c.checked; }).map(function (c) { return c.value; }),
                  questions: []};
      if (f.slug.value) { body.slug = f.slug.value; }
      if (f.opens_at.value) { body.opens_at = f.opens_at.value; }
      if (f.closes_at.value) { body.closes_at = f.closes_at.value; }
      form.querySelectorAll(".question-input").forEach(function (fs) {
        var n = fs.dataset.n, text = f["q" + n + "_text"].value.trim();
        if (!text) { return; }
        var kind = f["q" + n + "_kind"].value;
        var q = {text: text, kind: kind};
        if (kind !== "text") {
          q.options = f["q" + n + "_options"].value.split("\n").map(function (s) { return s.trim(); })
            .filter(function (s) { return s; });
        }
        body.questions.push(q);
      });
      status.textContent = t("Saving…");
      P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/consultations",
            {method: "POST", json: body}).then(function (opened) {
        window.location.href = "/partnerships/" + encodeURIComponent(pid) + "/consultations/" + opened.id;
      }, function (error) {
        status.textContent = t("Could not save") + ": " + P.reason(error);
        status.className = "form-status error";
        var field = error.body && (error.body.field || "").split(".")[0];
        if (field && f[field] && f[field].focus) { f[field].setAttribute("aria-invalid", "true"); f[field].focus(); }
      });
    });
    return;
  }

  /* -- the detail page ------------------------------------------------------------------ */
  var holder = document.getElementById("consultation-config");
  if (!holder) { return; }
  var config = JSON.parse(holder.textContent);
  var labels = {}, colours = {};
  config.categories.forEach(function (c) { labels[c.code] = c.label; colours[c.code] = c.colour; });

  var map = L.map("results-map", {keyboard: true});
  if (config.basemap) { L.tileLayer(config.basemap, {maxZoom: 18, attribution: ""}).addTo(map); }
  map.setView([52.1, 19.4], 6);
  var layers = {}, control = L.control.layers(null, {}, {collapsed: false}).addTo(map);
  config.categories.forEach(function (c) {
    layers[c.code] = L.featureGroup().addTo(map);
    control.addOverlay(layers[c.code], c.label);
  });
  var hexLayer = L.featureGroup();
  control.addOverlay(hexLayer, t("Hot spots"));

  function style(feature) {
    var colour = colours[feature.properties.category] || "#444";
    return {color: colour, fillColor: colour, weight: 2, fillOpacity: 0.4, radius: 7,
            dashArray: feature.properties.hidden ? "3 4" : null};
  }

  function draw(collection) {
    Object.keys(layers).forEach(function (k) { layers[k].clearLayers(); });
    collection.features.forEach(function (feature) {
      if (feature.properties.hidden) { return; }
      var layer = L.geoJSON(feature, {style: style, interactive: false,
        pointToLayer: function (f, ll) { return L.circleMarker(ll, style(f)); }});
      (layers[feature.properties.category] || layers[Object.keys(layers)[0]]).addLayer(layer);
    });
    var all = L.featureGroup(Object.keys(layers).map(function (k) { return layers[k]; }));
    if (all.getLayers().some(function (g) { return g.getLayers().length; })) {
      map.fitBounds(all.getBounds(), {maxZoom: 13, padding: [20, 20]});
    }
  }

  /* "YYYY-MM-DD HH:MM" in Polish time (the column says so), whatever the browser's zone. */
  var polishClock = new Intl.DateTimeFormat("en-GB", {timeZone: "Europe/Warsaw",
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    hourCycle: "h23"});
  function polishTime(iso) {
    var moment = iso ? new Date(iso) : null;
    if (!moment || isNaN(moment.getTime())) { return iso || ""; }
    var part = {};
    polishClock.formatToParts(moment).forEach(function (p) { part[p.type] = p.value; });
    return part.year + "-" + part.month + "-" + part.day + " " + part.hour + ":" + part.minute;
  }

  function moderationRow(feature) {
    var p = feature.properties;
    var row = el("tr", {class: p.hidden ? "hidden-place" : "", "data-place": p.id}, [
      el("td", {text: String(p.id)}), el("td", {text: labels[p.category] || p.category}),
      el("td", {text: p.comment || "–"}), el("td", {text: polishTime(p.created_at)}),
      el("td", {text: p.hidden ? t("hidden") + ": " + (p.hidden_reason || "") : t("visible")})]);
    if (config.can_write) {
      var cell = el("td");
      if (p.hidden) {
        cell.appendChild(el("button", {type: "button", text: t("Show again"), onclick: function () {
          moderate(p.id, {hidden: false});
        }}));
      } else {
        var id = "reason-" + p.id;
        var input = el("input", {id: id, name: "reason", maxlength: "500"});
        cell.appendChild(el("label", {for: id, text: t("Reason for hiding")}));
        cell.appendChild(input);
        cell.appendChild(el("button", {type: "button", class: "danger", text: t("Hide"), onclick: function () {
          if (!input.value.trim()) { P.message(t("Give a reason for hiding the place"), "error"); input.focus(); return; }
          moderate(p.id, {hidden: true, reason: input.value});
        }}));
      }
      row.appendChild(cell);
    }
    return row;
  }

  function moderate(placeId, body) {
    P.api(config.moderation_url + placeId + "/moderation", {method: "POST", json: body}).then(function () {
      P.message(t("Saved"), "success");
      load();
    }, function (error) { P.message(t("Could not save"), "error", P.reason(error)); });
  }

  function summarise(summary) {
    var box = document.getElementById("summary");
    var items = config.categories.map(function (c) {
      return el("li", {text: c.label + ": " + P.fmt(summary.per_category[c.code] || 0, 0)});
    });
    items.push(el("li", {text: t("hidden") + ": " + P.fmt(summary.hidden, 0)}));
    items.push(el("li", {text: t("Answers") + ": " + P.fmt(summary.submissions, 0)}));
    box.replaceChildren(el("ul", {id: "per-category"}, items));
    var body = document.querySelector("#hot-spots tbody");
    body.replaceChildren.apply(body, summary.hot_spots.map(function (h) {
      return el("tr", {}, [el("td", {text: h.hex_id}), el("td", {text: P.fmt(h.count, 0)}),
                           el("td", {text: P.fmt(h.z, 2)}), el("td", {text: P.fmt(h.p_sim, 3)})]);
    }));
    hexLayer.clearLayers();
    if (summary.hexagons) {
      hexLayer.addLayer(L.geoJSON(summary.hexagons, {interactive: false, style: function (f) {
        var hot = f.properties.spot === "hot";
        return {color: hot ? "#d7191c" : "#999", weight: hot ? 2 : 1, fillOpacity: hot ? 0.3 : 0.05};
      }}));
    }
  }

  function load() {
    P.api(config.places_url).then(function (collection) {
      draw(collection);
      var body = document.querySelector("#moderation tbody");
      body.replaceChildren.apply(body, collection.features.map(moderationRow));
      return P.api(config.summary_url);
    }).then(function (summary) {
      summarise(summary);
      document.body.dataset.ready = "1";
    }, function (error) { P.message(t("Could not load the map data"), "error", P.reason(error)); });
  }

  var edit = document.getElementById("edit-consultation");
  if (edit) {
    edit.addEventListener("submit", function (e) {
      e.preventDefault();
      var f = edit.elements, status = document.getElementById("edit-status");
      var body = {title: f.title.value, introduction: f.introduction.value,
                  controller: f.controller.value, purpose: f.purpose.value};
      /* A date is the last day: the server closes at its end, 24:00 Polish time. Sent only
         when changed, so an edit of the title keeps a closing hour set through the API. */
      if (f.closes_at.value && f.closes_at.value !== f.closes_at.defaultValue) { body.closes_at = f.closes_at.value; }
      status.textContent = t("Saving…");
      P.api(edit.dataset.url, {method: "PATCH", json: body}).then(function () {
        window.location.reload();
      }, function (error) {
        status.textContent = t("Could not save") + ": " + P.reason(error);
        status.className = "form-status error";
        var field = error.body && (error.body.field || "").split(".")[0];
        if (field && f[field] && f[field].focus) { f[field].setAttribute("aria-invalid", "true"); f[field].focus(); }
      });
    });
  }

  var closeButton = document.getElementById("close-consultation");
  if (closeButton) {
    closeButton.addEventListener("click", function () {
      P.api(closeButton.dataset.url, {method: "PATCH", json: {status: "closed"}}).then(function () {
        window.location.reload();
      }, function (error) { P.message(t("Could not save"), "error", P.reason(error)); });
    });
  }
  load();
})();
