"""Strategic goals with their result indicators and directions of action (linked to projects).

A goal is one versioned object: its title, dimension and description, its indicators and its
directions with their projects are written together, in one transaction, and kept together as
one version (so a restore brings all of them back). A goal without indicators may be saved;
the completeness check lists it.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput, NotFound
from services.access.rules import SYSTEM, Principal, require_read, require_write
from services.db import database_errors
from services.planning.versioning import author_of, expected_version
from services.strategy import checks
from services.strategy.indicators import PartnershipData, catalogue, members
from services.strategy.kinds import DIMENSIONS, codes
from services.strategy.versions import object_history, plain, restore, settle

GOAL_FIELDS = {"title", "dimension", "description", "position", "indicators", "directions",
               "comment", "version"}
INDICATOR_FIELDS = {"id", "indicator", "name", "unit", "baseline_year", "baseline_value",
                    "baseline_source", "target_value", "target_year", "latest_year",
                    "latest_value"}
DIRECTION_FIELDS = {"id", "title", "description", "project_ids"}


def _indicator(item: dict, i: int, specs: dict, data: PartnershipData, this_year: int,
               kept: dict[int, int]) -> dict:
    """One result indicator, checked; ``kept`` maps the ids of the goal's stored indicators to
    their target years (a target that has since passed does not block other edits)."""
    where = f"indicators[{i}]"
    checks.only(item, INDICATOR_FIELDS, where)
    code = item.get("indicator") or None
    out = {"id": checks.identifier(item.get("id"), f"{where}.id"),
           "indicator": code,
           "name": checks.text(item.get("name"), f"{where}.name", "name"),
           "unit": checks.text(item.get("unit"), f"{where}.unit", "unit"),
           "baseline_year": checks.year(item.get("baseline_year"), f"{where}.baseline_year"),
           "target_value": checks.number(item.get("target_value"), f"{where}.target_value"),
           "target_year": checks.year(item.get("target_year"), f"{where}.target_year")}
    if out["target_year"] < this_year and kept.get(out["id"]) != out["target_year"]:
        raise InvalidInput("the target year %(year)s is in the past", year=out["target_year"],
                           field=f"{where}.target_year")
    if out["target_year"] < out["baseline_year"]:
        raise InvalidInput("the target year %(target)s is before the baseline year %(base)s",
                           target=out["target_year"], base=out["baseline_year"],
                           field=f"{where}.target_year")
    if code is not None:
        if not isinstance(code, str) or code not in specs:
            raise InvalidInput("%(code)s is not an indicator of the catalogue",
                               code=checks.short(code), field=f"{where}.indicator")
        for typed in ("baseline_value", "latest_value", "latest_year"):
            if item.get(typed) not in (None, ""):
                raise InvalidInput(
                    "the data hold %(code)s: its values are taken from the data, not typed",
                    code=code, field=f"{where}.{typed}")
        # Checked now: a baseline the data do not hold is refused, never stored.
        data.baseline(code, out["baseline_year"], f"{where}.baseline_year")
        out.update(baseline_value=None, baseline_source="", latest_year=None,
                   latest_value=None)
    else:
        if not out["name"]:
            raise InvalidInput("%(name)s must not be empty", field=f"{where}.name",
                               name=f"{where}.name")
        out["baseline_value"] = checks.number(item.get("baseline_value"),
                                              f"{where}.baseline_value")
        out["baseline_source"] = checks.text(item.get("baseline_source"),
                                             f"{where}.baseline_source", "source",
                                             required=True)
        out["latest_year"] = checks.year(item.get("latest_year"), f"{where}.latest_year",
                                         required=False)
        out["latest_value"] = checks.number(item.get("latest_value"), f"{where}.latest_value",
                                            required=False)
        if (out["latest_year"] is None) != (out["latest_value"] is None):
            raise InvalidInput("a latest value needs its year and a year its value",
                               field=f"{where}.latest_value")
    return out


def _direction(item: dict, i: int, projects: set[int]) -> dict:
    where = f"directions[{i}]"
    checks.only(item, DIRECTION_FIELDS, where)
    out = {"id": checks.identifier(item.get("id"), f"{where}.id"),
           "title": checks.text(item.get("title"), f"{where}.title", "title", required=True),
           "description": checks.text(item.get("description"), f"{where}.description",
                                      "description"),
           "project_ids": checks.ids(item.get("project_ids"), f"{where}.project_ids")}
    foreign = [p for p in out["project_ids"] if p not in projects]
    if foreign:
        raise InvalidInput("projects %(ids)s are not projects of this partnership",
                           ids=", ".join(map(str, foreign)), field=f"{where}.project_ids")
    return out


def clean_goal(conn, engine, pid: str, payload: dict, current: dict | None = None) -> dict:
    """The goal's whole state, checked (``current`` fills what a change leaves out)."""
    checks.only(payload, GOAL_FIELDS, "goal")
    merged = {**(current or {}), **{k: v for k, v in payload.items()
                                    if k not in ("comment", "version")}}
    out = {"title": checks.text(merged.get("title"), "title", "title", required=True),
           "dimension": checks.choice(merged.get("dimension"), codes(DIMENSIONS), "dimension"),
           "description": checks.text(merged.get("description"), "description",
                                      "description"),
           "position": merged.get("position") or 1}
    if isinstance(out["position"], bool) or not isinstance(out["position"], int) \
            or not 1 <= out["position"] <= 1000:
        raise InvalidInput("position must be a whole number from 1 to 1000", field="position")
    specs = catalogue(conn)
    data = PartnershipData(engine, members(conn, pid))
    this_year = dt.date.today().year
    kept = {i["id"]: i["target_year"] for i in (current or {}).get("indicators", [])}
    out["indicators"] = [_indicator(item, i, specs, data, this_year, kept) for i, item in
                         enumerate(checks.items(merged.get("indicators"), "indicators"))]
    projects = set(conn.execute(sa.text(
        "SELECT id FROM project WHERE partnership_id = :p AND NOT deleted"),
        {"p": pid}).scalars())
    out["directions"] = [_direction(item, i, projects) for i, item in
                         enumerate(checks.items(merged.get("directions"), "directions"))]
    return out


