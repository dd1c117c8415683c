/* Survey imports: upload an export, see the preview, correct it, import it.
   Everything from the file is shown as text (textContent), never as markup. */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el;
  var page = JSON.parse(document.getElementById("survey-page").textContent);
  var form = document.getElementById("survey-upload");
  var fixes = {columns: {}, questions: {}, gminas: {}};
  var ROLES = [["gmina", "Gmina"], ["sex", "Sex"], ["age", "Age"], ["age_group", "Age group"]];
  var KIND_NAMES = {single: "single choice", multiple: "multiple choice", likert: "Likert scale",
                    number: "number", text: "open text"};

  function formData(extra) {
    var data = new FormData();
    data.append("file", form.elements.file.files[0]);
    ["format", "encoding", "delimiter"].forEach(function (name) {
      if (form.elements[name].value) { data.append(name, form.elements[name].value); }
    });
    data.append("mapping", JSON.stringify(fixes));
    Object.keys(extra || {}).forEach(function (k) { data.append(k, extra[k]); });
    return data;
  }

  function ready() {
    if (!form.elements.file.files.length) {
      P.message(t("Choose the export file first"), "error");
      form.elements.file.focus();
      return false;
    }
    return true;
  }

  function select(id, label, choices, value, onChange) {
    var box = el("select", {id: id});
    choices.forEach(function (c) {
      var option = el("option", {value: c[0], text: c[1]});
      if (c[0] === value) { option.selected = true; }
      box.appendChild(option);
    });
    box.addEventListener("change", function () { onChange(box.value); });
    return [el("label", {"for": id, text: label}), box];
  }

  function renderRoles(shown) {
    var box = document.getElementById("preview-roles");
    var columns = [["", t("none")]].concat(shown.columns.map(function (c) { return [c, c]; }));
    box.replaceChildren();
    ROLES.forEach(function (role) {
      var current = shown.roles[role[0]] || "";
      select("role-" + role[0], t(role[1]), columns, current, function (value) {
        fixes.columns[role[0]] = value || null;
      }).forEach(function (node) { box.appendChild(node); });
    });
  }

  function renderQuestions(shown) {
    var body = document.querySelector("#preview-questions tbody");
    body.replaceChildren();
    shown.questions.forEach(function (q) {
      var fix = fixes.questions[q.code] || {};
      var kinds = page.kinds.map(function (k) { return [k, t(KIND_NAMES[k])]; });
      var kindCell = el("td", {}, select("kind-" + q.code, t("Kind") + " " + q.code, kinds, q.kind,
        function (value) {
          fix = fixes.questions[q.code] = Object.assign(fixes.questions[q.code] || {}, {kind: value});
          if (value === q.detected) { delete fix.kind; }
        }));
      kindCell.firstChild.className = "visually-hidden";
      var options = q.options.map(function (o) {
        return o.label + " (" + P.fmt(o.count, 0) + ")";
      }).join("; ");
      var keep = el("input", {type: "checkbox", id: "keep-" + q.code, "aria-label": t("Import") + " " + q.code});
      keep.checked = !fix.skip;
      keep.addEventListener("change", function () {
        fixes.questions[q.code] = Object.assign(fixes.questions[q.code] || {}, {skip: !keep.checked});
        if (keep.checked) { delete fixes.questions[q.code].skip; }
      });
      body.appendChild(el("tr", {"data-code": q.code}, [
        el("td", {}, [el("code", {text: q.code})]), el("td", {text: q.text}), kindCell,
        el("td", {"data-label": t("Answers"), text: P.fmt(q.answered, 0)}),
        el("td", {"data-label": t("Options (answers)"), class: "survey-options", text: options}),
        el("td", {"data-label": t("Import")}, [keep])]));
    });
  }

  function renderGminas(shown) {
    var body = document.querySelector("#preview-gminas tbody");
    body.replaceChildren();
    // "Wysokie Mazowieckie (gmina miejska, 2013011)": the server's label tells twins apart
    var all = shown.partnership_gminas.map(function (g) { return [g.teryt, g.label || g.name + " (" + g.teryt + ")"]; });
    shown.gminas.forEach(function (g, i) {
      var cell;
      if (g.teryt && g.how !== "decided") {
        cell = el("td", {text: g.label});
      } else {
        var first = g.candidates.map(function (c) { return [c.teryt, c.label]; });
        var choices = [["", t("choose the gmina…")]].concat(first, all);
        var parts = select("gmina-" + i, t("Gmina") + ": " + g.value, choices, g.teryt || "",
          function (value) {
            if (value) { fixes.gminas[g.value] = value; } else { delete fixes.gminas[g.value]; }
          });
        parts[0].className = "visually-hidden";
        cell = el("td", {}, [el("span", {class: "survey-problem", text: g.problem || t("decided by you")})].concat(parts));
      }
      body.appendChild(el("tr", {class: g.teryt ? "" : "unresolved"}, [
        el("td", {"data-label": t("Written in the file"), text: g.value || "–"}),
        el("td", {"data-label": t("Responses"), text: P.fmt(g.count, 0)}), cell]));
    });
  }

  function render(shown) {
    document.getElementById("survey-preview").hidden = false;
    document.getElementById("preview-summary").textContent = shown.format_label + " · " +
      P.fmt(shown.responses, 0) + " " + t("responses") + " · " + t("encoding") + " " +
      shown.encoding + (shown.delimiter ? " · " + t("delimiter") + " " + JSON.stringify(shown.delimiter) : "");
    var problems = document.getElementById("preview-problems");
    problems.replaceChildren();
    if (shown.problem_count) {
      problems.appendChild(el("p", {}, [el("strong", {text: t("Problems to correct before the import") + ": " + P.fmt(shown.problem_count, 0)})]));
      problems.appendChild(el("ul", {}, shown.problems.map(function (p) { return el("li", {text: p}); })));
    }
    problems.hidden = !shown.problem_count;
    var warnings = document.getElementById("preview-warnings");
    warnings.replaceChildren.apply(warnings, shown.warnings.map(function (w) { return el("li", {text: w}); }));
    renderRoles(shown);
    renderQuestions(shown);
    renderGminas(shown);
    document.getElementById("survey-import").disabled = false;
    document.getElementById("preview-heading").focus();
  }

  function preview() {
    if (!ready()) { return; }
    P.message(t("Reading the file…"), "info");
    P.api(page.preview_url, {method: "POST", body: formData()}).then(function (shown) {
      document.getElementById("message").hidden = true;
      render(shown);
    }).catch(function (error) { P.message(t("The file cannot be read"), "error", P.reason(error)); });
  }

  function importSurvey() {
    if (!ready()) { return; }
    if (!form.elements.title.value.trim()) {
      P.message(t("Give the survey a title"), "error");
      form.elements.title.focus();
      return;
    }
    var button = document.getElementById("survey-import");
    button.disabled = true;
    P.message(t("Importing…"), "info");
    P.api(page.import_url, {method: "POST", body: formData({kind: form.elements.kind.value,
                                                           title: form.elements.title.value})})
      .then(function (done) {
        P.message(t("Imported") + ": " + P.fmt(done.responses, 0) + " " + t("responses"), "ok");
        window.location.assign(window.location.pathname + "?imported=" + done.id);
      }).catch(function (error) {
        button.disabled = false;
        P.message(t("Nothing was imported"), "error", P.reason(error));
      });
  }

  document.querySelectorAll(".survey-delete").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!window.confirm(t("Delete this survey?") + " " + button.dataset.title)) { return; }
      P.api(button.dataset.url, {method: "DELETE"}).then(function () {
        button.closest("tr").remove();
        P.message(t("Deleted"), "ok");
      }).catch(function (error) { P.message(t("Could not delete"), "error", P.reason(error)); });
    });
  });
  if (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); preview(); });
    form.elements.file.addEventListener("change", function () {
      fixes = {columns: {}, questions: {}, gminas: {}};
      document.getElementById("survey-preview").hidden = true;
    });
    document.getElementById("survey-repreview").addEventListener("click", preview);
    document.getElementById("survey-import").addEventListener("click", importSurvey);
  }
})();
