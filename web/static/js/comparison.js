/* Comparison of the partnerships of a voivodeship: synchronised maps, table, profile. */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el, Legend = window.PLegend;
  var root = document.getElementById("comparison"), voivodeship = root.dataset.voivodeship;
  var SIDES = ["left", "right"], legends = [null, null], highlight = null, highlights = [null, null];
  var catalogue = {}, result = null, sortKey = null, sortDown = true;

  document.getElementById("voivodeship-select").addEventListener("change", function (e) {
    window.location.href = "/comparison/" + encodeURIComponent(e.target.value) + window.location.search;
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
    cols.push({key: "high_risk_share", label: t("Share of gminas in High-High clusters (LISA), %"), get: function (u) { return u.high_risk_share === null || u.high_risk_share === undefined ? null : 100 * u.high_risk_share; }, digits: 0});
    cols.push({key: "projects", label: t("projects"), get: function (u) { return u.projects === undefined ? null : u.projects; }, digits: 0});
    cols.push({key: "projects_cost_pln", label: t("total cost") + " [zł]", get: function (u) { return u.projects_cost_pln === undefined ? null : u.projects_cost_pln; }, digits: 0});
    return cols;
  }

  function renderTable() {
    var cols = columns(), table = document.getElementById("comparison-table");
    var head = el("tr", {}, cols.map(function (c) {
      // A button in the header: sortable by keyboard, its state announced by aria-sort.
      return el("th", {scope: "col", "data-key": c.key, "aria-sort": sortKey === c.key ? (sortDown ? "descending" : "ascending") : "none"}, [
        el("button", {type: "button", class: "sort", "aria-label": c.label || t("Name"), onclick: function () {
          sortDown = sortKey === c.key ? !sortDown : true; sortKey = c.key; renderTable();
          var again = document.querySelector("#comparison-table th[data-key='" + c.key + "'] button");
          if (again) { again.focus(); }
        }}, [c.label])]);
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
          return el("th", {scope: "row"}, [u.kind === "partnership" ? el("a", {href: "/partnerships/" + encodeURIComponent(u.code), text: u.name}) : u.name]);
        }
        return el("td", {class: "num", text: P.fmt(c.get(u), c.digits)});
      }));
    });
    table.tBodies[0].replaceChildren.apply(table.tBodies[0], rows);
  }

  /* The profile: each unit's standardised difference (z-score) from the average gmina of
     Poland, computed by the server; the bar's colour and word say better or worse. */
  function renderProfile() {
    var box = document.getElementById("profile"), ns = "http://www.w3.org/2000/svg";
    var words = {better: box.dataset.better, worse: box.dataset.worse};
    box.replaceChildren();
    function svgEl(tag, attrs, text) {
      var node = document.createElementNS(ns, tag);
      Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
      if (text !== undefined) { node.textContent = text; }
      return node;
    }
    var en = document.documentElement.lang === "en";
    (result.profile || []).forEach(function (item) {
      // Drawn at the width it is shown on (from a phone to 560 px), so the text stays legible.
      var width = Math.max(320, Math.min(560, box.clientWidth || 460));
      var rowH = 20, left = 150, right = width - 92, zero = (left + right) / 2, top = 4;
      var max = Math.max(1, Math.ceil(Math.max.apply(null, item.units.map(function (u) { return Math.abs(u.z); }))));
      var scale = (right - left) / 2 / max, height = top + item.units.length * rowH + 18;
      var svg = svgEl("svg", {viewBox: "0 0 " + width + " " + height, role: "img", "data-indicator": item.code,
        "aria-label": (en ? item.name_en : item.name_pl) + " (" + item.year + ")"});
      svg.appendChild(svgEl("line", {x1: zero, x2: zero, y1: 0, y2: height - 16, stroke: "#333", "stroke-width": 1}));
      item.units.forEach(function (u, i) {
        var y = top + i * rowH, w = Math.max(1, Math.abs(u.z) * scale);
        var word = words[u.assessment] || "";
        var bar = svgEl("rect", {x: u.z < 0 ? zero - w : zero, y: y + 3, width: w, height: rowH - 6,
          class: u.assessment || "neutral", "data-unit": u.code, "data-z": u.z});
        bar.appendChild(svgEl("title", {}, u.name + ": z = " + P.fmt(u.z, 2) + (word ? " (" + word + ")" : "") + "; " + P.fmt(u.value)));
        svg.appendChild(bar);
        var label = u.kind === "partnership" ? u.code + " " + (u.name.length > 20 ? u.name.slice(0, 19) + "…" : u.name) : u.name;
        svg.appendChild(svgEl("text", {x: 0, y: y + 14, "font-size": 11, "font-weight": u.kind === "partnership" ? 400 : 600}, label));
        svg.appendChild(svgEl("text", {x: right + 8, y: y + 14, "font-size": 11}, (u.z > 0 ? "+" : "") + P.fmt(u.z, 2) + (word ? " " + word : "")));
      });
      [-max, 0, max].forEach(function (tick) {
        svg.appendChild(svgEl("text", {x: zero + tick * scale, y: height - 3, "font-size": 10, "text-anchor": "middle", fill: "#5f6b7a"},
          (tick > 0 ? "+" : "") + P.fmt(tick, 0)));
      });
      var caption = (en ? item.name_en : item.name_pl) + " (" + item.year + (item.unit ? ", " + item.unit : "") + ")";
      var button = el("button", {type: "button", class: "link chart-png", "data-indicator": item.code,
        "aria-label": t("Download PNG") + ": " + caption, text: t("Download PNG"),
        onclick: function () {
          window.PExport.chartPng(svg, {title: caption, filename: "profil_" + item.code + "_" + voivodeship + ".png"})
            .then(function (png) { document.body.dataset.png = png.width + "x" + png.height; });
        }});
      box.appendChild(el("figure", {"data-indicator": item.code}, [el("figcaption", {text: caption}), svg, button,
        el("p", {class: "muted", text: box.dataset.axis + " · " + box.dataset.mean + " " + P.fmt(item.gmina_mean) + " · " + box.dataset.sd + " " + P.fmt(item.gmina_sd)})]));
    });
  }

  /* Two synchronised maps: gminas coloured by two indicators, partnership outlines on both. */
  var layers = [null, null];
  // Only the latest choice of each map is drawn: a new one aborts the request before it, and
  // an answer that still arrives for an older choice is dropped.
  var latest = [null, null];
  function paintMap(map, index, code, retried) {
    if (latest[index]) { latest[index].abort(); }
    var mine = latest[index] = new AbortController();
    return Promise.all([
      fetch("/api/v1/layers/gmina?zoom=9&voivodeship=" + voivodeship, {signal: mine.signal}).then(function (r) { return r.json(); }),
      P.api("/api/v1/indicators/" + encodeURIComponent(code) + "/map?voivodeship=" + voivodeship, {signal: mine.signal}),
      P.api("/api/v1/partnerships.geojson?voivodeship=" + voivodeship, {signal: mine.signal})
    ]).then(function (res) {
      if (latest[index] !== mine) { return; }
      var data = res[1], colours = Legend.ramp(data.direction, data.breaks.length), missing = 0;
      if (layers[index]) { map.removeLayer(layers[index]); }
      var gminas = L.geoJSON(res[0], {style: function (f) {
          var v = data.values[f.properties.teryt], cls = 0;
          if (v === undefined) { return {weight: 0.3, color: "#777", fillColor: Legend.NO_DATA, fillOpacity: 0.85}; }
          while (cls < data.breaks.length - 1 && v > data.breaks[cls]) { cls++; }
          return {weight: 0.3, color: "#777", fillColor: colours[cls], fillOpacity: 0.8};
        }, onEachFeature: function (f, layer) {
          if (data.values[f.properties.teryt] === undefined) { missing++; }
          layer.bindTooltip(function () {
            var v = data.values[f.properties.teryt];
            return el("span", {text: f.properties.name + ": " + (v === undefined ? t("No data") : P.fmt(v) + (data.unit ? " " + data.unit : ""))});
          }, {sticky: true});
          layer.on("add", function () { var e = layer.getElement(); if (e) { e.dataset.teryt = f.properties.teryt; } });
        }});
      layers[index] = L.featureGroup([
        gminas,
        L.geoJSON(res[2], {style: {color: "#111", weight: 2.5, fill: false}, onEachFeature: function (f, layer) {
          layer.bindTooltip(function () { return el("span", {text: t("Partnership") + ": " + f.properties.name}); }, {sticky: true});
        }})
      ]).addTo(map);
      layers[index].gminas = gminas;
      var name = document.documentElement.lang === "en" ? data.name_en : data.name_pl;
      legends[index] = Legend.choropleth(data, {noData: missing, subtitle: root.dataset.voivodeshipName, catalogue: catalogue[code]});
      Legend.render(document.getElementById("legend-" + SIDES[index]), legends[index]);
      document.getElementById("title-" + SIDES[index]).textContent = name + ", " + data.year;
      drawHighlight(map, index);
      if (index === 0) { map.fitBounds(layers[0].getBounds()); }
      document.body.dataset["painted" + SIDES[index]] = code + ":" + data.year;
    }, function (error) {
      if (latest[index] !== mine) { return; }
      // A busy server answers 429/503 with Retry-After: ask once more a second later.
      if ((error.status === 429 || error.status === 503) && !retried) {
        return new Promise(function (resolve) { setTimeout(resolve, 1000); }).then(function () {
          if (latest[index] === mine) { latest[index] = null; return paintMap(map, index, code, true); }
        });
      }
      throw error;
    });
  }

  /* The unit found by the search, outlined on both maps (their gminas whose TERYT starts so). */
  function drawHighlight(map, index) {
    if (highlights[index]) { map.removeLayer(highlights[index]); highlights[index] = null; }
    if (!highlight || !layers[index]) { return; }
    var features = [];
    layers[index].gminas.eachLayer(function (l) { if (l.feature.properties.teryt.indexOf(highlight) === 0) { features.push(l.feature); } });
    highlights[index] = L.geoJSON({type: "FeatureCollection", features: features},
      {style: {color: "#000", weight: 4, fill: false, opacity: 1, className: "found-unit"}, interactive: false}).addTo(map);
    document.body.dataset.highlighted = highlight + ":" + features.length;
  }

  function wireExports(maps) {
    SIDES.forEach(function (side, index) {
      document.getElementById("png-" + side).addEventListener("click", function () {
        window.PExport.mapPng(maps[index], {title: document.getElementById("title-" + side).textContent + " — " + root.dataset.voivodeshipName,
                                            legend: legends[index], filename: "mapa_" + side + "_" + voivodeship + ".png"})
          .then(function (png) { document.body.dataset.png = png.width + "x" + png.height; });
      });
    });
    window.PExport.wirePrint(document.getElementById("print-map"));
  }

  P.whenMap(function () {
    function start() {
      var maps = window.PARTNERSTWA_MAPS;
      if (maps.length < 2) { return; }
      Legend.ensurePattern();
      wireExports(maps);
      window.PSearch.attach(document.getElementById("unit-search"), function (hit) {
        highlight = hit.teryt;
        var b = hit.bbox;
        maps[0].fitBounds([[b[1], b[0]], [b[3], b[2]]], {maxZoom: 11, animate: false});
        maps.forEach(function (map, index) { drawHighlight(map, index); });
        if (hit.teryt.slice(0, 2) !== voivodeship) {
          P.message(t("This unit lies in another voivodeship: open its comparison"), "info", hit.voivodeship);
        }
      });
      Promise.all([P.api("/api/v1/comparison/" + voivodeship), P.api("/api/v1/indicators")]).then(function (res) {
        result = res[0];
        res[1].forEach(function (i) { catalogue[i.code] = i; });
        renderTable();
        renderProfile();
        document.body.dataset.ready = "1";
      }).catch(function (error) { P.message(t("Could not load the map data"), "error", P.reason(error)); });
      var left = document.getElementById("left-indicator"), right = document.getElementById("right-indicator");
      function both() { return Promise.all([paintMap(maps[0], 0, left.value), paintMap(maps[1], 1, right.value)]); }
      function failed(error) { P.message(t("Could not load the map data"), "error", P.reason(error)); }
      // The two indicators in the URL: a link or a reload shows the same pair; a code not
      // held keeps the default and says so.
      var asked = window.PMapState.read(), problems = [];
      [[left, asked.left], [right, asked.right]].forEach(function (pair) {
        if (!pair[1]) { return; }
        if (Array.prototype.some.call(pair[0].options, function (o) { return o.value === pair[1]; })) { pair[0].value = pair[1]; }
        else { problems.push(t("Indicator “{value}” is not held; showing “{shown}”.").split("{value}").join(pair[1]).split("{shown}").join(pair[0].selectedOptions[0].textContent.trim())); }
      });
      window.PMapState.notice(document.getElementById("map-notice"), problems);
      function remember() { window.PMapState.write({left: left.value, right: right.value}); }
      left.addEventListener("change", function () { remember(); paintMap(maps[0], 0, left.value).catch(failed); });
      right.addEventListener("change", function () { remember(); paintMap(maps[1], 1, right.value).catch(failed); });
      if (asked.left || asked.right) { remember(); }  // a link with a pair says what is shown
      both().catch(function (error) { P.message(t("Could not load the map data"), "error", P.reason(error)); });
    }
    if (window.PARTNERSTWA_MAPS.length >= 2) { start(); } else { document.addEventListener("partnerstwa:map", function h() { if (window.PARTNERSTWA_MAPS.length >= 2) { document.removeEventListener("partnerstwa:map", h); start(); } }); }
  });
})();
