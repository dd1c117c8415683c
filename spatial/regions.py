"""Regionalisation: contiguous candidate functional areas with spopt (SKATER, max-p)."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
from libpysal.graph import Graph
from libpysal.weights import WSP

METHODS = ("skater", "maxp")


def _standardised(frame: gpd.GeoDataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    out = frame.copy()
    for c in columns:
        spread = out[c].std(ddof=0)
        if not spread:
            raise ValueError(f"{c} has no variance")
        out[f"_std_{c}"] = (out[c] - out[c].mean()) / spread
    return out


def regions(frame: gpd.GeoDataFrame, graph: Graph, attributes: list[str], *,
            method: str = "skater", n_regions: int = 5, floor_column: str | None = None,
            floor: float = 0.0, seed: int = 0, constructions: int = 10,
            annealing: int = 2) -> pd.Series:
    """Contiguous regions of similar units.

    Parameters
    ----------
    frame : GeoDataFrame
        Units indexed like the graph, with the attribute columns (standardised here).
    graph : Graph
        Contiguity between the units.
    method : {'skater', 'maxp'}
        SKATER cuts a minimum spanning tree into ``n_regions``; max-p finds as many regions as
        it can whose ``floor_column`` sums reach ``floor`` (e.g. a population floor);
        ``floor_column`` and ``floor`` apply to max-p only.
    seed : int
        Max-p's heuristic is random: the same seed gives the same regions.
    constructions, annealing : int
        Max-p's construction attempts and simulated-annealing rounds (more is slower and
        may find more regions).

    Returns
    -------
    Series
        Region number (from 1) per unit; -1 for units left out (e.g. without neighbours).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    ids = pd.Index(graph.unique_ids)
    if set(frame.index) != set(ids):
        raise ValueError("the frame and the graph must hold the same unit ids")
    data = _standardised(frame.reindex(ids), attributes).reset_index(drop=True)
    names = [f"_std_{c}" for c in attributes]
    # spopt addresses units by position: weights with ids 0..n-1 in the frame's order.
    w = WSP(graph.sparse.tocsr()).to_W(silence_warnings=True)
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == "skater":
                from spopt.region import Skater

                if not 2 <= n_regions < len(ids):
                    raise ValueError(f"the number of regions must be between 2 and"
                                     f" {len(ids) - 1}")
                model = Skater(data, w, names, n_clusters=n_regions)
                model.solve()
            else:
                from spopt.region import MaxPHeuristic

                if not floor_column:
                    raise ValueError("max-p needs a floor column, e.g. population")
                if floor <= 0 or floor > data[floor_column].sum():
                    raise ValueError("the floor must be positive and at most the total")
                model = MaxPHeuristic(data, w, names, floor_column, floor, top_n=2,
                                      max_iterations_construction=constructions,
                                      max_iterations_sa=annealing)
                model.solve()
    finally:
        np.random.set_state(state)
    labels = np.asarray(model.labels_, dtype=int)
    labels = np.where(labels >= 0, labels + (1 if labels.min() == 0 else 0), -1)
    return pd.Series(labels, index=ids, name="region")
