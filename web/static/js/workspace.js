/* The partnership workspace: diagnosis, functional areas (gminas or drawn), projects.

   Everything the map does has a way without it: gminas are ticked in a list (the map's clicks
   tick the same list), a point is placed by its coordinates or at a gmina's centre, and the
   map's features are not tab stops (common.js). Forms are checked by workspace_forms.js (the
   server's limits); history, statistics, deleting and the import live in workspace_items.js. */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el;
  var root = document.getElementById("workspace");
  var pid = root.dataset.partnership, voivodeship = root.dataset.voivodeship;
  var map, gminaLayer, areaLayer, projectLayer, partnership, areas = [];
  var selection = new Set(), mode = null, drawn = null, drawPurpose = null, reshaping = null, editing = null;
  var areaForm = document.getElementById("area-form"), projectForm = document.getElementById("project-form");
  var clearAreaDraft = P.keepDraft(areaForm, "partnerstwa:area:" + pid);
  var clearProjectDraft = P.keepDraft(projectForm, "partnerstwa:project:" + pid);
  var ready = {};
  var COLOURS = {member: "#98c1d9", selected: "#f28482", area: "#e07a5f", project: "#f2cc8f", outline: "#1b1b1b"};

  function signal(name) {
    ready[name] = true;
    if (ready.gminas && ready.areas && ready.projects && ready.indicators) { document.body.dataset.ready = "1"; }
  }
  function forms() { return window.PForms; }
  function items() { return window.PWorkspaceItems; }

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
    var code = feature.properties.teryt, member = partnership.gminas.indexOf(code) >= 0;
    if (selection.has(code)) { return {color: "#b23a48", weight: 2.5, fillColor: COLOURS.selected, fillOpacity: 0.6}; }
    return {color: member ? "#293241" : "#999", weight: member ? 1.2 : 0.5, fillColor: member ? COLOURS.member : "#f4f4f4", fillOpacity: member ? 0.35 : 0.2};
  }

  var names = {}, centres = {};
  function loadGminas() {
    var params = new URLSearchParams({zoom: 10});
    if (voivodeship) { params.set("voivodeship", voivodeship); }
    return fetch("/api/v1/layers/gmina?" + params).then(function (r) { return r.json(); }).then(function (collection) {
      gminaLayer = L.geoJSON(collection, {
        style: gminaStyle,
        onEachFeature: function (feature, layer) {
          var code = feature.properties.teryt;
          names[code] = feature.properties.name;
          centres[code] = layer;  // its centre is asked for once it is on the map
          layer.bindTooltip(function () { return el("span", {text: feature.properties.name + " (" + code + ")"}); }, {sticky: true});
          layer.on("click", function () { if (mode === "gminas") { toggle(code); } });
          layer.on("add", function () { var e = layer.getElement(); if (e) { e.dataset.teryt = code; } });
        }
      }).addTo(map);
      gminaLayer.bringToBack();
      buildGminaLists(collection.features);
      signal("gminas");
    });
  }

  /* The list alternative: the partnership's gminas first, then the rest of the voivodeship. */
  function buildGminaLists(features) {
    var sorted = features.map(function (f) { return f.properties; }).sort(function (a, b) {
      var ma = partnership.gminas.indexOf(a.teryt) >= 0, mb = partnership.gminas.indexOf(b.teryt) >= 0;
      return ma !== mb ? (ma ? -1 : 1) : a.name.localeCompare(b.name, document.documentElement.lang);
    });
    var options = document.getElementById("gmina-options"), pointGmina = document.getElementById("point-gmina");
    options.replaceChildren.apply(options, sorted.map(function (g) {
      var member = partnership.gminas.indexOf(g.teryt) >= 0;
      var box = el("input", {type: "checkbox", value: g.teryt, "data-teryt": g.teryt, onchange: function () { toggle(g.teryt, box.checked); }});
      return el("label", {"data-name": (g.name + " " + g.teryt).toLowerCase(), class: member ? "member" : ""},
        [box, " " + g.name + " (" + g.teryt + ")" + (member ? "" : " – " + t("outside the partnership"))]);
    }));
    pointGmina.replaceChildren.apply(pointGmina, sorted.filter(function (g) { return partnership.gminas.indexOf(g.teryt) >= 0; })
      .map(function (g) { return el("option", {value: g.teryt, text: g.name + " (" + g.teryt + ")"}); }));
  }
  document.getElementById("gmina-filter").addEventListener("input", function (event) {
    var q = event.target.value.trim().toLowerCase();
    document.querySelectorAll("#gmina-options label").forEach(function (label) {
      label.hidden = q !== "" && label.dataset.name.indexOf(q) < 0;
    });
  });

  function toggle(code, on) {
    var wanted = on === undefined ? !selection.has(code) : on;
    if (wanted) { selection.add(code); } else { selection.delete(code); }
    var box = document.querySelector("#gmina-options input[data-teryt='" + code + "']");
    if (box) { box.checked = wanted; }
    gminaLayer.setStyle(gminaStyle);
    var list = Array.from(selection).map(function (c) { return names[c] || c; });
    document.getElementById("area-selection").textContent = t("Selected gminas") + " (" + selection.size + "): " + list.join(", ");
    areaForm.dataset.selected = String(selection.size);
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
        rows.push(el("tr", {}, [el("th", {scope: "row", text: t("High-High (hot spot)")}), el("td", {class: "num", text: P.fmt(100 * ours.high_risk_share, 0) + "%"}),
          el("td", {class: "num", text: P.fmt(100 * voiv.high_risk_share, 0) + "%"}), el("td", {class: "num", text: P.fmt(100 * poland.high_risk_share, 0) + "%"})]));
      }
      document.getElementById("indicator-table").replaceChildren(el("tbody", {}, rows));
      signal("indicators");
    });
  }

  /* Functional areas */
  function loadAreas() {
    return P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/areas").then(function (list) {
      areas = list;
      areaLayer.clearLayers();
      var ul = document.getElementById("area-list");
      ul.replaceChildren();
      list.forEach(function (area) {
        L.geoJSON(area.geometry, {pane: "areas", style: {color: COLOURS.area, weight: 2, fillOpacity: 0.15}}).bindTooltip(el("span", {text: area.name})).addTo(areaLayer);
        ul.appendChild(items().areaItem(area, kindLabel(area.kind), {edit: editArea, reload: reloadAll}));
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

  function openAreaForm(formMode, hint) {
    mode = formMode === "gminas" ? "gminas" : null;
    // The saved areas lie over the gminas: while choosing, clicks go through them.
    map.getPane("areas").style.pointerEvents = mode === "gminas" ? "none" : "";
    areaForm.hidden = false;
    areaForm.elements.mode.value = formMode;
    document.getElementById("gmina-picker").hidden = formMode !== "gminas";
    document.getElementById("area-hint").textContent = hint || "";
    forms().clear(areaForm);
    if (areaForm.dataset.restored === "1" && !areaForm.elements.name.value) { areaForm.dataset.restored = ""; }
  }

  function closeAreaForm() {
    areaForm.hidden = true;
    mode = null;
    map.getPane("areas").style.pointerEvents = "";
    Array.from(selection).forEach(function (code) { toggle(code, false); });
    document.getElementById("area-selection").textContent = "";
    if (drawn && drawPurpose === "area") { map.removeLayer(drawn); drawn = null; }
    stopReshaping();
    editing = null;
    document.getElementById("area-reshape").hidden = true;
  }

  /* Changing a saved outline (area or project): Geoman's vertex editing on a copy of it. */
  function stopReshaping() {
    if (!reshaping) { return; }
    reshaping.pm.disable();
    map.removeLayer(reshaping);
    reshaping = null;
    delete areaForm.dataset.reshaping;
    delete projectForm.dataset.reshaping;
  }
  function startReshaping(geometry, form, hint) {
    if (reshaping) { return; }
    reshaping = L.geoJSON(geometry, {style: {color: "#b23a48", weight: 2, dashArray: "6 4", fillOpacity: 0.1},
      pointToLayer: function (f, ll) { return L.marker(ll); }}).getLayers()[0];
    reshaping.addTo(map);
    if (reshaping.getLatLng) { reshaping.pm.enable(); reshaping.dragging && reshaping.dragging.enable(); } else { reshaping.pm.enable({allowSelfIntersection: false, snappable: false}); }
    fit(reshaping.getBounds ? reshaping.getBounds() : L.latLngBounds([reshaping.getLatLng()]));
    form.dataset.reshaping = "1";
    // In the form, not in the floating message, which could lie over the corner to drag.
    form.querySelector(".hint").textContent = hint;
  }
  document.getElementById("area-reshape").addEventListener("click", function () {
    if (editing) { startReshaping(editing.geometry, areaForm, t("Drag the corners of the outline, then save; the area becomes a drawn one")); }
  });
  document.getElementById("project-reshape").addEventListener("click", function () {
    var p = projectForm._editing;
    if (p) { startReshaping(p.geometry, projectForm, t("Drag the points of the geometry, then save")); }
  });

  document.getElementById("area-by-gminas").addEventListener("click", function () {
    areaForm.elements.id.value = ""; areaForm.elements.version.value = "";
    openAreaForm("gminas", t("Tick gminas in the list or click them on the map"));
    areaForm.elements.name.focus();
  });
  document.getElementById("area-by-drawing").addEventListener("click", function () {
    areaForm.elements.id.value = ""; areaForm.elements.version.value = "";
    drawPurpose = "area";
    P.message(t("Draw the outline on the map, click the first point to close it"), "info");
    map.pm.enableDraw("Polygon", {allowSelfIntersection: false, snappable: false, finishOn: null});
  });

  function editArea(area) {
    var f = areaForm.elements;
    f.id.value = area.id; f.version.value = area.version; f.name.value = area.name;
    f.kind.value = area.kind; f.description.value = area.description || "";
    stopReshaping();
    editing = area;
    openAreaForm("edit", t("Version") + " " + area.version);
    document.getElementById("area-reshape").hidden = !area.geometry;
    f.name.focus();
  }

  areaForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var f = areaForm.elements, body = {name: f.name.value.trim(), kind: f.kind.value, description: f.description.value.trim()};
    var extra = [];
    if (f.mode.value === "gminas" && !selection.size) {
      var gminaError = document.getElementById("area-gminas-error");
      gminaError.textContent = t("Select at least one gmina"); gminaError.hidden = false;
      extra.push({field: document.getElementById("gmina-filter"), text: t("Select at least one gmina")});
    } else { document.getElementById("area-gminas-error").hidden = true; }
    if (!forms().check(areaForm, extra)) { return; }
    var request;
    if (f.mode.value === "edit") {
      body.version = Number(f.version.value);
      if (reshaping) { body.geometry = reshaping.toGeoJSON().geometry; }
      request = P.api("/api/v1/areas/" + encodeURIComponent(f.id.value), {method: "PUT", json: body});
    } else {
      if (f.mode.value === "gminas") { body.gminas = Array.from(selection); } else { body.geometry = drawn.toGeoJSON().geometry; }
      request = P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/areas", {method: "POST", json: body});
    }
    P.message(t("Saving…"), "info");
    request.then(function () {
      clearAreaDraft();
      closeAreaForm();
      areaForm.reset();
      P.message(t("Saved"), "ok");
      return loadAreas();
    }).catch(function (error) { failed(error, areaForm); });
  });
  areaForm.querySelector("[data-action=cancel]").addEventListener("click", function () { closeAreaForm(); });

  function failed(error, form) {
    if (error.status === 409) {
      P.message(t("Someone else changed this in the meantime"), "conflict",
        t("Your version is kept in the history; reload to see the current one and apply your changes again.") +
        (error.body && error.body.current_version ? " (" + t("Version") + " " + error.body.current_version + ")" : ""));
    } else if (form && forms().fromServer(form, error)) {
      P.message(t("Could not save"), "error", error.message);
    } else if (error.status === 422 && (drawn || reshaping)) {
      P.message(t("The drawing is not valid"), "error", error.message);
    } else {
      P.message(t("Could not save"), "error", error.message);
    }
  }

  /* Regionalisation proposals */
  var runSelect = document.getElementById("region-run");
  var regionRun = null, runRequest = null;
  function loadRun() {
    if (!runSelect) { return Promise.resolve(); }
    // Only the latest choice is shown: the request before it is aborted, a late answer dropped.
    if (runRequest) { runRequest.abort(); }
    var mine = runRequest = new AbortController();
    return P.api("/api/v1/analysis/runs/" + encodeURIComponent(runSelect.value), {signal: mine.signal}).then(function (run) {
      if (runRequest !== mine) { return; }
      regionRun = run;
      var ids = {};
      Object.keys(run.results).forEach(function (code) {
        var r = run.results[code].region_id;
        if (r > 0 && partnership.gminas.indexOf(code) >= 0) { (ids[r] = ids[r] || []).push(code); }
      });
      var select = document.getElementById("region-id");
      select.replaceChildren.apply(select, Object.keys(ids).map(function (r) {
        return el("option", {value: r, text: t("Region") + " " + r + " (" + ids[r].length + ")"});
      }));
    }, function (error) { if (runRequest === mine) { throw error; } });
  }
  if (runSelect) {
    runSelect.addEventListener("change", function () { loadRun().catch(failed); });
    document.getElementById("accept-region").addEventListener("click", function () {
      var region = Number(document.getElementById("region-id").value);
      var codes = Object.keys(regionRun.results).filter(function (c) {
        return regionRun.results[c].region_id === region && partnership.gminas.indexOf(c) >= 0;
      });
      P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/areas", {method: "POST", json: {
        name: t("Region") + " " + region + " (#" + regionRun.id + ")", kind: "other", gminas: codes,
        comment: "regionalisation run " + regionRun.id}}).then(function () {
        P.message(t("Saved"), "ok"); return loadAreas();
      }).catch(failed);
    });
  }

  /* Projects */
  function loadProjects() {
    return P.api("/api/v1/projects?partnership=" + encodeURIComponent(pid) + "&limit=1000").then(function (page) {
      projectLayer.clearLayers();
      var list = document.getElementById("project-list");
      list.replaceChildren();
      page.items.forEach(function (p) {
        L.geoJSON(p.geometry, {style: {color: "#3d405b", weight: 3},
          pointToLayer: function (f, ll) { return L.circleMarker(ll, {radius: 6, color: "#3d405b", fillColor: COLOURS.project, fillOpacity: 1}); }
        }).bindTooltip(el("span", {text: p.title})).addTo(projectLayer);
        list.appendChild(items().projectItem(p, optionLabel("#project-form select[name=funding_source]", p.funding_source),
          {edit: editProject, reload: loadProjects}));
      });
      document.getElementById("project-totals").textContent = P.plural("projects", page.total) + " · " + t("total cost") + ": " + P.fmt(page.total_cost_pln, 0) + " " + t("PLN");
      document.body.dataset.projects = String(page.total);
      signal("projects");
      legend();
    });
  }

  function openProjectForm() {
    projectForm.hidden = false;
    forms().clear(projectForm);
    buildAreaLinks();
    showTab("projects");
    projectForm.elements.title.focus();
  }

  document.querySelectorAll("[data-draw]").forEach(function (button) {
    button.addEventListener("click", function () {
      drawPurpose = "project";
      projectForm.elements.id.value = ""; projectForm.elements.version.value = "";
      projectForm._editing = null;
      document.getElementById("project-reshape").hidden = true;
      P.message(t("Click on the map to place the project"), "info");
      map.pm.enableDraw(button.dataset.draw, {allowSelfIntersection: false, snappable: false});
    });
  });

  /* A point without the map: typed coordinates (WGS 84 or EPSG:2180) or a gmina's centre. */
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
      var gmina = centres[document.getElementById("point-gmina").value];
      var ll = gmina && gmina.getBounds().isValid() ? gmina.getCenter() : null;
      if (ll) { point = [ll.lng, ll.lat]; }
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
    if (drawn) { map.removeLayer(drawn); }
    var shown = crs ? null : L.latLng(point[1], point[0]);
    drawn = L.circleMarker(shown || map.getCenter(), {radius: 7, color: "#b23a48", fillOpacity: 0.8});
    drawn.feature = {type: "Feature", geometry: {type: "Point", coordinates: point}};
    drawn.crs = crs;
    drawn.toGeoJSON = function () { return {type: "Feature", geometry: {type: "Point", coordinates: point}}; };
    if (shown) { drawn.addTo(map); }
    drawPurpose = "project";
    projectForm.elements.id.value = ""; projectForm.elements.version.value = "";
    projectForm._editing = null;
    document.getElementById("project-reshape").hidden = true;
    openProjectForm();
  });

  /* Links to functional areas: a ticked list of the partnership's areas. */
  function buildAreaLinks(chosen) {
    var box = document.getElementById("project-area-options");
    var keep = chosen || Array.prototype.filter.call(box.querySelectorAll("input:checked"), function () { return true; }).map(function (i) { return Number(i.value); });
    box.replaceChildren.apply(box, areas.length ? areas.map(function (a) {
      return el("label", {}, [el("input", {type: "checkbox", name: "area_link", value: a.id, checked: keep.indexOf(a.id) >= 0 ? "" : null}), " " + a.name]);
    }) : [el("p", {class: "muted", text: t("No functional areas yet")})]);
  }

  function editProject(p) {
    var f = projectForm.elements;
    f.id.value = p.id; f.version.value = p.version; f.title.value = p.title; f.theme.value = p.theme || "";
    f.cost_pln.value = p.cost_pln === null ? "" : String(p.cost_pln).replace(".", document.documentElement.lang === "en" ? "." : ",");
    f.cost_confirmed.checked = p.cost_pln !== null && p.cost_pln > forms().rules.cost.confirm;
    f.funding_source.value = p.funding_source;
    f.start_date.value = p.start_date || ""; f.end_date.value = p.end_date || "";
    f.feasibility.value = p.feasibility; f.priority.value = p.priority; f.description.value = p.description || "";
    stopReshaping();
    projectForm._editing = p;
    document.getElementById("project-reshape").hidden = !p.geometry;
    openProjectForm();
    buildAreaLinks(p.area_ids || []);
    document.getElementById("project-hint").textContent = t("Version") + " " + p.version;
  }

  projectForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!forms().check(projectForm)) { return; }
    var f = projectForm.elements, cost = f.cost_pln.value.trim();
    var body = {title: f.title.value.trim(), theme: f.theme.value.trim(), cost_pln: cost === "" ? null : String(forms().parseCost(cost)),
      funding_source: f.funding_source.value, start_date: f.start_date.value || null, end_date: f.end_date.value || null,
      feasibility: f.feasibility.value, priority: Number(f.priority.value), description: f.description.value.trim(),
      area_ids: Array.prototype.map.call(projectForm.querySelectorAll("input[name=area_link]:checked"), function (i) { return Number(i.value); })};
    var request;
    if (f.id.value) {
      body.version = Number(f.version.value);
      if (reshaping) { body.geometry = reshaping.toGeoJSON().geometry; }
      request = P.api("/api/v1/projects/" + encodeURIComponent(f.id.value), {method: "PUT", json: body});
    } else {
      body.geometry = drawn.toGeoJSON().geometry;
      if (drawn.crs) { body.crs = drawn.crs; }
      request = P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/projects", {method: "POST", json: body});
    }
    P.message(t("Saving…"), "info");
    request.then(function () {
      clearProjectDraft();
      projectForm.reset();
      projectForm.hidden = true;
      stopReshaping();
      if (drawn) { map.removeLayer(drawn); drawn = null; }
      P.message(t("Saved"), "ok");
      return loadProjects();
    }).catch(function (error) { failed(error, projectForm); });
  });
  projectForm.querySelector("[data-action=cancel]").addEventListener("click", function () {
    projectForm.hidden = true;
    stopReshaping();
    if (drawn && drawPurpose === "project") { map.removeLayer(drawn); drawn = null; }
  });

  /* Comments */
  function loadComments() {
    return P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/comments").then(function (list) {
      var ul = document.getElementById("comment-list");
      ul.replaceChildren.apply(ul, list.map(function (c) {
        return el("li", {}, [el("span", {class: "muted", text: c.author + " · " + c.created_at.slice(0, 10) + ": "}), c.body]);
      }));
    });
  }
  var commentForm = document.getElementById("comment-form");
  if (commentForm) {
    var clearCommentDraft = P.keepDraft(commentForm, "partnerstwa:comment:" + pid);
    commentForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!forms().check(commentForm)) { return; }
      P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/comments", {method: "POST", json: {body: commentForm.elements.body.value.trim()}})
        .then(function () { clearCommentDraft(); commentForm.reset(); P.message(t("Saved"), "ok"); return loadComments(); })
        .catch(function (error) { failed(error, commentForm); });
    });
  }

  // Leaflet's fitBounds on a map narrower than its padding (or not laid out) computes a NaN
  // zoom and throws "Invalid LatLng object: (NaN, NaN)": keep the padding inside the map.
  function fit(bounds) {
    var size = map.getSize(), pad = Math.min(20, Math.floor(Math.min(size.x, size.y) / 4));
    if (!(size.x > 0 && size.y > 0 && bounds.isValid())) { return; }
    // A point has no extent: without a tile layer's maxZoom, fitting it gives a NaN zoom too.
    if (bounds.getNorthEast().equals(bounds.getSouthWest())) { map.setView(bounds.getCenter(), Math.max(map.getZoom(), 13)); return; }
    map.fitBounds(bounds, {padding: [pad, pad]});
  }

  function legend() {
    var box = document.getElementById("workspace-legend");
    if (!window.PLegend || !box || !partnership) { return; }
    PLegend.render(box, PLegend.categories(t("Legend"), [
      {key: "outline", fill: COLOURS.outline, shape: "outline", label: t("Partnership boundary")},
      {key: "member", fill: COLOURS.member, label: t("Gmina of the partnership"), count: partnership.gminas.length},
      {key: "area", fill: COLOURS.area, label: t("Functional area"), count: areas.length},
      {key: "project", fill: COLOURS.project, shape: "point", label: t("Project"), count: Number(document.body.dataset.projects || 0)},
      {key: "selected", fill: COLOURS.selected, label: t("Selected gmina")}]));
  }

  P.whenMap(function (maps) {
    map = maps[0];
    map.invalidateSize();  // the grid sized the container after Leaflet measured it
    map.createPane("areas").style.zIndex = 410;
    areaLayer = L.featureGroup().addTo(map);
    projectLayer = L.featureGroup().addTo(map);
    map.on("pm:create", function (event) {
      if (drawn) { map.removeLayer(drawn); }
      drawn = event.layer;
      map.pm.disableDraw();
      if (drawPurpose === "area") {
        openAreaForm("drawn", "");
      } else {
        projectForm._editing = null;
        document.getElementById("project-hint").textContent = "";
        openProjectForm();
      }
    });
    P.api("/api/v1/partnerships/" + encodeURIComponent(pid)).then(function (data) {
      partnership = data;
      var outline = L.geoJSON(data.geometry, {style: {color: COLOURS.outline, weight: 3, fill: false}, interactive: false}).addTo(map);
      fit(outline.getBounds());
      return Promise.all([loadGminas(), loadAreas(), loadProjects(), loadIndicators(), loadRun(), loadComments()]);
    }).catch(function (error) { P.message(t("Could not load the map data"), "error", error.message); });
    if (areaForm.dataset.restored === "1" || projectForm.dataset.restored === "1") {
      P.message(t("Restored a draft you had not saved"), "info");
    }
  });
  document.addEventListener("partnerstwa:projects-import", function () { loadProjects(); });
})();
