/* Checking the workspace's forms at the field, with the server's own rules.

   The limits come from the page's #field-rules block, which the server renders from
   services/planning/fields.py (TEXT_LIMITS, COST_LIMITS): one source for both sides. Every
   problem of a form is shown at once, each beside its field (aria-invalid, aria-describedby)
   and in a summary at the top; nothing is cut: a text over its limit is refused, not shortened.
   A cost over COST_LIMITS.confirm needs its checkbox ticked; over COST_LIMITS.max it is refused. */
(function () {
  "use strict";
  var P = window.P, t = P.t;
  var block = document.getElementById("field-rules");
  var rules = block ? JSON.parse(block.textContent) : {text: {}, cost: {}};

  function errorBox(field) {
    var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/);
    for (var i = 0; i < ids.length; i++) {
      if (/-error$/.test(ids[i])) { return document.getElementById(ids[i]); }
    }
    return null;
  }

  function labelOf(field) {
    var label = field.id && document.querySelector("label[for='" + field.id + "']");
    return ((label || field.closest("label") || {}).textContent || field.name).replace("*", "").trim();
  }

  /* The cost as a number, or NaN; spaces and a decimal comma as people type them. */
  function parseCost(text) {
    var cleaned = String(text).replace(/[\s\u00a0]/g, "").replace(",", ".");
    return /^\d+(\.\d{0,2})?$/.test(cleaned) ? Number(cleaned) : NaN;
  }

  /* Problems of one field: [] when it is fine. */
  function problemsOf(field, form) {
    var value = field.value, out = [];
    if (field.required && !value.trim()) { out.push(t(field.tagName === "SELECT" ? "Choose one of the options" : "Fill this in")); }
    var limit = Number(field.dataset.limit || 0);
    if (limit && value.trim().length > limit) {
      out.push(P.fmt(value.trim().length, 0) + " " + t("characters; the limit is") + " " + P.fmt(limit, 0) + " — " + t("shorten the text"));
    }
    if (field.name === "cost_pln" && value.trim()) {
      var cost = parseCost(value);
      var confirm = document.getElementById("cost-confirm");
      if (Number.isNaN(cost)) { out.push(t("Type an amount in PLN, e.g. 1250000.50")); }
      else if (cost > rules.cost.max) { out.push(t("At most") + " " + P.fmt(rules.cost.max, 0) + " " + t("PLN")); }
      else if (cost > rules.cost.confirm && !form.elements.cost_confirmed.checked) {
        out.push(t("Over") + " " + P.fmt(rules.cost.confirm, 0) + " " + t("PLN") + ": " + t("check the amount and confirm it below"));
      }
      if (confirm) { confirm.classList.toggle("shown", !Number.isNaN(cost) && cost > rules.cost.confirm && cost <= rules.cost.max); }
    } else if (field.name === "cost_pln") {
      var box = document.getElementById("cost-confirm");
      if (box) { box.classList.remove("shown"); }
    }
    if (field.name === "end_date" && value && form.elements.start_date.value && value < form.elements.start_date.value) {
      out.push(t("The end comes before the start"));
    }
    return out;
  }

  function show(field, problems) {
    var box = errorBox(field);
    field.setAttribute("aria-invalid", problems.length ? "true" : "false");
    if (box) { box.textContent = problems.join("; "); box.hidden = !problems.length; }
  }

  /* Check every field of the form; show all problems; true when there are none. */
  function check(form, extra) {
    var summary = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "hidden" || field.disabled || field.closest("[hidden]")) { return; }
      var problems = problemsOf(field, form);
      show(field, problems);
      if (problems.length) { summary.push({field: field, text: labelOf(field) + ": " + problems.join("; ")}); }
    });
    (extra || []).forEach(function (p) { summary.push(p); });
    summarise(form, summary);
    if (summary.length && summary[0].field) { summary[0].field.focus(); }
    return !summary.length;
  }

  function summarise(form, summary) {
    var box = document.getElementById(form.getAttribute("id") + "-errors");  // form.id may be its field "id"
    if (!box) { return; }
    box.replaceChildren();
    box.hidden = !summary.length;
    if (!summary.length) { return; }
    box.appendChild(P.el("strong", {text: summary.length === 1 ? t("Correct this before saving:") : t("Correct these before saving:")}));
    box.appendChild(P.el("ul", {}, summary.map(function (p) { return P.el("li", {text: p.text}); })));
  }

  /* A refusal of the server shown at its field when it names one (problem JSON "field"). */
  function fromServer(form, error) {
    var name = error.body && (error.body.field || (error.body.details && error.body.details.field));
    var field = name && form.elements[name];
    if (!field || !field.name) { return false; }
    show(field, [P.reason(error)]);
    summarise(form, [{field: field, text: labelOf(field) + ": " + P.reason(error)}]);
    field.focus();
    return true;
  }

  function clear(form) {
    Array.prototype.forEach.call(form.elements, function (field) { if (field.name) { show(field, []); } });
    summarise(form, []);
    var confirm = document.getElementById("cost-confirm");
    if (confirm && form.contains(confirm)) { confirm.classList.remove("shown"); }
  }

  /* Live: a marked field is re-checked while typing and when it is left, so its message goes
     as soon as it is right. A field not yet marked waits for the save: a message appearing
     when a field is left would move the Save button from under the pointer mid-click. */
  document.querySelectorAll("form[novalidate]").forEach(function (form) {
    form.addEventListener("focusout", function (event) {
      var f = event.target;
      if (f.name && f.getAttribute("aria-invalid") === "true") { show(f, problemsOf(f, form)); }
    });
    form.addEventListener("input", function (event) {
      var f = event.target;
      if (f.getAttribute("aria-invalid") === "true" || f.name === "cost_pln") { show(f, problemsOf(f, form)); }
      if (f.name === "cost_confirmed" && form.elements.cost_pln) { show(form.elements.cost_pln, problemsOf(form.elements.cost_pln, form)); }
    });
  });

  window.PForms = {check: check, clear: clear, fromServer: fromServer, parseCost: parseCost, rules: rules};
})();
