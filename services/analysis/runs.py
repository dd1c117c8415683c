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
from services.access.rules import SYSTEM, Principal, readable_filter, require_read
from services.db import database_errors
from services.indicators.store import gmina_values
from spatial.getis import gi_star
from spatial.lisa import moran_global, moran_local
from spatial.regions import regions
from spatial.weights import build_weights

KINDS = ("lisa", "gi", "regions")
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
    raise BadRequest(f"scope {scope!r} is not country, voivodeship:TT, powiat:TTTT or"
                     " partnership:ID")


def _units(conn, scope: str) -> gpd.GeoDataFrame:
    kind, value = parse_scope(scope)
    if kind == "partnership":
        exists = conn.execute(sa.text("SELECT 1 FROM partnership WHERE id = :v"),
                              {"v": value}).first()
        if not exists:
            raise NotFound(f"no partnership {value!r}")
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
        raise NotFound(f"no gminas in scope {scope!r}")
    return gpd.GeoDataFrame(
        {"name": [r[1] for r in rows], "gmina_type": [r[2] for r in rows]},
        geometry=shapely.from_wkb([bytes(r[3]) for r in rows]),
        index=pd.Index([r[0] for r in rows], name="teryt"), crs=2180)


def _versions() -> dict:
    return {p: version(p) for p in ("partnerstwa", "numpy", "libpysal", "esda", "spopt",
                                    "scipy")}


def _parameters(kind: str, *, weights, alpha, k, threshold, permutations, method, n_regions,
                floor, floor_indicator) -> dict:
    parameters: dict = {"weights": weights, "alpha": alpha}
    if weights == "knn":
        parameters["k"] = k
    if weights == "distance":
        parameters["threshold"] = threshold
    if kind == "lisa":
        parameters["permutations"] = permutations
    if kind == "regions":
        parameters["method"] = method
        if method == "maxp":
            if floor is None:
                raise BadRequest("max-p needs --floor (e.g. the minimum population)")
            parameters.update(floor=floor, floor_indicator=floor_indicator)
        else:
            parameters["n_regions"] = n_regions
    return parameters


def run_analysis(engine: sa.Engine, kind: str, indicator: str, year: int, *,
                 scope: str = "country", weights: str = "queen", k: int = 5,
                 threshold: float | None = None, permutations: int = 9999,
                 seed: int | None = None, alpha: float = 0.05, method: str = "skater",
                 n_regions: int = 5, floor: float | None = None,
                 floor_indicator: str = "population_thousands", reuse: bool = False) -> dict:
    """Compute one analysis and store it with its parameters; returns the run summary.

    With ``reuse`` and a given seed, an identical stored run is returned instead of a new one.
    """
    if kind not in KINDS:
        raise BadRequest(f"analysis must be one of {', '.join(KINDS)}")
    if not 1 <= permutations <= MAX_PERMUTATIONS:
        raise BadRequest(f"permutations must be between 1 and {MAX_PERMUTATIONS}")
    if not 0 < alpha < 1:
        raise BadRequest("alpha must be between 0 and 1")
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
            raise InvalidInput(f"scope {scope!r} has {len(units)} gminas with values of"
                               f" {indicator} in {year}; at least 3 are needed")
        if units["value"].nunique() < 2:
            raise InvalidInput(f"{indicator} has no variance in {year} within {scope!r}")
        try:
            w = build_weights(units, weights, k=k, threshold=threshold)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
        parameters = _parameters(kind, weights=weights, alpha=alpha, k=k, threshold=threshold,
                                 permutations=permutations, method=method, n_regions=n_regions,
                                 floor=floor, floor_indicator=floor_indicator)
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
        summary: dict = {"units": len(units), "left_out_without_value": list(missing),
                         "islands": w.islands}
        results = pd.DataFrame(index=units.index)
        results["value"] = units["value"]
        if kind == "lisa":
            lisa = moran_local(units["value"], w.graph, permutations=permutations, seed=seed,
                               alpha=alpha).frame()
            summary["moran_i"] = moran_global(units["value"], w.graph)
            results = results.join(lisa[["std_value", "Is", "quadrant", "p_sim",
                                         "fdr_significant", "label"]])
            results = results.rename(columns={"Is": "statistic", "p_sim": "p_value"})
        elif kind == "gi":
            gi = gi_star(units["value"], w.graph, alpha=alpha).frame()
            results = results.join(gi[["z_score", "p_norm", "fdr_significant", "label"]])
            results = results.rename(columns={"p_norm": "p_value"})
            results["statistic"] = results["z_score"]
        else:
            attributes = ["value"]
            if method == "maxp":
                floor_values = gmina_values(conn, floor_indicator, year)
                units["floor"] = floor_values.reindex(units.index)
                if units["floor"].isna().any():
                    raise InvalidInput(f"{floor_indicator} is missing for some gminas in {year}")
            try:
                labels = regions(units, w.graph, attributes, method=method, n_regions=n_regions,
                                 floor_column="floor" if method == "maxp" else None,
                                 floor=floor or 0.0, seed=seed)
            except ValueError as exc:
                raise InvalidInput(str(exc)) from exc
            results["region_id"] = labels
            summary["regions"] = int(labels[labels > 0].nunique())
        if "label" in results:
            summary["labels"] = {str(k): int(v) for k, v in
                                 results["label"].value_counts().sort_index().items()}
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
            raise NotFound(f"no analysis run {run_id}")
        if run["scope"].startswith("partnership:"):  # a partnership's working analysis
            try:
                require_read(conn, actor, run["scope"].split(":", 1)[1])
            except NotFound:
                raise NotFound(f"no analysis run {run_id}") from None
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
            "SELECT id, kind, indicator_code AS indicator, year, scope, seed, summary,"
            " started_at FROM analysis_run WHERE scope NOT LIKE 'partnership:%'"
            f" OR ({allowed}) ORDER BY id DESC LIMIT :limit OFFSET :offset"),
            {"limit": limit, "offset": offset, **params}).mappings().all()
    return [{**dict(r), "started_at": r["started_at"].isoformat()} for r in rows]
