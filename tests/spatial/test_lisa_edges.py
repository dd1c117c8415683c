"""LISA at the edges, on data sets the other tests do not use (libpysal's bundled examples)
and on the real gminas: ties, 0/1 variables, small scopes, wide bands, chunked draws.

Exact references are computed here independently: the number of ones among k neighbours drawn
without replacement is hypergeometric, and small scopes are enumerated with itertools.
"""

import itertools
import tracemalloc
import warnings

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from libpysal import examples
from libpysal.graph import Graph
from scipy.stats import hypergeom

import spatial.permutation as permutation
from spatial.lisa import moran_local
from spatial.permutation import ordered_samples
from spatial.weights import build_weights

PERMUTATIONS = 9999


def _example(name: str) -> gpd.GeoDataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = gpd.read_file(examples.get_path(name))
    return frame.set_index(pd.Index([f"u{i:03d}" for i in range(len(frame))]))


@pytest.fixture(scope="module")
def columbus():
    frame = _example("columbus.shp")
    return frame, Graph.build_contiguity(frame, rook=False).transform("r")


def _hypergeometric_p(y: pd.Series, graph: Graph) -> pd.Series:
    """Exact folded conditional p of a 0/1 variable: min(P(X >= c), P(X <= c))."""
    ids = list(graph.unique_ids)
    values = y.reindex(ids).to_numpy()
    n, ones = len(values), int(values.sum())
    out = {}
    for i, unit in enumerate(ids):
        neighbours = graph[unit].index
        k = len(neighbours)
        c = int(y[neighbours].sum())
        dist = hypergeom(n - 1, ones - int(values[i]), k)
        out[unit] = min(dist.sf(c - 1), dist.cdf(c))
    return pd.Series(out)


def _within_monte_carlo(ours, exact, permutations, sds=4.5):
    se = np.sqrt(exact * (1 - exact) / permutations)
    return np.abs(ours - exact) <= sds * se + 2 / (permutations + 1)


@pytest.mark.parametrize("column", ["CP", "EW", "NSA"])
@pytest.mark.parametrize("neighbours", ["queen", "knn30"])
def test_binary_variables_reproduce_the_exact_p(columbus, column, neighbours):
    frame, graph = columbus
    if neighbours == "knn30":  # 30 of 48 others: drawn through the 18 it does not touch
        graph = Graph.build_knn(frame.representative_point(), k=30).transform("r")
    y = frame[column].astype(float)
    result = moran_local(y, graph, permutations=PERMUTATIONS, seed=5).frame()
    exact = _hypergeometric_p(y, graph).reindex(result.index)
    enumerated = result["exact"]
    assert enumerated.any() != (neighbours == "knn30") and not enumerated.all()
    # Units with at most 10,000 neighbour sets are enumerated: equal to the exact p.
    np.testing.assert_allclose(result.loc[enumerated, "p_sim"], exact[enumerated], atol=1e-12)
    assert _within_monte_carlo(result["p_sim"], exact, PERMUTATIONS).all()
    assert ((result["p_sim"] <= 0.05) == (exact <= 0.05)).mean() >= 0.97


def _brute_force_p(values: np.ndarray, graph: Graph) -> np.ndarray:
    """Every neighbour set of every unit, I_i computed directly."""
    ids = list(graph.unique_ids)
    z = (values - values.mean()) / values.std()
    n = len(z)
    out = np.empty(n)
    for i, unit in enumerate(ids):
        neighbours = [ids.index(j) for j in graph[unit].index]
        weights = graph[unit].to_numpy()
        observed = z[i] * (weights @ z[neighbours])
        others = [j for j in range(n) if j != i]
        stats = np.array([z[i] * (weights @ z[list(s)])
                          for s in itertools.combinations(others, len(neighbours))])
        tol = 1e-9 * max(1.0, abs(observed))
        out[i] = min((stats >= observed - tol).mean(), (stats <= observed + tol).mean())
    return out


def test_small_scopes_are_enumerated_exactly(columbus):
    frame, _ = columbus
    small = frame.iloc[:9]  # nine adjacent tracts: at most C(8, 4) = 70 sets per unit
    graph = Graph.build_contiguity(small, rook=False).transform("r")
    assert not graph.isolates.size
    high_crime = (small["CRIME"] > small["CRIME"].median()).astype(float)  # 0/1, tied
    for y in (small["CRIME"], small["HOVAL"], high_crime):
        result = moran_local(y, graph, permutations=99, seed=1)
        assert result.exact.all()
        np.testing.assert_allclose(result.p_sim, _brute_force_p(y.to_numpy(), graph),
                                   atol=1e-12)


def test_units_that_touch_everything_are_never_significant():
    ids = ["a", "b", "c"]
    heads, tails = zip(*[(i, j) for i in ids for j in ids if i != j], strict=True)
    graph = Graph.from_arrays(heads, tails, np.ones(6)).transform("r")
    result = moran_local(pd.Series([1.0, 2.0, 10.0], index=ids), graph, permutations=9999,
                         seed=1)
    np.testing.assert_array_equal(result.p_sim, [1.0, 1.0, 1.0])
    assert result.exact.all() and list(result.labels) == ["ns", "ns", "ns"]


