"""Spatial weights as libpysal ``Graph`` objects, with units without neighbours reported."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
from libpysal.graph import Graph

KINDS = ("queen", "rook", "knn", "distance")


@dataclass(frozen=True)
class Weights:
    graph: Graph  # row-standardised
    kind: str
    islands: list  # ids of units without neighbours


def build_weights(frame: gpd.GeoDataFrame, kind: str = "queen", *, k: int = 5,
                  threshold: float | None = None) -> Weights:
    """Row-standardised spatial weights over the units of ``frame`` (ids = its index).

    Parameters
    ----------
    frame : GeoDataFrame
        Polygons in a projected CRS (metres) with a unique index.
    kind : {'queen', 'rook', 'knn', 'distance'}
        Contiguity (shared vertex or shared edge), k nearest centroids, or centroids within
        ``threshold`` metres.

    Returns
    -------
    Weights
        The graph and the units left without neighbours (never an error).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if not frame.index.is_unique:
        raise ValueError("unit ids (the index) must be unique")
    if frame.crs is None or frame.crs.is_geographic:
        raise ValueError("weights need a projected CRS in metres (e.g. EPSG:2180)")
    if len(frame) < 2:
        raise ValueError("weights need at least two units")
    if kind in ("queen", "rook"):
        graph = Graph.build_contiguity(frame, rook=kind == "rook")
    elif kind == "knn":
        if not 1 <= k < len(frame):
            raise ValueError(f"k must be between 1 and {len(frame) - 1}")
        graph = Graph.build_knn(frame.representative_point(), k=k)
    else:
        if threshold is None or threshold <= 0:
            raise ValueError("a distance band needs a positive threshold in metres")
        graph = Graph.build_distance_band(frame.representative_point(), threshold)
    return Weights(graph.transform("r"), kind, [i for i in graph.isolates])
