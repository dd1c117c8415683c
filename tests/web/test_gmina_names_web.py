"""Through the app: P01's two gminas called Wysokie Mazowieckie (2013011 the town, 2013102 the
rural gmina) read differently in the survey results' JSON, CSV and GeoJSON, in the reader's
language, and the strategy page's own-contribution split."""

from __future__ import annotations

import pytest

from tests.services.test_survey_estimates_db import (
    generate_responses,
    insert_survey,
    mirror_population,
    remove_survey,
)

P = "P01"
TOWN, RURAL = "2013011", "2013102"
PL = {TOWN: "Wysokie Mazowieckie (gmina miejska)", RURAL: "Wysokie Mazowieckie (gmina wiejska)"}
EN = {TOWN: "Wysokie Mazowieckie (urban gmina)", RURAL: "Wysokie Mazowieckie (rural gmina)"}


@pytest.fixture(scope="module")
def survey(reference_engine, indicator_reports, partnerships_loaded, accounts, data_dir):
    from services.surveys.gminas import partnership_gminas

    with reference_engine.connect() as conn:
        gminas = [g["teryt"] for g in partnership_gminas(conn, P)]
    assert {TOWN, RURAL} <= set(gminas)
    rows = generate_responses(mirror_population(data_dir, gminas), 700, seed=43, small=None)
    survey_id = insert_survey(reference_engine, P, "residents", rows,
                              title="Ankieta P01 (wygenerowana, www)")
    yield survey_id
    remove_survey(reference_engine, survey_id)


def test_results_name_the_twins_apart_in_json_csv_and_geojson(expert, survey):
    api = f"/api/v1/partnerships/{P}/surveys/{survey}"
    body = expert.get(api + "/results?lang=pl").get_json()
    labels = {d["teryt"]: d["label"] for d in body["domains"] if d["kind"] == "gmina"}
    assert {t: labels[t] for t in (TOWN, RURAL)} == PL
    english = expert.get(api + "/results?lang=en").get_json()
    assert {d["teryt"]: d["label"] for d in english["domains"]
            if d.get("teryt") in (TOWN, RURAL)} == EN
    # (?lang=en is kept in a cookie: Polish asked for again)
    text = expert.get(api + "/results?format=csv&lang=pl").get_data().decode("utf-8")
    for teryt, label in PL.items():
        assert f";{label};{teryt};" in text
    shapes = expert.get(api + "/gminas.geojson?question=plans&option=leave").get_json()
    names = {f["id"]: f["properties"]["name"] for f in shapes["features"]}
    assert {t: names[t] for t in (TOWN, RURAL)} == PL
    page = expert.get(f"/partnerships/{P}/surveys/{survey}?lang=pl").get_data(as_text=True)
    for teryt, label in PL.items():
        assert f'data-domain="gmina:{teryt}"><th scope="row">{label}' in page
