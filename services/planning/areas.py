"""Functional areas of a partnership: delineated from gminas or drawn, versioned."""

from __future__ import annotations

import shapely
import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput, NotFound
from services.access.rules import SYSTEM, Principal, require_read, require_write
from services.db import database_errors
from services.planning.fields import AREA_KINDS, crs, limited, text, whole_number
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
from spatial.geometry_input import GeometryProblem, from_geojson

KINDS = tuple(AREA_KINDS)
FIELDS = ("name", "kind", "description")
ACCEPTED = {*FIELDS, "gminas", "geometry", "crs", "clip", "comment", "version"}
OUTSIDE_POLAND_TOLERANCE = 0.001  # share of the area that may lie outside (border slivers)


def _ewkb(geom: shapely.Geometry) -> str:
    return shapely.to_wkb(shapely.set_srid(geom, 2180), hex=True, include_srid=True)


def _attributes(payload: dict, current: dict | None = None) -> dict:
    unknown = sorted(set(payload) - ACCEPTED)
    if unknown:
        raise BadRequest("unknown field %(unknown)s; fields:"
                         " %(accepted)s", unknown=', '.join(unknown),
                         accepted=', '.join(sorted(ACCEPTED)))
    out = {k: (current or {}).get(k) for k in FIELDS}
    out.update({k: payload[k] for k in FIELDS if k in payload})
    out["name"] = text(out["name"], "name", "area.name", required=True)
    out["description"] = text(out["description"], "description", "area.description")
    if not isinstance(out["kind"], str) or out["kind"] not in AREA_KINDS:
        raise BadRequest("kind must be one of %(area_kinds)s", details={"field": "kind"},
                         area_kinds=', '.join(AREA_KINDS))
    return out


def _geometry(conn, pid: str, payload: dict) -> tuple[str, list[str], str]:
    """(delineation, gminas, hex EWKB) from a list of gminas or a drawn polygon."""
    if ("gminas" in payload) == ("geometry" in payload):
        raise BadRequest("give either gminas (a list of TERYT codes) or a drawn geometry")
    if "gminas" in payload:
        codes = payload["gminas"]
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
            raise BadRequest("gminas must be a non-empty list of TERYT codes")
        limited(codes, "gminas")
        for code in codes:
            text(code, "gminas", "teryt")
        found = dict(conn.execute(sa.text(
            "SELECT teryt6, teryt FROM gmina WHERE teryt6 = ANY(:six)"),
            {"six": [c[:6] for c in codes]}).all())
        unknown = [c for c in codes if c[:6] not in found or not c.isdigit()]
        if unknown:
            raise InvalidInput("unknown gminas: %(unknown)s", unknown=', '.join(unknown))
        teryts = sorted({found[c[:6]] for c in codes})
        geom = conn.execute(sa.text(
            "SELECT encode(ST_AsEWKB(ST_Multi(ST_Union(geom))), 'hex') FROM gmina"
            " WHERE teryt = ANY(:t)"), {"t": teryts}).scalar_one()
        return "gminas", teryts, geom
    try:
        drawn = from_geojson(payload["geometry"], families=("polygon",),
                             crs=crs(payload["crs"]) if "crs" in payload else "EPSG:4326")
    except GeometryProblem as exc:
        raise InvalidInput(exc.reason.template, **exc.reason.params) from None
    geom = _ewkb(shapely.MultiPolygon(list(shapely.get_parts(drawn))))
    outside = conn.execute(sa.text(
        "SELECT ST_Area(ST_Difference(g, (SELECT ST_Union(geom) FROM voivodeship)))"
        " / ST_Area(g) FROM (SELECT ST_GeomFromEWKB(decode(:g, 'hex')) AS g) x"),
        {"g": geom}).scalar_one()
    if outside is not None and outside > OUTSIDE_POLAND_TOLERANCE:
        raise InvalidInput("%(outside)s of the drawn area lies outside Poland",
                           outside=format(outside, '.1%'))
    if not isinstance(payload.get("clip", False), bool):
        raise BadRequest("clip must be true or false", details={"field": "clip"})
    if payload.get("clip", False):
        geom = conn.execute(sa.text(
            "SELECT encode(ST_AsEWKB(ST_Multi(ST_CollectionExtract(ST_Intersection("
            " ST_GeomFromEWKB(decode(:g, 'hex')), p.geom), 3))), 'hex') FROM partnership p"
            " WHERE p.id = :pid"), {"g": geom, "pid": pid}).scalar_one()
        if geom is None or shapely.from_wkb(bytes.fromhex(geom)).is_empty:
            raise InvalidInput("the drawn area does not overlap the partnership")
    return "drawn", [], geom


def _partnership_of(conn, area_id: int) -> str:
    pid = conn.execute(sa.text("SELECT partnership_id FROM functional_area WHERE id = :id"
                               " AND NOT deleted"), {"id": area_id}).scalar_one_or_none()
    if pid is None:
        raise NotFound("no functional area %(area_id)s", area_id=area_id)
    return pid


def _comment(payload: dict) -> str:
    return text(payload.get("comment"), "comment", "change.comment")


