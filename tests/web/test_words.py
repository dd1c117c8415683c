"""Words, not codes: what the viewer shows people is in their units and their words."""

import re

import pytest

from tests.web.conftest import browser_sign_in

pytestmark = pytest.mark.browser
WAIT = 30_000


def scale_texts(page) -> list[str]:
    page.wait_for_selector(".leaflet-control-scale-line", timeout=WAIT)
    return page.locator(".leaflet-control-scale-line").all_inner_texts()


@pytest.mark.parametrize("path, maps, ready", [
    ("/", 1, "document.body.dataset.painted"),
    ("/partnerships/P02", 1, "document.body.dataset.ready === '1'"),
    ("/comparison/20", 2, "document.body.dataset.ready === '1'")])
def test_every_map_has_a_metric_scale_bar_only(page, live_url, partnerships_loaded, accounts,
                                               unemployment_rate, path, maps, ready):
    browser_sign_in(page, live_url, "marshal20@test.pl")
    page.goto(live_url + path)
    # Waiting for the page's data too: a map computation left running would count against
    # this user's share of slow work in the next test.
    page.wait_for_function(ready, timeout=WAIT)
    texts = scale_texts(page)
    assert len(texts) == maps  # one bar per map: metres or kilometres, never miles or feet
    for text in texts:
        unit = text.split()[-1]
        assert unit in ("km", "m"), texts
    assert not any(t.endswith(("mi", "ft")) for t in texts)


def test_the_partnership_list_names_voivodeships_in_words(expert, partnerships_loaded):
    html = expert.get("/partnerships").get_data(as_text=True)
    assert '/comparison/20">podlaskie</a>' in html
    assert '/comparison/20">20</a>' not in html


def test_the_list_shows_mixed_case_names_as_gus_writes_them(app, partnerships_loaded, accounts):
    from tests.web.conftest import sign_in

    admin = app.test_client()
    sign_in(admin, "admin@test.pl")
    html = admin.get("/partnerships").get_data(as_text=True)
    table = html[html.index('id="partnership-list"'):]
    names = set(re.findall(r'/comparison/\d{2}">([^<]+)</a>', table))
    assert len(names) > 1 and "warmińsko-mazurskie" in names, names
    assert all(n == n.lower() and not n.isdigit() for n in names), names


def test_the_workspace_names_its_voivodeship(page, live_url, partnerships_loaded, accounts):
    browser_sign_in(page, live_url)
    page.goto(live_url + "/partnerships/P02")
    facts = page.locator("#partnership-facts").inner_text()
    assert "podlaskie" in facts and " 20 " not in facts
    assert page.locator("#partnership-facts .voivodeship").all_inner_texts() == ["podlaskie"]


@pytest.fixture(scope="module")
def named_runs(reference_engine, unemployment_rate, partnerships_loaded):
    from services.analysis.runs import list_runs, run_analysis

    country = run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024, seed=11,
                           permutations=999)
    podlaskie = run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024, seed=11,
                             permutations=9999, scope="voivodeship:20")
    started = {r["id"]: r["started_at"] for r in list_runs(reference_engine, limit=500)}
    return {"country": (country["id"], started[country["id"]]),
            "podlaskie": (podlaskie["id"], started[podlaskie["id"]])}


def run_options(client, lang) -> dict[str, str]:
    html = client.get(f"/?lang={lang}").get_data(as_text=True)
    select = html[html.index('<select id="run"'):]
    select = select[:select.index("</select>")]
    return dict(re.findall(r'<option value="(\d+)">([^<]*)</option>', select))


def test_lisa_runs_are_named_in_words_in_both_languages(expert, reference_engine, named_runs):
    from datetime import datetime

    from services.indicators.store import list_indicators

    names = {i["code"]: i for i in list_indicators(reference_engine)}["unemployed_per_1000"]
    country, country_started = named_runs["country"]
    podlaskie, podlaskie_started = named_runs["podlaskie"]
    day = datetime.fromisoformat(country_started)
    day_v = datetime.fromisoformat(podlaskie_started)

    polish = run_options(expert, "pl")
    assert polish[str(country)] == (f"{names['name_pl']}, 2024 — Polska, 999 permutacji, "
                                    f"{day:%d.%m.%Y}")
    assert polish[str(podlaskie)] == (f"{names['name_pl']}, 2024 — województwo podlaskie, "
                                      f"9\u00a0999 permutacji, {day_v:%d.%m.%Y}")
    english = run_options(expert, "en")
    assert english[str(country)] == (f"{names['name_en']}, 2024 — Poland, 999 permutations, "
                                     f"{day.day} {day:%b %Y}")
    assert english[str(podlaskie)] == (f"{names['name_en']}, 2024 — voivodeship podlaskie, "
                                       f"9,999 permutations, {day_v.day} {day_v:%b %Y}")
    expert.get("/?lang=pl")
    assert not any("unemployed_per_1000" in label for label in polish.values())


