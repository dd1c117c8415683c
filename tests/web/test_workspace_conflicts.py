"""A stale edit in the workspace (409) merged at the form: what changed on the server field by
field, then "keep mine" (saved again against the server's version) or "take the server's"
(nothing saved). The other edit comes through the HTTP API while the form is open."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.web.conftest import browser_sign_in

WAIT = 60_000
PID = "P02"
RING = [[21.95, 53.42], [22.15, 53.42], [22.15, 53.30], [21.95, 53.30], [21.95, 53.42]]


@pytest.fixture
def workspace(page, live_url, accounts, partnerships_loaded):
    browser_sign_in(page, live_url)
    page.goto(f"{live_url}/partnerships/{PID}")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    loaded(page)
    return page


def loaded(page):
    """Everything of the page loaded: comments (the last request) and no error shown."""
    page.wait_for_function("document.getElementById('comment-list').dataset.loaded === '1'",
                           timeout=WAIT)
    assert page.get_attribute("#message", "data-kind") != "error", page.inner_text("#message")


def accepted_versions(engine, kind: str, object_id: int) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT count(*) FROM object_version WHERE object_kind = :k AND object_id = :i"
            " AND outcome = 'accepted'"), {"k": kind, "i": object_id}).scalar_one()


def test_keep_mine_saves_the_typed_values_over_the_servers_version(workspace, expert,
                                                                   reference_engine):
    from services.planning.projects import create_project

    page = workspace
    project = create_project(reference_engine, PID, {
        "title": "Ścieżka rowerowa nad Pisą", "theme": "turystyka", "description": "Pierwszy opis",
        "geometry": {"type": "Point", "coordinates": [22.05, 53.36]}})
    page.reload()
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    loaded(page)
    item = f"#project-list li[data-project='{project['id']}']"
    page.click("#tab-projects")
    page.click(f"{item} button[data-action=edit]")
    # Someone else saves version 2 meanwhile: a new title and a new theme.
    other = expert.put(f"/api/v1/projects/{project['id']}", json={
        "version": 1, "title": "Ścieżka rowerowa – wersja urzędu", "theme": "rekreacja"})
    assert other.status_code == 200, other.get_data(as_text=True)
    page.fill("#project-title", "Ścieżka rowerowa – moja wersja")
    page.fill("#project-description", "Mój opis")
    page.click("#project-form button[type=submit]")
    box = page.wait_for_selector("#project-form .form-conflict", timeout=WAIT)
    assert box.get_attribute("data-version") == "2"
    # Both changed the title: listed, the server's and mine.
    title = page.inner_text("#project-form .form-conflict li[data-field=title]")
    assert "na serwerze: Ścieżka rowerowa – wersja urzędu" in title
    assert "u Ciebie: Ścieżka rowerowa – moja wersja" in title
    # Only the server changed the theme, only I the description: neither is a conflict.
    assert page.locator("#project-form .form-conflict li").count() == 1
    assert page.input_value("#project-theme") == "rekreacja"
    assert page.input_value("#project-description") == "Mój opis"
    with reference_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version FROM project WHERE id = :i"),
                            {"i": project["id"]}).scalar_one() == 2
    page.click("#project-form button[data-action=keep-mine]")
    page.wait_for_selector(f"{item}[data-version='3']", timeout=WAIT)
    with reference_engine.connect() as conn:
        saved = conn.execute(sa.text("SELECT title, theme, description, version FROM project"
                                     " WHERE id = :i"), {"i": project["id"]}).one()
    assert saved.title == "Ścieżka rowerowa – moja wersja"
    assert saved.description == "Mój opis"
    assert saved.theme == "rekreacja"     # the other edit is not undone
    assert saved.version == 3             # the server's version 2, plus one
    assert page.locator("#project-form .form-conflict").count() == 0


def test_take_the_servers_values_by_keyboard_saves_nothing(workspace, expert, reference_engine):
    from services.planning.areas import create_area

    page = workspace
    area = create_area(reference_engine, PID, {
        "name": "Dolina do sporu", "kind": "other", "description": "Opis pierwszy",
        "geometry": {"type": "Polygon", "coordinates": [RING]}})
    page.reload()
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    loaded(page)
    page.click("#tab-areas")
    page.click(f"#area-list li[data-area='{area['id']}'] button[data-action=edit]")
    other = expert.put(f"/api/v1/areas/{area['id']}", json={
        "version": 1, "name": "Dolina Pisy (urząd)", "kind": "river_valley"})
    assert other.status_code == 200, other.get_data(as_text=True)
    with reference_engine.connect() as conn:
        before = conn.execute(sa.text("SELECT name, kind, description, version, updated_at"
                                      " FROM functional_area WHERE id = :i"),
                              {"i": area["id"]}).one()
    page.fill("#area-name", "Dolina Pisy (moja)")
    page.select_option("#area-kind", "tourism")
    page.click("#area-form button[type=submit]")
    page.wait_for_selector("#area-form .form-conflict", timeout=WAIT)
    # Not styled as an error (red): two edits met, the form itself is fine.
    colours = page.evaluate("""() => ['.form-conflict', '#area-form-errors'].map(s =>
        getComputedStyle(document.querySelector(s)).borderLeftColor)""")
    assert colours[0] == "rgb(43, 108, 176)" and colours[0] != colours[1], colours
    assert page.locator("#area-form .form-conflict.form-errors").count() == 0
    assert page.inner_text("#area-form .form-conflict li[data-field=name] .server") == \
        "Dolina Pisy (urząd)"
    assert page.inner_text("#area-form .form-conflict li[data-field=name] .mine") == \
        "Dolina Pisy (moja)"
    kind = page.inner_text("#area-form .form-conflict li[data-field=kind]")
    assert "na serwerze: dolina rzeki" in kind and "u Ciebie: turystyczny" in kind, kind
    # The heading has the focus; the keyboard reaches the two choices in order.
    assert page.evaluate("document.activeElement.id") == "area-form-conflict-title"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.action") == "keep-mine"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.action") == "take-server"
    page.keyboard.press("Enter")
    assert page.locator("#area-form .form-conflict").count() == 0
    assert page.input_value("#area-name") == "Dolina Pisy (urząd)"
    assert page.input_value("#area-kind") == "river_valley"
    assert page.evaluate("document.activeElement.id") == "area-name"
    with reference_engine.connect() as conn:
        after = conn.execute(sa.text("SELECT name, kind, description, version, updated_at"
                                     " FROM functional_area WHERE id = :i"),
                             {"i": area["id"]}).one()
    assert after == before and after.version == 2
    assert accepted_versions(reference_engine, "functional_area", area["id"]) == 2
    # The draft kept for a reload holds the form as it is now, not what was typed before.
    draft = page.evaluate(f"JSON.parse(localStorage.getItem('partnerstwa:area:{PID}'))")
    assert (draft["name"], draft["kind"], draft["version"]) == \
        ("Dolina Pisy (urząd)", "river_valley", "2"), draft
    # The form is now based on version 2: saving it is no longer stale.
    page.fill("#area-description", "Opis po scaleniu")
    page.click("#area-form button[type=submit]")
    page.wait_for_selector(f"#area-list li[data-area='{area['id']}'][data-version='3']",
                           timeout=WAIT)
    with reference_engine.connect() as conn:
        saved = conn.execute(sa.text("SELECT name, description FROM functional_area"
                                     " WHERE id = :i"), {"i": area["id"]}).one()
    assert tuple(saved) == ("Dolina Pisy (urząd)", "Opis po scaleniu")
