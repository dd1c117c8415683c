/* The partnership workspace: diagnosis, functional areas (gminas or drawn), projects. */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el;
  var root = document.getElementById("workspace");
  var pid = root.dataset.partnership, voivodeship = root.dataset.voivodeship;
  var map, gminaLayer, areaLayer, projectLayer, partnership;
  var selection = new Set(), mode = null, drawn = null, drawPurpose = null, reshaping = null, editing = null;
  var areaForm = document.getElementById("area-form"), projectForm = document.getElementById("project-form");
  var clearAreaDraft = P.keepDraft(areaForm, "partnerstwa:area:" + pid);
  var clearProjectDraft = P.keepDraft(projectForm, "partnerstwa:project:" + pid);
  var ready = {};

  function signal(name) {
    ready[name] = true;
    if (ready.gminas && ready.areas && ready.projects && ready.indicators) { document.body.dataset.ready = "1"; }
  }

  /* Tabs */
  document.querySelectorAll(".tabs button").forEach(function (button) {
    button.addEventListener("click", function () { showTab(button.dataset.tab); });
  });
  function showTab(name) {
    document.querySelectorAll(".tabs button").forEach(function (b) { b.setAttribute("aria-selected", String(b.dataset.tab === name)); });
    document.querySelectorAll("[data-panel]").forEach(function (p) { p.hidden = p.dataset.panel !== name; });
  }

  /* Gminas of the voivodeship; members emphasised; clicking selects in 'gminas' mode. */
  function gminaStyle(feature) {
    var code = feature.properties.teryt, member = partnership.gminas.indexOf(code) >= 0;
    if (selection.has(code)) { return {color: "#b23a48", weight: 2.5, fillColor: "#f28482", fillOpacity: 0.6}; }
    return {color: member ? "#293241" : "#999", weight: member ? 1.2 : 0.5, fillColor: member ? "#98c1d9" : "#f4f4f4", fillOpacity: member ? 0.35 : 0.2};
  }

  function loadGminas() {
    var params = new URLSearchParams({zoom: 10});
    if (voivodeship) { params.set("voivodeship", voivodeship); }
    return fetch("/api/v1/layers/gmina?" + params).then(function (r) { return r.json(); }).then(function (collection) {
      gminaLayer = L.geoJSON(collection, {
        style: gminaStyle,
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(function () { return el("span", {text: feature.properties.name + " (" + feature.properties.teryt + ")"}); }, {sticky: true});
          layer.on("click", function () { if (mode === "gminas") { toggle(feature.properties.teryt, feature.properties.name); } });
          layer.on("add", function () { var e = layer.getElement(); if (e) { e.dataset.teryt = feature.properties.teryt; } });
        }
      }).addTo(map);
      gminaLayer.bringToBack();
      signal("gminas");
    });
  }

  var names = {};
  function toggle(code, name) {
    names[code] = name;
    if (selection.has(code)) { selection.delete(code); } else { selection.add(code); }
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
      var ours = comparison.units.filter(function (u) { return u.kind === "partnership" && u.code === pid; })[0];
      var voiv = comparison.units.filter(function (u) { return u.kind === "voivodeship"; })[0];
      var poland = comparison.units.filter(function (u) { return u.kind === "country"; })[0];
      var table = document.getElementById("indicator-table");
      var head = el("tr", {}, [el("th"), el("th", {text: pid}), el("th", {text: voiv.name.toLowerCase()}), el("th", {text: t("Poland")})]);
      var rows = [head, el("tr", {}, [el("th", {text: t("Population")}), el("td", {class: "num", text: P.fmt(ours.population, 0)}), el("td", {class: "num", text: P.fmt(voiv.population, 0)}), el("td", {class: "num", text: P.fmt(poland.population, 0)})])];
      comparison.indicators.forEach(function (code) {
        if (!ours.indicators[code]) { return; }
        var meta = catalogue[code] || {name_pl: code, name_en: code, unit: ""};
        var name = (document.documentElement.lang === "en" ? meta.name_en : meta.name_pl) + " (" + ours.indicators[code].year + ")";
        rows.push(el("tr", {"data-indicator": code}, [el("th", {text: name}),
          el("td", {class: "num", text: P.fmt(ours.indicators[code].value)}),
          el("td", {class: "num", text: voiv.indicators[code] ? P.fmt(voiv.indicators[code].value) : "–"}),
          el("td", {class: "num", text: poland.indicators[code] ? P.fmt(poland.indicators[code].value) : "–"})]));
      });
      if (ours.high_risk_share !== null && ours.high_risk_share !== undefined) {
        rows.push(el("tr", {}, [el("th", {text: t("High-High (hot spot)")}), el("td", {class: "num", text: P.fmt(100 * ours.high_risk_share, 0) + "%"}),
          el("td", {class: "num", text: P.fmt(100 * voiv.high_risk_share, 0) + "%"}), el("td", {class: "num", text: P.fmt(100 * poland.high_risk_share, 0) + "%"})]));
      }
      table.replaceChildren(el("tbody", {}, rows));
      signal("indicators");
    });
  }

  /* Functional areas */
  function loadAreas() {
    return P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/areas").then(function (areas) {
      areaLayer.clearLayers();
      var list = document.getElementById("area-list");
      list.replaceChildren();
      areas.forEach(function (area) {
        L.geoJSON(area.geometry, {style: {color: "#e07a5f", weight: 2, fillOpacity: 0.15}}).bindTooltip(el("span", {text: area.name})).addTo(areaLayer);
        list.appendChild(el("li", {"data-area": area.id, "data-version": area.version}, [
          el("strong", {text: area.name}), " ",
          el("span", {class: "muted", text: kindLabel(area.kind) + " · " + P.fmt(area.area_km2, 1) + " km² · " + t("Version") + " " + area.version}),
          " ", el("button", {type: "button", text: t("Edit"), onclick: function () { editArea(area); }})]));
      });
      document.body.dataset.areas = String(areas.length);
      signal("areas");
    });
  }
  // The kinds come from the form's options, which the server renders from its one table.
  function kindLabel(kind) {
    var option = Array.prototype.find.call(document.querySelectorAll("#area-form select[name=kind] option"), function (o) { return o.value === kind; });
    return option ? option.textContent : kind;
  }

  function openAreaForm(formMode, hint) {
    mode = formMode === "gminas" ? "gminas" : null;
    areaForm.hidden = false;
    areaForm.elements.mode.value = formMode;
    document.getElementById("area-hint").textContent = hint || "";
    if (areaForm.dataset.restored === "1" && !areaForm.elements.name.value) { areaForm.dataset.restored = ""; }
  }

  function closeAreaForm() {
    areaForm.hidden = true;
    mode = null;
    selection.clear();
    if (gminaLayer) { gminaLayer.setStyle(gminaStyle); }
    document.getElementById("area-selection").textContent = "";
    if (drawn && drawPurpose === "area") { map.removeLayer(drawn); drawn = null; }
    stopReshaping();
    editing = null;
    document.getElementById("area-reshape").hidden = true;
  }

  /* Changing the outline of a saved area: Geoman's vertex editing on a copy of it. */
  function stopReshaping() {
    if (!reshaping) { return; }
    reshaping.pm.disable();
    map.removeLayer(reshaping);
    reshaping = null;
    delete areaForm.dataset.reshaping;
  }
  document.getElementById("area-reshape").addEventListener("click", function () {
    if (!editing || reshaping) { return; }
    reshaping = L.geoJSON(editing.geometry, {style: {color: "#b23a48", weight: 2, dashArray: "6 4", fillOpacity: 0.1}}).getLayers()[0];
    reshaping.addTo(map);
    reshaping.pm.enable({allowSelfIntersection: false, snappable: false});
    fit(reshaping.getBounds());
    areaForm.dataset.reshaping = "1";
    document.getElementById("area-hint").textContent = t("Drag the corners of the outline, then save; the area becomes a drawn one");
  });

  document.getElementById("area-by-gminas").addEventListener("click", function () {
    areaForm.elements.id.value = ""; areaForm.elements.version.value = "";
    openAreaForm("gminas", t("Click gminas on the map to add or remove them"));
  });
  document.getElementById("area-by-drawing").addEventListener("click", function () {
    areaForm.elements.id.value = ""; areaForm.elements.version.value = "";
    drawPurpose = "area";
    P.message(t("Draw the outline on the map, click the first point to close it"), "info");
    map.pm.enableDraw("Polygon", {allowSelfIntersection: false, snappable: false, finishOn: null});
  });

  function editArea(area) {
    areaForm.elements.id.value = area.id;
    areaForm.elements.version.value = area.version;
    areaForm.elements.name.value = area.name;
    areaForm.elements.kind.value = area.kind;
    areaForm.elements.description.value = area.description || "";
    stopReshaping();
    editing = area;
    openAreaForm("edit", t("Version") + " " + area.version);
    document.getElementById("area-reshape").hidden = !area.geometry;
  }

  areaForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var f = areaForm.elements, body = {name: f.name.value, kind: f.kind.value, description: f.description.value};
    var request;
    if (f.mode.value === "edit") {
      body.version = Number(f.version.value);
      if (reshaping) { body.geometry = reshaping.toGeoJSON().geometry; }
      request = P.api("/api/v1/areas/" + encodeURIComponent(f.id.value), {method: "PUT", json: body});
    } else {
      if (f.mode.value === "gminas") {
        if (!selection.size) { P.message(t("Select at least one gmina"), "error"); return; }
        body.gminas = Array.from(selection);
      } else {
        body.geometry = drawn.toGeoJSON().geometry;
      }
      request = P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/areas", {method: "POST", json: body});
    }
    P.message(t("Saving…"), "info");
    request.then(function () {
      clearAreaDraft();
      closeAreaForm();
      areaForm.reset();
      P.message(t("Saved"), "ok");
      return loadAreas();
    }).catch(function (error) { failed(error); });
  });
  areaForm.querySelector("[data-action=cancel]").addEventListener("click", function () { closeAreaForm(); });

  function failed(error) {
    if (error.status === 409) {
      P.message(t("Someone else changed this in the meantime"), "conflict",
        t("Your version is kept in the history; reload to see the current one and apply your changes again.") +
        (error.body && error.body.current_version ? " (" + t("Version") + " " + error.body.current_version + ")" : ""));
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
          pointToLayer: function (f, ll) { return L.circleMarker(ll, {radius: 6, color: "#3d405b", fillColor: "#f2cc8f", fillOpacity: 1}); }
        }).bindTooltip(el("span", {text: p.title})).addTo(projectLayer);
        list.appendChild(el("li", {"data-project": p.id}, [el("strong", {text: p.title}), " ",
          el("span", {class: "muted", text: (p.cost_pln === null ? "–" : P.fmt(p.cost_pln, 0) + " zł") + " · " + p.funding_source + " · " + t("Version") + " " + p.version}),
          " ", el("button", {type: "button", text: t("Edit"), onclick: function () { editProject(p); }})]));
      });
      document.getElementById("project-totals").textContent = P.plural("projects", page.total) + " · " + t("total cost") + ": " + P.fmt(page.total_cost_pln, 0) + " zł";
      document.body.dataset.projects = String(page.total);
      signal("projects");
    });
  }

  document.querySelectorAll("[data-draw]").forEach(function (button) {
    button.addEventListener("click", function () {
      drawPurpose = "project";
      projectForm.elements.id.value = ""; projectForm.elements.version.value = "";
      P.message(t("Click on the map to place the project"), "info");
      map.pm.enableDraw(button.dataset.draw, {allowSelfIntersection: false, snappable: false});
    });
  });

  function editProject(p) {
    var f = projectForm.elements;
    f.id.value = p.id; f.version.value = p.version; f.title.value = p.title; f.theme.value = p.theme;
    f.cost_pln.value = p.cost_pln === null ? "" : p.cost_pln; f.funding_source.value = p.funding_source;
    f.start_date.value = p.start_date || ""; f.end_date.value = p.end_date || "";
    f.feasibility.value = p.feasibility; f.priority.value = p.priority; f.description.value = p.description;
    projectForm.hidden = false;
    document.getElementById("project-hint").textContent = t("Version") + " " + p.version;
  }

  projectForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var f = projectForm.elements;
    var body = {title: f.title.value, theme: f.theme.value, cost_pln: f.cost_pln.value === "" ? null : f.cost_pln.value.replace(/\s/g, "").replace(",", "."),
      funding_source: f.funding_source.value, start_date: f.start_date.value || null, end_date: f.end_date.value || null,
      feasibility: f.feasibility.value, priority: Number(f.priority.value), description: f.description.value};
    var request;
    if (f.id.value) {
      body.version = Number(f.version.value);
      request = P.api("/api/v1/projects/" + encodeURIComponent(f.id.value), {method: "PUT", json: body});
    } else {
      body.geometry = drawn.toGeoJSON().geometry;
      request = P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/projects", {method: "POST", json: body});
    }
    P.message(t("Saving…"), "info");
    request.then(function () {
      clearProjectDraft();
      projectForm.reset();
      projectForm.hidden = true;
      if (drawn) { map.removeLayer(drawn); drawn = null; }
      P.message(t("Saved"), "ok");
      return loadProjects();
    }).catch(failed);
  });
  projectForm.querySelector("[data-action=cancel]").addEventListener("click", function () {
    projectForm.hidden = true;
    if (drawn && drawPurpose === "project") { map.removeLayer(drawn); drawn = null; }
  });

  /* Comments */
  function loadComments() {
    return P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/comments").then(function (items) {
      var list = document.getElementById("comment-list");
      list.replaceChildren.apply(list, items.map(function (c) {
        return el("li", {}, [el("span", {class: "muted", text: c.author + " · " + c.created_at.slice(0, 10) + ": "}), c.body]);
      }));
    });
  }
  var commentForm = document.getElementById("comment-form");
  if (commentForm) {
    var clearCommentDraft = P.keepDraft(commentForm, "partnerstwa:comment:" + pid);
    commentForm.addEventListener("submit", function (event) {
      event.preventDefault();
      P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/comments", {method: "POST", json: {body: commentForm.elements.body.value}})
        .then(function () { clearCommentDraft(); commentForm.reset(); P.message(t("Saved"), "ok"); return loadComments(); })
        .catch(failed);
    });
  }

  // Leaflet's fitBounds on a map narrower than its padding (or not laid out) computes a NaN
  // zoom and throws "Invalid LatLng object: (NaN, NaN)": keep the padding inside the map.
  function fit(bounds) {
    var size = map.getSize(), pad = Math.min(20, Math.floor(Math.min(size.x, size.y) / 4));
    if (size.x > 0 && size.y > 0 && bounds.isValid()) { map.fitBounds(bounds, {padding: [pad, pad]}); }
  }

  P.whenMap(function (maps) {
    map = maps[0];
    map.invalidateSize();  // the grid sized the container after Leaflet measured it
    areaLayer = L.featureGroup().addTo(map);
    projectLayer = L.featureGroup().addTo(map);
    map.on("pm:create", function (event) {
      if (drawn) { map.removeLayer(drawn); }
      drawn = event.layer;
      map.pm.disableDraw();
      if (drawPurpose === "area") {
        openAreaForm("drawn", "");
      } else {
        projectForm.hidden = false;
        document.getElementById("project-hint").textContent = "";
        showTab("projects");
      }
    });
    P.api("/api/v1/partnerships/" + encodeURIComponent(pid)).then(function (data) {
      partnership = data;
      var outline = L.geoJSON(data.geometry, {style: {color: "#1b1b1b", weight: 3, fill: false}, interactive: false}).addTo(map);
      fit(outline.getBounds());
      return Promise.all([loadGminas(), loadAreas(), loadProjects(), loadIndicators(), loadRun(), loadComments()]);
    }).catch(function (error) { P.message(t("Could not load the map data"), "error", error.message); });
    if (areaForm.dataset.restored === "1" || projectForm.dataset.restored === "1") {
      P.message(t("Restored a draft you had not saved"), "info");
    }
  });
})();
