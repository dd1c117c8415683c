"""Expensive requests bounded, so that no client can starve the others.

All worker processes of one server together run at most ``SLOW_SLOTS`` slow computations at a
time, and a slot rests after each computation as long as it took (``SLOW_REST``), which
leaves the rest of the machine to pages, layers and ``/healthz``; each client runs
at most ``SLOW_PER_CLIENT`` of them in a worker. A slow request past either bound is answered
503 (the slots are taken) or 429 (the client has its share) with ``Retry-After``; only one
request per worker may first wait ``SLOW_WAIT_S`` for a slot, so waiting never ties up the
threads that serve everything else. A client is its signed-in
session, else its API token, else its address: anonymous callers cannot mint new identities
by dropping cookies.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g, request, session

from core.errors import PartnerstwaError

SLOW_ENDPOINTS = frozenset({
    "api_files.download",             # exports
    "api_files.import_upload",        # imports with their checks
    "packages.package",               # a partnership's GeoPackage
    "diagnosis.page", "diagnosis.api",  # generated diagnosis documents
})
"""Endpoints whose work is always long. Views whose answers are mostly cached (the indicator
map) bound only their computations, with ``slow_work()``: cached answers are never refused."""

SLOW_SLOTS = 1  # for the whole server: on 2 cores, one stays free for everything else
SLOW_PER_CLIENT = 1
SLOW_WAIT_S = 0.5  # e.g. two workers missing the same new map at once: one waits, not fails
SLOW_REST = 1.0  # a slot rests this many times as long as its work took, before it is free
SLOW_REST_MAX_S = 2.0
RETRY_AFTER_S = 1


class ServerBusy(PartnerstwaError):
    status = 503
    code = "server_busy"


class TooManyRequests(PartnerstwaError):
    status = 429
    code = "too_many_requests"


class SlowWork:
    """``slots`` slow computations shared by every process forked from this one, and
    ``per_client`` of one client here.

    A slot is an exclusive ``flock`` on one of ``slots`` unnamed temporary files, made before
    gunicorn forks its workers: the kernel releases it when its holder ends, even when killed
    (a worker past its timeout), and nothing is left on disk."""

    def __init__(self, slots: int, per_client: int, wait_s: float = 0.0, rest: float = 0.0):
        self.slots, self.per_client, self.wait_s, self.rest = slots, per_client, wait_s, rest
        self._started: dict[int, float] = {}
        self._files = [tempfile.TemporaryFile() for _ in range(slots)]
        self._lock = threading.Lock()
        self._held = 0
        self._waiting = 0
        self._by_client: Counter[str] = Counter()

    def slot_files(self) -> list[Path]:
        """Paths that open the slot files anew (a new open file each: see ``enter``)."""
        return [Path(f"/proc/{os.getpid()}/fd/{f.fileno()}") for f in self._files]

    def enter(self, client: str) -> int:
        """A slot (an open file descriptor to give back to ``leave``), or an error. When the
        slots are taken, or the client has its share, one request per process may wait up to
        ``wait_s`` (a slot is often held for a few tens of milliseconds, and a page may ask
        for two maps at once); any other is refused at once."""
        with self._lock:
            fd = self._take(client)
            if fd is not None:
                return fd
            if self._waiting or not self.wait_s:
                raise self._refusal(client)
            self._waiting += 1
        try:
            deadline = time.monotonic() + self.wait_s
            while time.monotonic() < deadline:
                time.sleep(0.01)
                with self._lock:
                    fd = self._take(client)
                    if fd is not None:
                        return fd
        finally:
            with self._lock:
                self._waiting -= 1
        with self._lock:
            raise self._refusal(client)

    def _take(self, client: str) -> int | None:
        if self._by_client[client] >= self.per_client:
            return None
        for path in self.slot_files():
            # A new open file per attempt: flock excludes other threads of this process as
            # well as other processes.
            fd = os.open(path, os.O_RDWR)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self._held += 1
            self._by_client[client] += 1
            self._started[fd] = time.monotonic()
            return fd
        return None

    def _refusal(self, client: str) -> PartnerstwaError:
        if self._by_client[client] >= self.per_client:
            return TooManyRequests("your earlier slow requests are still running;"
                                   " try again in a moment")
        return ServerBusy("the server is busy with other slow requests; try again in a moment")

    def leave(self, client: str, fd: int) -> None:
        # Slow work keeps its slot resting for a while after it: back-to-back computations
        # would otherwise hold one core all the time, and the pages, layers and cached maps
        # served by the same workers would queue behind them.
        with self._lock:
            took = time.monotonic() - self._started.pop(fd, time.monotonic())
        if self.rest:
            time.sleep(min(took * self.rest, SLOW_REST_MAX_S))
        with self._lock:
            os.close(fd)  # releases the lock
            self._held -= 1
            self._by_client[client] -= 1
            if not self._by_client[client]:
                del self._by_client[client]

    def running(self) -> int:
        """Slots held by this process."""
        with self._lock:
            return self._held


def client_key() -> str:
    """Who is asking: the server-side session, the API token, or the address."""
    sid = session.get("sid")
    if isinstance(sid, str) and sid:
        return "session:" + hashlib.sha256(sid.encode()).hexdigest()[:16]
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer ") and len(auth) > 7:
        return "token:" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()[:16]
    return "address:" + (request.remote_addr or "?")


def _enter() -> tuple[str, int]:
    work: SlowWork = current_app.extensions["slow_work"]
    client = client_key()
    try:
        return client, work.enter(client)
    except PartnerstwaError:
        g.retry_after = RETRY_AFTER_S
        raise


@contextmanager
def slow_work():
    """One slow computation of the requesting client, or ServerBusy/TooManyRequests."""
    client, fd = _enter()
    try:
        yield
    finally:
        current_app.extensions["slow_work"].leave(client, fd)


def init_app(app: Flask) -> None:
    work = SlowWork(int(app.config.get("SLOW_SLOTS", SLOW_SLOTS)),
                    int(app.config.get("SLOW_PER_CLIENT", SLOW_PER_CLIENT)),
                    float(app.config.get("SLOW_WAIT_S", SLOW_WAIT_S)),
                    float(app.config.get("SLOW_REST", SLOW_REST)))
    app.extensions["slow_work"] = work

    @app.before_request
    def admit_slow_work():
        if request.endpoint in SLOW_ENDPOINTS:
            g.slow_slot = _enter()

    @app.after_request
    def say_when_to_retry(response):
        if "retry_after" in g:
            response.headers["Retry-After"] = str(g.retry_after)
        return response

    @app.teardown_request
    def release_slow_work(_exc):
        slot = g.pop("slow_slot", None)
        if slot is not None:
            work.leave(*slot)
