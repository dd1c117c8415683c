"""Survey results on the web: JSON, CSV, GeoJSON, the page, the youth comparison, the
browser (390 x 844, keyboard), and suppression in every one of them.

The responses are generated with fixed seeds (no real survey microdata exists) and inserted
into the tables of migration 0010; the expected numbers are recomputed from those rows and
from the mirror's files.
"""

from __future__ import annotations

import csv
import io
import json
import re

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from tests.services.test_survey_estimates_db import (
    PID,
    SMALL,
    _complementary_gmina,
    generate_responses,
    insert_survey,
    mirror_age_groups,
    mirror_population,
    remove_survey,
)
from tests.web.conftest import browser_sign_in, sign_in

YOUTH_QUESTIONS = [
    ("future", "Gdzie widzisz siebie za 10 lat?", "single",
     [{"code": "here", "label": "W mojej gminie", "score": None},
      {"code": "city", "label": "Wyjadę do większego miasta", "score": None},
      {"code": "abroad", "label": "Wyjadę za granicę", "score": None},
      {"code": "dunno", "label": "Nie wiem", "score": None}]),
    ("school", "Czy jesteś zadowolony ze szkoły?", "likert",
     [{"code": str(s), "label": str(s), "score": s} for s in range(1, 6)]),
]


@pytest.fixture(scope="module")
def gminas(reference_engine, partnerships_loaded) -> list[str]:
    with reference_engine.connect() as conn:
        return list(conn.execute(sa.text(
            "SELECT gmina_teryt FROM partnership_gmina WHERE partnership_id = :p ORDER BY 1"),
            {"p": PID}).scalars())


@pytest.fixture(scope="module")
def surveys(reference_engine, indicator_reports, partnerships_loaded, accounts, data_dir,
            gminas):
    from services.indicators import derived

    derived.net_migration(reference_engine, data_dir / "flows" / "migration_gmina_2023.csv",
                          2023)
    people = mirror_population(data_dir, gminas)
    residents_rows = generate_responses(people, 600, seed=21)
    residents = insert_survey(reference_engine, PID, "residents", residents_rows)
    rng = np.random.default_rng(22)
    youth_rows = []
    young = mirror_age_groups(data_dir, gminas)["pre_working"]
    for i, g in enumerate(rng.choice(gminas, size=500, p=(young / young.sum()).to_numpy())):
        k = gminas.index(g)
        leave = 0.2 + 0.05 * k
        answer = str(rng.choice(["here", "city", "abroad", "dunno"],
                                p=[0.8 - leave, leave * 0.6, leave * 0.4, 0.2]))
        youth_rows.append({"response_id": f"y{i:04d}", "gmina": str(g),
                           "age_group": "pre_working", "submitted_at": "2026-05-10T09:00:00Z",
                           "answers": {"future": answer, "school": int(rng.integers(1, 6))}})
    # One gmina with 4 young respondents only: suppressed in the table and the scatter.
    youth_rows = [r for r in youth_rows if r["gmina"] != SMALL] + [
        {"response_id": f"s{i}", "gmina": SMALL, "age_group": "pre_working",
         "submitted_at": "2026-05-11T09:00:00Z", "answers": {"future": "city", "school": 3}}
        for i in range(4)]
    youth = insert_survey(reference_engine, PID, "youth", youth_rows,
                          questions=YOUTH_QUESTIONS, title="Ankieta młodzieżowa (wygenerowana)")
    yield {"residents": residents, "residents_rows": residents_rows, "youth": youth,
           "youth_rows": youth_rows}
    remove_survey(reference_engine, residents)
    remove_survey(reference_engine, youth)


def url(survey_id: int, tail: str = "results") -> str:
    return f"/api/v1/partnerships/{PID}/surveys/{survey_id}/{tail}"


