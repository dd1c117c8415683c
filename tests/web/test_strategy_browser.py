"""The strategy page in headless Chromium: an expert builds a goal with an indicator from the
data, links a project, fills its schedule and feasibility, sees field errors in Polish, and
downloads the project's application; the page works on a 390x844 phone and by keyboard."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from services.planning.projects import create_project
from tests.web.conftest import browser_sign_in

# P03: a partnership the API fuzzing of other tests leaves with few projects (it gives P01
# hundreds, and this page lists every project with its forms).
PID = "P03"
WAIT = 30_000


@pytest.fixture(scope="module")
def project(reference_engine, partnerships_loaded, unemployment_rate, accounts):
    # A point inside Hajnówka (a P03 gmina), as a person would click it.
    with reference_engine.connect() as conn:
        lon, lat = conn.execute(sa.text(
            "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326)"
            " AS c FROM gmina WHERE teryt = '2005011') s")).one()
    return create_project(reference_engine, PID, {
        "title": "Hala sportowa w Hajnówce", "funding_source": "fe_regional",
        "cost_pln": "2000000.00", "geometry": {"type": "Point", "coordinates": [lon, lat]}})


def test_expert_builds_the_strategy_and_downloads_the_application(page, live_url, project,
                                                                 reference_engine):
    browser_sign_in(page, live_url)
    page.goto(f"{live_url}/partnerships/{PID}")
    page.click("#strategy-link")
    page.wait_for_url(re.compile(rf".*/partnerships/{PID}/strategy$"), timeout=WAIT)
    assert page.locator("h1").inner_text().startswith("Strategia rozwoju ponadlokalnego")

    # A goal with an indicator from the data: the baseline is shown, never typed.
    page.fill("#goal-title", "Aktywność zawodowa mieszkańców")
    page.select_option("#goal-dimension", "economic")
    page.select_option("#ind-code", "unemployed_per_1000")
    page.select_option("#ind-year", "2022")
    with reference_engine.connect() as conn:
        expected = conn.execute(sa.text(
            "SELECT sum(r.value * p.value) / sum(p.value) FROM indicator_value r"
            " JOIN indicator_value p ON p.teryt = r.teryt AND p.year = r.year"
            " AND p.level = 'gmina' AND p.indicator_code = 'population'"
            " WHERE r.indicator_code = 'unemployed_per_1000' AND r.level = 'gmina'"
            " AND r.year = 2022 AND r.teryt IN (SELECT gmina_teryt FROM partnership_gmina"
            " WHERE partnership_id = :p)"), {"p": PID}).scalar_one()
    shown = page.locator("#ind-baseline").inner_text()
    assert shown.startswith(f"{expected:.4f}".rstrip("0").rstrip(".").replace(".", ","))
    # A target in the past is refused at the field, in Polish, before anything is sent.
    page.fill("#ind-target", "18,5")
    page.fill("#ind-target-year", "2020")
    page.click("#goal-form button[type=submit]")
    assert page.locator("#ind-target-year").get_attribute("aria-invalid") == "true"
    assert "przeszłości" in page.locator("#ind-target-year-error").inner_text()
    page.fill("#ind-target-year", str(dt.date.today().year + 5))
    page.fill("#dir-title", "Wsparcie aktywności")
    page.check(f"#goal-form input[name=project_ids][value='{project['id']}']")
    page.click("#goal-form button[type=submit]")
    goal = page.locator("article.goal", has_text="Aktywność zawodowa mieszkańców")
    goal.wait_for(timeout=WAIT)
    assert "Hala sportowa w Hajnówce" in goal.inner_text()
    assert f"{expected:.4f}".rstrip("0").rstrip(".").replace(".", ",") in goal.locator(
        "td.baseline").inner_text()

    # The project's schedule and feasibility, by keyboard where a person would use it.
    # Its card is folded: opened, its forms arrive.
    card = page.locator(f"#project-{project['id']}")
    card.locator("summary").first.click()
    card.locator(".add-task").click()
    page.keyboard.type("Budowa hali")
    card.locator("[name=task-start]").first.fill("2027-04-01")
    card.locator("[name=task-end]").first.fill("2027-03-01")
    card.locator("button[type=submit]").click()
    end = card.locator("[name=task-end]").first
    assert end.get_attribute("aria-invalid") == "true"
    assert "przed początkiem" in card.locator(".form-errors").inner_text()
    end.fill("2028-09-30")
    card.locator("tr[data-item=land_ownership] [name=feas-status]").select_option("obtained")
    card.locator("tr[data-item=land_ownership] [name=feas-date]").fill("2025-06-01")
    card.locator("#rate-" + str(project["id"])).fill("85")
    card.locator(".add-line").click()
    card.locator("[name=line-total]").first.fill("2000000")
    card.locator("[name=line-eligible]").first.fill("1800000,50")
    # Entered shares must add up to exactly 100%: refused at the field before sending.
    card.locator(f"#split-{project['id']}").select_option("entered")
    card.locator("input[name=share][data-teryt='2005011']").fill("50")
    card.locator("input[name=share][data-teryt='2005022']").fill("49,99")
    card.locator("button[type=submit]").click()
    assert "dokładnie do 100%" in card.locator(".form-errors").inner_text()
    assert card.locator("fieldset.shares").get_attribute("aria-invalid") == "true"
    card.locator(f"#split-{project['id']}").select_option("population")
    card.locator("button[type=submit]").click()
    page.locator(f"#project-{project['id']} svg.gantt").wait_for(timeout=WAIT)
    card = page.locator(f"#project-{project['id']}")
    assert "Budowa hali" in card.locator("svg.gantt").get_attribute("aria-label")
    assert card.locator("tr[data-item=land_ownership] [name=feas-status]").input_value() == \
        "obtained"
    own = card.locator("td.own").inner_text()
    assert own.replace("\u00a0", " ") == "469 999,58 zł"  # 2,000,000 − 0.85 × 1,800,000.50

    # The application of the project, as a file.
    with page.expect_download(timeout=120_000) as download:
        card.locator("a[href$='application.docx']").click()
    assert download.value.suggested_filename.endswith(".docx")
    assert not page.console_errors


def test_strategy_page_on_a_phone_by_keyboard(browser, live_url, project, reference_engine):
    # a title of 300 letters without a space (people paste such) must not widen the page
    point = {"type": "Point", "coordinates": [22.6, 53.0]}
    create_project(reference_engine, PID, {"title": "Przebudowa" * 30, "geometry": point})
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        browser_sign_in(page, live_url)
        page.goto(f"{live_url}/partnerships/{PID}/strategy")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        page.focus("#goal-title")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "goal-dimension"
        from tests.web.test_accessibility import serious_violations

        assert serious_violations(page) == []
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(f"{live_url}/partnerships/{PID}/strategy?lang=en")
        assert page.locator("h1").inner_text().startswith("Development strategy")
        assert serious_violations(page) == []
    finally:
        context.close()


def _goal(engine, project_id: int, title: str) -> dict:
    from services.strategy.goals import create_goal

    return create_goal(engine, PID, {
        "title": title, "dimension": "social", "description": "opis",
        "indicators": [{"indicator": "unemployed_per_1000", "baseline_year": 2022,
                        "target_value": "15", "target_year": dt.date.today().year + 4}],
        "directions": [{"title": "Kierunek pierwszy", "project_ids": [project_id]}]})


def test_expert_edits_a_goal_and_a_stale_edit_is_refused_keeping_the_typing(
        page, live_url, project, reference_engine):
    from services.strategy.goals import get_goal, update_goal

    goal = _goal(reference_engine, project["id"], "Cel do edycji")
    kept_indicator = goal["indicators"][0]["id"]
    target = dt.date.today().year + 6
    browser_sign_in(page, live_url)
    page.goto(f"{live_url}/partnerships/{PID}/strategy")
    page.locator(f"#goal-{goal['id']} .edit-goal").click()
    form = page.locator("#goal-form")
    expect(page.locator("#goal-form-h")).to_have_text("Edytuj cel: Cel do edycji", timeout=WAIT)
    assert form.locator("[name=title]").input_value() == "Cel do edycji"
    assert form.locator(".indicator-row").count() == 1
    assert form.locator(".indicator-row [name=indicator]").input_value() == "unemployed_per_1000"
    assert form.locator(".indicator-row [name=baseline_year]").input_value() == "2022"
    assert form.locator(f"input[name=project_ids][value='{project['id']}']").is_checked()

    form.locator("[name=title]").fill("Cel po edycji")
    form.locator("[name=dimension]").select_option("spatial")
    form.locator("[name=description]").fill("nowy opis")
    form.locator(".indicator-row [name=target_value]").fill("14,5")
    # Two more indicators, one removed again: a typed one stays.
    form.locator(".add-indicator").click()
    form.locator(".add-indicator").click()
    assert form.locator(".indicator-row").count() == 3
    second, third = form.locator(".indicator-row").nth(1), form.locator(".indicator-row").nth(2)
    third.locator("[name=indicator]").select_option("typed")
    third.locator("[name=name]").fill("Długość ścieżek rowerowych")
    third.locator("[name=unit]").fill("km")
    third.locator("[name=typed_baseline_year]").fill("2023")
    third.locator("[name=baseline_value]").fill("12,5")
    third.locator("[name=baseline_source]").fill("ewidencja dróg gmin")
    third.locator("[name=target_value]").fill("40")
    third.locator("[name=target_year]").fill(str(target))
    second.locator(".remove-row").click()
    assert form.locator(".indicator-row").count() == 2
    # The typed indicator's fields now answer to indicators[1] (server messages land there).
    assert form.locator(".indicator-row").nth(1).locator("[name=target_year]").get_attribute(
        "data-field") == "indicators[1].target_year"
    # A second direction with no project; the first loses its project.
    form.locator(".add-direction").click()
    form.locator(".direction-row").nth(1).locator("[name=direction_title]").fill("Kierunek drugi")
    form.locator(".direction-row").nth(0).locator(
        f"input[name=project_ids][value='{project['id']}']").uncheck()
    form.locator(".direction-row").nth(1).locator(
        f"input[name=project_ids][value='{project['id']}']").check()
    form.locator("button[type=submit]").click()
    page.locator(f"#goal-{goal['id']}", has_text="Cel po edycji").wait_for(timeout=WAIT)

    saved = get_goal(reference_engine, PID, goal["id"])
    assert (saved["title"], saved["dimension"], saved["description"], saved["version"]) == (
        "Cel po edycji", "spatial", "nowy opis", 2)
    assert [(i["indicator"], str(i["target_value"])) for i in saved["indicators"]] == [
        ("unemployed_per_1000", "14.5"), (None, "40")]
    assert saved["indicators"][0]["id"] == kept_indicator  # edited, not deleted and re-added
    assert (saved["indicators"][1]["name"], saved["indicators"][1]["baseline_source"],
            str(saved["indicators"][1]["baseline_value"])) == (
        "Długość ścieżek rowerowych", "ewidencja dróg gmin", "12.5")
    assert [(d["title"], d["project_ids"]) for d in saved["directions"]] == [
        ("Kierunek pierwszy", []), ("Kierunek drugi", [project["id"]])]

    # Someone else saves version 3 while the expert edits version 2: 409, typing kept.
    page.locator(f"#goal-{goal['id']} .edit-goal").click()
    expect(page.locator("#goal-form-h")).to_have_text("Edytuj cel: Cel po edycji", timeout=WAIT)
    form.locator("[name=title]").fill("Moja zmiana tytułu")
    update_goal(reference_engine, PID, goal["id"], {"version": 2, "title": "Zmiana kolegi"})
    form.locator("button[type=submit]").click()
    errors = form.locator(".form-errors")
    errors.wait_for(state="visible", timeout=WAIT)
    assert "ktoś inny zmienił" in errors.inner_text()
    assert form.locator("[name=title]").input_value() == "Moja zmiana tytułu"
    assert form.locator(".indicator-row").count() == 2
    assert get_goal(reference_engine, PID, goal["id"])["title"] == "Zmiana kolegi"
    # The browser logs the refused request itself; nothing else went wrong.
    assert [e for e in page.console_errors if "409" not in e] == []


def test_history_restores_a_goal_the_texts_and_a_plan(page, live_url, reference_engine,
                                                       partnerships_loaded, accounts, project):
    from services.strategy.goals import get_goal, update_goal
    from services.strategy.model import project_package
    from services.strategy.plans import update_plan
    from services.strategy.texts import get_texts, update_texts

    goal = _goal(reference_engine, project["id"], "Cel pierwotny")
    update_goal(reference_engine, PID, goal["id"], {"version": 1, "title": "Cel zmieniony"})
    texts = get_texts(reference_engine, PID)
    first = update_texts(reference_engine, PID, {
        "version": texts["version"], "spatial_policy": "Polityka A"})
    update_texts(reference_engine, PID, {"version": first["version"],
                                         "spatial_policy": "Polityka B"})
    other = create_project(reference_engine, PID, {
        "title": "Ścieżka rowerowa", "funding_source": "kpo", "cost_pln": "10.00",
        "geometry": {"type": "Point", "coordinates": [22.8, 53.1]}})
    plan = update_plan(reference_engine, PID, other["id"], {
        "version": 1, "cofinancing_rate": "0.5",
        "tasks": [{"name": "Projekt", "start": "2026-01-01", "end": "2026-03-31"}]})
    update_plan(reference_engine, PID, other["id"], {"version": plan["version"],
                                                     "cofinancing_rate": "0.9", "tasks": []})
    page.on("dialog", lambda dialog: dialog.accept())
    browser_sign_in(page, live_url)
    page.goto(f"{live_url}/partnerships/{PID}/strategy")

    # The goal: its history lists versions 1 (created) and 2 (current); restore 1.
    box = page.locator(f"#goal-{goal['id']} details.history")
    box.locator("summary").click()
    box.locator("tr[data-version='2']").wait_for(timeout=WAIT)
    assert "bieżąca" in box.locator("tr[data-version='2']").inner_text()
    box.locator("button[data-restore='1']").click()
    page.locator(f"#goal-{goal['id']}", has_text="Cel pierwotny").wait_for(timeout=WAIT)
    restored = get_goal(reference_engine, PID, goal["id"])
    assert (restored["title"], restored["version"]) == ("Cel pierwotny", 3)

    # The texts: back to "Polityka A".
    box = page.locator("#statutory-texts details.history")
    box.locator("summary").click()
    box.locator(f"button[data-restore='{first['version']}']").click()
    expect(page.locator("#text-spatial_policy")).to_have_value("Polityka A", timeout=WAIT)
    assert get_texts(reference_engine, PID)["spatial_policy"] == "Polityka A"

    # The plan: back to 50% with its task.
    page.locator(f"#project-{other['id']} > summary").click()
    box = page.locator(f"#project-{other['id']} details.history")
    box.locator("summary").click()
    box.locator(f"button[data-restore='{plan['version']}']").click()
    page.locator(f"#project-{other['id']} svg.gantt").wait_for(timeout=WAIT)
    package = project_package(reference_engine, PID, other["id"])
    assert str(package["finance"]["cofinancing_rate"]).rstrip("0") == "0.5"
    assert [t["name"] for t in package["tasks"]] == ["Projekt"]
    assert not page.console_errors


def test_project_card_shows_who_it_serves(page, live_url, project, reference_engine):
    from services.strategy.reach import project_reach

    reach = project_reach(reference_engine, PID, project["id"])
    browser_sign_in(page, live_url)
    page.goto(f"{live_url}/partnerships/{PID}/strategy")
    # loaded when the card is opened (one request at a time)
    page.locator(f"#project-{project['id']} > summary").click()
    page.locator(f"#project-{project['id']} section.reach").scroll_into_view_if_needed()
    table = page.locator(f"#project-{project['id']} table.reach-table")
    table.wait_for(timeout=WAIT)
    for buffer in reach["buffers"]:
        row = table.locator(f"tr[data-km='{buffer['radius_km']}']")
        shown = re.sub(r"\D", "", row.locator("td.population").inner_text())
        assert int(shown) == int(buffer["population"] + 0.5)
        names = [g["name"] for g in buffer["gminas"] if g["member"]]
        assert row.locator("td.members").inner_text() == ", ".join(names)
    assert [b["radius_km"] for b in reach["buffers"]] == [5, 10, 20]
    method = page.locator(f"#project-{project['id']} .reach-method").inner_text()
    assert str(reach["population_year"]) in method and "interpolacja powierzchniowa" in method
    assert not page.console_errors


def test_workspace_shows_the_strategy_completeness(page, live_url, reference_engine,
                                                   partnerships_loaded, accounts):
    from services.strategy.model import strategy_model

    browser_sign_in(page, live_url)
    page.goto(f"{live_url}/partnerships/{PID}")
    summary = page.locator("#strategy-summary")
    summary.locator(".summary-count").wait_for(timeout=WAIT)
    elements = strategy_model(reference_engine, PID)["completeness"]
    present = sum(1 for e in elements if e["present"])
    assert summary.locator(".summary-count").inner_text() == \
        f"{present} z {len(elements)} elementów"
    missing = [e for e in elements if not e["present"]]
    assert missing  # P03's texts are never all written by these tests
    links = summary.locator(".summary-missing a")
    assert links.count() == len(missing)
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        e["fill_url"] for e in missing]
    assert [links.nth(i).inner_text() for i in range(links.count())] == [
        e["label"] for e in missing]
    page.goto(f"{live_url}/partnerships/{PID}?lang=en")
    summary.locator(".summary-count").wait_for(timeout=WAIT)
    assert summary.locator(".summary-count").inner_text() == \
        f"{present} of {len(elements)} elements"
    assert summary.locator(".summary-missing a").first.inner_text() == missing[0]["label_en"]
    assert not page.console_errors
