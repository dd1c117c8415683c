"""Global Moran's I with analytical (normality, randomisation) and permutation inference.

Formulas as ``esda.Moran``: ``I = n / S0 * z'Wz / z'z``, ``E[I] = -1 / (n - 1)``, variances
under normality and under randomisation (Cliff and Ord), two-sided analytical p-values, and
a folded pseudo p-value from random permutations of the values (ties counted as extreme).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from libpysal.graph import Graph
from scipy import sparse, stats

from spatial.permutation import CHUNK_ELEMENTS, TOLERANCE, folded_p

# Products of weights and values spent on permutations at most (about a second), but never
# fewer than MIN_PERMUTATIONS permutations (a distance band over the whole country gets ~160).
WORK = 10**9
MIN_PERMUTATIONS = 99


def aligned(y: pd.Series, graph: Graph) -> tuple[np.ndarray, sparse.csr_matrix, pd.Index]:
    """Values in the graph's unit order and its sparse weights; refuses what cannot be tested."""
    if not isinstance(y, pd.Series):
        raise TypeError("y must be a pandas Series indexed like the graph")
    ids = pd.Index(graph.unique_ids)
    if not y.index.is_unique or set(y.index) != set(ids):
        raise ValueError("y and the graph must hold exactly the same unit ids")
    values = y.reindex(ids).to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise ValueError("y has missing or infinite values")
    if len(values) < 3:
        raise ValueError(f"{len(values)} units; at least 3 are needed")
    if np.ptp(values) == 0:
        raise ValueError("y has no variance (every unit has the same value)")
    w = graph.sparse.tocsr().astype(float)
    w.eliminate_zeros()  # libpysal keeps islands as zero-weight self-loops
    if w.nnz == 0:
        raise ValueError("every unit is without neighbours")
    return values, w, ids


@dataclass(frozen=True)
class GlobalMoran:
    I: float  # noqa: E741 -- the statistic's name
    EI: float
    n: int
    VI_norm: float
    z_norm: float | None  # undefined when the variance is not positive
    p_norm: float | None  # two-sided
    VI_rand: float | None  # needs at least 4 units
    z_rand: float | None
    p_rand: float | None
    permutations: int  # as many as were made (wide bands get fewer, see WORK)
    p_sim: float | None
    EI_sim: float | None
    seI_sim: float | None
    z_sim: float | None

    def as_dict(self) -> dict:
        """Plain JSON values (None where a figure is undefined)."""
        return {key: (None if isinstance(value, float) and not math.isfinite(value) else value)
                for key, value in asdict(self).items()}


def _sums(w: sparse.csr_matrix) -> tuple[float, float, float]:
    s0 = float(w.sum())
    s1 = float(0.5 * (w + w.T).power(2).sum())
    s2 = float(((np.asarray(w.sum(axis=1)).ravel() + np.asarray(w.sum(axis=0)).ravel())
                ** 2).sum())
    return s0, s1, s2


def _two_sided(z: float) -> float:
    return float(2 * stats.norm.sf(abs(z)))


def moran_global(y: pd.Series, graph: Graph, *, permutations: int = 0,
                 seed: int | None = None) -> GlobalMoran:
    """Global Moran's I of ``y`` under ``graph`` (used as given; row-standardise it first).

    Parameters
    ----------
    y : Series
        Values indexed by the graph's unit ids (any order).
    graph : Graph
        Spatial weights.
    permutations : int
        Random permutations for the pseudo p-value (0: analytical inference only); at most
        ``WORK / nnz`` of them, never fewer than ``MIN_PERMUTATIONS`` (see ``permutations``
        of the result).
    seed : int, optional
        Seed of the permutations.
    """
    if permutations < 0:
        raise ValueError("permutations must not be negative")
    values, w, _ = aligned(y, graph)
    n = len(values)
    z = values - values.mean()
    z2ss = float(z @ z)
    s0, s1, s2 = _sums(w)
    statistic = n / s0 * float(z @ (w @ z)) / z2ss
    expected = -1.0 / (n - 1)
    v_norm = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n - 1) * (n + 1) * s0 * s0) - expected**2
    # When every unit neighbours (nearly) every other, I hardly varies: its variances are zero
    # up to rounding and a z-score would be noise.
    tiny = 1e-10 * expected**2
    z_norm = p_norm = None
    if v_norm > tiny:
        z_norm = (statistic - expected) / math.sqrt(v_norm)
        p_norm = _two_sided(z_norm)
    v_rand = z_rand = p_rand = None
    if n > 3:
        kurtosis = float((z**4).sum() / n / ((z**2).sum() / n) ** 2)
        a = n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0)
        b = kurtosis * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)
        v_rand = (a - b) / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - expected**2
        if v_rand > tiny:
            z_rand = (statistic - expected) / math.sqrt(v_rand)
            p_rand = _two_sided(z_rand)
    p_sim = mean_sim = se_sim = z_sim = None
    # Each permutation costs one pass over the weights: wide bands get fewer (recorded).
    permutations = min(permutations, max(MIN_PERMUTATIONS, int(WORK // max(w.nnz, n))))
    if permutations:
        sims = _permuted(z, w, permutations, seed) * (n / s0 / z2ss)
        tol = TOLERANCE * max(1.0, abs(statistic))
        at_least = np.array([(sims >= statistic - tol).sum()])
        at_most = np.array([(sims <= statistic + tol).sum()])
        p_sim = float(folded_p(at_least, at_most, np.array([permutations]),
                               np.array([False]))[0])
        mean_sim, se_sim = float(sims.mean()), float(sims.std())
        z_sim = (statistic - mean_sim) / se_sim if se_sim**2 > tiny else None
    return GlobalMoran(statistic, expected, n, v_norm, z_norm, p_norm, v_rand,
                       z_rand, p_rand, permutations, p_sim, mean_sim, se_sim, z_sim)


def _permuted(z: np.ndarray, w: sparse.csr_matrix, permutations: int,
              seed: int | None) -> np.ndarray:
    """``z'Wz`` for random permutations of ``z``, computed in chunks of permutations."""
    rng = np.random.default_rng(seed)
    n = len(z)
    out = np.empty(permutations)
    step = max(1, CHUNK_ELEMENTS // n)
    for start in range(0, permutations, step):
        rows = min(step, permutations - start)
        shuffled = rng.permuted(np.tile(z, (rows, 1)), axis=1).T  # n x rows
        out[start:start + rows] = np.einsum("ij,ij->j", shuffled, w @ shuffled)
    return out
