"""Until when each funding source pays: the end of eligibility of expenditure, as configuration.

One table keyed by the funding codes of services/planning/vocabularies.py (the one table of
sources). FE 2021–2027 (regional and national programmes, Interreg): art. 63 ust. 2 of
Regulation 2021/1060, 31 December 2029. KPO: the Recovery and Resilience Facility pays for
milestones met by 31 August 2026 (Regulation 2021/241 art. 20 ust. 5 and art. 24). PS WPR:
EAFRD expenditure until 31 December 2029. National, own and other sources have no programme
deadline. These are the defaults; the setting PARTNERSTWA_PROGRAMME_DEADLINES (read in
services/config.py, e.g. ``kpo=2026-08-31,fe_regional=2029-12-31`` or ``national=2030-12-31``,
``none`` for no deadline) overrides the codes it names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.planning.vocabularies import FUNDING, FUNDING_CODES

ELIGIBLE_UNTIL = {
    "fe_regional": dt.date(2029, 12, 31),
    "feniks": dt.date(2029, 12, 31),
    "fe_national": dt.date(2029, 12, 31),
    "interreg": dt.date(2029, 12, 31),
    "kpo": dt.date(2026, 8, 31),
    "cap": dt.date(2029, 12, 31),
    "national": None,
    "own": None,
    "other": None,
}
assert set(ELIGIBLE_UNTIL) == set(FUNDING_CODES), "one end date per funding code"


@dataclass(frozen=True)
class Programme:
    code: str
    label: str
    eligible_until: dt.date | None


def deadlines() -> dict[str, dt.date | None]:
    """The end of eligibility per funding code: the table, overridden by the setting."""
    from services.config import Settings

    table = dict(ELIGIBLE_UNTIL)
    for code, day in Settings.from_env().programme_deadlines:
        table[code] = dt.date.fromisoformat(day) if day else None
    return table


def programme(code: str, locale: str | None = "pl") -> Programme:
    label = next((t.label(locale) for t in FUNDING if t.code == code), code)
    return Programme(code, label, deadlines().get(code))
