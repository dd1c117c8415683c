"""Importing every file of the mirror's indicators/ reproduces ground_truth.json."""

import json

import pytest
import sqlalchemy as sa

from services.indicators.store import list_indicators


@pytest.fixture(scope="module")
def truth(data_dir):
    return json.loads((data_dir / "ground_truth.json").read_text())


@pytest.fixture(scope="module")
def reports(indicator_reports):
    return indicator_reports


def gmina_sum(engine, code, year):
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT count(*), sum(value) FROM indicator_value WHERE indicator_code = :c"
            " AND year = :y AND level = 'gmina'"), {"c": code, "y": year}).one()


@pytest.mark.parametrize(("code", "year", "key"), [
    ("unemployed", 2024, "sum_unemployed_2024"),
    ("unemployed", 2019, "sum_unemployed_2019"),
    ("unemployed", 2010, "sum_unemployed_2010"),
    ("unemployed", 2003, "sum_unemployed_2003"),
    ("population", 2021, "sum_pop_2021-12-31"),
    ("population", 2022, "sum_pop_2022-12-31"),
    ("population_thousands", 2023, "sum_pop_thous_2023-12-31"),
    ("population_thousands", 2024, "sum_pop_thous_2024-12-31"),
    ("area_ha", 2022, "sum_area_ha_2022-01-01"),
    ("area_ha", 2023, "sum_area_ha_2023-01-01"),
])
def test_sums_match_ground_truth(reports, reference_engine, truth, code, year, key):
    n, total = gmina_sum(reference_engine, code, year)
    # Early years lack a few of today's gminas under today's codes (Wałbrzych was 0221091
    # until 2012): counted in the file, 2,474 gminas in 2003 and 2,476 in 2010.
    assert n == {("unemployed", 2003): 2474, ("unemployed", 2010): 2476}.get(
        (code, year), truth["n_gminas"])
    assert total == pytest.approx(truth[key], abs=0.005)


def test_single_values_match_ground_truth(reports, reference_engine, truth):
    with reference_engine.connect() as conn:
        warsaw = conn.execute(sa.text(
            "SELECT value FROM indicator_value WHERE indicator_code = 'population'"
            " AND year = 2022 AND teryt = '1465011'")).scalar_one()
        smallest = conn.execute(sa.text(
            "SELECT g.name, v.value FROM indicator_value v JOIN gmina g ON g.teryt = v.teryt"
            " WHERE v.indicator_code = 'population' AND v.year = 2022 AND v.level = 'gmina'"
            " ORDER BY v.value LIMIT 1")).one()
    assert warsaw == truth["warszawa_pop_2022-12-31"]
    assert [smallest[0], str(int(smallest[1]))] == truth["min_pop_2022-12-31"]


def test_reports_say_what_was_skipped_and_matched(reports):
    ryne = reports["RYNE_1944_2003_2024.csv"]
    assert ryne.gminas_matched == 2477
    # Units that the 2020 boundaries no longer hold (Wałbrzych before 2013, Ostrowice
    # abolished in 2019, ...) are reported, not dropped silently.
    assert ryne.unmatched == ["0221091", "0606082", "0809102", "3203042"]
    assert ryne.gminas_without_value["unemployed 2003"] == 3
    assert ryne.skipped["town part of an urban-rural gmina"] == 711
    assert ryne.skipped["rural part of an urban-rural gmina"] == 711
    ludn = reports["LUDN_2425_2023.csv"]
    assert ludn.skipped["repeated row of the same unit (1465011)"] == 1
    # The boundaries are of about 2020: later type changes are matched on 6 digits, recorded.
    changed = set(reports["LUDN_2425_2024.csv"].matched_on_6_digits)
    assert changed and all(len(c) == 16 and c[:6] == c[9:15] for c in changed)


def test_powiat_voivodeship_and_country_values_are_kept(reports, reference_engine):
    with reference_engine.connect() as conn:
        levels = dict(conn.execute(sa.text(
            "SELECT level, count(DISTINCT teryt) FROM indicator_value"
            " WHERE indicator_code = 'unemployed' AND year = 2024 GROUP BY level")).all())
        poland = conn.execute(sa.text(
            "SELECT value FROM indicator_value WHERE indicator_code = 'unemployed'"
            " AND year = 2024 AND level = 'country'")).scalar_one()
    assert levels == {"gmina": 2477, "powiat": 380, "voivodeship": 16, "country": 1}
    assert poland == 786179


def test_list_shows_what_is_held(reports, reference_engine):
    held = {row["code"]: row for row in list_indicators(reference_engine)}
    assert held["unemployed"]["years"] == list(range(2003, 2025))
    assert held["unemployed"]["gminas"] == 2477
    assert held["unemployed"]["levels"] == ["country", "gmina", "powiat", "voivodeship"]
    assert held["unemployed"]["direction"] == "higher-worse"
    assert held["population"]["years"] == [2021, 2022]
