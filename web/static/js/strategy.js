/* The strategy page: goals with their result indicators and directions (each direction's
   projects chosen from a searchable list, as a partnership may have hundreds), and the
   statutory texts, saved through /api/v1/partnerships/<pid>/strategy. The project package is
   strategy_projects.js; the forms' shared helpers are strategy_forms.js. */
(function () {
  "use strict";
  var P = window.P, t = P.t, F = window.StrategyForms;
  var root = document.getElementById("strategy");
  if (!root) { return; }
  var data = JSON.parse(document.getElementById("strategy-data").textContent);
  var api = root.dataset.api;
  var thisYear = new Date().getFullYear();
  var clear = F.clear, report = F.report, serverError = F.serverError, done = F.done;
  var decimalText = F.decimalText, isNumber = F.isNumber;

  /* -- goals: several indicators and directions per goal; the same form adds and edits ---- */
  var goalForm = document.getElementById("goal-form");
  var indicators = {};
  data.indicators.forEach(function (i) { indicators[i.code] = i; });
  var rowCount = 0;

  function showBaseline(row) {
    var code = row.querySelector("[name=indicator]").value;
    var yearSelect = row.querySelector("[name=baseline_year]");
    var typed = code === "typed";
    row.querySelectorAll(".typed-only").forEach(function (n) { n.hidden = !typed; });
    row.querySelectorAll(".catalogue-only").forEach(function (n) { n.hidden = typed; });
    var output = row.querySelector(".baseline-output");
    if (!indicators[code]) { output.textContent = "–"; yearSelect.replaceChildren(); delete yearSelect.dataset.code; return; }
    var chosen = yearSelect.value;
    if (!yearSelect.dataset.code || yearSelect.dataset.code !== code) {
      yearSelect.replaceChildren.apply(yearSelect, indicators[code].years.map(function (y) {
        return P.el("option", {value: y, text: y});
      }));
      yearSelect.value = indicators[code].years[indicators[code].years.length - 1];
      yearSelect.dataset.code = code;
    } else { yearSelect.value = chosen; }
    var value = indicators[code].values[yearSelect.value];
    output.textContent = value === null || value === undefined ? "–"
      : String(value).replace(".", ",") + (indicators[code].unit ? " " + indicators[code].unit : "");
  }

  /* Rows are copies of the first one as the page came (ids suffixed, data-field numbered). */
  var blank = goalForm ? {
    indicator: goalForm.querySelector(".indicator-row").cloneNode(true),
    direction: goalForm.querySelector(".direction-row").cloneNode(true)} : null;

  function renumber() {
    ["indicator", "direction"].forEach(function (kind) {
      goalForm.querySelectorAll("." + kind + "-row").forEach(function (row, n) {
        row.querySelector(".row-number").textContent = String(n + 1);
        row.querySelectorAll("[data-field]").forEach(function (f) {
          f.dataset.field = f.dataset.field.replace(/^(indicators|directions)\[\d+\]/, "$1[" + n + "]");
        });
      });
    });
  }

  /* -- the projects of a direction: a searchable list, not a box per project -------------- */
  /* Every project of the partnership, as its card in the project package names it. */
  var projects = Array.prototype.map.call(document.querySelectorAll("#projects details.project-card"),
    function (card) {
      var title = card.querySelector(".project-title").textContent.trim();
      return {id: Number(card.dataset.project), title: title, key: F.folded(title)};
    });
  var LISTED = 20;  // projects offered at once; typing narrows them

  function projectBox(p, checked) {
    return P.el("li", {}, [P.el("label", {}, [
      P.el("input", {type: "checkbox", name: "project_ids", value: String(p.id), checked: checked ? "" : null}),
      " " + p.title])]);
  }

  function pickerNote(row, matching) {
    var picker = row.querySelector(".project-picker");
    if (matching !== undefined) { picker.dataset.matching = String(matching); }
    var found = Number(picker.dataset.matching || 0);
    var note = picker.dataset.count.replace("{found}", found).replace("{total}", projects.length)
      .replace("{chosen}", row.chosen.size);
    if (found > LISTED) { note += " " + picker.dataset.first.replace("{n}", LISTED); }
    picker.querySelector(".find-count").textContent = note;
  }

  /* The chosen projects (checked) above the first LISTED others matching what is typed. */
  function drawPicker(row) {
    var picker = row.querySelector(".project-picker"), find = picker.querySelector(".project-find");
    if (!find) { return; }  // the partnership has no projects
    var words = F.folded(find.value).split(" ").filter(Boolean);
    var matching = projects.filter(function (p) {
      return !row.chosen.has(p.id) && words.every(function (w) { return p.key.indexOf(w) >= 0; });
    });
    var picked = picker.querySelector(".picked"), found = picker.querySelector(".found");
    picked.replaceChildren.apply(picked, projects.filter(function (p) { return row.chosen.has(p.id); })
      .map(function (p) { return projectBox(p, true); }));
    picked.hidden = !row.chosen.size;
    found.replaceChildren.apply(found, matching.slice(0, LISTED).map(function (p) { return projectBox(p, false); }));
    pickerNote(row, matching.length);
  }

  function wirePicker(row) {
    var picker = row.querySelector(".project-picker"), find = picker.querySelector(".project-find");
    row.chosen = new Set();
    if (!find) { return; }
    find.addEventListener("input", function () { drawPicker(row); });
    find.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // not the goal's submit: on to the first project found
        event.preventDefault();
        var first = picker.querySelector(".found input");
        if (first) { first.focus(); }
      }
    });
    // A box ticked or cleared stays where it is (and the focus with it) until the next search.
    picker.addEventListener("change", function (event) {
      if (event.target.name !== "project_ids") { return; }
      var id = Number(event.target.value);
      if (event.target.checked) { row.chosen.add(id); } else { row.chosen.delete(id); }
      pickerNote(row);
    });
    drawPicker(row);
  }

  function chosenIds(row) {
    return Array.from(row.chosen).sort(function (a, b) { return a - b; });
  }

  function wireRow(row, kind) {
    row.querySelector(".remove-row").addEventListener("click", function () {
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber();
      var focus = next ? next.querySelector("select, input") : goalForm.querySelector(".add-" + kind);
      if (focus) { focus.focus(); }
    });
    if (kind === "indicator") {
      row.querySelector("[name=indicator]").addEventListener("change", function () { showBaseline(row); });
      row.querySelector("[name=baseline_year]").addEventListener("change", function () { showBaseline(row); });
      showBaseline(row);
    } else {
      wirePicker(row);
    }
  }

  function addRow(kind) {
    rowCount += 1;
    var row = blank[kind].cloneNode(true), suffix = "-" + rowCount;
    row.querySelectorAll("[id]").forEach(function (n) { n.id += suffix; });
    row.querySelectorAll("label[for]").forEach(function (n) { n.htmlFor += suffix; });
    row.querySelectorAll("[aria-describedby]").forEach(function (n) {
      n.setAttribute("aria-describedby", n.getAttribute("aria-describedby") + suffix);
    });
    row.querySelectorAll("output[for]").forEach(function (n) {
      n.setAttribute("for", n.getAttribute("for").split(" ").map(function (x) { return x + suffix; }).join(" "));
    });
    goalForm.querySelector("." + kind + "-rows").appendChild(row);
    wireRow(row, kind);
    renumber();
    return row;
  }

  function rowProblems(row) {
    var f = function (name) { return row.querySelector("[name=" + name + "]"); };
    var out = [], code = f("indicator").value;
    if (!code) { return out; }
    if (!isNumber(f("target_value").value)) { out.push({field: f("target_value"), text: t("Type a number, e.g. 12,5")}); }
    var targetField = f("target_year"), target = Number(targetField.value);
    var base = code === "typed" ? Number(f("typed_baseline_year").value) : Number(f("baseline_year").value);
    var kept = row.dataset.targetYear && row.dataset.targetYear === targetField.value;
    if (!/^\d{4}$/.test(targetField.value)) { out.push({field: targetField, text: t("Type a year, e.g. 2030")}); }
    else if (target < thisYear && !kept) { out.push({field: targetField, text: t("The target year is in the past")}); }
    else if (base && target < base) { out.push({field: targetField, text: t("The target year is before the baseline year")}); }
    if (code === "typed") {
      if (!f("name").value.trim()) { out.push({field: f("name"), text: t("Fill this in")}); }
      if (!/^\d{4}$/.test(f("typed_baseline_year").value)) { out.push({field: f("typed_baseline_year"), text: t("Type a year, e.g. 2030")}); }
      if (!isNumber(f("baseline_value").value)) { out.push({field: f("baseline_value"), text: t("Type a number, e.g. 12,5")}); }
      if (!f("baseline_source").value.trim()) { out.push({field: f("baseline_source"), text: t("Name the source of a value the data do not hold")}); }
    }
    return out;
  }

  function goalProblems(form) {
    var out = [];
    if (!form.elements.title.value.trim()) { out.push({field: form.elements.title, text: t("Fill this in")}); }
    form.querySelectorAll(".indicator-row").forEach(function (row) { out = out.concat(rowProblems(row)); });
    form.querySelectorAll(".direction-row").forEach(function (row) {
      var title = row.querySelector("[name=direction_title]");
      if (!title.value.trim() && row.chosen.size) {
        out.push({field: title, text: t("Fill this in")});
      }
    });
    return out;
  }

  function withId(row, item) {
    if (row.dataset.id) { item.id = Number(row.dataset.id); }
    return item;
  }

  function goalPayload(form) {
    var e = form.elements, body = {title: e.title.value.trim(), dimension: e.dimension.value,
                                   description: e.description.value.trim(), indicators: [], directions: []};
    form.querySelectorAll(".indicator-row").forEach(function (row) {
      var f = function (name) { return row.querySelector("[name=" + name + "]").value; };
      var code = f("indicator");
      if (code === "typed") {
        body.indicators.push(withId(row, {indicator: null, name: f("name").trim(), unit: f("unit").trim(),
          baseline_year: Number(f("typed_baseline_year")), baseline_value: decimalText(f("baseline_value")),
          baseline_source: f("baseline_source").trim(), target_value: decimalText(f("target_value")),
          target_year: Number(f("target_year"))}));
      } else if (code) {
        body.indicators.push(withId(row, {indicator: code, baseline_year: Number(f("baseline_year")),
          target_value: decimalText(f("target_value")), target_year: Number(f("target_year"))}));
      }
    });
    form.querySelectorAll(".direction-row").forEach(function (row) {
      var title = row.querySelector("[name=direction_title]").value.trim();
      if (title) { body.directions.push(withId(row, {title: title, project_ids: chosenIds(row)})); }
    });
    return body;
  }

  function setMode(goal) {
    var heading = document.getElementById("goal-form-h"), submit = goalForm.querySelector("button[type=submit]");
    heading.textContent = goal ? heading.dataset.edit + ": " + goal.title : heading.dataset.add;
    submit.textContent = goal ? submit.dataset.edit : submit.dataset.add;
    goalForm.querySelector(".cancel-edit").hidden = !goal;
    if (goal) {
      goalForm.dataset.goal = goal.id;
      goalForm.dataset.version = goal.version;
    } else {
      delete goalForm.dataset.goal;
      delete goalForm.dataset.version;
    }
  }

  function shown(value) { return value === null || value === undefined ? "" : String(value).replace(".", ","); }

  /* The form filled with the goal as it is now (read from the API, with its version). */
  function editGoal(goal) {
    clear(goalForm);
    goalForm.querySelectorAll(".indicator-row, .direction-row").forEach(function (row) { row.remove(); });
    var e = goalForm.elements;
    e.title.value = goal.title;
    e.dimension.value = goal.dimension;
    e.description.value = goal.description || "";
    (goal.indicators.length ? goal.indicators : [null]).forEach(function (item) {
      var row = addRow("indicator");
      if (!item) { return; }
      var f = function (name) { return row.querySelector("[name=" + name + "]"); };
      row.dataset.id = item.id;
      row.dataset.targetYear = String(item.target_year);
      if (item.indicator && !indicators[item.indicator]) {
        // An indicator the data no longer offer for this partnership: kept as it is stored.
        indicators[item.indicator] = {code: item.indicator, years: [item.baseline_year],
                                      values: {}, unit: item.unit || ""};
        indicators[item.indicator].values[item.baseline_year] = item.baseline_value;
        f("indicator").insertBefore(P.el("option", {value: item.indicator, text: item.name}),
                                    f("indicator").lastElementChild);
      }
      f("indicator").value = item.indicator || "typed";
      showBaseline(row);
      if (f("indicator").value === "typed") {
        f("name").value = item.name || "";
        f("unit").value = item.unit || "";
        f("typed_baseline_year").value = item.baseline_year;
        f("baseline_value").value = shown(item.baseline_value);
        f("baseline_source").value = item.baseline_source || "";
      } else {
        f("baseline_year").value = String(item.baseline_year);
        showBaseline(row);
      }
      f("target_value").value = shown(item.target_value);
      f("target_year").value = item.target_year;
    });
    (goal.directions.length ? goal.directions : [null]).forEach(function (item) {
      var row = addRow("direction");
      if (!item) { return; }
      row.dataset.id = item.id;
      row.querySelector("[name=direction_title]").value = item.title;
      row.chosen = new Set(item.project_ids);
      drawPicker(row);
    });
    setMode(goal);
    goalForm.scrollIntoView();
    e.title.focus();
  }

  if (goalForm) {
    goalForm.querySelectorAll(".indicator-row").forEach(function (row) { wireRow(row, "indicator"); });
    goalForm.querySelectorAll(".direction-row").forEach(function (row) { wireRow(row, "direction"); });
    goalForm.querySelector(".add-indicator").addEventListener("click", function () {
      addRow("indicator").querySelector("select").focus();
    });
    goalForm.querySelector(".add-direction").addEventListener("click", function () {
      addRow("direction").querySelector("input").focus();
    });
    goalForm.querySelector(".cancel-edit").addEventListener("click", function () {
      window.location.hash = "goals";
      window.location.reload();
    });
    goalForm.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(goalForm);
      var problems = goalProblems(goalForm);
      if (problems.length) { report(goalForm, problems); return; }
      var body = goalPayload(goalForm), id = goalForm.dataset.goal;
      if (id) { body.version = Number(goalForm.dataset.version); }
      P.message(t("Saving…"), "info");
      // On a refusal (409 included) nothing is reset: what was typed stays in the form.
      P.api(api + "/goals" + (id ? "/" + id : ""), {method: id ? "PUT" : "POST", json: body})
        .then(function (goal) { done(t("Saved"), "goal-" + goal.id); },
              function (error) { serverError(goalForm, error); });
    });
  }

  document.querySelectorAll(".edit-goal").forEach(function (button) {
    button.addEventListener("click", function () {
      P.api(api + "/goals/" + button.dataset.goal)
        .then(editGoal, function (error) { P.message(t("Could not load"), "error", P.reason(error)); });
    });
  });

  document.querySelectorAll(".delete-goal").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!window.confirm(t("Delete the goal with its indicators and directions?"))) { return; }
      P.api(api + "/goals/" + button.dataset.goal + "?version=" + button.dataset.version, {method: "DELETE"})
        .then(function () { done(t("Saved"), "goals"); },
              function (error) { P.message(t("Could not save"), "error", P.reason(error)); });
    });
  });

  /* -- texts and areas --------------------------------------------------------------------- */
  var textsForm = document.getElementById("texts-form");
  if (textsForm) {
    textsForm.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(textsForm);
      var body = {version: Number(textsForm.dataset.version), intervention_areas: []};
      ["diagnosis_conclusions", "spatial_policy", "implementation_system", "financial_frame",
       "partners_involvement"].forEach(function (name) { body[name] = textsForm.elements[name].value; });
      textsForm.querySelectorAll("input[name=area]").forEach(function (box) {
        if (box.checked) {
          body.intervention_areas.push({area_id: Number(box.value),
            rationale: textsForm.elements["rationale-" + box.value].value.trim()});
        }
      });
      P.api(api + "/texts", {method: "PUT", json: body})
        .then(function () { done(t("Saved"), "statutory-texts"); },
              function (error) { serverError(textsForm, error); });
    });
  }

  F.wireHistories(document.getElementById("goals"));
  F.wireHistories(document.getElementById("statutory-texts"));
})();
