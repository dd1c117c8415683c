"""Gi*, regionalisation and composite indices on real data."""

import esda
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from spatial.composite import CompositeError, composite_index, standardise
from spatial.getis import gi_star
from spatial.regions import regions
from spatial.weights import build_weights


def test_gi_star_equals_esda(unemployment_2024, queen):
    ours = gi_star(unemployment_2024, queen.graph)
    y = unemployment_2024.reindex(queen.graph.unique_ids).to_numpy()
    theirs = esda.G_Local(y, queen.graph.transform("b"), transform="B", star=True,
                          permutations=0)
    np.testing.assert_allclose(ours.z_scores, theirs.Zs, atol=1e-9)
    assert set(ours.labels) == {"hot", "cold", "ns"}
    assert (ours.z_scores[ours.labels == "hot"] > 0).all()


@pytest.fixture(scope="module")
def podlaskie(gminas, unemployment_2024, data_dir):
    table = pd.read_csv(data_dir / "indicators" / "gmina_indicators_2477.csv",
                        dtype={"teryt_boundary": str}).set_index("teryt_boundary")
    frame = gminas[gminas.index.str.startswith("20")].copy()
    frame["unemployment"] = unemployment_2024
    frame["population"] = table["pop_thous_2024-12-31"]
    return frame, build_weights(frame, "queen")


def _contiguous(frame, labels):
    return all(shapely.union_all(part.geometry.values).geom_type == "Polygon"
               for _, part in frame.groupby(labels))


def test_skater_regions_are_contiguous(podlaskie):
    frame, weights = podlaskie
    labels = regions(frame, weights.graph, ["unemployment"], method="skater", n_regions=6)
    assert sorted(labels.unique()) == [1, 2, 3, 4, 5, 6]
    assert _contiguous(frame, labels)


def test_maxp_regions_reach_the_population_floor_reproducibly(podlaskie):
    frame, weights = podlaskie
    first = regions(frame, weights.graph, ["unemployment"], method="maxp",
                    floor_column="population", floor=60, seed=11)
    again = regions(frame, weights.graph, ["unemployment"], method="maxp",
                    floor_column="population", floor=60, seed=11)
    assert first.equals(again)
    assert frame.groupby(first)["population"].sum().min() >= 60
    assert first.nunique() >= 5 and _contiguous(frame, first)


def test_standardise_within_groups():
    values = pd.Series([1.0, 2.0, 3.0, 10.0, 20.0, 30.0], index=list("abcdef"), name="x")
    groups = pd.Series([1, 1, 1, 2, 2, 2], index=list("fedcba"))[::-1]
    z = standardise(values, "zscore", groups)
    assert z[list("abc")].mean() == pytest.approx(0)
    assert z[list("abc")].std(ddof=0) == pytest.approx(1)
    assert z["a"] == pytest.approx(z["d"])
    mm = standardise(values, "minmax")
    assert (mm.min(), mm.max()) == (0.0, 1.0)
    with pytest.raises(CompositeError, match="no variance in group 1"):
        standardise(pd.Series([1.0, 1.0, 5.0], index=list("abc"), name="x"), "zscore",
                    pd.Series([1, 1, 2], index=list("abc")))


def test_composite_orients_weights_and_handles_missing():
    frame = pd.DataFrame({"bad": [1.0, 2.0, 3.0, np.nan], "good": [3.0, 2.0, 1.0, 2.0]},
                         index=list("abcd"))
    before = frame.copy()
    index, dropped = composite_index(frame, {"bad": 1, "good": 1}, {"bad": 1, "good": -1})
    assert dropped == ["d"] and list(index.index) == list("abc")
    assert index["c"] > index["b"] > index["a"]
    pd.testing.assert_frame_equal(frame, before)
    filled, dropped = composite_index(frame, {"bad": 1, "good": 1}, {"bad": 1, "good": -1},
                                      missing="mean")
    assert dropped == [] and len(filled) == 4
    with pytest.raises(CompositeError, match="1 units lack a component, e.g. d"):
        composite_index(frame, {"bad": 1}, {"bad": 1}, missing="fail")


@settings(max_examples=50, deadline=None, derandomize=True)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=3, max_size=30, unique=True),
       st.floats(0.1, 10))
def test_single_component_is_its_signed_z_score(values, weight):
    frame = pd.DataFrame({"x": values})
    index, _ = composite_index(frame, {"x": weight}, {"x": -1})
    expected = -(frame["x"] - frame["x"].mean()) / frame["x"].std(ddof=0)
    np.testing.assert_allclose(index.to_numpy(), expected.to_numpy(), atol=1e-9)
