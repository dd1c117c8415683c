"""The strategy page of a partnership with hundreds of projects, in headless Chromium.

A database of its own (real boundaries and partnerships, PostGIS) where P01 gets PROJECTS
projects through the services, at seeded random points inside its gminas (the API fuzzing
of other tests gives the shared database's P01 hundreds too, and a page that built every
project's forms took minutes there). The page must open with the cards folded and few form
controls, find a card by its title, open it, save its schedule (read back from the database),
follow a link to a card beyond the first page, and let a goal's direction choose a project
from a searchable list by keyboard."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from services.db import drop_database, get_engine
from tests.conftest import _copy_of
from tests.web.conftest import PASSWORD, browser_sign_in, serve

PID = "P01"
PROJECTS = 300
SEED = 42  # ST_GeneratePoints' seed: the same points every run
WAIT = 60_000
WORDS = ("Przebudowa drogi", "Żłobek", "Ścieżka rowerowa", "Termomodernizacja szkoły",
         "Rewitalizacja rynku", "Świetlica wiejska")


@pytest.fixture(scope="module")
def many(template_url, data_dir):
    """(live URL, engine, project ids in order) of a database whose P01 has PROJECTS
    projects; every tenth has a schedule and a budget, every seventh serves a goal."""
    from services.access.accounts import add_user, assign
    from services.config import Settings
    from services.planning.partnerships import import_partnerships
    from services.planning.projects import create_project
    from services.reference.reference_data import load_reference_boundaries
    from services.strategy.goals import create_goal
    from services.strategy.kinds import FEASIBILITY_ITEMS
    from services.strategy.plans import update_plan
    from web import create_app

    url = _copy_of(template_url, f"partnerstwa_test_many_{uuid.uuid4().hex[:8]}")
    engine = get_engine(url)
    try:
        load_reference_boundaries(engine, Settings(database_url=url, data_dir=data_dir),
                                  show_progress=False)
        import_partnerships(engine, data_dir / "partnerships" / "examples.csv")
        add_user(engine, "expert@test.pl", PASSWORD, "expert")
        assign(engine, "expert@test.pl", PID)
        with engine.connect() as conn:
            points = conn.execute(sa.text(
                "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform((ST_Dump(ST_GeneratePoints("
                "geom, :n, :seed))).geom, 4326) AS p FROM partnership WHERE id = :pid) s"),
                {"n": PROJECTS, "seed": SEED, "pid": PID}).all()
        assert len(points) == PROJECTS
        ids = []
        for n, (lon, lat) in enumerate(points, 1):
            project = create_project(engine, PID, {
                "title": f"{WORDS[n % len(WORDS)]} nr {n}", "funding_source": "fe_regional",
                "cost_pln": f"{100_000 + n}.00",
                "geometry": {"type": "Point", "coordinates": [lon, lat]}})
            ids.append(project["id"])
            if n % 10 == 0:  # past the funding's end every 20th, all permits every 30th
                update_plan(engine, PID, project["id"], {
                    "version": 1, "cofinancing_rate": "0.8",
                    "tasks": [{"name": "Dokumentacja", "start": "2027-01-01",
                               "end": "2031-06-30" if n % 20 == 0 else "2027-06-30"}],
                    "feasibility": [{"item": k.code, "status": "obtained", "date": "2026-01-15"}
                                    for k in FEASIBILITY_ITEMS] if n % 30 == 0 else [],
                    "lines": [{"year": 2027, "category": "works", "total": "1000.00",
                               "eligible": "800.00"}]})
        create_goal(engine, PID, {"title": "Cel z fixture", "dimension": "spatial", "directions": [
            {"title": "Co siódme", "project_ids": ids[6::7]}]})
        app = create_app({"DATABASE_URL": url, "TESTING": True})
        server, live = serve(app)
        try:
            yield live, engine, ids
        finally:
            server.shutdown()
    finally:
        engine.dispose()
        drop_database(url)


def test_folded_cards_say_what_the_packages_say(many):
    """The page reads all projects' summaries at once: the same warnings as each package."""
    from services.strategy.model import project_package, strategy_page

    _live, engine, ids = many
    folded = strategy_page(engine, PID)["model"]["projects"]
    packages = [project_package(engine, PID, i) for i in ids]
    keys = ("id", "title", "theme", "cost_pln", "funding_label", "warnings")
    assert [[p[k] for k in keys] for p in folded] == [[p[k] for k in keys] for p in packages]
    codes = [{w["code"] for w in p["warnings"]} for p in packages]
    for code in ("deadline_exceeded", "cost_differs", "no_goal", "no_schedule", "no_budget",
                 "feasibility_missing"):  # each warning is met, and is not everywhere
        assert 0 < sum(code in c for c in codes) < PROJECTS, code


def controls(page) -> int:
    return page.evaluate("document.querySelectorAll('input, select, textarea, button').length")