def test_a_unit_at_the_mean_is_not_significant(columbus):
    frame, graph = columbus
    # Values -24..24 (mean exactly 0): the unit holding 0 has I_i = 0 under any permutation.
    values = np.random.default_rng(3).permutation(np.arange(49) - 24).astype(float)
    y = pd.Series(values, index=frame.index)
    result = moran_local(y, graph, permutations=999, seed=2)
    at_mean = int(np.flatnonzero(values == 0)[0])
    assert result.z[at_mean] == 0 and result.p_sim[at_mean] == 1.0
    theirs = esda.Moran_Local(values, graph, permutations=999, seed=2, keep_simulations=False)
    assert theirs.p_sim[at_mean] == 1 / 1000  # what the tie-aware count corrects


def test_witonia_and_every_cold_spot_of_zeros_get_their_exact_p(gminas, queen, data_dir):
    table = pd.read_csv(data_dir / "indicators" / "gmina_indicators_2477.csv",
                        dtype={"teryt_boundary": str}).set_index("teryt_boundary")
    y = table["urbanization_pct_2024"]
    result = moran_local(y, queen.graph, permutations=PERMUTATIONS, seed=11).frame()
    zeros = int((y == 0).sum())
    graph = queen.graph
    surrounded = [u for u in result.index
                  if y[u] == 0 and (y[graph[u].index] == 0).all()]
    assert "1004082" in surrounded and len(surrounded) > 40
    n = len(y)
    for unit in surrounded:
        k = len(graph[unit])
        # The observed neighbourhood is the most extreme one: all k others at 0 %.
        exact = hypergeom(n - 1, zeros - 1, k).pmf(k)
        assert _within_monte_carlo(result.loc[unit, "p_sim"], exact, PERMUTATIONS), unit
    witonia = result.loc["1004082"]
    exact = hypergeom(n - 1, zeros - 1, 5).pmf(5)
    assert len(graph["1004082"]) == 5 and 0.06 < exact < 0.08
    assert witonia["p_sim"] > 0.05 and witonia["label"] == "ns"


def test_wide_distance_band_matches_esda_on_baltimore():
    frame = _example("baltim.shp")
    rng = np.random.default_rng(0)
    # Prices tie; a jitter far below their resolution keeps esda's and our counts comparable.
    y = frame["PRICE"].astype(float) + rng.uniform(0, 1e-3, len(frame))
    points = frame.set_crs(3857, allow_override=True)  # planar coordinates, only distances used
    weights = build_weights(points, "distance", threshold=35)
    cards = weights.cardinalities
    assert cards.max() >= 116 and not weights.islands
    reference = Graph.build_distance_band(points.geometry, 35).transform("r")
    assert (reference.sparse != weights.sparse).nnz == 0
    ours = moran_local(y, weights, permutations=PERMUTATIONS, seed=3)
    theirs = esda.Moran_Local(y.to_numpy(), reference, permutations=PERMUTATIONS, seed=3,
                              keep_simulations=False)
    np.testing.assert_allclose(ours.Is, theirs.Is, atol=1e-9)
    assert _within_monte_carlo(ours.p_sim, theirs.p_sim, PERMUTATIONS).all()


def test_chunked_draws_give_the_same_inference(columbus, monkeypatch):
    frame, graph = columbus
    y = frame["CP"].astype(float)
    exact = _hypergeometric_p(y, graph).to_numpy()
    monkeypatch.setattr(permutation, "CHUNK_ELEMENTS", 64)  # dozens of chunks
    monkeypatch.setattr("spatial.lisa.CHUNK_ELEMENTS", 64)
    chunked = moran_local(y, graph, permutations=PERMUTATIONS, seed=9)
    assert _within_monte_carlo(chunked.p_sim, exact, PERMUTATIONS).all()


def test_memory_does_not_grow_with_units_times_permutations():
    side = 150  # 22,500 units x 999 permutations = 180 MB if held at once
    ids = [f"c{i}" for i in range(side * side)]
    heads, tails = [], []
    for r in range(side):
        for c in range(side):
            for dr, dc in ((0, 1), (1, 0), (0, -1), (-1, 0)):
                if 0 <= r + dr < side and 0 <= c + dc < side:
                    heads.append(ids[r * side + c])
                    tails.append(ids[(r + dr) * side + c + dc])
    graph = Graph.from_arrays(heads, tails, np.ones(len(heads))).transform("r")
    y = pd.Series(np.random.default_rng(1).normal(size=len(ids)), index=ids)
    tracemalloc.start()
    try:
        result = moran_local(y, graph, permutations=999, seed=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 60e6, peak
    assert np.isfinite(result.p_sim).all()


@pytest.mark.parametrize(("n", "width"), [(7, 3), (7, 7), (50, 49), (1000, 5)])
def test_draws_are_uniform_ordered_samples_without_repeats(n, width):
    rows = 20000
    draws = ordered_samples(np.random.default_rng(4), n, rows, width)
    assert draws.shape == (rows, width)
    ordered = np.sort(draws, axis=1)
    assert (ordered[:, 1:] != ordered[:, :-1]).all()
    for column in (0, width - 1):  # each unit equally likely in every position
        counts = np.bincount(draws[:, column], minlength=n)
        expected = rows / n
        assert np.abs(counts - expected).max() <= 5 * np.sqrt(expected)
