/* Pictures of what is on screen: a map as PNG (our vector layers drawn on a canvas with the
   title, legend, scale bar, source and date), a chart (SVG) as PNG, and printing.

   Basemap tiles are not drawn: they come from another server and would make the canvas
   unreadable (and their licence may not allow it); the PNG says so when a basemap is shown.

     PExport.mapPng(map, {title, legend, source, filename})  -> Promise of the Blob, downloaded
     PExport.chartPng(svg, {title, filename})                 -> the same for an SVG chart
     PExport.LEGEND_WIDTH, PExport.TITLE_HEIGHT, PExport.FOOTER_HEIGHT (for the tests) */
(function () {
  "use strict";
  var P = window.P, t = P.t;
  var LEGEND_WIDTH = 300, TITLE_HEIGHT = 56, FOOTER_HEIGHT = 40, PAD = 12;

  function today() {
    return new Intl.DateTimeFormat(P.lang, {year: "numeric", month: "2-digit", day: "2-digit"}).format(new Date());
  }

  function save(blob, filename) {
    var url = URL.createObjectURL(blob), link = document.createElement("a");
    link.href = url; link.download = filename; link.hidden = true;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(url); link.remove(); }, 1000);
  }

  function toBlob(canvas) {
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (blob) { return blob ? resolve(blob) : reject(new Error("PNG")); }, "image/png");
    });
  }

  /* ---------- vector layers onto a canvas ---------- */

  function ringPath(ctx, map, ring) {
    ring.forEach(function (latlng, i) {
      var p = map.latLngToContainerPoint(latlng);
      if (i === 0) { ctx.moveTo(p.x, p.y); } else { ctx.lineTo(p.x, p.y); }
    });
  }

  function dashes(options) {
    if (!options.dashArray) { return []; }
    return String(options.dashArray).split(/[ ,]+/).map(Number).filter(function (n) { return n > 0; });
  }

  function drawPath(ctx, map, layer, view) {
    var o = layer.options;
    if (layer.getBounds && !view.intersects(layer.getBounds())) { return; }
    ctx.beginPath();
    if (layer instanceof L.CircleMarker) {
      var c = map.latLngToContainerPoint(layer.getLatLng());
      ctx.arc(c.x, c.y, layer.getRadius ? layer.getRadius() : 6, 0, 2 * Math.PI);
    } else {
      var polygon = layer instanceof L.Polygon;
      var latlngs = layer.getLatLngs();
      // Nested arrays: a line, a polygon's rings, or several polygons' rings.
      (function walk(items) {
        if (!items.length) { return; }
        if (items[0] instanceof L.LatLng) { ringPath(ctx, map, items); if (polygon) { ctx.closePath(); } return; }
        items.forEach(walk);
      })(latlngs);
    }
    if (o.fill !== false && (layer instanceof L.Polygon || layer instanceof L.CircleMarker)) {
      ctx.globalAlpha = o.fillOpacity === undefined ? 0.2 : o.fillOpacity;
      ctx.fillStyle = window.PLegend ? window.PLegend.canvasFill(ctx, o.fillColor || o.color) : (o.fillColor || o.color);
      ctx.fill("evenodd");
    }
    if (o.stroke !== false && o.weight) {
      ctx.globalAlpha = o.opacity === undefined ? 1 : o.opacity;
      ctx.strokeStyle = o.color; ctx.lineWidth = o.weight;
      ctx.setLineDash(dashes(o));
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.globalAlpha = 1;
  }

  function drawMarker(ctx, map, layer) {
    var p = map.latLngToContainerPoint(layer.getLatLng());
    ctx.beginPath();
    ctx.arc(p.x, p.y, 6, 0, 2 * Math.PI);
    ctx.fillStyle = "#3d5a80"; ctx.fill();
    ctx.strokeStyle = "#fff"; ctx.lineWidth = 2; ctx.stroke();
  }

  function niceLength(metres) {
    var power = Math.pow(10, Math.floor(Math.log10(metres))), d = metres / power;
    return (d >= 5 ? 5 : d >= 2 ? 2 : 1) * power;
  }

  function drawScale(ctx, map, x, y) {
    var size = map.getSize(), mid = size.y / 2;
    var metresPer100 = map.distance(map.containerPointToLatLng([0, mid]), map.containerPointToLatLng([100, mid]));
    var length = niceLength(metresPer100 * 1.2), px = length / metresPer100 * 100;
    ctx.fillStyle = "rgba(255,255,255,0.85)"; ctx.fillRect(x - 4, y - 16, px + 8, 24);
    ctx.strokeStyle = "#1b1b1b"; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(x, y - 6); ctx.lineTo(x, y); ctx.lineTo(x + px, y); ctx.lineTo(x + px, y - 6); ctx.stroke();
    ctx.fillStyle = "#1b1b1b"; ctx.font = "11px sans-serif"; ctx.textBaseline = "bottom";
    ctx.fillText(length >= 1000 ? P.fmt(length / 1000, 0) + " km" : P.fmt(length, 0) + " m", x + 3, y - 3);
  }

  function hasBasemap(map) {
    var found = false;
    map.eachLayer(function (layer) { if (layer instanceof L.TileLayer) { found = true; } });
    return found;
  }

  function legendHeight(model) {
    var probe = document.createElement("canvas").getContext("2d");
    return model ? window.PLegend.draw(probe, model, 0, 0, LEGEND_WIDTH - 2 * PAD) : 0;
  }

  /* The map as a PNG: title band, the map at its size on screen, the legend on the right, the
     scale bar, source and date below. Width = map width + LEGEND_WIDTH. */
  function mapPng(map, options) {
    var opts = options || {}, size = map.getSize();
    var body = Math.max(size.y, legendHeight(opts.legend) + 2 * PAD);
    var canvas = document.createElement("canvas");
    canvas.width = size.x + LEGEND_WIDTH;
    canvas.height = TITLE_HEIGHT + body + FOOTER_HEIGHT;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "#1b1b1b"; ctx.textBaseline = "top";
    ctx.font = "bold 18px sans-serif";
    ctx.fillText(opts.title || document.title, PAD, 10);
    ctx.font = "12px sans-serif"; ctx.fillStyle = "#45505c";
    if (opts.subtitle) { ctx.fillText(opts.subtitle, PAD, 34); }

    ctx.save();
    ctx.translate(0, TITLE_HEIGHT);
    ctx.beginPath(); ctx.rect(0, 0, size.x, size.y); ctx.clip();
    ctx.fillStyle = "#f4f6f8"; ctx.fillRect(0, 0, size.x, size.y);
    var view = map.getBounds().pad(0.05);
    map.eachLayer(function (layer) {
      if (layer instanceof L.Path) { drawPath(ctx, map, layer, view); }
      else if (layer instanceof L.Marker) { drawMarker(ctx, map, layer); }
    });
    ctx.restore();
    ctx.strokeStyle = "#999"; ctx.lineWidth = 1; ctx.strokeRect(0.5, TITLE_HEIGHT + 0.5, size.x - 1, size.y - 1);
    drawScale(ctx, map, PAD + 4, TITLE_HEIGHT + size.y - 10);
    if (opts.legend) { window.PLegend.draw(ctx, opts.legend, size.x + PAD, TITLE_HEIGHT + PAD, LEGEND_WIDTH - 2 * PAD); }

    ctx.fillStyle = "#45505c"; ctx.font = "11px sans-serif"; ctx.textBaseline = "top";
    var foot = (opts.source || t("Boundaries: GUGiK (PRG); statistics: GUS.")) + " · " + t("Date") + ": " + today();
    if (hasBasemap(map)) { foot += " · " + t("the basemap is not included"); }
    ctx.fillText(foot, PAD, TITLE_HEIGHT + body + 12);
    return toBlob(canvas).then(function (blob) {
      save(blob, opts.filename || "mapa.png");
      return {blob: blob, width: canvas.width, height: canvas.height};
    });
  }

  /* An SVG chart as a PNG: styles from the page's stylesheet are copied onto the elements,
     since an SVG drawn as an image sees no stylesheet. */
  function chartPng(svg, options) {
    var opts = options || {};
    var box = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width ? svg.viewBox.baseVal : svg.getBoundingClientRect();
    var width = Math.round(box.width), height = Math.round(box.height);
    var clone = svg.cloneNode(true), originals = svg.querySelectorAll("*"), copies = clone.querySelectorAll("*");
    originals.forEach(function (node, i) {
      var style = getComputedStyle(node);
      ["fill", "stroke", "stroke-width", "font-size", "font-family", "font-weight"].forEach(function (name) {
        copies[i].style.setProperty(name, style.getPropertyValue(name));
      });
    });
    clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    clone.setAttribute("width", width); clone.setAttribute("height", height);
    var title = opts.title || "", band = title ? 28 : 0;
    var url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], {type: "image/svg+xml"}));
    return new Promise(function (resolve, reject) {
      var image = new Image();
      image.onload = function () {
        var canvas = document.createElement("canvas");
        canvas.width = width + 2 * PAD; canvas.height = height + band + 2 * PAD;
        var ctx = canvas.getContext("2d");
        ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.fillStyle = "#1b1b1b"; ctx.font = "bold 14px sans-serif"; ctx.textBaseline = "top";
        if (title) { ctx.fillText(title, PAD, PAD); }
        ctx.drawImage(image, PAD, PAD + band, width, height);
        URL.revokeObjectURL(url);
        toBlob(canvas).then(function (blob) {
          save(blob, opts.filename || "wykres.png");
          resolve({blob: blob, width: canvas.width, height: canvas.height});
        }, reject);
      };
      image.onerror = function () { URL.revokeObjectURL(url); reject(new Error("SVG")); };
      image.src = url;
    });
  }

  /* Print: the page's print stylesheet shows the title, map, legend, scale, source and date. */
  function wirePrint(button) {
    // The date is on the page for any way of printing (the button, Ctrl+P, the menu).
    function date() {
      document.querySelectorAll(".print-date").forEach(function (node) { node.textContent = t("Date") + ": " + today(); });
    }
    date();
    window.addEventListener("beforeprint", date);
    if (!button) { return; }
    button.addEventListener("click", function () { date(); window.print(); });
  }

  window.PExport = {mapPng: mapPng, chartPng: chartPng, wirePrint: wirePrint, today: today,
                    LEGEND_WIDTH: LEGEND_WIDTH, TITLE_HEIGHT: TITLE_HEIGHT, FOOTER_HEIGHT: FOOTER_HEIGHT};
})();
