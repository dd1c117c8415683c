"""Sign-in limits: one address cannot try many accounts, and failures of others slow down
new devices without locking the owner out of a device where they signed in before."""

import re

import pytest

from services.access.sessions import (
    MAX_ACCOUNT_FAILURES,
    MAX_ADDRESS_FAILURES,
    MAX_DEVICE_FAILURES,
)
from tests.web.conftest import PASSWORD
from web import create_app
from web.auth import DEVICE_COOKIE

OWNER = "wlasciciel@test.pl"


@pytest.fixture
def app(fresh_db_url, fresh_engine):
    """A database of its own: the attempts of these tests must not limit anybody else."""
    from services.access.accounts import add_user

    add_user(fresh_engine, OWNER, PASSWORD, "ministry")
    return create_app({"DATABASE_URL": fresh_db_url, "TESTING": True})


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def attempt(client, email: str, password: str) -> int:
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token}).status_code


def test_one_address_cannot_try_many_accounts(app):
    attacker = client_at(app, "203.0.113.9")
    for i in range(MAX_ADDRESS_FAILURES):
        # A different account each time: no account reaches its own limit.
        assert attempt(attacker, f"ofiara{i}@test.pl", "zgadywane-haslo") == 401
    assert attempt(attacker, OWNER, PASSWORD) == 429
    # Everybody else signs in as before.
    assert attempt(client_at(app, "198.51.100.1"), OWNER, PASSWORD) == 302


def test_failures_of_others_do_not_lock_the_owner_out_of_a_known_device(app):
    owner = client_at(app, "198.51.100.1")
    assert attempt(owner, OWNER, PASSWORD) == 302
    assert owner.get_cookie(DEVICE_COOKIE) is not None
    assert owner.post("/logout", headers={"X-CSRF-Token": _csrf(owner)}).status_code == 302

    attacker = client_at(app, "203.0.113.9")
    for _ in range(MAX_ACCOUNT_FAILURES):
        assert attempt(attacker, OWNER, "zgadywane-haslo") == 401
    # New devices wait, even with the right password (it is not even checked) ...
    assert attempt(attacker, OWNER, PASSWORD) == 429
    assert attempt(client_at(app, "198.51.100.77"), OWNER, PASSWORD) == 429
    # ... the owner's own browser does not.
    assert attempt(owner, OWNER, PASSWORD) == 302
    assert owner.get("/api/v1/partnerships").status_code == 200


def test_a_device_cookie_must_be_ours_and_for_this_account(app, fresh_engine):
    from services.access.accounts import add_user

    add_user(fresh_engine, "inny@test.pl", PASSWORD, "ministry")
    other = client_at(app, "198.51.100.2")
    assert attempt(other, "inny@test.pl", PASSWORD) == 302  # a device cookie for another account
    attacker = client_at(app, "203.0.113.9")
    for _ in range(MAX_ACCOUNT_FAILURES):
        assert attempt(attacker, OWNER, "zgadywane-haslo") == 401
    assert attempt(other, OWNER, PASSWORD) == 429
    forged = client_at(app, "198.51.100.3")
    forged.set_cookie(DEVICE_COOKIE, other.get_cookie(DEVICE_COOKIE).value[:-4] + "AAAA")
    assert attempt(forged, OWNER, PASSWORD) == 429


def test_a_stolen_device_cookie_guesses_only_a_few_times(app):
    owner = client_at(app, "198.51.100.1")
    assert attempt(owner, OWNER, PASSWORD) == 302
    thief = client_at(app, "203.0.113.9")
    thief.set_cookie(DEVICE_COOKIE, owner.get_cookie(DEVICE_COOKIE).value)
    for _ in range(MAX_DEVICE_FAILURES):
        assert attempt(thief, OWNER, "zgadywane-haslo") == 401
    # The device has failed too often itself, and the account has as many failures.
    assert attempt(thief, OWNER, PASSWORD) == 429


def test_the_limits_are_explained_in_polish_and_english(app):
    attacker = client_at(app, "203.0.113.9")
    for _ in range(MAX_ACCOUNT_FAILURES):
        attempt(attacker, OWNER, "zgadywane-haslo")
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      attacker.get("/login").get_data(as_text=True)).group(1)
    page = attacker.post("/login", data={"email": OWNER, "password": PASSWORD,
                                         "csrf_token": token}).get_data(as_text=True)
    assert "na urządzeniu, na którym logowano się wcześniej" in page
    page = attacker.post("/login?lang=en", data={"email": OWNER, "password": PASSWORD,
                                                 "csrf_token": token}).get_data(as_text=True)
    assert "sign in on a device you used before" in page


def test_behind_a_proxy_the_forwarded_address_counts_when_trusted(fresh_db_url, monkeypatch,
                                                                  app):
    def exhaust(application) -> tuple:
        attacker = client_at(application, "10.0.0.1")  # the proxy
        attacker.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
        for i in range(MAX_ADDRESS_FAILURES):
            attempt(attacker, f"ofiara{i}@test.pl", "zgadywane-haslo")
        neighbour = client_at(application, "10.0.0.1")
        neighbour.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.1"
        return attempt(attacker, OWNER, PASSWORD), attempt(neighbour, OWNER, PASSWORD)

    # Not trusted (the default): a client cannot pick its address, the proxy's counts.
    assert exhaust(app) == (429, 429)
    monkeypatch.setenv("PARTNERSTWA_PROXY_HOPS", "1")
    behind = create_app({"DATABASE_URL": fresh_db_url, "TESTING": True})
    assert exhaust(behind) == (429, 302)


def _csrf(client) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"',
                     client.get("/login").get_data(as_text=True)).group(1)
