"""Choropleth classes and the per-database answer cache, on the real indicator data."""

import uuid
import warnings

import mapclassify
import numpy as np
import pytest
import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput, NotFound
from services.analysis.mapdata import indicator_map
from services.db import drop_database, get_engine
from services.indicators.store import gmina_values, list_indicators
from tests.conftest import _copy_of


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
