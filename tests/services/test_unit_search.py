"""Searching gminas and powiats by name (with or without Polish letters) or by TERYT."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import BadRequest
from services.reference.units import SEARCH_LIMIT_MAX, fold, search_units


@pytest.fixture(scope="module")
def mirror_gminas(boundaries_dir):
    features = json.loads((boundaries_dir / "gminy.geojson").read_text())["features"]
    return {f["properties"]["terc"]: f["properties"]["name"] for f in features}


def test_lodz_without_diacritics_finds_lodz_first(reference_engine):
    hits = search_units(reference_engine, "lodz")
    assert hits[0]["teryt"] == "1061011" and hits[0]["name"] == "Łódź"
    assert hits[0]["level"] == "gmina" and hits[0]["voivodeship"] == "łódzkie"
    west, south, east, north = hits[0]["bbox"]
    assert 19.3 < west < east < 19.7 and 51.6 < south < north < 51.9  # Łódź lies there


def test_every_gmina_whose_name_holds_the_query_is_found(reference_engine, mirror_gminas):
    # Recomputed from the mirror file: every gmina whose folded name contains "wola".
    expected = {code for code, name in mirror_gminas.items() if "wola" in fold(name)}
    hits = search_units(reference_engine, "WOLA", limit=SEARCH_LIMIT_MAX)
    found = {h["teryt"] for h in hits if h["level"] == "gmina"}
    assert found == expected and len(expected) > 5
    # Names that start with the query come first.
    starts = [fold(h["name"]).startswith("wola") for h in hits]
    assert starts == sorted(starts, reverse=True)


def test_teryt_prefix_finds_the_powiat_and_its_gminas(reference_engine, mirror_gminas,
                                                      boundaries_dir):
    powiats = {f["properties"]["terc"]: f["properties"]["name"] for f in json.loads(
        (boundaries_dir / "powiaty.geojson").read_text())["features"]}
    hits = search_units(reference_engine, "2013", limit=SEARCH_LIMIT_MAX)
    assert hits[0] == {**hits[0], "level": "powiat", "teryt": "2013"}
    gminas = {h["teryt"] for h in hits if h["level"] == "gmina"}
    assert gminas == {c for c in mirror_gminas if c.startswith("2013")}
    exact = search_units(reference_engine, "2013023")
    assert [h["name"] for h in exact] == ["Ciechanowiec"]
    assert exact[0]["powiat"] == powiats["2013"]


@pytest.mark.parametrize("query, limit, reason", [
    ("", 10, "q must not be empty"), ("   ", 10, "q must not be empty"),
    ("x" * 101, 10, "at most 100"), ("lodz", 0, "limit must be between 1 and 50"),
    ("lodz", 51, "limit must be between 1 and 50")])
def test_bad_queries_are_refused_with_the_reason(reference_engine, query, limit, reason):
    with pytest.raises(BadRequest, match=reason):
        search_units(reference_engine, query, limit=limit)


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_any_text_is_a_literal_query_never_an_error(reference_engine, text):
    # LIKE wildcards, quotes and NUL-free unicode are searched for literally.
    text = text.replace("\x00", " ")  # NUL cannot be in a name: searched as a space
    if not text.strip():
        with pytest.raises(BadRequest, match="q must not be empty"):
            search_units(reference_engine, text)
        return
    hits = search_units(reference_engine, text, limit=5)
    assert len(hits) <= 5
    folded = fold(" ".join(text.split()))
    for h in hits:
        assert folded in fold(h["name"]) or h["teryt"].startswith(folded)


def test_search_reads_only(reference_engine):
    with reference_engine.connect() as conn:
        before = conn.execute(sa.text("SELECT count(*) FROM gmina")).scalar_one()
    search_units(reference_engine, "%")
    with reference_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM gmina")).scalar_one() == before
