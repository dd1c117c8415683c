/* Legends that tell the truth, the same on every map: what is drawn (indicator, unit, year,
   source, classification), each class with its count, and "no data" in its own hatched style
   that the map uses too. A legend is a model ({title, meta, rows}) drawn into the page
   (render) or onto a canvas for a PNG (draw), so the picture and the page never differ.

   Used by the overview, comparison, national and workspace pages:
     PLegend.choropleth(data, {noData})       -> model of an indicator map (/indicators/x/map)
     PLegend.lisa(run, labels, {indicator, alpha, fdr, noData, extent}) -> model of a LISA map
       (labels: those of the gminas drawn; extent: the name of what the map shows)
     PLegend.categories(title, rows, meta)    -> model of anything else (rows: fill, label, count)
     PLegend.render(box, model)               -> fills the element (a <section class="legend">)
     PLegend.draw(ctx, model, x, y, width)    -> draws it on a canvas, returns the height used
     PLegend.ramp(direction, k), PLegend.NO_DATA (a fill for Leaflet: url(#…)),
     PLegend.LISA (category colours), PLegend.swatch(fill, kind) */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el, SVG = "http://www.w3.org/2000/svg";
  var PATTERN_ID = "partnerstwa-nodata";
  var NO_DATA = "url(#" + PATTERN_ID + ")";
  var HATCH = {background: "#ffffff", line: "#5f6b7a"};

  // ColorBrewer YlOrRd (higher is worse) and Blues (otherwise) without their near-white
  // first colours, so that the lightest class never looks like "no data" or the background.
  var RAMPS = {
    bad: ["#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"],
    good: ["#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]
  };
  var LISA = P.LISA;  // one set of category colours for every LISA map (common.js)
  var LISA_ROWS = [["HH", "High-High (hot spot)"], ["LL", "Low-Low (cold spot)"],
    ["HL", "High-Low (outlier)"], ["LH", "Low-High (outlier)"], ["ns", "not significant"],
    ["isolated", "without neighbours"]];
  var METHODS = {quantiles: "quantiles", natural_breaks: "natural breaks", equal_interval: "equal intervals"};

  function ramp(direction, k) {
    var colours = direction === "higher-worse" ? RAMPS.bad : RAMPS.good, out = [];
    for (var i = 0; i < k; i++) { out.push(colours[Math.round(i * (colours.length - 1) / Math.max(k - 1, 1))]); }
    return out;
  }

  /* The hatch pattern, once per page, in an invisible SVG: Leaflet's SVG paths and the legend
     swatches both fill with url(#partnerstwa-nodata). */
  function ensurePattern() {
    if (document.getElementById(PATTERN_ID)) { return; }
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "0"); svg.setAttribute("height", "0");
    svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "pattern-defs");
    var defs = document.createElementNS(SVG, "defs"), pattern = document.createElementNS(SVG, "pattern");
    pattern.setAttribute("id", PATTERN_ID);
    pattern.setAttribute("patternUnits", "userSpaceOnUse");
    pattern.setAttribute("width", "6"); pattern.setAttribute("height", "6");
    pattern.setAttribute("patternTransform", "rotate(45)");
    var back = document.createElementNS(SVG, "rect");
    back.setAttribute("width", "6"); back.setAttribute("height", "6"); back.setAttribute("fill", HATCH.background);
    var line = document.createElementNS(SVG, "line");
    line.setAttribute("x1", "0"); line.setAttribute("y1", "0"); line.setAttribute("x2", "0"); line.setAttribute("y2", "6");
    line.setAttribute("stroke", HATCH.line); line.setAttribute("stroke-width", "2");
    pattern.appendChild(back); pattern.appendChild(line); defs.appendChild(pattern); svg.appendChild(defs);
    document.body.appendChild(svg);
  }

  /* A small SVG picture of a class: a filled box, a line, or a point. */
  function swatch(fill, kind) {
    var svg = document.createElementNS(SVG, "svg"), shape;
    svg.setAttribute("width", "24"); svg.setAttribute("height", "14");
    svg.setAttribute("class", "swatch-svg"); svg.setAttribute("aria-hidden", "true");
    if (kind === "line") {
      shape = document.createElementNS(SVG, "line");
      shape.setAttribute("x1", "1"); shape.setAttribute("y1", "7"); shape.setAttribute("x2", "23"); shape.setAttribute("y2", "7");
      shape.setAttribute("stroke", fill); shape.setAttribute("stroke-width", "3");
    } else if (kind === "point") {
      shape = document.createElementNS(SVG, "circle");
      shape.setAttribute("cx", "12"); shape.setAttribute("cy", "7"); shape.setAttribute("r", "5");
      shape.setAttribute("fill", fill); shape.setAttribute("stroke", "#222");
    } else if (kind === "outline") {
      shape = document.createElementNS(SVG, "rect");
      shape.setAttribute("x", "1.5"); shape.setAttribute("y", "1.5"); shape.setAttribute("width", "21"); shape.setAttribute("height", "11");
      shape.setAttribute("fill", "none"); shape.setAttribute("stroke", fill); shape.setAttribute("stroke-width", "2.5");
      shape.setAttribute("stroke-dasharray", "5 2");
    } else {
      shape = document.createElementNS(SVG, "rect");
      shape.setAttribute("x", "0.5"); shape.setAttribute("y", "0.5"); shape.setAttribute("width", "23"); shape.setAttribute("height", "13");
      shape.setAttribute("fill", fill); shape.setAttribute("stroke", "#666");
    }
    svg.appendChild(shape);
    return svg;
  }

  function english() { return document.documentElement.lang === "en"; }

  /* Unit and source in words when the catalogue gives them (unit_en, source_label_pl/_en),
     else as stored. ``entry`` is the indicator's catalogue row, if the page has it. */
  function unitText(data, entry) {
    var e = Object.assign({}, data, entry || {});
    return e.unit_label || (english() ? e.unit_en || e.unit : e.unit) || "";
  }
  function sourceText(data, entry) {
    var e = Object.assign({}, data, entry || {});
    var label = e.source_label || (english() ? e.source_label_en : e.source_label_pl);
    if (label) { return label; }
    return (e.source || "") + (e.source_ref ? " (" + e.source_ref + ")" : "");
  }

  /* An indicator map answer (/api/v1/indicators/<code>/map) as a legend; ``noData`` is the
     number of drawn gminas without a value. */
  function choropleth(data, options) {
    var opts = options || {}, colours = ramp(data.direction, data.breaks.length);
    var name = english() ? data.name_en : data.name_pl;
    var rows = data.breaks.map(function (upper, i) {
      var lower = i === 0 ? data.min : data.breaks[i - 1];
      return {key: String(i), fill: colours[i], count: data.counts[i],
              label: (i === 0 ? "" : "> ") + P.fmt(lower) + " – " + P.fmt(upper)};
    });
    rows.push({key: "nodata", fill: NO_DATA, count: opts.noData || 0, label: t("no data")});
    var meta = [], unit = unitText(data, opts.catalogue), source = sourceText(data, opts.catalogue);
    if (unit) { meta.push(t("Unit") + ": " + unit); }
    meta.push(t("Year") + ": " + data.year);
    if (source) { meta.push(t("Source") + ": " + source); }
    meta.push(t("Classification") + ": " + t(METHODS[data.method] || data.method) + ", " +
              P.plural("classes", data.breaks.length));
    return {kind: "choropleth", title: name, subtitle: opts.subtitle || "", meta: meta, rows: rows,
            method: data.method};
  }

  /* A LISA run as a legend: indicator, year, significance level and FDR choice, counts. */
  function lisa(run, labels, options) {
    var opts = options || {}, counts = {};
    Object.keys(labels || {}).forEach(function (code) { counts[labels[code]] = (counts[labels[code]] || 0) + 1; });
    var rows = LISA_ROWS.map(function (row) {
      return {key: row[0], fill: LISA[row[0]], label: t(row[1]), count: counts[row[0]] || 0};
    });
    rows.push({key: "nodata", fill: NO_DATA, label: t("no data"), count: opts.noData || 0});
    var indicator = opts.indicator || {};
    var name = (english() ? indicator.name_en : indicator.name_pl) || run.indicator;
    var alpha = opts.alpha !== undefined ? opts.alpha : Number((run.parameters || {}).alpha || 0.05);
    var fdr = opts.fdr !== undefined ? opts.fdr : true;  // stored labels are FDR-significant
    var unit = unitText(indicator, null);
    var meta = [t("Indicator") + ": " + name + (unit ? " [" + unit + "]" : ""),
      t("Year") + ": " + run.year,
      t("Significance level") + ": α = " + P.fmt(alpha, 3) + " · " +
        (fdr ? t("with the false discovery rate") : t("without correction"))];
    var perms = (run.parameters || {}).permutations;
    if (perms) { meta.push(P.plural("permutations", perms)); }
    // The counts are of the gminas the map shows (a voivodeship of a national run): say so.
    if (opts.extent) { meta.push({key: "extent", text: t("Counts of gminas in the visible extent") + ": " + opts.extent}); }
    var m = run.summary && run.summary.moran;
    if (m) {
      meta.push({key: "moran", text: t("Global Moran's I") + ": " + P.fmt(m.I, 3) + (m.z_norm === null || m.z_norm === undefined ? "" : " · z = " + P.fmt(m.z_norm, 2)) +
                (m.p_sim === null || m.p_sim === undefined ? "" : " · p = " + P.fmt(m.p_sim, 4))});
    }
    return {kind: "lisa", title: t("LISA clusters"), subtitle: opts.subtitle || "", meta: meta, rows: rows,
            alpha: alpha, fdr: fdr};
  }

  function categories(title, rows, meta) {
    return {kind: "categories", title: title, meta: meta || [], rows: rows};
  }

  function render(box, model) {
    ensurePattern();
    box.replaceChildren();
    if (!model) { return box; }
    box.appendChild(el("h2", {class: "legend-title", text: model.title}));
    if (model.subtitle) { box.appendChild(el("p", {class: "legend-subtitle", text: model.subtitle})); }
    var list = el("ul", {class: "legend-rows"});
    model.rows.forEach(function (row) {
      // "No data" is not a class: it is listed apart (legend-nodata), after the classes.
      var item = el("li", {class: row.key === "nodata" ? "legend-nodata" : "legend-row", "data-class": row.key, "data-label": row.key});
      item.appendChild(swatch(row.fill, row.shape));
      item.appendChild(el("span", {class: "legend-label", text: row.label}));
      if (row.count !== undefined && row.count !== null) {
        item.appendChild(el("span", {class: "count", "data-count": String(row.count), text: " (" + P.fmt(row.count, 0) + ")"}));
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    model.meta.forEach(function (line) {
      var text = typeof line === "string" ? line : line.text, attrs = {class: "legend-meta", text: text};
      if (line.key) { attrs["data-" + line.key] = ""; }
      box.appendChild(el("p", attrs));
    });
    box.dataset.mode = model.kind;
    if (model.method) { box.dataset.method = model.method; }
    return box;
  }

  /* ---------- the same legend on a canvas (PNG downloads) ---------- */

  var hatchCache = null;
  function canvasFill(ctx, fill) {
    if (fill !== NO_DATA) { return fill; }
    if (!hatchCache) {
      var tile = document.createElement("canvas");
      tile.width = 8; tile.height = 8;
      var c = tile.getContext("2d");
      c.fillStyle = HATCH.background; c.fillRect(0, 0, 8, 8);
      c.strokeStyle = HATCH.line; c.lineWidth = 2;
      c.beginPath(); c.moveTo(-2, 2); c.lineTo(2, -2); c.moveTo(0, 8); c.lineTo(8, 0); c.moveTo(6, 10); c.lineTo(10, 6); c.stroke();
      hatchCache = tile;
    }
    return ctx.createPattern(hatchCache, "repeat");
  }

  function wrap(ctx, text, width) {
    var words = String(text).split(" "), lines = [], line = "";
    words.forEach(function (w) {
      var next = line ? line + " " + w : w;
      if (ctx.measureText(next).width > width && line) { lines.push(line); line = w; } else { line = next; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function draw(ctx, model, x, y, width) {
    var top = y;
    ctx.save();
    ctx.textBaseline = "top";
    ctx.fillStyle = "#1b1b1b";
    ctx.font = "bold 14px sans-serif";
    wrap(ctx, model.title, width).forEach(function (line) { ctx.fillText(line, x, y); y += 18; });
    if (model.subtitle) {
      ctx.font = "12px sans-serif";
      wrap(ctx, model.subtitle, width).forEach(function (line) { ctx.fillText(line, x, y); y += 15; });
    }
    y += 4;
    ctx.font = "12px sans-serif";
    model.rows.forEach(function (row) {
      if (row.shape === "line" || row.shape === "outline") {
        ctx.strokeStyle = row.fill; ctx.lineWidth = 2.5;
        ctx.strokeRect(x + 1.5, y + 1.5, 21, 11);
      } else {
        ctx.fillStyle = canvasFill(ctx, row.fill);
        ctx.fillRect(x, y, 24, 14);
        ctx.strokeStyle = "#666"; ctx.lineWidth = 1; ctx.strokeRect(x + 0.5, y + 0.5, 23, 13);
      }
      ctx.fillStyle = "#1b1b1b";
      ctx.fillText(row.label + (row.count !== undefined && row.count !== null ? " (" + P.fmt(row.count, 0) + ")" : ""), x + 30, y + 1);
      y += 19;
    });
    y += 4;
    ctx.fillStyle = "#45505c";
    ctx.font = "11px sans-serif";
    model.meta.forEach(function (line) {
      wrap(ctx, typeof line === "string" ? line : line.text, width).forEach(function (part) { ctx.fillText(part, x, y); y += 14; });
    });
    ctx.restore();
    return y - top;
  }

  window.PLegend = {choropleth: choropleth, lisa: lisa, categories: categories, render: render,
                    draw: draw, ramp: ramp, swatch: swatch, ensurePattern: ensurePattern,
                    canvasFill: canvasFill, NO_DATA: NO_DATA, LISA: LISA, METHODS: METHODS};
})();
