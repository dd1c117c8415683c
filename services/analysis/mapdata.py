"""Data for the map viewer: simplified layers, indicator values with classes, unit cards."""

from __future__ import annotations

from contextlib import nullcontext

import mapclassify
import numpy as np
import shapely
import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput, NotFound
from layers.catalogue import LEVELS, VOIVODESHIP_CODES
from services.cache import cached, data_version
from services.db import database_errors
from spatial.classify import fisher_jenks_breaks
from spatial.display import BANDS, simplified_features

CLASSIFIERS = {
    "quantiles": lambda y, k: mapclassify.Quantiles(y, k=k).bins,
    # mapclassify.FisherJenks takes ~20 s for 2,477 values without numba; ours gives the
    # same breaks in ~20 ms (spatial/classify.py).
    "natural_breaks": fisher_jenks_breaks,
    "equal_interval": lambda y, k: mapclassify.EqualInterval(y, k=k).bins,
}
"""Classification method -> function (values, k) -> class upper bounds."""

MAP_SOURCES = ("indicators", "boundaries")
"""What a choropleth reads: indicator loads and boundary loads, not edits, comments or runs."""


def _version(conn) -> int:
    return int(conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM boundary_load")
                            ).scalar_one())


def _rebuild(conn, level: str, version: int) -> None:
    rows = conn.execute(sa.text(
        f"SELECT teryt, name, substr(teryt, 1, 2), ST_AsBinary(geom) FROM {level}"
        " ORDER BY teryt")).all()
    codes = [r[0] for r in rows]
    names = [r[1] for r in rows]
    voivodeships = [r[2] for r in rows]
    geoms = shapely.from_wkb([bytes(r[3]) for r in rows])
    conn.execute(sa.text("DELETE FROM display_feature WHERE level = :l"), {"l": level})
    cursor = conn.connection.driver_connection.cursor()
    with cursor, cursor.copy("COPY display_feature (level, band, teryt, voivodeship, feature)"
                             " FROM STDIN") as copy:
        for band in BANDS:
            for code, voiv, text in zip(codes, voivodeships,
                                        simplified_features(codes, names, geoms, band),
                                        strict=True):
                copy.write_row((level, band, code, voiv, text))
    conn.execute(sa.text(
        "INSERT INTO display_state (level, boundary_version) VALUES (:l, :v)"
        " ON CONFLICT (level) DO UPDATE SET boundary_version = EXCLUDED.boundary_version,"
        " built_at = now()"), {"l": level, "v": version})


def display_layer(engine: sa.Engine, level: str, band: int, voivodeship: str | None = None
                  ) -> tuple[str, int]:
    """(FeatureCollection text, boundary version) of one level in one zoom band."""
    if level not in LEVELS:
        raise NotFound("no level %(level)r; levels: %(levels)s", level=level,
                       levels=', '.join(LEVELS))
    if band not in BANDS:
        raise BadRequest("band must be one of %(value)s", value=', '.join(map(str, BANDS)))
    if voivodeship is not None and voivodeship not in VOIVODESHIP_CODES:
        raise BadRequest("voivodeship must be a 2-digit TERYT code, got %(voivodeship)r",
                         voivodeship=voivodeship)
    with database_errors(), engine.begin() as conn:
        version = _version(conn)
        built = conn.execute(sa.text("SELECT boundary_version FROM display_state WHERE level ="
                                     " :l"), {"l": level}).scalar_one_or_none()
        if built != version:
            # One builder at a time; the others wait and then find it built.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('display_' || :l))"),
                         {"l": level})
            built = conn.execute(sa.text("SELECT boundary_version FROM display_state"
                                         " WHERE level = :l"), {"l": level}).scalar_one_or_none()
            if built != version:
                _rebuild(conn, level, version)
        text = conn.execute(sa.text(
            "SELECT '{\"type\":\"FeatureCollection\",\"features\":[' ||"
            " coalesce(string_agg(feature, ',' ORDER BY teryt), '') || ']}'"
            " FROM display_feature WHERE level = :l AND band = :b"
            " AND (CAST(:v AS text) IS NULL OR voivodeship = :v)"),
            {"l": level, "b": band, "v": voivodeship}).scalar_one()
    return text, version


def indicator_map(engine: sa.Engine, code: str, *, year: int | None = None,
                  method: str = "quantiles", k: int = 5, voivodeship: str | None = None,
                  guard=nullcontext) -> dict:
    """Gmina values of an indicator with mapclassify classes, for a choropleth; ``guard()``
    is entered around a computation (not around a cached answer)."""
    if method not in CLASSIFIERS:
        raise BadRequest("method must be one of %(classifiers)s",
                         classifiers=', '.join(CLASSIFIERS))
    if not 2 <= k <= 9:
        raise BadRequest("k must be between 2 and 9 classes")
    if voivodeship is not None and voivodeship not in VOIVODESHIP_CODES:
        raise BadRequest("voivodeship must be a 2-digit TERYT code, got %(voivodeship)r",
                         voivodeship=voivodeship)
    with database_errors(), engine.connect() as conn:
        version = data_version(conn, *MAP_SOURCES)
    return cached(("map", code, year, method, k, voivodeship), version,
                  lambda: _indicator_map(engine, code, year, method, k, voivodeship), guard)


