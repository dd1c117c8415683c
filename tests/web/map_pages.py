"""Helpers of the map tests (legends, search, URL state, national view): pages of a given size,
signed in, and PNG files read back."""

from __future__ import annotations

import struct

from tests.web.conftest import PASSWORD

WAIT = 60_000
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
OVERVIEW_READY = "document.body.dataset.features === '2477' && document.body.dataset.painted"


def sized_page(browser, size: str, email: str | None = None, live_url: str | None = None):
    width, height = SIZES[size]
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": height},
                                  accept_downloads=True)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    if email:
        page.goto(live_url + "/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form.form button[type=submit]").click()
        page.wait_for_url(live_url + "/", timeout=WAIT)
    return page


def open_panel(page):
    """On a phone the side panel is a drawer behind the "Panel" button."""
    toggle = page.locator(".drawer-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
        page.wait_for_timeout(400)


def png_size(path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (after checking the signature)."""
    data = open(path, "rb").read(33)
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def legend_counts(page, selector: str) -> dict[str, int]:
    return page.evaluate("""(sel) => Object.fromEntries([...document.querySelectorAll(
        sel + ' li[data-class]')].map(li => [li.dataset.class,
        Number(li.querySelector('[data-count]').dataset.count)]))""", selector)
