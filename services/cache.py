"""Results that only change when the data do, kept in process memory per data version.

The version is read from the database on every call (a few index lookups), so a cached
answer is never stale: any load, edit or analysis moves the version on.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

import sqlalchemy as sa

_entries: OrderedDict = OrderedDict()
_lock = Lock()
MAX_ENTRIES = 256

VERSION_SQL = sa.text(
    "SELECT (SELECT coalesce(max(id), 0) FROM boundary_load),"
    " (SELECT coalesce(max(id), 0) FROM indicator_load),"
    " (SELECT coalesce(max(id), 0) FROM analysis_run),"
    " (SELECT coalesce(max(id), 0) FROM object_version),"
    " (SELECT coalesce(max(id), 0) FROM audit_log),"
    " (SELECT max(updated_at) FROM partnership)")


def data_version(conn) -> tuple:
    """The database itself and the last change of each kind of data held in it."""
    # Two databases can hold the same counters (e.g. two fresh loads); keying on the URL
    # keeps one app, test run or script using several databases from sharing answers.
    return (conn.engine.url.render_as_string(hide_password=False),
            *conn.execute(VERSION_SQL).one())


def cached(key: tuple, version: tuple, compute: Callable[[], object]):
    full = (key, version)
    with _lock:
        if full in _entries:
            _entries.move_to_end(full)
            return _entries[full]
    value = compute()
    with _lock:
        _entries[full] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value
