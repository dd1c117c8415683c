"""A project's place in the package: its schedule (tasks and milestones), feasibility
checklist and financial table (budget lines by year and category, co-financing rate, how the
own contribution is split). One versioned object per project (kind ``project_plan``, object id
= the project's id; version 1 is the empty plan).
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from core.errors import Conflict, InvalidInput, NotFound
from services.access.rules import SYSTEM, Principal, require_write
from services.db import database_errors
from services.planning.versioning import accept, author_of, expected_version
from services.strategy import checks
from services.strategy.kinds import (
    BUDGET_CATEGORIES,
    FEASIBILITY_ITEMS,
    FEASIBILITY_STATUSES,
    SPLIT_METHODS,
    codes,
)
from services.strategy.model import plan_row, project_package
from services.strategy.versions import LABELS, object_history, plain, restore, settle

FIELDS = {"tasks", "feasibility", "cofinancing_rate", "split_method", "lines", "shares",
          "comment", "version"}
HUNDRED = Decimal(100)


def _tasks(value) -> list[dict]:
    out = []
    for i, item in enumerate(checks.items(value, "tasks")):
        where = f"tasks[{i}]"
        checks.only(item, {"id", "name", "start", "end", "milestone"}, where)
        task = {"name": checks.text(item.get("name"), f"{where}.name", "name", required=True),
                "start": checks.date(item.get("start"), f"{where}.start"),
                "end": checks.date(item.get("end"), f"{where}.end"),
                "milestone": checks.flag(item.get("milestone"), f"{where}.milestone")}
        if task["end"] < task["start"]:
            raise InvalidInput("the task ends (%(end)s) before it starts (%(start)s)",
                               end=task["end"].isoformat(), start=task["start"].isoformat(),
                               field=f"{where}.end")
        out.append(task)
    return out


def _feasibility(value) -> list[dict]:
    out, seen = [], set()
    for i, item in enumerate(checks.items(value, "feasibility")):
        where = f"feasibility[{i}]"
        checks.only(item, {"item", "label", "status", "date", "note"}, where)
        code = checks.choice(item.get("item"), codes(FEASIBILITY_ITEMS), f"{where}.item")
        if code in seen:
            raise InvalidInput("%(item)s is listed twice", item=code, field=f"{where}.item")
        seen.add(code)
        out.append({"item": code,
                    "status": checks.choice(item.get("status"), codes(FEASIBILITY_STATUSES),
                                            f"{where}.status"),
                    "date": checks.date(item.get("date"), f"{where}.date", required=False),
                    "note": checks.text(item.get("note"), f"{where}.note", "note")})
    return out


def _lines(value) -> list[dict]:
    out, seen = [], set()
    for i, item in enumerate(checks.items(value, "lines")):
        where = f"lines[{i}]"
        checks.only(item, {"year", "category", "total", "eligible"}, where)
        line = {"year": checks.year(item.get("year"), f"{where}.year"),
                "category": checks.choice(item.get("category"), codes(BUDGET_CATEGORIES),
                                          f"{where}.category"),
                "total": checks.money(item.get("total"), f"{where}.total"),
                "eligible": checks.money(item.get("eligible"), f"{where}.eligible")}
        if line["eligible"] > line["total"]:
            raise InvalidInput("the eligible cost %(eligible)s is greater than the total"
                               " cost %(total)s", eligible=line["eligible"],
                               total=line["total"], field=f"{where}.eligible")
        if (line["year"], line["category"]) in seen:
            raise InvalidInput("the year %(year)s and category %(category)s are listed twice",
                               year=line["year"], category=line["category"],
                               field=f"{where}.category")
        seen.add((line["year"], line["category"]))
        out.append(line)
    return out


def _shares(conn, pid: str, value, method: str) -> list[dict]:
    partners = set(conn.execute(sa.text(
        "SELECT gmina_teryt FROM partnership_gmina WHERE partnership_id = :p"),
        {"p": pid}).scalars())
    out = []
    for i, item in enumerate(checks.items(value, "shares")):
        where = f"shares[{i}]"
        checks.only(item, {"teryt", "name", "share", "amount"}, where)
        teryt = item.get("teryt")
        if not isinstance(teryt, str) or teryt not in partners:
            raise InvalidInput("%(teryt)s is not a gmina of the partnership",
                               teryt=checks.short(teryt), field=f"{where}.teryt")
        share = checks.number(item.get("share"), f"{where}.share")
        if not Decimal(0) < share <= HUNDRED:
            raise InvalidInput("a share must be more than 0%% and at most 100%%, not"
                               " %(share)s", share=share, field=f"{where}.share")
        out.append({"teryt": teryt, "share": share})
    if len({s["teryt"] for s in out}) != len(out):
        raise InvalidInput("a gmina is listed twice in the shares", field="shares")
    if method == "entered":
        total = sum((s["share"] for s in out), Decimal(0))
        if total != HUNDRED:
            raise InvalidInput("the shares add up to %(total)s%%, not 100%%", total=total,
                               field="shares")
    return out


def clean(conn, pid: str, payload: dict, current: dict) -> dict:
    checks.only(payload, FIELDS, "plan")
    merged = {**current, **payload}
    rate = checks.number(merged.get("cofinancing_rate"), "cofinancing_rate")
    if not Decimal(0) <= rate <= 1:
        raise InvalidInput("the co-financing rate is a fraction from 0 to 1 (0.85 = 85%%),"
                           " not %(rate)s", rate=rate, field="cofinancing_rate")
    method = checks.choice(merged.get("split_method"), codes(SPLIT_METHODS), "split_method")
    return {"tasks": _tasks(merged.get("tasks")),
            "feasibility": _feasibility(merged.get("feasibility")),
            "cofinancing_rate": rate, "split_method": method,
            "lines": _lines(merged.get("lines")),
            "shares": _shares(conn, pid, merged.get("shares"), method)}


def current_state(conn, project_id: int) -> dict:
    plan = plan_row(conn, project_id)
    return {
        "tasks": [{"name": r["name"], "start": r["start_date"], "end": r["end_date"],
                   "milestone": r["milestone"]} for r in conn.execute(sa.text(
                       "SELECT * FROM project_task WHERE project_id = :id ORDER BY position, id"),
                       {"id": project_id}).mappings()],
        "feasibility": [{"item": r["item"], "status": r["status"], "date": r["status_date"],
                         "note": r["note"]} for r in conn.execute(sa.text(
                             "SELECT * FROM project_feasibility WHERE project_id = :id"
                             " ORDER BY item"), {"id": project_id}).mappings()],
        "cofinancing_rate": plan["cofinancing_rate"], "split_method": plan["split_method"],
        "lines": [dict(r) for r in conn.execute(sa.text(
            "SELECT year, category, total, eligible FROM project_budget_line"
            " WHERE project_id = :id ORDER BY year, category"), {"id": project_id}).mappings()],
        "shares": [{"teryt": r[0], "share": r[1]} for r in conn.execute(sa.text(
            "SELECT teryt, share_pct FROM project_share WHERE project_id = :id ORDER BY teryt"),
            {"id": project_id}).all()],
        "version": plan["version"], "exists": plan.get("updated_at") is not None,
    }


def _write(conn, project_id: int, state: dict, version: int, author: str) -> None:
    conn.execute(sa.text(
        "UPDATE project_plan SET cofinancing_rate = :r, split_method = :m, version = :v,"
        " updated_at = now(), updated_by = :a WHERE id = :id"),
        {"r": state["cofinancing_rate"], "m": state["split_method"], "v": version,
         "a": author, "id": project_id})
    for table in ("project_task", "project_feasibility", "project_budget_line",
                  "project_share"):
        conn.execute(sa.text(f"DELETE FROM {table} WHERE project_id = :id"), {"id": project_id})
    for position, t in enumerate(state["tasks"], start=1):
        conn.execute(sa.text(
            "INSERT INTO project_task (project_id, position, name, start_date, end_date,"
            " milestone) VALUES (:id, :pos, :name, :start, :end, :milestone)"),
            {**t, "id": project_id, "pos": position})
    for f in state["feasibility"]:
        conn.execute(sa.text(
            "INSERT INTO project_feasibility (project_id, item, status, status_date, note)"
            " VALUES (:id, :item, :status, :date, :note)"), {**f, "id": project_id})
    for line in state["lines"]:
        conn.execute(sa.text(
            "INSERT INTO project_budget_line (project_id, year, category, total, eligible)"
            " VALUES (:id, :year, :category, :total, :eligible)"), {**line, "id": project_id})
    for s in state["shares"]:
        conn.execute(sa.text(
            "INSERT INTO project_share (project_id, teryt, share_pct) VALUES (:id, :t, :s)"),
            {"id": project_id, "t": s["teryt"], "s": s["share"]})


def _lock_project(conn, pid: str, project_id: int) -> None:
    found = conn.execute(sa.text(
        "SELECT 1 FROM project WHERE id = :id AND partnership_id = :p AND NOT deleted"
        " FOR UPDATE"), {"id": project_id, "p": pid}).first()
    if not found:
        raise NotFound("no project %(id)s in partnership %(pid)s", id=project_id, pid=pid,
                       field="project_id")


def update_plan(engine: sa.Engine, pid: str, project_id: int, payload: dict, *,
                actor: Principal = SYSTEM, action: str = "update") -> dict:
    """Change the schedule, feasibility or finance of a project (version required)."""
    author = author_of(actor)
    expected = expected_version(payload.get("version"))
    with database_errors(), engine.begin() as conn:
        require_write(conn, actor, pid)
        _lock_project(conn, pid, project_id)
        current = current_state(conn, project_id)
        exists, version = current.pop("exists"), current.pop("version")
        comment = checks.text(payload.get("comment"), "comment", "comment")
        state = clean(conn, pid, {k: v for k, v in payload.items()
                                  if k not in ("comment", "version")}, current)
        if not exists:
            if expected != 1:
                raise Conflict(
                    "the %(what)s was changed by someone else: you edited version %(yours)s,"
                    " the current one is %(current)s; your attempt is kept in the history",
                    what=LABELS["project_plan"], yours=expected, current=1, field="version",
                    details={"current_version": 1, "your_version": expected})
            conn.execute(sa.text("INSERT INTO project_plan (id, updated_by) VALUES (:id, :a)"),
                         {"id": project_id, "a": author})
            accept(conn, actor, "project_plan", project_id, 1, "create", author, "",
                   plain(current), None, before=None, after=plain(current))
        refused = settle(conn, actor, "project_plan", project_id, version, expected,
                         action=action, author=author, comment=comment, data=state,
                         before=current,
                         write=lambda v: _write(conn, project_id, state, v, author))
    if refused:
        raise refused
    return project_package(engine, pid, project_id, actor=actor)


def restored(old: dict) -> dict:
    """What a restore of a version's ``old`` data writes back (services/strategy/versions.py)."""
    return {k: old[k] for k in FIELDS - {"comment", "version"} if k in old}


def restore_plan(engine: sa.Engine, pid: str, project_id: int, version, based_on, *,
                 actor: Principal = SYSTEM) -> dict:
    return restore(engine, "project_plan", pid, project_id, version, based_on, actor=actor)


def plan_history(engine: sa.Engine, pid: str, project_id: int, *,
                 actor: Principal = SYSTEM) -> list[dict]:
    return object_history(engine, "project_plan", pid, project_id, actor=actor)
