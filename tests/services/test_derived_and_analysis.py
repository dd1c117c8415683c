"""Derived indicators, composite index and persisted analysis runs on the real data."""

import json

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from scipy.stats import hypergeom

from core.errors import BadRequest, InvalidInput, NotFound
from scripts.cli import main
from services.analysis.kinds import (
    ANALYSES,
    GI_VARIANTS,
    GI_WEIGHTS,
    KINDS,
    REGION_METHODS,
    WEIGHTS,
)
from services.analysis.runs import get_run, run_analysis
from services.indicators import derived
from services.indicators.store import gmina_values, import_indicators
from spatial.lisa import moran_local
from spatial.moran import moran_global
from spatial.permutation import RULE
from spatial.weights import build_weights
from tests.conftest import table_counts


def values(engine, code, year):
    with engine.connect() as conn:
        return gmina_values(conn, code, year)


def test_unemployment_rate_median_matches_ground_truth(reference_engine, unemployment_rate,
                                                        data_dir):
    truth = json.loads((data_dir / "ground_truth.json").read_text())
    rate = values(reference_engine, "unemployed_per_1000", 2024)
    assert len(rate) == 2477
    assert round(rate.median(), 2) == truth["median_unemployed_per_1000_2024"]
    assert 2021 in unemployment_rate.years and 2024 in unemployment_rate.years


def test_population_change_uses_exact_counts_where_held(reference_engine, indicator_reports):
    report = derived.population_change(reference_engine, 2021, 2022)
    change = values(reference_engine, "population_change_pct_1y", 2022)
    before = values(reference_engine, "population", 2021)
    after = values(reference_engine, "population", 2022)
    expected = (after / before - 1) * 100
    pd.testing.assert_series_equal(change, expected.rename(change.name), check_names=False)
    assert report.gminas == 2477


def test_net_migration_balances_to_zero(reference_engine, indicator_reports, data_dir):
    report = derived.net_migration(reference_engine,
                                   data_dir / "flows" / "migration_gmina_2023.csv", 2023)
    rate = values(reference_engine, "net_migration_per_1000", 2023)
    people = values(reference_engine, "population_thousands", 2023) * 1000
    net = (rate * people / 1000).round().astype(int)
    # Internal migration: every person who leaves a gmina arrives in another one (districts
    # of Warsaw and delegatury of other cities count as their city).
    assert len(rate) == 2477 and report.notes
    assert net.sum() == 0
    assert net["1465011"] != 0


def test_density_matches_the_published_one(reference_engine, indicator_reports):
    derived.density(reference_engine, 2022)
    ours = values(reference_engine, "density_derived", 2022)
    published = values(reference_engine, "density", 2022)  # GUS table 21, whole persons
    assert (ours.round() - published).abs().max() <= 1


def test_composite_index_within_gmina_types(reference_engine, unemployment_rate,
                                            indicator_reports):
    derived.population_change(reference_engine, 2021, 2022)
    report = derived.composite(
        reference_engine, "risk_test", "Indeks testowy", 2022,
        {"unemployed_per_1000": 2, "population_change_pct_1y": 1}, groups="gmina-type",
        name_en="Test index")
    index = values(reference_engine, "risk_test", 2022)
    assert report.gminas == len(index) == 2477
    with reference_engine.connect() as conn:
        types = pd.Series(dict(conn.execute(sa.text("SELECT teryt, gmina_type FROM gmina")).all()))
    means = index.groupby(types).mean()
    assert np.allclose(means, 0, atol=1e-9)  # z-scores within each type centre every group


