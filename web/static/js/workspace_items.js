/* The workspace's lists of areas and projects and what the API does with each item: edit,
   version history with restore, statistics (areas), delete with confirmation; and the import
   of projects from a file with its preview. Every button names its item ("Edytuj: Dolina
   Biebrzy"), so a screen reader's list of buttons tells them apart. */
(function () {
  "use strict";
  var P = window.P, t = P.t, el = P.el;
  var root = document.getElementById("workspace");
  var pid = root.dataset.partnership;
  var ACTIONS = {create: "created", update: "changed", restore: "restored", delete: "deleted"};

  /* An amount as stored: whole złoty without decimals, otherwise with its grosze
     ("4 500 000,50 zł"), never rounded to the złoty. */
  function money(value) {
    if (value === null || value === undefined || value === "") { return "–"; }
    var n = Number(value), whole = Number.isInteger(n);
    if (Number.isNaN(n)) { return String(value); }
    return new Intl.NumberFormat(P.lang, {minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2}).format(n) + " " + t("PLN");
  }

  function button(label, name, onclick, extra) {
    return el("button", Object.assign({type: "button", text: label, "aria-label": label + ": " + name, onclick: onclick}, extra || {}));
  }

  /* A details box under an item, toggled by its button (aria-expanded). */
  function toggleDetails(li, trigger, fill) {
    var box = li.querySelector(".details[data-for='" + trigger.dataset.details + "']");
    if (box) { box.remove(); trigger.setAttribute("aria-expanded", "false"); return; }
    box = el("div", {class: "details", "data-for": trigger.dataset.details, text: t("Loading…")});
    li.appendChild(box);
    trigger.setAttribute("aria-expanded", "true");
    fill(box).catch(function (error) { box.textContent = t("Could not load") + ": " + P.reason(error); });
  }

  function history(kind, item, name, reload) {
    var base = "/api/v1/" + kind + "/" + item.id;
    return function (box) {
      return P.api(base + "/versions").then(function (versions) {
        var rows = versions.map(function (v) {
          var restore = v.outcome === "accepted" && v.version !== item.version && v.action !== "delete"
            ? button(t("Restore"), name + ", " + t("version") + " " + v.version, function () {
              if (!window.confirm(t("Make version") + " " + v.version + " " + t("the current one?"))) { return; }
              P.api(base + "/restore", {method: "POST", json: {restore: v.version, version: item.version}})
                .then(function () { P.message(t("Restored"), "ok"); return reload(); })
                .catch(function (error) { P.message(t("Could not save"), "error", P.reason(error)); });
            }) : "";
          return el("tr", {"data-version": v.version === null ? "" : v.version}, [
            el("td", {text: v.version === null ? "–" : String(v.version)}),
            el("td", {text: v.created_at.slice(0, 16).replace("T", " ")}),
            el("td", {text: v.author}),
            el("td", {text: t(v.outcome === "accepted" ? (ACTIONS[v.action] || v.action) : "refused (conflict)")}),
            el("td", {}, [restore])]);
        });
        box.replaceChildren(el("table", {class: "data"}, [
          el("caption", {class: "muted", text: t("Versions of") + " " + name}),
          el("thead", {}, [el("tr", {}, [t("Version"), t("When"), t("Who"), t("What"), ""].map(function (h) { return el("th", {scope: "col", text: h}); }))]),
          el("tbody", {}, rows)]));
      });
    };
  }

  function stats(area) {
    return function (box) {
      return Promise.all([P.api("/api/v1/areas/" + area.id + "/stats"), P.api("/api/v1/indicators")]).then(function (res) {
        var s = res[0], catalogue = {};
        res[1].forEach(function (i) { catalogue[i.code] = i; });
        var rows = [el("tr", {}, [el("th", {scope: "row", text: t("Area")}), el("td", {class: "num", text: P.fmt(s.area_km2, 1) + " km²"})])];
        if (s.population) {
          rows.push(el("tr", {}, [el("th", {scope: "row", text: t("Population") + " (" + s.population.year + ")"}), el("td", {class: "num", text: P.fmt(s.population.value, 0)})]));
        }
        Object.keys(s.indicators).forEach(function (code) {
          var meta = catalogue[code] || {name_pl: code, name_en: code}, v = s.indicators[code];
          var name = (document.documentElement.lang === "en" ? meta.name_en : meta.name_pl) + (meta.unit ? " [" + meta.unit + "]" : "") + " (" + v.year + ")";
          rows.push(el("tr", {"data-indicator": code}, [el("th", {scope: "row", text: name}), el("td", {class: "num", text: P.fmt(v.value)})]));
        });
        box.replaceChildren(el("table", {class: "data area-stats"}, [el("caption", {class: "muted", text: t("Statistics of") + " " + area.name}), el("tbody", {}, rows)]),
          el("p", {class: "muted", text: P.plural("gminas", s.gminas.length) + " " + t("(shares of their area in the area)") + ": " +
            s.gminas.map(function (g) { return g.name + " " + P.fmt(100 * g.share, 0) + "%"; }).join(", ")}),
          rasterForm(area, s.rasters || []));
      });
    };
  }

  /* A raster of the data mirror summarised over the area: mean, range and spread, or the
     shares of land-cover classes. Only the rasters the area meets are offered. */
  function rasterForm(area, rasters) {
    var english = document.documentElement.lang === "en";
    var id = "raster-" + area.id;
    // The server lists only the rasters whose extent the area meets.
    if (!rasters.length) { return el("p", {class: "muted raster-none", text: t("No raster of the catalogue covers this area")}); }
    var choice = el("select", {id: id}, rasters.map(function (r) {
      return el("option", {value: r.name, text: english ? r.label_en : r.label_pl});
    }));
    var out = el("div", {class: "raster-summary", "aria-live": "polite"});
    var go = el("button", {type: "button", text: t("Summarise the raster"), "data-action": "raster"});
    go.addEventListener("click", function () {
      out.replaceChildren(el("p", {text: t("Loading…")}));
      P.api("/api/v1/areas/" + area.id + "/rasters/" + encodeURIComponent(choice.value)).then(function (r) {
        var rows = [[t("cells inside the area"), P.fmt(r.cells, 0)]];
        if (r.covered_km2 !== null && r.covered_km2 !== undefined) { rows.push([t("covered"), P.fmt(r.covered_km2, 2) + " km²"]); }
        if (r.classes) {
          Object.keys(r.classes).sort(function (a, b) { return r.classes[b] - r.classes[a]; }).forEach(function (c) {
            rows.push([t("class") + " " + c, P.fmt(100 * r.classes[c], 1) + "%"]);
          });
        } else if (r.cells) {
          rows.push([t("mean"), P.fmt(r.mean, 2)], [t("minimum"), P.fmt(r.min, 2)], [t("maximum"), P.fmt(r.max, 2)],
                    [t("standard deviation"), P.fmt(r.std, 2)]);
        }
        out.replaceChildren(el("table", {class: "data raster-stats", "data-raster": r.raster}, [el("tbody", {}, rows.map(function (row) {
          return el("tr", {}, [el("th", {scope: "row", text: row[0]}), el("td", {class: "num", text: row[1]})]);
        }))]));
      }).catch(function (error) { out.replaceChildren(el("p", {class: "error", text: P.reason(error)})); });
    });
    return el("div", {class: "raster-form"}, [el("label", {for: id, text: t("Raster of the data mirror")}), choice, go, out]);
  }

  function remove(kind, item, name, reload) {
    return function () {
      if (!window.confirm(t("Delete") + " „" + name + "”? " + t("It stays in the history."))) { return; }
      P.api("/api/v1/" + kind + "/" + item.id + "?version=" + item.version, {method: "DELETE"})
        .then(function () { P.message(t("Deleted") + ": " + name, "ok"); return reload(); })
        .catch(function (error) { P.message(t("Could not delete"), "error", P.reason(error)); });
    };
  }

  function item(kind, obj, name, meta, actions) {
    var li = el("li", {"data-version": obj.version}), id = kind + "-" + obj.id;
    li.setAttribute(kind === "areas" ? "data-area" : "data-project", obj.id);
    var tools = el("span", {class: "item-actions"}, [
      button(t("Edit"), name, function () { actions.edit(obj); }, {class: "writer", "data-action": "edit"}),
      button(t("History"), name, function (e) { toggleDetails(li, e.currentTarget, history(kind, obj, name, actions.reload)); },
        {"aria-expanded": "false", "data-details": "history-" + id, "data-action": "history"})]);
    if (kind === "areas") {
      tools.appendChild(button(t("Statistics"), name, function (e) { toggleDetails(li, e.currentTarget, stats(obj)); },
        {"aria-expanded": "false", "data-details": "stats-" + id, "data-action": "stats"}));
    }
    tools.appendChild(button(t("Delete"), name, remove(kind, obj, name, actions.reload), {class: "writer danger", "data-action": "delete"}));
    li.append(el("strong", {text: name}), " ", el("span", {class: "muted", text: meta}), " ", tools);
    return li;
  }

  function areaItem(area, kindLabel, actions) {
    return item("areas", area, area.name, kindLabel + " · " + P.fmt(area.area_km2, 1) + " km² · " + t("Version") + " " + area.version, actions);
  }
  function projectItem(p, fundingLabel, priorityLabel, actions) {
    return item("projects", p, p.title, money(p.cost_pln) + " · " + fundingLabel + " · " + priorityLabel + " · " + t("Version") + " " + p.version, actions);
  }

  /* Import: preview first (nothing written), then the import of what was previewed. */
  var importForm = document.getElementById("import-form");
  if (importForm) {
    var preview = document.getElementById("import-preview"), confirmButton = document.getElementById("import-confirm");
    var errorBox = document.getElementById("import-error"), fileInput = document.getElementById("import-file");
    var send = function (dry) {
      var data = new FormData();
      data.append("file", fileInput.files[0]);
      data.append("preview", dry ? "true" : "false");
      return fetch("/api/v1/partnerships/" + encodeURIComponent(pid) + "/projects/import", {method: "POST", body: data,
        headers: {"X-CSRF-Token": document.querySelector("meta[name=csrf-token]").content, Accept: "application/json"}})
        .then(function (r) { return r.json().then(function (body) { if (!r.ok) { var e = new Error(body.detail || r.statusText); e.status = r.status; e.body = body; throw e; } return body; }); });
    };
    var refuse = function (text) {
      errorBox.textContent = text; errorBox.hidden = false;
      fileInput.setAttribute("aria-invalid", "true");
      fileInput.focus();
    };
    importForm.addEventListener("submit", function (event) {
      event.preventDefault();
      errorBox.hidden = true; fileInput.setAttribute("aria-invalid", "false");
      confirmButton.hidden = true; preview.replaceChildren();
      if (!fileInput.files.length) { refuse(t("Choose a file first")); return; }
      preview.textContent = t("Loading…");
      send(true).then(function (result) {
        var families = Object.keys(result.by_geometry || {}).map(function (k) { return k + ": " + result.by_geometry[k]; }).join(", ");
        var parts = [el("p", {}, [el("strong", {text: P.plural("projects", result.features)}), " · " + families])];
        if (result.warnings && result.warnings.length) { parts.push(el("ul", {class: "warnings"}, result.warnings.map(function (w) { return el("li", {text: w}); }))); }
        if (result.problem_count) {
          parts.push(el("p", {class: "error", text: t("Problems to correct in the file") + " (" + result.problem_count + "):"}));
          parts.push(el("ul", {class: "error"}, result.problems.map(function (w) { return el("li", {text: w}); })));
        }
        var rows = (result.sample || []).map(function (r) {
          return el("tr", {}, [el("td", {text: r.title || ""}), el("td", {class: "num", text: money(r.cost_pln)}), el("td", {text: r.funding_source || ""})]);
        });
        if (rows.length) {
          parts.push(el("table", {class: "data import-records"}, [el("caption", {class: "muted", text: t("First rows of the file")}),
            el("thead", {}, [el("tr", {}, [t("Title"), t("Cost (PLN)"), t("Funding source")].map(function (h) { return el("th", {scope: "col", text: h}); }))]),
            el("tbody", {}, rows)]));
        }
        preview.replaceChildren.apply(preview, parts);
        confirmButton.hidden = !!result.problem_count || !result.features;
        if (!confirmButton.hidden) { confirmButton.focus(); }
      }).catch(function (error) { preview.replaceChildren(); refuse(P.reason(error)); });
    });
    confirmButton.addEventListener("click", function () {
      confirmButton.disabled = true;
      send(false).then(function (result) {
        P.message(t("Imported") + ": " + P.plural("projects", result.created.length), "ok");
        importForm.reset(); preview.replaceChildren(); confirmButton.hidden = true;
        document.dispatchEvent(new Event("partnerstwa:projects-import"));
      }).catch(function (error) { refuse(P.reason(error)); }).then(function () { confirmButton.disabled = false; });
    });
  }

  window.PWorkspaceItems = {areaItem: areaItem, projectItem: projectItem, money: money};
})();
