"""Hexagon grid, counts per hexagon and Gi* of the counts (spatial/hexgrid.py)."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from spatial.hexgrid import (
    HexGrid,
    count_points,
    hexagon_grid,
    hexagon_neighbours,
    hot_spots,
)

X0, Y0 = 500_000.0, 600_000.0  # EPSG:2180, central Poland


def points(xy) -> gpd.GeoSeries:
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    return gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs="EPSG:2180")


coordinate = st.floats(min_value=0, max_value=20_000, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(xy=st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=60),
       size=st.sampled_from([250.0, 500.0, 1000.0, 3333.0]))
def test_every_point_lies_in_exactly_one_hexagon_and_the_counts_add_up(xy, size):
    pts = points([(X0 + x, Y0 + y) for x, y in xy])
    counts = count_points(pts, size)
    assert counts["count"].sum() == len(pts)
    assert counts.index.is_unique
    # The hexagon a point is counted in covers it (its edges included, to a nanometre).
    grid = HexGrid(*pts.total_bounds[:2], size)
    q, r = grid.cells_of(pts.x.to_numpy(), pts.y.to_numpy())
    for point, key in zip(pts, (f"{a}:{b}" for a, b in zip(q, r, strict=True)), strict=True):
        assert counts.loc[key, "geometry"].buffer(1e-6).covers(point)
    # ... and no other hexagon has it inside (hexagons do not overlap).
    inside = counts.geometry.buffer(-1e-6)
    for point in pts:
        assert int(inside.contains(point).sum()) <= 1


@settings(max_examples=25, deadline=None)
@given(width=st.floats(min_value=1, max_value=30_000), height=st.floats(min_value=1,
                                                                         max_value=30_000),
       size=st.sampled_from([400.0, 1000.0, 2500.0]))
def test_the_grid_tiles_its_bounds_without_gaps_or_overlaps(width, height, size):
    _, grid = hexagon_grid((X0, Y0, X0 + width, Y0 + height), size)
    box = shapely.box(X0, Y0, X0 + width, Y0 + height)
    union = shapely.union_all(grid.geometry.to_numpy())
    assert union.buffer(1e-3).covers(box)
    area = 3 * math.sqrt(3) / 2 * size**2
    assert grid.geometry.area.to_numpy() == pytest.approx(area, rel=1e-9)
    assert union.area == pytest.approx(area * len(grid), rel=1e-6)  # no overlap


def test_neighbours_are_the_six_hexagons_sharing_an_edge():
    _, grid = hexagon_grid((X0, Y0, X0 + 10_000, Y0 + 10_000), 1000)
    neighbours = hexagon_neighbours(grid)
    for key, around in neighbours.items():
        shape = grid.loc[key, "geometry"]
        touching = {k for k, g in grid.geometry.items()
                    if k != key and shape.intersection(g).length > 1.0}
        assert set(around) == touching
    assert max(len(v) for v in neighbours.values()) == 6


def test_bad_input_is_refused_without_touching_the_input():
    pts = points([(X0, Y0), (X0 + 10, Y0 + 10)])
    copy = pts.copy()
    with pytest.raises(ValueError, match="positive"):
        count_points(pts, 0)
    with pytest.raises(ValueError, match="geographic"):
        count_points(pts.to_crs(4326), 1000)
    with pytest.raises(ValueError, match="too many"):
        hexagon_grid((0, 0, 1e7, 1e7), 10)
    count_points(pts, 1000)
    assert pts.equals(copy)


def ord_getis_z(y: np.ndarray, neighbours: list[list[int]]) -> np.ndarray:
    """Gi* by Ord and Getis (1995), binary weights with the unit itself, written out:
    z_i = (sum_j w_ij y_j - W_i ybar) / (S sqrt((n S1_i - W_i^2) / (n - 1))),
    S^2 = sum y^2 / n - ybar^2."""
    n = len(y)
    ybar = y.mean()
    s = math.sqrt((y**2).sum() / n - ybar**2)
    out = []
    for i in range(n):
        members = [i] + neighbours[i]
        w_i = len(members)
        local = y[members].sum()
        out.append((local - w_i * ybar) / (s * math.sqrt((n * w_i - w_i**2) / (n - 1))))
    return np.array(out)


def test_gi_star_z_matches_the_formula_on_a_small_case():
    rng = np.random.default_rng(7)
    # A cluster of points around one spot and a few scattered ones.
    cluster = rng.normal(0, 300, size=(40, 2)) + [5000, 5000]
    scattered = rng.uniform(0, 10_000, size=(15, 2))
    pts = points(np.vstack([cluster, scattered]) + [X0, Y0])
    counts = count_points(pts, 1000, bounds=(X0, Y0, X0 + 10_000, Y0 + 10_000))
    spots = hot_spots(counts, permutations=199, seed=3)
    order = list(spots.index)
    around = hexagon_neighbours(spots)
    expected = ord_getis_z(spots["count"].to_numpy(dtype=float),
                           [[order.index(k) for k in around[key]] for key in order])
    assert spots["z"].to_numpy() == pytest.approx(expected, rel=1e-9, abs=1e-12)
    hottest = spots["z"].idxmax()
    assert spots.loc[hottest, "spot"] == "hot" and spots.loc[hottest, "count"] >= 10
    again = hot_spots(counts, permutations=199, seed=3)
    assert again["p_sim"].tolist() == spots["p_sim"].tolist()  # fixed seed, same answer


def test_equal_counts_have_no_hot_spots():
    counts = count_points(points([(X0 + 100 * i, Y0) for i in range(3)]), 1000,
                          bounds=(X0, Y0, X0 + 3000, Y0 + 3000))
    counts["count"] = 1
    spots = hot_spots(counts)
    assert spots["z"].isna().all() and (spots["spot"] == "").all()


def test_real_gminas_of_podlaskie_counted_on_10_km_hexagons(gminas):
    podlaskie = gminas[gminas.index.str.startswith("20")]
    centres = podlaskie.geometry.representative_point()
    counts = count_points(centres, 10_000, bounds=tuple(podlaskie.total_bounds))
    assert counts["count"].sum() == len(podlaskie) == podlaskie.index.nunique()
    joined = gpd.sjoin(gpd.GeoDataFrame(geometry=centres), counts[counts["count"] > 0],
                       predicate="intersects")
    assert joined.index.nunique() == len(podlaskie)
    spots = hot_spots(counts, permutations=99, seed=1)
    assert spots["z"].notna().all()