def test_lisa_run_is_stored_and_reproducible(reference_engine, unemployment_rate, gminas_frame):
    run = run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024,
                       permutations=9999, seed=42)
    stored = get_run(reference_engine, run["id"])
    assert stored["parameters"] == {"weights": "queen", "alpha": 0.05, "permutations": 9999,
                                    "p_values": RULE}
    assert stored["seed"] == 42 and stored["versions"]["esda"]
    assert len(stored["results"]) == 2477
    y = values(reference_engine, "unemployed_per_1000", 2024)
    direct = moran_local(y, build_weights(gminas_frame).graph, permutations=9999, seed=42)
    frame = direct.frame()
    for teryt in ("0201011", "1465011", "2013011"):
        assert stored["results"][teryt]["p_value"] == frame.loc[teryt, "p_sim"]
        assert stored["results"][teryt]["quadrant"] == frame.loc[teryt, "quadrant"]
        assert stored["results"][teryt]["label"] == frame.loc[teryt, "label"]
    again = run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024, seed=42)
    assert get_run(reference_engine, again["id"])["results"] == stored["results"]


def test_gi_and_regions_runs(reference_engine, unemployment_rate):
    gi = run_analysis(reference_engine, "gi", "unemployed_per_1000", 2024,
                      scope="voivodeship:20")
    assert gi["summary"]["units"] == 118 and sum(gi["summary"]["labels"].values()) == 118
    maxp = run_analysis(reference_engine, "regions", "unemployed_per_1000", 2024,
                        scope="voivodeship:20", method="maxp", floor=60, seed=5)
    results = get_run(reference_engine, maxp["id"])["results"]
    assert {r["region_id"] for r in results.values()} == set(
        range(1, maxp["summary"]["regions"] + 1))


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"indicator": "no_such"}, NotFound, "no indicator 'no_such'"),
    ({"year": 1999}, InvalidInput, "has no gmina values for 1999; years held: 2021, 2022"),
    ({"scope": "powiat:0261"}, InvalidInput, "powiat:0261: 1 of its gminas has values"),
    ({"scope": "planet:earth"}, BadRequest, "is not country, voivodeship:TT"),
    ({"scope": "partnership:P99"}, NotFound, "no partnership"),
    ({"permutations": 0}, BadRequest, "permutations must be between 1"),
])
def test_bad_analysis_requests_store_nothing(reference_engine, unemployment_rate, kwargs,
                                             error, message):
    before = table_counts(reference_engine)
    args = {"indicator": "unemployed_per_1000", "year": 2024, **kwargs}
    with pytest.raises(error, match=message):
        run_analysis(reference_engine, "lisa", args.pop("indicator"), args.pop("year"), **args)
    assert table_counts(reference_engine) == before


def test_an_indicator_without_variance_is_refused(reference_engine, tmp_path):
    path = tmp_path / "flat.csv"
    path.write_text("teryt,year,value\n" + "".join(
        f"{t},2024,5\n" for t in ("2013011", "2013023", "2013033", "2013042")))
    import_indicators(reference_engine, path, "csv", code="flat_test", name="Flat",
                      direction="higher-worse")
    before = table_counts(reference_engine)
    with pytest.raises(InvalidInput, match="flat_test has no variance in 2024"):
        run_analysis(reference_engine, "lisa", "flat_test", 2024, scope="powiat:2013")
    assert table_counts(reference_engine) == before


