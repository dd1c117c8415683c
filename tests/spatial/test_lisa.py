"""Local and global Moran's I against esda, on the 2,477 real gminas."""

import esda
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from libpysal.graph import Graph

from spatial.lisa import moran_local
from spatial.moran import moran_global
from spatial.weights import build_weights

PERMUTATIONS = 9999
SEED = 20241231


@pytest.fixture(scope="module")
def ours(unemployment_2024, queen):
    return moran_local(unemployment_2024, queen.graph, permutations=PERMUTATIONS, seed=SEED)


@pytest.fixture(scope="module")
def reference(unemployment_2024, queen):
    y = unemployment_2024.reindex(queen.graph.unique_ids).to_numpy()
    return esda.Moran_Local(y, queen.graph, transformation="r", permutations=PERMUTATIONS,
                            seed=SEED)


def test_queen_weights_of_real_gminas_have_no_islands(queen):
    assert queen.islands == []
    assert queen.graph.n == 2477


def test_global_moran_equals_esda(unemployment_2024, queen):
    y = unemployment_2024.reindex(queen.graph.unique_ids).to_numpy()
    expected = esda.Moran(y, queen.graph, transformation="r", permutations=0)
    ours = moran_global(unemployment_2024, queen.graph)
    for name in ("I", "EI", "VI_norm", "z_norm", "p_norm", "VI_rand", "z_rand", "p_rand"):
        assert getattr(ours, name) == pytest.approx(getattr(expected, name), abs=1e-9), name
    assert ours.I > 0.6  # unemployment clusters strongly in Poland
    assert ours.p_sim is None and ours.permutations == 0


def test_statistics_and_quadrants_equal_esda(ours, reference):
    np.testing.assert_allclose(ours.Is, reference.Is, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(ours.quadrant, reference.q)


def test_pseudo_p_values_agree_within_monte_carlo_error(ours, reference):
    # Two independent estimates of the same p differ by at most a few standard errors.
    se = np.sqrt(2 * reference.p_sim * (1 - reference.p_sim) / PERMUTATIONS)
    assert np.all(np.abs(ours.p_sim - reference.p_sim) <= 5 * se + 2 / (PERMUTATIONS + 1))
    agree = ((ours.p_sim <= 0.05) == (reference.p_sim <= 0.05)).mean()
    assert agree >= 0.97


def test_fdr_is_stricter_than_raw_significance(ours):
    assert ours.fdr_significant.sum() <= (ours.p_sim <= 0.05).sum()
    labelled = ours.labels[ours.fdr_significant]
    assert set(labelled) <= {"HH", "LH", "LL", "HL"}
    assert set(ours.labels[~ours.fdr_significant]) == {"ns"}


def test_same_seed_same_result_and_shuffled_ids(unemployment_2024, queen, ours):
    shuffled = unemployment_2024.sample(frac=1, random_state=7)
    again = moran_local(shuffled, queen.graph, permutations=PERMUTATIONS, seed=SEED)
    np.testing.assert_array_equal(again.p_sim, ours.p_sim)
    assert list(again.ids) == list(ours.ids)
    other = moran_local(unemployment_2024, queen.graph, permutations=PERMUTATIONS, seed=SEED + 1)
    assert not np.array_equal(other.p_sim, ours.p_sim)


def test_unequal_weights_agree_with_esda(unemployment_2024, queen):
    stabilised = queen.graph.transform("v")  # rows of unequal weights: the general kernel
    ours = moran_local(unemployment_2024, stabilised, permutations=999, seed=1)
    y = unemployment_2024.reindex(queen.graph.unique_ids).to_numpy()
    theirs = esda.Moran_Local(y, queen.graph, transformation="v", permutations=999, seed=1)
    np.testing.assert_allclose(ours.Is, theirs.Is, atol=1e-9)
    np.testing.assert_array_equal(ours.quadrant, theirs.q)
    assert ((ours.p_sim <= 0.05) == (theirs.p_sim <= 0.05)).mean() >= 0.95


def test_islands_are_reported_not_fatal(gminas, unemployment_2024):
    # Powiat wysokomazowiecki plus a gmina on the other side of the country.
    subset = gminas[gminas.index.str.startswith("2013") | (gminas.index == "0201011")]
    weights = build_weights(subset, "queen")
    assert weights.islands == ["0201011"]
    result = moran_local(unemployment_2024[subset.index], weights.graph, permutations=99, seed=1)
    frame = result.frame()
    assert frame.loc["0201011", "quadrant"] == 0
    assert np.isnan(frame.loc["0201011", "p_sim"])
    assert frame.loc["0201011", "label"] == "isolated"
    assert frame.drop(index="0201011")["p_sim"].notna().all()


def test_bad_inputs_are_refused(unemployment_2024, queen):
    with pytest.raises(ValueError, match="same unit ids"):
        moran_local(unemployment_2024.iloc[:-1], queen.graph)
    with pytest.raises(ValueError, match="no variance"):
        moran_local(pd.Series(1.0, index=unemployment_2024.index), queen.graph)
    with pytest.raises(ValueError, match="missing"):
        moran_local(unemployment_2024.where(unemployment_2024 > 5), queen.graph)
    islands = Graph.from_arrays(["a", "b", "c"], ["a", "b", "c"], [0.0, 0.0, 0.0])
    y = pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"])
    for statistic in (moran_local, moran_global):
        with pytest.raises(ValueError, match="every unit is without neighbours"):
            statistic(y, islands)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=64, max_size=64, unique=True))
def test_p_values_are_bounded(values):
    ids = [f"u{i:02d}" for i in range(64)]
    # An 8x8 rook lattice: corners (2 neighbours, 1,953 sets) are enumerated, others drawn.
    heads, tails = [], []
    for i in range(64):
        r, c = divmod(i, 8)
        for dr, dc in ((0, 1), (1, 0), (0, -1), (-1, 0)):
            if 0 <= r + dr < 8 and 0 <= c + dc < 8:
                heads.append(ids[i])
                tails.append(ids[(r + dr) * 8 + c + dc])
    graph = Graph.from_arrays(heads, tails, np.ones(len(heads))).transform("r")
    result = moran_local(pd.Series(values, index=ids), graph, permutations=199, seed=3)
    assert result.exact.sum() == 4
    assert np.all(result.p_sim[result.exact] >= 1 / 1953)
    assert np.all(result.p_sim[~result.exact] >= 1 / 200)
    assert np.all(result.p_sim <= 1)
