"""The strategy of a partnership and its project package, read as plain data.

``strategy_model`` and ``project_package`` are what the page, the documents and the
application read; their shape is fixed (keys may be added, never removed):

strategy_model -> {"partnership": {"id", "name", "members": [{"teryt", "name", "kind",
  "role"}]}, "goals": [{"id", "position", "title", "dimension", "description", "version",
  "indicators": [{"id", "indicator", "name", "unit", "baseline_year", "baseline_value",
  "baseline_source", "target_value", "target_year", "latest_year", "latest_value", "status",
  "direction"}], "directions": [{"id", "title", "description", "project_ids"}]}],
  "intervention_areas": [{"area_id", "name", "kind", "rationale"}], "texts": {...},
  "completeness": [{"element", "label", "label_en", "legal_basis", "present", "missing",
  "fill_url"}], "projects": [project_package, ...], "version", "monitoring",
  "functional_areas": [{"id", "name", "kind"}]}

Money and indicator values are Decimal, dates are datetime.date. Shares are percent.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from core.errors import NotFound
from services.access.rules import SYSTEM, Principal, require_read
from services.db import database_errors
from services.planning.area_stats import population_by_gmina
from services.planning.vocabularies import FUNDING
from services.strategy import completeness, finance, monitoring
from services.strategy.indicators import PartnershipData, catalogue, members
from services.strategy.kinds import FEASIBILITY_ITEMS, TEXTS, label_of
from services.strategy.programmes import programme


def _partnership(conn, pid: str) -> dict:
    head = conn.execute(sa.text("SELECT id, name FROM partnership WHERE id = :p"),
                        {"p": pid}).mappings().one()
    units = conn.execute(sa.text(
        "SELECT m.teryt, coalesce(g.name, p.name) AS name, m.member_kind AS kind, m.role"
        " FROM partnership_member m LEFT JOIN gmina g ON m.member_kind = 'gmina'"
        " AND g.teryt = m.teryt LEFT JOIN powiat p ON m.member_kind = 'powiat'"
        " AND p.teryt = m.teryt WHERE m.partnership_id = :p"
        " ORDER BY m.role, m.member_kind DESC, m.teryt"), {"p": pid}).mappings()
    return {"id": head["id"], "name": head["name"], "members": [dict(u) for u in units]}


def strategy_row(conn, pid: str) -> dict:
    """The statutory texts (empty, version 1, before the first change)."""
    row = conn.execute(sa.text("SELECT * FROM strategy WHERE partnership_id = :p"),
                       {"p": pid}).mappings().first()
    if row is None:
        return {"id": None, "version": 1, **{t: "" for t in TEXTS}}
    return dict(row)


def intervention_areas(conn, strategy_id: int | None) -> list[dict]:
    if strategy_id is None:
        return []
    return [dict(r) for r in conn.execute(sa.text(
        "SELECT i.area_id, a.name, a.kind, i.rationale FROM strategy_intervention_area i"
        " JOIN functional_area a ON a.id = i.area_id AND NOT a.deleted"
        " WHERE i.strategy_id = :s ORDER BY a.name, a.id"), {"s": strategy_id}).mappings()]


def trim(value: Decimal | None) -> Decimal | None:
    """A stored numeric(20, 4) without its padding zeros: 20.0000 -> 20, 15.5000 -> 15.5."""
    if value is None:
        return None
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def indicator_row(row: dict, spec: dict | None, data: PartnershipData) -> dict:
    """One result indicator with its baseline (from the data when the catalogue has it), the
    latest value and its status."""
    code = row["indicator_code"]
    target = row["target_value"]
    if code:
        baseline = data.value(code, row["baseline_year"])
        latest_year, latest = data.latest(code)
        name = row["name"] or (spec["name_pl"] if spec else code)
        unit = spec["unit"] if spec else row["unit"]
        origin = spec["source"] if spec else ""
        source = "wartość dla gmin partnerstwa obliczona z danych" + (
            " (wskaźnik pochodny z danych GUS)" if origin == "derived"
            else f" (źródło: {origin})" if origin else "")
    else:
        baseline, name, unit = row["baseline_value"], row["name"], row["unit"]
        latest_year, latest = row["latest_year"], row["latest_value"]
        source = row["baseline_source"]
    baseline, target, latest = trim(baseline), trim(target), trim(latest)
    state = monitoring.status(baseline, row["baseline_year"], target, row["target_year"],
                              latest, latest_year)
    return {"id": row["id"], "indicator": code, "name": name, "unit": unit or "",
            "baseline_year": row["baseline_year"], "baseline_value": baseline,
            "baseline_source": source, "target_value": target,
            "target_year": row["target_year"], "latest_year": latest_year,
            "latest_value": latest, "status": state,
            "direction": monitoring.direction(baseline if baseline is not None else target,
                                              target)}


def goals(conn, pid: str, data: PartnershipData, specs: dict) -> list[dict]:
    rows = conn.execute(sa.text(
        "SELECT id, position, title, dimension, description, version FROM strategy_goal"
        " WHERE partnership_id = :p AND NOT deleted ORDER BY position, id"),
        {"p": pid}).mappings().all()
    ids = [r["id"] for r in rows]
    indicators = conn.execute(sa.text(
        "SELECT * FROM strategy_indicator WHERE goal_id = ANY(:g) ORDER BY position, id"),
        {"g": ids}).mappings().all()
    directions = conn.execute(sa.text(
        "SELECT d.id, d.goal_id, d.title, d.description, coalesce(array_agg(l.project_id"
        " ORDER BY l.project_id) FILTER (WHERE p.id IS NOT NULL), '{}') AS project_ids"
        " FROM strategy_direction d LEFT JOIN strategy_direction_project l"
        " ON l.direction_id = d.id LEFT JOIN project p ON p.id = l.project_id AND NOT p.deleted"
        " WHERE d.goal_id = ANY(:g) GROUP BY d.id ORDER BY d.position, d.id"),
        {"g": ids}).mappings().all()
    out = []
    for row in rows:
        out.append({
            **dict(row),
            "indicators": [indicator_row(dict(i), specs.get(i["indicator_code"]), data)
                           for i in indicators if i["goal_id"] == row["id"]],
            "directions": [{"id": d["id"], "title": d["title"],
                            "description": d["description"],
                            "project_ids": list(d["project_ids"])}
                           for d in directions if d["goal_id"] == row["id"]]})
    return out


def _project_ids(conn, pid: str) -> list[int]:
    return list(conn.execute(sa.text(
        "SELECT id FROM project WHERE partnership_id = :p AND NOT deleted ORDER BY id"),
        {"p": pid}).scalars())


def strategy_model(engine: sa.Engine, pid: str, actor: Principal = SYSTEM) -> dict:
    """The whole strategy of partnership ``pid`` (see the module's docstring)."""
    return _model(engine, pid, actor, _packages)


def _packages(conn, pid: str, people) -> list[dict]:
    return [_package(conn, pid, project_id, people) for project_id in _project_ids(conn, pid)]


def _model(engine: sa.Engine, pid: str, actor: Principal, projects_of) -> dict:
    """The strategy with its projects as ``projects_of(conn, pid, people)`` reads them."""
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        gminas = members(conn, pid)
        specs = catalogue(conn)
        data = PartnershipData(engine, gminas)
        head = _partnership(conn, pid)
        texts_row = strategy_row(conn, pid)
        areas = intervention_areas(conn, texts_row["id"])
        goal_list = goals(conn, pid, data, specs)
        functional_areas = [dict(r) for r in conn.execute(sa.text(
            "SELECT id, name, kind FROM functional_area WHERE partnership_id = :p"
            " AND NOT deleted ORDER BY name, id"), {"p": pid}).mappings()]
        people = population_by_gmina(conn, None)[0]
        projects = projects_of(conn, pid, people)
    model = {"partnership": head, "goals": goal_list, "intervention_areas": areas,
             "texts": {t: texts_row[t] for t in TEXTS}, "version": texts_row["version"],
             "projects": projects, "functional_areas": functional_areas}
    model["completeness"] = completeness.check(model, functional_areas=len(functional_areas))
    model["monitoring"] = monitoring.table(goal_list)
    return model


def strategy_page(engine: sa.Engine, pid: str, actor: Principal = SYSTEM) -> dict:
    """What the strategy page shows: the model with each project folded to its card's
    summary (see ``_folded``; a card's forms are ``strategy_page_project``), and the catalogue
    indicators the data hold for the partnership (with their values by year) to choose result
    indicators from."""
    from services.strategy.indicators import available

    return {"model": _model(engine, pid, actor, _folded),
            "indicators": available(engine, pid, actor=actor)}


def _folded(conn, pid: str, people) -> list[dict]:
    """Every project of ``pid`` as its folded card says it: id, title, theme, cost_pln,
    funding_label and the package's ``warnings``. A partnership may have hundreds of projects
    and ``_package`` reads eight times per project, so the rows are read here a kind at a time
    for all of them, then put together as ``_package`` does, for the same ``warnings``."""
    projects = conn.execute(sa.text(
        "SELECT id, title, theme, funding_source, funding_label, cost_pln, end_date FROM project"
        " WHERE partnership_id = :p AND NOT deleted ORDER BY id"), {"p": pid}).mappings().all()
    ids = [p["id"] for p in projects]

    def by_project(sql: str) -> dict[int, list]:
        out: dict[int, list] = {i: [] for i in ids}
        for row in conn.execute(sa.text(sql), {"ids": ids}).mappings():
            out[row["project_id"]].append(row)
        return out

    plans = {r["id"]: dict(r) for r in conn.execute(sa.text(
        "SELECT * FROM project_plan WHERE id = ANY(:ids)"), {"ids": ids}).mappings()}
    located = by_project(
        "SELECT p.id AS project_id, g.teryt FROM project p JOIN gmina g"
        " ON ST_Intersects(g.geom, p.geom) WHERE p.id = ANY(:ids)")
    linked = by_project(
        "SELECT l.project_id FROM strategy_direction_project l JOIN strategy_direction d"
        " ON d.id = l.direction_id JOIN strategy_goal g ON g.id = d.goal_id AND NOT g.deleted"
        " WHERE l.project_id = ANY(:ids)")
    ends = by_project("SELECT project_id, end_date FROM project_task WHERE project_id = ANY(:ids)")
    entered = by_project("SELECT project_id, item, status FROM project_feasibility"
                         " WHERE project_id = ANY(:ids)")
    budget = by_project("SELECT project_id, year, category, total, eligible FROM"
                        " project_budget_line WHERE project_id = ANY(:ids) ORDER BY year, category")
    out = []
    for project in projects:
        key = project["id"]
        status = {r["item"]: r["status"] for r in entered[key]}
        lines = [{k: r[k] for k in ("year", "category", "total", "eligible")} for r in budget[key]]
        money = finance.table(Decimal(0), [], "population", {}, {})  # no budget, nothing to split
        if lines:  # the split matters only to a budget ("no_split"): read for those only
            plan = plans.get(key) or plan_row(conn, key)
            weights, names = split_weights(conn, pid, key, plan["split_method"], people)
            money = finance.table(plan["cofinancing_rate"], lines, plan["split_method"],
                                  weights, names)
        source = programme(project["funding_source"])
        last = max([r["end_date"] for r in ends[key]]
                   + ([project["end_date"]] if project["end_date"] else []), default=None)
        package = {
            "tasks": ends[key], "goal_ids": linked[key],
            "deadline": {"programme": source.label, "eligible_until": source.eligible_until,
                         "exceeded": bool(source.eligible_until and last
                                          and last > source.eligible_until),
                         "schedule_end": last},
            "feasibility": [{"item": k.code, "label": k.pl, "status": status.get(k.code, "missing")}
                            for k in FEASIBILITY_ITEMS],
            "finance": money}
        out.append({
            "id": key, "title": project["title"], "theme": project["theme"],
            "cost_pln": project["cost_pln"],
            "funding_label": project["funding_label"] or next(
                (t.pl for t in FUNDING if t.code == project["funding_source"]), ""),
            "warnings": warnings(package, project, located[key])})
    return out


def strategy_page_project(engine: sa.Engine, pid: str, project_id: int,
                          actor: Principal = SYSTEM) -> dict:
    """One project's card of the strategy page, opened on its own: the project package and
    the partnership (whose member gminas take the entered shares of the own contribution).
    The page lists only the cards; a card's forms are this, fetched when it is opened."""
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        people = population_by_gmina(conn, None)[0]
        return {"partnership": _partnership(conn, pid),
                "project": _package(conn, pid, project_id, people)}


def project_package(engine: sa.Engine, pid: str, project_id: int,
                    actor: Principal = SYSTEM) -> dict:
    """One project of partnership ``pid`` with its goals, schedule, feasibility and finance."""
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        people = population_by_gmina(conn, None)[0]
        return _package(conn, pid, project_id, people)


def plan_row(conn, project_id: int) -> dict:
    row = conn.execute(sa.text("SELECT * FROM project_plan WHERE id = :id"),
                       {"id": project_id}).mappings().first()
    return dict(row) if row else {"id": project_id, "cofinancing_rate": Decimal("0.0000"),
                                  "split_method": "population", "version": 1}


def _package(conn, pid: str, project_id: int, people) -> dict:
    project = conn.execute(sa.text(
        "SELECT id, title, theme, description, funding_source, funding_label, cost_pln,"
        " start_date, end_date FROM project WHERE id = :id AND partnership_id = :p"
        " AND NOT deleted"), {"id": project_id, "p": pid}).mappings().first()
    if project is None:
        raise NotFound("no project %(id)s in partnership %(pid)s", id=project_id, pid=pid,
                       field="project_id")
    plan = plan_row(conn, project_id)
    located = conn.execute(sa.text(
        "SELECT g.teryt, g.name FROM gmina g JOIN project p ON ST_Intersects(g.geom, p.geom)"
        " WHERE p.id = :id ORDER BY g.teryt"), {"id": project_id}).mappings().all()
    links = conn.execute(sa.text(
        "SELECT d.id, d.goal_id FROM strategy_direction_project l JOIN strategy_direction d"
        " ON d.id = l.direction_id JOIN strategy_goal g ON g.id = d.goal_id AND NOT g.deleted"
        " WHERE l.project_id = :id ORDER BY d.goal_id, d.id"), {"id": project_id}).all()
    tasks = [{"id": t["id"], "name": t["name"], "start": t["start_date"], "end": t["end_date"],
              "milestone": t["milestone"]} for t in conn.execute(sa.text(
                  "SELECT * FROM project_task WHERE project_id = :id ORDER BY position, id"),
                  {"id": project_id}).mappings()]
    entered = {r["item"]: r for r in conn.execute(sa.text(
        "SELECT * FROM project_feasibility WHERE project_id = :id"),
        {"id": project_id}).mappings()}
    feasibility = [{"item": k.code, "label": k.pl,
                    "status": entered[k.code]["status"] if k.code in entered else "missing",
                    "date": entered[k.code]["status_date"] if k.code in entered else None,
                    "note": entered[k.code]["note"] if k.code in entered else ""}
                   for k in FEASIBILITY_ITEMS]
    lines = [{"year": r["year"], "category": r["category"], "total": r["total"],
              "eligible": r["eligible"]} for r in conn.execute(sa.text(
                  "SELECT year, category, total, eligible FROM project_budget_line"
                  " WHERE project_id = :id ORDER BY year, category"), {"id": project_id}
              ).mappings()]
    weights, names = split_weights(conn, pid, project_id, plan["split_method"], people)
    money = finance.table(plan["cofinancing_rate"], lines, plan["split_method"], weights, names)
    source = programme(project["funding_source"])
    ends = [t["end"] for t in tasks] + ([project["end_date"]] if project["end_date"] else [])
    last = max(ends) if ends else None
    exceeded = bool(source.eligible_until and last and last > source.eligible_until)
    package = {
        "id": project["id"], "title": project["title"], "theme": project["theme"],
        "description": project["description"], "funding_source": project["funding_source"],
        "funding_label": project["funding_label"] or next(
            (t.pl for t in FUNDING if t.code == project["funding_source"]), ""),
        "cost_pln": project["cost_pln"],
        "gminas": [dict(g) for g in located],
        "goal_ids": sorted({goal for _, goal in links}),
        "direction_ids": sorted({direction for direction, _ in links}),
        "tasks": tasks,
        "deadline": {"programme": source.label, "eligible_until": source.eligible_until,
                     "exceeded": exceeded, "schedule_end": last},
        "feasibility": feasibility, "finance": money, "version": plan["version"],
    }
    package["warnings"] = warnings(package, project, located)
    return package


def split_weights(conn, pid: str, project_id: int, method: str, people):
    """Weights of the partner gminas for splitting the own contribution, and their names."""
    rows = conn.execute(sa.text(
        "SELECT g.teryt, g.name FROM partnership_gmina m JOIN gmina g"
        " ON g.teryt = m.gmina_teryt WHERE m.partnership_id = :p"), {"p": pid}).all()
    names = dict(rows)
    if method == "entered":
        values = dict(conn.execute(sa.text(
            "SELECT teryt, share_pct FROM project_share WHERE project_id = :id"),
            {"id": project_id}).all())
    elif method == "location":
        # The part of the project in each partner gmina: area for polygons, length for
        # lines, the number of points for points.
        values = dict(conn.execute(sa.text(
            "SELECT g.teryt, CASE ST_Dimension(p.geom)"
            " WHEN 2 THEN ST_Area(ST_Intersection(g.geom, p.geom))"
            " WHEN 1 THEN ST_Length(ST_Intersection(g.geom, p.geom))"
            " ELSE ST_NumGeometries(ST_Intersection(g.geom, p.geom)) END"
            " FROM project p JOIN gmina g ON ST_Intersects(g.geom, p.geom)"
            " JOIN partnership_gmina m ON m.gmina_teryt = g.teryt AND m.partnership_id = :p"
            " WHERE p.id = :id"), {"id": project_id, "p": pid}).all())
    else:
        values = {t: people.get(t) for t in names if people.get(t) is not None}
    return finance.weights_of(values), names


def warnings(package: dict, project: dict, located) -> list[dict]:
    """What stands in the way of the project, in Polish (``message``) and English."""
    out = []

    def warn(code: str, pl: str, en: str) -> None:
        out.append({"code": code, "message": pl, "message_en": en})

    deadline, money = package["deadline"], package["finance"]
    if deadline["exceeded"]:
        end, until = deadline["schedule_end"].isoformat(), deadline["eligible_until"].isoformat()
        warn("deadline_exceeded",
             f"Harmonogram kończy się {end}, po terminie kwalifikowalności źródła finansowania"
             f" ({deadline['programme']}: {until}).",
             f"The schedule ends on {end}, after the funding source's eligibility end"
             f" ({deadline['programme']}: {until}).")
    if not located:
        warn("no_location", "Lokalizacja przedsięwzięcia nie leży w żadnej gminie.",
             "The project's location lies in no gmina.")
    if not package["tasks"]:
        warn("no_schedule", "Brak harmonogramu (zadań).", "No schedule (tasks) yet.")
    if not money["lines"]:
        warn("no_budget", "Brak tabeli finansowej.", "No financial table yet.")
    elif project["cost_pln"] is not None and money["total"] != project["cost_pln"]:
        warn("cost_differs",
             f"Suma tabeli finansowej ({money['total']} zł) różni się od kosztu"
             f" przedsięwzięcia ({project['cost_pln']} zł).",
             f"The financial table adds up to {money['total']} PLN, the project's cost is"
             f" {project['cost_pln']} PLN.")
    if money["lines"] and not money["shares"]:
        warn("no_split", "Nie można podzielić wkładu własnego: brak udziałów gmin.",
             "The own contribution cannot be split: no shares of gminas.")
    if not package["goal_ids"]:
        warn("no_goal", "Przedsięwzięcie nie jest powiązane z żadnym kierunkiem działań.",
             "The project is linked to no direction of action.")
    missing = [f for f in package["feasibility"] if f["status"] == "missing"]
    if missing:
        warn("feasibility_missing",
             "Brak: " + "; ".join(f["label"] for f in missing) + ".",
             "Missing: " + "; ".join(label_of(FEASIBILITY_ITEMS, f["item"], "en")
                                    for f in missing) + ".")
    return out
