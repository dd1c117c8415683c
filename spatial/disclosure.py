"""Statistical disclosure control for estimates over domains of gminas (the gminas, their
partnership, functional areas): primary suppression of small domains and complementary
suppression, so that no suppressed gmina can be recovered from the shown domains — neither by
subtracting one from another nor by any linear combination of them (three functional areas
that overlap without nesting, say).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from itertools import combinations, permutations
from math import lcm

import numpy as np

TOO_FEW = "too_few"
"""Reason of a primary suppression: fewer respondents than the minimum."""
COMPLEMENTARY = "complementary"
"""Reason of a complementary suppression: enough respondents, withheld so that no subtraction
isolates a small domain."""
MAX_ENUMERATED = 16
"""Most hidden gminas with fewer than the minimum respondents whose every subset the linear
audit tries; above it, only single gminas and pairs (a partnership has about 40 gminas)."""


def suppression_reasons(counts: Mapping[str, int], members: Mapping[str, frozenset[str]],
                        minimum: int) -> dict[str, str]:
    """The domains whose estimates must not be shown, each with why.

    Parameters
    ----------
    counts, members, minimum
        As for ``protected_domains``.

    Returns
    -------
    dict of str to str
        Domain key -> ``TOO_FEW`` where the domain itself has fewer than ``minimum``
        respondents, ``COMPLEMENTARY`` where it has enough but is withheld to protect a small
        one (a gmina or a functional area's total).
    """
    return {key: TOO_FEW if counts[key] < minimum else COMPLEMENTARY
            for key in protected_domains(counts, members, minimum)}


def protected_domains(counts: Mapping[str, int], members: Mapping[str, frozenset[str]],
                      minimum: int) -> set[str]:
    """The domains whose estimates must not be shown.

    Parameters
    ----------
    counts : mapping
        Respondents behind each domain's estimate (domain key -> count).
    members : mapping
        The units (gminas) of each domain; a domain of one unit is that unit's own cell.
        A unit with no cell of its own is taken to have no respondents (the callers give a
        cell to every gmina that can have some).
    minimum : int
        Fewest respondents an estimate may rest on.

    Returns
    -------
    set of str
        Primary suppressions (``0 <= count < minimum``) and complementary ones, in two steps.

        1. Subtractions: for every shown aggregate ``A``, and every difference ``A - B`` of
           shown aggregates with ``B`` inside ``A``, the hidden units with respondents in it
           add up to 0 or to at least ``minimum`` respondents. Otherwise the shown unit with
           the fewest respondents there is hidden too (or, when there is none, the smaller
           aggregate ``B``, or ``A`` itself), and the check is repeated until it holds
           everywhere.
        2. The linear audit (``linear_disclosure``): the shown aggregates, with the shown
           units eliminated, tell a reader every linear combination of their 0/1 vectors over
           the hidden units. While the indicator of some hidden units with between 1 and
           ``minimum - 1`` respondents in all is such a combination, one more aggregate is
           withheld: among those the combination cannot do without, the one with the fewest
           respondents (so functional areas go before the partnership).

        A reader then learns at best the pooled answers of ``minimum`` or more respondents
        of several gminas, never one small gmina's. ``counts`` and ``members`` are not changed.

    Notes
    -----
    Step 1 withholds gminas where it can, as they cost the reader least; step 2 only
    aggregates, and catches what step 1 cannot see: areas that overlap without nesting
    (``A1 = {U, R}``, ``A5 = {R, C}``, ``A6 = {U, C}`` give ``U = (A1 + A6 - A5) / 2``).
    """
    unknown = set(counts) ^ set(members)
    if unknown:
        raise ValueError(f"counts and members name different domains: {sorted(unknown)}")
    hidden = _subtractions(counts, members, minimum)
    while True:
        found = linear_disclosure(hidden, counts, members, minimum)
        if found is None:
            return hidden
        hidden.add(_aggregate_to_withhold(found, hidden, counts, members))


def _cells(members: Mapping[str, frozenset[str]]) -> dict[str, list[str]]:
    """Unit -> the keys of the domains made of that unit alone."""
    cells: dict[str, list[str]] = {}
    for key, units in members.items():
        if len(units) == 1:
            cells.setdefault(next(iter(units)), []).append(key)
    return cells


def _subtractions(counts: Mapping[str, int], members: Mapping[str, frozenset[str]],
                  minimum: int) -> set[str]:
    """Step 1 of ``protected_domains``: primary suppression, then single shown aggregates
    and differences of nested shown aggregates."""
    hidden = {key for key, n in counts.items() if n < minimum}
    cells = _cells(members)
    unit_n = {unit: counts[keys[0]] for unit, keys in cells.items()}
    aggregates = [key for key, units in members.items() if len(units) > 1]

    def hidden_unit(unit: str) -> bool:
        return any(key in hidden for key in cells.get(unit, ()))

    while True:
        shown = [key for key in aggregates if key not in hidden]
        # (the domain to withhold when no gmina can, the gminas a subtraction isolates)
        groups = [(key, members[key]) for key in shown]
        groups += [(inner, members[outer] - members[inner])
                   for outer, inner in permutations(shown, 2)
                   if members[inner] < members[outer]]
        for weaker, units in groups:
            exposed = sum(unit_n.get(u, 0) for u in units if hidden_unit(u))
            if 0 < exposed < minimum:
                spare = sorted((unit_n[u], u) for u in units
                               if u in unit_n and unit_n[u] > 0 and not hidden_unit(u))
                if spare:
                    hidden.update(cells[spare[0][1]])
                else:
                    hidden.add(weaker)
                break
        else:
            return hidden


def linear_disclosure(hidden: set[str] | frozenset[str], counts: Mapping[str, int],
                      members: Mapping[str, frozenset[str]],
                      minimum: int) -> frozenset[str] | None:
    """Hidden units whose respondents the shown domains give away, or ``None``.

    Parameters
    ----------
    hidden : set of str
        The withheld domain keys; every other domain of ``members`` is shown.
    counts, members, minimum
        As for ``protected_domains``.

    Returns
    -------
    frozenset of str or None
        A set ``T`` of units whose cells are all hidden, with ``0 < sum(n) < minimum``
        respondents, whose 0/1 indicator over the hidden units is a linear combination of
        the shown aggregates' indicators over them (the shown units being known, a reader
        learns exactly those combinations). Of several, the one of fewest units, then fewest
        respondents.

    Notes
    -----
    Only hidden units with fewer than ``minimum`` respondents can be in ``T`` (counts are
    not negative). Every subset of them is tried when there are at most
    ``MAX_ENUMERATED``; above that only single units and pairs, so a combination of three
    or more small gminas is then not looked for. Membership in the span is decided exactly:
    rational row reduction gives integer rows ``K`` with ``x`` in the span iff ``K x = 0``.
    """
    cells = _cells(members)
    unit_n = {unit: counts[keys[0]] for unit, keys in cells.items()}
    units = sorted(u for u, keys in cells.items() if all(k in hidden for k in keys))
    small = [i for i, u in enumerate(units) if unit_n[u] < minimum]
    if not any(unit_n[units[i]] > 0 for i in small):
        return None
    shown = [k for k, m in members.items() if len(m) > 1 and k not in hidden]
    rows = [[int(u in members[k]) for u in units] for k in shown]
    if not any(any(row) for row in rows):
        return None
    test = span_test(rows, len(units))
    subsets = _subsets(len(small))
    n = np.array([unit_n[units[i]] for i in small], dtype=np.int64)
    sums = subsets @ n
    subsets = subsets[(sums > 0) & (sums < minimum)]
    if not len(subsets):
        return None
    if test:
        k = np.array([[row[i] for i in small] for row in test], dtype=object)
        if max(abs(v) for row in test for v in row) * len(small) < 2 ** 62:
            k = k.astype(np.int64)
        subsets = subsets[~np.any((subsets.astype(k.dtype) @ k.T) != 0, axis=1)]
    if not len(subsets):
        return None
    best = min(subsets.tolist(), key=lambda s: (sum(s), int(np.dot(s, n)), s[::-1]))
    return frozenset(units[small[j]] for j, bit in enumerate(best) if bit)


def _subsets(m: int) -> np.ndarray:
    """0/1 rows: every subset of ``m`` items (at most ``MAX_ENUMERATED``), else every single
    item and pair."""
    if m <= MAX_ENUMERATED:
        return ((np.arange(1 << m)[:, None] >> np.arange(m)) & 1).astype(np.int64)
    rows = [np.eye(m, dtype=np.int64)]
    pairs = np.array(list(combinations(range(m), 2)))
    two = np.zeros((len(pairs), m), dtype=np.int64)
    two[np.arange(len(pairs)), pairs[:, 0]] = 1
    two[np.arange(len(pairs)), pairs[:, 1]] = 1
    rows.append(two)
    return np.vstack(rows)


def span_test(rows: Sequence[Sequence[int]], width: int) -> list[list[int]]:
    """Integer rows ``K`` such that a vector ``x`` of ``width`` numbers lies in the span of
    ``rows`` iff ``K x = 0`` (one row per free column of the reduced row echelon form; none
    when ``rows`` span everything).

    Parameters
    ----------
    rows : sequence of sequences of int
        The spanning vectors, each of ``width`` integers.
    width : int
        Their length.

    Returns
    -------
    list of lists of int
        ``K``, computed exactly (fractions, then each row scaled to integers).
    """
    reduced, pivots = _rref(rows, width)
    out = []
    for free in (j for j in range(width) if j not in pivots):
        row = [Fraction(0)] * width
        row[free] = Fraction(1)
        for line, pivot in zip(reduced, pivots, strict=True):
            row[pivot] -= line[free]
        scale = lcm(*(v.denominator for v in row))
        out.append([int(v * scale) for v in row])
    return out


def _rref(rows: Sequence[Sequence[int]], width: int) -> tuple[list[list[Fraction]], list[int]]:
    """The non-zero rows of the reduced row echelon form of ``rows`` and their pivot columns."""
    # (a repeated or empty row adds nothing to the span)
    matrix = [[Fraction(v) for v in row] for row in dict.fromkeys(map(tuple, rows)) if any(row)]
    pivots: list[int] = []
    for col in range(width):
        r = len(pivots)
        at = next((i for i in range(r, len(matrix)) if matrix[i][col] != 0), None)
        if at is None:
            continue
        matrix[r], matrix[at] = matrix[at], matrix[r]
        lead = matrix[r][col]
        matrix[r] = [v / lead for v in matrix[r]]
        for i, line in enumerate(matrix):
            if i != r and line[col] != 0:
                factor = line[col]
                matrix[i] = [a - factor * b for a, b in zip(line, matrix[r], strict=True)]
        pivots.append(col)
    return matrix[:len(pivots)], pivots


def _in_span(vector: Sequence[int], rows: Sequence[Sequence[int]]) -> bool:
    return all(sum(k * x for k, x in zip(row, vector, strict=True)) == 0
               for row in span_test(rows, len(vector)))


def _aggregate_to_withhold(found: frozenset[str], hidden: set[str],
                           counts: Mapping[str, int],
                           members: Mapping[str, frozenset[str]]) -> str:
    """The shown aggregate to withhold so that ``found`` is no longer a combination: one the
    combination needs (without it ``found`` leaves the span), else one that some other
    shown aggregates can stand for (dropping it then frees a needed one), with the fewest
    respondents first."""
    cells = _cells(members)
    units = sorted(u for u, keys in cells.items() if all(k in hidden for k in keys))
    target = [int(u in found) for u in units]
    rows = {k: [int(u in m) for u in units] for k, m in members.items()
            if len(m) > 1 and k not in hidden}
    touching = [k for k, row in rows.items() if any(row)]

    def others(key: str) -> list[list[int]]:
        return [row for k, row in rows.items() if k != key]

    needed = [k for k in touching if not _in_span(target, others(k))]
    if not needed:  # several combinations give ``found``: first break the redundancy
        needed = [k for k in touching if _in_span(rows[k], others(k))] or touching
    return min(needed, key=lambda k: (counts[k], len(members[k]), k))