PROJECTS_PL = {1: "1 przedsięwzięcie", 2: "2 przedsięwzięcia", 5: "5 przedsięwzięć",
               22: "22 przedsięwzięcia", 12: "12 przedsięwzięć", 101: "101 przedsięwzięć"}
PROJECTS_EN = {1: "1 project", 2: "2 projects", 5: "5 projects", 22: "22 projects"}


@pytest.mark.parametrize("lang, expected", [("pl", PROJECTS_PL), ("en", PROJECTS_EN)])
def test_project_counts_take_the_plural_form_of_the_number(page, live_url, accounts,
                                                           partnerships_loaded, lang, expected):
    browser_sign_in(page, live_url)
    page.goto(f"{live_url}/partnerships/P02?lang={lang}")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    said = page.evaluate(f"[{', '.join(map(str, expected))}].map(n => P.plural('projects', n))")
    assert said == list(expected.values())
    page.wait_for_function("document.body.dataset.projects !== undefined", timeout=WAIT)
    total = int(page.evaluate("document.body.dataset.projects"))
    shown = page.locator("#project-totals").text_content()
    assert shown.startswith(page.evaluate(f"P.plural('projects', {total})") + " · ")
    page.goto(f"{live_url}/partnerships/P02?lang=pl")  # the language choice is remembered


@pytest.mark.parametrize("count, words", [(1, "1 członek"), (2, "2 członków"),
                                          (5, "5 członków"), (22, "22 członków")])
def test_member_counts_in_templates_use_ngettext(app, count, words):
    from flask import render_template_string

    with app.test_request_context("/?lang=pl"):
        app.preprocess_request()
        said = render_template_string(
            "{{ ngettext('%(count)s member', '%(count)s members', n, count=n) }}", n=count)
    assert said == words


def test_the_workspace_counts_its_members_in_words(expert, reference_engine,
                                                  partnerships_loaded):
    from services.planning.partnerships import get_partnership

    members = len(get_partnership(reference_engine, "P02")["members"])
    assert members > 4  # a count that takes the genitive plural
    html = expert.get("/partnerships/P02?lang=pl").get_data(as_text=True)
    facts = html[html.index('id="partnership-facts"'):]
    assert facts[:facts.index("</p>")].endswith(f"· {members} członków"), facts[:400]


def test_runs_of_a_powiat_and_a_partnership_name_their_scope(app, reference_engine,
                                                             partnerships_loaded):
    from services.planning.partnerships import get_partnership
    from services.reference.units import unit_names
    from web.pages.run_names import run_label

    powiats = unit_names(reference_engine, "powiat", ["2006", "9999"])
    assert list(powiats) == ["2006"] and powiats["2006"]  # codes not held are left out
    p02 = get_partnership(reference_engine, "P02")["name"]
    names = {"powiat": powiats, "partnership": {"P02": p02}}
    indicators = {"x": {"name_pl": "Wskaźnik", "name_en": "Indicator"}}
    run = {"indicator": "x", "year": 2023, "parameters": {"permutations": 1},
           "started_at": "2026-11-27T09:00:00+00:00"}
    with app.test_request_context("/?lang=pl"):
        app.preprocess_request()
        powiat = run_label({**run, "scope": "powiat:2006"}, indicators, names)
        partnership = run_label({**run, "scope": "partnership:P02"}, indicators, names)
    assert powiat.startswith("Wskaźnik, 2023 — ") and "2006" not in powiat
    assert powiats["2006"].split()[-1] in powiat and powiat.count("powiat") == 1
    assert partnership == f"Wskaźnik, 2023 — partnerstwo {p02}, 1 permutacja, 27.11.2026"
