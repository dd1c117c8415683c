"""Who a project serves: the population within 5, 10 and 20 km of its location and the member
gminas its buffers reach.

Method (areal interpolation, stated in every answer): each gmina's population is assumed to be
spread evenly over its area, so the population within a buffer is the sum over the gminas it
touches of ``population × area(gmina ∩ buffer) / area(gmina)``. Buffers are drawn around the
project's geometry as it is (a point, a line or a polygon) in EPSG:2180 (metres), with
``QUAD_SEGS`` segments per quarter circle. PostGIS does all the geometry, for many locations in
one statement, with the gmina table's GiST index choosing the candidates; a gmina lying wholly
inside a buffer is counted whole without cutting it. Many drafted locations
(``population_within`` with at least ``SPLIT_FROM`` of them) are shared out among up to
``WORKERS`` connections that run the same statement side by side: the cost is one GEOS overlay
per gmina cut by a buffer (about 26,000 for 1,000 points), a fixed cost per call that only
more cores shorten. The population is the latest year held in the indicator store
(``population``, or ``population_thousands`` × 1000 when its year is later; exact counts win a
tie), and the answer says which.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from core.errors import InvalidInput, NotFound
from layers.indicator_catalogue import KNOWN
from services.access.rules import SYSTEM, Principal, require_read
from services.db import database_errors

RADII_KM = (5, 10, 20)
QUAD_SEGS = 16
METHOD = {
    "pl": ("interpolacja powierzchniowa: ludność gminy × powierzchnia(gmina ∩ bufor) /"
           " powierzchnia(gminy), przy założeniu równomiernego rozmieszczenia ludności w gminie;"
           f" bufory w EPSG:2180, {QUAD_SEGS} odcinków na ćwiartkę okręgu"),
    "en": ("areal interpolation: gmina population × area(gmina ∩ buffer) / area(gmina),"
           " assuming people are spread evenly over each gmina; buffers in EPSG:2180 with"
           f" {QUAD_SEGS} segments per quarter circle"),
}
POPULATION_CODES = ("population", "population_thousands")  # exact counts first
# Side by side only when it pays: a connection and a thread cost a few milliseconds, a location
# about a millisecond of GEOS work.
WORKERS = max(1, min(4, os.cpu_count() or 1))
SPLIT_FROM = 200

# The locations come either from the project table or from arrays of WKB (the bench, other
# callers with drafted locations); both fragments are fixed text, values are bound.
_FROM_PROJECTS = ("SELECT id AS key, geom FROM project WHERE partnership_id = :pid"
                  " AND NOT deleted AND (CAST(:ids AS bigint[]) IS NULL OR id = ANY(:ids))")
_FROM_WKB = ("SELECT k AS key, ST_GeomFromWKB(w, 2180) AS geom"
             " FROM unnest(CAST(:keys AS bigint[]), CAST(:wkbs AS bytea[])) AS t(k, w)")

_REACH_SQL = """
WITH buffer AS MATERIALIZED (
    SELECT loc.key, r.km, ST_Buffer(loc.geom, r.km * 1000.0, CAST(:segs AS integer)) AS geom
    FROM ({locations}) AS loc CROSS JOIN unnest(CAST(:radii AS integer[])) AS r(km)),
hit AS MATERIALIZED (
    SELECT b.key, b.km, g.teryt,
           CASE WHEN ST_CoveredBy(g.geom, b.geom) THEN 1.0
                ELSE ST_Area(ST_Intersection(g.geom, b.geom)) / ST_Area(g.geom) END AS share
    FROM buffer b JOIN gmina g ON ST_Intersects(g.geom, b.geom)),
people AS MATERIALIZED (
    SELECT teryt, value * :factor AS persons FROM indicator_value
    WHERE indicator_code = :code AND level = 'gmina' AND year = :year),