def _children(conn, table: str, goal_id: int) -> set[int]:
    return set(conn.execute(sa.text(f"SELECT id FROM {table} WHERE goal_id = :g"),
                            {"g": goal_id}).scalars())


def write_goal(conn, goal_id: int, state: dict, version: int, author: str) -> dict:
    """Store ``state``; items keep their ids when they name one of this goal's."""
    conn.execute(sa.text(
        "UPDATE strategy_goal SET title = :title, dimension = :dimension,"
        " description = :description, position = :position, version = :version,"
        " updated_at = now(), updated_by = :author WHERE id = :id"),
        {**{k: state[k] for k in ("title", "dimension", "description", "position")},
         "version": version, "author": author, "id": goal_id})
    for table, key, columns in (
            ("strategy_indicator", "indicators",
             ("indicator_code", "name", "unit", "baseline_year", "baseline_value",
              "baseline_source", "latest_year", "latest_value", "target_value",
              "target_year")),
            ("strategy_direction", "directions", ("title", "description"))):
        mine = _children(conn, table, goal_id)
        kept = []
        for position, item in enumerate(state[key], start=1):
            values = {c: item["indicator" if c == "indicator_code" else c] for c in columns}
            params = {**values, "position": position, "goal": goal_id}
            if item["id"] in mine:
                conn.execute(sa.text(
                    f"UPDATE {table} SET position = :position, "
                    + ", ".join(f"{c} = :{c}" for c in columns) + " WHERE id = :id"),
                    {**params, "id": item["id"]})
            else:
                item["id"] = conn.execute(sa.text(
                    f"INSERT INTO {table} (goal_id, position, {', '.join(columns)}) VALUES"
                    f" (:goal, :position, {', '.join(':' + c for c in columns)}) RETURNING id"),
                    params).scalar_one()
            kept.append(item["id"])
        conn.execute(sa.text(f"DELETE FROM {table} WHERE goal_id = :g AND NOT id = ANY(:k)"),
                     {"g": goal_id, "k": kept})
    for item in state["directions"]:
        conn.execute(sa.text("DELETE FROM strategy_direction_project WHERE direction_id = :d"),
                     {"d": item["id"]})
        if item["project_ids"]:
            conn.execute(sa.text(
                "INSERT INTO strategy_direction_project (direction_id, project_id)"
                " SELECT :d, unnest(CAST(:p AS bigint[]))"),
                {"d": item["id"], "p": item["project_ids"]})
    return state


def _goal_partnership(conn, goal_id: int, pid: str) -> dict:
    row = conn.execute(sa.text(
        "SELECT * FROM strategy_goal WHERE id = :id AND partnership_id = :p AND NOT deleted"
        " FOR UPDATE"), {"id": goal_id, "p": pid}).mappings().first()
    if row is None:
        raise NotFound("no goal %(id)s in partnership %(pid)s", id=goal_id, pid=pid,
                       field="goal_id")
    return dict(row)


def current_state(conn, goal_id: int) -> dict:
    """The goal's stored state in the shape ``clean_goal`` returns (what a version keeps)."""
    goal = conn.execute(sa.text(
        "SELECT title, dimension, description, position FROM strategy_goal WHERE id = :id"),
        {"id": goal_id}).mappings().one()
    indicators = [{"id": r["id"], "indicator": r["indicator_code"], "name": r["name"],
                   "unit": r["unit"], "baseline_year": r["baseline_year"],
                   "baseline_value": r["baseline_value"], "baseline_source":
                   r["baseline_source"], "latest_year": r["latest_year"],
                   "latest_value": r["latest_value"], "target_value": r["target_value"],
                   "target_year": r["target_year"]} for r in conn.execute(sa.text(
                       "SELECT * FROM strategy_indicator WHERE goal_id = :g"
                       " ORDER BY position, id"), {"g": goal_id}).mappings()]
    directions = [{"id": r["id"], "title": r["title"], "description": r["description"],
                   "project_ids": list(r["p"])} for r in conn.execute(sa.text(
                       "SELECT d.id, d.title, d.description, coalesce(array_agg(l.project_id"
                       " ORDER BY l.project_id) FILTER (WHERE l.project_id IS NOT NULL), '{}')"
                       " AS p FROM strategy_direction d LEFT JOIN strategy_direction_project l"
                       " ON l.direction_id = d.id WHERE d.goal_id = :g GROUP BY d.id"
                       " ORDER BY d.position, d.id"), {"g": goal_id}).mappings()]
    return {**dict(goal), "indicators": indicators, "directions": directions}


