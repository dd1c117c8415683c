/* GeoDa-style linked views of a LISA run beside the cluster map: the Moran scatterplot
   (standardised value against its spatial lag, slope = Moran's I), the significance map, the
   choice of significance level and false discovery rate, and brushing: gminas selected in the
   plot are outlined on both maps, gminas clicked on a map are marked in the plot.

   The overview page hands over through window.partnerstwa.overview (its map, gmina layer,
   callbacks when a run is shown, the layer replaced or the map painted, and setLabels). */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el;
  var O = window.partnerstwa.overview;
  var SVG = "http://www.w3.org/2000/svg";
  var ALPHAS = [0.05, 0.01, 0.001];
  var QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"};
  // GeoDa's significance map: darker green for smaller pseudo p-values.
  var P_CLASSES = [[0.0001, "#00441b"], [0.001, "#006d2c"], [0.01, "#41ab5d"], [0.05, "#a1d99b"]];
  var NOT_SIGNIFICANT = "#eeeeee";
  var PLOT = {w: 320, h: 280, pad: 34};

  var view = {run: null, scatter: null, selected: new Set(), alpha: 0.05, fdr: true,
              labels: {}, significant: new Set(), sigMap: null, sigLayer: null,
              highlights: [], request: null, section: null, brush: null};

  /* Which units are significant: p <= alpha, or with the FDR the Benjamini-Hochberg step-up
     (the largest k with p_(k) <= k * alpha / m, m = units with neighbours), as the server's
     scipy false_discovery_control(p, method="bh") <= alpha. */
  function significantUnits(results, alpha, fdr) {
    var tested = Object.keys(results).filter(function (code) {
      var r = results[code];
      return r.quadrant > 0 && r.p_value !== undefined && r.p_value !== null;
    });
    if (!fdr) {
      return new Set(tested.filter(function (code) { return results[code].p_value <= alpha; }));
    }
    var sorted = tested.slice().sort(function (a, b) { return results[a].p_value - results[b].p_value; });
    var m = sorted.length, cut = -1;
    sorted.forEach(function (code, i) { if (results[code].p_value <= (i + 1) * alpha / m) { cut = i; } });
    return new Set(sorted.slice(0, cut + 1));
  }

  function labelsOf(results, significant) {
    var labels = {};
    Object.keys(results).forEach(function (code) {
      var q = results[code].quadrant;
      labels[code] = !q ? "isolated" : significant.has(code) ? QUADRANTS[q] : "ns";
    });
    return labels;
  }

  function pColour(code) {
    if (!view.significant.has(code)) { return NOT_SIGNIFICANT; }
    var p = view.run.results[code].p_value;
    for (var i = 0; i < P_CLASSES.length; i++) { if (p <= P_CLASSES[i][0]) { return P_CLASSES[i][1]; } }
    return P_CLASSES[P_CLASSES.length - 1][1];
  }

  /* ---------- the panel section ---------- */

  function build() {
    if (view.section) { return view.section; }
    var alpha = el("select", {id: "lisa-alpha"}, ALPHAS.map(function (a) {
      return el("option", {value: String(a), text: P.fmt(a, 3)});
    }));
    var fdr = el("input", {type: "checkbox", id: "lisa-fdr", checked: "checked"});
    var categories = el("select", {id: "lisa-select-category"}, [
      el("option", {value: "", text: t("Select gminas by category…")}),
      el("option", {value: "HH", text: t("High-High (hot spot)")}),
      el("option", {value: "LL", text: t("Low-Low (cold spot)")}),
      el("option", {value: "HL", text: t("High-Low (outlier)")}),
      el("option", {value: "LH", text: t("Low-High (outlier)")})]);
    var section = el("section", {id: "linked-views", class: "linked-views", "aria-labelledby": "linked-title"}, [
      el("h2", {id: "linked-title", text: t("Moran scatterplot")}),
      el("div", {class: "row"}, [
        el("label", {}, [t("Significance level") + " ", alpha]),
        el("label", {class: "inline"}, [fdr, " " + t("False discovery rate (Benjamini–Hochberg)")])]),
      el("figure", {class: "moran-figure"}, [
        el("div", {class: "moran-plot", id: "moran-plot"}),
        el("figcaption", {id: "moran-caption", class: "muted"}),
        el("button", {type: "button", class: "link chart-png", id: "moran-png", text: t("Download PNG"),
                      "aria-label": t("Download PNG") + ": " + t("Moran scatterplot")})]),
      el("p", {class: "muted", text: t("Drag over the points to select gminas; click a gmina on a map to select it, with Shift to add it.")}),
      el("div", {class: "row"}, [
        el("label", {}, [t("Select") + " ", categories]),
        el("button", {type: "button", id: "lisa-clear", text: t("Clear selection")})]),
      el("p", {id: "lisa-selection", "aria-live": "polite", "data-count": "0"}),
      el("h3", {text: t("Significance map")}),
      el("div", {id: "significance-map", class: "significance-map", role: "img", "aria-label": t("Significance map")}),
      el("div", {id: "significance-legend", class: "legend"})]);
    var anchor = document.getElementById("legend");
    anchor.parentNode.insertBefore(section, anchor.nextSibling);
    alpha.addEventListener("change", function () { view.alpha = Number(alpha.value); relabel(); });
    fdr.addEventListener("change", function () { view.fdr = fdr.checked; relabel(); });
    categories.addEventListener("change", function () {
      if (!categories.value) { return; }
      var chosen = Object.keys(view.labels).filter(function (c) { return view.labels[c] === categories.value; });
      select(chosen, false);
      categories.value = "";
    });
    document.getElementById("lisa-clear").addEventListener("click", function () { select([], false); });
    document.getElementById("moran-png").addEventListener("click", function () {
      var plot = document.querySelector("#moran-plot svg");
      if (!plot || !window.PExport) { return; }
      window.PExport.chartPng(plot, {title: document.getElementById("moran-caption").textContent,
                                     filename: "moran_" + view.run.id + ".png"})
        .then(function (png) { document.body.dataset.png = png.width + "x" + png.height; });
    });
    view.section = section;
    return section;
  }

  /* ---------- labels under the chosen rule ---------- */

  function relabel() {
    view.significant = significantUnits(view.run.results, view.alpha, view.fdr);
    view.labels = labelsOf(view.run.results, view.significant);
    O.setLabels(view.labels, {alpha: view.alpha, fdr: view.fdr});
    view.section.dataset.alpha = String(view.alpha);
    view.section.dataset.fdr = view.fdr ? "1" : "0";
    view.section.dataset.significant = String(view.significant.size);
    drawPlot();
    paintSignificance();
  }

  /* ---------- the scatterplot ---------- */

  /* Each axis symmetric about 0 (the quadrants meet in the middle), scaled to its own data. */
  function scales() {
    var s = view.scatter;
    function reachOf(extent) {
      var r = Math.max(0.5, Math.abs(extent[0]), Math.abs(extent[1]));
      return Math.ceil(r * 1.05 * 2) / 2;
    }
    var rx = reachOf(s.extent.z), ry = reachOf(s.extent.lag);
    var inner = {w: PLOT.w - 2 * PLOT.pad, h: PLOT.h - 2 * PLOT.pad};
    return {
      reachX: rx, reachY: ry,
      x: function (v) { return PLOT.pad + (v + rx) / (2 * rx) * inner.w; },
      y: function (v) { return PLOT.h - PLOT.pad - (v + ry) / (2 * ry) * inner.h; },
      invX: function (px) { return (px - PLOT.pad) / inner.w * 2 * rx - rx; },
      invY: function (py) { return (PLOT.h - PLOT.pad - py) / inner.h * 2 * ry - ry; }
    };
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function drawPlot() {
    var box = document.getElementById("moran-plot");
    if (!view.scatter) { box.replaceChildren(el("p", {text: t("Loading…")})); return; }
    var s = view.scatter, sc = scales();
    var plot = svg("svg", {viewBox: "0 0 " + PLOT.w + " " + PLOT.h, class: "moran-svg", role: "img",
                           "aria-labelledby": "moran-caption"});
    var axis = {stroke: "#555", "stroke-width": 1};
    plot.appendChild(svg("line", Object.assign({x1: sc.x(-sc.reachX), x2: sc.x(sc.reachX), y1: sc.y(0), y2: sc.y(0)}, axis)));
    plot.appendChild(svg("line", Object.assign({x1: sc.x(0), x2: sc.x(0), y1: sc.y(-sc.reachY), y2: sc.y(sc.reachY)}, axis)));
    var xLabel = svg("text", {x: PLOT.w / 2, y: PLOT.h - 6, "text-anchor": "middle", class: "axis-label"});
    xLabel.textContent = t("standardised value");
    var yLabel = svg("text", {x: 12, y: PLOT.h / 2, "text-anchor": "middle", class: "axis-label",
                              transform: "rotate(-90 12 " + PLOT.h / 2 + ")"});
    yLabel.textContent = t("spatial lag");
    plot.appendChild(xLabel);
    plot.appendChild(yLabel);
    [-sc.reachX, sc.reachX].forEach(function (v) {
      var tick = svg("text", {x: sc.x(v), y: sc.y(0) + 12, "text-anchor": v < 0 ? "start" : "end", class: "tick"});
      tick.textContent = P.fmt(v, 1);
      plot.appendChild(tick);
    });
    [-sc.reachY, sc.reachY].forEach(function (v) {
      var tick = svg("text", {x: sc.x(0) + 4, y: sc.y(v) + (v < 0 ? -3 : 10), "text-anchor": "start", class: "tick"});
      tick.textContent = P.fmt(v, 1);
      plot.appendChild(tick);
    });
    if (s.slope !== null) {
      // The least-squares line through the origin: its slope is Moran's I (clipped to the box).
      var x0 = Math.min(sc.reachX, s.slope ? sc.reachY / Math.abs(s.slope) : sc.reachX);
      plot.appendChild(svg("line", {x1: sc.x(-x0), y1: sc.y(-x0 * s.slope), x2: sc.x(x0),
                                    y2: sc.y(x0 * s.slope), stroke: "#1b1b1b", "stroke-width": 1.5,
                                    class: "moran-slope"}));
    }
    var chosen = view.selected.size > 0;
    var points = svg("g", {class: "points"});
    s.points.forEach(function (p) {
      var on = view.selected.has(p.teryt);
      var label = view.labels[p.teryt] || "ns";
      var dot = svg("circle", {cx: sc.x(p.z).toFixed(1), cy: sc.y(p.lag).toFixed(1), r: on ? 4 : 2.6,
                               fill: P.LISA[label] || P.LISA.ns, stroke: on ? "#000" : "#555",
                               "stroke-width": on ? 1.5 : 0.4, "data-teryt": p.teryt,
                               "data-label": label, class: on ? "selected" : "",
                               opacity: chosen && !on ? 0.35 : 1});
      points.appendChild(dot);
    });
    plot.appendChild(points);
    view.brushRect = svg("rect", {class: "brush", x: 0, y: 0, width: 0, height: 0, fill: "rgba(61,90,128,0.15)",
                                  stroke: "#3d5a80", "stroke-dasharray": "3 2", visibility: "hidden"});
    plot.appendChild(view.brushRect);
    attachBrush(plot, sc);
    box.replaceChildren(plot);
    document.getElementById("moran-caption").textContent =
      t("Moran scatterplot") + ": " + s.points.length + " · I = " + P.fmt(s.slope, 3) +
      (s.isolated.length ? " · " + t("without neighbours") + ": " + s.isolated.length : "");
    box.dataset.points = String(s.points.length);
  }

  function toPlot(plot, event) {
    var m = plot.getScreenCTM().inverse(), pt = plot.createSVGPoint();
    pt.x = event.clientX; pt.y = event.clientY;
    return pt.matrixTransform(m);
  }

  function attachBrush(plot, sc) {
    plot.addEventListener("pointerdown", function (event) {
      var start = toPlot(plot, event);
      view.brush = {start: start, add: event.shiftKey};
      plot.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    plot.addEventListener("pointermove", function (event) {
      if (!view.brush) { return; }
      var now = toPlot(plot, event), a = view.brush.start;
      view.brushRect.setAttribute("x", Math.min(a.x, now.x));
      view.brushRect.setAttribute("y", Math.min(a.y, now.y));
      view.brushRect.setAttribute("width", Math.abs(now.x - a.x));
      view.brushRect.setAttribute("height", Math.abs(now.y - a.y));
      view.brushRect.setAttribute("visibility", "visible");
    });
    plot.addEventListener("pointerup", function (event) {
      if (!view.brush) { return; }
      var a = view.brush.start, b = toPlot(plot, event), add = view.brush.add;
      view.brush = null;
      var x0 = sc.invX(Math.min(a.x, b.x)), x1 = sc.invX(Math.max(a.x, b.x));
      var y0 = sc.invY(Math.max(a.y, b.y)), y1 = sc.invY(Math.min(a.y, b.y));
      var inside = view.scatter.points.filter(function (p) {
        return p.z >= x0 && p.z <= x1 && p.lag >= y0 && p.lag <= y1;
      }).map(function (p) { return p.teryt; });
      select(inside, add);
    });
  }

  /* ---------- selection on both maps ---------- */

  function select(codes, add) {
    if (!add) { view.selected = new Set(); }
    codes.forEach(function (c) { view.selected.add(c); });
    var note = document.getElementById("lisa-selection");
    note.textContent = t("Selected gminas") + ": " + view.selected.size;
    note.dataset.count = String(view.selected.size);
    drawPlot();
    outline();
  }

  function toggle(code, add) {
    if (add && view.selected.has(code)) {
      view.selected.delete(code);
      select([], true);
    } else {
      select([code], add);
    }
  }

  function outline() {
    view.highlights.forEach(function (h) { h.remove(); });
    view.highlights = [];
    if (!view.selected.size) { return; }
    var layer = O.gminaLayer;
    if (!layer) { return; }
    var features = [];
    layer.eachLayer(function (l) {
      if (l.feature && view.selected.has(l.feature.properties.teryt)) { features.push(l.feature); }
    });
    var style = {color: "#000", weight: 2.5, fill: false, opacity: 1};
    [O.map, view.sigMap].forEach(function (map) {
      if (!map) { return; }
      view.highlights.push(L.geoJSON({type: "FeatureCollection", features: features},
                                     {style: style, interactive: false, className: "selected-gmina"}).addTo(map));
    });
  }

  function onMapClick(event) {
    var feature = event.layer && event.layer.feature;
    if (!view.run || !feature) { return; }
    toggle(feature.properties.teryt, event.originalEvent && event.originalEvent.shiftKey);
  }

  /* ---------- the significance map ---------- */

  function ensureSigMap() {
    if (view.sigMap) { return; }
    var main = O.map;
    view.sigMap = L.map("significance-map", {zoomControl: false, attributionControl: false,
                                             keyboard: false})
      .setView(main.getCenter(), Math.max(main.getZoom() - 1, 4));
    // One-way: the significance map follows the cluster map.
    main.on("moveend", function () {
      view.sigMap.setView(main.getCenter(), Math.max(main.getZoom() - 1, 4), {animate: false});
    });
  }

  function significanceStyle(feature) {
    var code = feature.properties.teryt, known = view.run && view.run.results[code];
    return {weight: 0.3, color: "#777", fillOpacity: known ? 0.9 : 0.15,
            fillColor: known ? pColour(code) : "#ffffff"};
  }

  /* The gminas of the cluster map drawn again, coloured by pseudo p-value; rebuilt only when
     the cluster map's layer is replaced (another zoom band or area), restyled otherwise. */
  function paintSignificance(rebuild) {
    var layer = O.gminaLayer;
    if (!layer || !view.run) { return; }
    ensureSigMap();
    view.sigMap.invalidateSize();
    if (view.sigLayer && !rebuild) {
      view.sigLayer.setStyle(significanceStyle);
    } else {
      if (view.sigLayer) { view.sigLayer.remove(); }
      view.sigLayer = L.geoJSON(layer.toGeoJSON(), {style: significanceStyle})
        .on("click", onMapClick).addTo(view.sigMap);
      outline();
    }
    significanceLegend();
  }

  function significanceLegend() {
    var box = document.getElementById("significance-legend"), counts = {};
    view.significant.forEach(function (code) {
      var colour = pColour(code);
      counts[colour] = (counts[colour] || 0) + 1;
    });
    var tested = Object.keys(view.run.results).filter(function (c) { return view.run.results[c].quadrant > 0; }).length;
    var rows = P_CLASSES.map(function (c) { return [c[1], "p ≤ " + P.fmt(c[0], 4), counts[c[1]] || 0]; })
      .filter(function (row, i) { return P_CLASSES[i][0] <= view.alpha || row[2] > 0; });
    rows.push([NOT_SIGNIFICANT, t("not significant"), tested - view.significant.size]);
    box.replaceChildren.apply(box, rows.map(function (row) {
      return el("div", {class: "legend-row"}, [el("span", {class: "swatch", style: "background:" + row[0]}),
        row[1], el("span", {class: "count", text: " (" + row[2] + ")"})]);
    }));
    box.appendChild(el("p", {class: "legend-meta", text: t("Significance level") + ": " + P.fmt(view.alpha, 3) +
      " · " + (view.fdr ? t("with the false discovery rate") : t("without correction"))}));
  }

  /* ---------- the run ---------- */

  function show(run) {
    build().hidden = false;
    // the same run shown again (the map repainted) keeps its plot and the reader's choices
    if (view.run && view.run.id === run.id && view.scatter) {
      // the map was repainted with the run's stored labels: give it the reader's rule again;
      // the plot and the significance map show the same run and labels, so they stay as drawn
      view.run = run;
      O.setLabels(view.labels, {alpha: view.alpha, fdr: view.fdr});
      return;
    }
    // data-run says which run the plot shows: never a stale one while the next loads
    delete view.section.dataset.run;
    if (view.run && view.run.id !== run.id) { view.selected = new Set(); }
    view.run = run;
    var alpha = Number((run.parameters && run.parameters.alpha) || 0.05);
    var choice = document.getElementById("lisa-alpha");
    if (ALPHAS.indexOf(alpha) < 0) {
      choice.appendChild(el("option", {value: String(alpha), text: P.fmt(alpha, 3)}));
    }
    choice.value = String(alpha);
    view.alpha = alpha;
    view.fdr = true;  // a stored run's labels are FDR-significant at its alpha
    document.getElementById("lisa-fdr").checked = true;
    view.scatter = null;
    if (view.request) { view.request.abort(); }
    var mine = view.request = new AbortController();
    relabel();
    P.api("/api/v1/analysis/runs/" + encodeURIComponent(run.id) + "/scatter", {signal: mine.signal})
      .then(function (scatter) {
        if (mine !== view.request || view.run !== run) { return; }
        view.scatter = scatter;
        drawPlot();
        view.section.dataset.run = String(run.id);
      }).catch(function (error) {
        if (error.name === "AbortError" || mine !== view.request) { return; }
        document.getElementById("moran-plot").replaceChildren(el("p", {class: "error", text: P.reason(error)}));
      });
  }

  function hide() {
    if (view.section) { view.section.hidden = true; }
    if (view.request) { view.request.abort(); view.request = null; }
    view.run = null;
    view.highlights.forEach(function (h) { h.remove(); });
    view.highlights = [];
  }

  O.onLayer(function (layer) {
    layer.on("click", onMapClick);
    if (view.run) { paintSignificance(true); }
  });
  O.onRunShown(show);
  O.onPainted(function (mode) { if (mode !== "lisa") { hide(); } });

  window.PLinked = {
    selection: function () { return Array.from(view.selected).sort(); },
    labels: function () { return view.labels; },
    significantUnits: significantUnits
  };
})();