def create_area(engine: sa.Engine, pid: str, payload: dict, *, author: str = "",
                actor: Principal = SYSTEM) -> dict:
    author = author_of(actor, author)
    with database_errors(), engine.begin() as conn:
        require_write(conn, actor, pid)
        attrs = _attributes(payload)
        comment = _comment(payload)
        delineation, gminas, geom = _geometry(conn, pid, payload)
        area_id = conn.execute(sa.text(
            "INSERT INTO functional_area (partnership_id, name, kind, description, delineation,"
            " gminas, geom, updated_by) VALUES (:pid, :name, :kind, :description, :del, :gminas,"
            " ST_GeomFromEWKB(decode(:geom, 'hex')), :author) RETURNING id"),
            {"pid": pid, **attrs, "del": delineation, "gminas": gminas, "geom": geom,
             "author": author}).scalar_one()
        accept(conn, actor, "functional_area", area_id, 1, "create", author, comment,
               {**attrs, "delineation": delineation, "gminas": gminas}, geom,
               before=None, after={**attrs, "partnership": pid, "gminas": gminas})
    return get_area(engine, area_id, actor=actor)


def update_area(engine: sa.Engine, area_id: int, payload: dict, *, author: str = "",
                actor: Principal = SYSTEM) -> dict:
    """Apply a change based on ``payload['version']``; a stale version gets 409."""
    return _change(engine, area_id, payload, "update", author=author, actor=actor)


def _change(engine: sa.Engine, area_id: int, payload: dict, action: str, *, author: str,
            actor: Principal) -> dict:
    """A change recorded as ``action``: the route decides it, never the body."""
    author = author_of(actor, author)
    expected = expected_version(payload.get("version"))
    with database_errors(), engine.begin() as conn:
        require_write(conn, actor, _partnership_of(conn, area_id))
        current = lock_current(conn, "functional_area", area_id)
        attrs = _attributes(payload, current)
        comment = _comment(payload)
        if "gminas" in payload or "geometry" in payload:
            delineation, gminas, geom = _geometry(conn, current["partnership_id"], payload)
        else:
            delineation, gminas = current["delineation"], current["gminas"]
            geom = conn.execute(sa.text(
                "SELECT encode(ST_AsEWKB(geom), 'hex') FROM functional_area WHERE id = :id"),
                {"id": area_id}).scalar_one()
        data = {**attrs, "delineation": delineation, "gminas": list(gminas)}

        def write(version: int) -> None:
            conn.execute(sa.text(
                "UPDATE functional_area SET name = :name, kind = :kind,"
                " description = :description, delineation = :del, gminas = :gminas,"
                " geom = ST_GeomFromEWKB(decode(:geom, 'hex')), version = :version,"
                " updated_at = now(), updated_by = :author WHERE id = :id"),
                {**attrs, "del": delineation, "gminas": list(gminas), "geom": geom,
                 "version": version, "author": author, "id": area_id})

        refused = settle(conn, actor, "functional_area", area_id, current, expected,
                         action=action, author=author, comment=comment, data=data,
                         geom_ewkb=geom,
                         before={k: current[k] for k in (*FIELDS, "version")}, write=write)
    if refused:
        raise refused
    return get_area(engine, area_id, actor=actor)


def restore_area(engine: sa.Engine, area_id: int, version: int, based_on, *,
                 author: str = "", actor: Principal = SYSTEM) -> dict:
    """Make an old version current again (as a new version)."""
    version = whole_number(version, "restore")
    with database_errors(), engine.connect() as conn:
        require_write(conn, actor, _partnership_of(conn, area_id))
        old = accepted_version(conn, "functional_area", area_id, version)
    data = old["data"]
    payload = {k: data[k] for k in FIELDS}
    payload.update(version=based_on, comment=f"restored version {version}")
    if data["delineation"] == "gminas":
        payload["gminas"] = data["gminas"]
    else:
        geom = shapely.from_wkb(bytes.fromhex(old["geom"]))
        payload["geometry"] = shapely.geometry.mapping(geom)
        payload["crs"] = "EPSG:2180"
    return _change(engine, area_id, payload, "restore", author=author, actor=actor)


def delete_area(engine: sa.Engine, area_id: int, based_on, *, author: str = "",
                actor: Principal = SYSTEM) -> None:
    """Mark an area deleted, as ``delete_project`` a project."""
    soft_delete(engine, actor, "functional_area", area_id, based_on, author=author,
                partnership_of=_partnership_of, shown="name")


AREA_SELECT = (
    "SELECT id, partnership_id, name, kind, description, delineation, gminas, version,"
    " updated_at, updated_by, round((ST_Area(geom) / 1e6)::numeric, 4)::float AS area_km2,"
    " ST_AsGeoJSON(ST_Transform(geom, 4326), 6)::json AS geometry FROM functional_area")


def _plain(row) -> dict:
    return {**dict(row), "gminas": list(row["gminas"]),
            "updated_at": row["updated_at"].isoformat()}


def get_area(engine: sa.Engine, area_id: int, *, actor: Principal = SYSTEM) -> dict:
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, _partnership_of(conn, area_id))
        row = conn.execute(sa.text(AREA_SELECT + " WHERE id = :id AND NOT deleted"),
                           {"id": area_id}).mappings().first()
    if row is None:
        raise NotFound("no functional area %(area_id)s", area_id=area_id)
    return _plain(row)


def list_areas(engine: sa.Engine, pid: str, *, actor: Principal = SYSTEM) -> list[dict]:
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        rows = conn.execute(sa.text(
            AREA_SELECT + " WHERE partnership_id = :p AND NOT deleted ORDER BY id"),
            {"p": pid}).mappings().all()
    return [_plain(r) for r in rows]


def area_history(engine: sa.Engine, area_id: int, *, actor: Principal = SYSTEM) -> list[dict]:
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, _partnership_of(conn, area_id))
        return history(conn, "functional_area", area_id)
