"""The viewer at 1440x900 and on a phone (390x844): no sideways scrolling, a usable map, the
menu and the side panel behind buttons that work with a mouse and with the keyboard.

Screenshots of every page at both sizes are written to /tmp/partnerstwa_responsive/ for a
person to look at."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.web.conftest import PASSWORD

WAIT = 60_000
SHOTS = Path("/tmp/partnerstwa_responsive")
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
PAGES = {
    # path, what says the page is ready, the side panel (a drawer on the phone), who signs in
    "overview": ("/", "document.body.dataset.features === '2477' && document.body.dataset.painted",
                 "#controls", None),
    "workspace": ("/partnerships/P01", "document.body.dataset.ready === '1'", "#workspace",
                  "expert@test.pl"),
    "comparison": ("/comparison/20", "document.body.dataset.ready === '1'", None,
                   "marshal20@test.pl"),
}


def sized_page(browser, size: str, *, routes: dict | None = None):
    width, height = SIZES[size]
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": height},
                                  accept_downloads=True)
    for pattern, handler in (routes or {}).items():
        context.route(pattern, handler)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    return page


def sign_in(page, live_url, email):
    page.goto(live_url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(live_url + "/", timeout=WAIT)


def open_page(browser, live_url, name, size, **kwargs):
    path, ready, _, email = PAGES[name]
    page = sized_page(browser, size, **kwargs)
    if email:
        sign_in(page, live_url, email)
    page.goto(live_url + path)
    page.wait_for_function(ready, timeout=WAIT)
    return page


def no_sideways_scroll(page):
    widths = page.evaluate("""() => ({inner: window.innerWidth,
        doc: document.documentElement.scrollWidth, body: document.body.scrollWidth})""")
    assert widths["doc"] <= widths["inner"] and widths["body"] <= widths["inner"], widths


def map_widths(page):
    return page.evaluate("""() => [...document.querySelectorAll('.leaflet-container')]
        .map(m => m.getBoundingClientRect().width)""")


def check_menu(page, size):
    toggle, menu = page.locator(".menu-toggle"), page.locator("#site-menu nav")
    if size == "desktop":
        expect(toggle).to_be_hidden()
        expect(menu).to_be_visible()
        return
    expect(menu).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    # The keyboard: Enter opens it, the links are reachable with Tab, Escape closes it.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#site-menu') !== null")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")


def check_drawer(page, size, panel_id):
    toggle, panel = page.locator(".drawer-toggle"), page.locator(panel_id)
    if size == "desktop":
        expect(toggle).to_be_hidden()
        expect(panel).to_be_visible()
        return
    expect(panel).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box["width"] == SIZES[size][0] and box["y"] > 100  # over the map, the map's top shows
    toggle.click()
    expect(panel).to_be_hidden()
    toggle.focus()
    page.keyboard.press("Space")
    expect(panel).to_be_visible()
    inside = f"document.activeElement.closest('{panel_id}') !== null"
    assert page.evaluate(inside)  # the focus moved into the drawer
    page.keyboard.press("Tab")  # its first control
    assert page.evaluate(inside) and page.evaluate("document.activeElement.id") != panel_id[1:]
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('drawer-toggle')")


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_works_at_both_sizes(browser, live_url, accounts, partnerships_loaded,
                                        unemployment_rate, name, size):
    page = open_page(browser, live_url, name, size)
    page.wait_for_function("[...document.querySelectorAll('.leaflet-container')]"
                           ".every(m => m.querySelector('path.leaflet-interactive'))",
                           timeout=WAIT)
    page.wait_for_timeout(800)  # for the picture only: Leaflet's zoom animation ends
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}_{size}.png"))
    no_sideways_scroll(page)
    widths = map_widths(page)
    assert len(widths) == (2 if name == "comparison" else 1)
    assert min(widths) >= (300 if size == "phone" else 600), widths
    check_menu(page, size)
    panel = PAGES[name][2]
    if panel:
        check_drawer(page, size, panel)
        if size == "phone":
            page.locator(".drawer-toggle").click()
            expect(page.locator(panel)).to_be_visible()
            page.wait_for_timeout(300)  # the drawer slides in: let the picture show it
            page.screenshot(path=str(SHOTS / f"{name}_{size}_drawer.png"))
    if size == "phone":
        page.locator(".menu-toggle").click()
        page.screenshot(path=str(SHOTS / f"{name}_{size}_menu.png"))
        page.keyboard.press("Escape")
    if name == "comparison":
        page.locator("#profile").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{name}_{size}_full.png"), full_page=True)
        assert page.locator("#profile figure").count() >= 1
    no_sideways_scroll(page)
    assert page.console_errors == []
    page.context.close()


def test_workspace_loads_even_when_its_map_is_narrower_than_the_padding(
        browser, live_url, accounts, partnerships_loaded, unemployment_rate, reference_engine):
    # The map at 38 px wide used to fail with "Invalid LatLng object: (NaN, NaN)": Leaflet's
    # fitBounds with 20 px of padding on each side has a negative room there.
    def squeeze(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text()
                      + "\nbody.with-map { grid-template-columns: 22rem 30px; }\n")

    page = open_page(browser, live_url, "workspace", "desktop",
                     routes={"**/static/css/app.css": squeeze})
    assert map_widths(page)[0] == pytest.approx(30, abs=2)
    centre = page.evaluate("(() => { const c = window.PARTNERSTWA_MAPS[0].getCenter();"
                           " return [c.lat, c.lng]; })()")
    with reference_engine.connect() as conn:
        box = conn.execute(sa.text(
            "SELECT ST_YMin(b), ST_YMax(b), ST_XMin(b), ST_XMax(b) FROM (SELECT"
            " ST_Extent(ST_Transform(geom, 4326)) AS b FROM partnership WHERE id = 'P01') e"
            )).one()
    assert box[0] < centre[0] < box[1] and box[2] < centre[1] < box[3]  # on P01
    assert page.console_errors == []
    assert "NaN" not in page.locator("#message").inner_text()
    page.context.close()


def test_comparison_downloads_are_named_and_read_by_excel(browser, live_url, accounts,
                                                          partnerships_loaded,
                                                          unemployment_rate, app):
    from services.analysis.comparison import compare
    from web import get_engine_for

    page = open_page(browser, live_url, "comparison", "phone")
    with page.expect_download() as csv_download:
        page.click("#csv-link")
    assert csv_download.value.suggested_filename == "porownanie_podlaskie_2024.csv"
    text = Path(csv_download.value.path()).read_bytes().decode("utf-8")
    assert text.startswith("\ufeffRodzaj jednostki;Kod;Nazwa;")
    with page.expect_download() as xlsx_download:
        page.click("#xlsx-link")
    assert xlsx_download.value.suggested_filename == "porownanie_podlaskie_2024.xlsx"
    book = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    assert book.sheetnames == ["Porównanie", "Profil"]
    # The page draws the numbers the service computes: one bar per unit and indicator.
    with app.app_context():
        service = compare(get_engine_for(app), "20")["profile"]
    api = page.evaluate("fetch('/api/v1/comparison/20').then(r => r.json())")["profile"]
    assert api == service
    drawn = page.evaluate("""() => [...document.querySelectorAll('#profile rect')]
        .map(r => [r.closest('svg').dataset.indicator, r.dataset.unit, Number(r.dataset.z),
                   r.getAttribute('class')])""")
    assert drawn == [[item["code"], u["code"], pytest.approx(u["z"], rel=1e-12),
                      u["assessment"] or "neutral"] for item in service for u in item["units"]]
    english = page.evaluate("fetch('/api/v1/comparison/20?format=csv&lang=en')"
                            ".then(r => r.text())")
    assert english.startswith("Kind of unit;Code;Name;")  # the decoder ate the BOM
    assert page.console_errors == []
    page.context.close()


def test_on_a_phone_a_project_is_placed_with_the_drawer_closed_and_its_form_comes_up(
        browser, live_url, accounts, partnerships_loaded, unemployment_rate):
    page = open_page(browser, live_url, "workspace", "phone")
    toggle, drawer = page.locator(".drawer-toggle"), page.locator("#workspace")
    toggle.click()
    page.click("button[data-tab=projects]")
    page.click("button[data-draw=Marker]")
    toggle.click()  # out of the way: the whole map is free to tap
    expect(drawer).to_be_hidden()
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#project-form")).to_be_visible()  # the drawer came back with it
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.wait_for_timeout(300)  # for the picture only: the drawer slides in
    page.screenshot(path=str(SHOTS / "workspace_phone_project_form.png"))
    page.click("#project-form [data-action=cancel]")
    assert page.console_errors == []
    page.context.close()
