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
