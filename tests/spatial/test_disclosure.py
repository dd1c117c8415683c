"""Complementary suppression: no hidden gmina can be recovered by subtracting shown domains,
nor by any linear combination of them (overlapping functional areas)."""

from itertools import combinations, permutations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from spatial.disclosure import (
    COMPLEMENTARY,
    MAX_ENUMERATED,
    TOO_FEW,
    linear_disclosure,
    protected_domains,
    suppression_reasons,
)

MIN = 10


def _domains(unit_counts: dict[str, int], areas: list[frozenset[str]]):
    members = {f"gmina:{u}": frozenset({u}) for u in unit_counts}
    counts = {f"gmina:{u}": n for u, n in unit_counts.items()}
    members["partnership"] = frozenset(unit_counts)
    counts["partnership"] = sum(unit_counts.values())
    for i, area in enumerate(areas):
        members[f"area:{i}"] = area
        counts[f"area:{i}"] = sum(unit_counts[u] for u in area)
    return counts, members


def _exposed_groups(hidden, counts, members):
    """Every subtraction a reader can make, with the respondents of hidden gminas in it."""
    unit_n = {next(iter(m)): counts[k] for k, m in members.items() if len(m) == 1}
    hidden_units = {next(iter(members[k])) for k in hidden if len(members[k]) == 1}
    shown = [k for k, m in members.items() if len(m) > 1 and k not in hidden]
    regions = [members[k] for k in shown]
    regions += [members[a] - members[b] for a, b in permutations(shown, 2)
                if members[b] < members[a]]
    return [sum(unit_n[u] for u in region if u in hidden_units) for region in regions]


def test_one_small_gmina_takes_the_next_smallest_with_it():
    counts, members = _domains({"A": 6, "B": 50, "C": 12, "D": 80}, [])
    hidden = protected_domains(counts, members, MIN)
    # P - (B + D) would give C + A = 18 respondents of two gminas, never A's 6 alone
    assert hidden == {"gmina:A", "gmina:C"}


def test_a_small_gmina_inside_an_area_is_protected_within_the_area_and_outside_it():
    counts, members = _domains({"A": 6, "B": 50, "C": 12, "D": 80, "E": 40},
                               [frozenset({"A", "B"})])
    hidden = protected_domains(counts, members, MIN)
    # inside the area only B could cover A: B is hidden; then P - area leaves C, D, E shown
    assert {"gmina:A", "gmina:B"} <= hidden
    assert all(n == 0 or n >= MIN for n in _exposed_groups(hidden, counts, members))


def test_gminas_without_respondents_reveal_nothing_and_need_no_partner():
    counts, members = _domains({"A": 0, "B": 50, "C": 12}, [])
    assert protected_domains(counts, members, MIN) == {"gmina:A"}


def test_an_area_whose_complement_is_one_small_gmina_is_hidden():
    counts, members = _domains({"A": 6, "B": 30, "C": 40}, [frozenset({"B", "C"})])
    hidden = protected_domains(counts, members, MIN)
    # P - area = A: nothing else lies outside the area, so the area itself is withheld
    assert "area:0" in hidden and "gmina:A" in hidden
    assert all(n == 0 or n >= MIN for n in _exposed_groups(hidden, counts, members))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=2, max_size=9).flatmap(
    lambda ns: st.tuples(st.just(ns), st.lists(
        st.sets(st.integers(0, len(ns) - 1), min_size=2, max_size=len(ns)), max_size=3))))
def test_no_subtraction_exposes_fewer_than_the_minimum(case):
    ns, areas = case
    units = {f"U{i}": n for i, n in enumerate(ns)}
    counts, members = _domains(units, [frozenset(f"U{i}" for i in a) for a in areas])
    before = dict(counts)
    hidden = protected_domains(counts, members, MIN)
    assert counts == before  # inputs untouched
    assert {k for k, n in counts.items() if n < MIN} <= hidden
    assert all(n == 0 or n >= MIN for n in _exposed_groups(hidden, counts, members))


