"""Finding a gmina or powiat by name (without Polish letters too) or TERYT: the API, and the
combobox on the overview and comparison pages, by keyboard, at both widths."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.web.map_pages import OVERVIEW_READY, WAIT, open_panel, sized_page


def test_search_api_answers_and_refuses_with_reasons(anonymous, reference_engine):
    hits = anonymous.get("/api/v1/units/search?q=lodz").get_json()
    assert hits[0]["teryt"] == "1061011" and hits[0]["name"] == "Łódź"
    assert len(anonymous.get("/api/v1/units/search?q=gmina&limit=3").get_json()) <= 3
    for query, field in (("", "q"), ("q=", "q"), ("q=x&limit=0", "limit"),
                         ("q=x&limit=51", "limit"), ("q=x&limit=abc", "limit"),
                         ("q=" + "x" * 101, "q")):
        answer = anonymous.get("/api/v1/units/search?lang=en&" + query)
        assert answer.status_code == 400, query
        body = answer.get_json()
        assert body.get("field") == field or body["detail"].startswith(field), body


def choose(page, text: str) -> None:
    box = page.locator("#unit-search")
    box.fill("")
    box.type(text, delay=20)
    page.wait_for_function("document.getElementById('unit-search').getAttribute('aria-expanded')"
                           " === 'true' && document.querySelector('#unit-search-list li[data-teryt]')",
                           timeout=WAIT)
    box.press("ArrowDown")
    first = page.locator("#unit-search-list li[role=option]").first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    box.press("Enter")
    assert box.get_attribute("aria-expanded") == "false"


@pytest.mark.browser
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_overview_search_by_name_and_by_teryt(browser, live_url, reference_engine,
                                              unemployment_rate, size):
    page = sized_page(browser, size)
    page.goto(live_url + "/")
    page.wait_for_function(OVERVIEW_READY, timeout=WAIT)
    open_panel(page)

    choose(page, "lodz")  # no Polish letters: finds Łódź
    page.wait_for_function("document.body.dataset.highlighted === '1061011:1'", timeout=WAIT)
    page.wait_for_function("document.getElementById('card').dataset.teryt === '1061011'",
                           timeout=WAIT)
    assert page.locator("#unit-search").input_value() == "Łódź"
    assert "unit=1061011" in page.url
    centre = page.evaluate("(() => { const c = window.partnerstwa.overview.map.getCenter();"
                           " return [c.lat, c.lng]; })()")
    assert 51.6 < centre[0] < 51.9 and 19.3 < centre[1] < 19.7

    with reference_engine.connect() as conn:
        gminas = conn.execute(sa.text(
            "SELECT count(*) FROM gmina WHERE powiat_teryt = '2013'")).scalar_one()
    choose(page, "2013")  # the powiat of Wysokie Mazowieckie comes first, then its gminas
    page.wait_for_function(f"document.body.dataset.highlighted === '2013:{gminas}'",
                           timeout=WAIT)
    assert page.locator("path.found-unit").count() >= 1

    # Escape closes the list; a second Escape empties the box.
    box = page.locator("#unit-search")
    box.fill("")
    box.type("Ciechan", delay=20)
    page.wait_for_function("document.getElementById('unit-search').getAttribute('aria-expanded')"
                           " === 'true'", timeout=WAIT)
    assert "Ciechanowiec" in page.locator("#unit-search-list").inner_text()
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and box.input_value() == "Ciechan"
    box.press("Escape")
    assert box.input_value() == ""
    assert page.console_errors == []
    page.context.close()


@pytest.mark.browser
def test_comparison_search_outlines_the_unit_on_both_maps(browser, live_url, accounts,
                                                          unemployment_rate, partnerships_loaded):
    page = sized_page(browser, "desktop", "marshal20@test.pl", live_url)
    page.goto(live_url + "/comparison/20")
    page.wait_for_function("document.body.dataset.ready === '1' && document.body.dataset.paintedleft"
                           " && document.body.dataset.paintedright", timeout=WAIT)
    choose(page, "Ciechanowiec")
    page.wait_for_function("document.body.dataset.highlighted === '2013023:1'", timeout=WAIT)
    assert page.locator("path.found-unit").count() == 2  # one outline on each map
    assert page.console_errors == []
    page.context.close()
