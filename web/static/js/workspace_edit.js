/* The workspace's forms of a functional area and of a project: opening them (new or to edit),
   saving (POST, or PUT against the version edited), closing, and what a refusal shows; and the
   regionalisation proposals accepted as areas. A stale edit (409) hands over to
   workspace_conflict.js, which shows what changed on the server. Builds on workspace.js. */
(function () {
  "use strict";
  var P = window.P, t = P.t;
  var W = window.partnerstwa.workspace;
  var pid = W.pid, areaForm = W.areaForm, projectForm = W.projectForm;

  function openAreaForm(formMode, hint) {
    W.mode = formMode === "gminas" ? "gminas" : null;
    // The saved areas lie over the gminas: while choosing, clicks go through them.
    W.map.getPane("areas").style.pointerEvents = W.mode === "gminas" ? "none" : "";
    areaForm.hidden = false;
    areaForm.elements.mode.value = formMode;
    document.getElementById("gmina-picker").hidden = formMode !== "gminas";
    document.getElementById("area-hint").textContent = hint || "";
    W.forms().clear(areaForm);
    W.clearConflict(areaForm);
    if (areaForm.dataset.restored === "1" && !areaForm.elements.name.value) { areaForm.dataset.restored = ""; }
  }

  function closeAreaForm() {
    areaForm.hidden = true;
    W.mode = null;
    W.map.getPane("areas").style.pointerEvents = "";
    Array.from(W.selection).forEach(function (code) { W.toggle(code, false); });
    document.getElementById("area-selection").textContent = "";
    if (W.drawn && W.drawPurpose === "area") { W.map.removeLayer(W.drawn); W.drawn = null; }
    W.stopReshaping();
    W.clearConflict(areaForm);
    W.editing = null;
    document.getElementById("area-reshape").hidden = true;
  }

  document.getElementById("area-by-gminas").addEventListener("click", function () {
    areaForm.elements.id.value = ""; areaForm.elements.version.value = "";
    openAreaForm("gminas", t("Tick gminas in the list or click them on the map"));
    areaForm.elements.name.focus();
  });

  function editArea(area) {
    var f = areaForm.elements;
    f.id.value = area.id; f.version.value = area.version; f.name.value = area.name;
    f.kind.value = area.kind; f.description.value = area.description || "";
    W.stopReshaping();
    W.editing = area;
    openAreaForm("edit", t("Version") + " " + area.version);
    document.getElementById("area-reshape").hidden = !area.geometry;
    f.name.focus();
  }

  areaForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var f = areaForm.elements, body = {name: f.name.value.trim(), kind: f.kind.value, description: f.description.value.trim()};
    var extra = [];
    if (f.mode.value === "gminas" && !W.selection.size) {
      var gminaError = document.getElementById("area-gminas-error");
      gminaError.textContent = t("Select at least one gmina"); gminaError.hidden = false;
      extra.push({field: document.getElementById("gmina-filter"), text: t("Select at least one gmina")});
    } else { document.getElementById("area-gminas-error").hidden = true; }
    if (!W.forms().check(areaForm, extra)) { return; }
    var request, editing = f.mode.value === "edit";
    if (editing) {
      body.version = Number(f.version.value);
      if (W.reshaping) { body.geometry = W.reshaping.toGeoJSON().geometry; }
      request = P.api("/api/v1/areas/" + encodeURIComponent(f.id.value), {method: "PUT", json: body});
    } else {
      if (f.mode.value === "gminas") { body.gminas = Array.from(W.selection); } else { body.geometry = W.drawn.toGeoJSON().geometry; }
      request = P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/areas", {method: "POST", json: body});
    }
    P.message(t("Saving…"), "info");
    request.then(function () {
      W.clearAreaDraft();
      closeAreaForm();
      areaForm.reset();
      P.message(t("Saved"), "ok");
      return W.loadAreas();
    }).catch(function (error) { failed(error, areaForm, editing ? body : null); });
  });
  areaForm.querySelector("[data-action=cancel]").addEventListener("click", function () { closeAreaForm(); });

  /* A refusal: a stale edit (409) shows what changed on the server at the form, when ``sent``
     (the body of the PUT) says what the user typed; otherwise the reason, at its field if any. */
  function failed(error, form, sent) {
    if (error.status === 409) {
      var version = error.body && error.body.current_version ? " (" + t("Version") + " " + error.body.current_version + ")" : "";
      if (sent) {
        P.message(t("Someone else changed this in the meantime"), "conflict",
          t("The form shows what changed: keep yours or take the values saved in the meantime.") + version);
        W.showConflict(form, sent);
      } else {
        P.message(t("Someone else changed this in the meantime"), "conflict",
          t("Your version is kept in the history; reload to see the current one and apply your changes again.") + version);
      }
    } else if (form && W.forms().fromServer(form, error)) {
      P.message(t("Could not save"), "error", P.reason(error));
    } else if (error.status === 422 && (W.drawn || W.reshaping)) {
      P.message(t("The drawing is not valid"), "error", P.reason(error));
    } else {
      P.message(t("Could not save"), "error", P.reason(error));
    }
  }

  /* Regionalisation proposals */
  var runSelect = document.getElementById("region-run");
  var regionRun = null, runRequest = null;
  function loadRun() {
    if (!runSelect) { return Promise.resolve(); }
    // Only the latest choice is shown: the request before it is aborted, a late answer dropped.
    if (runRequest) { runRequest.abort(); }
    var mine = runRequest = new AbortController();
    return P.api("/api/v1/analysis/runs/" + encodeURIComponent(runSelect.value), {signal: mine.signal}).then(function (run) {
      if (runRequest !== mine) { return; }
      regionRun = run;
      var ids = {};
      Object.keys(run.results).forEach(function (code) {
        var r = run.results[code].region_id;
        if (r > 0 && W.partnership.gminas.indexOf(code) >= 0) { (ids[r] = ids[r] || []).push(code); }
      });
      var select = document.getElementById("region-id");
      select.replaceChildren.apply(select, Object.keys(ids).map(function (r) {
        return P.el("option", {value: r, text: t("Region") + " " + r + " (" + ids[r].length + ")"});
      }));
    }, function (error) { if (runRequest === mine) { throw error; } });
  }
  if (runSelect) {
    runSelect.addEventListener("change", function () { loadRun().catch(failed); });
    document.getElementById("accept-region").addEventListener("click", function () {
      var region = Number(document.getElementById("region-id").value);
      var codes = Object.keys(regionRun.results).filter(function (c) {
        return regionRun.results[c].region_id === region && W.partnership.gminas.indexOf(c) >= 0;
      });
      P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/areas", {method: "POST", json: {
        name: t("Region") + " " + region + " (#" + regionRun.id + ")", kind: "other", gminas: codes,
        comment: "regionalisation run " + regionRun.id}}).then(function () {
        P.message(t("Saved"), "ok"); return W.loadAreas();
      }).catch(function (error) { failed(error); });
    });
  }

  /* Projects */
  function openProjectForm() {
    projectForm.hidden = false;
    W.forms().clear(projectForm);
    W.clearConflict(projectForm);
    W.buildAreaLinks();
    W.showTab("projects");
    projectForm.elements.title.focus();
  }

  /* A project's values into the form (also the server's, after a stale edit). */
  function projectField(name, value) {
    var f = projectForm.elements;
    if (name === "cost_pln") {
      f.cost_pln.value = value === null || value === undefined ? "" : String(value).replace(".", document.documentElement.lang === "en" ? "." : ",");
      f.cost_confirmed.checked = value !== null && value !== undefined && Number(value) > W.forms().rules.cost.confirm;
    } else if (name === "area_ids") {
      W.buildAreaLinks(value || []);
    } else {
      f[name].value = value === null || value === undefined ? "" : String(value);
    }
  }

  function editProject(p) {
    projectForm.elements.id.value = p.id; projectForm.elements.version.value = p.version;
    ["title", "theme", "cost_pln", "funding_source", "start_date", "end_date", "feasibility", "priority", "description"]
      .forEach(function (name) { projectField(name, p[name]); });
    W.stopReshaping();
    projectForm._editing = p;
    document.getElementById("project-reshape").hidden = !p.geometry;
    openProjectForm();
    W.buildAreaLinks(p.area_ids || []);
    document.getElementById("project-hint").textContent = t("Version") + " " + p.version;
  }

  projectForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!W.forms().check(projectForm)) { return; }
    var f = projectForm.elements, cost = f.cost_pln.value.trim();
    var body = {title: f.title.value.trim(), theme: f.theme.value.trim(), cost_pln: cost === "" ? null : String(W.forms().parseCost(cost)),
      funding_source: f.funding_source.value, start_date: f.start_date.value || null, end_date: f.end_date.value || null,
      feasibility: f.feasibility.value, priority: Number(f.priority.value), description: f.description.value.trim(),
      area_ids: Array.prototype.map.call(projectForm.querySelectorAll("input[name=area_link]:checked"), function (i) { return Number(i.value); })};
    var request, editing = !!f.id.value;
    if (editing) {
      body.version = Number(f.version.value);
      if (W.reshaping) { body.geometry = W.reshaping.toGeoJSON().geometry; }
      request = P.api("/api/v1/projects/" + encodeURIComponent(f.id.value), {method: "PUT", json: body});
    } else {
      body.geometry = W.drawn.toGeoJSON().geometry;
      if (W.drawn.crs) { body.crs = W.drawn.crs; }
      request = P.api("/api/v1/partnerships/" + encodeURIComponent(pid) + "/projects", {method: "POST", json: body});
    }
    P.message(t("Saving…"), "info");
    request.then(function () {
      W.clearProjectDraft();
      projectForm.reset();
      projectForm.hidden = true;
      W.stopReshaping();
      W.clearConflict(projectForm);
      if (W.drawn) { W.map.removeLayer(W.drawn); W.drawn = null; }
      P.message(t("Saved"), "ok");
      return W.loadProjects();
    }).catch(function (error) { failed(error, projectForm, editing ? body : null); });
  });
  projectForm.querySelector("[data-action=cancel]").addEventListener("click", function () {
    projectForm.hidden = true;
    W.stopReshaping();
    W.clearConflict(projectForm);
    if (W.drawn && W.drawPurpose === "project") { W.map.removeLayer(W.drawn); W.drawn = null; }
  });

  Object.assign(W, {openAreaForm: openAreaForm, closeAreaForm: closeAreaForm, editArea: editArea,
    openProjectForm: openProjectForm, editProject: editProject, projectField: projectField, failed: failed, loadRun: loadRun});
})();