def test_each_withheld_domain_says_why():
    # A (6 respondents) is hidden for too few answers; C (12) only so that P - (B + D)
    # does not give A's answers away: the reader must not be told C had too few.
    counts, members = _domains({"A": 6, "B": 50, "C": 12, "D": 80}, [])
    assert suppression_reasons(counts, members, MIN) == {"gmina:A": TOO_FEW,
                                                         "gmina:C": COMPLEMENTARY}
    counts, members = _domains({"A": 6, "B": 30, "C": 40}, [frozenset({"B", "C"})])
    reasons = suppression_reasons(counts, members, MIN)
    assert reasons["gmina:A"] == TOO_FEW and reasons["area:0"] == COMPLEMENTARY


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=2, max_size=9).flatmap(
    lambda ns: st.tuples(st.just(ns), st.lists(
        st.sets(st.integers(0, len(ns) - 1), min_size=2, max_size=len(ns)), max_size=3))))
def test_reasons_cover_exactly_the_withheld_domains(case):
    ns, areas = case
    units = {f"U{i}": n for i, n in enumerate(ns)}
    counts, members = _domains(units, [frozenset(f"U{i}" for i in a) for a in areas])
    reasons = suppression_reasons(counts, members, MIN)
    assert set(reasons) == protected_domains(counts, members, MIN)
    for key, reason in reasons.items():
        assert reason == (TOO_FEW if counts[key] < MIN else COMPLEMENTARY)


# -- linear combinations of overlapping areas (report_probe.md, section 1) ------------------

def _probe_case():
    """P01 of the probe: the town U (5 respondents), the rural gmina R (30) and Czyżew C
    (40), seven more gminas of 20, and areas A1 = {U, R}, A5 = {R, C}, A6 = {U, C}."""
    units = {"U": 5, "R": 30, "C": 40, **{f"O{i}": 20 for i in range(7)}}
    return _domains(units, [frozenset("UR"), frozenset("RC"), frozenset("UC")])


def _solve_hidden(hidden, counts, members):
    """What a reader solves from the shown domains: least squares over the hidden gminas of
    (shown aggregate totals less their shown gminas); for each hidden gmina whose value is
    pinned down (its unit vector lies in the row space), that value, else None."""
    unit_n = {next(iter(m)): counts[k] for k, m in members.items() if len(m) == 1}
    h = sorted(next(iter(members[k])) for k in hidden if len(members[k]) == 1)
    shown = [k for k, m in members.items() if len(m) > 1 and k not in hidden]
    a = np.array([[float(u in members[k]) for u in h] for k in shown]).reshape(len(shown), len(h))
    b = np.array([counts[k] - sum(unit_n[u] for u in members[k] if u not in h) for k in shown],
                 dtype=float)
    x, *_ = np.linalg.lstsq(a, b, rcond=None)
    pinned = {}
    for j, u in enumerate(h):
        e = np.eye(len(h))[j]
        coef, *_ = np.linalg.lstsq(a.T, e, rcond=None)
        pinned[u] = float(x[j]) if np.linalg.norm(a.T @ coef - e) < 1e-9 else None
    return pinned


def test_three_overlapping_areas_no_longer_give_away_the_small_gmina():
    counts, members = _probe_case()
    reasons = suppression_reasons(counts, members, MIN)
    assert reasons["gmina:U"] == TOO_FEW
    assert {reasons["gmina:R"], reasons["gmina:C"]} == {COMPLEMENTARY}
    # one of the three areas is withheld (the smallest a reader needs: A1 with 35)
    assert reasons["area:0"] == COMPLEMENTARY
    assert "area:1" not in reasons and "area:2" not in reasons
    assert _solve_hidden(set(reasons), counts, members)["U"] is None
    assert linear_disclosure(set(reasons), counts, members, MIN) is None


def test_the_probes_attack_works_on_the_subtractions_alone():
    # The step the audit adds is what stops it: with the three areas shown, n_U = 5 is
    # solved as (A1 + A6 - A5) / 2 once the shown gminas are subtracted.
    counts, members = _probe_case()
    hidden = {"gmina:U", "gmina:R", "gmina:C", "gmina:O0"}
    assert linear_disclosure(hidden, counts, members, MIN) == frozenset({"U"})
    assert abs(_solve_hidden(hidden, counts, members)["U"] - 5) < 1e-9