def test_api_json_suppresses_the_small_gmina(expert, surveys):
    body = expert.get(url(surveys["residents"])).get_json()
    assert body["survey"]["responses"] == 600
    small = [r for q in body["questions"] for r in q["results"]
             if r["domain"] == f"gmina:{SMALL}"]
    assert small and all(r["suppressed"] and r["estimate"] is None and r["n"] is None
                         for r in small)
    whole = [r for q in body["questions"] for r in q["results"] if r["domain"] == "partnership"]
    assert whole and not any(r["suppressed"] for r in whole)
    # No subtraction isolates the small gmina: what the partnership holds beyond the shown
    # gminas is the pooled answers of 10 or more respondents (complementary suppression).
    for q in body["questions"]:
        by_measure = {}
        for r in q["results"]:
            by_measure.setdefault((r["measure"], r["option"]), []).append(r)
        for rows in by_measure.values():
            total = next(r["n"] for r in rows if r["domain"] == "partnership")
            shown = sum(r["n"] for r in rows if r["domain"].startswith("gmina:")
                        and not r["suppressed"])
            assert total - shown == 0 or total - shown >= 10
    # Why each is withheld: SMALL for its own few answers, its partner only to protect it.
    partner = _complementary_gmina(surveys["residents_rows"])
    reasons = {d["key"]: d["suppressed_reason"] for d in body["domains"]}
    assert reasons[f"gmina:{SMALL}"] == "too_few"
    assert reasons[f"gmina:{partner}"] == "complementary"
    assert {k for k, v in reasons.items() if v} == {f"gmina:{SMALL}", f"gmina:{partner}"}
    plans = next(q for q in body["questions"] if q["code"] == "plans")
    assert {r["suppressed_reason"] for r in plans["results"]
            if r["domain"] == f"gmina:{partner}"} == {"complementary"}
    assert {r["suppressed_reason"] for r in plans["results"]
            if r["domain"] == f"gmina:{SMALL}"} == {"too_few"}
    one = expert.get(url(surveys["residents"]) + "?question=plans&domain=partnership")
    assert one.status_code == 200
    assert [len(q["results"]) for q in one.get_json()["questions"]] == [3]


def test_api_refuses_bad_parameters_and_strangers(app, expert, anonymous, surveys):
    bad = expert.get(url(surveys["residents"]) + "?question=nope")
    assert bad.status_code == 400 and "question" in bad.get_json()["detail"]
    assert expert.get(url(surveys["residents"]) + "?format=pdf").status_code == 400
    assert expert.get(url(surveys["residents"], "gminas.geojson")).status_code == 400
    assert anonymous.get(url(surveys["residents"])).status_code == 401
    other = app.test_client()
    sign_in(other, "expert2@test.pl")  # P04 only
    assert other.get(url(surveys["residents"])).status_code == 404
    assert expert.get(f"/api/v1/partnerships/P01/surveys/{surveys['residents']}/results"
                      ).status_code == 404


