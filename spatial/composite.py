"""Composite indices: standardise indicators (optionally within comparison groups), orient
them so that higher means worse, and combine them with weights."""

from __future__ import annotations

import numpy as np
import pandas as pd

METHODS = ("zscore", "minmax")
MISSING = ("drop", "mean", "fail")


class CompositeError(ValueError):
    """The inputs cannot give a meaningful index (no variance, missing values under 'fail')."""


def standardise(values: pd.Series, method: str, groups: pd.Series | None = None) -> pd.Series:
    """Z-scores (population standard deviation) or min-max to [0, 1], within groups if given.

    Parameters
    ----------
    values : Series
        One indicator, indexed by unit; no missing values.
    method : {'zscore', 'minmax'}
    groups : Series, optional
        Comparison group of each unit, aligned on the same index.

    Returns
    -------
    Series
        A new Series; the input is not changed.
    """
    if method not in METHODS:
        raise CompositeError(f"method must be one of {', '.join(METHODS)}")
    keys = groups.reindex(values.index) if groups is not None else pd.Series(0, values.index)
    out = pd.Series(np.nan, index=values.index, dtype=float)
    for key, members in values.groupby(keys):
        if method == "zscore":
            spread = members.std(ddof=0)
            centre = members.mean()
        else:
            spread = members.max() - members.min()
            centre = members.min()
        if not np.isfinite(spread) or spread == 0:
            where = f" in group {key}" if groups is not None else ""
            raise CompositeError(f"{values.name or 'the indicator'} has no variance{where}")
        out[members.index] = (members - centre) / spread
    return out


def composite_index(frame: pd.DataFrame, weights: dict[str, float], signs: dict[str, int], *,
                    method: str = "zscore", groups: pd.Series | None = None,
                    missing: str = "drop") -> tuple[pd.Series, list[str]]:
    """Weighted mean of standardised, oriented indicators.

    Parameters
    ----------
    frame : DataFrame
        One column per indicator, indexed by unit.
    weights : dict
        Positive weight per column.
    signs : dict
        +1 where higher values mean higher risk, -1 where they mean lower risk.
    method : {'zscore', 'minmax'}
    groups : Series, optional
        Comparison groups (e.g. gmina type): standardisation happens within each.
    missing : {'drop', 'mean', 'fail'}
        Units with a missing component are left out ('drop'), given the mean of their group
        ('mean'), or make the whole computation fail ('fail').

    Returns
    -------
    index : Series
        Higher is worse; units left out are absent.
    dropped : list
        Units left out for missing values.
    """
    if missing not in MISSING:
        raise CompositeError(f"missing must be one of {', '.join(MISSING)}")
    columns = list(weights)
    if not columns:
        raise CompositeError("no components")
    if any(w <= 0 for w in weights.values()):
        raise CompositeError("weights must be positive")
    if groups is not None and not groups.index.is_unique:
        raise CompositeError("groups must have one entry per unit")
    data = frame[columns].copy()
    incomplete = data.index[data.isna().any(axis=1)]
    dropped: list[str] = []
    if len(incomplete):
        if missing == "fail":
            raise CompositeError(f"{len(incomplete)} units lack a component, e.g. "
                                 f"{', '.join(map(str, incomplete[:5]))}")
        if missing == "drop":
            dropped = list(incomplete)
            data = data.drop(index=incomplete)
        else:
            keys = groups.reindex(data.index) if groups is not None \
                else pd.Series(0, data.index)
            data = data.groupby(keys).transform(lambda col: col.fillna(col.mean()))
    total = sum(weights.values())
    score = pd.Series(0.0, index=data.index)
    for column in columns:
        z = standardise(data[column].rename(column), method, groups)
        score += signs[column] * weights[column] * z
    return (score / total).rename("composite"), dropped