members AS MATERIALIZED (
    SELECT gmina_teryt FROM partnership_gmina WHERE partnership_id = :pid)
{select}
"""
# Every gmina touched, for one project's answer ...
_DETAIL = """
SELECT h.key, h.km, h.teryt, g.name, (m.gmina_teryt IS NOT NULL) AS member, p.persons, h.share
FROM hit h
JOIN gmina g ON g.teryt = h.teryt
LEFT JOIN people p ON p.teryt = h.teryt
LEFT JOIN members m ON m.gmina_teryt = h.teryt
ORDER BY h.key, h.km, h.teryt"""
# ... or the sums only, added up in the database, for many locations at once.
_TOTALS = """
SELECT h.key, h.km, sum(p.persons * least(h.share, 1.0)) AS population,
       coalesce(array_agg(h.teryt ORDER BY h.teryt) FILTER (WHERE m.gmina_teryt IS NOT NULL),
                '{}') AS members,
       coalesce(array_agg(h.teryt ORDER BY h.teryt) FILTER (WHERE p.persons IS NULL),
                '{}') AS missing
FROM hit h
LEFT JOIN people p ON p.teryt = h.teryt
LEFT JOIN members m ON m.gmina_teryt = h.teryt
GROUP BY h.key, h.km"""


def population_source(conn) -> tuple[str, int, float] | None:
    """(indicator code, latest year held, factor to persons), or None without population.

    The latest year of either code wins (as in the diagnosis); in that year, exact counts
    (``population``) before thousands."""
    latest = dict(conn.execute(sa.text(
        "SELECT indicator_code, max(year) FROM indicator_value WHERE level = 'gmina'"
        " AND indicator_code = ANY(:codes) GROUP BY indicator_code"),
        {"codes": list(POPULATION_CODES)}).all())
    if not latest:
        return None
    code = max(latest, key=lambda c: (latest[c], c == "population"))
    return code, int(latest[code]), 1000.0 if code == "population_thousands" else 1.0


def _no_jit(conn) -> None:
    # Compiling the statement (JIT) costs more than running it; for this transaction only.
    conn.execute(sa.text("SET LOCAL jit = off"))


def _assemble(rows, keys, radii, source) -> dict:
    out = {k: {r: {"radius_km": r, "population": 0.0, "gminas": [], "missing_population": []}
               for r in radii} for k in keys}
    for row in rows:
        entry = out[row.key][row.km]
        share = min(float(row.share), 1.0)
        persons = None if row.persons is None else float(row.persons) * share
        if persons is None:
            entry["missing_population"].append(row.teryt)
        else:
            entry["population"] += persons
        entry["gminas"].append({"teryt": row.teryt, "name": row.name, "member": row.member,
                                "area_share": round(share, 6),
                                "population": None if persons is None else round(persons, 1)})
    for per_key in out.values():
        for entry in per_key.values():
            entry["population"] = round(entry["population"], 1)
            entry["members_reached"] = [g["teryt"] for g in entry["gminas"] if g["member"]]
    return {k: [per_key[r] for r in radii] for k, per_key in out.items()}


def _radii(radii) -> list[int]:
    radii = sorted({int(r) for r in radii})
    if not radii or radii[0] <= 0 or radii[-1] > 100:
        raise InvalidInput("radii must be whole kilometres between 1 and 100", field="radii")
    return radii


def _within_rows(conn, pid, keys, locations, radii, source, detail) -> list:
    code, year, factor = source
    _no_jit(conn)
    return conn.execute(sa.text(_REACH_SQL.format(
        locations=_FROM_WKB, select=_DETAIL if detail else _TOTALS)), {
        "keys": keys, "wkbs": [locations[k] for k in keys], "radii": radii,
        "segs": QUAD_SEGS, "code": code, "year": year, "factor": factor,
        "pid": pid}).all()


def population_within(conn, pid: str | None, locations: dict[int, bytes],
                      radii=RADII_KM, *, detail: bool = True, workers: int | None = None) -> dict:
    """Buffers around drafted locations (key → WKB in EPSG:2180), in one statement per share.

    With ``detail`` every gmina touched is listed; without, the database adds up the
    population and lists only the member gminas reached (for many locations at once).
    ``workers`` shares the locations among that many connections run side by side (default:
    ``WORKERS`` from ``SPLIT_FROM`` locations on, else one)."""
    radii = _radii(radii)
    source = population_source(conn)
    if source is None or not locations:
        return {"source": source, "by_key": {k: [] for k in locations}}
    keys = list(locations)
    if workers is None:
        workers = WORKERS if len(keys) >= SPLIT_FROM else 1
    workers = max(1, min(int(workers), len(keys)))
    shares = [keys[i::workers] for i in range(workers)]

    def run(share_conn, share) -> list:
        return _within_rows(share_conn, pid, share, locations, radii, source, detail)

    if len(shares) == 1:
        rows = run(conn, keys)
    else:
        # The caller's connection takes the first share, fresh ones from its engine the rest;
        # those see only committed rows (boundaries, indicators and members, which this
        # read-only use case does not change).
        def on_own_connection(share) -> list:
            with conn.engine.connect() as own:
                return run(own, share)

        with ThreadPoolExecutor(len(shares) - 1) as pool:
            others = [pool.submit(on_own_connection, share) for share in shares[1:]]
            rows = run(conn, shares[0])
            for other in others:
                rows += other.result()
    if detail:
        return {"source": source, "by_key": _assemble(rows, keys, radii, source)}
    found = {(r.key, r.km): r for r in rows}
    by_key = {}
    for key in keys:
        by_key[key] = []
        for km in radii:
            row = found.get((key, km))
            by_key[key].append({
                "radius_km": km,
                "population": round(float(row.population or 0), 1) if row else 0.0,
                "members_reached": list(row.members) if row else [],
                "missing_population": list(row.missing) if row else []})
    return {"source": source, "by_key": by_key}


def projects_reach(conn, pid: str, project_ids: list[int] | None = None,
                   radii=RADII_KM, lang: str = "pl") -> dict[int, dict]:
    """The reach of the partnership's projects (all, or those listed), one statement."""
    radii = _radii(radii)
    keys = list(conn.execute(sa.text(
        "SELECT id FROM project WHERE partnership_id = :pid AND NOT deleted"
        " AND (CAST(:ids AS bigint[]) IS NULL OR id = ANY(:ids)) ORDER BY id"),
        {"pid": pid, "ids": project_ids}).scalars())
    source = population_source(conn)
    if source is None:
        return {k: _answer(k, [], None, lang) for k in keys}
    code, year, factor = source
    _no_jit(conn)
    rows = conn.execute(sa.text(_REACH_SQL.format(locations=_FROM_PROJECTS, select=_DETAIL)), {
        "ids": project_ids, "radii": radii, "segs": QUAD_SEGS, "code": code,
        "year": year, "factor": factor, "pid": pid}).all()
    assembled = _assemble(rows, keys, radii, source)
    return {k: _answer(k, assembled[k], source, lang) for k in keys}


def _indicator_name(code: str, lang: str) -> str:
    spec = KNOWN.get(code)
    return code if spec is None else (spec.name_en if lang == "en" else spec.name_pl)


def _answer(key: int, buffers: list[dict], source, lang: str) -> dict:
    # Pages and documents print the indicator: its catalogue name, the code kept beside it.
    return {"project_id": key, "method": METHOD.get(lang, METHOD["pl"]),
            "population_indicator": _indicator_name(source[0], lang) if source else None,
            "population_indicator_code": source[0] if source else None,
            "population_year": source[1] if source else None,
            "buffers": buffers}


def project_reach(engine: sa.Engine, pid: str, project_id: int, *, lang: str = "pl",
                  actor: Principal = SYSTEM) -> dict:
    """The reach of one project of partnership ``pid`` (404 when it is not one of its)."""
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        found = projects_reach(conn, pid, [project_id], lang=lang)
    if project_id not in found:
        raise NotFound("partnership %(pid)s has no project %(id)s", id=project_id, pid=pid,
                       field="project_id")
    return found[project_id]
