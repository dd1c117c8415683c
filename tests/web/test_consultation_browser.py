"""A resident answers a consultation on a 390x844 phone, another by keyboard only; the expert
sees both, hides one with a reason and exports them (GeoPackage and CSV read back). The
public page runs under the strict CSP."""

from __future__ import annotations

import csv
import io
import uuid
from zoneinfo import ZoneInfo

import geopandas as gpd
import pytest
import sqlalchemy as sa

from tests.web.conftest import browser_sign_in

pytestmark = pytest.mark.browser
WAIT = 30_000


@pytest.fixture(scope="module")
def consultation(app, accounts, partnerships_loaded):
    from tests.web.conftest import sign_in

    expert = app.test_client()
    sign_in(expert, "expert@test.pl")
    response = expert.post("/api/v1/partnerships/P01/consultations", json={
        "title": "Gdzie potrzebne są zmiany?", "controller": "Starostwo Powiatowe",
        "purpose": "diagnoza do strategii", "slug": f"przegladarka-{uuid.uuid4().hex[:6]}",
        "introduction": "Wskaż miejsca w partnerstwie.",
        "questions": [{"text": "Czy planujesz zostać w gminie?", "kind": "single",
                       "options": ["tak", "nie"]}]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def ready(page):
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)


# The partnership's outline on the public map (its SVG path, drawn in this colour).
OUTLINE = "document.querySelector('path[stroke=\"#1b4965\"]').getBoundingClientRect()"


def outline_box(page) -> dict:
    return page.evaluate(f"(() => {{ const r = {OUTLINE};"
                         " return {left: r.left, width: r.width}; })()")


def sent(page) -> str:
    page.wait_for_function("!!document.body.dataset.sent", timeout=WAIT)
    return page.evaluate("document.body.dataset.sent")


def test_a_resident_answers_on_a_phone(browser, live_url, consultation):
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_url}/k/{consultation['slug']}")
    ready(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert "Starostwo Powiatowe" in page.inner_text(".consultation-privacy")
    assert context.cookies() == []  # no session, no cookie
    whole = outline_box(page)  # the partnership fills the map at the start
    page.wait_for_function("!!document.body.dataset.mapView", timeout=WAIT)
    start_view = page.evaluate("document.body.dataset.mapView")
    page.select_option("#gmina-jump", index=2)
    page.wait_for_function(f"{OUTLINE}.width > {whole['width'] * 2}", timeout=WAIT)
    box = page.locator("#consultation-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator("#places select[name=category]").first.select_option("idea")
    page.locator("#places textarea[name=comment]").first.fill("Brakuje ścieżki rowerowej")
    page.check("input[name=q1][value=tak]")
    page.click("#send")
    assert sent(page)
    assert "Dziękujemy" in page.inner_text("#form-status")
    # The walk: the form emptied but the map stayed zoomed into the gmina. It shows the whole
    # partnership again, the gmina choice is cleared and the thanks have the focus.
    # The map's own view after it settled: centred on the partnership again (the centre of a
    # fitted box does not depend on the map's size; its zoom does, and the layout of a phone
    # may still change after the first fit) and zoomed out from the gmina's 12.
    centre = start_view.split("/", 1)[1]
    page.wait_for_function(
        "(() => { const v = (document.body.dataset.mapView || '').split('/');"
        f" return v.slice(1).join('/') === {centre!r} && Number(v[0]) < 12; }})()",
        timeout=WAIT)
    assert page.input_value("#gmina-jump") == ""
    assert page.evaluate("document.activeElement.id") == "form-status"
    assert page.locator("#places li").count() == 0
    context.close()


def test_a_resident_answers_by_keyboard_only(browser, live_url, consultation):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_url}/k/{consultation['slug']}?lang=en")
    ready(page)

    def tab_to(selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("#consultation-map")  # the map is one tab stop; arrows move it
    page.keyboard.press("ArrowDown")
    tab_to("#gmina-jump")
    page.keyboard.press("ArrowDown")  # the first gmina: the cross is over it
    page.keyboard.press("ArrowDown")
    assert "The cross is now over" in page.inner_text("#form-status")
    tab_to("#add-at-cross")
    page.keyboard.press("Enter")
    # The new place's category has the focus.
    assert page.evaluate("document.activeElement.name") == "category"
    page.keyboard.press("ArrowDown")  # problem -> idea
    page.keyboard.press("ArrowDown")  # idea -> valued place
    page.keyboard.press("Tab")
    page.keyboard.type("<b>Park</b> nad rzeką")
    tab_to("input[name=q1]")
    page.keyboard.press("Space")
    tab_to("#send")
    page.keyboard.press("Enter")
    assert sent(page)
    assert page.evaluate("document.activeElement.id") == "form-status"
    context.close()


def test_the_expert_sees_moderates_and_exports(browser, live_url, consultation, tmp_path,
                                               reference_engine):
    # A browser far from Poland: the pages still show Polish time, and say so.
    context = browser.new_context(bypass_csp=True, accept_downloads=True,
                                  timezone_id="America/New_York")
    page = context.new_page()
    browser_sign_in(page, live_url)
    page.goto(f"{live_url}/partnerships/P01")
    page.click("#consultations-link")
    page.click(f"text={consultation['title']}")
    ready(page)
    rows = page.locator("#moderation tbody tr")
    assert rows.count() == 2
    comments = page.locator("#moderation tbody tr td:nth-child(3)").all_inner_texts()
    assert comments == ["Brakuje ścieżki rowerowej", "<b>Park</b> nad rzeką"]  # as text
    assert page.locator("#moderation b").count() == 0
    with reference_engine.connect() as conn:
        sent_at = conn.execute(sa.text(
            "SELECT s.created_at FROM consultation_place p JOIN consultation_submission s"
            " ON s.id = p.submission_id WHERE p.consultation_id = :c ORDER BY p.id"),
            {"c": consultation["id"]}).scalars().all()
    assert "Wysłano (czas polski)" in page.inner_text("#moderation thead")
    assert page.locator("#moderation tbody tr td:nth-child(4)").all_inner_texts() == [
        t.astimezone(ZoneInfo("Europe/Warsaw")).strftime("%Y-%m-%d %H:%M") for t in sent_at]
    per_category = page.inner_text("#per-category")
    assert "pomysł: 1" in per_category and "cenne miejsce: 1" in per_category
    page.fill("#moderation tbody tr:first-child input[name=reason]", "dane osobowe w treści")
    page.click("#moderation tbody tr:first-child button.danger")
    page.wait_for_selector("#moderation tbody tr.hidden-place", timeout=WAIT)
    assert "dane osobowe w treści" in page.inner_text("#moderation tbody tr.hidden-place")
    with page.expect_download() as info:
        page.click("a[data-export=gpkg]")
    gpkg = tmp_path / "konsultacja.gpkg"
    info.value.save_as(gpkg)
    frame = gpd.read_file(gpkg)
    assert len(frame) == 2 and frame.crs.to_epsg() == 2180
    assert sorted(frame["category"]) == ["idea", "valued_place"]
    assert frame.set_index("category").loc["idea", "hidden"] == 1
    with page.expect_download() as info:
        page.click("a[data-export=csv]")
    # For Polish Excel: ";", a byte-order mark, Polish headers and words, a question's column.
    raw = open(info.value.path(), encoding="utf-8").read()
    rows = list(csv.DictReader(io.StringIO(raw.removeprefix("\ufeff")), delimiter=";"))
    assert raw.startswith("\ufeff")
    assert [r["Powód ukrycia"] for r in rows] == ["dane osobowe w treści", ""]
    assert [r["Kategoria"] for r in rows] == ["pomysł", "cenne miejsce"]
    assert [r["Ukryte"] for r in rows] == ["tak", "nie"]
    assert [r["Pytanie 1: Czy planujesz zostać w gminie?"] for r in rows] == ["tak", "tak"]
    assert all("," in r["Szerokość geograficzna"] for r in rows)  # decimal commas
    context.close()


def test_the_public_page_runs_under_the_csp(browser, live_url, consultation):
    import time

    context = browser.new_context()
    page = context.new_page()
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text
            and violations.append(m.text))
    page.goto(f"{live_url}/k/{consultation['slug']}")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and page.evaluate("document.body.dataset.ready") != "1":
        time.sleep(0.1)
    assert page.evaluate("document.body.dataset.ready") == "1"
    assert page.evaluate("document.querySelectorAll('.leaflet-container').length") == 1
    assert violations == []
    context.close()


AXE = __import__("pathlib").Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize(("width", "height", "lang"), [(390, 844, "pl"), (1440, 900, "en")])
def test_the_consultation_pages_pass_axe(browser, live_url, consultation, width, height, lang):
    """WCAG 2.1 AA checks of axe-core: no serious or critical violation, public and expert."""
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{live_url}/k/{consultation['slug']}?lang={lang}")
    ready(page)
    page.click("#add-at-cross")  # a place in the list: its fields are checked too
    assert serious_violations(page) == []
    browser_sign_in(page, live_url)
    for path in ("/partnerships/P01/consultations",
                 f"/partnerships/P01/consultations/{consultation['id']}"):
        page.goto(f"{live_url}{path}?lang={lang}")
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == [], path
        # probe12: the tables scroll inside the page, the page itself never sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    context.close()


def test_an_area_drawn_with_the_mouse_is_sent(browser, live_url, app, accounts):
    from tests.web.conftest import sign_in

    expert = app.test_client()
    sign_in(expert, "expert@test.pl")
    opened = expert.post("/api/v1/partnerships/P01/consultations", json={
        "title": "Obszary", "controller": "Starostwo", "purpose": "test rysowania",
        "slug": f"obszary-{uuid.uuid4().hex[:6]}", "allow_areas": True,
        "allow_lines": True}).get_json()
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_url}/k/{opened['slug']}")
    ready(page)
    page.select_option("#gmina-jump", index=3)
    page.click("#draw-area")
    page.locator("#consultation-map").scroll_into_view_if_needed()
    box = page.locator("#consultation-map").bounding_box()  # after scrolling to the button
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-30, -30), (30, -30), (30, 30), (-30, 30), (-30, -30)):
        page.mouse.click(cx + dx, cy + dy)
        page.wait_for_timeout(300)  # apart, or Leaflet takes two clicks for a double click
    page.wait_for_selector("#places li", timeout=WAIT)
    assert "(obszar)" in page.inner_text("#places legend")
    page.click("#send")
    assert sent(page) and errors == []
    places = expert.get(f"/api/v1/partnerships/P01/consultations/{opened['id']}/places"
                        ).get_json()["features"]
    assert [p["geometry"]["type"] for p in places] == ["Polygon"]
    context.close()