def create_goal(engine: sa.Engine, pid: str, payload: dict, *,
                actor: Principal = SYSTEM) -> dict:
    author = author_of(actor)
    with database_errors(), engine.begin() as conn:
        require_write(conn, actor, pid)
        comment = checks.text(payload.get("comment"), "comment", "comment")
        if "version" in payload:
            raise BadRequest("a new goal has no version", field="version")
        state = clean_goal(conn, engine, pid, payload)
        goal_id = conn.execute(sa.text(
            "INSERT INTO strategy_goal (partnership_id, title, dimension, updated_by)"
            " VALUES (:p, :t, :d, :a) RETURNING id"),
            {"p": pid, "t": state["title"], "d": state["dimension"], "a": author}
        ).scalar_one()
        write_goal(conn, goal_id, state, 1, author)
        from services.planning.versioning import accept

        accept(conn, actor, "strategy_goal", goal_id, 1, "create", author, comment,
               plain(state), None, before=None, after={**plain(state), "partnership": pid})
    return get_goal(engine, pid, goal_id, actor=actor)


def update_goal(engine: sa.Engine, pid: str, goal_id: int, payload: dict, *,
                actor: Principal = SYSTEM, action: str = "update") -> dict:
    author = author_of(actor)
    expected = expected_version(payload.get("version"))
    with database_errors(), engine.begin() as conn:
        require_write(conn, actor, pid)
        row = _goal_partnership(conn, goal_id, pid)
        comment = checks.text(payload.get("comment"), "comment", "comment")
        before = current_state(conn, goal_id)
        state = clean_goal(conn, engine, pid, payload, before)
        refused = settle(conn, actor, "strategy_goal", goal_id, row["version"], expected,
                         action=action, author=author, comment=comment, data=state,
                         before={**before, "version": row["version"]},
                         write=lambda v: write_goal(conn, goal_id, state, v, author))
    if refused:
        raise refused
    return get_goal(engine, pid, goal_id, actor=actor)


def delete_goal(engine: sa.Engine, pid: str, goal_id: int, version, *,
                actor: Principal = SYSTEM) -> None:
    author = author_of(actor)
    expected = expected_version(version)
    with database_errors(), engine.begin() as conn:
        require_write(conn, actor, pid)
        row = _goal_partnership(conn, goal_id, pid)
        state = current_state(conn, goal_id)
        refused = settle(conn, actor, "strategy_goal", goal_id, row["version"], expected,
                         action="delete", author=author, comment="", data=state,
                         before={**state, "version": row["version"]},
                         write=lambda v: conn.execute(sa.text(
                             "UPDATE strategy_goal SET deleted = true, version = :v,"
                             " updated_at = now(), updated_by = :a WHERE id = :id"),
                             {"v": v, "a": author, "id": goal_id}))
    if refused:
        raise refused


def restored(old: dict) -> dict:
    """What a restore of a version's ``old`` data writes back (services/strategy/versions.py)."""
    payload = {k: old[k] for k in ("title", "dimension", "description", "position",
                                   "indicators", "directions") if k in old}
    # Values the data hold are not typed: a restored catalogue indicator reads them again.
    payload["indicators"] = [
        {k: v for k, v in i.items() if v is not None and not (
            i.get("indicator") and k in ("baseline_value", "latest_value", "latest_year",
                                         "baseline_source"))}
        for i in payload.get("indicators", [])]
    return payload


def restore_goal(engine: sa.Engine, pid: str, goal_id: int, version, based_on, *,
                 actor: Principal = SYSTEM) -> dict:
    return restore(engine, "strategy_goal", pid, goal_id, version, based_on, actor=actor)


def get_goal(engine: sa.Engine, pid: str, goal_id: int, *, actor: Principal = SYSTEM) -> dict:
    from services.strategy.model import goals as read_goals

    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        data = PartnershipData(engine, members(conn, pid))
        found = [g for g in read_goals(conn, pid, data, catalogue(conn)) if g["id"] == goal_id]
    if not found:
        raise NotFound("no goal %(id)s in partnership %(pid)s", id=goal_id, pid=pid,
                       field="goal_id")
    return found[0]


def goal_history(engine: sa.Engine, pid: str, goal_id: int, *,
                 actor: Principal = SYSTEM) -> list[dict]:
    return object_history(engine, "strategy_goal", pid, goal_id, actor=actor)
