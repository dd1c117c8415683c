/* Shared helpers of the partnerstwa pages: texts, numbers, API calls, messages, drafts. */
(function () {
  "use strict";
  var texts = JSON.parse(document.getElementById("texts").textContent || "{}");
  var lang = document.documentElement.lang === "en" ? "en-GB" : "pl-PL";

  function t(key) { return Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : key; }

  /* A count in words: "1 przedsięwzięcie", "2 przedsięwzięcia", "5 przedsięwzięć". */
  function plural(key, n) {
    var forms = texts["plural:" + key] || {};
    var form = forms[new Intl.PluralRules(lang).select(n)] || forms.other || "{n} " + key;
    return form.replace("{n}", fmt(n, 0));
  }

  function fmt(value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) { return "–"; }
    var d = digits === undefined ? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 1 : 3) : digits;
    return new Intl.NumberFormat(lang, {maximumFractionDigits: d, minimumFractionDigits: 0}).format(value);
  }

  /* Elements built from data: text only, never markup. */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; }
      else if (k === "class") { node.className = attrs[k]; }
      else if (k.slice(0, 2) === "on") { node.addEventListener(k.slice(2), attrs[k]); }
      else if (attrs[k] !== null && attrs[k] !== undefined) { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  var hideTimer = null;
  function message(text, kind, detail) {
    var box = document.getElementById("message");
    box.replaceChildren(el("strong", {text: text}));
    if (detail) { box.appendChild(el("span", {text: " " + detail})); }
    box.className = "message " + (kind || "info");
    box.hidden = false;
    box.dataset.kind = kind || "info";
    clearTimeout(hideTimer);
    if (kind !== "error" && kind !== "conflict") {
      hideTimer = setTimeout(function () { box.hidden = true; }, 4000);
    }
  }

  /* fetch + JSON, with problem details turned into an Error carrying status and detail. */
  function api(url, options) {
    var opts = Object.assign({headers: {}}, options || {});
    if (opts.json !== undefined) {
      opts.body = JSON.stringify(opts.json);
      opts.headers["Content-Type"] = "application/json";
      delete opts.json;
    }
    opts.headers.Accept = "application/json";
    if (opts.method && opts.method !== "GET") {
      opts.headers["X-CSRF-Token"] = document.querySelector("meta[name=csrf-token]").content;
    }
    return fetch(url, opts).then(function (response) {
      if (response.status === 204) { return null; }
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status === 401) {
          var lost = new Error(t("Your session has ended: sign in again in another tab; what you entered is kept here"));
          lost.status = 401;
          lost.body = body;
          throw lost;
        }
        if (!response.ok) {
          var error = new Error(body.detail || response.statusText);
          error.status = response.status;
          error.body = body;
          throw error;
        }
        return body;
      });
    }, function () {
      var error = new Error(t("The connection was lost; what you entered is kept on this computer"));
      error.status = 0;
      throw error;
    });
  }

  /* What a failure is called in a message. An API refusal carries a status (api() above)
     and the server's own words, in the user's language; a fetch outside api() that never
     reached the server rejects with a TypeError whose words are the browser's; anything else
     is a mistake of the page's code, whose English text would mean nothing to the user: it
     goes to the console for whoever fixes it, the user is asked to reload. */
  function reason(error) {
    if (error && typeof error.status === "number") {
      return error.message || (error.status === 0 ? t("The server could not be reached; check the connection and try again") : "");
    }
    if (error && error.name === "AbortError") { return ""; }
    if (error instanceof TypeError && /fetch|network|load failed/i.test(error.message || "")) {
      return t("The server could not be reached; check the connection and try again");
    }
    console.error(error);
    return t("Something went wrong in the page; reload it and try again");
  }

  /* Drafts: whatever is typed into a form is kept until it is saved. */
  function keepDraft(form, key) {
    var stored = localStorage.getItem(key);
    if (stored) {
      var data = JSON.parse(stored);
      Object.keys(data).forEach(function (name) {
        if (form.elements[name] && data[name] !== "") { form.elements[name].value = data[name]; }
      });
      form.dataset.restored = "1";
    }
    form.addEventListener("input", function () {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (f) { if (f.name) { data[f.name] = f.value; } });
      localStorage.setItem(key, JSON.stringify(data));
    });
    return function clear() { localStorage.removeItem(key); };
  }

  function whenMap(callback) {
    if (window.PARTNERSTWA_MAPS && window.PARTNERSTWA_MAPS.length) { callback(window.PARTNERSTWA_MAPS); return; }
    document.addEventListener("partnerstwa:map", function () { callback(window.PARTNERSTWA_MAPS); }, {once: true});
  }

  /* ColorBrewer ramps (YlOrRd for higher-worse, Blues otherwise), 3 to 9 classes. */
  var RAMPS = {
    bad: ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"],
    good: ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]
  };
  function ramp(direction, k) {
    var colours = direction === "higher-worse" ? RAMPS.bad : RAMPS.good;
    var out = [];
    for (var i = 0; i < k; i++) { out.push(colours[Math.round(i * (colours.length - 1) / Math.max(k - 1, 1))]); }
    return out;
  }
  var LISA = {HH: "#d7191c", LL: "#2c7bb6", LH: "#abd9e9", HL: "#fdae61", ns: "#eeeeee", isolated: "#999999"};

  /* A map is one tab stop (arrow keys pan, + and - zoom), never one stop per feature:
     Leaflet's tooltips put focus listeners on every SVG path, which makes Chromium focus each
     of them (2,477 gminas). The lists beside the map are the keyboard's way to the features. */
  function mapsWithoutFeatureStops(maps) {
    maps.forEach(function (map) {
      if (map._partnerstwaA11y) { return; }
      map._partnerstwaA11y = true;
      var box = map.getContainer();
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", t("Map: arrow keys move it, + and − zoom"));
      // The map pane holds every pane, also those a page creates later (the workspace's
      // "areas"), so one observer there reaches every feature.
      var pane = map.getPane("mapPane");
      var quiet = function (node) {
        if (node.nodeType !== 1) { return; }
        if (node.matches(".leaflet-interactive, path, img")) { node.setAttribute("tabindex", "-1"); }
        node.querySelectorAll(".leaflet-interactive, path").forEach(function (n) { n.setAttribute("tabindex", "-1"); });
      };
      quiet(pane);
      new MutationObserver(function (changes) {
        changes.forEach(function (c) { c.addedNodes.forEach(quiet); });
      }).observe(pane, {childList: true, subtree: true});
    });
  }
  if (document.getElementById("texts")) {
    document.addEventListener("partnerstwa:map", function () { mapsWithoutFeatureStops(window.PARTNERSTWA_MAPS || []); });
    if (window.PARTNERSTWA_MAPS) { mapsWithoutFeatureStops(window.PARTNERSTWA_MAPS); }
  }

  window.P = {t: t, plural: plural, fmt: fmt, el: el, message: message, api: api, reason: reason, keepDraft: keepDraft,
              whenMap: whenMap, ramp: ramp, LISA: LISA, lang: lang};
})();
