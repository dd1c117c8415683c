"""Planned projects (przedsięwzięcia) of a partnership: validated, located, versioned."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

import shapely
import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput, NotFound
from services.access.rules import (
    SYSTEM,
    Principal,
    readable_filter,
    require_read,
    require_write,
)
from services.db import database_errors
from services.planning.fields import COST_LIMITS, crs, id_list, limited, short, text, whole_number
from services.planning.versioning import (
    accept,
    accepted_version,
    author_of,
    expected_version,
    history,
    lock_current,
    settle,
    soft_delete,
)
from services.planning.vocabularies import FEASIBILITY_CODES, FUNDING_CODES
from spatial.geometry_input import GeometryProblem, from_geojson

FUNDING_SOURCES = FUNDING_CODES  # services/planning/vocabularies.py, the one table
FEASIBILITY = FEASIBILITY_CODES
TEXT_FIELDS = {"title": "project.title", "description": "project.description",
               "theme": "project.theme"}
ATTRIBUTES = ("title", "description", "theme", "cost_pln", "funding_source", "start_date",
              "end_date", "milestones", "feasibility", "priority", "area_ids")
MAX_COST = Decimal(COST_LIMITS["max"])  # the workspace form checks the same table
ACCEPTED = {*ATTRIBUTES, "geometry", "crs", "gminas", "comment", "version"}


def _date(value, name: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str | dt.date):
        raise BadRequest("%(name)s must be a date YYYY-MM-DD, got %(value)s", name=name,
                         value=short(value), field=name)
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise BadRequest("%(name)s must be a date YYYY-MM-DD, got %(value)s", name=name,
                         value=short(value), field=name) from None


def clean_attributes(payload: dict, current: dict | None = None) -> dict:
    """Validated attributes (merged onto ``current`` for updates)."""
    out = {k: (current or {}).get(k) for k in ATTRIBUTES}
    out.update({k: payload[k] for k in ATTRIBUTES if k in payload})
    for key, limit in TEXT_FIELDS.items():
        out[key] = text(out[key], key, limit, required=key == "title")
    if out["cost_pln"] not in (None, ""):
        try:
            cost = Decimal(str(out["cost_pln"]).replace(" ", "").replace(",", "."))
        except InvalidOperation:
            raise BadRequest("cost_pln must be a number, got %(value)s", field="cost_pln",
                             value=short(out['cost_pln'])) from None
        if not cost.is_finite() or cost < 0:
            raise BadRequest("cost_pln must be a non-negative amount in PLN", field="cost_pln")
        if cost > MAX_COST:  # refused, never cut: more than any partnership's project costs
            raise BadRequest("cost_pln must be at most %(limit)s PLN", field="cost_pln",
                             limit=f"{MAX_COST:,.0f}".replace(",", " "))
        out["cost_pln"] = str(cost.quantize(Decimal("0.01")))
    else:
        out["cost_pln"] = None
    out["funding_source"] = out["funding_source"] or "other"
    if not isinstance(out["funding_source"], str) or out["funding_source"] not in FUNDING_SOURCES:
        raise BadRequest("funding_source must be one of %(funding_sources)s",
                         field="funding_source", funding_sources=', '.join(FUNDING_SOURCES))
    out["feasibility"] = out["feasibility"] or "none"
    if not isinstance(out["feasibility"], str) or out["feasibility"] not in FEASIBILITY:
        raise BadRequest("feasibility must be one of %(feasibility)s", field="feasibility",
                         feasibility=', '.join(FEASIBILITY))
    priority = out["priority"] if out["priority"] is not None else 2
    if isinstance(priority, float) and priority.is_integer():
        priority = int(priority)  # 2.0 from a spreadsheet column
    out["priority"] = whole_number(priority, "priority", low=1, high=3)
    out["start_date"] = _date(out["start_date"], "start_date")
    out["end_date"] = _date(out["end_date"], "end_date")
    if out["start_date"] and out["end_date"] and out["end_date"] < out["start_date"]:
        raise BadRequest("end_date is before start_date", field="end_date")
    milestones = out["milestones"] or []
    if not isinstance(milestones, list) or not all(
            isinstance(m, dict) and set(m) <= {"name", "date"} for m in milestones):
        raise BadRequest("milestones must be a list of {name, date}", field="milestones")
    limited(milestones, "milestones")
    out["milestones"] = [{"name": text(m.get("name"), "milestone name", "milestone.name",
                                       required=True),
                          "date": _date(m.get("date"), "milestone date")}
                         for m in milestones]
    out["area_ids"] = id_list(out["area_ids"], "area_ids")
    return out


def clean_geometry(payload: dict) -> str:
    try:
        geom = from_geojson(payload.get("geometry"), families=("point", "line", "polygon"),
                            crs=crs(payload["crs"]) if "crs" in payload else "EPSG:4326")
    except GeometryProblem as exc:
        raise InvalidInput(exc.reason.template, **exc.reason.params) from None
    return shapely.to_wkb(shapely.set_srid(geom, 2180), hex=True, include_srid=True)


def _check_links(conn, pid: str, attrs: dict, gminas) -> list[str] | None:
    if attrs["area_ids"]:
        found = set(conn.execute(sa.text(
            "SELECT id FROM functional_area WHERE id = ANY(:ids) AND partnership_id = :p"
            " AND NOT deleted"), {"ids": attrs["area_ids"], "p": pid}).scalars())
        missing = sorted(set(attrs["area_ids"]) - found)
        if missing:
            raise InvalidInput("functional areas %(missing)s are not areas of partnership %(pid)s",
                               missing=missing, pid=pid)
    if gminas is None:
        return None
    if not isinstance(gminas, list) or not all(isinstance(g, str) for g in gminas):
        raise BadRequest("gminas must be a list of TERYT codes", field="gminas")
    limited(gminas, "gminas")
    for code in gminas:
        text(code, "gminas", "teryt")
    found = set(conn.execute(sa.text("SELECT teryt FROM gmina WHERE teryt = ANY(:t)"),
                             {"t": gminas}).scalars())
    unknown = sorted(set(gminas) - found)
    if unknown:
        raise InvalidInput("unknown gminas: %(unknown)s", unknown=', '.join(unknown))
    return sorted(set(gminas))


def _located(conn, geom_hex: str) -> list[str]:
    return conn.execute(sa.text(
        "SELECT teryt FROM gmina WHERE ST_Intersects(geom, ST_GeomFromEWKB(decode(:g, 'hex')))"
        " ORDER BY teryt"), {"g": geom_hex}).scalars().all()


WRITE_COLUMNS = ("title = :title, description = :description, theme = :theme,"
                 " cost_pln = CAST(:cost_pln AS numeric), funding_source = :funding_source,"
                 # the imported wording describes the imported source only (right-hand
                 # sides read the row as it was)
                 " funding_label = CASE WHEN funding_source IS NOT DISTINCT FROM"
                 " :funding_source THEN funding_label END,"
                 " start_date = CAST(:start_date AS date), end_date = CAST(:end_date AS date),"
                 " milestones = CAST(:milestones AS jsonb), feasibility = :feasibility,"
                 " priority = :priority, area_ids = :area_ids, gminas = :gminas,"
                 " gminas_edited = :gminas_edited, geom = ST_GeomFromEWKB(decode(:geom, 'hex'))")


def _checked(payload: dict) -> str:
    """Refuse fields a project does not have; the change's comment within its limit."""
    unknown = sorted(set(payload) - ACCEPTED)
    if unknown:
        raise BadRequest("unknown field %(unknown)s; fields:"
                         " %(accepted)s", unknown=', '.join(unknown),
                         accepted=', '.join(sorted(ACCEPTED)))
    return text(payload.get("comment"), "comment", "change.comment")


