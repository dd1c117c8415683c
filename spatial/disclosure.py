"""Statistical disclosure control for estimates over nested domains (gminas, their partnership,
functional areas): primary suppression of small domains and complementary suppression, so that
no suppressed gmina can be recovered by subtracting shown domains from each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import permutations


def protected_domains(counts: Mapping[str, int], members: Mapping[str, frozenset[str]],
                      minimum: int) -> set[str]:
    """The domains whose estimates must not be shown.

    Parameters
    ----------
    counts : mapping
        Respondents behind each domain's estimate (domain key -> count).
    members : mapping
        The units (gminas) of each domain; a domain of one unit is that unit's own cell.
    minimum : int
        Fewest respondents an estimate may rest on.

    Returns
    -------
    set of str
        Primary suppressions (``0 <= count < minimum``) and complementary ones: for every shown
        aggregate ``A``, and every difference ``A - B`` of shown aggregates with ``B`` inside
        ``A``, the hidden units with respondents in it add up to 0 or to at least ``minimum``
        respondents. Otherwise the shown unit with the fewest respondents there is hidden too
        (or, when there is none, the smaller aggregate ``B``, or ``A`` itself), and the check is
        repeated until it holds everywhere. A subtraction then yields at best the pooled
        answers of ``minimum`` or more respondents of several gminas, never one gmina's.

    Notes
    -----
    Differences of overlapping aggregates that are not nested need their intersection, which
    is not published, so they are not checked.
    """
    unknown = set(counts) ^ set(members)
    if unknown:
        raise ValueError(f"counts and members name different domains: {sorted(unknown)}")
    hidden = {key for key, n in counts.items() if n < minimum}
    cells: dict[str, list[str]] = {}
    for key, units in members.items():
        if len(units) == 1:
            cells.setdefault(next(iter(units)), []).append(key)
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
