"""Getis-Ord Gi* hot and cold spots (analytical z-scores)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from libpysal.graph import Graph
from scipy import sparse, stats
from scipy.stats import false_discovery_control


@dataclass(frozen=True)
class GiStar:
    ids: pd.Index
    y: np.ndarray
    z_scores: np.ndarray
    p_norm: np.ndarray  # two-sided
    fdr_significant: np.ndarray
    labels: np.ndarray  # 'hot', 'cold' or 'ns'
    alpha: float

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({"value": self.y, "z_score": self.z_scores, "p_norm": self.p_norm,
                             "fdr_significant": self.fdr_significant, "label": self.labels},
                            index=self.ids)


def gi_star(y: pd.Series, graph: Graph, *, alpha: float = 0.05) -> GiStar:
    """Gi* with binary weights that include each unit itself (Ord and Getis 1995).

    Parameters
    ----------
    y : Series
        Values indexed by the graph's unit ids.
    graph : Graph
        Neighbours; its weights are replaced by 1 and the diagonal is set to 1.
    alpha : float
        Benjamini-Hochberg false discovery rate for ``fdr_significant``.
    """
    ids = pd.Index(graph.unique_ids)
    if not isinstance(y, pd.Series) or set(y.index) != set(ids) or not y.index.is_unique:
        raise ValueError("y must be a Series holding exactly the graph's unit ids")
    x = y.reindex(ids).to_numpy(dtype=float)
    if not np.isfinite(x).all():
        raise ValueError("y has missing or infinite values")
    n = len(x)
    if n < 3 or np.ptp(x) == 0:
        raise ValueError("at least 3 units with some variance are needed")
    w = graph.sparse.tocsr().copy()
    w.data[:] = 1.0
    w = (w + sparse.identity(n, format="csr"))
    w.data[:] = 1.0
    mean, sd = x.mean(), x.std()
    weight_sum = np.asarray(w.sum(axis=1)).ravel()
    weight_sq = np.asarray(w.multiply(w).sum(axis=1)).ravel()
    numerator = w @ x - mean * weight_sum
    denominator = sd * np.sqrt((n * weight_sq - weight_sum**2) / (n - 1))
    z = numerator / denominator
    p = 2 * stats.norm.sf(np.abs(z))
    significant = false_discovery_control(p, method="bh") <= alpha
    labels = np.where(significant, np.where(z > 0, "hot", "cold"), "ns").astype(object)
    return GiStar(ids, x, z, p, significant, labels, alpha)
