"""Analysis runs over gmina indicators: LISA, Gi*, regionalisation; persisted with results."""

from __future__ import annotations

import datetime as dt
import json
import time
from importlib.metadata import version

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput, NotFound
from services.access.rules import (
    SYSTEM,
    Principal,
    Unauthenticated,
    readable_filter,
    require_read,
)
from services.analysis.kinds import (
    ANALYSES,
    GI_VARIANTS,
    KINDS,
    REGION_METHODS,
    WEIGHT_KINDS,
    Job,
)
from services.db import database_errors
from services.indicators.store import gmina_values
from spatial.weights import Weights, build_weights

MAX_PERMUTATIONS = 99_999


def parse_scope(scope: str) -> tuple[str, str | None]:
    """'country', 'voivodeship:TT', 'powiat:TTTT' or 'partnership:ID'."""
    kind, _, value = scope.partition(":")
    if kind == "country" and not value:
        return "country", None
    if kind == "voivodeship" and len(value) == 2 and value.isdigit():
        return kind, value
    if kind == "powiat" and len(value) == 4 and value.isdigit():
        return kind, value
    if kind == "partnership" and value:
        return kind, value
    raise BadRequest("scope %(scope)r is not country, voivodeship:TT, powiat:TTTT or"
                     " partnership:ID", scope=scope)


def _units(conn, scope: str) -> gpd.GeoDataFrame:
    kind, value = parse_scope(scope)
    if kind == "partnership":
        exists = conn.execute(sa.text("SELECT 1 FROM partnership WHERE id = :v"),
                              {"v": value}).first()
        if not exists:
            raise NotFound("no partnership %(value)r", value=value)
        sql = ("SELECT g.teryt, g.name, g.gmina_type, ST_AsBinary(g.geom) FROM gmina g"
               " JOIN partnership_gmina m ON m.gmina_teryt = g.teryt"
               " WHERE m.partnership_id = :v ORDER BY g.teryt")
    elif kind == "country":
        sql = "SELECT teryt, name, gmina_type, ST_AsBinary(geom) FROM gmina ORDER BY teryt"
    else:
        column = "voivodeship_teryt" if kind == "voivodeship" else "powiat_teryt"
        sql = (f"SELECT teryt, name, gmina_type, ST_AsBinary(geom) FROM gmina"
               f" WHERE {column} = :v ORDER BY teryt")
    rows = conn.execute(sa.text(sql), {"v": value}).all()
    if not rows:
        raise NotFound("scope %(scope)s: no gminas (no such unit, or no boundaries loaded)",
                       scope=scope)
    return gpd.GeoDataFrame(
        {"name": [r[1] for r in rows], "gmina_type": [r[2] for r in rows]},
        geometry=shapely.from_wkb([bytes(r[3]) for r in rows]),
        index=pd.Index([r[0] for r in rows], name="teryt"), crs=2180)


def _versions() -> dict:
    return {p: version(p) for p in ("partnerstwa", "numpy", "libpysal", "esda", "spopt",
                                    "scipy")}


