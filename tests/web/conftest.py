"""A live server on 127.0.0.1 and a headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from web import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run"]


@pytest.fixture(scope="session")
def app(reference_db_url):
    return create_app({"DATABASE_URL": reference_db_url, "TESTING": True})


@pytest.fixture
def client(app, accounts):
    """An expert of P01-P03, signed in (most API tests act as one)."""
    client = app.test_client()
    sign_in(client, "expert@test.pl")
    return client


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="session")
def live_url(app):
    server, url = serve(app)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A page that records every request, so tests can prove none leaves 127.0.0.1.

    Playwright's waiting helpers evaluate strings in the page, which our CSP forbids; the
    functional tests bypass the CSP, and test_csp checks the pages under it."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()


PASSWORD = "hasło-testowe-123"
USERS = {
    "admin@test.pl": ("admin", None, ()),
    "expert@test.pl": ("expert", None, ("P01", "P02", "P03")),
    "expert2@test.pl": ("expert", None, ("P04",)),
    "marshal20@test.pl": ("marshal_office", "20", ()),
    "marshal12@test.pl": ("marshal_office", "12", ()),
    "ministry@test.pl": ("ministry", None, ()),
}


@pytest.fixture(scope="session")
def accounts(reference_engine, partnerships_loaded):
    from services.access.accounts import add_user, assign

    for email, (role, voivodeship, partnerships) in USERS.items():
        add_user(reference_engine, email, PASSWORD, role, voivodeship=voivodeship)
        for pid in partnerships:
            assign(reference_engine, email, pid)
    return USERS


def sign_in(client, email: str) -> None:
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": token, "next": "/"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    csrf = re.search(r'name="csrf-token" content="([^"]+)"',
                     client.get("/").get_data(as_text=True)).group(1)
    client.environ_base["HTTP_X_CSRF_TOKEN"] = csrf


@pytest.fixture
def anonymous(app):
    return app.test_client()


@pytest.fixture
def expert(app, accounts):
    client = app.test_client()
    sign_in(client, "expert@test.pl")
    return client


def browser_sign_in(page, live_url, email="expert@test.pl"):
    page.goto(live_url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(live_url + "/", timeout=15_000)
