"""Versions of the strategy's objects, kept like those of areas and projects.

The kinds are ``strategy`` (texts and areas of strategic intervention), ``strategy_goal`` (a
goal with its indicators and directions) and ``project_plan`` (a project's schedule,
feasibility and finance). Every accepted change is a version in ``object_version`` (and the
audit log); a change based on a stale version is refused with 409 and the current version, and
the refused attempt is kept in the history too. The whole state of the object is the version's
``data``, so a restore writes it back as a new version.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from core.errors import Conflict, NotFound, Text
from services.planning.versioning import accept, record

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