def test_cli_prints_the_whole_run_as_json(reference_db_url, reference_engine,
                                          unemployment_rate, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", reference_db_url)
    code = main(["analyse", "lisa", "--indicator", "unemployed_per_1000", "--year", "2024",
                 "--scope", "voivodeship:20", "--permutations", "999", "--seed", "7", "--json"])
    run = json.loads(capsys.readouterr().out)
    assert code == 0 and run["seed"] == 7 and run["scope"] == "voivodeship:20"
    assert run["parameters"]["permutations"] == 999
    rate = values(reference_engine, "unemployed_per_1000", 2024)
    assert set(run["results"]) == {t for t in rate.index if t.startswith("20")}


def test_reuse_returns_the_identical_stored_run(reference_engine, unemployment_rate):
    first = run_analysis(reference_engine, "gi", "unemployed_per_1000", 2024,
                         scope="powiat:2013", seed=9, reuse=True)
    before = table_counts(reference_engine)
    again = run_analysis(reference_engine, "gi", "unemployed_per_1000", 2024,
                         scope="powiat:2013", seed=9, reuse=True)
    assert again["id"] == first["id"] and again["reused"] is True
    assert table_counts(reference_engine) == before
    other = run_analysis(reference_engine, "gi", "unemployed_per_1000", 2024,
                         scope="powiat:2013", seed=9, alpha=0.1, reuse=True)
    assert other["id"] != first["id"]


def test_lisa_stores_global_moran_with_its_inference(reference_engine, unemployment_rate,
                                                    gminas_frame):
    run = run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024,
                       scope="voivodeship:20", permutations=999, seed=8)
    moran = get_run(reference_engine, run["id"])["summary"]["moran"]
    y = values(reference_engine, "unemployed_per_1000", 2024)
    y = y[y.index.str.startswith("20")]
    weights = build_weights(gminas_frame.loc[y.index])
    direct = moran_global(y, weights.graph, permutations=999, seed=8)
    assert moran == direct.as_dict() and moran["permutations"] == 999
    assert moran["z_norm"] > 5 and moran["p_norm"] < 1e-6 and moran["p_sim"] == 1 / 1000
    # At most two neighbours among 117 others: C(117, 2) = 6,786 sets, enumerated exactly.
    few = int((weights.cardinalities <= 2).sum())
    assert run["summary"]["p_values"] == {"exact": few, "permutation": 118 - few}


@pytest.mark.parametrize(("scope", "unit"), [("powiat:0407", "0407042"),
                                             ("powiat:2006", "2006032"),
                                             ("partnership:P02", "2006032")])
def test_gi_reports_neighbourhoods_covering_the_scope(reference_engine, unemployment_rate,
                                                      partnerships_loaded, scope, unit):
    for variant in GI_VARIANTS:
        run = run_analysis(reference_engine, "gi", "unemployed_per_1000", 2024, scope=scope,
                           gi_weights=variant, seed=1)
        stored = get_run(reference_engine, run["id"])
        assert stored["parameters"]["gi_weights"] == variant
        assert stored["summary"]["undefined"] == {
            "reason": "neighbourhood covers the whole scope", "units": [unit]}
        assert stored["results"][unit]["label"] == "undefined"
        assert "z_score" not in stored["results"][unit]  # stored as NULL, never infinite
        others = [r for t, r in stored["results"].items() if t != unit]
        assert all(np.isfinite(r["z_score"]) and r["label"] in {"hot", "cold", "ns"}
                   for r in others)


@pytest.fixture(scope="module")
def edge_indicator(reference_engine, tmp_path_factory):
    """Values in powiat 2013 only: constant in 2023, varied in 2024."""
    path = tmp_path_factory.mktemp("edge") / "edge.csv"
    codes = ("2013011", "2013023", "2013033", "2013042", "2013052")
    path.write_text("teryt,year,value\n" + "".join(f"{t},2023,5\n" for t in codes)
                    + "".join(f"{t},2024,{i}\n" for i, t in enumerate(codes)))
    import_indicators(reference_engine, path, "csv", code="edge_test", name="Edge",
                      direction="higher-worse")
    return "edge_test"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"scope": "powiat:0201"}, InvalidInput,
     "scope powiat:0201: 0 of its gminas have values of edge_test in 2024"),
    ({"scope": "powiat:9999"}, NotFound, "scope powiat:9999: no gminas"),
    ({"year": 2023}, InvalidInput, "scope powiat:2013: edge_test has no variance in 2023"),
    ({"weights": "distance", "threshold": 100}, InvalidInput,
     "scope powiat:2013: none of its 5 gminas has a neighbour under distance weights"),
])
def test_every_analysis_refuses_what_it_cannot_analyse(reference_engine, edge_indicator, kind,
                                                       kwargs, error, message):
    before = table_counts(reference_engine)
    args = {"scope": "powiat:2013", "year": 2024, **kwargs}
    with pytest.raises(error, match=message):
        run_analysis(reference_engine, kind, edge_indicator, args.pop("year"), **args)
    assert table_counts(reference_engine) == before


