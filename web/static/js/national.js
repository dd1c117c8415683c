/* The national view: every partnership the user may read on one map and in one table; the
   voivodeship filter moves both (and the file links, and the URL). */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el, Legend = window.PLegend;
  var root = document.getElementById("national"), select = document.getElementById("national-voivodeship");
  var result = JSON.parse(document.getElementById("national-data").textContent);
  var outlines = null, layer = null, map = null, regions = null, legendModel = null, sortKey = "id", sortDown = false, request = null;
  var FILL = "#3d5a80";

  var COLUMNS = [
    {key: "id", label: "Code"},
    {key: "name", label: "Partnership", text: true},
    {key: "voivodeship_names", label: "Voivodeship", text: true, get: function (p) { return p.voivodeship_names.join(", "); }},
    {key: "members", label: "Members", digits: 0},
    {key: "population", label: "Population", digits: 0},
    {key: "areas", label: "Functional areas", digits: 0},
    {key: "projects", label: "Projects", digits: 0},
    {key: "projects_cost_pln", label: "Cost of projects", digits: 0, unit: " [zł]"}
  ];
  function value(col, p) { return col.get ? col.get(p) : p[col.key]; }

  function sorted() {
    var col = COLUMNS.filter(function (c) { return c.key === sortKey; })[0];
    return result.partnerships.slice().sort(function (a, b) {
      var x = value(col, a), y = value(col, b);
      var order = typeof x === "string" ? x.localeCompare(y, P.lang) : (x || 0) - (y || 0);
      return sortDown ? -order : order;
    });
  }

  function renderTable() {
    var table = document.getElementById("national-table");
    table.tHead.replaceChildren(el("tr", {}, COLUMNS.map(function (c) {
      var label = t(c.label) + (c.key === "population" && result.population_year ? " (" + result.population_year + ")" : "") + (c.unit || "");
      // A button in the header: sortable by keyboard, its state announced by aria-sort.
      return el("th", {scope: "col", "data-key": c.key, class: c.text || c.key === "id" ? "" : "num",
                       "aria-sort": sortKey === c.key ? (sortDown ? "descending" : "ascending") : "none"}, [
        el("button", {type: "button", class: "sort", text: label, onclick: function () {
          sortDown = sortKey === c.key ? !sortDown : false;
          sortKey = c.key;
          renderTable();
          table.querySelector("th[data-key='" + c.key + "'] button").focus();
        }})]);
    })));
    var rows = sorted().map(function (p) {
      return el("tr", {"data-id": p.id}, COLUMNS.map(function (c) {
        if (c.key === "name") {
          return el("th", {scope: "row"}, [el("a", {href: "/partnerships/" + encodeURIComponent(p.id), text: p.name})]);
        }
        var v = value(c, p);
        return el("td", {class: c.text || c.key === "id" ? "" : "num", text: c.digits === undefined ? v : P.fmt(v, c.digits)});
      }));
    });
    table.tBodies[0].replaceChildren.apply(table.tBodies[0], rows);
    var total = result.partnerships.reduce(function (sum, p) { return sum + p.projects_cost_pln; }, 0);
    document.getElementById("national-summary").textContent =
      P.plural("partnerships", result.partnerships.length) + " · " + P.plural("projects", result.partnerships.reduce(function (s, p) { return s + p.projects; }, 0)) +
      " · " + t("total cost") + " " + P.fmt(total, 0) + " zł";
  }

  function where() { var o = select.selectedOptions[0]; return o && o.value ? o.textContent.trim() : t("Poland"); }

  function renderMap() {
    if (!map || !outlines) { return; }
    var ids = new Set(result.partnerships.map(function (p) { return p.id; }));
    if (layer) { map.removeLayer(layer); }
    var shown = {type: "FeatureCollection", features: outlines.features.filter(function (f) { return ids.has(f.properties.id); })};
    layer = L.geoJSON(shown, {
      style: {color: "#1b1b1b", weight: 2, fillColor: FILL, fillOpacity: 0.45},
      onEachFeature: function (feature, l) {
        l.bindTooltip(function () { return el("span", {text: feature.properties.name}); }, {sticky: true});
        l.on("add", function () { var e = l.getElement(); if (e) { e.dataset.partnership = feature.properties.id; } });
      }
    }).addTo(map);
    if (shown.features.length) { map.fitBounds(layer.getBounds(), {animate: false, maxZoom: 9}); }
    legendModel = Legend.categories(t("Partnerships"), [
      {key: "partnership", fill: FILL, label: t("Partnership"), count: shown.features.length}],
      [t("Voivodeship") + ": " + where(), t("Boundaries: GUGiK (PRG); statistics: GUS.")]);
    Legend.render(document.getElementById("legend"), legendModel);
    document.getElementById("print-title").textContent = t("Partnerships in Poland") + " — " + where();
    document.body.dataset.shown = String(shown.features.length);
  }

  function links() {
    document.querySelectorAll(".downloads a[data-format]").forEach(function (a) {
      var params = new URLSearchParams({format: a.dataset.format, lang: document.documentElement.lang});
      if (select.value) { params.set("voivodeship", select.value); }
      a.href = "/api/v1/national?" + params;
    });
  }

  function choose() {
    if (request) { request.abort(); }
    var mine = request = new AbortController(), params = new URLSearchParams();
    if (select.value) { params.set("voivodeship", select.value); }
    document.body.dataset.ready = "0";
    return P.api("/api/v1/national?" + params, {signal: mine.signal}).then(function (answer) {
      if (request !== mine) { return; }
      result = answer;
      root.dataset.voivodeship = select.value;
      window.PMapState.write({voivodeship: select.value});
      links();
      renderTable();
      renderMap();
      document.body.dataset.ready = "1";
    }).catch(function (error) {
      if (request !== mine || error.name === "AbortError") { return; }
      P.message(t("Could not load the map data"), "error", P.reason(error));
    });
  }

  select.addEventListener("change", choose);
  renderTable();
  window.PExport.wirePrint(document.getElementById("print-map"));
  P.whenMap(function (maps) {
    map = maps[0];
    map.invalidateSize();
    Legend.ensurePattern();
    document.getElementById("png-map").addEventListener("click", function () {
      window.PExport.mapPng(map, {title: t("Partnerships in Poland") + " — " + where(), legend: legendModel,
                                  filename: "partnerstwa.png"})
        .then(function (png) { document.body.dataset.png = png.width + "x" + png.height; });
    });
    // The voivodeships under the partnerships, for orientation (not interactive).
    fetch("/api/v1/layers/voivodeship?zoom=6").then(function (r) { return r.ok ? r.json() : null; }).then(function (collection) {
      if (!collection) { return; }
      regions = L.geoJSON(collection, {style: {color: "#8a94a3", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1}, interactive: false}).addTo(map);
      regions.bringToBack();
    }).catch(function () { /* the partnerships are shown without them */ });
    P.api("/api/v1/partnerships.geojson").then(function (collection) {
      outlines = collection;
      renderMap();
      document.body.dataset.ready = "1";
    }).catch(function (error) { P.message(t("Could not load the map data"), "error", P.reason(error)); });
  });
})();
