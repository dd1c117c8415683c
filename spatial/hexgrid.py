"""Hexagon grids, point counts per hexagon and Gi* hot spots of the counts.

The grid is flat-topped and anchored at the lower-left corner of the bounds: hexagon
``(q, r)`` (axial coordinates) has its centre at ``x = x0 + 1.5 s q``,
``y = y0 + sqrt(3) s (r + q / 2)``, where ``s`` is the size (centre to corner, in metres).
A point belongs to the hexagon whose centre is nearest (cube rounding), so every point is in
exactly one hexagon, even on an edge, and the counts add up to the number of points.
Neighbours are the six hexagons sharing an edge, taken from the axial coordinates (no
floating-point touching test).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Polygon

STORAGE_CRS = "EPSG:2180"
NEIGHBOUR_STEPS = ((1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1))
MAX_HEXAGONS = 200_000


@dataclass(frozen=True)
class HexGrid:
    """A flat-topped hexagon grid: origin ``(x0, y0)`` and size ``s`` in metres."""

    x0: float
    y0: float
    size: float

    def cells_of(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Axial coordinates ``(q, r)`` of the hexagon holding each point.

        Parameters
        ----------
        x, y : numpy.ndarray
            Coordinates in the grid's CRS.

        Returns
        -------
        tuple of numpy.ndarray
            Integer arrays ``q`` and ``r``.
        """
        px = (np.asarray(x, dtype=float) - self.x0) / self.size
        py = (np.asarray(y, dtype=float) - self.y0) / self.size
        q = 2.0 / 3.0 * px
        r = -1.0 / 3.0 * px + math.sqrt(3) / 3.0 * py
        return _cube_round(q, r)

    def centre(self, q: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        q = np.asarray(q, dtype=float)
        r = np.asarray(r, dtype=float)
        return (self.x0 + 1.5 * self.size * q,
                self.y0 + math.sqrt(3) * self.size * (r + q / 2.0))

    def polygon(self, q: int, r: int) -> Polygon:
        cx, cy = self.centre(q, r)
        angles = np.deg2rad(np.arange(0, 360, 60))
        return Polygon(zip(cx + self.size * np.cos(angles), cy + self.size * np.sin(angles),
                           strict=True))


def _cube_round(q: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest hexagon centre for fractional axial coordinates (Red Blob Games' rounding)."""
    s = -q - r
    rq, rr, rs = np.round(q), np.round(r), np.round(s)
    dq, dr, ds = np.abs(rq - q), np.abs(rr - r), np.abs(rs - s)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    rq = np.where(fix_q, -rr - rs, rq)
    rr = np.where(fix_r, -rq - rs, rr)
    return rq.astype(np.int64), rr.astype(np.int64)


def hexagon_grid(bounds: tuple[float, float, float, float], size: float,
                 crs: str = STORAGE_CRS) -> tuple[HexGrid, gpd.GeoDataFrame]:
    """Hexagons of ``size`` metres covering ``bounds``.

    Parameters
    ----------
    bounds : tuple of float
        ``(minx, miny, maxx, maxy)`` in a projected CRS in metres.
    size : float
        Centre-to-corner distance in metres (> 0).
    crs : str, default "EPSG:2180"
        The CRS of ``bounds``; it must be projected.

    Returns
    -------
    HexGrid, geopandas.GeoDataFrame
        The grid, and one row per hexagon whose centre region meets the bounds, indexed by
        ``hex_id`` ("q:r"), with columns ``q``, ``r`` and ``geometry``.

    Raises
    ------
    ValueError
        For a non-positive size, empty or inverted bounds, a geographic CRS or a grid of more
        than ``MAX_HEXAGONS`` hexagons.
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not size > 0 or not all(map(math.isfinite, (minx, miny, maxx, maxy, size))):
        raise ValueError("the hexagon size must be a positive number of metres")
    if maxx < minx or maxy < miny:
        raise ValueError("the bounds are inverted")
    if gpd.GeoSeries([], crs=crs).crs.is_geographic:
        raise ValueError(f"{crs} is geographic; the grid needs metres")
    grid = HexGrid(minx, miny, float(size))
    columns = int(math.ceil((maxx - minx) / (1.5 * size))) + 2
    rows = int(math.ceil((maxy - miny) / (math.sqrt(3) * size))) + 2
    if columns * rows > MAX_HEXAGONS:
        raise ValueError(f"{columns * rows} hexagons of {size:g} m are too many; choose a"
                         f" larger size (at most {MAX_HEXAGONS})")
    qs, rs = [], []
    for q in range(-1, columns):
        # Rows shift by half a hexagon per column in axial coordinates.
        first = -int(math.floor(q / 2)) - 1
        for r in range(first, first + rows + 1):
            qs.append(q)
            rs.append(r)
    q_arr, r_arr = np.array(qs, dtype=np.int64), np.array(rs, dtype=np.int64)
    cx, cy = grid.centre(q_arr, r_arr)
    # Keep the hexagons that can hold a point of the bounds.
    reach = size
    keep = (cx >= minx - reach) & (cx <= maxx + reach) & (cy >= miny - reach) & (cy <= maxy
                                                                                  + reach)
    q_arr, r_arr = q_arr[keep], r_arr[keep]
    frame = gpd.GeoDataFrame(
        {"q": q_arr, "r": r_arr},
        geometry=[grid.polygon(int(q), int(r)) for q, r in zip(q_arr, r_arr, strict=True)],
        crs=crs, index=pd.Index([f"{q}:{r}" for q, r in zip(q_arr, r_arr, strict=True)],
                                name="hex_id"))
    return grid, frame


def count_points(points: gpd.GeoSeries, size: float,
                 bounds: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame:
    """Points counted per hexagon of a grid covering ``bounds`` (default: the points' bounds).

    Parameters
    ----------
    points : geopandas.GeoSeries
        Points (other geometries count by their centroid) in a projected CRS in metres.
    size : float
        Hexagon size (centre to corner) in metres.
    bounds : tuple of float, optional
        Area the grid covers; points outside it still get their own hexagon.

    Returns
    -------
    geopandas.GeoDataFrame
        Hexagons (index ``hex_id``) with ``q``, ``r``, ``count`` (int) and ``geometry``; the
        counts add up to ``len(points)``.
    """
    if points.crs is None:
        raise ValueError("the points have no CRS")
    if points.crs.is_geographic:
        raise ValueError(f"{points.crs} is geographic; count in a CRS in metres")
    located = points[~(points.is_empty | points.isna())]
    if len(located) != len(points):
        raise ValueError("some geometries are empty")
    centres = located.centroid if len(located) else located
    if bounds is None:
        if not len(located):
            raise ValueError("no points and no bounds: nothing to grid")
        bounds = tuple(located.total_bounds)
    grid, frame = hexagon_grid(bounds, size, crs=points.crs.to_string())
    q, r = grid.cells_of(centres.x.to_numpy(), centres.y.to_numpy())
    ids = pd.Index([f"{a}:{b}" for a, b in zip(q, r, strict=True)])
    extra = sorted(set(ids) - set(frame.index))
    if extra:  # points beyond the bounds: their hexagons are added, never dropped
        pairs = [tuple(int(v) for v in key.split(":")) for key in extra]
        added = gpd.GeoDataFrame(
            {"q": [p[0] for p in pairs], "r": [p[1] for p in pairs]},
            geometry=[grid.polygon(*p) for p in pairs], crs=frame.crs,
            index=pd.Index(extra, name="hex_id"))
        frame = pd.concat([frame, added])
    counts = pd.Series(1, index=ids).groupby(level=0).sum()
    out = frame.copy()
    out["count"] = counts.reindex(out.index).fillna(0).astype(np.int64)
    return out[["q", "r", "count", "geometry"]]


def hexagon_neighbours(frame: pd.DataFrame) -> dict[str, list[str]]:
    """The hexagons of ``frame`` sharing an edge with each one (from ``q`` and ``r``)."""
    present = set(frame.index)
    out = {}
    for key, q, r in zip(frame.index, frame["q"], frame["r"], strict=True):
        out[key] = [f"{q + dq}:{r + dr}" for dq, dr in NEIGHBOUR_STEPS
                    if f"{q + dq}:{r + dr}" in present]
    return out


def hot_spots(counts: gpd.GeoDataFrame, *, permutations: int = 999, seed: int = 12345,
              alpha: float = 0.05) -> gpd.GeoDataFrame:
    """Getis-Ord Gi* of the hexagons' counts on their edge contiguity.

    ``esda.G_Local(star=True, transform="B")``: each hexagon and its up to six neighbours with
    weight 1, so ``z_i = (sum_j w_ij x_j - W_i xbar) / (S sqrt((n S1_i - W_i^2) / (n - 1)))``
    with ``W_i = sum_j w_ij``, ``S1_i = sum_j w_ij^2`` and ``S`` the population standard
    deviation of the counts (Ord and Getis 1995); ``p_sim`` from conditional permutations
    (fixed ``seed``).

    Parameters
    ----------
    counts : geopandas.GeoDataFrame
        The result of ``count_points`` (columns ``q``, ``r``, ``count``).
    permutations : int, default 999
    seed : int, default 12345
    alpha : float, default 0.05
        ``p_sim`` at or below which a hexagon is a hot (z > 0) or cold (z < 0) spot.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``counts`` with ``z``, ``p_sim`` and ``spot`` ("hot", "cold" or "").
        With fewer than three hexagons or counts all equal, ``z`` and ``p_sim`` are NaN.
    """
    from esda.getisord import G_Local
    from libpysal.weights import W

    out = counts.copy()
    out["z"] = np.nan
    out["p_sim"] = np.nan
    out["spot"] = ""
    y = out["count"].to_numpy(dtype=float)
    if len(out) < 3 or np.all(y == y[0]):
        return out
    neighbours = hexagon_neighbours(out)
    weights = W(neighbours, id_order=list(out.index), silence_warnings=True)
    result = G_Local(y, weights, transform="B", star=True, permutations=permutations,
                     seed=seed, keep_simulations=False, n_jobs=1)
    out["z"] = np.asarray(result.Zs, dtype=float)
    out["p_sim"] = np.asarray(result.p_sim, dtype=float)
    significant = out["p_sim"] <= alpha
    out.loc[significant & (out["z"] > 0), "spot"] = "hot"
    out.loc[significant & (out["z"] < 0), "spot"] = "cold"
    return out
