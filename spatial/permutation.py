"""Random draws, exact enumeration and tie-aware counting for conditional permutation tests.

Shared by the local statistics: every permutation draws one uniformly random ordered sample of
distinct units; a unit's conditional permutation takes the first ``k`` draws that are not the
unit itself. Draws are made and reduced in chunks of permutations, so memory depends on the
widest neighbourhood, never on units x permutations.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import combinations

import numpy as np

# Statistics that differ by less than this (relative to their scale) are ties: the same
# multiset of values summed in another order must compare equal to the observed one.
TOLERANCE = 1e-9
# A unit with at most this many possible neighbour sets gets its exact p-value by enumeration.
EXACT_MAX_SETS = 10_000
# Elements per chunk of draws (and of the arrays derived from them).
CHUNK_ELEMENTS = 2**21

RULE = {"ties": "count as extreme", "folded": True, "exact_up_to_sets": EXACT_MAX_SETS,
        "tolerance": TOLERANCE}
"""How p-values are computed; stored with every run."""


def ordered_samples(rng: np.random.Generator, n: int, rows: int, width: int) -> np.ndarray:
    """``rows`` uniformly random ordered samples of ``width`` distinct integers below ``n``.

    Narrow samples keep the first distinct values of a stream of independent draws (which is
    sampling without replacement); wide ones are the first ``width`` steps of a Fisher-Yates
    shuffle of each row, vectorised over rows in batches of bounded size.
    """
    if not 0 <= width <= n:
        raise ValueError("a sample cannot be wider than the population")
    dtype = np.int32 if n < 2**31 else np.int64
    if width == 0 or rows == 0:
        return np.empty((rows, width), dtype=dtype)
    if width * 12 >= n:
        return _shuffled_heads(rng, n, rows, width, dtype)
    steps = np.arange(width)
    expected = float((n / (n - steps)).sum())
    spread = float(np.sqrt((n * steps / (n - steps) ** 2).sum()))
    length = int(np.ceil(expected + 4 * spread)) + 2
    out = np.empty((rows, width), dtype=dtype)
    todo = np.arange(rows)
    while todo.size:
        draws = rng.integers(0, n, size=(todo.size, length), dtype=dtype)
        order = np.argsort(draws, axis=1, kind="stable")
        ranked = np.take_along_axis(draws, order, axis=1)
        new = np.ones(ranked.shape, dtype=bool)
        new[:, 1:] = ranked[:, 1:] != ranked[:, :-1]
        first = np.empty_like(new)
        np.put_along_axis(first, order, new, axis=1)
        count = np.cumsum(first, axis=1, dtype=np.int32)
        # Rows with too few distinct values are drawn again whole: the order in which new
        # values appear does not depend on how long they took to appear, so this stays exact.
        done = count[:, -1] >= width
        keep = first[done] & (count[done] <= width)
        out[todo[done]] = draws[done][keep].reshape(-1, width)
        todo = todo[~done]
    return out


def _shuffled_heads(rng, n, rows, width, dtype) -> np.ndarray:
    out = np.empty((rows, width), dtype=dtype)
    step = max(1, CHUNK_ELEMENTS // n)
    for start in range(0, rows, step):
        count = min(step, rows - start)
        order = np.tile(np.arange(n, dtype=dtype), (count, 1))
        row = np.arange(count)
        for j in range(width):
            pick = rng.integers(j, n, size=count)
            held = order[row, j]
            order[row, j] = order[row, pick]
            order[row, pick] = held
        out[start:start + count] = order[:, :width]
    return out


def chunk_sizes(permutations: int, width: int):
    """Numbers of permutations per chunk for draws ``width`` wide."""
    step = max(1, CHUNK_ELEMENTS // max(width + 1, 1))
    for start in range(0, permutations, step):
        yield min(step, permutations - start)


def few_sets(others: int, k: int) -> bool:
    """Whether a unit with ``k`` of ``others`` as neighbours has at most EXACT_MAX_SETS sets."""
    r = min(k, others - k)
    # C(m, r) >= C(2r, r) > 10,000 from r = 8 on: no need to compute huge binomials.
    return r < 8 and math.comb(others, r) <= EXACT_MAX_SETS


@lru_cache(maxsize=32)
def subsets(m: int, r: int) -> np.ndarray:
    """Every ``r``-subset of ``range(m)`` as rows (read-only)."""
    count = math.comb(m, r)
    flat = np.fromiter((j for combo in combinations(range(m), r) for j in combo),
                       dtype=np.int64, count=count * r)
    table = flat.reshape(count, r)
    table.setflags(write=False)
    return table


def exact_sums(z: np.ndarray, unit: int, k: int) -> np.ndarray:
    """The sum of ``z`` over every possible set of ``k`` units other than ``unit``."""
    others = np.delete(z, unit)
    m = len(others)
    r = min(k, m - k)
    table = subsets(m, r)
    partial = others[table].sum(axis=1) if r else np.zeros(1)
    return partial if r == k else others.sum() - partial


def folded_p(at_least: np.ndarray, at_most: np.ndarray, total: np.ndarray,
             exact: np.ndarray) -> np.ndarray:
    """Folded p from the counts of reference statistics >= and <= the observed one.

    Ties count on both sides, so the tail on the observed side includes them; exact counts
    give the exact probability, permutation counts the usual ``(b + 1) / (P + 1)``.
    """
    extreme = np.minimum(at_least, at_most).astype(float)
    return np.where(exact, extreme / total, (extreme + 1.0) / (total + 1.0))
