"""The map viewer in Debian's headless Chromium, as experts and analysts use it.

Every page records its requests: none may leave 127.0.0.1.
"""

import subprocess

import pytest

from services.analysis.runs import run_analysis
from tests.web.conftest import browser_sign_in

pytestmark = pytest.mark.browser
WAIT = 30_000


@pytest.fixture(scope="module")
def lisa_run(reference_engine, unemployment_rate):
    return run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024, seed=11,
                        permutations=999)


def only_local(page, live_url):
    assert [u for u in page.requested if not u.startswith(live_url)] == []
    assert page.console_errors == []


def fills(page):
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        '.leaflet-overlay-pane path[data-teryt]')].map(p => [p.dataset.teryt, p.getAttribute('fill')]))""")


def test_overview_choropleth_legend_repaint_card_and_lisa(page, live_url, lisa_run,
                                                          partnerships_loaded):
    page.goto(live_url + "/")
    page.wait_for_function("document.body.dataset.features === '2477' && document.body.dataset.painted",
                           timeout=WAIT)
    assert page.locator("path[data-teryt]").count() == 2477
    legend = page.locator("#legend")
    assert legend.locator(".legend-row").count() == 5
    first = page.evaluate("document.body.dataset.painted")
    before = fills(page)
    assert "Rok:" in legend.inner_text() and "Źródło:" in legend.inner_text()

    page.select_option("#indicator", "unemployed")
    page.wait_for_function(f"document.body.dataset.painted !== '{first}'", timeout=WAIT)
    assert page.evaluate("document.body.dataset.painted").startswith("unemployed:")
    page.select_option("#year", "2024")  # the year is kept when the new indicator has it
    page.wait_for_function("document.body.dataset.painted === 'unemployed:2024:quantiles:5'",
                           timeout=WAIT)
    assert "Bezrobotni zarejestrowani" in legend.inner_text()
    after = fills(page)
    assert sum(before[k] != after[k] for k in before) > 300  # the map was repainted

    page.select_option("#method", "natural_breaks")
    page.wait_for_function("document.body.dataset.painted.endsWith(':natural_breaks:5')",
                           timeout=WAIT)

    warsaw = page.locator('path[data-teryt="1465011"]')
    warsaw.hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=5_000)
    assert tooltip.inner_text().startswith("Warszawa")
    warsaw.dispatch_event("click")
    card = page.locator("#card")
    page.wait_for_function("document.getElementById('card').dataset.teryt === '1465011'",
                           timeout=WAIT)
    assert card.locator("h2").inner_text() == "Warszawa"
    assert card.locator("tr").count() >= 5  # indicators over time

    page.check("input[name=mode][value=lisa]")
    page.select_option("#run", str(lisa_run["id"]))
    page.wait_for_function(f"document.body.dataset.painted === 'lisa:{lisa_run['id']}'",
                           timeout=WAIT)
    assert page.locator("#legend").get_attribute("data-mode") == "lisa"
    lisa = fills(page)
    assert set(lisa.values()) <= {"#d7191c", "#2c7bb6", "#abd9e9", "#fdae61", "#eeeeee",
                                  "#999999"}
    assert "#d7191c" in lisa.values() and "#2c7bb6" in lisa.values()
    only_local(page, live_url)


def open_workspace(page, live_url, pid):
    if "/login" not in page.url and not page.context.cookies():
        browser_sign_in(page, live_url)
    page.goto(f"{live_url}/partnerships/{pid}")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)


def test_expert_makes_an_area_of_three_gminas_and_sees_it_after_reload(page, live_url,
                                                                        partnerships_loaded, accounts):
    open_workspace(page, live_url, "P02")
    areas_before = int(page.evaluate("document.body.dataset.areas"))
    page.click("button[data-tab=areas]")
    page.click("#area-by-gminas")
    for code in ("2006022", "2006032", "2006053"):
        page.locator(f'path[data-teryt="{code}"]').dispatch_event("click")
    assert page.locator("#area-form").get_attribute("data-selected") == "3"
    page.fill("#area-form [name=name]", "Obszar funkcjonalny Kolna")
    page.select_option("#area-form [name=kind]", "fua")
    page.click("#area-form button[type=submit]")
    page.wait_for_function(f"document.body.dataset.areas === '{areas_before + 1}'",
                           timeout=WAIT)
    page.reload()
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    page.click("button[data-tab=areas]")
    item = page.locator("#area-list li", has_text="Obszar funkcjonalny Kolna")
    assert item.count() == 1 and "miejski obszar funkcjonalny" in item.inner_text()
    only_local(page, live_url)


def map_point(page, lon, lat):
    box = page.locator(".folium-map").bounding_box()
    point = page.evaluate(f"window.PARTNERSTWA_MAPS[0].latLngToContainerPoint([{lat}, {lon}])")
    return box["x"] + point["x"], box["y"] + point["y"]


def test_expert_draws_an_area(page, live_url, partnerships_loaded, accounts):
    open_workspace(page, live_url, "P02")
    before = int(page.evaluate("document.body.dataset.areas"))
    page.click("button[data-tab=areas]")
    page.click("#area-by-drawing")
    corners = [(21.95, 53.42), (22.15, 53.42), (22.15, 53.30), (21.95, 53.30)]
    for lon, lat in corners + corners[:1]:
        page.mouse.click(*map_point(page, lon, lat))
        page.wait_for_timeout(150)
    page.wait_for_selector("#area-form:not([hidden])", timeout=WAIT)
    page.fill("#area-form [name=name]", "Dolina Pisy – narysowana")
    page.select_option("#area-form [name=kind]", "river_valley")
    page.click("#area-form button[type=submit]")
    page.wait_for_function(f"document.body.dataset.areas === '{before + 1}'", timeout=WAIT)
    assert page.locator("#area-list li", has_text="Dolina Pisy – narysowana").count() == 1
    only_local(page, live_url)


def test_expert_moves_a_corner_of_a_saved_area(page, live_url, reference_engine, accounts,
                                              partnerships_loaded):
    from services.planning.areas import create_area, get_area

    ring = [[21.95, 53.42], [22.15, 53.42], [22.15, 53.30], [21.95, 53.30], [21.95, 53.42]]
    area = create_area(reference_engine, "P02", {
        "name": "Do poprawienia", "kind": "other",
        "geometry": {"type": "Polygon", "coordinates": [ring]}})
    open_workspace(page, live_url, "P02")
    page.click("button[data-tab=areas]")
    page.locator(f"#area-list li[data-area='{area['id']}'] button[data-action=edit]").click()
    assert page.locator("#area-reshape").is_visible()
    page.click("#area-reshape")
    page.wait_for_selector("#area-form[data-reshaping='1']", timeout=WAIT)
    page.wait_for_timeout(400)  # the map finishes fitting the outline
    x, y = map_point(page, 22.15, 53.42)  # the north-east corner, pulled 80 px east
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(x + 10 * step, y)
    page.mouse.up()
    page.click("#area-form button[type=submit]")
    page.wait_for_selector(f"#area-list li[data-area='{area['id']}'][data-version='2']",
                           timeout=WAIT)
    saved = get_area(reference_engine, area["id"])
    assert saved["version"] == 2 and saved["delineation"] == "drawn"
    assert saved["area_km2"] > area["area_km2"] * 1.02
    assert saved["name"] == "Do poprawienia"
    assert page.locator("#area-form[data-reshaping]").count() == 0
    only_local(page, live_url)


def test_expert_places_a_point_project_and_exports_a_shapefile(page, live_url, accounts,
                                                               partnerships_loaded, tmp_path):
    open_workspace(page, live_url, "P03")
    before = int(page.evaluate("document.body.dataset.projects"))
    page.click("button[data-tab=projects]")
    page.click("button[data-draw=Marker]")
    page.mouse.click(*map_point(page, 23.55, 52.75))
    page.wait_for_selector("#project-form:not([hidden])", timeout=WAIT)
    page.fill("#project-form [name=title]", "Centrum edukacji przyrodniczej w Hajnówce")
    page.fill("#project-form [name=theme]", "turystyka")
    page.fill("#project-form [name=cost_pln]", "2 450 000,50")
    page.select_option("#project-form [name=funding_source]", "fe_regional")
    page.fill("#project-form [name=start_date]", "2026-04-01")
    page.click("#project-form button[type=submit]")
    page.wait_for_function(f"document.body.dataset.projects === '{before + 1}'", timeout=WAIT)
    assert "Centrum edukacji przyrodniczej w Hajnówce" in page.locator("#project-list").inner_text()
    with page.expect_download() as download:
        page.click(".exports a[data-format=shp]")
    path = tmp_path / "projekty.zip"
    download.value.save_as(path)
    info = subprocess.run(["ogrinfo", "-ro", "-al", f"/vsizip/{path}/projects_points.shp"],
                          capture_output=True, text=True, check=True).stdout
    assert "Centrum edukacji przyrodniczej w Hajnówce" in info
    assert "COST_PLN (Real) = 2450000.5" in info and "START_DATE (Date) = 2026/04/01" in info
    only_local(page, live_url)


def test_second_browser_saving_a_stale_version_sees_the_conflict(browser, live_url,
                                                                 reference_engine, accounts,
                                                                 partnerships_loaded):
    from services.planning.areas import create_area

    area = create_area(reference_engine, "P01", {"name": "Sporny obszar", "kind": "other",
                                                 "gminas": ["2013042", "2013052"]})
    pages = []
    for _ in range(2):
        context = browser.new_context(bypass_csp=True)
        page = context.new_page()
        open_workspace(page, live_url, "P01")
        page.click("button[data-tab=areas]")
        page.locator(f"#area-list li[data-area='{area['id']}'] button[data-action=edit]").click()
        pages.append(page)
    first, second = pages
    first.fill("#area-form [name=name]", "Sporny obszar – wersja Anny")
    first.click("#area-form button[type=submit]")
    first.wait_for_function("document.getElementById('message').dataset.kind === 'ok'",
                            timeout=WAIT)
    second.fill("#area-form [name=name]", "Sporny obszar – wersja Jana")
    second.click("#area-form button[type=submit]")
    second.wait_for_function("document.getElementById('message').dataset.kind === 'conflict'",
                             timeout=WAIT)
    text = second.locator("#message").inner_text()
    assert "W międzyczasie ktoś inny to zmienił" in text and "Wersja 2" in text
    # Nothing the second user typed is lost: the form still holds it.
    assert second.input_value("#area-form [name=name]") == "Sporny obszar – wersja Jana"
    for page in pages:
        page.context.close()


def test_comparison_lists_the_three_podlaskie_partnerships(page, live_url, partnerships_loaded,
                                                          unemployment_rate, accounts):
    browser_sign_in(page, live_url, "marshal20@test.pl")
    page.goto(live_url + "/comparison/20")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    rows = page.locator("#comparison-table tr.partnership")
    assert rows.count() == 3
    names = rows.locator("th").all_inner_texts()
    assert sorted(names) == ["Partnerstwo Powiatu Hajnowskiego",
                             "Partnerstwo Powiatu Kolneńskiego", "Ziemia Wysokomazowiecka"]
    page.click("#comparison-table th[data-key=population] button")
    first = page.locator("#comparison-table tr.partnership th").first.inner_text()
    assert first == "Ziemia Wysokomazowiecka"  # the most populous first
    assert page.locator("#profile figure").count() >= 1
    assert page.evaluate("window.PARTNERSTWA_MAPS.length") == 2
    with page.expect_download() as download:
        page.click("#csv-link")
    assert download.value.suggested_filename == "porownanie_podlaskie_2024.csv"
    only_local(page, live_url)


def test_a_failed_save_keeps_what_was_typed(page, live_url, partnerships_loaded, accounts):
    open_workspace(page, live_url, "P03")
    page.click("button[data-tab=areas]")
    page.click("#area-by-gminas")
    page.locator('path[data-teryt="2005011"]').dispatch_event("click")
    page.fill("#area-form [name=name]", "Obszar zapisany w szkicu")
    page.select_option("#area-form [name=kind]", "other")
    page.fill("#area-form [name=description]", "Opis, którego nie wolno zgubić")
    # The server cannot be reached: the save fails, the user is told, nothing is lost.
    page.route("**/api/v1/partnerships/P03/areas", lambda route: route.abort()
               if route.request.method == "POST" else route.continue_())
    page.click("#area-form button[type=submit]")
    page.wait_for_function("document.getElementById('message').dataset.kind === 'error'",
                           timeout=WAIT)
    assert "Utracono połączenie" in page.locator("#message").inner_text()
    assert page.input_value("#area-form [name=name]") == "Obszar zapisany w szkicu"
    page.unroute("**/api/v1/partnerships/P03/areas")
    page.reload()
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    page.click("button[data-tab=areas]")
    page.click("#area-by-gminas")
    assert page.input_value("#area-form [name=description]") == "Opis, którego nie wolno zgubić"
    assert "Przywrócono niezapisany szkic" in page.locator("#message").inner_text() or \
        page.locator("#area-form").get_attribute("data-restored") == "1"
    page.evaluate("localStorage.clear()")
    # The one failed request was ours, on purpose.
    page.console_errors[:] = [e for e in page.console_errors if "ERR_FAILED" not in e]
    only_local(page, live_url)


def test_a_marshal_office_reads_and_comments_but_cannot_edit(page, live_url, accounts,
                                                             partnerships_loaded):
    browser_sign_in(page, live_url, "marshal20@test.pl")
    page.goto(f"{live_url}/partnerships/P02")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    page.click("button[data-tab=areas]")
    assert not page.locator("#area-by-gminas").is_visible()
    page.click("button[data-tab=projects]")
    assert not page.locator("button[data-draw=Marker]").is_visible()
    page.click("button[data-tab=diagnosis]")
    page.fill("#comment-form [name=body]", "Proszę uzupełnić analizę wykonalności żłobka.")
    page.click("#comment-form button[type=submit]")
    page.wait_for_function("document.getElementById('comment-list').children.length > 0",
                           timeout=WAIT)
    assert "marshal20@test.pl" in page.locator("#comment-list").inner_text()
    only_local(page, live_url)
