/* What the strategy page's forms share (the goals, the texts and each project's plan, see
   strategy.js and strategy_projects.js): messages at the field, numbers as people type them,
   and the version history with restore. Exposed as window.StrategyForms.

   Every form is checked at the field with the server's own rules (services/strategy/checks.py
   and plans.py); the server checks again and its refusal is shown at the field it names. */
(function () {
  "use strict";
  var P = window.P, t = P.t;

  /* -- messages at the field ------------------------------------------------------------ */
  function errorBox(field) {
    var id = field.getAttribute("aria-describedby");
    var box = id && document.getElementById(id);
    if (!box) {
      box = field.parentNode.querySelector(":scope > .field-error");
      if (!box) {
        box = P.el("span", {"class": "field-error", role: "alert",
                            id: "err-" + Math.random().toString(36).slice(2)});
        field.insertAdjacentElement("afterend", box);
      }
      field.setAttribute("aria-describedby", box.id);
    }
    return box;
  }

  function clear(form) {
    form.querySelectorAll("[aria-invalid]").forEach(function (f) { f.removeAttribute("aria-invalid"); });
    form.querySelectorAll(".field-error").forEach(function (b) { b.textContent = ""; });
    var summary = form.querySelector(".form-errors");
    summary.hidden = true;
    summary.replaceChildren();
  }

  /* problems: [{field: element, text}] -> shown beside each field and listed at the top. */
  function report(form, problems) {
    var summary = form.querySelector(".form-errors");
    summary.replaceChildren(P.el("p", {text: t("Correct the marked fields")}));
    var list = P.el("ul");
    problems.forEach(function (p) {
      if (p.field) {
        var folded = p.field.closest("details");
        if (folded) { folded.open = true; }
        p.field.setAttribute("aria-invalid", "true");
        errorBox(p.field).textContent = p.text;
      }
      list.appendChild(P.el("li", {text: p.text}));
    });
    summary.appendChild(list);
    summary.hidden = false;
    var first = problems[0] && problems[0].field;
    if (first && first.focus) { first.focus(); }
  }

  function serverError(form, error) {
    if (error.status === 409) {
      P.message(t("Someone else changed this in the meantime"), "conflict",
                t("Your version is kept in the history; reload to see the current one and apply your changes again."));
    }
    var name = error.body && error.body.field;
    var field = name ? form.querySelector("[data-field='" + name.replace(/'/g, "") + "']") : null;
    if (!field && name) {  // "lines[1].total" -> the lines fieldset; "shares" -> its fieldset
      field = form.querySelector("[data-field='" + name.split(/[.[]/)[0] + "']");
    }
    report(form, [{field: field, text: P.reason(error)}]);
  }

  /* -- numbers as people type them --------------------------------------------------------- */
  function decimalText(value) {
    return String(value).replace(/[\s\u00a0]/g, "").replace(",", ".");
  }
  function isNumber(value) { return /^-?\d+(\.\d{1,4})?$/.test(decimalText(value)); }
  function isMoney(value) { return /^\d+(\.\d{1,2})?$/.test(decimalText(value)); }
  /* An amount in grosze (an integer), for exact comparisons. */
  function grosze(value) {
    var parts = decimalText(value).split(".");
    return Number(parts[0]) * 100 + Number(((parts[1] || "") + "00").slice(0, 2));
  }
  /* A percent in ten-thousandths (an integer): "33,33" -> 333300. */
  function tenThousandths(value) {
    var parts = decimalText(value).split(".");
    return Number(parts[0]) * 10000 + Number(((parts[1] || "") + "0000").slice(0, 4));
  }

  /* A title as the filters compare it: no case, no Polish marks ("Żłobek" ~ "zlobek"). */
  function folded(text) {
    return String(text).toLowerCase().replace(/ł/g, "l").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim();
  }

  /* Saved: the page is read again at the part that changed. */
  function done(message, hash) {
    P.message(message || t("Saved"), "info");
    if (hash) { window.location.hash = hash; }
    window.location.reload();
  }

  /* -- version history with restore (goals, texts, plans) ---------------------------------- */
  var ACTIONS = {create: t("created"), update: t("changed"), "delete": t("deleted"), restore: t("restored")};

  function showHistory(box) {
    var list = box.querySelector(".history-list");
    list.replaceChildren(P.el("p", {"class": "muted", text: t("Loading…")}));
    P.api(box.dataset.history).then(function (versions) {
      var current = Number(box.dataset.version);
      var rows = versions.slice().reverse().map(function (v) {
        var accepted = v.outcome === "accepted";
        var cell = P.el("td");
        if (accepted && v.version !== current && v.action !== "delete") {
          var button = P.el("button", {type: "button", "class": "restore", "data-restore": String(v.version),
                                       text: t("Restore version") + " " + v.version});
          button.addEventListener("click", function () { restore(box, v.version, button); });
          cell.appendChild(button);
        } else if (accepted && v.version === current) {
          cell.textContent = t("current");
        }
        return P.el("tr", {"data-version": accepted ? String(v.version) : "", "class": v.outcome}, [
          P.el("td", {text: accepted ? String(v.version) : t("refused (stale)")}),
          P.el("td", {text: ACTIONS[v.action] || v.action}),
          P.el("td", {text: v.author || ""}),
          P.el("td", {text: new Date(v.created_at).toLocaleString(document.documentElement.lang || "pl")}),
          P.el("td", {text: v.comment || ""}), cell]);
      });
      list.replaceChildren(P.el("div", {"class": "table-scroll", tabindex: "0", role: "group",
                                        "aria-label": t("Version history")}, [
        P.el("table", {"class": "data history-table"}, [
          P.el("thead", {}, [P.el("tr", {}, [t("Version"), t("Change"), t("Author"), t("When"),
            t("Comment"), t("Restore")].map(function (h) { return P.el("th", {scope: "col", text: h}); }))]),
          P.el("tbody", {}, rows)])]));
    }, function (error) {
      list.replaceChildren(P.el("p", {"class": "warning", text: P.reason(error)}));
    });
  }

  function restore(box, version, button) {
    if (!window.confirm(t("Restore version") + " " + version + "?")) { return; }
    button.disabled = true;
    P.api(box.dataset.restore, {method: "POST", json: {restore: version, version: Number(box.dataset.version)}})
      .then(function () { done(t("Saved"), box.closest("[id]") ? box.closest("[id]").id : ""); },
            function (error) {
              button.disabled = false;
              if (error.status === 409) {
                P.message(t("Someone else changed this in the meantime"), "conflict", P.reason(error));
              }
              var list = box.querySelector(".history-list");
              var note = list.querySelector(".history-error") || list.insertBefore(
                P.el("p", {"class": "history-error warning", role: "alert"}), list.firstChild);
              note.textContent = P.reason(error);
            });
  }

  /* The histories inside ``scope`` list their versions when opened. */
  function wireHistories(scope) {
    scope.querySelectorAll("details.history").forEach(function (box) {
      box.addEventListener("toggle", function () { if (box.open) { showHistory(box); } });
    });
  }

  window.StrategyForms = {errorBox: errorBox, clear: clear, report: report, serverError: serverError,
                          decimalText: decimalText, isNumber: isNumber, isMoney: isMoney, grosze: grosze,
                          tenThousandths: tenThousandths, folded: folded, done: done,
                          wireHistories: wireHistories};
})();
