"""A late answer never overwrites a newer choice: the map and legend show what was chosen last."""

import pytest
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.browser
WAIT = 30_000
READY = "document.body.dataset.features === '2477' && document.body.dataset.painted"


def fills(page):
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        '.leaflet-overlay-pane path[data-teryt]')].map(p => [p.dataset.teryt, p.getAttribute('fill')]))""")


def test_natural_breaks_answered_after_quantiles_are_chosen_do_not_overwrite_them(
        page, live_url, unemployment_rate):
    held = []
    # Natural breaks are answered by the server at once, but handed to the page only later.
    page.route("**/api/v1/indicators/*/map?*method=natural_breaks*",
               lambda route: held.append((route, route.fetch())))
    page.goto(live_url + "/")
    page.wait_for_function(READY, timeout=WAIT)
    legend = page.locator("#legend")
    assert legend.get_attribute("data-method") == "quantiles"

    page.select_option("#method", "natural_breaks")
    while not held:
        page.wait_for_timeout(50)
    with page.expect_response(lambda r: "/map?" in r.url and "method=quantiles" in r.url):
        page.select_option("#method", "quantiles")
    page.wait_for_function("document.body.dataset.painted.endsWith(':quantiles:5')",
                           timeout=WAIT)
    page.wait_for_timeout(300)  # the quantiles answer is drawn
    drawn, text = fills(page), legend.inner_text()

    route, response = held[0]
    try:
        route.fulfill(response=response)  # the natural breaks arrive last
    except PlaywrightError:
        pass  # the page had already aborted that request
    page.wait_for_timeout(1500)
    assert page.locator("#method").input_value() == "quantiles"
    assert legend.get_attribute("data-method") == "quantiles"
    assert legend.inner_text() == text
    assert fills(page) == drawn
    assert page.console_errors == []
