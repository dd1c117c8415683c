"""Results that only change when the data they read do, kept in process memory.

Each result is keyed on the versions of the kinds of data it reads (``SOURCES``), read from
the database on every call (a few index lookups), so a cached answer is never stale, and a
write of one kind (a comment, an area, an audit record) leaves the answers that do not read
it cached. Concurrent misses of one key compute it once; the others wait for that answer.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from threading import Event, Lock

import sqlalchemy as sa

_entries: OrderedDict = OrderedDict()
_pending: dict = {}
_lock = Lock()
MAX_ENTRIES = 256

SOURCES = {
    "boundaries": "SELECT coalesce(max(id), 0) FROM boundary_load",
    "indicators": "SELECT coalesce(max(id), 0) FROM indicator_load",
    "analysis": "SELECT coalesce(max(id), 0) FROM analysis_run",
    "objects": "SELECT coalesce(max(id), 0) FROM object_version",
    "audit": "SELECT coalesce(max(id), 0) FROM audit_log",
    "partnerships": "SELECT max(updated_at) FROM partnership",
}
"""Kind of data -> the query of its version: any write of that kind moves it on."""
WORKING_DATA = tuple(s for s in SOURCES if s != "audit")
"""Everything an answer about places and plans reads; comments and sign-ins only write the
audit log, so they leave such answers cached."""


def data_version(conn, *sources: str) -> tuple:
    """The database itself and the version of each named kind of data (all kinds if none)."""
    names = sources or tuple(SOURCES)
    unknown = [s for s in names if s not in SOURCES]
    if unknown:
        raise ValueError(f"unknown data sources {unknown}; known: {', '.join(SOURCES)}")
    query = sa.text("SELECT " + ", ".join(f"({SOURCES[s]})" for s in names))
    # Two databases can hold the same counters (e.g. two fresh loads); keying on the URL
    # keeps one app, test run or script using several databases from sharing answers.
    return (conn.engine.url.render_as_string(hide_password=False), names,
            *conn.execute(query).one())


def cached(key: tuple, version: tuple, compute: Callable[[], object],
           guard: Callable[[], AbstractContextManager] = nullcontext):
    """The answer for ``(key, version)``, computed once however many ask at the same time;
    ``guard()`` is entered around the computation only (e.g. a bound on slow work), never
    around a cached answer."""
    full = (key, version)
    while True:
        with _lock:
            if full in _entries:
                _entries.move_to_end(full)
                return _entries[full]
            waiting = _pending.get(full)
            if waiting is None:
                done = _pending[full] = Event()
                break
        waiting.wait()
        # The computation either stored the answer (found above) or failed (then this
        # caller tries itself, and gets the same error as its own answer).
    try:
        with guard():
            value = compute()
        with _lock:
            _entries[full] = value
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
        return value
    finally:
        with _lock:
            del _pending[full]
        done.set()

