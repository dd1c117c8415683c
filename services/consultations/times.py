"""A consultation's dates in Polish time.

Residents and experts think in days of the Polish calendar: "closes 2026-12-31" means that
answers are taken through the whole of 31 December in Poland. So a date without a time opens
at 00:00 Europe/Warsaw of that day and closes at the end of the closing day (24:00, stored as
the next day's 00:00 Warsaw, in UTC); a date and time without an offset is Polish time too.
Summer time is zoneinfo's business: the same date closes at 23:00 UTC in winter and 22:00 UTC
in summer. Pages show these moments in Polish time and say so; documents may keep UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

POLISH_TIME = ZoneInfo("Europe/Warsaw")
# ISO 8601's extended and basic forms of a date alone (2026-12-31, 20261231): both a whole day
DATE_ONLY = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")


def day_start(day: date) -> datetime:
    """00:00 Polish time of ``day``, in UTC (midnight is never skipped nor repeated in
    Poland: the clocks change at 02:00 and 03:00)."""
    return datetime.combine(day, time(0), POLISH_TIME).astimezone(UTC)


def day_end(day: date) -> datetime:
    """The end of ``day`` in Poland (24:00), i.e. 00:00 Polish time of the next day, in UTC."""
    return day_start(day + timedelta(days=1))


def moment_of(text: str, *, closing: bool) -> datetime:
    """``text`` (ISO 8601) as a moment: a bare date is the start of that Polish day, or its
    end when ``closing``; a time without an offset is Polish time. ValueError if unreadable."""
    if DATE_ONLY.match(text):
        day = date.fromisoformat(text)
        return day_end(day) if closing else day_start(day)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=POLISH_TIME)


def polish(moment: datetime | str) -> datetime:
    """``moment`` (aware, or its ISO text) in Polish time."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(POLISH_TIME)


def day_and_time(moment: datetime | str, *, closing: bool = False) -> tuple[str, str]:
    """(``YYYY-MM-DD``, ``HH:MM``) of ``moment`` in Polish time. A closing moment at 00:00
    is written as 24:00 of the day before: "until 2026-12-31 24:00", the day residents have."""
    local = polish(moment)
    if closing and local.time() == time(0):
        return (local.date() - timedelta(days=1)).isoformat(), "24:00"
    return local.date().isoformat(), local.strftime("%H:%M")


def last_day(closes: datetime | str) -> str:
    """The last Polish day on which answers are taken (``YYYY-MM-DD``): a date field shows
    it, and sending it back closes at the end of that same day."""
    return (polish(closes) - timedelta(microseconds=1)).date().isoformat()


def shown(item: dict) -> dict:
    """What pages write of a consultation's dates, in Polish time: ``opens`` and ``closes``
    as (day, HH:MM) pairs (closing at 24:00 of its last day) and the ``last_day``."""
    return {"opens": day_and_time(item["opens_at"]),
            "closes": day_and_time(item["closes_at"], closing=True),
            "last_day": last_day(item["closes_at"])}
