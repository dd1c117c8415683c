"""Versions of the strategy's objects, kept like those of areas and projects.

The kinds are ``strategy`` (texts and areas of strategic intervention), ``strategy_goal`` (a
goal with its indicators and directions) and ``project_plan`` (a project's schedule,
feasibility and finance). Every accepted change is a version in ``object_version`` (and the
audit log); a change based on a stale version is refused with 409 and the current version, and
the refused attempt is kept in the history too. The whole state of the object is the version's
``data``, so a restore writes it back as a new version.

The history and the restore of the three kinds are alike (read or write access, the object
one of the partnership's, then its versions): ``object_history`` and ``restore`` serve them
all from the table ``versioned()``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from core.errors import N_, Conflict, NotFound, Text
from services.access.rules import SYSTEM, Principal, require_read, require_write
from services.db import database_errors
from services.planning.versioning import accept, record
from services.strategy import checks
from services.strategy.model import strategy_row

# What each kind is called in messages (Text: the web app shows it translated).
LABELS = {"strategy": Text("strategy"), "strategy_goal": Text("strategy goal"),
          "project_plan": Text("project plan")}


def plain(data):
    """``data`` as JSON would hold it (Decimals and dates as text)."""
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def settle(conn, actor, kind: str, object_id: int, current_version: int, expected: int, *,
           action: str, author: str, comment: str, data: dict, before: dict | None,
           write) -> Conflict | None:
    """Write (``write(version)``) a change based on ``expected``, or keep the refused attempt
    and return the conflict (the caller raises it after its transaction commits)."""
    data = plain(data)
    if current_version != expected:
        record(conn, kind, object_id, None, "conflict", action, author, comment,
               {**data, "based_on": expected}, None)
        return Conflict(
            "the %(what)s was changed by someone else: you edited version %(yours)s, the"
            " current one is %(current)s; your attempt is kept in the history",
            what=LABELS[kind], yours=expected, current=current_version, field="version",
            details={"current_version": current_version, "your_version": expected})
    version = expected + 1
    write(version)
    accept(conn, actor, kind, object_id, version, action, author, comment, data, None,
           before=plain(before) if before is not None else None)
    return None


def history(conn, kind: str, object_id: int) -> list[dict]:
    rows = conn.execute(sa.text(
        "SELECT id, version, outcome, action, author, comment, data, created_at"
        " FROM object_version WHERE object_kind = :kind AND object_id = :id ORDER BY id"),
        {"kind": kind, "id": object_id}).mappings().all()
    return [{**dict(r), "created_at": r["created_at"].isoformat()} for r in rows]


def accepted(conn, kind: str, object_id: int, version: int) -> dict:
    data = conn.execute(sa.text(
        "SELECT data FROM object_version WHERE object_kind = :kind AND object_id = :id"
        " AND version = :v AND outcome = 'accepted' ORDER BY id DESC LIMIT 1"),
        {"kind": kind, "id": object_id, "v": version}).scalar_one_or_none()
    if data is None:
        raise NotFound("the %(what)s has no version %(version)s", what=LABELS[kind],
                       version=version, field="restore")
    return data


@dataclass(frozen=True)
class Versioned:
    """A versioned kind: where its objects are and how a version of one is written back."""
    kind: str  # object_version.object_kind
    table: str | None  # rows with partnership_id; None: the partnership's one strategy
    missing: str  # NotFound's template (params id, pid) for an object not the partnership's
    field: str  # the object id's name, the field of the NotFound
    restored: Callable[[dict], dict]  # a version's data -> the payload writing it back
    update: Callable[..., dict]  # (engine, pid, object_id, payload, *, actor, action) -> state


@functools.cache
def versioned() -> dict[str, Versioned]:
    """The versioned kinds by name (built when first asked for: their modules import this)."""
    from services.strategy import goals, plans, texts

    return {v.kind: v for v in (
        Versioned("strategy", None, "", "", texts.restored,
                  lambda engine, pid, _none, payload, **how: texts.update_texts(
                      engine, pid, payload, **how)),
        Versioned("strategy_goal", "strategy_goal", N_("no goal %(id)s in partnership %(pid)s"),
                  "goal_id", goals.restored, goals.update_goal),
        Versioned("project_plan", "project", N_("no project %(id)s in partnership %(pid)s"),
                  "project_id", plans.restored, plans.update_plan))}


def _object_id(conn, spec: Versioned, pid: str, object_id: int | None, *,
               live: bool) -> int | None:
    """The object's id once it is known to be ``pid``'s (None: the strategy has no row yet).

    ``live``: not deleted, and locked (a restore); the history of a deleted object is shown.
    """
    if spec.table is None:
        return strategy_row(conn, pid)["id"]
    found = conn.execute(sa.text(
        f"SELECT 1 FROM {spec.table} WHERE id = :id AND partnership_id = :p"
        + (" AND NOT deleted FOR UPDATE" if live else "")), {"id": object_id, "p": pid}).first()
    if not found:
        raise NotFound(spec.missing, id=object_id, pid=pid, field=spec.field)
    return object_id


def object_history(engine: sa.Engine, kind: str, pid: str, object_id: int | None = None, *,
                   actor: Principal = SYSTEM) -> list[dict]:
    """The versions of ``pid``'s object of ``kind`` (``object_id`` None: the strategy's)."""
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        found = _object_id(conn, versioned()[kind], pid, object_id, live=False)
        return history(conn, kind, found) if found else []


def restore(engine: sa.Engine, kind: str, pid: str, object_id: int | None, version, based_on,
            *, actor: Principal = SYSTEM) -> dict:
    """Write accepted ``version`` back as the version after ``based_on`` (which must be the
    current one, as for any change)."""
    spec = versioned()[kind]
    version = checks.identifier(version, "restore")
    with database_errors(), engine.connect() as conn:
        require_write(conn, actor, pid)
        found = _object_id(conn, spec, pid, object_id, live=True)
        old = accepted(conn, kind, found or 0, version)
    payload = spec.restored(old)
    payload.update(version=based_on, comment=f"restored version {version}")
    return spec.update(engine, pid, object_id, payload, actor=actor, action="restore")
