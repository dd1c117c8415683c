"""Local Moran's I (LISA) with tie-aware conditional permutation inference.

The local statistic and its quadrants follow ``esda.Moran_Local`` (z-scores with the
population standard deviation, ``I_i = (n-1) z_i lag_i / sum z^2``, quadrants 1 HH, 2 LH, 3 LL,
4 HL). Inference is our own, in NumPy:

* every permutation draws one random ordered sample of distinct units; a unit's conditional
  permutation takes the first ``k`` of them that are not the unit itself. For rows of equal
  weights (row-standardised contiguity, k nearest, distance bands) all units of one
  neighbour count share the prefix sums of those draws, which are sorted once and searched;
* draws are made and reduced in chunks, so memory grows with the widest neighbourhood, never
  with units x permutations, and any neighbour count up to n - 1 works;
* a permuted statistic equal to the observed one (within a relative 1e-9) counts as at least
  as extreme, on both sides of the fold: with tied data (many units at 0 %) the p-value is the
  probability of a neighbourhood as extreme as the observed one, not an artefact of rounding;
* a unit with at most 10,000 (``EXACT_MAX_SETS``) possible neighbour sets gets its exact p-value by
  enumerating them (small scopes, neighbourhoods that cover nearly everything).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from libpysal.graph import Graph
from scipy import sparse
from scipy.stats import false_discovery_control

from spatial.moran import aligned
from spatial.permutation import (
    CHUNK_ELEMENTS,
    TOLERANCE,
    chunk_sizes,
    exact_sums,
    few_sets,
    folded_p,
    ordered_samples,
)

QUADRANT_LABELS = {0: "isolated", 1: "HH", 2: "LH", 3: "LL", 4: "HL"}
# Neighbour-count groups at least this large are counted by sorting instead of comparing.
_SORT_FROM = 32


@dataclass(frozen=True)
class LocalMoran:
    ids: pd.Index
    y: np.ndarray
    z: np.ndarray
    lag: np.ndarray
    Is: np.ndarray
    quadrant: np.ndarray  # 0 for units without neighbours
    p_sim: np.ndarray  # NaN for units without neighbours
    exact: np.ndarray  # True where p_sim is exact (enumerated), not a permutation estimate
    fdr_significant: np.ndarray
    labels: np.ndarray  # quadrant label where FDR-significant, else 'ns'
    permutations: int
    seed: int | None
    alpha: float

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "value": self.y, "std_value": self.z, "lag": self.lag, "Is": self.Is,
            "quadrant": self.quadrant, "p_sim": self.p_sim, "exact": self.exact,
            "fdr_significant": self.fdr_significant, "label": self.labels}, index=self.ids)


def _equal_rows(w: sparse.csr_matrix, cards: np.ndarray) -> np.ndarray:
    """Rows whose weights are all equal (every row without neighbours counts as equal)."""
    equal = np.ones(len(cards), dtype=bool)
    rows = np.flatnonzero(cards)
    if rows.size:
        starts = w.indptr[rows]
        top = np.maximum.reduceat(w.data, starts)
        bottom = np.minimum.reduceat(w.data, starts)
        equal[rows] = top == bottom
    return equal


def _reference_counts(z: np.ndarray, w: sparse.csr_matrix, permutations: int,
                      rng: np.random.Generator):
    """Per unit: reference statistics >= and <= the observed one, their number, exactness.

    Statistics are compared through the neighbours' (weighted) sum of z, which orders the
    permuted I_i the same way up to the sign of z_i; the fold makes the sign irrelevant. A
    unit with more than half of the others as neighbours is tested through the units it does
    not touch (their sum is the total less the neighbours' sum), which halves the widest draw.
    """
    n = len(z)
    cards = np.diff(w.indptr)
    equal = _equal_rows(w, cards)
    binary = w.copy()
    binary.data[:] = 1.0
    observed_sum = binary @ z  # plain sum of the neighbours' z
    lag = w @ z
    scale = float(np.abs(z).max())
    at_least = np.zeros(n, dtype=np.int64)
    at_most = np.zeros(n, dtype=np.int64)
    total = np.full(n, permutations, dtype=np.int64)
    tol = TOLERANCE * np.maximum(cards, 1) * scale

    tested = cards > 0
    few = {int(k): few_sets(n - 1, int(k)) for k in np.unique(cards)}
    exact = tested & equal & np.array([few[int(k)] for k in cards], dtype=bool)
    for i in np.flatnonzero(exact):
        sums = exact_sums(z, i, int(cards[i]))
        at_least[i] = (sums >= observed_sum[i] - tol[i]).sum()
        at_most[i] = (sums <= observed_sum[i] + tol[i]).sum()
        total[i] = len(sums)

    uniform = tested & equal & ~exact
    general = np.flatnonzero(tested & ~equal)
    if not uniform.any() and not general.size:
        return at_least, at_most, total, exact
    outside = n - 1 - cards
    flip = uniform & (outside < cards)
    size = np.where(flip, outside, cards)  # how many draws a unit's reference sum takes
    target = np.where(flip, (z.sum() - z) - observed_sum, observed_sum)
    low, high = target - tol, target + tol
    width = int(max(size[uniform].max(initial=0), cards[general].max(initial=0))) + 1
    size_uniform = np.where(uniform, size, -1)  # -1: not counted through the prefix sums
    big, small = [], []
    for k in np.unique(size[uniform]):
        units = np.flatnonzero(uniform & (size == k))
        (big if units.size >= _SORT_FROM else small).append(units)
    small = np.concatenate(small) if small else np.empty(0, dtype=np.int64)
    for rows in chunk_sizes(permutations, width):
        draws = ordered_samples(rng, n, rows, width)
        prefix = np.zeros((rows, width + 1))
        np.cumsum(z[draws], axis=1, out=prefix[:, 1:])
        # First every unit as if it were not among its first k draws...
        for units in big:
            column = np.sort(prefix[:, size[units[0]]])
            at_least[units] += rows - np.searchsorted(column, low[units], "left")
            at_most[units] += np.searchsorted(column, high[units], "right")
        batch = max(1, CHUNK_ELEMENTS // rows)
        for start in range(0, small.size, batch):
            units = small[start:start + batch]
            sums = prefix[:, size[units]]  # rows x units
            at_least[units] += (sums >= low[units]).sum(axis=0)
            at_most[units] += (sums <= high[units]).sum(axis=0)
        # ...then correct the permutations that drew it there: its reference set is then the
        # first k + 1 draws without itself.
        k_drawn = size_uniform[draws]
        perm, col = np.nonzero(np.arange(width, dtype=np.int32) < k_drawn)
        del k_drawn
        unit = draws[perm, col]
        k = size_uniform[unit]
        before = prefix[perm, k]
        after = prefix[perm, k + 1]
        del perm, col, k
        after -= z[unit]
        bound = low[unit]
        change = (after >= bound).view(np.int8) - (before >= bound).view(np.int8)
        at_least += np.bincount(unit, change, minlength=n).astype(np.int64)
        bound = high[unit]
        change = (after <= bound).view(np.int8) - (before <= bound).view(np.int8)
        at_most += np.bincount(unit, change, minlength=n).astype(np.int64)
        del unit, before, after, bound, change
        for i in general:  # unequal weights: the drawn values meet the weights in draw order
            k = int(cards[i])
            row = slice(w.indptr[i], w.indptr[i + 1])
            head = draws[:, : k + 1]
            hit = head[:, :k] == i
            position = np.where(hit.any(axis=1), hit.argmax(axis=1), k)
            steps = np.arange(k)
            take = steps[None, :] + (steps[None, :] >= position[:, None])
            sums = z[np.take_along_axis(head, take, axis=1)] @ w.data[row]
            spread = TOLERANCE * np.abs(w.data[row]).sum() * scale
            at_least[i] += (sums >= lag[i] - spread).sum()
            at_most[i] += (sums <= lag[i] + spread).sum()
    return at_least, at_most, total, exact


def moran_local(y: pd.Series, graph: Graph, *, permutations: int = 9999,
                seed: int | None = None, alpha: float = 0.05) -> LocalMoran:
    """Local Moran's I (LISA) with tie-aware conditional permutations and FDR.

    Parameters
    ----------
    y : Series
        Values indexed by the graph's unit ids (any order).
    graph : Graph
        Spatial weights; used as they are (row-standardise them for the usual LISA).
    permutations : int
        Conditional permutations per unit (units with few possible neighbour sets are
        enumerated exactly instead).
    seed : int, optional
        Seed of the random draws; the same seed gives the same result.
    alpha : float
        Level of the Benjamini-Hochberg false discovery rate for ``fdr_significant``.
    """
    if permutations < 1:
        raise ValueError("permutations must be at least 1")
    values, w, ids = aligned(y, graph)
    n = len(values)
    z = (values - values.mean()) / values.std()
    lag = w @ z
    scaling = (n - 1) / (z @ z)
    observed = scaling * z * lag
    quadrant = np.where(z > 0, np.where(lag > 0, 1, 4), np.where(lag > 0, 2, 3))
    cards = np.diff(w.indptr)
    tested = cards > 0
    quadrant[~tested] = 0

    at_least, at_most, total, exact = _reference_counts(z, w, permutations,
                                                        np.random.default_rng(seed))
    p_sim = folded_p(at_least, at_most, total, exact)
    # A unit at the mean has I_i = 0 under every permutation: nothing is more extreme.
    p_sim[np.abs(z) <= TOLERANCE] = 1.0
    p_sim[~tested] = np.nan
    fdr = np.zeros(n, dtype=bool)
    fdr[tested] = false_discovery_control(p_sim[tested], method="bh") <= alpha
    labels = np.array([QUADRANT_LABELS[q] if s else ("isolated" if q == 0 else "ns")
                       for q, s in zip(quadrant, fdr, strict=True)], dtype=object)
    return LocalMoran(ids, values, z, lag, observed, quadrant, p_sim, exact & tested, fdr,
                      labels, permutations, seed, alpha)
