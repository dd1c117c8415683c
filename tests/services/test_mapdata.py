"""Choropleth classes and the per-database answer cache, on the real indicator data."""

import hashlib
import json
import threading
import uuid
import warnings
from pathlib import Path

import mapclassify
import numpy as np
import pytest
import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput, NotFound
from services import cache
from services.analysis.mapdata import indicator_map
from services.db import drop_database, get_engine
from services.indicators.derived import unemployed_per_1000
from services.indicators.store import gmina_values, list_indicators
from services.planning.areas import create_area
from services.planning.comments import add_comment
from tests.conftest import _copy_of

REFERENCE = Path(__file__).parent / "data" / "fisher_jenks_mapclassify.json"


def held(engine) -> dict:
    """Every indicator-year with gmina values: {(code, year): {teryt: value}}."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT indicator_code, year, teryt, value FROM indicator_value"
            " WHERE level = 'gmina' ORDER BY 1, 2, 3")).all()
    out: dict = {}
    for code, year, teryt, value in rows:
        out.setdefault((code, year), {})[teryt] = value
    return out


@pytest.mark.parametrize("method, classifier", [
    ("quantiles", mapclassify.Quantiles),
    ("natural_breaks", mapclassify.FisherJenks),
    ("equal_interval", mapclassify.EqualInterval),
])
def test_classes_are_mapclassify_on_all_gminas(reference_engine, unemployment_rate,
                                               method, classifier):
    with reference_engine.connect() as conn:
        values = gmina_values(conn, "unemployed_per_1000", 2024)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to fill the server log with
        answer = indicator_map(reference_engine, "unemployed_per_1000", year=2024,
                               method=method, k=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = classifier(values.to_numpy(), k=5)
    np.testing.assert_allclose(answer["breaks"], expected.bins)
    assert answer["counts"] == expected.counts.tolist()
    assert sum(answer["counts"]) == len(answer["values"]) == 2477
    assert answer["year"] == 2024 and 2021 in answer["years"]


def test_one_voivodeship_is_classified_on_its_own_gminas(reference_engine, unemployment_rate):
    answer = indicator_map(reference_engine, "unemployed_per_1000", year=2024,
                           voivodeship="20", k=4)
    with reference_engine.connect() as conn:
        podlaskie = conn.execute(sa.text(
            "SELECT count(*) FROM gmina WHERE voivodeship_teryt = '20'")).scalar_one()
    assert len(answer["values"]) == sum(answer["counts"]) == podlaskie
    assert all(teryt.startswith("20") for teryt in answer["values"])
    assert len(answer["breaks"]) == 4


def test_bad_requests_say_what_is_wrong(reference_engine, unemployment_rate):
    with pytest.raises(InvalidInput, match="years held: .*2024"):
        indicator_map(reference_engine, "unemployed_per_1000", year=1990)
    with pytest.raises(NotFound, match="no indicator 'nie_ma'"):
        indicator_map(reference_engine, "nie_ma")
    with pytest.raises(BadRequest, match="method must be one of"):
        indicator_map(reference_engine, "unemployed_per_1000", method="jenks")
    with pytest.raises(BadRequest, match="between 2 and 9"):
        indicator_map(reference_engine, "unemployed_per_1000", k=12)
    with pytest.raises(BadRequest, match="2-digit TERYT"):
        indicator_map(reference_engine, "unemployed_per_1000", voivodeship="2")


def test_two_databases_with_equal_counters_do_not_share_answers(template_url):
    urls = [_copy_of(template_url, f"partnerstwa_test_{uuid.uuid4().hex[:10]}")
            for _ in range(2)]
    try:
        engines = [get_engine(url) for url in urls]
        for engine, code in zip(engines, ("only_in_first", "only_in_second"), strict=True):
            with engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO indicator (code, name_pl, name_en, source, direction)"
                    " VALUES (:c, :c, :c, 'test', 'neutral')"), {"c": code})
        first, second = (list_indicators(engine) for engine in engines)
        assert [i["code"] for i in first] == ["only_in_first"]
        assert [i["code"] for i in second] == ["only_in_second"]
    finally:
        for url in urls:
            get_engine(url).dispose()
            drop_database(url)


def test_a_comment_or_an_area_keeps_the_map_cached_and_an_indicator_load_does_not(
        reference_engine, partnerships_loaded, unemployment_rate):
    ask = dict(year=2024, method="natural_breaks", k=6)
    first = indicator_map(reference_engine, "unemployed_per_1000", **ask)
    assert indicator_map(reference_engine, "unemployed_per_1000", **ask) is first
    add_comment(reference_engine, "P01", {"body": "Czy mapa zostaje w pamięci?"})
    create_area(reference_engine, "P01", {"name": "Obszar próbny", "kind": "other",
                                          "gminas": ["2013011"]})
    assert indicator_map(reference_engine, "unemployed_per_1000", **ask) is first
    unemployed_per_1000(reference_engine)  # the same values, stored by a new indicator load
    again = indicator_map(reference_engine, "unemployed_per_1000", **ask)
    assert again is not first and again == first


def test_concurrent_misses_of_one_key_compute_once():
    runs, started = [], threading.Event()

    def slow():
        runs.append(1)
        started.wait(5)
        return {"answer": len(runs)}

    answers, key = [], ("once", uuid.uuid4().hex)
    threads = [threading.Thread(target=lambda: answers.append(cache.cached(key, ("v",), slow)))
               for _ in range(6)]
    for thread in threads:
        thread.start()
    started.set()
    for thread in threads:
        thread.join(10)
    assert runs == [1] and len(answers) == 6
    assert all(answer is answers[0] for answer in answers)


def test_versions_name_only_known_kinds_of_data(reference_engine):
    with reference_engine.connect() as conn:
        assert len(cache.data_version(conn, "indicators", "boundaries")) == 4
        with pytest.raises(ValueError, match="unknown data sources"):
            cache.data_version(conn, "comments")


def test_natural_breaks_are_mapclassifys_on_every_indicator_year_held(reference_engine,
                                                                      unemployment_rate):
    """Nationally against the breaks mapclassify.FisherJenks gave for these very values
    (pure Python takes ~20 s a call; bench/natural_breaks.py --write-reference stores them),
    and live against mapclassify on one voivodeship's gminas of each indicator-year (k=7,
    where float32 rounding and tie-breaking have the most room)."""
    stored = {(e["indicator"], e["year"], e["k"]): e
              for e in json.loads(REFERENCE.read_text())["entries"]}
    stored_codes = {code for code, _, _ in stored}
    compared = 0
    for i, ((code, year), by_unit) in enumerate(held(reference_engine).items()):
        values = np.array(list(by_unit.values()))
        digest = hashlib.sha256(np.sort(values).astype("<f8").tobytes()).hexdigest()[:16]
        # Indicators derived or made up by other tests sharing this database are checked live
        # on one voivodeship below; every indicator of the reference is checked nationally.
        national = code in stored_codes
        for k in range(3, 8):
            if national and len(np.unique(values)) >= k:
                entry = stored[(code, year, k)]
                assert entry["values"] == digest, f"{code} {year}: regenerate the reference"
                answer = indicator_map(reference_engine, code, year=year,
                                       method="natural_breaks", k=k)
                assert answer["breaks"] == entry["breaks"], (code, year, k)
                compared += 1
        voivodeship = f"{2 * (i % 16) + 2:02d}"
        part = np.array([v for t, v in by_unit.items() if t.startswith(voivodeship)])
        if len(np.unique(part)) >= 7:
            answer = indicator_map(reference_engine, code, year=year, method="natural_breaks",
                                   k=7, voivodeship=voivodeship)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expected = mapclassify.FisherJenks(part, k=7).bins.tolist()
            assert answer["breaks"] == expected, (code, year, voivodeship)
    assert compared >= 100
