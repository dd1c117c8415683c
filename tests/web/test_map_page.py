"""The first map page in a real headless Chromium."""

import pytest

pytestmark = pytest.mark.browser


def test_map_shows_all_gminas_offline(page, live_url):
    page.goto(live_url + "/")
    page.wait_for_function("document.body.dataset.unitsLoaded !== undefined", timeout=30_000)
    assert page.evaluate("document.body.dataset.unitsLoaded") == "2477"
    assert page.locator("path.leaflet-interactive").count() == 2477
    assert page.locator("#units-count").inner_text() == "2477"
    assert page.locator("html").get_attribute("lang") == "pl"
    assert "Źródło: GUGiK (PRG)" in page.content()
    outside = [u for u in page.requested if not u.startswith(live_url)]
    assert outside == []
    assert page.console_errors == []


def test_hover_shows_the_name_and_code(page, live_url):
    page.goto(live_url + "/")
    page.wait_for_function("document.body.dataset.unitsLoaded === '2477'", timeout=30_000)
    page.locator('path[data-teryt="1465011"]').hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=5_000)
    assert tooltip.inner_text().split("\n") == ["Warszawa", "kod TERYT: 1465011"]


def test_english_on_request(page, live_url):
    page.goto(live_url + "/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Gminas (municipalities)"
    page.goto(live_url + "/")  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "en"