def insert_project(conn, pid: str, payload: dict, author: str,
                   actor: Principal = SYSTEM) -> int:
    author = author_of(actor, author)
    comment = _checked(payload)
    attrs = clean_attributes(payload)
    geom = clean_geometry(payload)
    given = _check_links(conn, pid, attrs, payload.get("gminas"))
    gminas = given if given is not None else _located(conn, geom)
    params = {**attrs, "milestones": json.dumps(attrs["milestones"]), "gminas": gminas,
              "gminas_edited": given is not None, "geom": geom, "pid": pid, "author": author}
    project_id = conn.execute(sa.text(
        "INSERT INTO project (partnership_id, title, updated_by, geom) VALUES (:pid, :title,"
        " :author, ST_GeomFromEWKB(decode(:geom, 'hex'))) RETURNING id"), params).scalar_one()
    conn.execute(sa.text(f"UPDATE project SET {WRITE_COLUMNS} WHERE id = :id"),
                 {**params, "id": project_id})
    accept(conn, actor, "project", project_id, 1, "create", author, comment,
           {**attrs, "gminas": gminas}, geom,
           before=None, after={**attrs, "partnership": pid, "gminas": gminas})
    return project_id


def create_project(engine: sa.Engine, pid: str, payload: dict, *, author: str = "",
                   actor: Principal = SYSTEM) -> dict:
    with database_errors(), engine.begin() as conn:
        require_write(conn, actor, pid)
        project_id = insert_project(conn, pid, payload, author, actor)
    return get_project(engine, project_id, actor=actor)


