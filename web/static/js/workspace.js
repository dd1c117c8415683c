/* The partnership workspace: diagnosis, functional areas (gminas or drawn), projects.

   This file holds the page's shared state (window.partnerstwa.workspace), the tabs, and the
   loading of what the map and the lists show: gminas, indicators, areas, projects, comments,
   the legend. The other parts build on it (the template's page_extra_scripts):
   workspace_forms.js checks forms with the server's limits; workspace_items.js makes the list
   items (history, statistics, deleting, the import); workspace_edit.js the area and project
   forms and their saving; workspace_drawing.js the map's drawing, reshaping and the point
   placed without the map; workspace_conflict.js the merge after a stale edit (409).

   Everything the map does has a way without it: gminas are ticked in a list (the map's clicks
   tick the same list), a point is placed by its coordinates or inside a gmina, and the map's
   features are not tab stops (common.js). */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el;
  var root = document.getElementById("workspace");
  var areaForm = document.getElementById("area-form"), projectForm = document.getElementById("project-form");
  var COLOURS = {member: "#98c1d9", selected: "#f28482", area: "#e07a5f", project: "#f2cc8f", outline: "#1b1b1b"};
  /* One object the workspace's files share: the map, its layers and what is being edited. */
  var W = {
    pid: root.dataset.partnership, voivodeship: root.dataset.voivodeship,
    areaForm: areaForm, projectForm: projectForm, COLOURS: COLOURS,
    map: null, gminaLayer: null, areaLayer: null, projectLayer: null, partnership: null, areas: [],
    selection: new Set(), mode: null, drawn: null, drawPurpose: null, reshaping: null, editing: null,
    names: {}, points: {},
    clearAreaDraft: P.keepDraft(areaForm, "partnerstwa:area:" + root.dataset.partnership),
    clearProjectDraft: P.keepDraft(projectForm, "partnerstwa:project:" + root.dataset.partnership),
    forms: function () { return window.PForms; },
    items: function () { return window.PWorkspaceItems; }
  };
  window.partnerstwa = window.partnerstwa || {};
  window.partnerstwa.workspace = W;
  var pid = W.pid, voivodeship = W.voivodeship;
  var ready = {};

  function signal(name) {
    ready[name] = true;
    if (ready.gminas && ready.areas && ready.projects && ready.indicators) { document.body.dataset.ready = "1"; }
  }

  /* Tabs (WAI-ARIA tabs: arrow keys move between them, one tab stop). */
  var tabs = Array.prototype.slice.call(document.querySelectorAll(".tabs [role=tab]"));
  tabs.forEach(function (button, i) {
    button.addEventListener("click", function () { showTab(button.dataset.tab); });
    button.addEventListener("keydown", function (event) {
      var step = {ArrowRight: 1, ArrowLeft: -1, Home: -i, End: tabs.length - 1 - i}[event.key];
      if (step === undefined) { return; }
      event.preventDefault();
      var next = tabs[(i + step + tabs.length) % tabs.length];
      showTab(next.dataset.tab);
      next.focus();
    });
  });
  function showTab(name) {
    tabs.forEach(function (b) {
      var on = b.dataset.tab === name;
      b.setAttribute("aria-selected", String(on));
      b.tabIndex = on ? 0 : -1;
    });
    document.querySelectorAll("[data-panel]").forEach(function (p) { p.hidden = p.dataset.panel !== name; });
  }

  /* Gminas of the voivodeship; members emphasised; clicking or ticking selects in 'gminas' mode. */
  function gminaStyle(feature) {
    var code = feature.properties.teryt, member = W.partnership.gminas.indexOf(code) >= 0;
    if (W.selection.has(code)) { return {color: "#b23a48", weight: 2.5, fillColor: COLOURS.selected, fillOpacity: 0.6}; }
    return {color: member ? "#293241" : "#999", weight: member ? 1.2 : 0.5, fillColor: member ? COLOURS.member : "#f4f4f4", fillOpacity: member ? 0.35 : 0.2};
  }

  function loadGminas() {
    var params = new URLSearchParams({zoom: 10});
    if (voivodeship) { params.set("voivodeship", voivodeship); }
    // A point inside each gmina for a project placed "in a gmina": PostGIS's point on surface,
    // not Leaflet's centroid, which lies in the town for a rural gmina around it.
    var inside = new URLSearchParams(voivodeship ? {voivodeship: voivodeship} : {});
    return Promise.all([fetch("/api/v1/layers/gmina?" + params).then(function (r) { return r.json(); }),
      P.api("/api/v1/units/gmina/points?" + inside)]).then(function (res) {
      var collection = res[0];
      res[1].features.forEach(function (f) { W.points[f.properties.teryt] = f.geometry.coordinates; });
      W.gminaLayer = L.geoJSON(collection, {
        style: gminaStyle,
        onEachFeature: function (feature, layer) {
          var code = feature.properties.teryt;
          W.names[code] = feature.properties.name;
          layer.bindTooltip(function () { return el("span", {text: W.names[code] || feature.properties.name}); }, {sticky: true});
          layer.on("click", function () { if (W.mode === "gminas") { toggle(code); } });
          layer.on("add", function () { var e = layer.getElement(); if (e) { e.dataset.teryt = code; } });
        }
      }).addTo(W.map);
      W.gminaLayer.bringToBack();
      buildGminaLists(collection.features);
      signal("gminas");
    });
  }

  /* The list alternative: the partnership's gminas first, then the rest of the voivodeship. */
  /* A town gmina and the rural gmina around it often share a name (Wysokie Mazowieckie
     2013011 and 2013102): a repeated name says its kind (TERYT's 7th digit). */
  var GMINA_KINDS = {"1": "urban gmina", "2": "rural gmina", "3": "urban-rural gmina"};
  function gminaLabels(gminas) {
    var seen = {}, labels = {};
    gminas.forEach(function (g) { seen[g.name] = (seen[g.name] || 0) + 1; });
    gminas.forEach(function (g) {
      var kind = GMINA_KINDS[g.teryt.charAt(6)];
      labels[g.teryt] = seen[g.name] > 1 && kind ? g.name + " (" + t(kind) + ", " + g.teryt + ")" : g.name + " (" + g.teryt + ")";
    });
    return labels;
  }

  function buildGminaLists(features) {
    var members = W.partnership.gminas;
    var sorted = features.map(function (f) { return f.properties; }).sort(function (a, b) {
      var ma = members.indexOf(a.teryt) >= 0, mb = members.indexOf(b.teryt) >= 0;
      return ma !== mb ? (ma ? -1 : 1) : a.name.localeCompare(b.name, document.documentElement.lang);
    });
    var labels = gminaLabels(sorted);
    sorted.forEach(function (g) { W.names[g.teryt] = labels[g.teryt]; });
    var options = document.getElementById("gmina-options"), pointGmina = document.getElementById("point-gmina");
    options.replaceChildren.apply(options, sorted.map(function (g) {
      var member = members.indexOf(g.teryt) >= 0;
      var box = el("input", {type: "checkbox", value: g.teryt, "data-teryt": g.teryt, onchange: function () { toggle(g.teryt, box.checked); }});
      return el("label", {"data-name": (g.name + " " + g.teryt).toLowerCase(), class: member ? "member" : ""},
        [box, " " + labels[g.teryt] + (member ? "" : " – " + t("outside the partnership"))]);
    }));
    pointGmina.replaceChildren.apply(pointGmina, sorted.filter(function (g) { return members.indexOf(g.teryt) >= 0; })
      .map(function (g) { return el("option", {value: g.teryt, text: labels[g.teryt]}); }));
  }
  document.getElementById("gmina-filter").addEventListener("input", function (event) {
    var q = event.target.value.trim().toLowerCase();
    document.querySelectorAll("#gmina-options label").forEach(function (label) {
      label.hidden = q !== "" && label.dataset.name.indexOf(q) < 0;
    });
  });

  function toggle(code, on) {
    var wanted = on === undefined ? !W.selection.has(code) : on;
    if (wanted) { W.selection.add(code); } else { W.selection.delete(code); }
    var box = document.querySelector("#gmina-options input[data-teryt='" + code + "']");
    if (box) { box.checked = wanted; }
    W.gminaLayer.setStyle(gminaStyle);
    var list = Array.from(W.selection).map(function (c) { return W.names[c] || c; });
    document.getElementById("area-selection").textContent = t("Selected gminas") + " (" + W.selection.size + "): " + list.join(", ");
    areaForm.dataset.selected = String(W.selection.size);
  }

  /* Diagnosis: the partnership against its voivodeship and Poland. */
  function loadIndicators() {
    if (!voivodeship) { signal("indicators"); return Promise.resolve(); }
    return Promise.all([P.api("/api/v1/comparison/" + voivodeship), P.api("/api/v1/indicators")]).then(function (res) {
      var comparison = res[0], catalogue = {};
      res[1].forEach(function (i) { catalogue[i.code] = i; });
      var pick = function (kind, code) { return comparison.units.filter(function (u) { return u.kind === kind && (!code || u.code === code); })[0]; };
      var ours = pick("partnership", pid), voiv = pick("voivodeship"), poland = pick("country");
      var cell = function (unit, code) { return el("td", {class: "num", text: unit.indicators[code] ? P.fmt(unit.indicators[code].value) : "–"}); };
      var rows = [el("tr", {}, [el("td"), el("th", {scope: "col", text: pid}), el("th", {scope: "col", text: voiv.name.toLowerCase()}), el("th", {scope: "col", text: t("Poland")})]),
        el("tr", {}, [el("th", {scope: "row", text: t("Population")}), el("td", {class: "num", text: P.fmt(ours.population, 0)}), el("td", {class: "num", text: P.fmt(voiv.population, 0)}), el("td", {class: "num", text: P.fmt(poland.population, 0)})])];
      comparison.indicators.forEach(function (code) {
        if (!ours.indicators[code]) { return; }
        var meta = catalogue[code] || {name_pl: code, name_en: code};
        var name = (document.documentElement.lang === "en" ? meta.name_en : meta.name_pl) + (meta.unit ? " [" + meta.unit + "]" : "") + " (" + ours.indicators[code].year + ")";
        rows.push(el("tr", {"data-indicator": code}, [el("th", {scope: "row", text: name}), cell(ours, code), cell(voiv, code), cell(poland, code)]));
      });
      if (ours.high_risk_share !== null && ours.high_risk_share !== undefined) {
        rows.push(el("tr", {}, [el("th", {scope: "row", text: t("Share of gminas in High-High clusters (LISA), %")}), el("td", {class: "num", text: P.fmt(100 * ours.high_risk_share, 0) + "%"}),
          el("td", {class: "num", text: P.fmt(100 * voiv.high_risk_share, 0) + "%"}), el("td", {class: "num", text: P.fmt(100 * poland.high_risk_share, 0) + "%"})]));
      }
      document.getElementById("indicator-table").replaceChildren(el("tbody", {}, rows));
      signal("indicators");
    });
  }

  /* Functional areas */
  function loadAreas() {
    return P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/areas").then(function (list) {
      W.areas = list;
      W.areaLayer.clearLayers();
      var ul = document.getElementById("area-list");
      ul.replaceChildren();
      list.forEach(function (area) {
        L.geoJSON(area.geometry, {pane: "areas", style: {color: COLOURS.area, weight: 2, fillOpacity: 0.15}}).bindTooltip(el("span", {text: area.name})).addTo(W.areaLayer);
        ul.appendChild(W.items().areaItem(area, kindLabel(area.kind), {edit: function (a) { W.editArea(a); }, reload: reloadAll}));
      });
      buildAreaLinks();
      document.body.dataset.areas = String(list.length);
      signal("areas");
      legend();
    });
  }
  function reloadAll() { return Promise.all([loadAreas(), loadProjects()]); }
  // The kinds come from the form's options, which the server renders from its one table.
  function optionLabel(selector, code) {
    var option = Array.prototype.find.call(document.querySelectorAll(selector + " option"), function (o) { return o.value === code; });
    return option ? option.textContent : code;
  }
  function kindLabel(kind) { return optionLabel("#area-form select[name=kind]", kind); }

  /* Projects */
  function loadProjects() {
    return P.api("/api/v1/projects?partnership=" + encodeURIComponent(pid) + "&limit=1000").then(function (page) {
      W.projectLayer.clearLayers();
      var list = document.getElementById("project-list");
      list.replaceChildren();
      page.items.forEach(function (p) {
        L.geoJSON(p.geometry, {style: {color: "#3d405b", weight: 3},
          pointToLayer: function (f, ll) { return L.circleMarker(ll, {radius: 6, color: "#3d405b", fillColor: COLOURS.project, fillOpacity: 1}); }
        }).bindTooltip(el("span", {text: p.title})).addTo(W.projectLayer);
        list.appendChild(W.items().projectItem(p, optionLabel("#project-form select[name=funding_source]", p.funding_source),
          t("Priority") + " " + optionLabel("#project-form select[name=priority]", String(p.priority)), {edit: function (item) { W.editProject(item); }, reload: loadProjects}));
      });
      document.getElementById("project-totals").textContent = P.plural("projects", page.total) + " · " + t("total cost") + ": " + W.items().money(page.total_cost_pln);
      document.body.dataset.projects = String(page.total);
      signal("projects");
      legend();
    });
  }

  /* Links to functional areas: a ticked list of the partnership's areas. */
  function buildAreaLinks(chosen) {
    var box = document.getElementById("project-area-options");
    var keep = chosen || Array.prototype.filter.call(box.querySelectorAll("input:checked"), function () { return true; }).map(function (i) { return Number(i.value); });
    box.replaceChildren.apply(box, W.areas.length ? W.areas.map(function (a) {
      return el("label", {}, [el("input", {type: "checkbox", name: "area_link", value: a.id, checked: keep.indexOf(a.id) >= 0 ? "" : null}), " " + a.name]);
    }) : [el("p", {class: "muted", text: t("No functional areas yet")})]);
  }

  /* Comments */
  function loadComments() {
    return P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/comments").then(function (list) {
      var ul = document.getElementById("comment-list");
      ul.replaceChildren.apply(ul, list.map(function (c) {
        return el("li", {}, [el("span", {class: "muted", text: c.author + " · " + c.created_at.slice(0, 10) + ": "}), c.body]);
      }));
      ul.dataset.loaded = "1";
    });
  }
  var commentForm = document.getElementById("comment-form");
  if (commentForm) {
    var clearCommentDraft = P.keepDraft(commentForm, "partnerstwa:comment:" + pid);
    commentForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!W.forms().check(commentForm)) { return; }
      P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/comments", {method: "POST", json: {body: commentForm.elements.body.value.trim()}})
        .then(function () { clearCommentDraft(); commentForm.reset(); P.message(t("Saved"), "ok"); return loadComments(); })
        .catch(function (error) { W.failed(error, commentForm); });
    });
  }

  // Leaflet's fitBounds on a map narrower than its padding (or not laid out) computes a NaN
  // zoom and throws "Invalid LatLng object: (NaN, NaN)": keep the padding inside the map.
  function fit(bounds) {
    var map = W.map, size = map.getSize(), pad = Math.min(20, Math.floor(Math.min(size.x, size.y) / 4));
    if (!(size.x > 0 && size.y > 0 && bounds.isValid())) { return; }
    // A point has no extent: without a tile layer's maxZoom, fitting it gives a NaN zoom too.
    if (bounds.getNorthEast().equals(bounds.getSouthWest())) { map.setView(bounds.getCenter(), Math.max(map.getZoom(), 13)); return; }
    map.fitBounds(bounds, {padding: [pad, pad]});
  }

  function legend() {
    var box = document.getElementById("workspace-legend");
    if (!window.PLegend || !box || !W.partnership) { return; }
    PLegend.render(box, PLegend.categories(t("Legend"), [
      {key: "outline", fill: COLOURS.outline, shape: "outline", label: t("Partnership boundary")},
      {key: "member", fill: COLOURS.member, label: t("Gmina of the partnership"), count: W.partnership.gminas.length},
      {key: "area", fill: COLOURS.area, label: t("Functional area"), count: W.areas.length},
      {key: "project", fill: COLOURS.project, shape: "point", label: t("Project"), count: Number(document.body.dataset.projects || 0)},
      {key: "selected", fill: COLOURS.selected, label: t("Selected gmina")}]));
  }

  Object.assign(W, {showTab: showTab, toggle: toggle, loadAreas: loadAreas, loadProjects: loadProjects,
    optionLabel: optionLabel, kindLabel: kindLabel, buildAreaLinks: buildAreaLinks, fit: fit});

  /* Started once every file of the workspace has run (they are parser scripts, all before
     DOMContentLoaded), so the handlers they add to W are there when the map calls them. */
  function start() {
    P.whenMap(function (maps) {
      var map = W.map = maps[0];
      map.invalidateSize();  // the grid sized the container after Leaflet measured it
      map.createPane("areas").style.zIndex = 410;
      W.areaLayer = L.featureGroup().addTo(map);
      W.projectLayer = L.featureGroup().addTo(map);
      map.on("pm:create", function (event) { W.drawnOnMap(event.layer); });
      P.api("/api/v1/partnerships/" + encodeURIComponent(pid)).then(function (data) {
        W.partnership = data;
        var outline = L.geoJSON(data.geometry, {style: {color: COLOURS.outline, weight: 3, fill: false}, interactive: false}).addTo(map);
        fit(outline.getBounds());
        return Promise.all([loadGminas(), loadAreas(), loadProjects(), loadIndicators(), W.loadRun(), loadComments()]);
      }).catch(function (error) { P.message(t("Could not load the map data"), "error", P.reason(error)); });
      if (areaForm.dataset.restored === "1" || projectForm.dataset.restored === "1") {
        P.message(t("Restored a draft you had not saved"), "info");
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  document.addEventListener("partnerstwa:projects-import", function () { loadProjects(); });
})();
