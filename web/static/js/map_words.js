/* Leaflet's and Geoman's own words in the page's language: the zoom buttons, the popup's close
   button and Geoman's drawing hints ("Kliknij pierwszy znacznik, aby zakończyć"). Loaded right
   after the maps' script: it words the maps made so far and every map made later. */
(function () {
  "use strict";
  if (!window.L) { return; }
  var texts = JSON.parse((document.getElementById("texts") || {}).textContent || "{}");
  var lang = document.documentElement.lang === "en" ? "en" : "pl";

  function t(key) { return Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : key; }

  function label(button, text) {
    if (!button) { return; }
    button.title = text;
    button.setAttribute("aria-label", text);
  }

  function word(map) {
    if (!map || map._partnerstwaWorded) { return; }
    map._partnerstwaWorded = true;
    if (map.zoomControl) {
      label(map.zoomControl._zoomInButton, t("Zoom in"));
      label(map.zoomControl._zoomOutButton, t("Zoom out"));
    }
    map.on("popupopen", function (event) {
      label(event.popup._closeButton, t("Close"));
    });
    // Geoman brings its own Polish; English is its default.
    if (map.pm && typeof map.pm.setLang === "function") { map.pm.setLang(lang); }
  }

  // Controls made from now on take the translated titles from the start.
  L.Control.Zoom.prototype.options.zoomInTitle = t("Zoom in");
  L.Control.Zoom.prototype.options.zoomOutTitle = t("Zoom out");
  L.Map.addInitHook(function () {
    var map = this;
    // After the other init hooks (Geoman's adds map.pm) and the default controls.
    map.whenReady(function () { word(map); });
  });
  (window.PARTNERSTWA_MAPS || []).forEach(word);
  document.addEventListener("partnerstwa:map", function () {
    (window.PARTNERSTWA_MAPS || []).forEach(word);
  });
}());
