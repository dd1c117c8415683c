/* The project package of the strategy page: one card per project, folded, with its title,
   theme, cost and number of warnings. A partnership may have hundreds of projects, so only a
   page of cards is shown at a time ("Show more"), a filter finds a card by its title, and a
   card's schedule, feasibility and finance forms are built only when it is opened: they are
   the project's own page (/partnerships/<pid>/strategy/projects/<id>), fetched and taken in.
   A link to #project-<id> (the goals' directions, the page after a save) opens that card.
   The same script wires the forms on the project's own page. */
(function () {
  "use strict";
  var P = window.P, t = P.t, F = window.StrategyForms;
  var root = document.getElementById("strategy");
  if (!root) { return; }
  var data = JSON.parse(document.getElementById("strategy-data").textContent);
  var api = root.dataset.api;
  var thisYear = new Date().getFullYear();

  /* -- a project's plan: schedule, feasibility, finance ------------------------------------ */
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

  /* The plan as the API takes it, and the problems found on the way (the server's rules:
     a task not ending before it starts, amounts in złoty with at most two decimals, eligible
     not above total, entered shares adding up to exactly 100%). */
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
        if (!F.isMoney(f.value)) { problems.push({field: f, text: t("Type an amount in złoty with at most two decimals, not negative")}); }
      });
      if (F.isMoney(total.value) && F.isMoney(eligible.value) && F.grosze(eligible.value) > F.grosze(total.value)) {
        problems.push({field: eligible, text: t("The eligible cost is greater than the total cost")});
      }
      out.lines.push({year: Number(year.value), category: row.querySelector("[name=line-category]").value,
                      total: F.decimalText(total.value), eligible: F.decimalText(eligible.value)});
    });
    var rate = form.elements.rate;
    var rateText = F.decimalText(rate.value || "0");
    if (!/^\d+(\.\d{1,2})?$/.test(rateText) || Number(rateText) > 100) {
      problems.push({field: rate, text: t("Type a percentage from 0 to 100")});
    } else {
      out.cofinancing_rate = (Number(rateText) / 100).toFixed(4);
    }
    out.split_method = form.elements.split_method.value;
    var sum = 0, sharesBox = form.querySelector("fieldset.shares");
    form.querySelectorAll("input[name=share]").forEach(function (f) {
      if (!f.value.trim()) { return; }
      if (!F.isNumber(f.value) || F.tenThousandths(f.value) <= 0) { problems.push({field: f, text: t("Type a percentage from 0 to 100")}); return; }
      sum += F.tenThousandths(f.value);
      out.shares.push({teryt: f.dataset.teryt, share: F.decimalText(f.value)});
    });
    if (out.split_method === "entered" && sum !== 1000000) {
      problems.push({field: sharesBox, text: t("The shares must add up to exactly 100%") + " (" + P.fmt(sum / 10000, 4) + "%)"});
    }
    return {body: out, problems: problems};
  }

  function wirePlan(form) {
    form.querySelector(".add-task").addEventListener("click", function () { addTask(form); });
    form.querySelector(".add-line").addEventListener("click", function () { addLine(form); });
    form.elements.split_method.addEventListener("change", function () {
      if (form.elements.split_method.value === "entered") { form.querySelector("details.shares-box").open = true; }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      F.clear(form);
      var plan = readPlan(form);
      if (plan.problems.length) { F.report(form, plan.problems); return; }
      plan.body.version = Number(form.dataset.version);
      P.message(t("Saving…"), "info");
      P.api(api + "/projects/" + form.dataset.project, {method: "PUT", json: plan.body})
        .then(function () { F.done(t("Saved"), "project-" + form.dataset.project); },
              function (error) { F.serverError(form, error); });
    });
  }

  /* -- who a project serves (GET …/projects/<id>/reach) ------------------------------------ */
  function people(value) { return P.fmt(Math.round(value), 0); }

  /* One request at a time: opening many cards must not send as many buffer computations at
     once. */
  var reachQueue = Promise.resolve();

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
      body.replaceChildren(P.el("p", {"class": "warning", text: P.reason(error)}));
    });
  }

  /* A card's body in the page: its plan form, histories and reach working. */
  function wireBody(body) {
    body.querySelectorAll("form.plan-form").forEach(wirePlan);
    F.wireHistories(body);
    body.querySelectorAll("section.reach").forEach(function (box) {
      reachQueue = reachQueue.then(function () { return loadReach(box); });
    });
  }

  /* -- the cards: folded, a page at a time, found by a filter ------------------------------ */
  var section = document.getElementById("projects");
  var cards = section ? Array.prototype.slice.call(section.querySelectorAll("details.project-card")) : [];
  if (!cards.length) {  // the project's own page: its body is there already
    document.querySelectorAll(".project-body").forEach(wireBody);
    return;
  }
  var pageSize = Number(section.dataset.pageSize) || 20;
  var titles = cards.map(function (card) { return F.folded(card.querySelector(".project-title").textContent); });
  var filter = document.getElementById("project-filter"), more = document.getElementById("projects-more");
  var count = document.getElementById("project-count"), limit = pageSize;

  /* The cards matching the filter, the first ``limit`` of them shown; an opened card stays. */
  function show() {
    var words = F.folded(filter.value).split(" ").filter(Boolean), matching = 0;
    cards.forEach(function (card, i) {
      var hit = words.every(function (w) { return titles[i].indexOf(w) >= 0; });
      if (hit) { matching += 1; }
      card.hidden = !(hit && matching <= limit) && !card.open;
    });
    var shown = Math.min(matching, limit);
    count.textContent = matching ? section.dataset.shown.replace("{shown}", shown).replace("{total}", matching)
      : section.dataset.none;
    more.hidden = matching <= limit;
  }

  filter.addEventListener("input", function () { limit = pageSize; show(); });
  filter.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {  // to the first card found
      event.preventDefault();
      var first = cards.filter(function (c) { return !c.hidden; })[0];
      if (first) { first.querySelector("summary").focus(); }
    }
  });
  more.addEventListener("click", function () {
    var before = cards.filter(function (c) { return !c.hidden; }).length;
    limit += pageSize;
    show();
    var next = cards.filter(function (c) { return !c.hidden; })[before];
    if (next) { next.querySelector("summary").focus(); }
  });

  function load(card) {
    if (card.dataset.loaded) { return Promise.resolve(); }
    card.dataset.loaded = "1";
    var body = card.querySelector(".project-body");
    body.setAttribute("aria-busy", "true");
    body.replaceChildren(P.el("p", {"class": "muted", text: section.dataset.loading}));
    return fetch(card.dataset.card, {headers: {Accept: "text/html"}}).then(function (response) {
      if (!response.ok) {
        var failure = new Error(response.statusText || String(response.status));
        failure.status = response.status;  // a server's answer, said as such (P.reason)
        throw failure;
      }
      return response.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var fetched = page.querySelector("#project-" + card.dataset.project + " .project-body");
      if (!fetched) { throw new Error(t("Could not load")); }
      body.replaceChildren.apply(body, Array.prototype.map.call(fetched.childNodes, function (n) {
        return document.importNode(n, true);
      }));
      body.removeAttribute("aria-busy");
      wireBody(body);
    }).catch(function (error) {
      delete card.dataset.loaded;
      body.removeAttribute("aria-busy");
      body.replaceChildren(P.el("p", {"class": "warning", role: "alert", text: t("Could not load") + ": " + P.reason(error)}));
    });
  }

  cards.forEach(function (card) {
    card.addEventListener("toggle", function () { if (card.open) { load(card); } });
  });

  /* #project-<id>: the card shown (whatever the filter and the page), opened, in view. */
  function follow() {
    var card = /^#project-\d+$/.test(window.location.hash) && document.getElementById(window.location.hash.slice(1));
    if (!card || cards.indexOf(card) < 0) { return; }
    card.hidden = false;
    card.open = true;
    load(card).then(function () { card.scrollIntoView(); });
    card.scrollIntoView();
  }
  window.addEventListener("hashchange", follow);
  document.addEventListener("click", function (event) {  // the same link again: no hashchange
    var link = event.target.closest && event.target.closest("a[href^='#project-']");
    if (link && link.getAttribute("href") === window.location.hash) { follow(); }
  });
  show();
  follow();
  root.dataset.ready = "1";
})();
