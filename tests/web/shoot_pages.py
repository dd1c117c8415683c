"""Screenshots of every page at 1440x900 and 390x844, in Polish and English, for a person to
look at. Not a test (its name does not start with test_): run it by hand,

    SHOTS=/work/notes/shots .venv/bin/python -m pytest -q tests/web/shoot_pages.py

and open the PNGs. It uses the same page list as tests/web/test_accessibility.py."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.web.conftest import PASSWORD, browser_sign_in
from tests.web.test_accessibility import ADMIN, ERROR_PAGES, READY, WAIT, page_urls

SIZES = {"wide": (1440, 900), "phone": (390, 844)}


def test_shoot(app, browser, live_url, accounts):
    out = Path(os.environ.get("SHOTS", "/tmp/partnerstwa_shots"))
    out.mkdir(parents=True, exist_ok=True)
    paths = page_urls(app) + list(ERROR_PAGES.values())
    for size, (width, height) in SIZES.items():
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(live_url + "/login")
        page.fill("input[name=email]", ADMIN)
        page.fill("input[name=password]", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url(live_url + "/", timeout=15_000)
        for path in paths:
            for lang in ("pl", "en"):
                joiner = "&" if "?" in path else "?"
                page.goto(f"{live_url}{path}{joiner}lang={lang}")
                if path in READY:
                    page.wait_for_function(READY[path], timeout=WAIT)
                page.wait_for_load_state("networkidle")
                name = re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_") or "overview"
                page.wait_for_timeout(1500)  # a loaded machine paints large SVG maps late
                page.screenshot(path=str(out / f"{name}-{size}-{lang}.png"))
        context.close()
        # The workspace's forms (an expert of P01 writes): an area of gminas, a project with
        # every problem shown.
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": height})
        page = context.new_page()
        browser_sign_in(page, live_url, "expert@test.pl")
        for lang in ("pl", "en"):
            page.goto(f"{live_url}/partnerships/P01?lang={lang}")
            page.wait_for_function(READY["/partnerships/P01"], timeout=WAIT)
            if size == "phone":
                page.click(".drawer-toggle")
            page.click("#tab-areas")
            page.click("#area-by-gminas")
            page.fill("#gmina-filter", "wys")
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / f"workspace_area_form-{size}-{lang}.png"))
            page.click("[data-action=cancel]")
            page.click("#tab-projects")
            page.click("#point-place")
            page.fill("#project-title", "x" * 600)
            page.fill("#project-cost_pln", "12 000 000 000")
            page.click("#project-form button[type=submit]")
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / f"workspace_project_form-{size}-{lang}.png"))
        context.close()
