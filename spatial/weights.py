"""Spatial weights over gminas: row-standardised sparse matrices, a libpysal ``Graph`` on demand.

The kinds of weights are one table (``WEIGHT_KINDS``) that the CLI choices and the OpenAPI
enum read. Distance bands are built from a k-d tree straight into a sparse matrix, so a band as
wide as the country (six million pairs) takes about a second; the libpysal ``Graph`` (pandas
based, slow for millions of pairs) is built only when something needs it (regionalisation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
from libpysal.graph import Graph
from scipy import sparse
from scipy.spatial import cKDTree


def _contiguity(frame: gpd.GeoDataFrame, *, rook: bool) -> sparse.csr_matrix:
    graph = Graph.build_contiguity(frame, rook=rook)
    return graph.sparse.tocsr()


def _knn(frame: gpd.GeoDataFrame, k: int) -> sparse.csr_matrix:
    if not 1 <= k < len(frame):
        raise ValueError(f"k must be between 1 and {len(frame) - 1}")
    return Graph.build_knn(frame.representative_point(), k=k).sparse.tocsr()


def _band(frame: gpd.GeoDataFrame, threshold: float | None) -> sparse.csr_matrix:
    if threshold is None or not np.isfinite(threshold) or threshold <= 0:
        raise ValueError("a distance band needs a positive threshold in metres")
    points = frame.representative_point()
    xy = np.column_stack([points.x, points.y])
    tree = cKDTree(xy)
    pairs = tree.sparse_distance_matrix(tree, threshold, output_type="coo_matrix").tocsr()
    pairs.setdiag(0)  # a unit is not its own neighbour
    pairs.eliminate_zeros()
    pairs.data[:] = 1.0
    return pairs


@dataclass(frozen=True)
class WeightKind:
    name: str
    description: str
    build: Callable[..., sparse.csr_matrix]  # binary adjacency in the frame's row order


WEIGHT_KINDS: dict[str, WeightKind] = {kind.name: kind for kind in (
    WeightKind("queen", "gminas sharing a boundary point",
               lambda frame, **_: _contiguity(frame, rook=False)),
    WeightKind("rook", "gminas sharing a boundary line",
               lambda frame, **_: _contiguity(frame, rook=True)),
    WeightKind("knn", "the k nearest gminas (representative points; --k)",
               lambda frame, k=5, **_: _knn(frame, k)),
    WeightKind("distance", "gminas within --threshold metres (representative points)",
               lambda frame, threshold=None, **_: _band(frame, threshold)),
)}
KINDS = tuple(WEIGHT_KINDS)


@dataclass(frozen=True)
class Weights:
    """Row-standardised weights; ``unique_ids`` and ``sparse`` as a libpysal ``Graph`` has."""

    sparse: sparse.csr_matrix = field(repr=False)  # row-standardised, islands = empty rows
    unique_ids: pd.Index
    kind: str
    islands: list  # ids of units without neighbours

    @cached_property
    def graph(self) -> Graph:
        """The same weights as a libpysal ``Graph`` (built on first use)."""
        return Graph.from_sparse(self.sparse, ids=self.unique_ids.to_numpy())

    @property
    def cardinalities(self) -> pd.Series:
        return pd.Series(np.diff(self.sparse.indptr), index=self.unique_ids)


def build_weights(frame: gpd.GeoDataFrame, kind: str = "queen", *, k: int = 5,
                  threshold: float | None = None) -> Weights:
    """Row-standardised spatial weights over the units of ``frame`` (ids = its index).

    Parameters
    ----------
    frame : GeoDataFrame
        Polygons in a projected CRS (metres) with a unique index.
    kind : {'queen', 'rook', 'knn', 'distance'}
        Contiguity (shared vertex or shared edge), k nearest representative points, or
        representative points within ``threshold`` metres.

    Returns
    -------
    Weights
        The weights and the units left without neighbours (never an error).
    """
    if kind not in WEIGHT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if not frame.index.is_unique:
        raise ValueError("unit ids (the index) must be unique")
    if frame.crs is None or frame.crs.is_geographic:
        raise ValueError("weights need a projected CRS in metres (e.g. EPSG:2180)")
    if len(frame) < 2:
        raise ValueError("weights need at least two units")
    adjacency = WEIGHT_KINDS[kind].build(frame, k=k, threshold=threshold).tocsr()
    adjacency.eliminate_zeros()
    adjacency.sort_indices()
    cards = np.diff(adjacency.indptr)
    rows = adjacency.astype(float)
    rows.data /= np.repeat(np.asarray(rows.sum(axis=1)).ravel()[cards > 0], cards[cards > 0])
    ids = pd.Index(frame.index)
    return Weights(rows, ids, kind, list(ids[cards == 0]))
