"""Complementary suppression: no hidden gmina can be recovered by subtracting shown domains."""

from itertools import permutations

from hypothesis import given, settings
from hypothesis import strategies as st

from spatial.disclosure import protected_domains

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
