"""Global Moran's I against esda on libpysal's bundled examples: analytical z and p to 1e-9,
the permutation p within Monte Carlo error."""

import warnings

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from libpysal import examples
from libpysal.graph import Graph

from spatial.moran import moran_global

PERMUTATIONS = 9999
CASES = [("columbus.shp", "CRIME"), ("columbus.shp", "HOVAL"), ("stl_hom.shp", "HR8893"),
         ("sids2.shp", "SIDR79"), ("G_utm.shp", "PctBach"), ("baltim.shp", "PRICE")]


def _graphs(frame):
    if frame.geom_type.iloc[0] == "Point":
        return {"knn6": Graph.build_knn(frame.geometry, k=6),
                "band": Graph.build_distance_band(frame.geometry, 20)}
    return {"queen": Graph.build_contiguity(frame, rook=False),
            "rook": Graph.build_contiguity(frame, rook=True),
            "knn4": Graph.build_knn(frame.representative_point(), k=4)}


@pytest.mark.parametrize(("dataset", "column"), CASES)
def test_analytical_and_permutation_inference_equal_esda(dataset, column):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = gpd.read_file(examples.get_path(dataset))
        frame.index = [f"u{i:03d}" for i in range(len(frame))]
        for name, graph in _graphs(frame).items():
            graph = graph.transform("r")
            y = frame[column].astype(float)
            ours = moran_global(y, graph, permutations=PERMUTATIONS, seed=1)
            theirs = esda.Moran(y.reindex(graph.unique_ids).to_numpy(), graph,
                                permutations=PERMUTATIONS)
            for stat in ("I", "EI", "VI_norm", "z_norm", "p_norm", "VI_rand", "z_rand",
                         "p_rand"):
                assert getattr(ours, stat) == pytest.approx(getattr(theirs, stat), abs=1e-9,
                                                            rel=0), (name, stat)
            # Two independent estimates of the same permutation p.
            p = theirs.p_sim
            assert abs(ours.p_sim - p) <= 5 * np.sqrt(2 * p * (1 - p) / PERMUTATIONS) + 2e-4
            assert ours.EI_sim == pytest.approx(theirs.EI_sim, abs=5 * theirs.seI_sim / 100)
            assert ours.permutations == PERMUTATIONS


def test_a_scope_where_every_unit_touches_every_other_has_no_normal_z():
    ids = list("abcd")
    heads, tails = zip(*[(i, j) for i in ids for j in ids if i != j], strict=True)
    graph = Graph.from_arrays(heads, tails, np.ones(12)).transform("r")
    result = moran_global(pd.Series([1.0, 2.0, 4.0, 8.0], index=ids), graph,
                          permutations=99, seed=1)
    assert result.I == pytest.approx(-1 / 3)  # every arrangement gives the same I
    assert result.p_sim == 1.0
    figures = result.as_dict()
    assert figures["z_norm"] is None and figures["z_rand"] is None and figures["z_sim"] is None


def test_wide_weights_get_fewer_permutations_and_say_so():
    n = 400
    ids = [f"u{i}" for i in range(n)]
    heads, tails = zip(*[(ids[i], ids[j]) for i in range(n) for j in range(n)
                         if i != j and abs(i - j) <= 150], strict=True)
    graph = Graph.from_arrays(heads, tails, np.ones(len(heads))).transform("r")
    y = pd.Series(np.sin(np.arange(n) / 30.0), index=ids)
    result = moran_global(y, graph, permutations=99_999, seed=1)
    assert 99 <= result.permutations < 99_999
    assert result.as_dict()["permutations"] == result.permutations
