/* Finding a gmina or powiat by name (Polish letters optional: "lodz" finds Łódź) or TERYT:
   an ARIA 1.2 combobox with a list of suggestions from /api/v1/units/search.

   Keyboard: type to get suggestions; Down/Up move through them; Enter chooses; Escape
   closes the list (and empties the box when it is closed); Alt+Down opens the list again.

     PSearch.attach(input, onChoose)   onChoose(hit): hit = {level, teryt, name, powiat,
                                        voivodeship, gmina_type, bbox: [w, s, e, n]}
     PSearch.describe(hit)             -> "gmina miejska · powiat X · woj. Y · TERYT" */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el;
  var GMINA_TYPES = {1: "urban gmina", 2: "rural gmina", 3: "urban-rural gmina"};
  var DELAY_MS = 180;

  function describe(hit) {
    var parts = [hit.level === "gmina" ? t(GMINA_TYPES[hit.gmina_type] || "gmina") : t("powiat")];
    if (hit.powiat) { parts.push(t("powiat") + " " + hit.powiat); }
    parts.push(t("voivodeship") + " " + hit.voivodeship);
    parts.push(hit.teryt);
    return parts.join(" · ");
  }

  function attach(input, onChoose) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = document.getElementById(input.dataset.status);
    var hits = [], active = -1, timer = null, request = null, lastQuery = "";

    function open(show) {
      list.hidden = !show;
      input.setAttribute("aria-expanded", show ? "true" : "false");
      if (!show) { setActive(-1); }
    }

    function setActive(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        option.classList.toggle("active", i === index);
      });
      if (index >= 0 && list.children[index]) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(found) {
      hits = found;
      list.replaceChildren.apply(list, found.map(function (hit, i) {
        return el("li", {id: list.id + "-" + i, role: "option", "aria-selected": "false",
                         "data-teryt": hit.teryt, "data-level": hit.level, class: "option"}, [
          el("span", {class: "option-name", text: hit.name}),
          el("span", {class: "option-detail", text: describe(hit)})]);
      }));
      if (status) {
        status.textContent = found.length ? P.plural("suggestions", found.length) : t("Nothing found");
      }
      open(true);
      if (!found.length) {
        list.appendChild(el("li", {class: "option empty", role: "option", "aria-disabled": "true", "aria-selected": "false", id: list.id + "-none", text: t("Nothing found")}));
      }
    }

    function ask() {
      var query = input.value.trim();
      if (query === lastQuery && !list.hidden) { return; }
      lastQuery = query;
      if (request) { request.abort(); }
      if (query.length < 2 && !/^\d$/.test(query)) { hits = []; list.replaceChildren(); open(false); return; }
      var mine = request = new AbortController();
      P.api("/api/v1/units/search?" + new URLSearchParams({q: query, limit: "10"}), {signal: mine.signal})
        .then(function (found) { if (request === mine) { show(found); } })
        .catch(function (error) {
          if (request !== mine || error.name === "AbortError") { return; }
          if (status) { status.textContent = P.reason(error); }
        });
    }

    function choose(index) {
      var hit = hits[index];
      if (!hit) { return; }
      input.value = hit.name;
      lastQuery = hit.name;
      open(false);
      if (status) { status.textContent = t("Shown on the map") + ": " + hit.name; }
      onChoose(hit);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var count = hits.length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden || event.altKey) { if (count) { open(true); } return; }
        setActive(count ? (active + 1) % count : -1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { return; }
        setActive(count ? (active <= 0 ? count - 1 : active - 1) : -1);
      } else if (event.key === "Enter") {
        if (!list.hidden && count) { event.preventDefault(); choose(active >= 0 ? active : 0); }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); open(false); }
        else if (input.value) { event.preventDefault(); input.value = ""; lastQuery = ""; }
      }
    });
    // A pointer chooses without taking the focus from the box.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("li[role=option]");
      if (!option || option.getAttribute("aria-disabled") === "true") { return; }
      choose(Array.prototype.indexOf.call(list.children, option));
    });
    input.addEventListener("blur", function () { setTimeout(function () { open(false); }, 100); });
    return {choose: choose};
  }

  window.PSearch = {attach: attach, describe: describe};
})();
