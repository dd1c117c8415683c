"""The Moran scatterplot of a stored LISA run: each gmina's standardised value against its
spatial lag, for the linked views of the viewer (GeoDa's scatterplot beside the cluster map).

The lag is recomputed from the run's own weights (kind, k, band, over the gminas the run
analysed), so the points are those the run's statistics were computed from, and the slope of
the least-squares line through the origin equals the run's global Moran's I.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import numpy as np
import pandas as pd
import sqlalchemy as sa

from core.errors import InvalidInput
from services.access.rules import SYSTEM, Principal
from services.analysis.runs import _units, _weights, get_run
from services.cache import cached, data_version
from services.db import database_errors


def moran_scatter(engine: sa.Engine, run_id: int, *, actor: Principal = SYSTEM,
                  guard: Callable[[], AbstractContextManager] = nullcontext) -> dict:
    """Points ``{teryt, z, lag, quadrant, p_value}`` of a LISA run, and the slope (Moran's I).

    Units without neighbours have no lag and are listed apart (``isolated``)."""
    run = get_run(engine, run_id, actor=actor)  # checks that the actor may read the run
    if run["kind"] != "lisa":
        raise InvalidInput("analysis run %(run)s is a %(kind)s run; a Moran scatterplot needs"
                           " a LISA run", run=run_id, kind=run["kind"], field="run_id")
    with database_errors(), engine.connect() as conn:
        version = data_version(conn, "boundaries", "analysis")
    # Building the weights takes a second or two for the country: bounded like other slow work.
    return cached(("moran_scatter", run_id), version, lambda: _scatter(engine, run), guard)


def _scatter(engine: sa.Engine, run: dict) -> dict:
    parameters = run["parameters"]
    results = run["results"]
    with database_errors(), engine.connect() as conn:
        units = _units(conn, run["scope"])
    units = units.loc[units.index.isin(list(results))]
    w = _weights(units, run["scope"], parameters.get("weights", "queen"),
                 parameters.get("k", 5), parameters.get("threshold"))
    ids = w.unique_ids
    z = pd.Series({t: results[t].get("std_value") for t in ids}, dtype=float).reindex(ids)
    lag = w.sparse @ z.to_numpy()
    cards = np.diff(w.sparse.indptr)
    points, isolated = [], []
    for teryt, zi, li, card in zip(ids, z.to_numpy(), lag, cards, strict=True):
        row = results[teryt]
        if card == 0:
            isolated.append(teryt)
            continue
        points.append({"teryt": teryt, "z": round(float(zi), 6), "lag": round(float(li), 6),
                       "quadrant": row.get("quadrant"), "p_value": row.get("p_value")})
    zs = np.array([p["z"] for p in points])
    lags = np.array([p["lag"] for p in points])
    tested = cards > 0
    # Moran's I = n / S0 * z'Wz / z'z (esda.Moran); with row-standardised weights S0 is the
    # number of units with neighbours, so without islands it is the slope of lag on z.
    zfull = z.to_numpy()
    s0 = float(w.sparse.sum())
    slope = len(zfull) / s0 * float(zfull @ lag) / float(zfull @ zfull) if s0 else None
    return {"run_id": run["id"], "indicator": run["indicator"], "year": run["year"],
            "scope": run["scope"], "weights": parameters.get("weights", "queen"),
            "alpha": parameters.get("alpha"), "slope": slope,
            "moran_i": (run["summary"].get("moran") or {}).get("I"),
            "points": points, "isolated": isolated,
            "extent": {"z": [float(zs.min()), float(zs.max())] if len(zs) else [0, 0],
                       "lag": [float(lags.min()), float(lags.max())] if len(lags) else [0, 0]},
            "units": int(tested.sum())}
