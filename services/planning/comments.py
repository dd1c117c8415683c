"""Comments on a partnership's working documents: marshal offices of its voivodeship and its
experts write them; whoever may read the partnership reads them."""

from __future__ import annotations

import sqlalchemy as sa

from core.errors import BadRequest, NotFound
from services.access.rules import SYSTEM, Forbidden, Principal, audit, require_read
from services.db import database_errors
from services.planning.fields import text

KINDS = {"partnership": None, "functional_area": "functional_area", "project": "project"}


def add_comment(engine: sa.Engine, pid: str, payload: dict, *,
                actor: Principal = SYSTEM) -> dict:
    unknown = sorted(set(payload) - {"body", "object_kind", "object_id"})
    if unknown:
        raise BadRequest("unknown field %(unknown)s; fields: body, object_kind,"
                         " object_id", unknown=', '.join(unknown))
    if not isinstance(payload.get("body"), str):
        raise BadRequest("body must be text of 1 to 5,000 characters", details={"field": "body"})
    body = text(payload["body"], "body", "comment.body", required=True)
    kind = payload.get("object_kind", "partnership")
    if not isinstance(kind, str) or kind not in KINDS:
        raise BadRequest("object_kind must be one of %(kinds)s", kinds=', '.join(KINDS))
    with database_errors(), engine.begin() as conn:
        require_read(conn, actor, pid)
        if actor.role not in ("system", "marshal_office") and not (
                actor.role == "expert" and pid in actor.partnerships):
            raise Forbidden("comments come from marshal offices and the partnership's experts")
        object_id = pid
        if KINDS[kind]:
            object_id = payload.get("object_id", "")
            if not isinstance(object_id, str | int) or isinstance(object_id, bool):
                raise BadRequest("object_id must be the id of the area or project")
            object_id = text(object_id, "object_id", "comment.object_id")
            found = conn.execute(sa.text(
                f"SELECT 1 FROM {KINDS[kind]} WHERE id = CAST(:i AS bigint)"
                " AND partnership_id = :p AND NOT deleted"),
                {"i": object_id if object_id.isascii() and object_id.isdigit()
                 and len(object_id) < 19 else "0", "p": pid}).first()
            if not found:
                raise NotFound("no %(kind)s %(object_id)r in partnership %(pid)s", kind=kind,
                               object_id=object_id, pid=pid)
        row = conn.execute(sa.text(
            "INSERT INTO comment (partnership_id, object_kind, object_id, author, body)"
            " VALUES (:p, :k, :o, :a, :b) RETURNING id, created_at"),
            {"p": pid, "k": kind, "o": object_id, "a": actor.label, "b": body}).one()
        audit(conn, actor, "comment", kind, object_id, None, {"body": body})
    return {"id": row[0], "partnership_id": pid, "object_kind": kind, "object_id": object_id,
            "author": actor.label, "body": body, "created_at": row[1].isoformat()}


def list_comments(engine: sa.Engine, pid: str, *, actor: Principal = SYSTEM) -> list[dict]:
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        rows = conn.execute(sa.text(
            "SELECT id, partnership_id, object_kind, object_id, author, body, created_at"
            " FROM comment WHERE partnership_id = :p ORDER BY id"), {"p": pid}).mappings().all()
    return [{**dict(r), "created_at": r["created_at"].isoformat()} for r in rows]