def test_per_question_counts_of_skipped_answers_are_audited_alike():
    # Survey 3 of the probe: 15 respondents in each gmina, only 3 answered q2 in U.
    counts, members = _domains({"U": 3, "R": 15, "C": 15, "X": 15},
                               [frozenset("UR"), frozenset("RC"), frozenset("UC")])
    hidden = protected_domains(counts, members, MIN)
    assert "gmina:U" in hidden
    assert hidden & {"area:0", "area:1", "area:2"}
    assert _solve_hidden(hidden, counts, members)["U"] is None


def test_many_small_hidden_gminas_are_checked_in_singles_and_pairs():
    # 17 gminas without respondents and U with 5: more small hidden gminas than are
    # enumerated, so singles and pairs are tried; U is still protected.
    units = {"U": 5, "R": 30, "C": 40, **{f"Z{i:02d}": 0 for i in range(17)}}
    areas = [frozenset("UR"), frozenset("RC"), frozenset("UC"), frozenset({"U", "Z00"}) | {"R"}]
    counts, members = _domains(units, areas)
    assert sum(1 for n in units.values() if n < MIN) > MAX_ENUMERATED
    hidden = protected_domains(counts, members, MIN)
    assert _solve_hidden(hidden, counts, members)["U"] is None
    assert linear_disclosure(hidden, counts, members, MIN) is None


def _small_combinations(hidden, counts, members):
    """Every set of hidden gminas with 1-9 respondents in all whose 0/1 vector is, within a
    tolerance, a least-squares combination of the shown aggregates over the hidden gminas."""
    unit_n = {next(iter(m)): counts[k] for k, m in members.items() if len(m) == 1}
    h = sorted(next(iter(members[k])) for k in hidden if len(members[k]) == 1)
    shown = [k for k, m in members.items() if len(m) > 1 and k not in hidden]
    a = np.array([[float(u in members[k]) for u in h] for k in shown]).reshape(len(shown), len(h))
    small = [u for u in h if unit_n[u] < MIN]
    out = []
    for size in range(1, len(small) + 1):
        for subset in combinations(small, size):
            total = sum(unit_n[u] for u in subset)
            if not 0 < total < MIN:
                continue
            target = np.array([float(u in subset) for u in h])
            if not len(shown):
                continue
            coef, *_ = np.linalg.lstsq(a.T, target, rcond=None)
            if np.linalg.norm(a.T @ coef - target) < 1e-8:
                out.append(subset)
    return out


@st.composite
def partnerships(draw):
    """5-20 gminas, at most 12 of them with fewer than 10 respondents (0 included), and 0-5
    functional areas of 2 or more gminas, overlapping at random."""
    size = draw(st.integers(5, 20))
    n_small = draw(st.integers(0, min(size, 12)))
    ns = draw(st.lists(st.integers(0, 9), min_size=n_small, max_size=n_small))
    ns += draw(st.lists(st.integers(10, 80), min_size=size - n_small, max_size=size - n_small))
    ns = draw(st.permutations(ns))
    areas = draw(st.lists(st.sets(st.integers(0, size - 1), min_size=2, max_size=size),
                          max_size=5))
    return ns, areas


@settings(max_examples=300, deadline=None)
@given(partnerships())
def test_no_combination_of_shown_domains_gives_away_a_small_total(case):
    ns, areas = case
    units = {f"U{i:02d}": n for i, n in enumerate(ns)}
    counts, members = _domains(units, [frozenset(f"U{i:02d}" for i in a) for a in areas])
    before = (dict(counts), dict(members))
    hidden = protected_domains(counts, members, MIN)
    assert (counts, members) == before  # inputs untouched
    assert {k for k, n in counts.items() if n < MIN} <= hidden
    assert _small_combinations(hidden, counts, members) == []
    # what the audit withholds beyond the subtractions are aggregates, for their reason
    reasons = suppression_reasons(counts, members, MIN)
    assert all(r == COMPLEMENTARY for k, r in reasons.items() if counts[k] >= MIN)