def _indicator_map(engine: sa.Engine, code: str, year: int | None, method: str, k: int,
                   voivodeship: str | None) -> dict:
    with database_errors(), engine.connect() as conn:
        meta = conn.execute(sa.text(
            "SELECT code, name_pl, name_en, unit, source, source_ref, direction FROM indicator"
            " WHERE code = :c"), {"c": code}).mappings().first()
        if meta is None:
            raise NotFound("no indicator %(code)r", code=code)
        years = conn.execute(sa.text(
            "SELECT DISTINCT year FROM indicator_value WHERE indicator_code = :c"
            " AND level = 'gmina' ORDER BY year"), {"c": code}).scalars().all()
        if not years:
            raise InvalidInput("indicator %(code)r has no gmina values", code=code)
        chosen = year if year is not None else years[-1]
        if chosen not in years:
            raise InvalidInput("indicator %(code)r has no gmina values for %(chosen)s;"
                               " years held: %(value)s", code=code, chosen=chosen,
                               value=', '.join(map(str, years)))
        rows = conn.execute(sa.text(
            "SELECT teryt, value FROM indicator_value WHERE indicator_code = :c AND year = :y"
            " AND level = 'gmina' AND (CAST(:v AS text) IS NULL OR substr(teryt, 1, 2) = :v)"
            " ORDER BY teryt"), {"c": code, "y": chosen, "v": voivodeship}).all()
    if not rows:
        raise InvalidInput("no gmina values of %(code)r in %(chosen)s for this scope", code=code,
                           chosen=chosen)
    values = np.array([r[1] for r in rows], dtype=float)
    classes = min(k, len(np.unique(values)))
    if classes < 2:
        breaks = [float(values.max())]
    else:
        try:
            breaks = [float(b) for b in CLASSIFIERS[method](values, classes)]
        except ValueError as exc:  # e.g. more values than natural breaks are computed for
            raise InvalidInput("cannot classify %(code)r in %(chosen)s: %(exc)s", code=code,
                               chosen=chosen, exc=exc) from exc
    bins = np.searchsorted(np.asarray(breaks), values, side="left")
    counts = np.bincount(np.minimum(bins, len(breaks) - 1), minlength=len(breaks))
    from services.indicators.store import list_indicators

    # The unit and the source in words, as the indicator list gives them.
    words = next((i for i in list_indicators(engine) if i["code"] == code), {})
    words = {k: words[k] for k in ("unit", "unit_en", "source_label_pl", "source_label_en")
             if k in words}
    return {**dict(meta), **words, "year": chosen, "years": list(years), "method": method,
            "breaks": breaks, "min": float(values.min()), "counts": counts.tolist(),
            "values": {r[0]: r[1] for r in rows}}


def unit_card(engine: sa.Engine, teryt: str) -> dict:
    """A gmina with its place in the hierarchy, its partnerships and indicators over time."""
    with database_errors(), engine.connect() as conn:
        unit = conn.execute(sa.text(
            "SELECT g.teryt, g.name, g.gmina_type, g.as_of, p.name AS powiat,"
            " v.name AS voivodeship, ST_Area(g.geom) / 1e6 AS area_km2 FROM gmina g"
            " LEFT JOIN powiat p ON p.teryt = g.powiat_teryt"
            " LEFT JOIN voivodeship v ON v.teryt = g.voivodeship_teryt WHERE g.teryt = :t"),
            {"t": teryt}).mappings().first()
        if unit is None:
            raise NotFound("no gmina %(teryt)r", teryt=teryt)
        series = conn.execute(sa.text(
            "SELECT i.code, i.name_pl, i.name_en, i.unit, i.direction,"
            " json_agg(json_build_array(v.year, v.value) ORDER BY v.year) AS series"
            " FROM indicator_value v JOIN indicator i ON i.code = v.indicator_code"
            " WHERE v.level = 'gmina' AND v.teryt = :t GROUP BY i.code ORDER BY i.code"),
            {"t": teryt}).mappings().all()
        partnerships = conn.execute(sa.text(
            "SELECT p.id, p.name FROM partnership_gmina g JOIN partnership p"
            " ON p.id = g.partnership_id WHERE g.gmina_teryt = :t ORDER BY p.id"),
            {"t": teryt}).mappings().all()
    return {**dict(unit), "as_of": unit["as_of"].isoformat(),
            "indicators": [dict(s) for s in series],
            "partnerships": [dict(p) for p in partnerships]}


def partnership_outlines(engine: sa.Engine, voivodeship: str | None = None) -> str:
    with database_errors(), engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT json_build_object('type', 'FeatureCollection', 'features',"
            " coalesce(json_agg(json_build_object('type', 'Feature', 'id', id, 'properties',"
            "  json_build_object('id', id, 'name', name, 'status', status), 'geometry',"
            "  ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(geom, 200), 4326), 4)::json)"
            "  ORDER BY id), '[]'::json))::text FROM partnership WHERE geom IS NOT NULL"
            " AND (CAST(:v AS text) IS NULL OR :v = ANY(voivodeships))"),
            {"v": voivodeship}).scalar_one()
