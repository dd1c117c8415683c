/* A stale edit of an area or a project (409): what changed on the server, shown at the form.

   Three versions meet: the one the user began from (``base``), the server's current one and
   the form's (``mine``). A field only the server changed is taken into the form at once (the
   user had not touched it: keeping the old value would silently undo the other edit); a field
   only the user changed stays; a field both changed differently is listed, "on the server: X,
   yours: Y". Then one choice for the form: keep mine (saved again, against the server's
   version) or take the server's values into the form (nothing is saved; the user may still
   edit, save or cancel). Plain buttons and a focused heading: the keyboard and screen readers
   get the same. Builds on workspace.js and workspace_edit.js. */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el;
  var W = window.partnerstwa.workspace;
  var KINDS = {
    "area-form": {api: "/api/v1/areas/", fields: ["name", "kind", "description"],
                  base: function () { return W.editing; }, rebase: function (current) { W.editing = current; }},
    "project-form": {api: "/api/v1/projects/", fields: ["title", "theme", "cost_pln", "funding_source", "start_date",
                     "end_date", "feasibility", "priority", "description", "area_ids"],
                     base: function () { return W.projectForm._editing; }, rebase: function (current) { W.projectForm._editing = current; }}
  };
  var LABELS = {name: "Name", kind: "Kind", description: "Description", title: "Title", theme: "Theme",
    cost_pln: "Cost (PLN)", funding_source: "Funding source", start_date: "Start", end_date: "End",
    feasibility: "Feasibility study", priority: "Priority", area_ids: "Functional areas", geometry: "Shape"};

  /* One comparable text per value: the API gives a cost as a number, the form sends text. */
  function same(name, value) {
    if (value === null || value === undefined || value === "") { return ""; }
    if (name === "cost_pln" || name === "priority") { return String(Number(value)); }
    if (name === "area_ids") { return value.slice().sort(function (a, b) { return a - b; }).join(","); }
    if (name === "geometry") { return JSON.stringify(value); }
    return String(value).trim();
  }

  /* A value as the user reads it: the option's words, an amount, the areas' names. */
  function shown(form, name, value) {
    if (value === null || value === undefined || value === "" || (name === "area_ids" && !value.length)) { return "–"; }
    if (name === "cost_pln") { return W.items().money(value); }
    if (name === "area_ids") {
      return value.map(function (id) {
        var area = W.areas.filter(function (a) { return a.id === id; })[0];
        return area ? area.name : "#" + id;
      }).join(", ");
    }
    var select = form.querySelector("select[name=" + name + "]");
    return select ? W.optionLabel("#" + form.getAttribute("id") + " select[name=" + name + "]", String(value)) : String(value);
  }

  function setField(form, name, value) {
    if (form === W.projectForm) { W.projectField(name, value); return; }
    form.elements[name].value = value === null || value === undefined ? "" : String(value);
  }

  function clearConflict(form) {
    var box = form.querySelector(".form-conflict");
    if (box) { box.remove(); }
    delete form.dataset.conflict;
  }

  function showConflict(form, mine) {
    var kind = KINDS[form.getAttribute("id")], base = kind.base(), id = form.elements.id.value;
    return P.api(kind.api + encodeURIComponent(id)).then(function (current) {
      var rows = [], taken = [];
      kind.fields.forEach(function (name) {
        var b = same(name, base[name]), s = same(name, current[name]), m = same(name, mine[name]);
        if (s === m || s === b) { return; }          // no difference, or only the user's change
        if (m === b) {                               // only the server's change: take it
          setField(form, name, current[name]);
          taken.push({name: name, server: current[name]});
        } else {
          rows.push({name: name, server: current[name], mine: mine[name]});
        }
      });
      var shapeChanged = base.geometry && current.geometry && same("geometry", base.geometry) !== same("geometry", current.geometry);
      if (shapeChanged && mine.geometry) { rows.push({name: "geometry", shape: true}); }
      kind.rebase(current);
      form.elements.version.value = current.version;
      render(form, current, rows, taken, shapeChanged && !mine.geometry);
    }).catch(function (error) { P.message(t("Could not load"), "error", P.reason(error)); });
  }

  function render(form, current, rows, taken, shapeTaken) {
    clearConflict(form);
    var prefix = form.getAttribute("id") + "-conflict";
    var list = rows.map(function (r) {
      var label = t(LABELS[r.name]);
      if (r.shape) { return el("li", {"data-field": r.name}, [el("strong", {text: label}), ": " + t("changed on the server and by you")]); }
      return el("li", {"data-field": r.name}, [el("strong", {text: label}), ": " + t("on the server") + ": ",
        el("span", {class: "server", text: shown(form, r.name, r.server)}), ", " + t("yours") + ": ",
        el("span", {class: "mine", text: shown(form, r.name, r.mine)})]);
    });
    var notes = taken.map(function (r) { return t(LABELS[r.name]) + ": " + shown(form, r.name, r.server); });
    if (shapeTaken) { notes.push(t("Shape")); }
    var keep = el("button", {type: "button", "data-action": "keep-mine", text: t("Keep mine and save")});
    var take = el("button", {type: "button", "data-action": "take-server", text: t("Take the server's values")});
    // Its own calm style (app.css): nothing is wrong with the form, two edits met.
    var box = el("div", {class: "form-conflict", role: "group", "aria-labelledby": prefix + "-title",
      "data-version": current.version}, [
      el("h3", {id: prefix + "-title", tabindex: "-1", text: t("Changed on the server in the meantime") + " (" + t("Version") + " " + current.version + ")"}),
      rows.length ? el("ul", {}, list) : el("p", {text: t("None of your changes collides with it.")}),
      notes.length ? el("p", {class: "muted", text: t("Taken into the form from the server (you had not changed them)") + ": " + notes.join("; ")}) : "",
      el("div", {class: "actions"}, [keep, " ", take])]);
    keep.addEventListener("click", function () {
      clearConflict(form);
      form.requestSubmit();
    });
    take.addEventListener("click", function () {
      rows.forEach(function (r) {
        if (r.shape) { W.stopReshaping(); } else { setField(form, r.name, r.server); }
      });
      clearConflict(form);
      // The draft (common.js keepDraft, stored on the form's input events) still holds what
      // was typed before: store the form as it is now, or a reload would bring that back.
      form.dispatchEvent(new Event("input"));
      var hint = form.querySelector(".hint");
      if (hint) { hint.textContent = t("Version") + " " + current.version; }
      P.message(t("The form now holds the server's values"), "info", t("Version") + " " + current.version);
      var first = rows.length && !rows[0].shape && form.elements[rows[0].name];
      (first && first.focus ? first : form.querySelector("input:not([type=hidden]), select, textarea")).focus();
    });
    var errors = form.querySelector(".form-errors:not(.form-conflict)");
    form.insertBefore(box, errors ? errors.nextSibling : form.firstChild);
    form.dataset.conflict = String(current.version);
    box.querySelector("h3").focus();
  }

  Object.assign(W, {showConflict: showConflict, clearConflict: clearConflict});
})();