def _partnership_of(conn, project_id: int) -> str:
    pid = conn.execute(sa.text("SELECT partnership_id FROM project WHERE id = :id"
                               " AND NOT deleted"), {"id": project_id}).scalar_one_or_none()
    if pid is None:
        raise NotFound("no project %(project_id)s", project_id=project_id)
    return pid


def update_project(engine: sa.Engine, project_id: int, payload: dict, *,
                   author: str = "", actor: Principal = SYSTEM) -> dict:
    """Apply a change based on ``payload['version']``; a stale version gets 409."""
    return _change(engine, project_id, payload, "update", author=author, actor=actor)


def _change(engine: sa.Engine, project_id: int, payload: dict, action: str, *, author: str,
            actor: Principal) -> dict:
    """A change recorded as ``action``: the route decides it, never the body."""
    author = author_of(actor, author)
    expected = expected_version(payload.get("version"))
    with database_errors(), engine.begin() as conn:
        require_write(conn, actor, _partnership_of(conn, project_id))
        current = lock_current(conn, "project", project_id)
        comment = _checked(payload)
        attrs = clean_attributes(payload, current)
        if "geometry" in payload:
            geom = clean_geometry(payload)
        else:
            geom = conn.execute(sa.text(
                "SELECT encode(ST_AsEWKB(geom), 'hex') FROM project WHERE id = :id"),
                {"id": project_id}).scalar_one()
        given = _check_links(conn, current["partnership_id"], attrs, payload.get("gminas"))
        if given is not None:
            gminas, edited = given, True
        elif current["gminas_edited"] and "geometry" not in payload:
            gminas, edited = list(current["gminas"]), True
        else:
            gminas, edited = _located(conn, geom), False
        data = {**attrs, "gminas": gminas}

        def write(version: int) -> None:
            conn.execute(sa.text(
                f"UPDATE project SET {WRITE_COLUMNS}, version = :version, updated_at = now(),"
                " updated_by = :author WHERE id = :id"),
                {**attrs, "milestones": json.dumps(attrs["milestones"]), "gminas": gminas,
                 "gminas_edited": edited, "geom": geom, "version": version, "author": author,
                 "id": project_id})

        refused = settle(conn, actor, "project", project_id, current, expected,
                         action=action, author=author, comment=comment, data=data,
                         geom_ewkb=geom,
                         before={k: current[k] for k in ("title", "cost_pln", "version")},
                         write=write)
    if refused:
        raise refused
    return get_project(engine, project_id, actor=actor)


