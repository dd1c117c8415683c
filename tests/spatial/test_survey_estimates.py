"""Survey weights and estimates against R ``survey``-style formulas recomputed here.

The populations are the real ones of the gminas of powiat wysokomazowiecki (the mirror's BDL
export of economic age groups, 2019); the responses are generated with fixed seeds (there is
no real survey microdata). Every reference value is computed again in the test with plain
loops over dictionaries, not with the module's vectorised code.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spatial.survey_estimates import (
    AGE_GROUPS,
    MIN_RESPONDENTS,
    Z95,
    EstimationError,
    Question,
    estimate_question,
    kish_deff,
    poststratify,
    trim_weights,
    weighted_estimate,
)

POWIAT = "2013"  # wysokomazowiecki (podlaskie), 10 gminas
COLUMNS = {"w wieku przedprodukcyjnym": "pre_working", "w wieku produkcyjnym": "working",
           "w wieku poprodukcyjnym": "post_working"}


@pytest.fixture(scope="module")
def targets(data_dir) -> pd.DataFrame:
    """Residents by economic age group at the end of 2019, gminas of the powiat."""
    raw = pd.read_csv(data_dir / "indicators" / "bdl_exports"
                      / "LUDN_ekonomiczne_grupy_wieku_2010_2019.csv", sep=";",
                      dtype={"Kod": str})
    rows = raw[raw["Kod"].str.startswith(POWIAT) & raw["Kod"].str[-1].isin(["1", "2", "3"])]
    out = pd.DataFrame(index=rows["Kod"].to_numpy())
    for polish, group in COLUMNS.items():
        out[group] = rows[f"{polish};ogółem;2019;[osoba]"].to_numpy(dtype=float)
    # Czyżew changed type in 2011 (2013032 -> 2013033): its old code has no 2019 values.
    out = out.dropna()
    assert len(out) == 10 and out.to_numpy().min() > 0
    return out


def _sample(targets, n, seed, with_age=True, missing_age=0.0):
    rng = np.random.default_rng(seed)
    gminas = rng.choice(targets.index.to_numpy(), size=n,
                        p=(targets.sum(axis=1) / targets.to_numpy().sum()).to_numpy())
    frame = pd.DataFrame({"gmina": gminas})
    if with_age:
        ages = rng.choice(AGE_GROUPS, size=n, p=[0.15, 0.6, 0.25]).astype(object)
        ages[rng.random(n) < missing_age] = None
        frame["age_group"] = ages
    return frame


# -- independent reference computations (loops over dicts) -------------------------------------

def reference_weights(cells: list[str], sizes: dict[str, float]) -> list[float]:
    count: dict[str, int] = {}
    for c in cells:
        count[c] = count.get(c, 0) + 1
    return [sizes[c] / count[c] for c in cells]


def reference_mean_and_var(y, w, cells, domain):
    """svymean on subset(postStratify(design), domain): ratio, linearised, post-stratum
    residuals (weighted cell means), n/(n-1) over the whole sample. Loops only."""
    used = [i for i in range(len(y)) if domain[i] and not math.isnan(y[i])]
    sw = 0.0
    swy = 0.0
    for i in used:
        sw += w[i]
        swy += w[i] * y[i]
    mean = swy / sw
    z = [0.0] * len(y)
    for i in used:
        z[i] = (y[i] - mean) / sw
    cell_wz: dict[str, float] = {}
    cell_w: dict[str, float] = {}
    for i, c in enumerate(cells):
        cell_wz[c] = cell_wz.get(c, 0.0) + w[i] * z[i]
        cell_w[c] = cell_w.get(c, 0.0) + w[i]
    u = [w[i] * (z[i] - cell_wz[cells[i]] / cell_w[cells[i]]) for i in range(len(y))]
    ubar = sum(u) / len(u)
    n = len(y)
    var = n / (n - 1) * sum((ui - ubar) ** 2 for ui in u)
    return mean, var


def textbook_poststratified_var(y, cells, sizes):
    """The closed form for equal weights within post-strata, whole sample, all answered:
    V = n/(n-1) sum_h (N_h / (N n_h))^2 sum_{i in h} (y_i - ybar_h)^2."""
    n = len(y)
    total = sum(sizes[c] for c in set(cells))
    by_cell: dict[str, list[float]] = {}
    for yi, c in zip(y, cells, strict=True):
        by_cell.setdefault(c, []).append(yi)
    out = 0.0
    for c, values in by_cell.items():
        ybar = sum(values) / len(values)
        factor = sizes[c] / (total * len(values))
        out += factor ** 2 * sum((v - ybar) ** 2 for v in values)
    return n / (n - 1) * out


# -- weights ----------------------------------------------------------------------------------

def test_gmina_cells_weigh_population_over_respondents(targets):
    responses = _sample(targets, 400, seed=1, with_age=False)
    result = poststratify(responses, targets, trim=None)
    sizes = {g: float(targets.loc[g].sum()) for g in targets.index}
    expected = reference_weights(list(responses["gmina"]), sizes)
    assert result.basis == "gmina"
    assert np.allclose(result.weights.to_numpy(), expected)
    assert result.weights.sum() == pytest.approx(targets.to_numpy().sum())
    assert result.trimmed == 0


def test_age_cells_and_collapsing(targets):
    responses = _sample(targets, 600, seed=2, missing_age=0.05)
    small = targets.index[0]
    # A gmina with only 3 respondents, all working age: its age cells cannot stand.
    responses = pd.concat([responses[responses["gmina"] != small], pd.DataFrame(
        {"gmina": [small] * 3, "age_group": ["working"] * 3})], ignore_index=True)
    result = poststratify(responses, targets, trim=None)
    assert result.basis == "gmina x age group"
    assert small in result.collapsed
    assert set(result.cells[responses["gmina"] == small]) == {small}
    # Every cell's weights add up to its residents.
    for cell, members in result.cells.groupby(result.cells).groups.items():
        gmina, _, group = cell.partition(":")
        total = result.weights.loc[members].sum()
        if not group:
            assert total == pytest.approx(targets.loc[gmina].sum())
        elif group != "rest":
            assert total == pytest.approx(targets.loc[gmina, group])
    assert result.weights.sum() == pytest.approx(targets.to_numpy().sum())


def test_rest_cell_takes_small_groups_and_unknown_ages(targets):
    g = targets.index[1]
    rows = ([("working", 30), ("post_working", 12), ("pre_working", 2), (None, 4)])
    responses = pd.DataFrame({"gmina": g, "age_group": [a for a, k in rows for _ in range(k)]})
    result = poststratify(responses, targets.loc[[g]], trim=None)
    rest = result.cells == f"{g}:rest"
    assert rest.sum() == 6
    assert result.weights[rest].sum() == pytest.approx(targets.loc[g, "pre_working"])
    assert result.weights[rest].iloc[0] == pytest.approx(targets.loc[g, "pre_working"] / 6)


def test_trimming_caps_and_keeps_the_total():
    w = np.array([1.0] * 50 + [40.0, 60.0, 3.0])
    trimmed, count, cap = trim_weights(w, 5.0)
    assert trimmed.sum() == pytest.approx(w.sum())
    assert trimmed.max() <= cap * (1 + 1e-9)
    assert cap == pytest.approx(5 * np.median(trimmed))
    assert count == 2
    assert w[-2] == 60.0  # input untouched


def test_unknown_gmina_is_refused(targets):
    with pytest.raises(EstimationError, match="0000000"):
        poststratify(pd.DataFrame({"gmina": ["0000000"]}), targets)


# -- estimates against the formulas -----------------------------------------------------------

def test_whole_sample_matches_textbook_poststratified_variance(targets):
    responses = _sample(targets, 500, seed=3, with_age=False)
    rng = np.random.default_rng(30)
    y = pd.Series((rng.random(500) < 0.3).astype(float))
    result = poststratify(responses, targets, trim=None)
    est = weighted_estimate(y, result, pd.Series(True, index=y.index), proportion=True)
    sizes = {g: float(targets.loc[g].sum()) for g in targets.index}
    cells = list(responses["gmina"])
    w = reference_weights(cells, sizes)
    expected_mean = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sum(w)
    assert est.estimate == pytest.approx(expected_mean, rel=1e-12)
    assert est.se ** 2 == pytest.approx(textbook_poststratified_var(list(y), cells, sizes),
                                        rel=1e-9)
    # logit interval of svyciprop, recomputed
    p, se = expected_mean, math.sqrt(textbook_poststratified_var(list(y), cells, sizes))
    lo = 1 / (1 + math.exp(-(math.log(p / (1 - p)) - Z95 * se / (p * (1 - p)))))
    assert est.ci_low == pytest.approx(lo, rel=1e-9)
    assert est.interval == "logit"
    deff = 500 * sum(x * x for x in w) / sum(w) ** 2
    assert est.deff == pytest.approx(deff)
    assert est.n_eff == pytest.approx(500 / deff)


def test_domain_with_missing_answers_and_trimmed_weights_match_the_loops(targets):
    responses = _sample(targets, 700, seed=4, missing_age=0.1)
    rng = np.random.default_rng(40)
    y = pd.Series(rng.normal(3.0, 1.2, 700))
    y[rng.random(700) < 0.15] = np.nan
    result = poststratify(responses, targets, trim=1.3)
    assert result.trimmed > 0
    domain = responses["gmina"].isin(targets.index[:4])
    est = weighted_estimate(y, result, domain, proportion=False)
    mean, var = reference_mean_and_var(list(y), list(result.weights), list(result.cells),
                                       list(domain))
    assert est.estimate == pytest.approx(mean, rel=1e-12)
    assert est.se == pytest.approx(math.sqrt(var), rel=1e-9)
    assert est.ci_high - est.estimate == pytest.approx(Z95 * math.sqrt(var))
    assert est.n == int((domain & y.notna()).sum())


def test_intervals_cover_the_population_value_about_95_percent(targets):
    """Monte Carlo with a known population share per cell: the 95 % intervals of 300 seeded
    surveys must cover the true partnership share between 92 and 98 % of the time."""
    truth_by_gmina = {g: 0.2 + 0.05 * k for k, g in enumerate(targets.index)}
    sizes = targets.sum(axis=1)
    truth = sum(truth_by_gmina[g] * sizes[g] for g in targets.index) / sizes.sum()
    covered = 0
    for seed in range(300):
        rng = np.random.default_rng(1000 + seed)
        responses = pd.DataFrame({"gmina": rng.choice(targets.index.to_numpy(), size=300)})
        y = pd.Series([float(rng.random() < truth_by_gmina[g]) for g in responses["gmina"]])
        result = poststratify(responses, targets, trim=None)
        est = weighted_estimate(y, result, pd.Series(True, index=y.index), proportion=True)
        covered += est.ci_low <= truth <= est.ci_high
    assert 0.92 <= covered / 300 <= 0.98


def test_zero_share_gets_a_wilson_interval(targets):
    responses = _sample(targets, 60, seed=5, with_age=False)
    y = pd.Series(0.0, index=responses.index)
    result = poststratify(responses, targets, trim=None)
    est = weighted_estimate(y, result, pd.Series(True, index=y.index), proportion=True)
    n = est.n_eff
    assert est.estimate == 0.0 and est.interval == "wilson"
    assert est.ci_low == 0.0
    assert est.ci_high == pytest.approx(Z95 ** 2 / (n + Z95 ** 2))


def test_fewer_than_ten_respondents_are_suppressed(targets):
    responses = _sample(targets, 300, seed=6, with_age=False)
    result = poststratify(responses, targets, trim=None)
    y = pd.Series(1.0, index=responses.index)
    g = responses["gmina"].value_counts().index[-1]
    domain = responses["gmina"] == g
    y[domain] = np.nan
    y[domain[domain].index[:9]] = 1.0  # 9 answered
    est = weighted_estimate(y, result, domain, proportion=True)
    assert est.suppressed and est.estimate is None and est.n is None and est.ci_low is None
    y[domain[domain].index[9]] = 0.0  # the 10th
    assert not weighted_estimate(y, result, domain, proportion=True).suppressed


def test_questions_give_shares_top2_and_means(targets):
    responses = _sample(targets, 200, seed=7, with_age=False)
    rng = np.random.default_rng(70)
    single = Question("q1", "Stay?", "single", ({"code": "a", "label": "yes", "score": None},
                                               {"code": "b", "label": "no", "score": None}))
    multiple = Question("q2", "Why?", "multiple", tuple(
        {"code": c, "label": c, "score": None} for c in "xyz"))
    likert = Question("q3", "Satisfied?", "likert", tuple(
        {"code": str(s), "label": str(s), "score": s} for s in range(1, 6)))
    answers = {
        "q1": pd.Series(rng.choice(["a", "b"], 200), dtype=object),
        "q2": pd.Series([list(rng.choice(list("xyz"), rng.integers(1, 3), replace=False))
                         for _ in range(200)], dtype=object),
        "q3": pd.Series(rng.integers(1, 6, 200).astype(float)),
    }
    result = poststratify(responses, targets, trim=None)
    domains = {"all": pd.Series(True, index=responses.index)}
    rows = {(r["question"], r["measure"], r["option"]): r for q in (single, multiple, likert)
            for r in estimate_question(q, answers[q.code], result, domains)}
    assert rows[("q1", "share", "a")]["estimate"] + rows[("q1", "share", "b")]["estimate"] \
        == pytest.approx(1.0)
    w = result.weights.to_numpy()
    top2 = np.isin(answers["q3"].to_numpy(), [4.0, 5.0]).astype(float)
    assert rows[("q3", "top2", None)]["estimate"] == pytest.approx((w * top2).sum() / w.sum())
    chose_x = np.array([1.0 if "x" in a else 0.0 for a in answers["q2"]])
    assert rows[("q2", "share", "x")]["estimate"] == pytest.approx((w * chose_x).sum() / w.sum())
    assert rows[("q3", "mean", None)]["estimate"] == pytest.approx(
        (w * answers["q3"].to_numpy()).sum() / w.sum())


# -- invariants -------------------------------------------------------------------------------

@st.composite
def surveys(draw):
    n = draw(st.integers(1, 120))
    k = draw(st.integers(1, 6))
    gminas = [f"20130{i}2" for i in range(k)]
    pops = {g: draw(st.integers(50, 100_000)) for g in gminas}
    ages = {g: [draw(st.integers(0, 30_000)) + 1 for _ in AGE_GROUPS] for g in gminas}
    chosen = draw(st.lists(st.sampled_from(gminas), min_size=n, max_size=n))
    age = draw(st.lists(st.sampled_from([*AGE_GROUPS, None]), min_size=n, max_size=n))
    ys = draw(st.lists(st.sampled_from([0.0, 1.0, math.nan]), min_size=n, max_size=n))
    use_age = draw(st.booleans())
    targets = (pd.DataFrame({g: dict(zip(AGE_GROUPS, ages[g], strict=True)) for g in gminas}).T
               if use_age else pd.DataFrame({"total": pops}))
    trim = draw(st.sampled_from([None, 2.0, 5.0]))
    return pd.DataFrame({"gmina": chosen, "age_group": age}), targets, pd.Series(ys), trim


@settings(max_examples=150, deadline=None)
@given(surveys())
def test_invariants(case):
    responses, targets, y, trim = case
    before = (responses.copy(), targets.copy(), y.copy())
    result = poststratify(responses, targets, trim=trim)
    covered = sorted(set(responses["gmina"]))
    assert result.weights.sum() == pytest.approx(targets.loc[covered].to_numpy().sum(),
                                                 rel=1e-9)
    assert (result.weights > 0).all()
    assert kish_deff(result.weights.to_numpy()) >= 1 - 1e-12
    if trim is not None:
        assert result.weights.max() <= result.trim_cap * (1 + 1e-9)
    for g in covered + [None]:
        domain = (responses["gmina"] == g) if g else pd.Series(True, index=responses.index)
        est = weighted_estimate(y, result, domain, proportion=True)
        answered = int((domain & y.notna()).sum())
        if answered < MIN_RESPONDENTS:
            assert est.suppressed and est.estimate is None and est.ci_low is None
        else:
            assert not est.suppressed and est.n == answered
            assert 0.0 <= est.ci_low <= est.estimate <= est.ci_high <= 1.0
    pd.testing.assert_frame_equal(responses, before[0])
    pd.testing.assert_frame_equal(targets, before[1])
    pd.testing.assert_series_equal(y, before[2])
