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
        raise BadRequest("voivodeship must be a 2-digit TERYT code, got %(voivodeship)r",
                         voivodeship=voivodeship)
    if not 0 <= tolerance_m <= MAX_TOLERANCE_M:
        raise BadRequest("tolerance must be between 0 and %(max_tolerance_m).0f m",
                         max_tolerance_m=MAX_TOLERANCE_M)
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


def unit_points(engine: sa.Engine, level: str, *, voivodeship: str | None = None) -> str:
    """A FeatureCollection (EPSG:4326) of one point inside each unit of a level.

    PostGIS's ST_PointOnSurface, not the centroid: the centroid of a ring-shaped rural gmina
    around its town (Bartoszyce 2801032) lies in the town, outside the gmina. The point is
    computed on the full boundary, so it is inside whatever the map's simplification shows."""
    lvl = get_level(level)
    if voivodeship is not None and voivodeship not in VOIVODESHIP_CODES:
        raise BadRequest("voivodeship must be a 2-digit TERYT code, got %(voivodeship)r",
                         voivodeship=voivodeship)
    sql = sa.text(
        "SELECT json_build_object('type', 'FeatureCollection', 'features',"
        " coalesce(json_agg(json_build_object('type', 'Feature', 'id', teryt,"
        "  'properties', json_build_object('teryt', teryt, 'name', name),"
        "  'geometry', ST_AsGeoJSON(ST_Transform(ST_PointOnSurface(geom), 4326), 7)::json)"
        "  ORDER BY teryt), '[]'::json))::text"
        f" FROM {lvl.name} WHERE (CAST(:voiv AS text) IS NULL OR substr(teryt, 1, 2) = :voiv)")
    with database_errors(), engine.connect() as conn:
        return conn.execute(sql, {"voiv": voivodeship}).scalar_one()


# Polish letters with diacritics and what a keyboard without them types ("lodz" finds Łódź):
# PostgreSQL's translate() folds the stored names, Python's str.translate folds the query.
DIACRITICS = "ĄĆĘŁŃÓŚŹŻąćęłńóśźż"
FOLDED = "ACELNOSZZacelnoszz"
_FOLD = str.maketrans(DIACRITICS, FOLDED)
SEARCH_LIMIT_DEFAULT = 10
SEARCH_LIMIT_MAX = 50
SEARCH_QUERY_MAX = 100
SEARCH_LEVELS = ("gmina", "powiat")
"""The levels a user searches by name or TERYT (from the catalogue: identifiers are safe)."""


def fold(text: str) -> str:
    """Lower case without Polish diacritics: how both the query and the names are compared."""
    return text.translate(_FOLD).lower()


def search_units(engine: sa.Engine, query: str, *, limit: int = SEARCH_LIMIT_DEFAULT
                 ) -> list[dict]:
    """Gminas and powiats whose name or TERYT matches ``query``, best matches first.

    A query of digits matches TERYT codes from their start; any other matches names
    regardless of case and Polish diacritics, names that start with it first. Each hit has
    its level, TERYT, name, the powiat and voivodeship it lies in, and its bounding box
    ``[west, south, east, north]`` in EPSG:4326 (for zooming to it)."""
    # NUL cannot be stored or compared in PostgreSQL text: no name holds it.
    text = " ".join((query or "").replace("\x00", " ").split())
    if not text:
        raise BadRequest("q must not be empty: give a name or a TERYT code", field="q")
    if len(text) > SEARCH_QUERY_MAX:
        raise BadRequest("q must be at most %(search_query_max)s characters", field="q",
                         search_query_max=SEARCH_QUERY_MAX)
    if not 1 <= limit <= SEARCH_LIMIT_MAX:
        raise BadRequest("limit must be between 1 and %(search_limit_max)s", field="limit",
                         search_limit_max=SEARCH_LIMIT_MAX)
    by_code = text.isdigit()
    # LIKE wildcards typed by the user are matched literally.
    needle = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    parts = []
    for level in SEARCH_LEVELS:
        lvl = get_level(level)
        powiat = ("(SELECT p.name FROM powiat p WHERE p.teryt = u.powiat_teryt)"
                  if level == "gmina" else "NULL")
        kind = "u.gmina_type" if level == "gmina" else "NULL::smallint"
        parts.append(
            f"SELECT '{lvl.name}' AS level, u.teryt, u.name, {kind} AS gmina_type,"
            f" {powiat} AS powiat, v.name AS voivodeship,"
            " ST_XMin(b) AS west, ST_YMin(b) AS south, ST_XMax(b) AS east, ST_YMax(b) AS north,"
            " lower(translate(u.name, :from, :to)) AS folded"
            f" FROM {lvl.name} u JOIN voivodeship v ON v.teryt = u.voivodeship_teryt,"
            " LATERAL (SELECT Box2D(ST_Transform(ST_Envelope(u.geom), 4326))) AS e(b)"
            + (" WHERE u.teryt LIKE :needle || '%'" if by_code else
               " WHERE lower(translate(u.name, :from, :to)) LIKE '%' || :needle || '%'"))
    sql = sa.text(
        "SELECT * FROM (" + " UNION ALL ".join(parts) + ") AS hits"
        + (" ORDER BY length(teryt), teryt" if by_code else
           " ORDER BY (folded LIKE :needle || '%') DESC, length(name), level, teryt") +
        " LIMIT :limit")
    with database_errors(), engine.connect() as conn:
        rows = conn.execute(sql, {"needle": needle, "from": DIACRITICS, "to": FOLDED,
                                  "limit": limit}).mappings().all()
    return [{"level": r["level"], "teryt": r["teryt"], "name": r["name"],
             "gmina_type": r["gmina_type"], "powiat": r["powiat"],
             "voivodeship": r["voivodeship"].lower(),
             "bbox": [round(float(r[k]), 5) for k in ("west", "south", "east", "north")]}
            for r in rows]
