"""Optimistic concurrency and history for functional areas and projects.

Every write names the version it was based on. A stale write is refused with 409 Conflict and
the current version, and the refused attempt is kept in the history too, so no edit is lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlalchemy as sa

from core.errors import N_, BadRequest, Conflict, NotFound, Text
from services.planning.fields import text, whole_number

TABLES = {"functional_area": N_("functional area"), "project": N_("project")}


def record(conn, kind: str, object_id: int, version: int | None, outcome: str, action: str,
           author: str, comment: str, data: dict, geom_ewkb: str | None) -> None:
    conn.execute(sa.text(
        "INSERT INTO object_version (object_kind, object_id, version, outcome, action, author,"
        " comment, data, geom) VALUES (:kind, :id, :version, :outcome, :action, :author,"
        " :comment, CAST(:data AS jsonb), ST_GeomFromEWKB(decode(:geom, 'hex')))"),
        {"kind": kind, "id": object_id, "version": version, "outcome": outcome,
         "action": action, "author": author, "comment": comment,
         "data": json.dumps(data, ensure_ascii=False, default=str), "geom": geom_ewkb})


def accept(conn, actor, kind: str, object_id: int, version: int, action: str, author: str,
           comment: str, data: dict, geom_ewkb: str | None, before: dict | None,
           after: dict | None = None) -> None:
    """Keep an accepted change twice: as a version (to list and restore) and in the audit log."""
    from services.access.rules import audit

    record(conn, kind, object_id, version, "accepted", action, author, comment, data, geom_ewkb)
    audit(conn, actor, action, kind, object_id, before,
          after if after is not None else {**data, "version": version})


def settle(conn, actor, kind: str, object_id: int, current: dict, expected: int, *,
           action: str, author: str, comment: str, data: dict, geom_ewkb: str | None,
           before: dict, write: Callable[[int], None]) -> Conflict | None:
    """Write a change based on version ``expected``, or keep the refused attempt.

    ``write(version)`` stores the new state; it runs only when ``expected`` is current. The
    conflict is returned, not raised, so the caller's transaction commits the kept attempt.
    """
    if current["version"] != expected:
        record(conn, kind, object_id, None, "conflict", action, author, comment,
               {**data, "based_on": expected}, geom_ewkb)
        return conflict(kind, object_id, current, expected)
    version = expected + 1
    write(version)
    accept(conn, actor, kind, object_id, version, action, author, comment, data, geom_ewkb,
           before)
    return None


def soft_delete(engine: sa.Engine, actor, kind: str, object_id: int, based_on, *,
                author: str, partnership_of: Callable, shown: str) -> None:
    """Mark an area or project deleted (kept in the history, restorable by the database owner)
    when ``based_on`` is its current version; a stale version is refused with 409.

    ``partnership_of(conn, object_id)`` finds whose it is (its NotFound when it is not there);
    the audit log keeps the object's column ``shown`` (its name or title) from before.
    """
    from services.access.rules import require_write
    from services.db import database_errors

    author = author_of(actor, author)
    expected = expected_version(based_on)
    refused = None
    with database_errors(), engine.begin() as conn:
        require_write(conn, actor, partnership_of(conn, object_id))
        current = lock_current(conn, kind, object_id)
        if current["version"] != expected:
            refused = conflict(kind, object_id, current, expected)
        else:
            conn.execute(sa.text(f"UPDATE {kind} SET deleted = true, version = version + 1"
                                 " WHERE id = :id"), {"id": object_id})
            accept(conn, actor, kind, object_id, expected + 1, "delete", author, "",
                   {"deleted": True}, None,
                   before={shown: current[shown], "version": current["version"]},
                   after={"deleted": True})
    if refused:
        raise refused


def expected_version(value) -> int:
    if value is None:
        raise BadRequest("every change must carry the version it is based on"
                         " (field 'version' or header If-Match)")
    return whole_number(value, "version")


def author_of(actor, author: str = "") -> str:
    """Who made a change: always the signed-in principal. Only the command line (``SYSTEM``),
    which has no person signed in, may name one."""
    if actor.role == "system":
        return text(author, "author", "change.comment") or actor.label
    if author and author != actor.label:
        raise ValueError(f"the author of a change by {actor.label} cannot be {author!r}")
    return actor.label


def lock_current(conn, kind: str, object_id: int) -> dict:
    row = conn.execute(sa.text(
        f"SELECT * FROM {kind} WHERE id = :id AND NOT deleted FOR UPDATE"),
        {"id": object_id}).mappings().first()
    if row is None:
        raise NotFound("no %(tables)s %(object_id)s", tables=Text(TABLES[kind]),
                       object_id=object_id)
    return dict(row)


def conflict(kind: str, object_id: int, current: dict, expected: int) -> Conflict:
    return Conflict(
        "the %(what)s was changed by someone else: you edited version %(yours)s, the current"
        " one is %(current)s; your attempt is kept in the history", what=Text(TABLES[kind]),
        yours=expected, current=current["version"],
        details={"current_version": current["version"], "your_version": expected})


def history(conn, kind: str, object_id: int) -> list[dict]:
    rows = conn.execute(sa.text(
        "SELECT id, version, outcome, action, author, comment, data, created_at,"
        " ST_AsGeoJSON(ST_Transform(geom, 4326), 6)::json AS geometry FROM object_version"
        " WHERE object_kind = :kind AND object_id = :id ORDER BY id"),
        {"kind": kind, "id": object_id}).mappings().all()
    if not rows:
        raise NotFound("no %(tables)s %(object_id)s", tables=Text(TABLES[kind]),
                       object_id=object_id)
    return [{**dict(r), "created_at": r["created_at"].isoformat()} for r in rows]


def accepted_version(conn, kind: str, object_id: int, version: int) -> dict:
    row = conn.execute(sa.text(
        "SELECT data, encode(ST_AsEWKB(geom), 'hex') AS geom FROM object_version"
        " WHERE object_kind = :kind AND object_id = :id AND version = :v"
        " AND outcome = 'accepted' ORDER BY id DESC LIMIT 1"),
        {"kind": kind, "id": object_id, "v": version}).mappings().first()
    if row is None:
        raise NotFound("%(tables)s %(object_id)s has no version %(version)s",
                       tables=Text(TABLES[kind]), object_id=object_id, version=version)
    return dict(row)