def test_a_partnership_with_hundreds_of_projects(page, many):
    from services.strategy.model import project_package

    live, engine, ids = many
    browser_sign_in(page, live)
    page.goto(f"{live}/partnerships/{PID}/strategy", timeout=10 * WAIT)
    # Folded cards, a page of them shown, no plan form built: fewer form controls in the
    # whole page than projects (the page that built every card's forms and a checkbox per
    # project in each direction had dozens per project: 19,632 controls for 560 projects).
    assert controls(page) < PROJECTS
    page.wait_for_selector("#strategy[data-ready='1']", timeout=WAIT)
    assert page.locator("details.project-card").count() == PROJECTS
    assert page.locator("details.project-card:not([hidden])").count() == 20
    assert page.locator("details.project-card[open]").count() == 0
    assert page.locator("form.plan-form").count() == 0
    assert page.locator("#project-count").inner_text() == f"Widoczne: 20 z {PROJECTS}"
    page.click("#projects-more")
    assert page.locator("details.project-card:not([hidden])").count() == 40

    # Found by a part of its title typed without Polish letters, opened, its schedule saved.
    target = ids[272]  # "Termomodernizacja szkoły nr 273", far beyond the first page
    page.fill("#project-filter", "termomodernizacja szkoly nr 273")
    assert page.locator("#project-count").inner_text() == "Widoczne: 1 z 1"
    card = page.locator(f"#project-{target}")
    assert card.is_visible() and "Termomodernizacja szkoły nr 273" in card.inner_text()
    # the folded card's facts: its cost and how many warnings its package has
    summary = card.locator("summary").inner_text()
    before = project_package(engine, PID, target)
    assert "100 273,00 zł" in summary and f"Uwagi: {len(before['warnings'])}" in summary
    assert before["warnings"]
    card.locator("summary").first.click()
    card.locator(".add-task").click()
    page.keyboard.type("Roboty budowlane")
    card.locator("[name=task-start]").first.fill("2028-03-01")
    card.locator("[name=task-end]").first.fill("2029-05-31")
    card.locator("form.plan-form button[type=submit]").click()
    # The page is read again at the card (#project-<id>), which opens by itself.
    page.locator(f"#project-{target} svg.gantt").wait_for(timeout=WAIT)
    assert page.evaluate("location.hash") == f"#project-{target}"
    assert page.locator(f"#project-{target}").get_attribute("open") is not None
    saved = project_package(engine, PID, target)
    assert [(t["name"], t["start"].isoformat(), t["end"].isoformat()) for t in saved["tasks"]] \
        == [("Roboty budowlane", "2028-03-01", "2029-05-31")]
    assert saved["version"] == 2
    assert page.locator("form.plan-form").count() == 1  # only the opened card has forms
    assert not page.console_errors


def test_a_direction_chooses_its_project_from_a_searchable_list(page, many):
    from services.strategy.goals import get_goal

    live, engine, ids = many
    browser_sign_in(page, live)
    page.goto(f"{live}/partnerships/{PID}/strategy")
    page.wait_for_selector("#strategy[data-ready='1']", timeout=WAIT)
    row = page.locator("#goal-form .direction-row").first
    # at most 20 projects offered at once, not a box per project
    assert row.locator("input[name=project_ids]").count() == 20
    page.fill("#goal-title", "Sprawne usługi publiczne")
    page.fill("#dir-title", "Opieka nad dziećmi")
    page.fill("#dir-find", "zlobek nr 25")  # "Żłobek nr 25", "Żłobek nr 253", "… nr 259"
    offered = row.locator(".found input[name=project_ids]")
    titles = [row.locator(".found label").nth(i).inner_text().strip()
              for i in range(offered.count())]
    # every word found in the title, Polish letters or not (titles are WORDS[n % 6] nr n)
    assert titles == [f"Żłobek nr {n}" for n in range(1, PROJECTS + 1)
                      if n % len(WORDS) == 1 and "25" in str(n)]
    # by keyboard: Enter goes to the first project found (it does not send the form)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "project_ids"
    chosen = int(page.evaluate("document.activeElement.value"))
    page.keyboard.press("Space")
    assert "wybrane: 1" in row.locator(".find-count").inner_text()
    page.click("#goal-form button[type=submit]")
    goal = page.locator("article.goal", has_text="Sprawne usługi publiczne")
    goal.wait_for(timeout=WAIT)
    goal_id = int(goal.get_attribute("data-goal"))
    assert get_goal(engine, PID, goal_id)["directions"][0]["project_ids"] == [chosen]
    # The goal links its project: the link opens the project's card, wherever it is listed.
    assert ids.index(chosen) >= 20
    goal.locator(f"a[href='#project-{chosen}']").click()
    card = page.locator(f"#project-{chosen}")
    card.locator("form.plan-form").wait_for(timeout=WAIT)
    assert card.is_visible() and card.get_attribute("open") is not None
    # Editing the goal shows the chosen project ticked, above the others offered.
    goal.locator(".edit-goal").click()
    page.locator(f"#goal-form .picked input[value='{chosen}']").wait_for(timeout=WAIT)
    assert page.locator(f"#goal-form .picked input[value='{chosen}']").is_checked()
    assert not page.console_errors


def test_many_projects_on_a_phone(browser, many):
    from tests.web.test_accessibility import serious_violations

    live, _engine, ids = many
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        browser_sign_in(page, live)
        page.goto(f"{live}/partnerships/{PID}/strategy#project-{ids[-1]}")
        page.locator(f"#project-{ids[-1]} form.plan-form").wait_for(timeout=WAIT)
        page.fill("#dir-find", "nr 1")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert serious_violations(page) == []
    finally:
        context.close()
