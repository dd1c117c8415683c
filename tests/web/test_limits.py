"""Slow requests bounded per worker and per client; everything else, /healthz first, answers."""

import subprocess
import sys
import threading

import pytest

from tests.web.conftest import sign_in
from web import create_app
from web.limits import SLOW_ENDPOINTS, client_key


def fresh_map(voivodeship: str) -> str:
    """An indicator map no other test asks for: its classes are computed, not cached."""
    return ("/api/v1/indicators/unemployed_per_1000/map?method=natural_breaks&k=9&year=2024"
            f"&voivodeship={voivodeship}")


@pytest.fixture(scope="module")
def small_app(reference_db_url, unemployment_rate, accounts):
    """Two slow slots per worker, one per client."""
    return create_app({"DATABASE_URL": reference_db_url, "TESTING": True,
                       "SLOW_SLOTS": 2, "SLOW_PER_CLIENT": 1})


@pytest.fixture
def work(small_app):
    work = small_app.extensions["slow_work"]
    held = []
    yield lambda client: held.append((client, work.enter(client)))
    for client, fd in held:
        work.leave(client, fd)
    assert work.running() == 0


def test_a_client_with_its_share_running_is_told_to_retry_and_others_are_served(
        small_app, work):
    work("address:127.0.0.1")  # a slow computation of this address still runs
    anonymous = small_app.test_client()
    answer = anonymous.get(fresh_map("02"))
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "1"
    assert answer.get_json()["code"] == "too_many_requests"
    signed_in = small_app.test_client()
    sign_in(signed_in, "expert@test.pl")  # another client: its own share
    assert signed_in.get(fresh_map("02")).status_code == 200
    # Now cached: an answer that costs nothing is never refused.
    assert anonymous.get(fresh_map("02")).status_code == 200


def test_a_full_pool_answers_503_and_healthz_layers_pages_and_cached_maps_still_answer(
        small_app, work):
    client = small_app.test_client()
    assert client.get(fresh_map("04")).status_code == 200
    work("session:first")
    work("token:second")
    answer = client.get(fresh_map("06"))
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"
    assert answer.get_json()["code"] == "server_busy"
    assert client.get(fresh_map("04")).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/layers/gmina?zoom=6").status_code == 200
    assert client.get("/").status_code == 200


def test_one_request_waits_a_moment_for_a_slot_given_back(small_app, work):
    work("session:long")
    slots = small_app.extensions["slow_work"]
    brief = slots.enter("session:brief")
    threading.Timer(0.1, slots.leave, ("session:brief", brief)).start()
    assert small_app.test_client().get(fresh_map("16")).status_code == 200
    assert slots.running() == 1  # the long one; the brief one was given back and reused


def test_slots_are_shared_with_every_worker_process(small_app):
    """Gunicorn's workers are forked processes: a slot taken in another one counts here."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys\n"
         "held = [open(path, 'a') for path in sys.argv[1:]]\n"
         "[fcntl.flock(f, fcntl.LOCK_EX) for f in held]\n"
         "print('held', flush=True)\nsys.stdin.read()",
         *map(str, small_app.extensions["slow_work"].slot_files())],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        client = small_app.test_client()
        assert client.get(fresh_map("14")).status_code == 503
        assert client.get("/healthz").status_code == 200
    finally:
        holder.stdin.close()
        holder.wait(10)
    assert client.get(fresh_map("14")).status_code == 200


def test_slots_are_given_back_after_answers_and_errors(small_app, work):
    client = small_app.test_client()
    for url, status in [(fresh_map("08"), 200), ("/api/v1/indicators/nie_ma/map", 404),
                        (fresh_map("10").replace("natural_breaks", "jenks"), 400),
                        (fresh_map("12"), 200)]:
        assert client.get(url).status_code == status
        assert small_app.extensions["slow_work"].running() == 0
    assert "Retry-After" not in client.get(fresh_map("12")).headers


def test_clients_are_sessions_tokens_or_addresses(small_app):
    with small_app.test_request_context(headers={"Authorization": "Bearer abc"}):
        token_a = client_key()
    with small_app.test_request_context(headers={"Authorization": "Bearer abd"}):
        token_b = client_key()
    with small_app.test_request_context(environ_base={"REMOTE_ADDR": "10.0.0.7"}):
        address = client_key()
    assert token_a.startswith("token:") and token_a != token_b and "abc" not in token_a
    assert address == "address:10.0.0.7"


def test_every_slow_endpoint_named_is_a_route(small_app):
    assert SLOW_ENDPOINTS <= set(small_app.view_functions)
