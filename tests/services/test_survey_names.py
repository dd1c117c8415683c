"""Gminas of one name told apart: P01 holds Wysokie Mazowieckie the town (2013011, gmina
miejska) and the rural gmina around it (2013102, gmina wiejska). Survey answers naming either
the way people write it resolve to the right one, and every list of gminas (survey preview
choices, results JSON, CSV, XLSX, GeoJSON, the strategy's own-contribution split) shows two
distinguishable names.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from services.reference.labels import gmina_labels, in_language
from services.strategy import finance
from services.surveys.estimates import survey_map, survey_results
from services.surveys.gminas import GminaResolver, all_gminas, partnership_gminas
from services.surveys.preview import preview_survey
from services.surveys.results_files import results_csv, results_xlsx
from tests.services import survey_exports as gen
from tests.services.test_survey_estimates_db import (
    generate_responses,
    insert_survey,
    mirror_population,
    remove_survey,
)

P = "P01"
TOWN, RURAL = "2013011", "2013102"
NAME = "Wysokie Mazowieckie"
LABELS_PL = {TOWN: "Wysokie Mazowieckie (gmina miejska)",
             RURAL: "Wysokie Mazowieckie (gmina wiejska)"}
LABELS_EN = {TOWN: "Wysokie Mazowieckie (urban gmina)",
             RURAL: "Wysokie Mazowieckie (rural gmina)"}


@pytest.fixture(scope="module")
def members(reference_engine, partnerships_loaded) -> list[dict]:
    with reference_engine.connect() as conn:
        found = partnership_gminas(conn, P)
    twins = sorted(g["teryt"] for g in found if g["name"] == NAME)
    assert twins == [TOWN, RURAL]  # the precondition of every test here
    return found


@pytest.fixture(scope="module")
def resolver(reference_engine, members) -> GminaResolver:
    with reference_engine.connect() as conn:
        return GminaResolver(members, all_gminas(conn))


@pytest.mark.parametrize("written, teryt", [
    ("Wysokie Mazowieckie – miasto", TOWN),
    ("Wysokie Mazowieckie – gmina wiejska", RURAL),
    ("Wysokie Mazowieckie — miasto", TOWN),
    ("Wysokie Mazowieckie — gmina wiejska", RURAL),
    ("Wysokie Mazowieckie - miasto", TOWN),
    ("Wysokie Mazowieckie - gmina wiejska", RURAL),
    ("Wysokie Mazowieckie –miasto", TOWN),
    ("Wysokie Mazowieckie, miasto", TOWN),
    ("Wysokie Mazowieckie, gmina wiejska", RURAL),
    ("Wysokie Mazowieckie (miasto)", TOWN),
    ("Wysokie Mazowieckie (gmina wiejska)", RURAL),
    ("Wysokie Mazowieckie (gm. miejska)", TOWN),
    ("Wysokie Mazowieckie – obszar wiejski", RURAL),
    ("Wysokie Mazowieckie – m.", TOWN),
    ("Wysokie Mazowieckie – gmina", RURAL),
    ("miasto Wysokie Mazowieckie", TOWN),
    ("Gmina wiejska Wysokie Mazowieckie", RURAL),
    ("  WYSOKIE MAZOWIECKIE – MIASTO ", TOWN),
])
def test_names_as_people_write_them_resolve(resolver, written, teryt):
    found = resolver.resolve(written)
    assert (found["teryt"], found["problem"]) == (teryt, None)


def test_the_bare_name_stays_ambiguous_and_names_with_hyphens_are_names(resolver):
    found = resolver.resolve(NAME)
    assert found["teryt"] is None and "ambiguous" in found["problem"]
    assert {c["teryt"] for c in found["candidates"]} == {TOWN, RURAL}
    labels = [str(c["label"]) for c in found["candidates"]]
    assert len(set(labels)) == 2
    # a hyphen without spaces is part of a name, not a qualifier (Kędzierzyn-Koźle)
    assert resolver.resolve("Kędzierzyn-Koźle")["problem"].startswith("not a gmina of")


def test_labels_tell_the_twins_apart_in_either_language(members):
    labels = gmina_labels((g["teryt"], g["name"]) for g in members)
    assert {t: in_language(labels[t], "pl") for t in (TOWN, RURAL)} == LABELS_PL
    assert {t: in_language(labels[t], "en") for t in (TOWN, RURAL)} == LABELS_EN
    unique = [g for g in members if g["name"] != NAME]
    assert unique and all(labels[g["teryt"]] == g["name"] for g in unique)


def test_a_google_forms_export_with_dashes_previews_without_problems(reference_engine,
                                                                     members, tmp_path):
    persons = gen.people(members, 160, seed=31)
    names = {g["teryt"]: g["name"] for g in members}
    names[TOWN], names[RURAL] = f"{NAME} – miasto", f"{NAME} – gmina wiejska"
    path = tmp_path / "ankieta_gforms.csv"
    path.write_text(gen.google_forms(persons, names=names), encoding="utf-8")
    shown = preview_survey(reference_engine, path, P)
    assert shown["problem_count"] == 0, shown["problems"][:3]
    by_value = {g["value"]: g["teryt"] for g in shown["gminas"]}
    assert by_value[f"{NAME} – miasto"] == TOWN
    assert by_value[f"{NAME} – gmina wiejska"] == RURAL
    # The choices of a correction: each twin with its kind and TERYT.
    choices = {g["teryt"]: g["label"] for g in shown["partnership_gminas"]}
    assert in_language(choices[TOWN], "pl") == "Wysokie Mazowieckie (gmina miejska, 2013011)"
    assert in_language(choices[RURAL], "pl") == "Wysokie Mazowieckie (gmina wiejska, 2013102)"


@pytest.fixture(scope="module")
def p01_survey(reference_engine, indicator_reports, partnerships_loaded, data_dir, members):
    people = mirror_population(data_dir, [g["teryt"] for g in members])
    rows = generate_responses(people, 700, seed=41, small=None)
    survey_id = insert_survey(reference_engine, P, "residents", rows,
                              title="Ankieta P01 (wygenerowana)")
    yield survey_id
    remove_survey(reference_engine, survey_id)


def test_results_json_csv_xlsx_and_geojson_name_the_twins_apart(reference_engine, p01_survey):
    result = survey_results(reference_engine, P, p01_survey)
    domains = {d.get("teryt"): d for d in result["domains"] if d["kind"] == "gmina"}
    assert {t: in_language(domains[t]["label"], "pl") for t in (TOWN, RURAL)} == LABELS_PL
    assert {t: str(domains[t]["label"]) for t in (TOWN, RURAL)} == LABELS_EN
    assert all(d["name"] == NAME for t, d in domains.items() if t in (TOWN, RURAL))
    csv_pl = results_csv(result, "pl")
    csv_en = results_csv(result, "en")
    for teryt in (TOWN, RURAL):
        assert f";{LABELS_PL[teryt]};{teryt};" in csv_pl
        assert f";{LABELS_EN[teryt]};{teryt};" in csv_en
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(results_xlsx(result, "pl"))).active
    named = {(r[5], r[6]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert {(LABELS_PL[t], t) for t in (TOWN, RURAL)} <= named
    shapes = survey_map(reference_engine, P, p01_survey, question="plans", option="leave")
    names = {f["id"]: f["properties"]["name"] for f in shapes["features"]}
    assert {t: in_language(names[t], "pl") for t in (TOWN, RURAL)} == LABELS_PL


def test_the_own_contribution_split_names_the_twins_apart(members):
    names = {g["teryt"]: g["name"] for g in members}
    weights = finance.weights_of({TOWN: 60, RURAL: 40})
    money = finance.table(Decimal("0.5"), [{"year": 2027, "category": "works",
                                            "total": Decimal("1000.00"),
                                            "eligible": Decimal("1000.00")}],
                          "entered", weights, names)
    shares = {s["teryt"]: s for s in money["shares"]}
    assert {t: shares[t]["name"] for t in (TOWN, RURAL)} == LABELS_PL
    assert shares[TOWN]["amount"] == Decimal("300.00")
    assert shares[RURAL]["amount"] == Decimal("200.00")


def test_the_strategy_package_of_p01_names_the_twins_apart(reference_engine, members):
    """Through the package the strategy page renders: split by population over P01."""
    from services.planning.area_stats import population_by_gmina
    from services.strategy.model import split_weights

    with reference_engine.connect() as conn:
        people = population_by_gmina(conn, None)[0]
        weights, names = split_weights(conn, P, 0, "population", people)
    money = finance.table(Decimal("0"), [{"year": 2027, "category": "works",
                                          "total": Decimal("1000.00"),
                                          "eligible": Decimal("1000.00")}],
                          "population", weights, names)
    shares = {s["teryt"]: s["name"] for s in money["shares"]}
    assert {t: shares[t] for t in (TOWN, RURAL)} == LABELS_PL
    with reference_engine.connect() as conn:
        count = conn.execute(sa.text(
            "SELECT count(*) FROM partnership_gmina WHERE partnership_id = :p"),
            {"p": P}).scalar_one()
    assert len(shares) == count and len(set(shares.values())) == count
