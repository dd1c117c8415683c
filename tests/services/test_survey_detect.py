"""Invariants of reading survey cells (no database): choices joined the way Google Forms
joins them split back into the same options, folding is stable, masking is idempotent and
keeps what is not personal data, question kinds are recognised from their values."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from services.surveys.convert import Options, age_group, economic_group, submitted
from services.surveys.detect import SCALES, detect_kind, fold, split_choices
from services.surveys.privacy import mask_personal_data

label = st.text(alphabet=st.characters(whitelist_categories=("L", "N"),
                                       whitelist_characters=" ,-ąęłóśżźćńĄĘŁÓŚŻŹĆŃ"),
                min_size=1, max_size=30).map(str.strip).filter(
                    lambda s: s and not s.startswith(",") and not s.endswith(",")
                    and ",," not in s and ", ," not in s)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(label, min_size=1, max_size=6, unique=True), st.data())
def test_joined_choices_split_back_into_the_options(options, data):
    # Options that hold ", " themselves must not be prefixes of each other's joins.
    chosen = data.draw(st.lists(st.sampled_from(options), min_size=1, unique=True))
    joined = ", ".join(chosen)
    parts = split_choices(joined, ", ", options)
    assert ", ".join(parts) == joined.strip()
    if not any("," in o for o in options):
        assert parts == [c.strip() for c in chosen]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=60))
def test_fold_is_stable_and_matches_options(text):
    assert fold(fold(text)) == fold(text)
    options = Options([{"code": "A1", "label": text or "x", "score": None}])
    assert options.find((text or "x").upper()) is not None or fold(
        (text or "x").upper()) != fold(text or "x")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=80))
def test_masking_is_idempotent(text):
    once = mask_personal_data(text)
    assert mask_personal_data(once) == once


def test_every_known_scale_is_recognised_in_any_spelling():
    for scale in SCALES:
        values = [s.upper() for s in scale] * 3 + ["Trudno powiedzieć"]
        found = detect_kind("?", values)
        assert found.kind == "likert", scale
        assert [o["score"] for o in found.options] == list(range(1, len(scale) + 1))


def test_kinds_from_values():
    assert detect_kind("Ile osób?", ["1", "2", "3,5", "-4"]).kind == "number"
    assert detect_kind("Oceń w skali 1-5", ["1", "2", "5"]).kind == "likert"
    assert detect_kind("Q", ["A1", "A2", "A1", "A3"]).kind == "single"
    essay = [f"Brakuje chodnika przy ulicy nr {i}, a autobus jeździ rzadko" for i in range(30)]
    assert detect_kind("Uwagi", essay, multi_separator=", ").kind == "text"
    assert detect_kind("Uwagi", ["x" * 150]).kind == "text"


def test_economic_age_groups_follow_gus():
    assert [economic_group(a, "f") for a in (17, 18, 59, 60, 64, 65)] == [
        "pre_working", "working", "working", "post_working", "post_working", "post_working"]
    assert [economic_group(a, "m") for a in (60, 64, 65)] == ["working", "working",
                                                             "post_working"]
    assert economic_group(62, None) is None
    assert age_group("18-24", None) == "working" and age_group("65+", None) == "post_working"
    assert age_group("poniżej 18 lat", None) == "pre_working"
    assert age_group("55-64", "m") == "working" and age_group("55-64", "f") is None
    assert age_group("wiek przedprodukcyjny", None) == "pre_working"


def test_submission_times_of_each_tool():
    assert submitted("2024-03-15 10:23:45").isoformat() == "2024-03-15T10:23:45+01:00"
    assert submitted("2024-07-15 10:23:45").isoformat() == "2024-07-15T10:23:45+02:00"
    assert submitted("2024/03/15 10:23:45 PM GMT+1").isoformat() == \
        "2024-03-15T22:23:45+01:00"
    assert submitted("15.03.2024 10:23:45").isoformat() == "2024-03-15T10:23:45+01:00"
    assert submitted("2024-03-15T09:23:45", utc=True).isoformat() == \
        "2024-03-15T09:23:45+00:00"
