/* The strategy page: goals with result indicators, texts, and each project's schedule,
   feasibility and finance, saved through /api/v1/partnerships/<pid>/strategy.

   Every form is checked at the field with the server's own rules (services/strategy/checks.py
   and plans.py: target years not in the past, a task not ending before it starts, amounts in
   złoty with at most two decimals, eligible not above total, entered shares adding up to
   exactly 100%); the server checks again and its refusal is shown at the field it names. */
(function () {
  "use strict";
  var P = window.P, t = P.t;
  var root = document.getElementById("strategy");
  if (!root) { return; }
  var data = JSON.parse(document.getElementById("strategy-data").textContent);
  var api = root.dataset.api;
  var thisYear = new Date().getFullYear();

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
    report(form, [{field: field, text: error.message}]);
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

  function done(message, hash) {
    P.message(message || t("Saved"), "info");
    if (hash) { window.location.hash = hash; }
    window.location.reload();
  }

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
      if (!title.value.trim() && row.querySelector("input[name=project_ids]:checked")) {
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
      var projects = Array.prototype.filter.call(row.querySelectorAll("input[name=project_ids]"),
        function (c) { return c.checked; }).map(function (c) { return Number(c.value); });
      if (title) { body.directions.push(withId(row, {title: title, project_ids: projects})); }
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
      row.querySelectorAll("input[name=project_ids]").forEach(function (box) {
        box.checked = item.project_ids.indexOf(Number(box.value)) >= 0;
      });
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
        .then(editGoal, function (error) { P.message(t("Could not load"), "error", error.message); });
    });
  });

  document.querySelectorAll(".delete-goal").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!window.confirm(t("Delete the goal with its indicators and directions?"))) { return; }
      P.api(api + "/goals/" + button.dataset.goal + "?version=" + button.dataset.version, {method: "DELETE"})
        .then(function () { done(t("Saved"), "goals"); },
              function (error) { P.message(t("Could not save"), "error", error.message); });
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

  /* -- project plans ----------------------------------------------------------------------- */
  function kindOptions(table) {
    return data.kinds[table].map(function (k) { return P.el("option", {value: k.code, text: k.label}); });
  }

  function addTask(form) {
    var body = form.querySelector("table.tasks tbody"), n = body.rows.length;
    body.appendChild(P.el("tr", {}, [
      P.el("td", {}, [P.el("input", {name: "task-name", "aria-label": t("Task") + " " + (n + 1), "data-field": "tasks[" + n + "].name"})]),
      P.el("td", {}, [P.el("input", {type: "date", name: "task-start", "aria-label": t("Start") + " " + (n + 1), "data-field": "tasks[" + n + "].start"})]),
      P.el("td", {}, [P.el("input", {type: "date", name: "task-end", "aria-label": t("End") + " " + (n + 1), "data-field": "tasks[" + n + "].end"})]),
      P.el("td", {}, [P.el("input", {type: "checkbox", name: "task-milestone", "aria-label": t("Milestone") + " " + (n + 1)})])]));
    body.rows[n].querySelector("input").focus();
  }

  function addLine(form) {
    var body = form.querySelector("table.lines tbody"), n = body.rows.length;
    body.appendChild(P.el("tr", {}, [
      P.el("td", {}, [P.el("input", {type: "number", min: "2000", max: "2100", name: "line-year", value: String(thisYear), "aria-label": t("Year") + " " + (n + 1), "data-field": "lines[" + n + "].year"})]),
      P.el("td", {}, [P.el("select", {name: "line-category", "aria-label": t("Category") + " " + (n + 1), "data-field": "lines[" + n + "].category"}, kindOptions("budget_category"))]),
      P.el("td", {}, [P.el("input", {name: "line-total", inputmode: "decimal", "aria-label": t("Total cost (PLN)") + " " + (n + 1), "data-field": "lines[" + n + "].total"})]),
      P.el("td", {}, [P.el("input", {name: "line-eligible", inputmode: "decimal", "aria-label": t("Eligible cost (PLN)") + " " + (n + 1), "data-field": "lines[" + n + "].eligible"})])]));
    body.rows[n].querySelector("input").focus();
  }

  /* The plan as the API takes it, and the problems found on the way. */
  function readPlan(form) {
    var out = {tasks: [], feasibility: [], lines: [], shares: []}, problems = [];
    form.querySelectorAll("table.tasks tbody tr").forEach(function (row) {
      var name = row.querySelector("[name=task-name]"), start = row.querySelector("[name=task-start]"),
          end = row.querySelector("[name=task-end]");
      if (!name.value.trim() && !start.value && !end.value) { return; }  // an empty row is left out
      if (!name.value.trim()) { problems.push({field: name, text: t("Fill this in")}); }
      if (!start.value) { problems.push({field: start, text: t("Type a date")}); }
      if (!end.value) { problems.push({field: end, text: t("Type a date")}); }
      if (start.value && end.value && end.value < start.value) { problems.push({field: end, text: t("The end comes before the start")}); }
      out.tasks.push({name: name.value.trim(), start: start.value, end: end.value,
                      milestone: row.querySelector("[name=task-milestone]").checked});
    });
    form.querySelectorAll("table.feasibility tbody tr").forEach(function (row) {
      out.feasibility.push({item: row.dataset.item, status: row.querySelector("[name=feas-status]").value,
                            date: row.querySelector("[name=feas-date]").value || null,
                            note: row.querySelector("[name=feas-note]").value.trim()});
    });
    form.querySelectorAll("table.lines tbody tr").forEach(function (row) {
      var year = row.querySelector("[name=line-year]"), total = row.querySelector("[name=line-total]"),
          eligible = row.querySelector("[name=line-eligible]");
      if (!total.value.trim() && !eligible.value.trim()) { return; }
      [total, eligible].forEach(function (f) {
        if (!isMoney(f.value)) { problems.push({field: f, text: t("Type an amount in złoty with at most two decimals, not negative")}); }
      });
      if (isMoney(total.value) && isMoney(eligible.value) && grosze(eligible.value) > grosze(total.value)) {
        problems.push({field: eligible, text: t("The eligible cost is greater than the total cost")});
      }
      out.lines.push({year: Number(year.value), category: row.querySelector("[name=line-category]").value,
                      total: decimalText(total.value), eligible: decimalText(eligible.value)});
    });
    var rate = form.elements.rate;
    var rateText = decimalText(rate.value || "0");
    if (!/^\d+(\.\d{1,2})?$/.test(rateText) || Number(rateText) > 100) {
      problems.push({field: rate, text: t("Type a percentage from 0 to 100")});
    } else {
      out.cofinancing_rate = (Number(rateText) / 100).toFixed(4);
    }
    out.split_method = form.elements.split_method.value;
    var sum = 0, sharesBox = form.querySelector("fieldset.shares");
    form.querySelectorAll("input[name=share]").forEach(function (f) {
      if (!f.value.trim()) { return; }
      if (!isNumber(f.value) || tenThousandths(f.value) <= 0) { problems.push({field: f, text: t("Type a percentage from 0 to 100")}); return; }
      sum += tenThousandths(f.value);
      out.shares.push({teryt: f.dataset.teryt, share: decimalText(f.value)});
    });
    if (out.split_method === "entered" && sum !== 1000000) {
      problems.push({field: sharesBox, text: t("The shares must add up to exactly 100%") + " (" + P.fmt(sum / 10000, 4) + "%)"});
    }
    return {body: out, problems: problems};
  }

  document.querySelectorAll("form.plan-form").forEach(function (form) {
    form.querySelector(".add-task").addEventListener("click", function () { addTask(form); });
    form.querySelector(".add-line").addEventListener("click", function () { addLine(form); });
    form.elements.split_method.addEventListener("change", function () {
      if (form.elements.split_method.value === "entered") { form.querySelector("details.shares-box").open = true; }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(form);
      var plan = readPlan(form);
      if (plan.problems.length) { report(form, plan.problems); return; }
      plan.body.version = Number(form.dataset.version);
      P.message(t("Saving…"), "info");
      P.api(api + "/projects/" + form.dataset.project, {method: "PUT", json: plan.body})
        .then(function () { done(t("Saved"), "project-" + form.dataset.project); },
              function (error) { serverError(form, error); });
    });
  });

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
      list.replaceChildren(P.el("p", {"class": "warning", text: error.message}));
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
                P.message(t("Someone else changed this in the meantime"), "conflict", error.message);
              }
              var list = box.querySelector(".history-list");
              var note = list.querySelector(".history-error") || list.insertBefore(
                P.el("p", {"class": "history-error warning", role: "alert"}), list.firstChild);
              note.textContent = error.message;
            });
  }

  document.querySelectorAll("details.history").forEach(function (box) {
    box.addEventListener("toggle", function () { if (box.open) { showHistory(box); } });
  });

  /* -- who a project serves (GET …/projects/<id>/reach) ------------------------------------ */
  function people(value) { return P.fmt(Math.round(value), 0); }

  /* Loaded when a card comes into view, one request at a time: a partnership with a hundred
     projects must not send a hundred buffer computations at once. */
  var reachQueue = Promise.resolve();
  var reachInView = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) { return; }
      reachInView.unobserve(entry.target);
      reachQueue = reachQueue.then(function () { return loadReach(entry.target); });
    });
  }, {rootMargin: "300px"});
  document.querySelectorAll("section.reach").forEach(function (box) { reachInView.observe(box); });

  function loadReach(box) {
    var body = box.querySelector(".reach-body");
    return P.api(box.dataset.reach).then(function (reach) {
      if (!reach.population_year) {
        body.replaceChildren(P.el("p", {"class": "muted", text: t("No population data")}));
        return;
      }
      var rows = reach.buffers.map(function (b) {
        var members = b.gminas.filter(function (g) { return g.member; }).map(function (g) { return g.name; });
        return P.el("tr", {"data-km": String(b.radius_km)}, [
          P.el("th", {scope: "row", text: b.radius_km + " km"}),
          P.el("td", {"class": "population", text: people(b.population)}),
          P.el("td", {"class": "members", text: members.length ? members.join(", ") : "–"}),
          P.el("td", {text: String(b.gminas.length)})]);
      });
      body.replaceChildren(
        P.el("div", {"class": "table-scroll", tabindex: "0", role: "group", "aria-label": t("Who it serves")}, [
          P.el("table", {"class": "data reach-table"}, [
            P.el("thead", {}, [P.el("tr", {}, [t("Within"), t("Population"), t("Member gminas reached"),
              t("Gminas touched")].map(function (h) { return P.el("th", {scope: "col", text: h}); }))]),
            P.el("tbody", {}, rows)])]),
        P.el("p", {"class": "muted reach-method", text: t("Population") + " " + reach.population_year +
          " (" + reach.population_indicator + "); " + t("method") + ": " + reach.method}));
    }, function (error) {
      body.replaceChildren(P.el("p", {"class": "warning", text: error.message}));
    });
  }
})();
