/* The diagnosis map: choropleth of an indicator or LISA clusters, outlines, unit cards, a
   legend that tells the truth, search, gmina labels, the map's state in the URL, PNG and print. */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el, Legend = window.PLegend, State = window.PMapState;
  var state = {map: null, layer: null, band: null, outlines: null, data: null, labels: null,
               run: null, significance: null, highlight: null, highlightLayer: null,
               nameLayer: null, legend: null, urlReady: false};
  var controls = {
    indicator: document.getElementById("indicator"), year: document.getElementById("year"),
    scope: document.getElementById("scope"), method: document.getElementById("method"),
    k: document.getElementById("k"), run: document.getElementById("run"),
    outlines: document.getElementById("outlines")
  };
  var page = JSON.parse(document.getElementById("overview-data").textContent || "{}");
  var catalogue = {};
  (page.indicators || []).forEach(function (i) { catalogue[i.code] = i; });
  var LABEL_ZOOM = 9;  // gmina names from this zoom on, only for the gminas in view

  // Only the answer to the latest choice is drawn: each map request aborts the one before
  // of its kind and carries a number; an answer for an older number is dropped.
  var latest = {};
  function ticket(kind) {
    var previous = latest[kind];
    if (previous) { previous.controller.abort(); }
    var mine = {controller: new AbortController(), tries: 0};
    mine.signal = mine.controller.signal;
    mine.current = function () { return latest[kind] === mine; };
    latest[kind] = mine;
    return mine;
  }
  function whileCurrent(mine, request) {
    // A busy server answers 429/503 with Retry-After: ask again a few times, while current.
    return request().then(function (answer) {
      return mine.current() ? answer : STALE;
    }, function (error) {
      if (!mine.current()) { return STALE; }
      if ((error.status === 429 || error.status === 503) && mine.tries++ < 3) {
        return new Promise(function (resolve) { setTimeout(resolve, 1000); }).then(function () {
          return mine.current() ? whileCurrent(mine, request) : STALE;
        });
      }
      throw error;
    });
  }
  var STALE = {};

  // A small hook for other scripts of this page (the linked views of LISA runs): the map,
  // the current gmina layer, and callbacks when a run is drawn or the layer is replaced.
  var hooks = {ready: [], run: [], layer: [], painted: []};
  function emit(kind, value) { hooks[kind].forEach(function (cb) { try { cb(value); } catch (e) { window.console.error(e); } }); }
  window.partnerstwa = window.partnerstwa || {};
  window.partnerstwa.overview = {
    map: null,
    get gminaLayer() { return state.layer; },
    get run() { return state.run || null; },
    onReady: function (cb) { if (state.map) { cb(state.map); } else { hooks.ready.push(cb); } },
    onRunShown: function (cb) { hooks.run.push(cb); if (state.run && mode() === "lisa") { cb(state.run); } },
    onLayer: function (cb) { hooks.layer.push(cb); if (state.layer) { cb(state.layer); } },
    onPainted: function (cb) { hooks.painted.push(cb); },
    repaint: function () { paint(); },
    // The linked views relabel a LISA run under another significance level or FDR choice;
    // the map and its legend (level, FDR, counts) show them.
    setLabels: function (labels, rule) { state.labels = labels; state.significance = rule; paint(); }
  };

  function mode() { return document.querySelector("input[name=mode]:checked").value; }
  function bandOf(zoom) { return zoom <= 7 ? 0 : zoom <= 9 ? 1 : 2; }
  function english() { return document.documentElement.lang === "en"; }
  function optionText(select) { var o = select.selectedOptions[0]; return o ? o.textContent.trim() : ""; }

  function fillYears() {
    var option = controls.indicator.selectedOptions[0];
    var years = option ? option.dataset.years.split(",") : [];
    var current = controls.year.value;
    controls.year.replaceChildren.apply(controls.year, years.map(function (y) { return el("option", {value: y, text: y}); }));
    controls.year.value = years.indexOf(current) >= 0 ? current : years[years.length - 1];
  }

  function classOf(value, breaks) {
    for (var i = 0; i < breaks.length; i++) { if (value <= breaks[i]) { return i; } }
    return breaks.length - 1;
  }

  function style(feature) {
    var base = {weight: 0.4, color: "#555", opacity: 0.7, fillOpacity: 0.85};
    var code = feature.properties.teryt;
    if (mode() === "lisa") {
      var label = state.labels && state.labels[code];
      return Object.assign(base, {fillColor: label ? P.LISA[label] || P.LISA.ns : Legend.NO_DATA});
    }
    var data = state.data;
    if (!data || data.values[code] === undefined) { return Object.assign(base, {fillColor: Legend.NO_DATA}); }
    var colours = Legend.ramp(data.direction, data.breaks.length);
    return Object.assign(base, {fillColor: colours[classOf(data.values[code], data.breaks)]});
  }

  function describe(feature) {
    var code = feature.properties.teryt, box = el("div");
    box.appendChild(el("strong", {text: feature.properties.name}));
    var value;
    if (mode() === "lisa") {
      value = state.labels && state.labels[code] ? state.labels[code] : t("No data");
    } else {
      var v = state.data ? state.data.values[code] : undefined;
      value = v === undefined ? t("No data") : P.fmt(v) + " " + (state.data.unit || "");
    }
    box.appendChild(el("br"));
    box.appendChild(document.createTextNode(value));
    return box;
  }

  /* How many drawn gminas have no value (or no LISA category): the legend counts them. */
  function missing(has) {
    var n = 0;
    if (state.layer) { state.layer.eachLayer(function (l) { if (!has(l.feature.properties.teryt)) { n++; } }); }
    return n;
  }

  function areaName() { return controls.scope.value ? optionText(controls.scope) : t("Poland"); }

  function legend() {
    var box = document.getElementById("legend");
    if (mode() === "lisa") {
      if (!state.run) { Legend.render(box, null); return; }
      var rule = state.significance || {};
      var labels = state.labels || {}, shown = {};
      // Count the gminas drawn (one voivodeship when the scope is one), not the whole run.
      if (state.layer) {
        state.layer.eachLayer(function (l) {
          var code = l.feature.properties.teryt;
          if (labels[code] !== undefined) { shown[code] = labels[code]; }
        });
      }
      state.legend = Legend.lisa(state.run, shown, {
        indicator: catalogue[state.run.indicator], alpha: rule.alpha, fdr: rule.fdr, extent: areaName(),
        subtitle: optionText(controls.run), noData: missing(function (c) { return labels[c] !== undefined; })});
    } else {
      var data = state.data;
      if (!data) { Legend.render(box, null); state.legend = null; return; }
      state.legend = Legend.choropleth(data, {subtitle: areaName(), catalogue: catalogue[data.code],
        noData: missing(function (c) { return data.values[c] !== undefined; })});
    }
    Legend.render(box, state.legend);
  }

  function title() {
    if (mode() === "lisa") { return t("LISA clusters") + " — " + optionText(controls.run); }
    var data = state.data;
    if (!data) { return t("Diagnosis map"); }
    return (english() ? data.name_en : data.name_pl) + ", " + data.year + " — " + areaName();
  }

  function paint() {
    if (!state.layer) { return; }
    state.layer.setStyle(style);
    legend();
    var key = mode() === "lisa" ? "lisa:" + controls.run.value : controls.indicator.value + ":" + controls.year.value + ":" + controls.method.value + ":" + controls.k.value;
    document.body.dataset.painted = key;
    document.getElementById("print-title").textContent = title();
    emit("painted", mode());
    writeUrl();
  }

  function loadValues() {
    var mine = ticket("values");
    if (mode() === "lisa") {
      return whileCurrent(mine, function () {
        return P.api("/api/v1/analysis/runs/" + encodeURIComponent(controls.run.value), {signal: mine.signal});
      }).then(function (run) {
        if (run === STALE) { return; }
        state.labels = {};
        state.significance = null;
        Object.keys(run.results).forEach(function (code) { state.labels[code] = run.results[code].label; });
        state.run = run;
        paint();
        emit("run", run);
      });
    }
    if (!controls.indicator.value) { state.data = null; paint(); return Promise.resolve(); }
    var params = new URLSearchParams({year: controls.year.value, method: controls.method.value, k: controls.k.value});
    if (controls.scope.value) { params.set("voivodeship", controls.scope.value); }
    return whileCurrent(mine, function () {
      return P.api("/api/v1/indicators/" + encodeURIComponent(controls.indicator.value) + "/map?" + params, {signal: mine.signal});
    }).then(function (data) {
      if (data === STALE) { return; }
      state.data = data;
      paint();
    });
  }

  function loadGeometry() {
    var band = bandOf(state.map.getZoom());
    var key = band + ":" + controls.scope.value;
    if (state.band === key) { return Promise.resolve(); }
    state.band = key;
    var params = new URLSearchParams({zoom: state.map.getZoom()});
    if (controls.scope.value) { params.set("voivodeship", controls.scope.value); }
    var mine = ticket("geometry");
    return whileCurrent(mine, function () {
      return fetch("/api/v1/layers/gmina?" + params, {signal: mine.signal}).then(function (r) {
        if (!r.ok) { var failure = new Error(r.statusText); failure.status = r.status; throw failure; }
        return r.json();
      });
    }).then(function (collection) {
      if (collection === STALE) { return; }
      if (state.layer) { state.map.removeLayer(state.layer); }
      state.layer = L.geoJSON(collection, {
        style: style,
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(function () { return describe(feature); }, {sticky: true});
          layer.on("mouseover", function () { layer.setStyle({weight: 2, color: "#222"}); });
          layer.on("mouseout", function () { layer.setStyle({weight: 0.4, color: "#555"}); });
          layer.on("click", function () { openCard(feature.properties.teryt); });
          layer.on("add", function () { var e = layer.getElement(); if (e) { e.dataset.teryt = feature.properties.teryt; } });
        }
      }).addTo(state.map);
      if (state.outlines) { state.outlines.bringToFront(); }
      emit("layer", state.layer);
      drawHighlight();
      if (!state.fitted && collection.features.length) {
        // The first view frames the data; if that changes the zoom band, load that band
        // before telling anyone the map is ready.
        state.fitted = true;
        state.fitting = true;
        state.map.fitBounds(state.layer.getBounds(), {animate: false});
        state.fitting = false;
        if (bandOf(state.map.getZoom()) + ":" + controls.scope.value !== state.band) { return loadGeometry(); }
      }
      document.body.dataset.features = String(collection.features.length);
      drawNames();
    });
  }

  function loadOutlines() {
    if (state.outlines) { state.map.removeLayer(state.outlines); state.outlines = null; }
    if (!controls.outlines.checked) { writeUrl(); return Promise.resolve(); }
    return P.api("/api/v1/partnerships.geojson").then(function (collection) {
      // The outline (not the area inside it) names its partnership on hover.
      state.outlines = L.geoJSON(collection, {
        style: {color: "#1b1b1b", weight: 2.5, fill: false, dashArray: "6 3"},
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(function () { return el("span", {text: t("Partnership") + ": " + feature.properties.name}); }, {sticky: true});
        }
      }).addTo(state.map);
      writeUrl();
    });
  }

  /* ---------- gmina names at zoom >= 9, for the gminas in view only ---------- */

  function drawNames() {
    if (!state.nameLayer) { state.nameLayer = L.layerGroup().addTo(state.map); }
    state.nameLayer.clearLayers();
    if (!state.layer || state.map.getZoom() < LABEL_ZOOM) { document.body.dataset.names = "0"; return; }
    var view = state.map.getBounds(), n = 0;
    state.layer.eachLayer(function (layer) {
      var centre = layer.getBounds().getCenter();
      if (!view.contains(centre)) { return; }
      var text = el("span", {text: layer.feature.properties.name});
      state.nameLayer.addLayer(L.marker(centre, {interactive: false, keyboard: false,
        icon: L.divIcon({className: "gmina-name", html: text, iconSize: null})}));
      n++;
    });
    document.body.dataset.names = String(n);
  }

  /* ---------- the unit found by the search, outlined ---------- */

  function drawHighlight() {
    if (state.highlightLayer) { state.map.removeLayer(state.highlightLayer); state.highlightLayer = null; }
    if (!state.highlight || !state.layer) { return; }
    var code = state.highlight, features = [];
    state.layer.eachLayer(function (l) {
      if (l.feature.properties.teryt.indexOf(code) === 0) { features.push(l.feature); }
    });
    state.highlightLayer = L.geoJSON({type: "FeatureCollection", features: features}, {
      style: {color: "#000", weight: 4, fill: false, opacity: 1, className: "found-unit"}, interactive: false
    }).addTo(state.map);
    document.body.dataset.highlighted = code + ":" + features.length;
  }

  function showUnit(hit) {
    state.highlight = hit.teryt;
    var b = hit.bbox, fit = function () {
      state.map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {maxZoom: 11, animate: false});
      drawHighlight();
      if (hit.level === "gmina") { openCard(hit.teryt); }
      writeUrl();
    };
    // A unit outside the chosen voivodeship: show the whole country first.
    if (controls.scope.value && hit.teryt.slice(0, 2) !== controls.scope.value) {
      controls.scope.value = "";
      state.band = null;
      refresh().then(fit);
    } else {
      fit();
    }
  }

  /* ---------- the card of a gmina ---------- */

  function sparkline(series) {
    var ns = "http://www.w3.org/2000/svg", w = 90, h = 22;
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", w); svg.setAttribute("height", h); svg.setAttribute("class", "spark");
    if (series.length < 2) { return svg; }
    var ys = series.map(function (p) { return p[1]; });
    var lo = Math.min.apply(null, ys), hi = Math.max.apply(null, ys), span = hi - lo || 1;
    var points = series.map(function (p, i) {
      return (i * (w - 4) / (series.length - 1) + 2).toFixed(1) + "," + (h - 2 - (p[1] - lo) * (h - 4) / span).toFixed(1);
    }).join(" ");
    var line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", points); line.setAttribute("fill", "none"); line.setAttribute("stroke", "#3d5a80");
    svg.appendChild(line);
    return svg;
  }

  function openCard(teryt) {
    var box = document.getElementById("card");
    box.hidden = false;
    box.replaceChildren(el("p", {text: t("Loading…")}));
    P.api("/api/v1/units/gmina/" + encodeURIComponent(teryt) + "/card").then(function (card) {
      box.replaceChildren(
        el("h2", {text: card.name}),
        el("p", {class: "muted", text: card.teryt + " · " + card.powiat + " · " + String(card.voivodeship).toLowerCase()}),
        el("p", {text: t("Area") + ": " + P.fmt(card.area_km2, 1) + " km²"}));
      if (card.partnerships.length) {
        var list = el("p", {text: t("Partnerships") + ": "});
        card.partnerships.forEach(function (p, i) {
          if (i) { list.appendChild(document.createTextNode(", ")); }
          list.appendChild(el("a", {href: "/partnerships/" + encodeURIComponent(p.id), text: p.name}));
        });
        box.appendChild(list);
      }
      box.appendChild(el("h3", {text: t("Indicators over time")}));
      var table = el("table", {class: "card-table"});
      card.indicators.forEach(function (ind) {
        var last = ind.series[ind.series.length - 1];
        table.appendChild(el("tr", {}, [
          el("th", {text: english() ? ind.name_en : ind.name_pl}),
          el("td", {text: P.fmt(last[1]) + " (" + last[0] + ")"}),
          el("td", {}, [sparkline(ind.series)])]));
      });
      box.appendChild(table);
      box.dataset.teryt = teryt;
    }).catch(function (error) { box.replaceChildren(el("p", {class: "error", text: P.reason(error)})); });
  }

  /* ---------- the map's state in the URL ---------- */

  function writeUrl() {
    if (!state.urlReady || !state.map) { return; }
    var lisa = mode() === "lisa";
    State.write({indicator: controls.indicator.value, year: controls.year.value,
                 method: controls.method.value, k: controls.k.value, area: controls.scope.value,
                 layer: lisa ? "lisa" : "", run: lisa ? controls.run.value : "",
                 outlines: controls.outlines.checked ? "" : "0", unit: state.highlight || "",
                 view: State.viewText(state.map)});
  }

  function has(select, value) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === value && !o.disabled; });
  }

  function fill(template, values) {
    return Object.keys(values).reduce(function (text, key) { return text.split("{" + key + "}").join(values[key]); }, t(template));
  }

  /* Choices from the URL: what is held is chosen, what is not is named in a notice beside
     what is shown instead; the map always loads. Returns the view to show, if any. */
  function applyUrl() {
    var s = State.read(), problems = [];
    function choose(select, value, template, name) {
      if (value === undefined || value === "") { return; }
      if (has(select, value)) { select.value = value; return; }
      problems.push(fill(template, {value: value, shown: optionText(select), name: name || ""}));
    }
    choose(controls.indicator, s.indicator, "Indicator “{value}” is not held; showing “{shown}”.");
    fillYears();
    choose(controls.year, s.year, "The year {value} is not held for this indicator; showing {shown}.");
    choose(controls.method, s.method, "“{value}” is not a {name}; showing “{shown}”.", t("classification"));
    choose(controls.k, s.k, "“{value}” is not a {name}; showing “{shown}”.", t("number of classes"));
    choose(controls.scope, s.area, "“{value}” is not a {name}; showing “{shown}”.", t("voivodeship"));
    if (s.layer === "lisa") {
      var radio = document.querySelector("input[name=mode][value=lisa]");
      if (!radio.disabled && (!s.run || has(controls.run, s.run))) {
        radio.checked = true;
        if (s.run) { controls.run.value = s.run; }
      } else {
        problems.push(fill("The LISA run {value} is not available; showing the indicator values.", {value: s.run || ""}));
      }
    }
    if (s.outlines === "0") { controls.outlines.checked = false; }
    if (s.unit) {
      if (/^\d{4}(\d{3})?$/.test(s.unit)) { state.highlight = s.unit; }
      else { problems.push(fill("“{value}” is not a {name}; showing “{shown}”.", {value: s.unit, name: "TERYT", shown: "–"})); }
    }
    var view = null;
    if (s.view) {
      view = State.view(s.view);
      if (!view) { problems.push(t("The map view in the link is not in Poland; showing the whole area.")); }
    }
    State.notice(document.getElementById("map-notice"), problems);
    document.body.dataset.urlProblems = String(problems.length);
    return view;
  }

  function refresh() {
    return loadGeometry().then(loadValues).catch(function (error) {
      P.message(t("Could not load the map data"), "error", P.reason(error));
    });
  }

  P.whenMap(function (maps) {
    state.map = maps[0];
    window.partnerstwa.overview.map = state.map;
    emit("ready", state.map);
    state.map.invalidateSize();  // the grid sized the container after Leaflet measured it
    Legend.ensurePattern();
    var view = applyUrl();
    if (view) {
      state.fitted = true;  // the link's view, not the frame of the data
      state.map.setView([view.lat, view.lng], view.zoom, {animate: false});
    }
    controls.indicator.addEventListener("change", function () { fillYears(); loadValues().catch(fail); });
    [controls.year, controls.method, controls.k, controls.run].forEach(function (c) {
      c.addEventListener("change", function () { loadValues().catch(fail); });
    });
    document.querySelectorAll("input[name=mode]").forEach(function (r) {
      r.addEventListener("change", function () { loadValues().catch(fail); });
    });
    controls.scope.addEventListener("change", function () {
      state.band = null;
      refresh().then(function () { if (state.layer) { state.map.fitBounds(state.layer.getBounds()); } });
    });
    controls.outlines.addEventListener("change", function () { loadOutlines().catch(fail); });
    state.map.on("zoomend", function () { if (!state.fitting) { loadGeometry().then(paint).catch(fail); } });
    state.map.on("moveend", function () { drawNames(); writeUrl(); });
    window.PSearch.attach(document.getElementById("unit-search"), showUnit);
    window.PExport.wirePrint(document.getElementById("print-map"));
    document.getElementById("png-map").addEventListener("click", function () {
      window.PExport.mapPng(state.map, {title: title(), legend: state.legend,
                                        filename: (mode() === "lisa" ? "lisa_" + controls.run.value : controls.indicator.value + "_" + controls.year.value) + ".png"})
        .then(function (png) { document.body.dataset.png = png.width + "x" + png.height; })
        .catch(fail);
    });
    // The URL follows the map from the first change on; a link with a state (or a stale
    // one) is rewritten at once to say what is shown.
    var linked = Object.keys(State.read()).some(function (key) { return key !== "lang"; });
    Promise.all([refresh(), loadOutlines().catch(fail)]).then(function () {
      state.urlReady = true;
      if (linked) { writeUrl(); }
    });
  });

  function fail(error) { P.message(t("Could not load the map data"), "error", P.reason(error)); }
})();
