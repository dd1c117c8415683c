"""Partnerships of JST: import, edit, list; geometry derived from the members."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from pathlib import Path

import sqlalchemy as sa

from core.errors import N_, BadRequest, InvalidInput, NotFound
from services.access.rules import (
    SYSTEM,
    Principal,
    audit,
    readable_filter,
    require_membership_change,
    require_partnership_change,
    require_read,
)
from services.db import database_errors
from services.planning.fields import limited, text

# Codes that are also the English labels (N_: the pages translate them).
STATUSES = (N_("candidate"), N_("active"), N_("completed"), N_("withdrawn"))
CSV_COLUMNS = ("partnership_id", "partnership_name", "member_teryt", "member_kind", "role")


@dataclass
class PartnershipImport:
    partnerships: int
    members: int
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _resolve_members(conn, members: list[dict], where: str) -> list[dict]:
    """Codes as the loaded boundaries hold them; unknown codes are an error naming them."""
    gminas = dict(conn.execute(sa.text("SELECT teryt6, teryt FROM gmina")).all())
    powiats = set(conn.execute(sa.text("SELECT teryt FROM powiat")).scalars())
    if not gminas:
        raise InvalidInput("no boundaries are loaded: run `partnerstwa load reference` first")
    out, unknown = [], []
    for m in members:
        code, kind = m["teryt"].strip(), m["member_kind"].strip()
        if kind == "gmina" and len(code) == 7 and code.isdigit() and code[:6] in gminas:
            out.append({**m, "teryt": gminas[code[:6]], "member_kind": kind})
        elif kind == "powiat" and code in powiats:
            out.append({**m, "teryt": code, "member_kind": kind})
        elif kind not in ("gmina", "powiat"):
            raise InvalidInput("member %(code)s: kind must be gmina or powiat, not %(kind)r",
                               where=where, code=code, kind=kind)
        else:
            unknown.append(code)
    if unknown:
        raise InvalidInput("these member codes are not loaded %(value)s"
                           " (check the code and its kind)", where=where,
                           value=', '.join(sorted(set(unknown))))
    return out


def _check_leaders(pid: str, members: list[dict], where: str) -> None:
    leaders = [m for m in members if m.get("role", "member") == "leader"]
    if len(leaders) != 1:
        raise InvalidInput("partnership %(pid)s must have exactly one leader, has %(count)s",
                           where=where, pid=pid, count=len(leaders))
    bad = [m["role"] for m in members if m.get("role", "member") not in ("leader", "member")]
    if bad:
        raise InvalidInput("partnership %(pid)s: role must be leader or member, not %(bad)r",
                           where=where, pid=pid, bad=bad[0])


def _write(conn, pid: str, name: str, programme: str, members: list[dict], where: str,
           status: str = "active") -> list[str]:
    """Replace one partnership and its members; returns warnings."""
    taken = conn.execute(sa.text(
        "SELECT m.teryt, m.partnership_id FROM partnership_member m WHERE m.programme = :prog"
        " AND m.partnership_id <> :pid AND (m.member_kind, m.teryt) IN"
        " (SELECT k, t FROM unnest(CAST(:kinds AS text[]), CAST(:codes AS text[])) AS x(k, t))"),
        {"prog": programme, "pid": pid, "kinds": [m["member_kind"] for m in members],
         "codes": [m["teryt"] for m in members]}).all()
    if taken:
        raise InvalidInput("already in another partnership of programme %(programme)s:"
                           " %(taken)s", where=where, programme=programme,
                           taken=", ".join(f"{c} ({p})" for c, p in taken))
    conn.execute(sa.text(
        "INSERT INTO partnership (id, name, programme, status) VALUES (:id, :name, :prog,"
        " :status) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,"
        " programme = EXCLUDED.programme, status = EXCLUDED.status, updated_at = now()"),
        {"id": pid, "name": name, "prog": programme, "status": status})
    conn.execute(sa.text("DELETE FROM partnership_member WHERE partnership_id = :id"),
                 {"id": pid})
    conn.execute(sa.text(
        "INSERT INTO partnership_member (partnership_id, programme, member_kind, teryt, role)"
        " SELECT :id, :prog, k, t, r FROM unnest(CAST(:kinds AS text[]),"
        " CAST(:codes AS text[]), CAST(:roles AS text[])) AS x(k, t, r)"),
        {"id": pid, "prog": programme, "kinds": [m["member_kind"] for m in members],
         "codes": [m["teryt"] for m in members],
         "roles": [m.get("role", "member") for m in members]})
    parts = conn.execute(sa.text(
        "UPDATE partnership p SET geom = u.geom, voivodeships = u.voivodeships, updated_at = now()"
        " FROM ("
        " SELECT ST_Multi(ST_Union(g.geom)) AS geom,"
        "  array_agg(DISTINCT g.voivodeship_teryt ORDER BY g.voivodeship_teryt) AS voivodeships"
        " FROM partnership_gmina pg JOIN gmina g ON g.teryt = pg.gmina_teryt"
        " WHERE pg.partnership_id = :id) u WHERE p.id = :id RETURNING ST_NumGeometries(p.geom)"),
        {"id": pid}).scalar_one()
    if parts > 1:
        return [f"partnership {pid} is not contiguous ({parts} separate parts)"]
    return []


def import_partnerships(engine: sa.Engine, path: str | Path, *,
                        programme: str = "CWD") -> PartnershipImport:
    """Import partnerships from a CSV shaped like the examples; all or nothing."""
    path = Path(path)
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput("cannot read the file (%(kind)s)", where=where,
                           kind=type(exc).__name__) from exc
    rows = list(csv.DictReader(io.StringIO(text)))
    missing = set(CSV_COLUMNS) - set(rows[0] if rows else {})
    if missing:
        raise InvalidInput("missing columns: %(missing)s", where=where,
                           missing=', '.join(sorted(missing)))
    groups: dict[str, dict] = {}
    for line, row in enumerate(rows, start=2):
        pid = row["partnership_id"].strip()
        if not pid:
            raise InvalidInput("line %(line)s: no partnership_id", where=where, line=line)
        group = groups.setdefault(pid, {"name": row["partnership_name"].strip(), "members": []})
        group["members"].append({"teryt": row["member_teryt"], "member_kind": row["member_kind"],
                                 "role": (row["role"] or "member").strip()})
    warnings: list[str] = []
    with database_errors(), engine.begin() as conn:
        for pid, group in groups.items():
            members = _resolve_members(conn, group["members"], where)
            _check_leaders(pid, members, where)
            warnings += _write(conn, pid, group["name"], programme, members, where)
    return PartnershipImport(len(groups), sum(len(g["members"]) for g in groups.values()),
                             warnings)


def _members_of(conn, pid: str) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.text(
        "SELECT member_kind, teryt, role FROM partnership_member WHERE partnership_id = :id"
        " ORDER BY member_kind, teryt"), {"id": pid}).mappings()]


def _checked_change(data: dict) -> dict:
    """The fields of a partnership change, typed and within their limits."""
    unknown = sorted(set(data) - {"name", "status", "members"})
    if unknown:
        raise BadRequest("cannot change %(unknown)s; fields: name, status, members",
                         unknown=', '.join(unknown))
    out = {}
    if "name" in data:
        if not isinstance(data["name"], str):
            raise BadRequest("name must be text", details={"field": "name"})
        out["name"] = text(data["name"], "name", "partnership.name", required=True)
    if "status" in data:
        if not isinstance(data["status"], str) or data["status"] not in STATUSES:
            raise BadRequest("status must be one of %(statuses)s", statuses=', '.join(STATUSES))
        out["status"] = data["status"]
    if "members" in data:
        members = data["members"]
        if not (isinstance(members, list) and all(
                isinstance(m, dict) and set(m) <= {"teryt", "member_kind", "role"}
                and isinstance(m.get("teryt"), str) and isinstance(m.get("member_kind"), str)
                and isinstance(m.get("role", "member"), str) for m in members)):
            raise BadRequest("members must be a list of {teryt, member_kind, role}")
        limited(members, "members")
        for m in members:
            text(m["teryt"], "teryt", "teryt")
        out["members"] = members
    return out


def update_partnership(engine: sa.Engine, pid: str, data: dict, *,
                       actor: Principal = SYSTEM) -> dict:
    """Change name or status (administrators and the partnership's experts) or the members,
    the whole list (administrators, and the marshal office for JSTs of its voivodeship)."""
    change = _checked_change(data)
    where = f"partnership {pid}"
    with database_errors(), engine.begin() as conn:
        require_read(conn, actor, pid)
        current = conn.execute(sa.text(
            "SELECT name, programme, status FROM partnership WHERE id = :id FOR UPDATE"),
            {"id": pid}).mappings().first()
        if current is None:
            raise NotFound("no partnership %(pid)r", pid=pid)
        if "name" in change or "status" in change:
            require_partnership_change(conn, actor, pid)
        name = change.get("name", current["name"])
        status = change.get("status", current["status"])
        before = _members_of(conn, pid)
        members = before
        if "members" in change:
            members = _resolve_members(conn, change["members"], where)
        _check_leaders(pid, members, where)
        old = {(m["member_kind"], m["teryt"], m.get("role", "member")) for m in before}
        new = {(m["member_kind"], m["teryt"], m.get("role", "member")) for m in members}
        if old != new:
            require_membership_change(conn, actor, pid, sorted({t for _, t, _ in old ^ new}))
        warnings = _write(conn, pid, name, current["programme"], members, where, status)
        if "name" in change or "status" in change:
            audit(conn, actor, "update", "partnership", pid,
                  {"name": current["name"], "status": current["status"]},
                  {"name": name, "status": status})
        if old != new:
            audit(conn, actor, "change_members", "partnership", pid, {"members": before},
                  {"members": [{"member_kind": k, "teryt": t, "role": r}
                               for k, t, r in sorted(new)],
                   "added": sorted(t for _, t, _ in new - old),
                   "removed": sorted(t for _, t, _ in old - new)})
    return {**get_partnership(engine, pid, actor=actor), "warnings": warnings}


def list_partnerships(engine: sa.Engine, *, voivodeship: str | None = None, limit: int = 100,
                      offset: int = 0, actor: Principal = SYSTEM) -> list[dict]:
    allowed, params = readable_filter(actor, "p.id")
    with database_errors(), engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT p.id, p.name, p.programme, p.status, p.voivodeships,"
            " round((ST_Area(p.geom) / 1e6)::numeric, 3)::float AS area_km2,"
            " (SELECT count(*) FROM partnership_member m WHERE m.partnership_id = p.id)"
            "   AS members,"
            " (SELECT m.teryt FROM partnership_member m WHERE m.partnership_id = p.id"
            "   AND m.role = 'leader') AS leader"
            f" FROM partnership p WHERE {allowed} AND"
            " (CAST(:v AS text) IS NULL OR :v = ANY(p.voivodeships))"
            " ORDER BY p.id LIMIT :limit OFFSET :offset"),
            {"v": voivodeship, "limit": limit, "offset": offset, **params}).mappings().all()
    return [dict(r) for r in rows]


def get_partnership(engine: sa.Engine, pid: str, *, actor: Principal = SYSTEM) -> dict:
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        row = conn.execute(sa.text(
            "SELECT id, name, programme, status, voivodeships,"
            " round((ST_Area(geom) / 1e6)::numeric, 3)::float AS area_km2,"
            " ST_AsGeoJSON(ST_Transform(ST_Multi(ST_SimplifyPreserveTopology(geom, 50)), 4326),"
            " 5)::json AS geometry FROM partnership WHERE id = :id"), {"id": pid}).mappings().first()
        if row is None:
            raise NotFound("no partnership %(pid)r", pid=pid)
        members = conn.execute(sa.text(
            "SELECT m.member_kind, m.teryt, m.role, coalesce(g.name, p.name) AS name"
            " FROM partnership_member m LEFT JOIN gmina g ON m.member_kind = 'gmina'"
            " AND g.teryt = m.teryt LEFT JOIN powiat p ON m.member_kind = 'powiat'"
            " AND p.teryt = m.teryt WHERE m.partnership_id = :id"
            " ORDER BY m.role, m.member_kind DESC, m.teryt"), {"id": pid}).mappings().all()
        gminas = conn.execute(sa.text(
            "SELECT gmina_teryt FROM partnership_gmina WHERE partnership_id = :id"
            " ORDER BY 1"), {"id": pid}).scalars().all()
    return {**dict(row), "members": [dict(m) for m in members], "gminas": list(gminas)}
