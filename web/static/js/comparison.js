/* Comparison of the partnerships of a voivodeship: synchronised maps, table, profile. */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el;
  var root = document.getElementById("comparison"), voivodeship = root.dataset.voivodeship;
  var catalogue = {}, result = null, sortKey = null, sortDown = true;

  document.getElementById("voivodeship-select").addEventListener("change", function (e) {
    window.location.href = "/comparison/" + encodeURIComponent(e.target.value);
  });

  function name(code) {
    var meta = catalogue[code];
    if (!meta) { return code; }
    return document.documentElement.lang === "en" ? meta.name_en : meta.name_pl;
  }

  function columns() {
    var cols = [{key: "name", label: "", get: function (u) { return u.name; }},
      {key: "population", label: t("Population"), get: function (u) { return u.population; }, digits: 0},
      {key: "area_km2", label: t("Area") + " [km²]", get: function (u) { return u.area_km2; }, digits: 1}];
    result.indicators.forEach(function (code) {
      var year = null;
      result.units.forEach(function (u) { if (u.indicators[code]) { year = u.indicators[code].year; } });
      if (year === null) { return; }
      cols.push({key: code, label: name(code) + " (" + year + ")", get: function (u) { return u.indicators[code] ? u.indicators[code].value : null; }});
    });
    cols.push({key: "high_risk_share", label: t("High-High (hot spot)") + " %", get: function (u) { return u.high_risk_share === null || u.high_risk_share === undefined ? null : 100 * u.high_risk_share; }, digits: 0});
    cols.push({key: "projects", label: t("projects"), get: function (u) { return u.projects === undefined ? null : u.projects; }, digits: 0});
    cols.push({key: "projects_cost_pln", label: t("total cost") + " [zł]", get: function (u) { return u.projects_cost_pln === undefined ? null : u.projects_cost_pln; }, digits: 0});
    return cols;
  }

  function renderTable() {
    var cols = columns(), table = document.getElementById("comparison-table");
    var head = el("tr", {}, cols.map(function (c) {
      return el("th", {scope: "col", "data-key": c.key, "aria-sort": sortKey === c.key ? (sortDown ? "descending" : "ascending") : "none",
        onclick: function () { sortDown = sortKey === c.key ? !sortDown : true; sortKey = c.key; renderTable(); }}, [c.label]);
    }));
    table.tHead.replaceChildren(head);
    var partnerships = result.units.filter(function (u) { return u.kind === "partnership"; });
    var others = result.units.filter(function (u) { return u.kind !== "partnership"; });
    if (sortKey) {
      var col = cols.filter(function (c) { return c.key === sortKey; })[0];
      partnerships.sort(function (a, b) {
        var x = col.get(a), y = col.get(b);
        if (typeof x === "string") { return sortDown ? y.localeCompare(x, P.lang) : x.localeCompare(y, P.lang); }
        return sortDown ? (y || 0) - (x || 0) : (x || 0) - (y || 0);
      });
    }
    var rows = partnerships.concat(others).map(function (u) {
      return el("tr", {class: u.kind, "data-code": u.code}, cols.map(function (c, i) {
        if (i === 0) {
          return el("th", {scope: "row"}, [u.kind === "partnership" ? el("a", {href: "/partnerships/" + encodeURIComponent(u.code), text: u.name}) : u.name.toLowerCase()]);
        }
        return el("td", {class: "num", text: P.fmt(c.get(u), c.digits)});
      }));
    });
    table.tBodies[0].replaceChildren.apply(table.tBodies[0], rows);
  }

  function renderProfile() {
    var box = document.getElementById("profile"), ns = "http://www.w3.org/2000/svg";
    box.replaceChildren();
    var poland = result.units.filter(function (u) { return u.kind === "country"; })[0];
    result.indicators.forEach(function (code) {
      var base = poland.indicators[code];
      if (!base || !base.value) { return; }
      var units = result.units.filter(function (u) { return u.indicators[code]; });
      var width = 420, rowH = 16, svg = document.createElementNS(ns, "svg");
      svg.setAttribute("width", width); svg.setAttribute("height", units.length * rowH + 4);
      svg.setAttribute("role", "img"); svg.setAttribute("aria-label", name(code));
      var max = Math.max.apply(null, units.map(function (u) { return Math.abs(u.indicators[code].value / base.value * 100); }).concat([100]));
      units.forEach(function (u, i) {
        var share = u.indicators[code].value / base.value * 100;
        var rect = document.createElementNS(ns, "rect");
        rect.setAttribute("x", 150); rect.setAttribute("y", i * rowH + 2);
        rect.setAttribute("width", Math.max(1, Math.abs(share) / max * (width - 200)));
        rect.setAttribute("height", rowH - 4);
        rect.setAttribute("fill", u.kind === "partnership" ? "#3d5a80" : u.kind === "voivodeship" ? "#98c1d9" : "#bbbbbb");
        var label = document.createElementNS(ns, "text");
        label.setAttribute("x", 0); label.setAttribute("y", i * rowH + 13); label.setAttribute("font-size", "11");
        label.textContent = u.kind === "partnership" ? u.code + " " + u.name.slice(0, 18) : u.name.toLowerCase();
        var value = document.createElementNS(ns, "text");
        value.setAttribute("x", 155 + Math.abs(share) / max * (width - 200)); value.setAttribute("y", i * rowH + 13); value.setAttribute("font-size", "11");
        value.textContent = P.fmt(share, 0);
        svg.appendChild(rect); svg.appendChild(label); svg.appendChild(value);
      });
      box.appendChild(el("figure", {}, [el("figcaption", {text: name(code)}), svg]));
    });
  }

  /* Two synchronised maps: gminas coloured by two indicators, partnership outlines on both. */
  var layers = [null, null];
  function paintMap(map, index, code) {
    return Promise.all([
      fetch("/api/v1/layers/gmina?zoom=9&voivodeship=" + voivodeship).then(function (r) { return r.json(); }),
      P.api("/api/v1/indicators/" + encodeURIComponent(code) + "/map?voivodeship=" + voivodeship),
      P.api("/api/v1/partnerships.geojson?voivodeship=" + voivodeship)
    ]).then(function (res) {
      var data = res[1], colours = P.ramp(data.direction, data.breaks.length);
      if (layers[index]) { map.removeLayer(layers[index]); }
      layers[index] = L.featureGroup([
        L.geoJSON(res[0], {style: function (f) {
          var v = data.values[f.properties.teryt], cls = 0;
          if (v === undefined) { return {weight: 0.3, color: "#777", fillColor: "#fff", fillOpacity: 0.2}; }
          while (cls < data.breaks.length - 1 && v > data.breaks[cls]) { cls++; }
          return {weight: 0.3, color: "#777", fillColor: colours[cls], fillOpacity: 0.8};
        }, onEachFeature: function (f, layer) {
          layer.bindTooltip(function () { var v = data.values[f.properties.teryt]; return el("span", {text: f.properties.name + ": " + P.fmt(v)}); }, {sticky: true});
        }}),
        L.geoJSON(res[2], {style: {color: "#111", weight: 2.5, fill: false}, interactive: false})
      ]).addTo(map);
      if (index === 0) { map.fitBounds(layers[0].getBounds()); }
    });
  }

  P.whenMap(function () {
    function start() {
      var maps = window.PARTNERSTWA_MAPS;
      if (maps.length < 2) { return; }
      Promise.all([P.api("/api/v1/comparison/" + voivodeship), P.api("/api/v1/indicators")]).then(function (res) {
        result = res[0];
        res[1].forEach(function (i) { catalogue[i.code] = i; });
        renderTable();
        renderProfile();
        document.body.dataset.ready = "1";
      }).catch(function (error) { P.message(t("Could not load the map data"), "error", error.message); });
      var left = document.getElementById("left-indicator"), right = document.getElementById("right-indicator");
      function both() { return Promise.all([paintMap(maps[0], 0, left.value), paintMap(maps[1], 1, right.value)]); }
      left.addEventListener("change", function () { paintMap(maps[0], 0, left.value); });
      right.addEventListener("change", function () { paintMap(maps[1], 1, right.value); });
      both().catch(function (error) { P.message(t("Could not load the map data"), "error", error.message); });
    }
    if (window.PARTNERSTWA_MAPS.length >= 2) { start(); } else { document.addEventListener("partnerstwa:map", function h() { if (window.PARTNERSTWA_MAPS.length >= 2) { document.removeEventListener("partnerstwa:map", h); start(); } }); }
  });
})();
