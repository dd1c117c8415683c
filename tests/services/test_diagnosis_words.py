"""The diagnosis in words a reader of the document understands: sources as formulas with the
catalogue's names, one population row, the years of the change columns, numbered sections,
and the LISA share saying it counts residents."""

from __future__ import annotations

import copy
import re

import pytest
import sqlalchemy as sa

from services.diagnosis import view
from services.diagnosis.compute import diagnose
from services.diagnosis.view import Block, blocks
from tests.services.test_diagnosis import P01, prepare

CODES = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")  # population_thousands, unemployed_per_1000
FILE_NAMES = re.compile(r"\S+\.(?:csv|xlsx|json|gpkg|zip)\b")


@pytest.fixture(scope="module")
def ready(reference_engine, indicator_reports, partnerships_loaded):
    prepare(reference_engine)
    return reference_engine


@pytest.fixture(scope="module")
def model(ready):
    """P01's diagnosis with its fixed sections only: other tests of the suite leave
    consultations and surveys in P01, each adding a numbered section before the sources."""
    diagnosed = diagnose(ready, P01)
    return {k: v for k, v in diagnosed.items() if k not in ("consultations", "surveys")}


def section(out: list[Block], number: int) -> list[Block]:
    start = next(i for i, b in enumerate(out) if b.kind == "h2" and
                 b.text.startswith(f"{number}. "))
    end = next((i for i, b in enumerate(out) if b.kind == "h2" and i > start), len(out))
    return out[start:end]


def test_sources_say_how_in_words_with_catalogue_names(model):
    for lang in ("pl", "en"):
        out = blocks(model, lang, {})
        table = next(b for b in section(out, 8) if b.kind == "table")
        rows = {r[0]: r[2] for r in table.rows}
        for name, how in rows.items():
            # a file's name is a source in its own right (net migration from the flows file)
            assert not CODES.search(FILE_NAMES.sub("", how)), (lang, name, how)
            assert "=" not in how and " x " not in how, (lang, name, how)
    pl = {r[0]: r[2] for r in next(b for b in section(blocks(model, "pl", {}), 8)
                                   if b.kind == "table").rows}
    assert pl["Wskaźnik obciążenia demograficznego"] == (
        "(ludność w wieku przedprodukcyjnym + ludność w wieku poprodukcyjnym) /"
        " ludność w wieku produkcyjnym × 100")
    change = next(v for k, v in pl.items() if k.startswith("Zmiana liczby ludności"))
    assert change.endswith("lata 2021–2024") and "ludność 2024 / ludność 2021" in change
    assert pl["Bezrobotni zarejestrowani na 1000 mieszkańców"].startswith(
        "bezrobotni zarejestrowani / ludność")
    risk = next(v for k, v in pl.items() if "marginalizacj" in k.lower())
    assert risk.startswith("indeks złożony z: bezrobotni zarejestrowani na 1000 mieszkańców;"
                           " zmiana liczby ludności w ciągu 3 lat")
    assert "wartości standaryzowane (z)" in risk and "zscore" not in risk


def test_one_population_row_the_latest_year_held(model, ready):
    with ready.connect() as conn:
        latest = dict(conn.execute(sa.text(
            "SELECT indicator_code, max(year) FROM indicator_value WHERE level = 'gmina'"
            " AND indicator_code IN ('population', 'population_thousands')"
            " GROUP BY 1")).all())
    assert len(latest) == 2 and latest["population"] != latest["population_thousands"]
    rows = [i for i in model["indicators"]
            if i["code"] in ("population", "population_thousands")]
    assert len(rows) == 1
    assert rows[0]["year"] == max(latest.values())
    assert rows[0]["year"] == model["population"]["year"]


def test_change_columns_are_named_by_their_years(model):
    table = next(b for b in section(blocks(model, "pl", {}), 3) if b.kind == "table")
    assert not any("(1)" in h or "(2)" in h for h in table.head)
    mixed = {(i["longest"]["from"], i["longest"]["to"]) for i in model["indicators"]}
    if len(mixed) > 1:  # the real data: series of different lengths, each value dated
        for row, item in zip(table.rows, model["indicators"], strict=True):
            assert row[2].endswith(f"({item['longest']['from']})")
            assert row[3].endswith(f"({item['longest']['to']})")
    same = copy.deepcopy(model)
    for item in same["indicators"]:
        item["longest"].update({"from": 2019, "to": 2024})
    table = next(b for b in section(blocks(same, "pl", {}), 3) if b.kind == "table")
    assert table.head[2:4] == ["Partnerstwo 2019", "Partnerstwo 2024"]
    assert not any("(" in r[2] for r in table.rows)


def test_sections_added_between_seven_and_eight_are_numbered(model, monkeypatch):
    import services.surveys.results_files as survey_files

    monkeypatch.setattr(survey_files, "diagnosis_blocks",
                        lambda surveys, lang, n, block: [block("h2", "Wyniki ankiet"),
                                                         block("p", "…")])
    with_survey = {**model, "surveys": [{"title": "x"}]}
    heads = [b.text for b in blocks(with_survey, "pl", {}) if b.kind == "h2"]
    assert heads[6:9] == ["7. Planowane przedsięwzięcia", "8. Wyniki ankiet",
                          "9. Źródła danych"]
    numbered = [h for h in heads if h != "Braki danych"]
    assert [int(h.split(".")[0]) for h in numbered] == list(range(1, len(numbered) + 1))
    assert view._numbered([Block("h2", "3. X"), Block("h2", "Y")], "Z")[1].text == "2. Y"


def test_lisa_share_counts_residents_and_says_so(model):
    out = blocks(model, "pl", {})
    share = [b.text for b in section(out, 5) if b.kind == "p" and "Udział" in b.text]
    assert share and share[0].startswith(
        "Udział ludności partnerstwa w skupieniach wysokie–wysokie (LISA) wskaźnika"
        " zagrożenia marginalizacją:")
    text = " ".join(b.text + " ".join(" ".join(r) for r in b.rows) for b in section(out, 5))
    lisa_part = text.split("Gorące punkty Gi*")[0]
    assert "gorący" not in lisa_part and "wysoko-" not in lisa_part


@pytest.mark.parametrize(("n", "word"), [(1, "gminę"), (3, "gminy"), (5, "gmin"), (12, "gmin"),
                                         (22, "gminy"), (1131, "gmin")])
def test_the_comparison_group_is_counted_in_polish(model, n, word):
    small = {**model, "group": {**model["group"], "size": n}}
    out = blocks(small, "pl", {})
    rule = next(b.text for b in section(out, 2) if "Grupa porównawcza liczy" in b.text)
    assert f"Grupa porównawcza liczy {n:,}".replace(",", "\u00a0") + f" {word}." in rule
