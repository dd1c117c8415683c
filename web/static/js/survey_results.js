/* Survey results: bar charts with 95% interval whiskers (SVG), the choropleth of the gminas
   (hatched where too few answered, the interval in the tooltip), the youth scatter.
   Every text from the data goes in as text, never markup. */
(function () {
  "use strict";
  var root = document.getElementById("survey-results");
  if (!root) { return; }
  var data = JSON.parse(document.getElementById("survey-data").textContent);
  var texts = JSON.parse(document.getElementById("survey-texts").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var lang = document.documentElement.lang === "en" ? "en-GB" : "pl-PL";
  var COLOURS = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];

  function fmt(value, digits) {
    if (value === null || value === undefined) { return "–"; }
    return new Intl.NumberFormat(lang, {minimumFractionDigits: digits, maximumFractionDigits: digits}).format(value);
  }
  function shown(value, proportion) { return proportion ? fmt(value * 100, 1) + "%" : fmt(value, 2); }
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  /* Why a result is not shown: too few answers, or hidden so that a small gmina's result
     cannot be worked out by subtraction (complementary suppression). */
  function withheld(r) { return r.suppressed_reason === "complementary" ? texts.complementary : texts.too_few; }
  /* "0 gmin", "1 gmina", "2 gminy", "5 gmin" (common.js's plural forms of the language). */
  function gminas(n) { return window.P && window.P.plural ? window.P.plural("gminas", n) : n + " " + texts.gminas; }
  function label(r) {
    return r.measure === "share" ? r.label : (r.measure === "mean" ? texts.mean : texts.top2);
  }

  /* One horizontal bar per measure; a whisker from the interval's low to high end. */
  function chart(figure, question) {
    var rows = question.results;
    var proportion = rows.every(function (r) { return r.measure !== "mean"; });
    var means = rows.filter(function (r) { return r.measure === "mean" && !r.suppressed; });
    var top = proportion ? 1 : Math.max.apply(null, means.map(function (r) { return r.ci_high; }).concat([1]));
    var width = 560, left = 180, right = 70, bar = 22, gap = 10;
    var height = rows.length * (bar + gap) + 24;
    var box = svg("svg", {viewBox: "0 0 " + width + " " + height, role: "img",
                          "aria-label": question.text, class: "bars"});
    var scale = function (v) { return left + (width - left - right) * Math.max(0, v) / top; };
    rows.forEach(function (r, i) {
      var y = i * (bar + gap) + 4;
      var name = label(r);
      box.appendChild(svg("text", {x: left - 6, y: y + bar * 0.7, "text-anchor": "end", class: "bar-label"},
                          name.length > 28 ? name.slice(0, 27) + "…" : name));
      if (r.suppressed) {
        box.appendChild(svg("rect", {x: left, y: y, width: 60, height: bar, fill: "url(#survey-hatch)", class: "bar-suppressed"}));
        box.appendChild(svg("text", {x: left + 66, y: y + bar * 0.7, class: "bar-value"}, withheld(r)));
        return;
      }
      var end = scale(r.estimate);
      var item = svg("rect", {x: left, y: y, width: Math.max(1, end - left), height: bar, class: "bar"});
      item.appendChild(svg("title", {}, name + ": " + shown(r.estimate, r.measure !== "mean") + " (" +
                           texts.interval + " " + shown(r.ci_low, r.measure !== "mean") + "–" +
                           shown(r.ci_high, r.measure !== "mean") + ")"));
      box.appendChild(item);
      var lo = scale(r.ci_low), hi = scale(r.ci_high), mid = y + bar / 2;
      box.appendChild(svg("line", {x1: lo, x2: hi, y1: mid, y2: mid, class: "whisker"}));
      box.appendChild(svg("line", {x1: lo, x2: lo, y1: mid - 6, y2: mid + 6, class: "whisker"}));
      box.appendChild(svg("line", {x1: hi, x2: hi, y1: mid - 6, y2: mid + 6, class: "whisker"}));
      box.appendChild(svg("text", {x: Math.min(hi + 6, width - right + 4), y: y + bar * 0.7, class: "bar-value"},
                          shown(r.estimate, r.measure !== "mean")));
    });
    figure.insertBefore(box, figure.firstChild);
  }

  data.charts.forEach(function (q) {
    var figure = root.querySelector('figure.survey-chart[data-question="' + CSS.escape(q.code) + '"]');
    if (figure) { chart(figure, q); }
  });

  /* The map: one question and one measure; options of the measure select follow the question. */
  var questionSelect = document.getElementById("map-question");
  var optionSelect = document.getElementById("map-option");
  var legend = document.getElementById("survey-legend");
  var byCode = {};
  data.charts.forEach(function (q) { byCode[q.code] = q; });

  function fillOptions() {
    var q = byCode[questionSelect.value];
    optionSelect.replaceChildren();
    (q ? q.results : []).forEach(function (r) {
      var option = document.createElement("option");
      option.value = r.option || r.measure;
      option.textContent = label(r);
      optionSelect.appendChild(option);
    });
  }

  function legendOf(body) {
    var l = body.legend;
    legend.replaceChildren();
    var head = document.createElement("p");
    head.className = "legend-title";
    head.textContent = l.text + " — " + (l.measure === "share" ? l.label : (l.measure === "mean" ? texts.mean : texts.top2));
    legend.appendChild(head);
    var list = document.createElement("ul");
    l.classes.forEach(function (c, i) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = COLOURS[i];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(shown(c.from, l.proportion) + " – " + shown(c.to, l.proportion) +
                                               " (" + gminas(c.count) + ")"));
      list.appendChild(item);
    });
    var reasons = l.suppressed_reasons || {too_few: l.suppressed, complementary: 0};
    [["too_few", texts.legend_too_few], ["complementary", texts.legend_complementary]].forEach(function (kind) {
      var n = reasons[kind[0]] || 0;
      if (kind[0] === "complementary" && !n) { return; }  // said only where it happened
      var hatched = document.createElement("li");
      var sw = document.createElement("span");
      sw.className = "swatch hatched";
      hatched.appendChild(sw);
      hatched.appendChild(document.createTextNode(kind[1] + " (" + gminas(n) + ")"));
      hatched.dataset.reason = kind[0];
      hatched.dataset.suppressed = String(n);
      list.appendChild(hatched);
    });
    legend.appendChild(list);
  }

  function tooltip(p, proportion) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = p.name;
    box.appendChild(name);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(p.suppressed ? withheld(p) :
      shown(p.estimate, proportion) + " (" + texts.interval + " " + shown(p.ci_low, proportion) + "–" +
      shown(p.ci_high, proportion) + "), " + p.n + " " + texts.answers));
    return box;
  }

  var layer = null;
  function draw(map) {
    var url = data.api + "?question=" + encodeURIComponent(questionSelect.value) +
              "&option=" + encodeURIComponent(optionSelect.value);
    fetch(url, {headers: {Accept: "application/geo+json"}, credentials: "same-origin"})
      .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
      .then(function (body) {
        if (layer) { map.removeLayer(layer); }
        var proportion = body.legend.proportion;
        layer = L.geoJSON(body, {
          style: function (f) {
            var p = f.properties;
            return p.suppressed ? {className: "survey-suppressed", color: "#555", weight: 1, fillOpacity: 1}
                                : {color: "#555", weight: 1, fillColor: COLOURS[p["class"]], fillOpacity: 0.85};
          },
          onEachFeature: function (f, shape) { shape.bindTooltip(tooltip(f.properties, proportion), {sticky: true}); }
        }).addTo(map);
        if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), {padding: [10, 10]}); }
        legendOf(body);
        root.dataset.mapReady = questionSelect.value + ":" + optionSelect.value;
      })
      .catch(function () { legend.textContent = texts.load_failed; });
  }

  function start(maps) {
    var map = maps[0];
    if (!questionSelect.value) { return; }
    fillOptions();
    draw(map);
    questionSelect.addEventListener("change", function () { fillOptions(); draw(map); });
    optionSelect.addEventListener("change", function () { draw(map); });
  }
  if (window.P && window.P.whenMap) { window.P.whenMap(start); }

  /* Youth: the boxes belong to the question shown; another question, once sent with "Show",
     gets its leaving answers proposed from their words (no submission on change: WCAG 3.2.2). */
  var youthQuestion = document.getElementById("youth-question");
  if (youthQuestion) {
    var shownQuestion = youthQuestion.value;
    youthQuestion.addEventListener("change", function () {
      var boxes = document.querySelector("#youth-form fieldset");
      if (boxes) { boxes.hidden = youthQuestion.value !== shownQuestion; boxes.disabled = boxes.hidden; }
    });
  }

  /* Youth: share planning to leave (y) against net migration per 1,000 (x), per gmina. */
  var scatter = document.getElementById("youth-scatter");
  if (scatter && data.youth) {
    var points = data.youth.filter(function (r) {
      return r.kind === "gmina" && !r.suppressed && r.net_migration_per_1000 !== null;
    });
    var w = 520, h = 320, m = 48;
    var xs = points.map(function (r) { return r.net_migration_per_1000; });
    var x0 = Math.min.apply(null, xs.concat([0])), x1 = Math.max.apply(null, xs.concat([0]));
    if (x1 === x0) { x1 = x0 + 1; }
    var px = function (v) { return m + (w - 2 * m) * (v - x0) / (x1 - x0); };
    var py = function (v) { return h - m - (h - 2 * m) * v; };
    var plot = svg("svg", {viewBox: "0 0 " + w + " " + h, role: "img", class: "scatter",
                           "aria-label": texts.leaving + " / " + texts.net_migration});
    plot.appendChild(svg("line", {x1: m, x2: w - m, y1: h - m, y2: h - m, class: "axis"}));
    plot.appendChild(svg("line", {x1: m, x2: m, y1: m, y2: h - m, class: "axis"}));
    plot.appendChild(svg("line", {x1: px(0), x2: px(0), y1: m, y2: h - m, class: "zero"}));
    plot.appendChild(svg("text", {x: w / 2, y: h - 10, "text-anchor": "middle"}, texts.net_migration));
    plot.appendChild(svg("text", {x: 12, y: m - 14}, texts.leaving + " (%)"));
    [0, 0.5, 1].forEach(function (v) {
      plot.appendChild(svg("text", {x: m - 6, y: py(v) + 4, "text-anchor": "end"}, fmt(v * 100, 0)));
    });
    [x0, x1].forEach(function (v) {
      plot.appendChild(svg("text", {x: px(v), y: h - m + 16, "text-anchor": "middle"}, fmt(v, 1)));
    });
    points.forEach(function (r) {
      var dot = svg("circle", {cx: px(r.net_migration_per_1000), cy: py(r.estimate), r: 5, class: "dot"});
      dot.appendChild(svg("title", {}, r.name + ": " + shown(r.estimate, true) + ", " + fmt(r.net_migration_per_1000, 1)));
      plot.appendChild(svg("line", {x1: px(r.net_migration_per_1000), x2: px(r.net_migration_per_1000),
                                    y1: py(r.ci_low), y2: py(r.ci_high), class: "whisker"}));
      plot.appendChild(dot);
    });
    scatter.insertBefore(plot, scatter.firstChild);
  }
})();
