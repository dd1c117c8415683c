"""Invariants of reading survey cells (no database): choices joined the way Google Forms
joins them split back into the same options, folding is stable, masking is idempotent and
keeps what is not personal data, question kinds are recognised from their values."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.surveys.convert import Options, age_group, economic_group, submitted
from services.surveys.detect import (
    ALL_SCALES,
    NO_OPINION,
    detect_kind,
    fold,
    in_scale_order,
    labelled_numbers,
    split_choices,
)
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


@pytest.mark.parametrize("scale", ALL_SCALES, ids=lambda s: " / ".join(x[0] for x in s))
def test_every_known_scale_is_recognised_in_every_spelling(scale):
    for k in range(max(map(len, scale))):
        spelt = [step[min(k, len(step) - 1)] for step in scale]
        values = [s.upper() for s in reversed(spelt)] * 3 + ["Trudno powiedzieć"]
        found = detect_kind("?", values)
        assert found.kind == "likert", spelt
        assert [o["score"] for o in found.options] == list(range(1, len(scale) + 1))
        assert [fold(o["label"]) for o in found.options] == [fold(s) for s in spelt]
        assert found.no_opinion == {"trudno powiedziec"}


def test_the_walks_scale_is_a_likert_scale_in_scale_order():
    # A Google Forms export lists answers in the order respondents first gave them.
    values = ["Bardzo źle", "Dobrze", "Źle", "Ani dobrze, ani źle", "Trudno powiedzieć",
              "Bardzo dobrze"] * 20
    found = detect_kind("Jak oceniasz komunikację publiczną w gminie?", values)
    assert found.kind == "likert"
    assert [(o["label"], o["score"]) for o in found.options] == [
        ("Bardzo źle", 1), ("Źle", 2), ("Ani dobrze, ani źle", 3), ("Dobrze", 4),
        ("Bardzo dobrze", 5)]
    assert found.no_opinion == {"trudno powiedziec"}


@pytest.mark.parametrize("values, labels", [
    (["Raczej tak", "Zdecydowanie nie", "Zdecydowanie tak", "Raczej nie"],
     ["Zdecydowanie nie", "Raczej nie", "Raczej tak", "Zdecydowanie tak"]),
    (["Średnio", "Bardzo dobrze", "Raczej źle", "Bardzo źle", "Raczej dobrze"],
     ["Bardzo źle", "Raczej źle", "Średnio", "Raczej dobrze", "Bardzo dobrze"]),
    (["Przeciętnie", "Źle", "Dobrze"],
     ["Bardzo źle", "Źle", "Przeciętnie", "Dobrze", "Bardzo dobrze"]),
    (["Zadowolona", "Bardzo niezadowolony", "Ani zadowolony, ani niezadowolony",
      "Bardzo zadowolony(a)", "Niezadowolona"],
     ["Bardzo niezadowolony", "Niezadowolona", "Ani zadowolony, ani niezadowolony",
      "Zadowolona", "Bardzo zadowolony(a)"]),
    (["Ważne", "Zupełnie nieważne", "Bardzo ważne", "Mało ważne", "Średnio ważne"],
     ["Zupełnie nieważne", "Mało ważne", "Średnio ważne", "Ważne", "Bardzo ważne"]),
    (["Tak", "Raczej nie", "Nie", "Raczej tak"], ["Nie", "Raczej nie", "Raczej tak", "Tak"]),
])
def test_common_polish_scales(values, labels):
    found = detect_kind("?", values * 4 + ["Nie wiem"])
    assert found.kind == "likert"
    assert [o["label"] for o in found.options] == labels
    assert [o["score"] for o in found.options] == list(range(1, len(labels) + 1))


def test_numbers_with_words_at_the_ends_are_a_scale():
    values = ["1 – bardzo źle", "2", "3", "4", "5 (bardzo dobrze)", "Trudno powiedzieć"] * 5
    found = detect_kind("Jak oceniasz drogi?", values)
    assert found.kind == "likert"
    assert [(o["code"], o["score"]) for o in found.options] == [
        ("1 – bardzo źle", 1), ("2", 2), ("3", 3), ("4", 4), ("5 (bardzo dobrze)", 5)]
    assert labelled_numbers(["1 - nigdy", "2", "4 - zawsze"])[-1]["score"] == 4
    # counts and ranges are not scales, nor are yes and no alone
    assert detect_kind("Jak często?", ["1-2 razy", "3-4 razy", "5-6 razy"] * 4).kind == "single"
    assert detect_kind("?", ["Tak", "Nie", "Nie wiem"] * 4).kind == "single"
    assert labelled_numbers(["1 - tak", "1 - nie"]) is None


scale_and_values = st.sampled_from(ALL_SCALES).flatmap(lambda scale: st.tuples(
    st.just(scale),
    st.lists(st.integers(0, len(scale) - 1), min_size=2, max_size=len(scale), unique=True),
    st.randoms(use_true_random=False)))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(scale_and_values)
def test_any_part_of_a_scale_keeps_its_order(case):
    scale, steps, rnd = case
    spelt = {i: rnd.choice(scale[i]) for i in steps}
    if {fold(v) for v in spelt.values()} <= {"tak", "nie"}:
        return  # yes and no alone are a choice, not a scale
    values = [spelt[i] for i in steps]
    rnd.shuffle(values)
    found = detect_kind("?", values * 3)
    if len(steps) < 3:  # two steps are a choice: nothing invented, still in the scale's order
        assert found.kind == "single"
        assert [fold(o["label"]) for o in found.options] == [fold(spelt[i])
                                                             for i in sorted(steps)]
        return
    assert found.kind == "likert"
    position = {fold(o["label"]): j for j, o in enumerate(found.options)}
    ranks = [position[fold(spelt[i])] for i in sorted(steps)]
    assert ranks == sorted(ranks)  # the lower step before the higher, however written
    choices = in_scale_order([{"code": v, "label": v, "score": None}
                              for v in values + ["Nie wiem"]])
    shown = [fold(o["label"]) for o in choices]
    assert shown[-1] == "nie wiem"
    assert shown[:-1] == [fold(spelt[i]) for i in sorted(steps)]


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


# The review (finding 1) and the hostile probe (section 3): values as a form exports them.
@pytest.mark.parametrize("values, kind, labels", [
    # counts have a word at every number: a choice, not a 1-5 scale (listed by their numbers)
    (["3 osoby", "1 osoba", "5 osób", "2 osoby", "4 osoby"], "single",
     ["1 osoba", "2 osoby", "3 osoby", "4 osoby", "5 osób"]),
    (["2 razy w tygodniu", "1 raz", "4 razy w tygodniu", "3 razy w tygodniu"], "single",
     ["1 raz", "2 razy w tygodniu", "3 razy w tygodniu", "4 razy w tygodniu"]),
    (["Nie wiem", "10 osób i więcej", "1 osoba", "2 osoby", "3 osoby", "4 osoby"], "single",
     ["1 osoba", "2 osoby", "3 osoby", "4 osoby", "10 osób i więcej", "Nie wiem"]),
    # a scale holds the answers of the file, nothing invented between them
    (["Good", "Very poor", "Excellent", "Fair", "Poor"], "likert",
     ["Very poor", "Poor", "Fair", "Good", "Excellent"]),
    # two steps are a choice: no empty "Zdecydowanie" ends
    (["Raczej tak", "Raczej nie"], "single", ["Raczej nie", "Raczej tak"]),
    # frequency and importance, in the order they come in a file
    (["Czasami", "Rzadko", "Często", "Zawsze", "Nigdy"], "likert",
     ["Nigdy", "Rzadko", "Czasami", "Często", "Zawsze"]),
    (["Sometimes", "Always", "Never", "Often", "Rarely"], "likert",
     ["Never", "Rarely", "Sometimes", "Often", "Always"]),
    (["Ważne", "Bardzo ważne", "Nieważne", "Mało ważne"], "likert",
     ["Nieważne", "Mało ważne", "Ważne", "Bardzo ważne"]),
    (["Raczej ważne", "Bardzo ważne", "Zupełnie nieważne", "Ani ważne, ani nieważne",
      "Raczej nieważne"], "likert",
     ["Zupełnie nieważne", "Raczej nieważne", "Ani ważne, ani nieważne", "Raczej ważne",
      "Bardzo ważne"]),
    (["Good", "Excellent", "Poor", "Very good", "Fair"], "likert",
     ["Poor", "Fair", "Good", "Very good", "Excellent"]),
    # what worked stays: numbers labelled at the ends, the walk's scale, yes and no
    (["5 – bardzo dobrze", "3", "1 – bardzo źle", "2", "4"], "likert",
     ["1 – bardzo źle", "2", "3", "4", "5 – bardzo dobrze"]),
    (["Dobrze", "Bardzo źle", "Trudno powiedzieć", "Ani dobrze, ani źle", "Źle",
      "Bardzo dobrze"], "likert",
     ["Bardzo źle", "Źle", "Ani dobrze, ani źle", "Dobrze", "Bardzo dobrze"]),
    (["Tak", "Nie"], "single", None),
    # words at every number are a scale only when they are a known scale's steps in order
    (["4 - Dobrze", "1 - Bardzo źle", "3 - Ani dobrze, ani źle", "2 - Źle",
      "5 - Bardzo dobrze"], "likert",
     ["1 - Bardzo źle", "2 - Źle", "3 - Ani dobrze, ani źle", "4 - Dobrze", "5 - Bardzo dobrze"]),
    (["1 - Dobrze", "2 - Źle", "3 - Bardzo dobrze"], "single", None),
])
def test_probe_and_review_cases(values, kind, labels):
    found = detect_kind("Pytanie", values * 6)
    assert found.kind == kind
    if labels is not None:
        assert [o["label"] for o in found.options] == labels
    if kind == "likert":
        assert [o["score"] for o in found.options] == list(range(1, len(labels) + 1))
    else:
        assert all(o["score"] is None for o in found.options)
        assert {o["label"] for o in found.options} == set(values)


NOUNS = ("osoba", "osoby", "osób", "raz", "razy", "razy w tygodniu", "dzieci", "km",
         "samochody", "pokoje", "lat", "times", "people")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, 10), st.sampled_from(NOUNS),
                          st.sampled_from((" ", " - ", "-", ". "))),
                min_size=1, max_size=10, unique_by=lambda t: t[0]),
       st.sampled_from(("Ile osób?", "Jak często?", "Oceń w skali 1-5", "?")))
def test_counts_are_never_a_scale(counted, question):
    values = [f"{n}{sep}{noun}" for n, noun, sep in counted]
    found = detect_kind(question, values * 3)
    assert found.kind != "likert"
    assert labelled_numbers(values) is None
    if found.kind == "single":  # listed by their numbers, whatever the file's order
        assert [o["label"] for o in found.options] == [
            f"{n}{sep}{noun}".strip() for n, noun, sep in sorted(counted)]


def _fitting(scale, answers: set[str]) -> dict | None:
    """Folded spelling -> step of ``scale`` (all its spellings), if every answer is a step."""
    step = {fold(w): i for i, spellings in enumerate(scale) for w in spellings}
    return step if answers <= set(step) else None


# Steps of one scale, each in some spelling, and a few strays: another scale's words, no
# opinion, yes and no, anything else.
mixed_answers = st.tuples(
    st.sampled_from(ALL_SCALES).flatmap(lambda scale: st.lists(
        st.integers(0, len(scale) - 1), min_size=1, max_size=len(scale), unique=True).flatmap(
            lambda steps: st.tuples(*(st.sampled_from(scale[i]) for i in steps)).map(list))),
    st.lists(st.sampled_from(
        [w for scale in ALL_SCALES for step in scale for w in step]
        + ["Trudno powiedzieć", "Nie wiem", "Tak", "Nie", "Inne"]), max_size=2),
).map(lambda parts: parts[0] + parts[1])


@settings(max_examples=400, deadline=None, derandomize=True)
@given(mixed_answers, st.sampled_from((str, str.upper, str.lower)))
def test_a_recognised_scale_invents_nothing_and_scores_in_order(answers, case):
    """Whatever mixture of scale words a column holds: if it is read as a scale, there is a
    known scale whose steps hold every answer; the options are answers or that scale's steps
    (none two of one step), in its order, scored by its steps 1..k."""
    found = detect_kind("?", [case(a) for a in answers] * 3)
    if found.kind != "likert":
        return
    present = {fold(a) for a in answers} - NO_OPINION
    assert len(present) >= 3
    labels = [fold(o["label"]) for o in found.options]
    scores = [o["score"] for o in found.options]
    assert scores == sorted(set(scores)) and scores[0] >= 1
    assert present <= set(labels)
    witnesses = []
    for scale in ALL_SCALES:
        step = _fitting(scale, set(labels))
        if step is None or len(scale) != scores[-1]:
            continue
        if [step[f] + 1 for f in labels] == scores and \
                {step[f] for f in labels} == set(range(len(scale))):
            witnesses.append(scale)
    assert witnesses, labels
