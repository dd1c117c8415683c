/* The strategy's completeness in the workspace (issue 13): "12 of 16 elements; missing: …",
   each missing element a link to where it is filled in, read from
   GET /api/v1/partnerships/<pid>/strategy/completeness. Loaded (deferred) by the block in
   workspace.html, so common.js (window.P) has run before it. */
(function () {
  "use strict";
  var box = document.getElementById("strategy-summary");
  if (!box || !window.P) { return; }
  var P = window.P, t = P.t;
  var body = box.querySelector(".summary-body");
  var english = document.documentElement.lang === "en";

  P.api(box.dataset.completeness).then(function (elements) {
    var present = elements.filter(function (e) { return e.present; }).length;
    var missing = elements.filter(function (e) { return !e.present; });
    var count = P.el("p", {"class": "summary-count"}, [
      P.el("strong", {text: t("{done} of {total} elements").replace("{done}", present)
        .replace("{total}", elements.length)})]);
    var parts = [count];
    if (missing.length) {
      var list = P.el("ul", {"class": "summary-missing"}, missing.map(function (e) {
        return P.el("li", {"data-element": e.element}, [
          P.el("a", {href: e.fill_url, text: english ? e.label_en : e.label})]);
      }));
      parts.push(P.el("p", {text: t("missing") + ":"}), list);
    } else {
      parts.push(P.el("p", {text: t("All elements are present.")}));
    }
    parts.push(P.el("p", {}, [P.el("a", {href: box.dataset.page, text: t("Open the strategy")})]));
    body.replaceChildren.apply(body, parts);
  }, function (error) {
    body.replaceChildren(P.el("p", {"class": "warning", text: P.reason(error)}));
  });
})();
