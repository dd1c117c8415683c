"""The diagnosis's stated rules: size classes, comparison group, percentile, trend, verdict.

Pure functions over numbers and frames; the document prints each rule next to its result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Upper bounds (exclusive) of the population size classes; the last class is open.
SIZE_BOUNDS = (5_000, 10_000, 20_000, 50_000, 100_000, 200_000)
TREND_WINDOW = 5  # years
STABLE_SHARE = 0.01  # a change over the window below 1% of the mean is no trend


def size_class(population: float) -> int:
    """0 for below 5,000 … 6 for 200,000 and more."""
    return int(np.searchsorted(SIZE_BOUNDS, population, side="right"))


def class_label(cls: int, fmt) -> str:
    """'5 000–9 999' with ``fmt`` writing integers in the document's language."""
    if cls == 0:
        return f"< {fmt(SIZE_BOUNDS[0])}"
    if cls == len(SIZE_BOUNDS):
        return f"≥ {fmt(SIZE_BOUNDS[-1])}"
    return f"{fmt(SIZE_BOUNDS[cls - 1])}–{fmt(SIZE_BOUNDS[cls] - 1)}"


def comparison_group(gminas: pd.DataFrame, members: list[str]) -> tuple[list[str], dict]:
    """Gminas of the same type and size class as any member, members excluded.

    ``gminas`` has columns ``gmina_type`` and ``population`` indexed by TERYT. Returns the
    group's codes and, per member, the number of its peers (0: no similar gmina).
    """
    known = gminas.dropna(subset=["population"])
    cells = pd.Series([(t, size_class(p)) for t, p in zip(known["gmina_type"],
                                                         known["population"], strict=True)],
                      index=known.index)
    outside = cells[~cells.index.isin(members)]
    peers = {m: int((outside == cells[m]).sum()) if m in cells.index else 0 for m in members}
    wanted = {cells[m] for m in members if m in cells.index}
    group = sorted(outside[outside.isin(wanted)].index)
    return group, peers


def percentile(value: float, group: pd.Series) -> float | None:
    """Share (0–100) of the group's values that are not higher than ``value``."""
    group = group.dropna()
    if group.empty or value is None:
        return None
    return float((group <= value).mean() * 100)


def trend(series: pd.Series, window: int = TREND_WINDOW) -> dict:
    """Least-squares slope over the last ``window`` years of a year-indexed series."""
    held = series.dropna().sort_index()
    last = held.iloc[-window:]
    out = {"years": [int(y) for y in last.index], "n": int(len(last)), "slope": None,
           "change": None, "direction": None}
    if len(last) < 2:
        return out
    x = last.index.to_numpy(dtype=float)
    slope = float(np.polyfit(x, last.to_numpy(dtype=float), 1)[0])
    change = slope * (x[-1] - x[0])
    scale = abs(float(last.mean()))
    out.update(slope=slope, change=change)
    if scale == 0 or abs(change) < STABLE_SHARE * scale:
        out["direction"] = "stable"
    else:
        out["direction"] = "rising" if slope > 0 else "falling"
    return out


def judged_trend(direction: str | None, orientation: str) -> str | None:
    """'improving', 'worsening' or 'stable' for an indicator of the given orientation."""
    if direction in (None, "stable") or orientation not in ("higher-worse", "higher-better"):
        return direction
    rising_is_good = orientation == "higher-better"
    return "improving" if (direction == "rising") == rising_is_good else "worsening"


def verdict(value, voivodeship, median, judged: str | None, orientation: str) -> str | None:
    """'problem', 'potential' or None by the printed rule."""
    if orientation not in ("higher-worse", "higher-better"):
        return None
    if value is None or voivodeship is None or median is None:
        return None
    sign = 1 if orientation == "higher-better" else -1
    better_voiv = sign * (value - voivodeship) > 0
    worse_voiv = sign * (value - voivodeship) < 0
    better_group = sign * (value - median) > 0
    worse_group = sign * (value - median) < 0
    if worse_voiv and worse_group and judged != "improving":
        return "problem"
    if better_voiv and better_group and judged != "worsening":
        return "potential"
    return None


def distance_sd(value, median, sd) -> float | None:
    """Distance from the group median in the group's standard deviations (absolute)."""
    if value is None or median is None or not sd:
        return None
    return abs(value - median) / sd