def test_units_touching_everything_are_exact_and_gi_is_refused(reference_engine,
                                                               edge_indicator):
    lisa = run_analysis(reference_engine, "lisa", edge_indicator, 2024, scope="powiat:2013",
                        weights="distance", threshold=1_000_000, seed=1)
    results = get_run(reference_engine, lisa["id"])["results"]
    assert {r["p_value"] for r in results.values()} == {1.0}
    assert lisa["summary"]["p_values"] == {"exact": 5, "permutation": 0}
    assert lisa["summary"]["moran"]["z_norm"] is None  # I cannot vary: no z, not an error
    before = table_counts(reference_engine)
    with pytest.raises(InvalidInput, match="scope powiat:2013: Gi\\* is undefined for every"):
        run_analysis(reference_engine, "gi", edge_indicator, 2024, scope="powiat:2013",
                     weights="distance", threshold=1_000_000)
    assert table_counts(reference_engine) == before


def test_urbanisation_ties_give_witonia_its_exact_p(reference_engine, tmp_path, data_dir):
    table = pd.read_csv(data_dir / "indicators" / "gmina_indicators_2477.csv",
                        dtype={"teryt_boundary": str})
    path = tmp_path / "urbanisation.csv"
    pd.DataFrame({"teryt": table["teryt_boundary"], "year": 2024,
                  "value": table["urbanization_pct_2024"]}).to_csv(path, index=False)
    import_indicators(reference_engine, path, "csv", code="urbanisation_ties_test",
                      name="Urbanisation", direction="higher-better")
    run = run_analysis(reference_engine, "lisa", "urbanisation_ties_test", 2024, seed=4)
    witonia = get_run(reference_engine, run["id"])["results"]["1004082"]
    zeros = int((table["urbanization_pct_2024"] == 0).sum())
    exact = hypergeom(2476, zeros - 1, 5).pmf(5)  # all five neighbours among the other zeros
    assert witonia["value"] == 0 and witonia["quadrant"] == 3
    assert abs(witonia["p_value"] - exact) <= 4.5 * np.sqrt(exact * (1 - exact) / 9999)
    assert witonia["label"] == "ns"


def test_cli_reports_inference_and_names_the_scope_of_a_refusal(
        reference_db_url, reference_engine, unemployment_rate, edge_indicator, monkeypatch,
        capsys):
    monkeypatch.setenv("DATABASE_URL", reference_db_url)
    code = main(["analyse", "lisa", "--indicator", "unemployed_per_1000", "--year", "2024",
                 "--scope", "voivodeship:20", "--permutations", "999", "--seed", "7"])
    out = capsys.readouterr().out
    assert code == 0
    assert "global Moran's I" in out and "normality z" in out and "randomisation z" in out
    assert "permutations p 0.001 (999 permutations)" in out
    assert "ties count as extreme" in out
    code = main(["analyse", "gi", "--indicator", "unemployed_per_1000", "--year", "2024",
                 "--scope", "powiat:0407", "--gi-weights", "row"])
    out = capsys.readouterr().out
    assert code == 0 and "Gi* with row-standardised weights" in out
    assert "undefined (neighbourhood covers the whole scope): 0407042" in out
    before = table_counts(reference_engine)
    code = main(["analyse", "regions", "--indicator", edge_indicator, "--year", "2024",
                 "--scope", "powiat:2013", "--weights", "distance", "--threshold", "100"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("partnerstwa: error: scope powiat:2013: none of its")
    assert table_counts(reference_engine) == before


def test_the_kinds_tables_are_what_the_statistics_accept():
    from spatial.getis import VARIANTS
    from spatial.regions import METHODS
    from spatial.weights import WEIGHT_KINDS

    assert tuple(WEIGHTS) == tuple(WEIGHT_KINDS)
    assert tuple(GI_WEIGHTS) == tuple(VARIANTS)
    assert tuple(REGION_METHODS) == tuple(METHODS)
    assert KINDS == tuple(ANALYSES) == ("lisa", "gi", "regions")
