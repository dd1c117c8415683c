"""Reading administrative units: what is loaded, and GeoJSON for the map."""

from __future__ import annotations

import sqlalchemy as sa

from core.errors import BadRequest
from layers.catalogue import LEVELS, VOIVODESHIP_CODES
from layers.catalogue import level as get_level
from services.db import database_errors

MAX_TOLERANCE_M = 5_000.0


def boundary_status(engine: sa.Engine) -> list[dict]:
    """Per level: units held, their vintages, area, and the last load."""
    out = []
    with database_errors(), engine.connect() as conn:
        for name in LEVELS:  # identifiers from the catalogue only
            row = conn.execute(sa.text(
                f"SELECT count(*) AS n, min(as_of) AS oldest, max(as_of) AS newest,"
                f" coalesce(sum(ST_Area(geom)), 0) / 1e6 AS area_km2 FROM {name}"
            )).mappings().one()
            last = conn.execute(sa.text(
                "SELECT id, as_of, source, coverage, loaded_at FROM boundary_load"
                " WHERE level = :level ORDER BY id DESC LIMIT 1"), {"level": name}
            ).mappings().first()
            out.append({
                "level": name, "units": row["n"],
                "as_of": [str(row["oldest"]), str(row["newest"])] if row["n"] else [],
                "area_km2": round(float(row["area_km2"]), 3),
                "last_load": {k: str(v) for k, v in last.items()} if last else None,
            })
    return out


def boundary_version(engine: sa.Engine) -> int:
    """A number that changes whenever boundaries are loaded (for HTTP caching)."""
    with database_errors(), engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM boundary_load"))
                   .scalar_one())


def list_voivodeships(engine: sa.Engine) -> list[dict]:
    """The loaded voivodeships, TERYT and name, in code order (for choosing one)."""
    with database_errors(), engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.text(
            "SELECT teryt, name FROM voivodeship ORDER BY teryt")).mappings()]


def unit_names(engine: sa.Engine, level: str, codes) -> dict[str, str]:
    """Names of the given units of one level, by TERYT (codes not held are left out)."""
    lvl = get_level(level)
    codes = sorted(set(codes))
    if not codes:
        return {}
    with database_errors(), engine.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(sa.text(
            f"SELECT teryt, name FROM {lvl.name} WHERE teryt = ANY(:codes)"),
            {"codes": codes})}


def units_geojson(engine: sa.Engine, level: str, *, voivodeship: str | None = None,
                  tolerance_m: float = 200.0, limit: int = 5_000, offset: int = 0) -> str:
    """A FeatureCollection (EPSG:4326) of one level's units, simplified in PostGIS."""
    lvl = get_level(level)
    if voivodeship is not None and voivodeship not in VOIVODESHIP_CODES:
        raise BadRequest(f"voivodeship must be a 2-digit TERYT code, got {voivodeship!r}")
    if not 0 <= tolerance_m <= MAX_TOLERANCE_M:
        raise BadRequest(f"tolerance must be between 0 and {MAX_TOLERANCE_M:.0f} m")
    sql = sa.text(
        "SELECT json_build_object('type', 'FeatureCollection', 'features',"
        " coalesce(json_agg(f.feature ORDER BY f.id), '[]'::json))::text FROM ("
        "  SELECT teryt AS id, json_build_object('type', 'Feature', 'id', teryt,"
        "   'properties', json_build_object('teryt', teryt, 'name', name, 'as_of', as_of),"
        "   'geometry', ST_AsGeoJSON(ST_Transform("
        "      ST_SimplifyPreserveTopology(geom, :tol), 4326), 4)::json) AS feature"
        f"  FROM {lvl.name}"
        "  WHERE (CAST(:voiv AS text) IS NULL OR substr(teryt, 1, 2) = :voiv)"
        "  ORDER BY teryt LIMIT :limit OFFSET :offset"
        " ) AS f(id, feature)"
    )
    with database_errors(), engine.connect() as conn:
        return conn.execute(sql, {"tol": tolerance_m, "voiv": voivodeship, "limit": limit,
                                  "offset": offset}).scalar_one()