def test_csv_for_polish_excel_writes_suppressed_as_a_word(expert, surveys, data_dir, gminas):
    response = expert.get(url(surveys["residents"]) + "?format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    head = rows[0]
    estimate, low, n = (head.index("Oszacowanie"), head.index("Dolna granica 95% przedziału"),
                        head.index("Liczba odpowiedzi"))
    small = [r for r in rows[1:] if r[head.index("Kod TERYT")] == SMALL]
    assert small and all(r[estimate].startswith("utajnione") and r[low].startswith("utajnione")
                         and r[n].startswith("utajnione") for r in small)
    assert not any(r[estimate] in ("0", "", "0,0") for r in small)
    assert all(r[estimate] == "utajnione (mniej niż 10 odpowiedzi)" for r in small)
    partner = _complementary_gmina(surveys["residents_rows"])
    hidden = [r for r in rows[1:] if r[head.index("Kod TERYT")] == partner
              and r[head.index("Kod pytania")] == "plans"]
    assert hidden and all(r[estimate] == r[n] == "utajnione, by nie ujawnić małej gminy"
                          for r in hidden)
    # The partnership's share of "leave", in per cent with a decimal comma, recomputed.
    rows_of = surveys["residents_rows"]
    people = mirror_population(data_dir, gminas)
    ages = mirror_age_groups(data_dir, gminas)
    targets = ages.div(ages.sum(axis=1), axis=0).mul(people, axis=0)
    counts = pd.Series([(r["gmina"], r["age_group"]) for r in rows_of]).value_counts()
    collapsed = {g for g in gminas if any(counts.get((g, a), 0) < 5 for a in ages.columns)}
    gmina_counts = pd.Series([r["gmina"] for r in rows_of]).value_counts()
    w = np.array([targets.loc[r["gmina"]].sum() / gmina_counts[r["gmina"]]
                  if r["gmina"] in collapsed else
                  targets.loc[r["gmina"], r["age_group"]] / counts[(r["gmina"], r["age_group"])]
                  for r in rows_of])
    if w.max() <= 5 * np.median(w):  # no trimming in this seeded sample
        leave = np.array([r["answers"]["plans"] == "leave" for r in rows_of], dtype=float)
        expected = round((w * leave).sum() / w.sum() * 100, 2)
        line = next(r for r in rows[1:] if r[head.index("Kod pytania")] == "plans"
                    and r[head.index("Rodzaj obszaru")] == "partnerstwo"
                    and r[head.index("Odpowiedź")] == "Wyjadę z gminy")
        assert line[estimate] == f"{expected:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    english = expert.get(url(surveys["residents"]) + "?format=csv&lang=en").get_data()
    assert b"suppressed (fewer than 10 answers)" in english
    assert b"suppressed so as not to reveal a small gmina" in english
    xlsx = expert.get(url(surveys["residents"]) + "?format=xlsx&lang=pl")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    teryt = values[0].index("Kod TERYT")
    assert all(str(r[teryt + 1]).startswith("utajnione") for r in values[1:] if r[teryt] == SMALL)


def test_geojson_of_the_gminas_hatches_the_small_one(expert, surveys, gminas):
    response = expert.get(url(surveys["residents"], "gminas.geojson")
                          + "?question=plans&option=leave")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/geo+json")
    body = response.get_json()
    features = {f["id"]: f["properties"] for f in body["features"]}
    assert sorted(features) == gminas
    assert features[SMALL]["suppressed"] and features[SMALL]["estimate"] is None \
        and features[SMALL]["class"] is None
    legend = body["legend"]
    withheld = sum(1 for p in features.values() if p["suppressed"])
    assert withheld == 2  # the small gmina and the one withheld with it (complementary)
    assert legend["suppressed"] == withheld
    assert sum(c["count"] for c in legend["classes"]) == len(gminas) - withheld
    partner = _complementary_gmina(surveys["residents_rows"])
    assert features[SMALL]["suppressed_reason"] == "too_few"
    assert features[partner]["suppressed"]
    assert features[partner]["suppressed_reason"] == "complementary"
    assert legend["suppressed_reasons"] == {"too_few": 1, "complementary": 1}
    for p in features.values():
        if not p["suppressed"]:
            c = legend["classes"][p["class"]]
            assert c["from"] <= p["estimate"] <= c["to"]
            assert p["ci_low"] <= p["estimate"] <= p["ci_high"]
    mean = expert.get(url(surveys["residents"], "gminas.geojson")
                      + "?question=satisfaction&option=mean").get_json()
    assert mean["legend"]["classes"][0]["from"] == 1 and mean["legend"]["classes"][-1]["to"] == 5


def test_page_shows_suppressed_cells_and_masks_open_answers(app, expert, surveys):
    html = expert.get(f"/partnerships/{PID}/surveys/{surveys['residents']}").get_data(
        as_text=True)
    row = html.split(f'data-domain="gmina:{SMALL}"')[1].split("</tr>")[0]
    assert "za mało odpowiedzi" in row and "%" not in row
    partner = _complementary_gmina(surveys["residents_rows"])
    hidden = html.split(f'data-domain="gmina:{partner}"')[1].split("</tr>")[0]
    assert "ukryte, by nie ujawnić małej gminy" in hidden and "za mało odpowiedzi" not in hidden
    assert "dałoby się wyliczyć wynik gminy" in html
    assert "[e-mail]" in html and "jan.kowalski@example.pl" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    office = app.test_client()
    sign_in(office, "marshal20@test.pl")  # reads podlaskie's partnerships, changes nothing
    seen = office.get(f"/partnerships/{PID}/surveys/{surveys['residents']}").get_data(
        as_text=True)
    assert "[e-mail]" not in seen and "drogi" not in seen
    english = expert.get(f"/partnerships/{PID}/surveys/{surveys['residents']}?lang=en")
    assert "too few answers" in english.get_data(as_text=True)


def test_youth_share_leaving_against_net_migration(expert, surveys, reference_engine, gminas,
                                                    data_dir):
    body = expert.get(url(surveys["youth"], "youth")).get_json()
    assert body["detected"] and body["question"]["code"] == "future"
    assert sorted(body["leave"]) == ["abroad", "city"]
    rows = {r["domain"]: r for r in body["rows"]}
    assert rows[f"gmina:{SMALL}"]["suppressed"] and rows[f"gmina:{SMALL}"]["estimate"] is None
    # Net migration per 1,000 recomputed from the flows and the population of 2023.
    flows = pd.read_csv(data_dir / "flows" / "migration_gmina_2023.csv",
                        dtype={"kod_origin": str, "kod_dest": str})
    with reference_engine.connect() as conn:
        stored = dict(conn.execute(sa.text(
            "SELECT teryt, value FROM indicator_value WHERE indicator_code ="
            " 'net_migration_per_1000' AND year = 2023 AND teryt = ANY(:t)"),
            {"t": gminas}).all())
    for g in gminas:
        inflow = flows.loc[flows["kod_dest"].str[:6] == g[:6], "no"].sum()
        outflow = flows.loc[flows["kod_origin"].str[:6] == g[:6], "no"].sum()
        assert rows[f"gmina:{g}"]["net_migration_per_1000"] == pytest.approx(stored[g])
        assert np.sign(stored[g]) == np.sign(inflow - outflow)
    # Youth weights: pre-working residents of 2019 over respondents, per gmina.
    young = mirror_age_groups(data_dir, gminas)["pre_working"]
    g = gminas[0]
    mine = [r for r in surveys["youth_rows"] if r["gmina"] == g]
    share = np.mean([r["answers"]["future"] in ("city", "abroad") for r in mine])
    assert rows[f"gmina:{g}"]["estimate"] == pytest.approx(share)  # equal weights in a gmina
    counts = pd.Series([r["gmina"] for r in surveys["youth_rows"]]).value_counts()
    w = np.array([young[r["gmina"]] / counts[r["gmina"]] for r in surveys["youth_rows"]])
    if w.max() <= 5 * np.median(w):
        y = np.array([r["answers"]["future"] in ("city", "abroad")
                      for r in surveys["youth_rows"]], dtype=float)
        assert rows["partnership"]["estimate"] == pytest.approx((w * y).sum() / w.sum())
    shown = [r for r in body["rows"] if r["kind"] == "gmina" and not r["suppressed"]]
    assert body["correlation"]["gminas"] == len(shown)
    explicit = expert.get(url(surveys["youth"], "youth") + "?question=future&leave=abroad")
    assert explicit.get_json()["leave"] == ["abroad"] and not explicit.get_json()["detected"]
    assert expert.get(url(surveys["youth"], "youth") + "?question=future&leave=nope"
                      ).status_code == 400
    assert expert.get(url(surveys["youth"], "youth") + "?question=school").status_code == 400


def test_youth_page_has_table_and_scatter(expert, surveys):
    html = expert.get(f"/partnerships/{PID}/surveys/{surveys['youth']}").get_data(as_text=True)
    assert 'id="youth-table"' in html and 'id="youth-scatter"' in html
    row = html.split('id="youth-table"')[1].split(f'data-domain="gmina:{SMALL}"')[1]
    assert "za mało odpowiedzi" in row.split("</tr>")[0]
    # The page's check boxes send ?leave=a&leave=b; the boxes follow the answer.
    chosen = expert.get(f"/partnerships/{PID}/surveys/{surveys['youth']}"
                        "?question=future&leave=abroad").get_data(as_text=True)
    assert 'value="abroad" checked' in chosen and 'value="city" checked' not in chosen


def test_browser_at_390_by_keyboard(browser, live_url, surveys):
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        browser_sign_in(page, live_url)
        page.goto(f"{live_url}/partnerships/{PID}/surveys/{surveys['residents']}")
        page.wait_for_selector("#survey-results[data-map-ready]", timeout=20_000)
        assert page.locator("figure.survey-chart svg.bars").count() == 4
        assert page.locator("figure.survey-chart line.whisker").count() > 0
        assert page.locator("path.survey-suppressed").count() == 2  # small + complementary
        # one gmina for its few answers, one to protect it, said apart; "1 gmina", not "1 gmin"
        too_few = page.locator("#survey-legend li[data-reason=too_few]")
        other = page.locator("#survey-legend li[data-reason=complementary]")
        assert too_few.get_attribute("data-suppressed") == "1"
        assert other.get_attribute("data-suppressed") == "1"
        assert too_few.inner_text().endswith("(1 gmina)")
        assert "małej gminy" not in too_few.inner_text()
        assert "mniej niż 10" in other.inner_text()
        counts = page.locator("#survey-legend li:not([data-reason])").all_inner_texts()
        assert counts and all(re.search(r"\((\d+) (gmina|gminy|gmin)\)$", t) for t in counts)
        for text in counts:
            k, word = re.search(r"\((\d+) (\w+)\)$", text).groups()
            k = int(k)
            assert word == ("gmina" if k == 1 else "gminy" if k % 10 in (2, 3, 4)
                            and k % 100 not in (12, 13, 14) else "gmin"), text
        # Keyboard only: focus the measure select, pick the next answer with the arrow key.
        page.focus("#map-question")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "map-option"
        before = page.locator("#survey-results").get_attribute("data-map-ready")
        page.keyboard.press("ArrowDown")
        page.wait_for_function(
            "b => document.getElementById('survey-results').dataset.mapReady !== b",
            arg=before, timeout=15_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        assert not errors
        assert all(u.startswith(live_url) or u.startswith("data:") for u in requests)
    finally:
        context.close()


def test_workspace_data_are_not_shown_to_anonymous_visitors(anonymous, surveys):
    response = anonymous.get(f"/partnerships/{PID}/surveys/{surveys['residents']}")
    assert response.status_code in (302, 401)
    body = json.dumps(anonymous.get(url(surveys["residents"], "youth")).get_json())
    assert "estimate" not in body


def test_page_runs_under_the_csp(browser, live_url, surveys):
    import time

    context = browser.new_context()  # the policy applies here
    page = context.new_page()
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    try:
        browser_sign_in(page, live_url)
        page.goto(f"{live_url}/partnerships/{PID}/surveys/{surveys['youth']}")
        deadline = time.monotonic() + 20
        # page.evaluate runs through the DevTools protocol, which the CSP does not govern.
        while time.monotonic() < deadline and not page.evaluate(
                "!!document.getElementById('survey-results').dataset.mapReady"):
            time.sleep(0.1)
        assert page.evaluate("!!document.getElementById('survey-results').dataset.mapReady")
        assert page.evaluate("document.querySelectorAll('#youth-scatter circle.dot').length") \
            == 7  # nine gminas: the small one and the one withheld with it are not drawn
        assert violations == []
    finally:
        context.close()


CONTACTS = ["napisz: jan@example.pl", "tel. 600 100 200", "PESEL 850101 12345", "nie"]


def test_choice_options_holding_personal_data_are_masked_for_every_reader(app, surveys,
                                                                          reference_engine):
    """probe12: an open question taken for a choice (few distinct answers) shows its answers
    as options; e-mails, phones and PESELs in them are masked in JSON, CSV, map and page."""
    rows = [{**r, "answers": {"contact": CONTACTS[i % 4]}}
            for i, r in enumerate(surveys["residents_rows"])]
    options = [{"code": c, "label": c, "score": None} for c in CONTACTS]
    survey = insert_survey(reference_engine, PID, "residents", rows,
                           questions=[("contact", "Jak się z Tobą skontaktować?", "single",
                                       options)])
    try:
        office = app.test_client()
        sign_in(office, "marshal20@test.pl")
        body = office.get(url(survey, "results")).get_json()
        shown = [o["code"] for o in body["questions"][0]["options"]]
        assert shown == ["napisz: [e-mail]", "tel. [tel.]", "PESEL [PESEL]", "nie"]
        assert {r["option"] for r in body["questions"][0]["results"]} == set(shown)
        for answer in (office.get(url(survey, "results") + "?format=csv"),
                       office.get(f"/api/v1/partnerships/{PID}/surveys/{survey}"),
                       office.get(url(survey, "gminas.geojson") + "?question=contact"),
                       office.get(f"/partnerships/{PID}/surveys/{survey}")):
            text = answer.get_data(as_text=True)
            assert answer.status_code == 200
            assert "jan@example.pl" not in text and "600 100 200" not in text
            assert "12345" not in text
        # The masked code chooses the map's measure.
        mapped = office.get(url(survey, "gminas.geojson"), query_string={
            "question": "contact", "option": "napisz: [e-mail]"})
        assert mapped.status_code == 200 and mapped.get_json()["legend"]["option"] == shown[0]
    finally:
        remove_survey(reference_engine, survey)
