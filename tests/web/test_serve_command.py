"""`partnerstwa serve`, as `make demo` runs it: a real server process answering on 127.0.0.1."""

import os
import socket
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scripts.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_healthy(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                assert r.status == 200
                return
        except OSError:
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "the server did not start in 30 s"
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=15)


def test_serve_answers_health_and_the_map(reference_db_url):
    port = free_port()
    process = start(port, dict(os.environ, DATABASE_URL=reference_db_url))
    try:
        wait_healthy(process, port)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            page = response.read().decode()
        assert "/static/vendor/leaflet/leaflet.js" in page and "Mapa diagnostyczna" in page
    finally:
        stop(process)


def test_two_instances_do_not_share_a_control_socket(reference_db_url, tmp_path):
    """gunicorn >= 25.1 puts a control socket at one path per home folder: the second
    instance took over the first one's and removed it on exit. No instance opens one now."""
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    env.update(DATABASE_URL=reference_db_url, HOME=str(tmp_path),
               PARTNERSTWA_CACHE_DIR=str(tmp_path / "cache"))
    ports = free_port(), free_port()
    first, second = start(ports[0], env), start(ports[1], env)
    try:
        wait_healthy(first, ports[0])
        wait_healthy(second, ports[1])
        sockets = [p for p in tmp_path.rglob("*") if p.is_socket()]
        assert sockets == [], sockets
        stop(first)
        with urllib.request.urlopen(f"http://127.0.0.1:{ports[1]}/healthz", timeout=5) as r:
            assert r.status == 200
    finally:
        for process in (first, second):
            if process.poll() is None:
                stop(process)


def test_serve_says_what_to_do_when_the_apps_role_cannot_connect(reference_db_url):
    env = dict(os.environ, DATABASE_URL=reference_db_url,
               PARTNERSTWA_APP_DB_ROLE="partnerstwa_no_such_role")
    done = subprocess.run(
        [sys.executable, "-m", "scripts.cli", "serve", "--port", str(free_port())],
        env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("partnerstwa: error: the web app cannot connect as"
                                  " 'partnerstwa_no_such_role'"), done.stderr
    assert "run `partnerstwa db init` first" in done.stderr and "Traceback" not in done.stderr


def test_serve_refuses_a_superuser(reference_db_url):
    env = dict(os.environ, DATABASE_URL=reference_db_url,
               PARTNERSTWA_APP_DATABASE_URL=reference_db_url)
    done = subprocess.run(
        [sys.executable, "-m", "scripts.cli", "serve", "--port", str(free_port())],
        env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "is a superuser" in done.stderr and "Traceback" not in done.stderr
