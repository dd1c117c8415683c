"""Gi* in both variants against esda on libpysal's examples, and on every powiat of Poland:
finite, or NaN with the reason, never infinite, never an exception for a valid scope."""

import warnings

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from libpysal import examples
from libpysal.graph import Graph

from spatial.getis import UNDEFINED, VARIANTS, gi_star
from spatial.weights import build_weights

CASES = [("columbus.shp", "CRIME"), ("G_utm.shp", "PctBach"), ("sids2.shp", "SIDR79"),
         ("stl_hom.shp", "HR8893")]


@pytest.mark.parametrize(("dataset", "column"), CASES)
def test_both_variants_equal_esda(dataset, column):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = gpd.read_file(examples.get_path(dataset))
        frame.index = [f"u{i:03d}" for i in range(len(frame))]
        y = frame[column].astype(float)
        assert y.mean() > 0  # esda's row variant flips its sign for a negative mean
        for graph in (Graph.build_contiguity(frame, rook=False),
                      Graph.build_knn(frame.representative_point(), k=5)):
            values = y.reindex(graph.unique_ids).to_numpy()
            binary = gi_star(y, graph.transform("r"), variant="binary")
            theirs = esda.G_Local(values, graph.transform("b"), transform="B", star=True,
                                  permutations=0)
            np.testing.assert_allclose(binary.z_scores, theirs.Zs, atol=1e-9)
            row = gi_star(y, graph.transform("r"), variant="row")
            theirs = esda.G_Local(values, graph.transform("b"), transform="R", star=True,
                                  permutations=0)
            np.testing.assert_allclose(row.z_scores, theirs.Zs, atol=1e-9)
            assert row.variant == "row" and binary.variant == "binary"
            assert np.abs(row.z_scores - binary.z_scores).max() > 0.5  # really different


def test_row_variant_keeps_the_sign_for_a_negative_mean():
    frame = gpd.read_file(examples.get_path("columbus.shp"))
    frame.index = [f"u{i:03d}" for i in range(len(frame))]
    graph = Graph.build_contiguity(frame, rook=False)
    y = -frame["CRIME"].astype(float)
    result = gi_star(y, graph, variant="row")
    local_mean = (graph.sparse @ y.to_numpy() + y.to_numpy()) / (graph.cardinalities + 1)
    assert (np.sign(result.z_scores) == np.sign(local_mean - y.mean())).all()


def test_every_powiat_scope_is_finite_or_undefined_with_the_reason(gminas, unemployment_2024):
    undefined, refused, checked = set(), 0, 0
    for _, scope in gminas.groupby(gminas.index.str[:4]):
        if len(scope) < 3:  # cities with powiat rights, two-gmina powiats
            with pytest.raises(ValueError, match="at least"):
                gi_star(unemployment_2024[scope.index], build_weights(scope, "queen")
                        if len(scope) > 1 else _single(scope))
            refused += 1
            continue
        weights = build_weights(scope, "queen")
        for variant in VARIANTS:
            result = gi_star(unemployment_2024[scope.index], weights, variant=variant)
            frame = result.frame()
            whole = weights.cardinalities + 1 == len(scope)
            assert np.isfinite(frame.loc[~whole, ["z_score", "p_norm"]]).all().all()
            assert frame.loc[whole, ["z_score", "p_norm"]].isna().all().all()
            assert (frame.loc[whole, "label"] == "undefined").all()
            assert result.reasons == {u: UNDEFINED for u in frame.index[whole]}
            assert not np.isinf(frame["z_score"]).any()
        undefined |= set(result.reasons)
        checked += 1
    assert checked + refused == 380 and checked >= 314
    assert {"0407042", "2006032"} <= undefined and len(undefined) > 100


def _single(scope):
    unit = scope.index[0]
    return Graph.from_arrays([unit], [unit], [0.0])


def test_a_scope_covered_by_every_neighbourhood_is_undefined_not_an_error():
    ids = list("abcd")
    heads, tails = zip(*[(i, j) for i in ids for j in ids if i != j], strict=True)
    graph = Graph.from_arrays(heads, tails, np.ones(12))
    for variant in VARIANTS:
        result = gi_star(pd.Series([1.0, 2.0, 3.0, 9.0], index=ids), graph, variant=variant)
        assert np.isnan(result.z_scores).all() and set(result.labels) == {"undefined"}
        assert not result.fdr_significant.any()
    with pytest.raises(ValueError, match="variant must be one of"):
        gi_star(pd.Series([1.0, 2.0, 3.0, 9.0], index=ids), graph, variant="double")
