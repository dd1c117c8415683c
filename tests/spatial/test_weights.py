"""Weights of every kind over real gminas; bad requests refused."""

import pytest

from spatial.weights import build_weights


@pytest.fixture(scope="module")
def podlaskie(gminas):
    return gminas[gminas.index.str.startswith("20")]


def test_rook_has_no_more_neighbours_than_queen(podlaskie):
    queen = build_weights(podlaskie, "queen").graph.cardinalities
    rook = build_weights(podlaskie, "rook").graph.cardinalities
    assert (rook <= queen.reindex(rook.index)).all() and rook.sum() <= queen.sum()


def test_knn_gives_exactly_k_neighbours_row_standardised(podlaskie):
    weights = build_weights(podlaskie, "knn", k=4)
    assert (weights.graph.cardinalities == 4).all()
    assert weights.graph.adjacency.groupby(level=0).sum().round(12).eq(1).all()


def test_a_short_distance_band_leaves_islands_reported(podlaskie):
    weights = build_weights(podlaskie, "distance", threshold=8_000)
    assert weights.islands  # some gminas lie farther than 8 km from any other centre
    assert set(weights.islands) <= set(podlaskie.index)


def test_bad_requests(podlaskie):
    with pytest.raises(ValueError, match="projected CRS"):
        build_weights(podlaskie.to_crs(4326))
    with pytest.raises(ValueError, match="kind must be one of"):
        build_weights(podlaskie, "bishop")
    with pytest.raises(ValueError, match="positive threshold"):
        build_weights(podlaskie, "distance")
    with pytest.raises(ValueError, match="k must be between 1 and"):
        build_weights(podlaskie, "knn", k=500)


def test_distance_band_equals_libpysal_and_row_sums_are_one(podlaskie):
    from libpysal.graph import Graph

    weights = build_weights(podlaskie, "distance", threshold=40_000)
    reference = Graph.build_distance_band(podlaskie.representative_point(), 40_000)
    reference = reference.transform("r")
    assert list(weights.unique_ids) == list(reference.unique_ids)
    assert abs(weights.sparse - reference.sparse).max() < 1e-15
    assert abs(weights.sparse.sum(axis=1) - 1).max() < 1e-12
    # The libpysal Graph built on demand is the same weights.
    assert abs(weights.graph.sparse - reference.sparse).max() < 1e-15


def test_a_band_over_the_whole_scope_links_every_pair(podlaskie):
    weights = build_weights(podlaskie, "distance", threshold=1_000_000)
    n = len(podlaskie)
    assert (weights.cardinalities == n - 1).all() and weights.sparse.diagonal().sum() == 0

