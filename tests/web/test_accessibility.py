"""axe-core (from npm, injected by the test, never served) on every page of the app.

The pages come from the app's url_map: every GET rule outside the API, the static files and the
tiles whose answer is an HTML page, with the ids filled from SAMPLE_IDS, so pages added later
are checked as soon as they exist. A rule with an id missing from SAMPLE_IDS fails the test by
name rather than being skipped. Each page is checked in Polish and in English at 1440x900, a
subset also at 390x844, signed in as the administrator (who may open every page), plus the
error pages. WCAG 2.1 AA: no violation of impact "serious" or "critical" may remain.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.web.conftest import PASSWORD, sign_in

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WAIT = 60_000
ADMIN = "admin@test.pl"

# A sample value per URL argument of a page (the test partnerships and reference data).
SAMPLE_IDS = {
    "pid": "P01",
    "voivodeship": "20",
    "collection_id": "gminas",
    "feature_id": "2001011",
    "slug": "p01",
    "survey_id": "1",
    "consultation_id": "1",
    "cid": "1",
    "strategy_id": "1",
    "area_id": "1",
    "project_id": "1",
}
# Not pages a person reads in a browser (machine answers, files, redirects).
NOT_PAGES = ("/api/", "/static/", "/tiles/", "/healthz")
# What tells that a page has finished drawing (a map page's data arrived).
READY = {
    "/": "document.body.dataset.painted !== undefined",
    "/partnerships/P01": "document.body.dataset.ready === '1'",
    "/comparison/20": "document.body.dataset.ready === '1'",
}
PHONE_SUBSET = ("/", "/partnerships", "/partnerships/P01", "/comparison/20", "/login")
ERROR_PAGES = {"404": "/no-such-page", "404-partnership": "/partnerships/P99"}


def page_urls(app) -> list[str]:
    """The URL of every HTML page of the app (HTML answers only, checked with a request)."""
    client = app.test_client()
    sign_in(client, ADMIN)
    urls, missing = [], []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(NOT_PAGES):
            continue
        unknown = [a for a in rule.arguments if a not in SAMPLE_IDS]
        if unknown:
            missing.append(f"{rule.rule}: {', '.join(unknown)}")
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: SAMPLE_IDS[m.group(1)], rule.rule)
        query = "?f=html" if path.startswith("/ogc") else ""
        response = client.get(path + query, headers={"Accept": "text/html"})
        if response.status_code == 200 and response.mimetype == "text/html":
            urls.append(path + query)
    assert not missing, f"add sample ids to SAMPLE_IDS for: {missing}"
    return sorted(set(urls))


@pytest.fixture(scope="module")
def admin_context(browser, live_url, accounts):
    contexts = {}

    def make(width: int, height: int):
        if (width, height) not in contexts:
            context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(live_url + "/login")
            page.fill("input[name=email]", ADMIN)
            page.fill("input[name=password]", PASSWORD)
            page.click("main form button[type=submit]")
            page.wait_for_url(live_url + "/", timeout=15_000)
            contexts[(width, height)] = page
        return contexts[(width, height)]

    yield make
    for page in contexts.values():
        page.context.close()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {resultTypes: ['violations']})""")
    out = []
    for v in result["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:5]]
            out.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']} {targets}")
    return out


def check(page, live_url: str, path: str, lang: str) -> list[str]:
    joiner = "&" if "?" in path else "?"
    page.goto(f"{live_url}{path}{joiner}lang={lang}")
    if path in READY:
        try:
            page.wait_for_function(READY[path], timeout=WAIT)
        except PlaywrightTimeout:
            raise AssertionError(f"{path} ({lang}, {page.viewport_size}) never got ready;"
                                 f" message: {page.inner_text('#message')!r}") from None
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == lang
    return serious_violations(page)


def test_the_page_list_covers_the_known_pages(app, accounts):
    urls = page_urls(app)
    for expected in ("/", "/partnerships", "/partnerships/P01", "/comparison/20", "/login",
                     "/admin/audit", "/partnerships/P01/diagnosis"):
        assert expected in urls, urls


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_no_serious_violations_on_any_page(app, live_url, admin_context, lang):
    page = admin_context(1440, 900)
    report = {}
    for path in page_urls(app) + list(ERROR_PAGES.values()):
        found = check(page, live_url, path, lang)
        if found:
            report[path] = found
    assert not report, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in report.items())


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_no_serious_violations_on_a_phone(live_url, admin_context, lang):
    page = admin_context(390, 844)
    report = {}
    for path in PHONE_SUBSET:
        found = check(page, live_url, path, lang)
        if found:
            report[path] = found
    assert not report, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in report.items())


def test_signed_out_pages(browser, live_url, accounts):
    """The sign-in page and a refused page as a visitor sees them."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        report = {}
        for path in ("/login", "/admin/audit", "/partnerships"):
            found = check(page, live_url, path, "pl")
            if found:
                report[path] = found
        assert not report, report
    finally:
        context.close()


def test_map_features_are_not_tab_stops(live_url, admin_context):
    """2,477 gminas must not be 2,477 tab stops: the map is one stop (arrows pan it), the lists
    beside it are the way to the features. Leaflet's tooltips make every SVG path focusable."""
    page = admin_context(1440, 900)
    for path in ("/", "/partnerships/P01", "/comparison/20"):
        page.goto(live_url + path)
        page.wait_for_function(READY[path], timeout=WAIT)
        page.wait_for_load_state("networkidle")
        containers = 0
        for press in range(70):
            page.keyboard.press("Tab")
            where = page.evaluate("""() => { const e = document.activeElement;
                return [!!e.closest('.leaflet-pane'), e.classList.contains('leaflet-container')]; }""")
            assert not where[0], f"{path}: Tab press {press + 1} focused a map feature"
            containers += where[1]
        assert containers >= 1, f"{path}: the map itself is not reachable by Tab"
