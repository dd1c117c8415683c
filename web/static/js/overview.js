/* The diagnosis map: choropleth of an indicator or LISA clusters, outlines, unit cards. */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el;
  var state = {map: null, layer: null, band: null, outlines: null, data: null, labels: null};
  var controls = {
    indicator: document.getElementById("indicator"), year: document.getElementById("year"),
    scope: document.getElementById("scope"), method: document.getElementById("method"),
    k: document.getElementById("k"), run: document.getElementById("run"),
    outlines: document.getElementById("outlines")
  };

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

  function mode() { return document.querySelector("input[name=mode]:checked").value; }
  function bandOf(zoom) { return zoom <= 7 ? 0 : zoom <= 9 ? 1 : 2; }

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
      return Object.assign(base, {fillColor: label ? P.LISA[label] || P.LISA.ns : "#ffffff", fillOpacity: label ? 0.85 : 0.15});
    }
    var data = state.data;
    if (!data || data.values[code] === undefined) { return Object.assign(base, {fillColor: "#ffffff", fillOpacity: 0.15}); }
    var colours = P.ramp(data.direction, data.breaks.length);
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

  function legend() {
    var box = document.getElementById("legend");
    box.replaceChildren();
    if (mode() === "lisa") {
      box.appendChild(el("h2", {text: t("LISA clusters")}));
      [["HH", "High-High (hot spot)"], ["LL", "Low-Low (cold spot)"], ["HL", "High-Low (outlier)"],
       ["LH", "Low-High (outlier)"], ["ns", "not significant"], ["isolated", "without neighbours"]].forEach(function (row) {
        box.appendChild(el("div", {class: "legend-row", "data-label": row[0]}, [
          el("span", {class: "swatch", style: "background:" + P.LISA[row[0]]}), t(row[1])]));
      });
      var m = state.moran;
      if (m) { box.appendChild(el("p", {class: "legend-meta", "data-moran": "", text: t("Global Moran's I") + ": " + P.fmt(m.I, 3) + (m.z_norm === null ? "" : " · z = " + P.fmt(m.z_norm, 2)) + (m.p_sim === null ? "" : " · p = " + P.fmt(m.p_sim, 4))})); }
      box.dataset.mode = "lisa";
      return;
    }
    var data = state.data;
    if (!data) { return; }
    var name = document.documentElement.lang === "en" ? data.name_en : data.name_pl;
    box.appendChild(el("h2", {text: name + (data.unit ? " [" + data.unit + "]" : "")}));
    var colours = P.ramp(data.direction, data.breaks.length), low = data.min;
    data.breaks.forEach(function (upper, i) {
      box.appendChild(el("div", {class: "legend-row"}, [
        el("span", {class: "swatch", style: "background:" + colours[i]}),
        P.fmt(i === 0 ? low : data.breaks[i - 1]) + " – " + P.fmt(upper),
        el("span", {class: "count", text: " (" + data.counts[i] + ")"})]));
    });
    box.appendChild(el("p", {class: "legend-meta", text: t("Year") + ": " + data.year + " · " + t("Source") + ": " + data.source + (data.source_ref ? " (" + data.source_ref + ")" : "")}));
    box.dataset.mode = "choropleth";
    box.dataset.method = data.method;  // what is drawn, which a late answer must not change
  }

  function paint() {
    if (!state.layer) { return; }
    state.layer.setStyle(style);
    legend();
    var key = mode() === "lisa" ? "lisa:" + controls.run.value : controls.indicator.value + ":" + controls.year.value + ":" + controls.method.value + ":" + controls.k.value;
    document.body.dataset.painted = key;
  }

  function loadValues() {
    var mine = ticket("values");
    if (mode() === "lisa") {
      return whileCurrent(mine, function () {
        return P.api("/api/v1/analysis/runs/" + encodeURIComponent(controls.run.value), {signal: mine.signal});
      }).then(function (run) {
        if (run === STALE) { return; }
        state.labels = {};
        state.moran = run.summary && run.summary.moran;
        Object.keys(run.results).forEach(function (code) { state.labels[code] = run.results[code].label; });
        paint();
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
        if (!r.ok) { throw new Error(r.statusText); }
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
    });
  }

  function loadOutlines() {
    if (state.outlines) { state.map.removeLayer(state.outlines); state.outlines = null; }
    if (!controls.outlines.checked) { return Promise.resolve(); }
    return P.api("/api/v1/partnerships.geojson").then(function (collection) {
      state.outlines = L.geoJSON(collection, {
        style: {color: "#1b1b1b", weight: 2.5, fill: false, dashArray: "6 3"}, interactive: false
      }).addTo(state.map);
    });
  }

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
      var english = document.documentElement.lang === "en";
      box.replaceChildren(
        el("h2", {text: card.name}),
        el("p", {class: "muted", text: card.teryt + " · " + card.powiat + " · " + card.voivodeship}),
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
          el("th", {text: english ? ind.name_en : ind.name_pl}),
          el("td", {text: P.fmt(last[1]) + " (" + last[0] + ")"}),
          el("td", {}, [sparkline(ind.series)])]));
      });
      box.appendChild(table);
      box.dataset.teryt = teryt;
    }).catch(function (error) { box.replaceChildren(el("p", {class: "error", text: error.message})); });
  }

  function refresh() {
    return loadGeometry().then(loadValues).catch(function (error) {
      P.message(t("Could not load the map data"), "error", error.message);
    });
  }

  P.whenMap(function (maps) {
    state.map = maps[0];
    state.map.invalidateSize();  // the grid sized the container after Leaflet measured it
    fillYears();
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
    Promise.all([refresh(), loadOutlines().catch(fail)]);
  });

  function fail(error) { P.message(t("Could not load the map data"), "error", error.message); }
})();
