"""The pages work under their Content-Security-Policy: no violation, maps drawn."""

import time

import pytest

from tests.web.conftest import CHROMIUM_FLAGS  # noqa: F401  (same browser set-up)

pytestmark = pytest.mark.browser


def poll(page, expression: str, timeout: float = 30.0):
    # page.evaluate runs through the DevTools protocol, which the CSP does not govern.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(expression)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not reached within {timeout} s: {expression}")


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert client.get("/").headers["Content-Security-Policy"] != csp  # a new nonce each time
    api = client.get("/api/v1/indicators")
    assert "default-src 'self'" in api.headers["Content-Security-Policy"]


def test_pages_run_under_the_csp(browser, live_url, accounts, partnerships_loaded,
                                 unemployment_rate):
    from tests.web.conftest import browser_sign_in

    context = browser.new_context()
    page = context.new_page()
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.goto(live_url + "/")
    poll(page, "document.body.dataset.features === '2477' && !!document.body.dataset.painted")
    browser_sign_in(page, live_url)
    page.goto(live_url + "/partnerships/P01")
    poll(page, "document.body.dataset.ready === '1'")
    page.goto(live_url + "/comparison/20")
    poll(page, "document.body.dataset.ready === '1'")
    assert violations == []
    context.close()
