"""The Moran scatterplot of a stored LISA run: lag recomputed independently with libpysal."""

import numpy as np
import pytest
from libpysal.graph import Graph

from core.errors import InvalidInput
from services.analysis.runs import run_analysis
from services.analysis.scatter import moran_scatter
from services.indicators.store import gmina_values


def _values(engine, indicator, year):
    with engine.connect() as conn:
        return gmina_values(conn, indicator, year)


@pytest.mark.parametrize("scope, weights, k", [("voivodeship:20", "queen", 5),
                                               ("voivodeship:12", "knn", 4),
                                               ("country", "queen", 5)])
def test_points_are_z_and_lag_of_the_runs_weights(reference_engine, unemployment_rate,
                                                  gminas_frame, scope, weights, k):
    run = run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024, scope=scope,
                       weights=weights, k=k, permutations=99, seed=7)
    scatter = moran_scatter(reference_engine, run["id"])

    frame = gminas_frame
    if scope != "country":
        frame = frame[frame.index.str.startswith(scope.split(":")[1])]
    y = _values(reference_engine, "unemployed_per_1000", 2024).reindex(frame.index)
    z = (y - y.mean()) / y.std(ddof=0)
    if weights == "queen":
        graph = Graph.build_contiguity(frame, rook=False)
    else:
        graph = Graph.build_knn(frame.representative_point(), k=k)
    lag = graph.transform("r").lag(z.to_numpy())
    expected = dict(zip(frame.index, zip(z, lag, strict=True), strict=True))

    assert len(scatter["points"]) + len(scatter["isolated"]) == len(frame)
    for point in scatter["points"]:
        want_z, want_lag = expected[point["teryt"]]
        assert point["z"] == pytest.approx(want_z, abs=1e-5)
        assert point["lag"] == pytest.approx(want_lag, abs=1e-5)
    # the line's slope is the run's global Moran's I
    assert scatter["slope"] == pytest.approx(run["summary"]["moran"]["I"], rel=1e-6)
    assert scatter["moran_i"] == pytest.approx(scatter["slope"], rel=1e-6)
    # quadrants drawn in the plot are the run's quadrants
    for point in scatter["points"]:
        q = point["quadrant"]
        assert q == (1 if point["z"] > 0 and point["lag"] > 0 else
                     4 if point["z"] > 0 else 2 if point["lag"] > 0 else 3) or \
            abs(point["z"]) < 1e-5 or abs(point["lag"]) < 1e-5
    zs = np.array([p["z"] for p in scatter["points"]])
    assert scatter["extent"]["z"] == [pytest.approx(zs.min()), pytest.approx(zs.max())]


def test_a_gi_run_has_no_scatterplot(reference_engine, unemployment_rate):
    run = run_analysis(reference_engine, "gi", "unemployed_per_1000", 2024,
                       scope="voivodeship:20", permutations=99, seed=3)
    with pytest.raises(InvalidInput, match="needs a LISA run") as error:
        moran_scatter(reference_engine, run["id"])
    assert error.value.field == "run_id"
