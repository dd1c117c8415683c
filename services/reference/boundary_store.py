"""Writing prepared boundary units into PostGIS within the caller's transaction."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pandas as pd
import shapely
import sqlalchemy as sa

from core.errors import InvalidInput, Text
from layers.catalogue import LEVELS, VOIVODESHIP_CODES, Level

SHOW = 5  # how many offending items a message lists
# The prefix of a code that names the scope a load replaces: a load of powiats replaces the
# powiats of the voivodeships it covers; a load of gminas, the gminas of the powiats it covers.
SCOPE_PREFIX = {"voivodeship": 2, "powiat": 2, "gmina": 4}


def listing(items) -> str:
    """The first few items, and how many more there are."""
    items = list(items)
    shown = ", ".join(str(i) for i in items[:SHOW])
    if len(items) > SHOW:  # a Text, so that "and N more" is said in the user's language
        return Text("%(items)s and %(count)s more", items=shown, count=len(items) - SHOW)
    return shown


def _child(lvl: Level) -> Level | None:
    return next((x for x in LEVELS.values() if x.parent == lvl.name), None)


def _check_parents(conn, lvl: Level, codes: list[str], where: str) -> tuple[int, list[str]]:
    """Every unit's parent must be loaded; returns how many parents exist and warnings."""
    if lvl.parent is None:
        return 0, []
    parent = LEVELS[lvl.parent]
    existing = set(conn.execute(sa.text(f"SELECT teryt FROM {parent.name}")).scalars())
    if not existing:
        return 0, [Text("no %(parent)s is loaded yet, so parent codes were not checked: load"
                        " the %(parent)s level first", parent=Text(parent.name))]
    orphans = [c for c in codes if c[: parent.code_length] not in existing]
    if orphans:
        raise InvalidInput(
            "%(count)s units have no %(parent)s in the database: %(units)s",
            where=where, count=len(orphans), parent=Text(parent.name),
            units=listing(f"{c} (needs {parent.name} {c[:parent.code_length]})"
                          for c in orphans),
        )
    return len(existing), []


def _coverage(conn, lvl: Level, codes: list[str], n_parents: int) -> str:
    voivodeships = {c[:2] for c in codes}
    if voivodeships != VOIVODESHIP_CODES:
        return "partial"
    if lvl.name == "gmina" and n_parents:
        parents_with_gminas = {c[:4] for c in codes}
        if len(parents_with_gminas) < n_parents:
            return "partial"
    return "full"


def write_units(conn: sa.Connection, lvl: Level, rows: pd.DataFrame, *, as_of: dt.date,
                source: str, source_format: str, repaired: int, warnings: list[str],
                late_warnings: Callable[[], list[str]] = list) -> dict:
    """Replace the units in the scope of ``rows`` and record the load; returns its figures.

    ``late_warnings`` is called just before the load's record is completed, so that checks
    running alongside the write can add to it.
    """
    table = lvl.name  # identifiers come from the catalogue only
    codes = rows["teryt"].tolist()
    n_parents, parent_warnings = _check_parents(conn, lvl, codes, source)
    warnings = warnings + parent_warnings
    coverage = _coverage(conn, lvl, codes, n_parents)
    if coverage == "partial":
        scope_names = sorted({c[: SCOPE_PREFIX[lvl.name]] for c in codes})
        scope = Text("the voivodeships %(codes)s", codes=listing(scope_names)) \
            if SCOPE_PREFIX[lvl.name] == 2 else Text("the powiats %(codes)s",
                                                     codes=listing(scope_names))
        warnings.append(Text("partial coverage: %(count)s units of level %(level)s in %(scope)s;"
                             " units elsewhere are kept as they were", count=len(codes),
                             level=Text(lvl.name), scope=scope))
    load_id = conn.execute(
        sa.text(
            "INSERT INTO boundary_load (level, as_of, source, source_format, n_units, n_repaired,"
            " n_replaced, coverage) VALUES (:level, :as_of, :source, :fmt, :n, :repaired, 0,"
            " :coverage) RETURNING id"
        ),
        {"level": lvl.name, "as_of": as_of, "source": source, "fmt": source_format,
         "n": len(codes), "repaired": repaired, "coverage": coverage},
    ).scalar_one()

    k = SCOPE_PREFIX[lvl.name]
    scope = sorted({c[:k] for c in codes})
    params = {"k": k, "scope": scope, "as_of": as_of, "load_id": load_id, "level": lvl.name}
    archived = conn.execute(
        sa.text(
            f"INSERT INTO boundary_history (level, teryt, name, as_of, load_id, replaced_by, geom)"
            f" SELECT :level, teryt, name, as_of, load_id, :load_id, geom FROM {table}"
            f" WHERE substr(teryt, 1, :k) = ANY(:scope) AND as_of <> :as_of"
        ),
        params,
    ).rowcount
    replaced = conn.execute(
        sa.text(f"DELETE FROM {table} WHERE substr(teryt, 1, :k) = ANY(:scope)"), params
    ).rowcount

    ewkb = shapely.to_wkb(shapely.set_srid(rows["geom"].to_numpy(), 2180), hex=True,
                          include_srid=True)
    cursor = conn.connection.driver_connection.cursor()
    with cursor, cursor.copy(
        f"COPY {table} (teryt, name, as_of, load_id, geom) FROM STDIN"
    ) as copy:
        for code, name, geom in zip(codes, rows["name"], ewkb, strict=True):
            copy.write_row((code, name, as_of, load_id, geom))

    if lvl.parent:
        parent = LEVELS[lvl.parent]
        outside = conn.execute(
            sa.text(
                f"SELECT c.teryt FROM {table} c JOIN {parent.name} p"
                f" ON p.teryt = substr(c.teryt, 1, {parent.code_length})"
                " WHERE c.load_id = :load_id"
                " AND NOT ST_Intersects(p.geom, ST_PointOnSurface(c.geom)) ORDER BY c.teryt"
            ),
            params,
        ).scalars().all()
        if outside:
            warnings.append(Text("%(count)s units lie outside their %(parent)s: %(units)s",
                                 count=len(outside), parent=Text(parent.name),
                                 units=listing(outside)))
    child = _child(lvl)
    if child:
        orphaned = conn.execute(
            sa.text(
                f"SELECT count(*) FROM {child.name} c WHERE NOT EXISTS (SELECT 1 FROM {table} p"
                f" WHERE p.teryt = substr(c.teryt, 1, {lvl.code_length}))"
            )
        ).scalar_one()
        if orphaned:
            warnings.append(Text("%(count)s loaded units of level %(child)s now have no"
                                 " %(level)s: reload the %(child)s level", count=orphaned,
                                 child=Text(child.name), level=Text(lvl.name)))
    area_m2 = conn.execute(
        sa.text(f"SELECT coalesce(sum(ST_Area(geom)), 0) FROM {table} WHERE load_id = :load_id"),
        params,
    ).scalar_one()
    warnings = warnings + late_warnings()
    conn.execute(
        sa.text("UPDATE boundary_load SET n_replaced = :replaced,"
                " warnings = CAST(:warnings AS jsonb) WHERE id = :load_id"),
        {"replaced": replaced, "warnings": json.dumps(warnings, ensure_ascii=False),
         "load_id": load_id},
    )
    return {"load_id": load_id, "coverage": coverage, "replaced": replaced,
            "archived": archived, "area_km2": float(area_m2) / 1e6, "warnings": warnings}
