"""Derived indicators, composite index and persisted analysis runs on the real data."""

import json

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput, NotFound
from scripts.cli import main
from services.analysis.runs import get_run, run_analysis
from services.indicators import derived
from services.indicators.store import gmina_values, import_indicators
from spatial.lisa import moran_local
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
        {"unemployed_per_1000": 2, "population_change_pct_1y": 1}, groups="gmina-type")
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
    assert stored["parameters"] == {"weights": "queen", "alpha": 0.05, "permutations": 9999}
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
    ({"scope": "powiat:0261"}, InvalidInput, "has 1 gminas with values"),
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