def delete_project(engine: sa.Engine, project_id: int, based_on, *, author: str = "",
                   actor: Principal = SYSTEM) -> None:
    """Mark a project deleted (kept in the history, restorable by the database owner), when
    ``based_on`` is its current version; a stale version is refused with 409."""
    soft_delete(engine, actor, "project", project_id, based_on, author=author,
                partnership_of=_partnership_of, shown="title")


def restore_project(engine: sa.Engine, project_id: int, version: int, based_on, *,
                    author: str = "", actor: Principal = SYSTEM) -> dict:
    version = whole_number(version, "restore")
    with database_errors(), engine.connect() as conn:
        require_write(conn, actor, _partnership_of(conn, project_id))
        old = accepted_version(conn, "project", project_id, version)
    data = old["data"]
    payload = {k: data[k] for k in ATTRIBUTES if k in data}
    payload.update(version=based_on, crs="EPSG:2180",
                   geometry=shapely.geometry.mapping(shapely.from_wkb(bytes.fromhex(old["geom"]))),
                   comment=f"restored version {version}")
    return _change(engine, project_id, payload, "restore", author=author, actor=actor)


PROJECT_SELECT = (
    "SELECT id, partnership_id, title, description, theme, cost_pln::float AS cost_pln,"
    " funding_source, funding_label, start_date, end_date, milestones, feasibility,"
    " priority, gminas,"
    " gminas_edited, area_ids, version, updated_at, updated_by, GeometryType(geom) AS"
    " geometry_type, ST_AsGeoJSON(ST_Transform(geom, 4326), 7)::json AS geometry FROM project")


def _plain(row) -> dict:
    out = dict(row)
    for key in ("start_date", "end_date", "updated_at"):
        out[key] = out[key].isoformat() if out[key] else None
    out["gminas"], out["area_ids"] = list(out["gminas"]), list(out["area_ids"])
    return out


def get_project(engine: sa.Engine, project_id: int, *, actor: Principal = SYSTEM) -> dict:
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, _partnership_of(conn, project_id))
        row = conn.execute(sa.text(PROJECT_SELECT + " WHERE id = :id AND NOT deleted"),
                           {"id": project_id}).mappings().first()
    if row is None:
        raise NotFound("no project %(project_id)s", project_id=project_id)
    return _plain(row)


def list_projects(engine: sa.Engine, *, partnership: str | None = None,
                  voivodeship: str | None = None, funding_source: str | None = None,
                  limit: int = 100, offset: int = 0, actor: Principal = SYSTEM) -> dict:
    allowed, allowed_params = readable_filter(actor, "partnership_id")
    where = (f"NOT deleted AND {allowed} AND (CAST(:p AS text) IS NULL OR partnership_id = :p)"
             " AND (CAST(:f AS text) IS NULL OR funding_source = :f)"
             " AND (CAST(:v AS text) IS NULL OR partnership_id IN"
             "  (SELECT id FROM partnership WHERE :v = ANY(voivodeships)))")
    params = {"p": partnership, "v": voivodeship, "f": funding_source, **allowed_params}
    with database_errors(), engine.connect() as conn:
        total, cost = conn.execute(sa.text(
            f"SELECT count(*), coalesce(sum(cost_pln), 0)::float FROM project WHERE {where}"),
            params).one()
        rows = conn.execute(sa.text(
            f"{PROJECT_SELECT} WHERE {where} ORDER BY id LIMIT :limit OFFSET :offset"),
            {**params, "limit": limit, "offset": offset}).mappings().all()
    return {"total": total, "total_cost_pln": cost, "limit": limit, "offset": offset,
            "items": [_plain(r) for r in rows]}


def project_history(engine: sa.Engine, project_id: int, *,
                    actor: Principal = SYSTEM) -> list[dict]:
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, _partnership_of(conn, project_id))
        return history(conn, "project", project_id)