def _plain_json(value):
    """NumPy scalars as Python ones and non-finite floats as None, for a JSON column."""
    if isinstance(value, dict):
        return {str(k): _plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_json(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _options(kind: str, *, weights, alpha, k, threshold, permutations, method, n_regions,
             floor, floor_indicator, gi_weights) -> tuple[dict, dict]:
    """Checked options, and the parameters stored with the run (those that apply)."""
    if kind not in ANALYSES:
        raise BadRequest("analysis must be one of %(kinds)s", kinds=', '.join(KINDS))
    if weights not in WEIGHT_KINDS:
        raise BadRequest("weights must be one of %(weight_kinds)s",
                         weight_kinds=', '.join(WEIGHT_KINDS))
    if gi_weights not in GI_VARIANTS:
        raise BadRequest("Gi* weights must be one of %(gi_variants)s",
                         gi_variants=', '.join(GI_VARIANTS))
    if method not in REGION_METHODS:
        raise BadRequest("method must be one of %(region_methods)s",
                         region_methods=', '.join(REGION_METHODS))
    if not 1 <= permutations <= MAX_PERMUTATIONS:
        raise BadRequest("permutations must be between 1 and %(max_permutations)s",
                         max_permutations=MAX_PERMUTATIONS)
    if not 0 < alpha < 1:
        raise BadRequest("alpha must be between 0 and 1")
    options = {"alpha": alpha, "permutations": permutations, "method": method,
               "n_regions": n_regions, "floor": floor, "floor_indicator": floor_indicator,
               "gi_weights": gi_weights}
    parameters: dict = {"weights": weights, "alpha": alpha}
    if weights == "knn":
        parameters["k"] = k
    if weights == "distance":
        parameters["threshold"] = threshold
    parameters.update(ANALYSES[kind].parameters(options))
    return options, parameters


def _weights(units: gpd.GeoDataFrame, scope: str, kind: str, k: int,
             threshold: float | None) -> Weights:
    """Weights of the scope, refused when no gmina has a neighbour."""
    try:
        w = build_weights(units, kind, k=k, threshold=threshold)
    except ValueError as exc:
        raise InvalidInput("scope %(scope)s: %(exc)s", scope=scope, exc=exc) from exc
    if len(w.islands) == len(units):
        hint = " (widen the band)" if kind == "distance" else ""
        raise InvalidInput("scope %(scope)s: none of its %(count)s gminas has a neighbour"
                           " under %(kind)s weights%(hint)s; nothing to analyse", scope=scope,
                           count=len(units), kind=kind, hint=hint)
    return w


def run_analysis(engine: sa.Engine, kind: str, indicator: str, year: int, *,
                 scope: str = "country", weights: str = "queen", k: int = 5,
                 threshold: float | None = None, permutations: int = 9999,
                 seed: int | None = None, alpha: float = 0.05, method: str = "skater",
                 n_regions: int = 5, floor: float | None = None,
                 floor_indicator: str = "population_thousands", gi_weights: str = "binary",
                 reuse: bool = False) -> dict:
    """Compute one analysis and store it with its parameters; returns the run summary.

    With ``reuse`` and a given seed, an identical stored run is returned instead of a new one.
    Whatever cannot be analysed (too few gminas with values, no neighbours, no variance, Gi*
    undefined everywhere) is refused with a message naming the scope, and nothing is stored.
    """
    options, parameters = _options(
        kind, weights=weights, alpha=alpha, k=k, threshold=threshold,
        permutations=permutations, method=method, n_regions=n_regions, floor=floor,
        floor_indicator=floor_indicator, gi_weights=gi_weights)
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % 2**31)
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    with database_errors(), engine.begin() as conn:
        units = _units(conn, scope)
        values = gmina_values(conn, indicator, year)
        missing = units.index.difference(values.index)
        units = units.drop(index=missing)
        units["value"] = values.reindex(units.index)
        if len(units) < 3:
            held = "1 of its gminas has" if len(units) == 1 else \
                f"{len(units)} of its gminas have"
            raise InvalidInput("scope %(scope)s: %(held)s values of %(indicator)s in %(year)s; an"
                               " analysis needs at least 3", scope=scope, held=held,
                               indicator=indicator, year=year)
        if units["value"].nunique() < 2:
            raise InvalidInput("scope %(scope)s: %(indicator)s has no variance in %(year)s (every"
                               " gmina has %(iloc)g)", scope=scope, indicator=indicator, year=year,
                               iloc=units['value'].iloc[0])
        w = _weights(units, scope, weights, k, threshold)
        if reuse:
            found = conn.execute(sa.text(
                "SELECT id, summary, seconds FROM analysis_run WHERE kind = :kind AND"
                " indicator_code = :ind AND year = :year AND scope = :scope AND seed = :seed"
                " AND parameters = CAST(:params AS jsonb) ORDER BY id DESC LIMIT 1"),
                {"kind": kind, "ind": indicator, "year": year, "scope": scope, "seed": seed,
                 "params": json.dumps(parameters)}).first()
            if found:
                return {"id": found[0], "kind": kind, "indicator": indicator, "year": year,
                        "scope": scope, "seed": seed, "parameters": parameters,
                        "summary": found[1], "seconds": round(found[2], 3), "reused": True}
        job = Job(conn, scope, year, units, w, options, seed)
        try:
            frame, extra = ANALYSES[kind].run(job)
        except ValueError as exc:  # what the statistics refuse, said for this scope
            raise InvalidInput("scope %(scope)s: %(exc)s", scope=scope, exc=exc) from exc
        summary: dict = {"units": len(units), "left_out_without_value": list(missing),
                         "islands": w.islands, **extra}
        results = pd.DataFrame({"value": units["value"]}, index=units.index).join(frame)
        if "label" in results:
            summary["labels"] = {str(k): int(v) for k, v in
                                 results["label"].value_counts().sort_index().items()}
        summary = _plain_json(summary)
        seconds = time.perf_counter() - clock
        run_id = conn.execute(sa.text(
            "INSERT INTO analysis_run (kind, indicator_code, year, scope, parameters, seed,"
            " versions, summary, started_at, seconds) VALUES (:kind, :ind, :year, :scope,"
            " CAST(:params AS jsonb), :seed, CAST(:versions AS jsonb), CAST(:summary AS jsonb),"
            " :started, :seconds) RETURNING id"),
            {"kind": kind, "ind": indicator, "year": year, "scope": scope,
             "params": json.dumps(parameters), "seed": seed,
             "versions": json.dumps(_versions()), "summary": json.dumps(summary),
             "started": started, "seconds": seconds}).scalar_one()
        _store_results(conn, run_id, results)
    return {"id": run_id, "kind": kind, "indicator": indicator, "year": year, "scope": scope,
            "seed": seed, "parameters": parameters, "summary": summary,
            "seconds": round(seconds, 3)}


RESULT_COLUMNS = ("value", "std_value", "statistic", "quadrant", "label", "p_value", "z_score",
                  "fdr_significant", "region_id")


def _plain(value):
    """A value COPY can write: None for NaN, Python scalars for NumPy ones."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _store_results(conn, run_id: int, results: pd.DataFrame) -> None:
    frame = results.reindex(columns=list(RESULT_COLUMNS)).astype(object)
    cursor = conn.connection.driver_connection.cursor()
    columns = ", ".join(RESULT_COLUMNS)
    with cursor, cursor.copy(f"COPY analysis_result (run_id, teryt, {columns}) FROM STDIN") as cp:
        for teryt, row in zip(frame.index, frame.itertuples(index=False), strict=True):
            cp.write_row((run_id, teryt, *[_plain(v) for v in row]))


def get_run(engine: sa.Engine, run_id: int, *, actor: Principal = SYSTEM) -> dict:
    """A stored run with its per-unit results keyed by TERYT."""
    with database_errors(), engine.connect() as conn:
        run = conn.execute(sa.text(
            "SELECT id, kind, indicator_code, year, scope, parameters, seed, versions, summary,"
            " started_at, seconds FROM analysis_run WHERE id = :id"), {"id": run_id}
        ).mappings().first()
        if run is None:
            raise NotFound("no analysis run %(run_id)s", run_id=run_id)
        if run["scope"].startswith("partnership:"):  # a partnership's working analysis
            try:
                require_read(conn, actor, run["scope"].split(":", 1)[1])
            except (NotFound, Unauthenticated):  # hidden, missing and private look alike
                raise NotFound("no analysis run %(run_id)s", run_id=run_id) from None
        rows = conn.execute(sa.text(
            f"SELECT teryt, {', '.join(RESULT_COLUMNS)} FROM analysis_result"
            " WHERE run_id = :id ORDER BY teryt"), {"id": run_id}).mappings().all()
    out = dict(run)
    out["indicator"] = out.pop("indicator_code")
    out["started_at"] = out["started_at"].isoformat()
    out["results"] = {r["teryt"]: {k: r[k] for k in RESULT_COLUMNS if r[k] is not None}
                      for r in rows}
    return out


def list_runs(engine: sa.Engine, *, limit: int = 50, offset: int = 0,
              actor: Principal = SYSTEM) -> list[dict]:
    if actor.authenticated:
        allowed, params = readable_filter(actor, "substr(scope, 13)")
    else:
        allowed, params = "FALSE", {}
    with database_errors(), engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT id, kind, indicator_code AS indicator, year, scope, parameters, seed,"
            " summary, started_at FROM analysis_run WHERE scope NOT LIKE 'partnership:%'"
            f" OR ({allowed}) ORDER BY id DESC LIMIT :limit OFFSET :offset"),
            {"limit": limit, "offset": offset, **params}).mappings().all()
    return [{**dict(r), "started_at": r["started_at"].isoformat()} for r in rows]
