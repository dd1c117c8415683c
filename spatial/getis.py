"""Getis-Ord Gi* hot and cold spots (analytical z-scores), binary or row-standardised.

Both variants count each unit in its own neighbourhood. ``binary`` is Ord and Getis (1995):
``z = (sum_j w_ij x_j - W_i m) / (s sqrt((n S1_i - W_i^2) / (n - 1))))`` with weights 1.
``row`` is esda's default (``G_Local(transform="R", star=True)``): weights ``1 / (k_i + 1)``
and the variance ``W_i (n - W_i) / (n - 1)``, i.e. the neighbourhood's mean against the scope's
mean in units of the scope's standard deviation (smaller than the binary z by about
``sqrt(k + 1)``; esda flips its sign when the mean is negative, we do not).

Where a unit and its neighbours make up the whole scope the statistic carries no information
(its neighbourhood sum is the scope's sum under any arrangement): z and p are NaN and the unit
is reported with the reason ``UNDEFINED``, never a division by zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from libpysal.graph import Graph
from scipy import sparse, stats
from scipy.stats import false_discovery_control

from spatial.moran import aligned

VARIANTS = {
    "binary": "binary weights, each gmina included (Ord and Getis 1995)",
    "row": "row-standardised weights, each gmina included (esda's default)",
}
UNDEFINED = "neighbourhood covers the whole scope"


@dataclass(frozen=True)
class GiStar:
    ids: pd.Index
    y: np.ndarray
    z_scores: np.ndarray  # NaN where undefined
    p_norm: np.ndarray  # two-sided; NaN where undefined
    fdr_significant: np.ndarray
    labels: np.ndarray  # 'hot', 'cold', 'ns' or 'undefined'
    reasons: dict  # unit id -> why its statistic is undefined
    variant: str
    alpha: float

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({"value": self.y, "z_score": self.z_scores, "p_norm": self.p_norm,
                             "fdr_significant": self.fdr_significant, "label": self.labels},
                            index=self.ids)


def gi_star(y: pd.Series, graph: Graph, *, variant: str = "binary",
            alpha: float = 0.05) -> GiStar:
    """Gi* of every unit, with Benjamini-Hochberg FDR over the units where it is defined.

    Parameters
    ----------
    y : Series
        Values indexed by the graph's unit ids.
    graph : Graph
        Neighbours (only which units neighbour which is used; weights come from ``variant``).
    variant : {'binary', 'row'}
        See the module's docstring.
    alpha : float
        Benjamini-Hochberg false discovery rate for ``fdr_significant``.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}")
    x, w, ids = aligned(y, graph)
    n = len(x)
    w = w.copy()
    w.data[:] = 1.0
    w = w + sparse.identity(n, format="csr")
    w.data[:] = 1.0
    size = np.asarray(w.sum(axis=1)).ravel()  # the unit and its neighbours
    if variant == "row":
        w = sparse.diags(1.0 / size) @ w
    weight_sum = np.asarray(w.sum(axis=1)).ravel()
    weight_sq = np.asarray(w.multiply(w).sum(axis=1)).ravel()
    mean, sd = x.mean(), x.std()
    undefined = size >= n
    spread = n * weight_sq - weight_sum**2 if variant == "binary" else \
        weight_sum * (n - weight_sum)
    z = np.full(n, np.nan)
    defined = ~undefined
    z[defined] = ((w @ x - mean * weight_sum)[defined]
                  / (sd * np.sqrt(spread[defined] / (n - 1))))
    p = np.full(n, np.nan)
    p[defined] = 2 * stats.norm.sf(np.abs(z[defined]))
    significant = np.zeros(n, dtype=bool)
    if defined.any():
        significant[defined] = false_discovery_control(p[defined], method="bh") <= alpha
    labels = np.where(significant, np.where(z > 0, "hot", "cold"), "ns").astype(object)
    labels[undefined] = "undefined"
    reasons = {unit: UNDEFINED for unit in ids[undefined]}
    return GiStar(ids, x, z, p, significant, labels, reasons, variant, alpha)
