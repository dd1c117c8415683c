"""Monitoring of result indicators: the latest value against the path from baseline to target.

An indicator is on track when its latest value has gone at least as far towards the target as
the straight line from the baseline (baseline year) to the target (target year) has by the
latest year; past the target year the target itself is the mark. Without a value newer than
the baseline there is nothing to judge: no data.
"""

from __future__ import annotations

from decimal import Decimal


def direction(baseline: Decimal, target: Decimal) -> str:
    return "decrease" if target < baseline else "increase"


def expected(baseline: Decimal, baseline_year: int, target: Decimal, target_year: int,
             year: int) -> Decimal:
    """Where the straight path from the baseline to the target is in ``year``."""
    if target_year <= baseline_year or year >= target_year:
        return target
    elapsed = Decimal(year - baseline_year) / Decimal(target_year - baseline_year)
    return baseline + (target - baseline) * max(elapsed, Decimal(0))


def status(baseline: Decimal | None, baseline_year: int, target: Decimal, target_year: int,
           latest: Decimal | None, latest_year: int | None) -> str:
    if baseline is None or latest is None or latest_year is None \
            or latest_year <= baseline_year:
        return "no_data"
    mark = expected(baseline, baseline_year, target, target_year, latest_year)
    if direction(baseline, target) == "increase":
        return "on_track" if latest >= mark else "off_track"
    return "on_track" if latest <= mark else "off_track"


def table(goals: list[dict]) -> list[dict]:
    """One row per result indicator of the strategy, for the page's table and chart."""
    rows = []
    for goal in goals:
        for ind in goal["indicators"]:
            rows.append({"goal_id": goal["id"], "goal": goal["title"], **ind})
    return rows
