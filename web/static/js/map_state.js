/* The state of a map page in its URL (query string), so that a link or a reload brings back
   the same map: history.replaceState on every change, never a new history entry per click.

     PMapState.read()            -> {key: value} of the current URL (strings)
     PMapState.write(values)     -> replaces the URL's query with these values (empty ones are
                                    left out; "lang" is kept)
     PMapState.view(value)       -> {lat, lng, zoom} from "zoom/lat/lng", or null if it is
                                    not a view of Poland
     PMapState.viewText(map)     -> "zoom/lat/lng" of a Leaflet map
     PMapState.notice(box, texts) shows what a stale link asked for and what is shown instead */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el;
  // Poland with a margin: a view outside it is a broken link, not a choice.
  var BOUNDS = {lat: [48.5, 55.5], lng: [13.5, 24.8], zoom: [5, 16]};

  function read() {
    var out = {};
    new URLSearchParams(window.location.search).forEach(function (value, key) { out[key] = value; });
    return out;
  }

  function write(values) {
    var params = new URLSearchParams(), current = read();
    if (current.lang) { params.set("lang", current.lang); }
    Object.keys(values).forEach(function (key) {
      var value = values[key];
      if (value !== undefined && value !== null && value !== "") { params.set(key, String(value)); }
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(window.history.state, "", url);
    }
  }

  function within(value, range) { return Number.isFinite(value) && value >= range[0] && value <= range[1]; }

  function view(text) {
    if (!text) { return null; }
    var parts = String(text).split("/").map(Number);
    if (parts.length !== 3) { return null; }
    var zoom = parts[0], lat = parts[1], lng = parts[2];
    if (!within(zoom, BOUNDS.zoom) || !within(lat, BOUNDS.lat) || !within(lng, BOUNDS.lng)) { return null; }
    return {zoom: Math.round(zoom), lat: lat, lng: lng};
  }

  function viewText(map) {
    var c = map.getCenter();
    return map.getZoom() + "/" + c.lat.toFixed(4) + "/" + c.lng.toFixed(4);
  }

  function notice(box, problems) {
    if (!box) { return; }
    if (!problems.length) { box.hidden = true; box.replaceChildren(); return; }
    box.replaceChildren(el("strong", {text: t("The link asked for a map that is not available:")}));
    var list = el("ul");
    problems.forEach(function (p) { list.appendChild(el("li", {text: p})); });
    box.appendChild(list);
    box.appendChild(el("button", {type: "button", class: "notice-close", text: t("Close"),
                                  onclick: function () { box.hidden = true; }}));
    box.hidden = false;
  }

  window.PMapState = {read: read, write: write, view: view, viewText: viewText, notice: notice};
})();
