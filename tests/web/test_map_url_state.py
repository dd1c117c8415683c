"""The map's state lives in the URL: a reload or a link brings back the same map, and a stale
link (an indicator or year not held, a view outside Poland) falls back with a visible notice."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.web.map_pages import OVERVIEW_READY, WAIT, open_panel, sized_page

pytestmark = pytest.mark.browser


def view_of(page):
    return page.evaluate("""(() => { const m = window.partnerstwa.overview.map, c = m.getCenter();
        return [m.getZoom(), Math.round(c.lat * 100) / 100, Math.round(c.lng * 100) / 100]; })()""")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_link_and_a_reload_bring_back_the_same_map(browser, live_url, unemployment_rate,
                                                     size):
    page = sized_page(browser, size)
    page.goto(live_url + "/?indicator=unemployed_per_1000&year=2023&method=equal_interval"
              "&k=4&area=20&view=9/53.1/23.1")
    key = "unemployed_per_1000:2023:equal_interval:4"
    page.wait_for_function(f"document.body.dataset.painted === '{key}'", timeout=WAIT)
    assert page.locator("#map-notice").is_hidden()
    assert view_of(page) == [9, 53.1, 23.1]
    assert page.locator("#scope").input_value() == "20"
    page.wait_for_function("document.body.dataset.names > 0", timeout=WAIT)  # zoom 9: names
    # ... of the gminas in view only, not all 2,477.
    names = page.locator(".gmina-name").count()
    assert 0 < names == int(page.evaluate("document.body.dataset.names")) < 400

    # A change is written into the URL (replaceState) and survives a reload.
    open_panel(page)
    page.select_option("#method", "quantiles")
    page.wait_for_function("document.body.dataset.painted.endsWith(':quantiles:4')", timeout=WAIT)
    query = parse_qs(urlparse(page.url).query)
    assert query["method"] == ["quantiles"] and query["area"] == ["20"]
    assert query["view"][0].startswith("9/")
    history = page.evaluate("history.length")
    page.reload()
    page.wait_for_function("document.body.dataset.painted === "
                           "'unemployed_per_1000:2023:quantiles:4'", timeout=WAIT)
    assert view_of(page) == [9, 53.1, 23.1]
    assert page.evaluate("history.length") == history  # no entry per change
    assert page.console_errors == []
    page.context.close()


def test_a_stale_link_falls_back_with_a_notice(browser, live_url, unemployment_rate):
    page = sized_page(browser, "desktop")
    page.goto(live_url + "/?indicator=no_such_indicator&year=1900&k=99&method=magic"
              "&view=7/10.0/10.0&layer=lisa&run=999999")
    page.wait_for_function(OVERVIEW_READY, timeout=WAIT)
    notice = page.locator("#map-notice")
    assert notice.is_visible()
    text = notice.inner_text()
    for words in ("no_such_indicator", "1900", "99", "magic", "999999", "poza Polską"):
        assert words in text, (words, text)
    assert page.evaluate("document.body.dataset.urlProblems") == "6"
    painted = page.evaluate("document.body.dataset.painted")
    assert not painted.startswith("lisa") and ":5" in painted  # the defaults are shown
    # The URL now says what is shown.
    query = parse_qs(urlparse(page.url).query)
    assert query["indicator"][0] != "no_such_indicator" and query["k"] == ["5"]
    notice.locator("button").click()
    assert notice.is_hidden()
    assert page.console_errors == []
    page.context.close()


def test_the_comparison_keeps_its_two_indicators_in_the_url(browser, live_url, accounts,
                                                            unemployment_rate,
                                                            partnerships_loaded):
    page = sized_page(browser, "desktop", "marshal20@test.pl", live_url)
    page.goto(live_url + "/comparison/20?left=unemployed_per_1000&right=no_such_indicator")
    page.wait_for_function("document.body.dataset.paintedleft && document.body.dataset.paintedright",
                           timeout=WAIT)
    assert page.locator("#left-indicator").input_value() == "unemployed_per_1000"
    notice = page.locator("#map-notice")
    assert notice.is_visible() and "no_such_indicator" in notice.inner_text()
    options = page.locator("#right-indicator option").evaluate_all("os => os.map(o => o.value)")
    other = next(o for o in options if o != page.locator("#right-indicator").input_value())
    page.select_option("#right-indicator", other)
    page.wait_for_function(f"document.body.dataset.paintedright.startsWith('{other}:')",
                           timeout=WAIT)
    assert parse_qs(urlparse(page.url).query)["right"] == [other]
    page.reload()
    page.wait_for_function(f"(document.body.dataset.paintedright || '').startsWith('{other}:')",
                           timeout=WAIT)
    assert page.locator("#map-notice").is_hidden()
    assert page.console_errors == []
    page.context.close()
