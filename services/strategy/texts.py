"""The statutory texts of a strategy and its areas of strategic intervention (one versioned
object per partnership, kind ``strategy``; version 1 is the empty strategy)."""

from __future__ import annotations

import sqlalchemy as sa

from core.errors import Conflict, InvalidInput
from services.access.rules import SYSTEM, Principal, require_read, require_write
from services.db import database_errors
from services.planning.versioning import accept, author_of, expected_version
from services.strategy import checks
from services.strategy.kinds import TEXT_LIMIT, TEXTS
from services.strategy.model import intervention_areas, strategy_row
from services.strategy.versions import LABELS, object_history, plain, restore, settle

FIELDS = {*TEXTS, "intervention_areas", "comment", "version"}


def clean(conn, pid: str, payload: dict, current: dict) -> dict:
    checks.only(payload, FIELDS, "strategy")
    out = {t: checks.text(payload.get(t, current[t]), t, "description", long=TEXT_LIMIT)
           for t in TEXTS}
    areas = checks.items(payload.get("intervention_areas", current["intervention_areas"]),
                         "intervention_areas")
    cleaned = []
    for i, item in enumerate(areas):
        where = f"intervention_areas[{i}]"
        checks.only(item, {"area_id", "rationale", "name", "kind"}, where)
        area_id = checks.identifier(item.get("area_id"), f"{where}.area_id")
        if area_id is None:
            raise InvalidInput("%(name)s must not be empty", field=f"{where}.area_id",
                               name=f"{where}.area_id")
        cleaned.append({"area_id": area_id, "rationale": checks.text(
            item.get("rationale"), f"{where}.rationale", "rationale")})
    ids = [a["area_id"] for a in cleaned]
    if len(set(ids)) != len(ids):
        raise InvalidInput("an area of strategic intervention is listed twice",
                           field="intervention_areas")
    found = set(conn.execute(sa.text(
        "SELECT id FROM functional_area WHERE id = ANY(:ids) AND partnership_id = :p"
        " AND NOT deleted"), {"ids": ids, "p": pid}).scalars())
    foreign = [i for i in ids if i not in found]
    if foreign:
        raise InvalidInput("functional areas %(ids)s are not areas of this partnership",
                           ids=", ".join(map(str, foreign)), field="intervention_areas")
    out["intervention_areas"] = cleaned
    return out


def _current(conn, pid: str) -> dict:
    row = strategy_row(conn, pid)
    areas = [{"area_id": a["area_id"], "rationale": a["rationale"]}
             for a in intervention_areas(conn, row["id"])]
    return {**{t: row[t] for t in TEXTS}, "intervention_areas": areas, "id": row["id"],
            "version": row["version"]}


def update_texts(engine: sa.Engine, pid: str, payload: dict, *, actor: Principal = SYSTEM,
                 action: str = "update") -> dict:
    author = author_of(actor)
    expected = expected_version(payload.get("version"))
    with database_errors(), engine.begin() as conn:
        require_write(conn, actor, pid)
        conn.execute(sa.text("SELECT 1 FROM partnership WHERE id = :p FOR UPDATE"),
                     {"p": pid})
        current = _current(conn, pid)
        comment = checks.text(payload.get("comment"), "comment", "comment")
        state = clean(conn, pid, payload, current)
        before = {k: v for k, v in current.items() if k != "id"}
        strategy_id = current["id"]
        if strategy_id is None and expected == 1:
            # The empty strategy becomes a row, kept as version 1, before the first change.
            strategy_id = conn.execute(sa.text(
                "INSERT INTO strategy (partnership_id, updated_by) VALUES (:p, :a)"
                " RETURNING id"), {"p": pid, "a": author}).scalar_one()
            empty = {k: v for k, v in current.items() if k not in ("id", "version")}
            accept(conn, actor, "strategy", strategy_id, 1, "create", author, "",
                   plain(empty), None, before=None, after={**empty, "partnership": pid})

        def write(version: int) -> None:
            conn.execute(sa.text(
                "UPDATE strategy SET " + ", ".join(f"{t} = :{t}" for t in TEXTS)
                + ", version = :v, updated_at = now(), updated_by = :a WHERE id = :id"),
                {**{t: state[t] for t in TEXTS}, "v": version, "a": author, "id": strategy_id})
            conn.execute(sa.text("DELETE FROM strategy_intervention_area WHERE strategy_id = :s"),
                         {"s": strategy_id})
            for area in state["intervention_areas"]:
                conn.execute(sa.text(
                    "INSERT INTO strategy_intervention_area (strategy_id, area_id, rationale)"
                    " VALUES (:s, :a, :r)"),
                    {"s": strategy_id, "a": area["area_id"], "r": area["rationale"]})

        # Before the first change there is no row to keep a refused attempt against.
        refused = settle(conn, actor, "strategy", strategy_id or 0, current["version"],
                         expected, action=action, author=author, comment=comment, data=state,
                         before=before, write=write) if strategy_id else None
        if strategy_id is None:
            refused = Conflict(
                "the %(what)s was changed by someone else: you edited version %(yours)s, the"
                " current one is %(current)s; your attempt is kept in the history",
                what=LABELS["strategy"], yours=expected, current=1, field="version",
                details={"current_version": 1, "your_version": expected})
    if refused:
        raise refused
    return get_texts(engine, pid, actor=actor)


def get_texts(engine: sa.Engine, pid: str, *, actor: Principal = SYSTEM) -> dict:
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        current = _current(conn, pid)
        current["intervention_areas"] = intervention_areas(conn, current.pop("id"))
    return current


def restored(old: dict) -> dict:
    """What a restore of a version's ``old`` data writes back (services/strategy/versions.py)."""
    return {k: old[k] for k in (*TEXTS, "intervention_areas") if k in old}


def restore_texts(engine: sa.Engine, pid: str, version, based_on, *,
                  actor: Principal = SYSTEM) -> dict:
    return restore(engine, "strategy", pid, None, version, based_on, actor=actor)


def texts_history(engine: sa.Engine, pid: str, *, actor: Principal = SYSTEM) -> list[dict]:
    return object_history(engine, "strategy", pid, actor=actor)
