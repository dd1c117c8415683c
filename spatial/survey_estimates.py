"""Weighted estimates from a survey of residents: post-stratification, trimming, intervals.

The design is the one R's ``survey`` package builds with
``postStratify(svydesign(ids = ~1, weights = ~1, data), ~cell, population)``: independent
respondents with equal starting weights, post-stratified to the population of each cell.

Weights
    A cell is a gmina or, where the survey records the economic age group, a gmina x age
    group. Each respondent of cell ``h`` weighs ``w_i = N_h / n_h`` (``N_h`` residents,
    ``n_h`` respondents), so the weights of a cell add up to its residents and all weights to
    the population of the gminas with respondents. Age groups with fewer than ``min_cell``
    respondents, together with the respondents whose age group is unknown, form one "rest"
    cell of the gmina; while the rest has fewer than ``min_cell`` respondents, or respondents
    but no residents (all groups kept, some ages unknown), the kept group with the fewest
    respondents joins it; when no group is left the whole gmina is one cell ("collapsed").
Trimming
    Weights above ``trim`` x the median weight are set to that cap and the excess is spread
    over the weights below the cap in proportion to them, so the total stays the population;
    repeated (the median and the cap recomputed) until no weight exceeds the cap.
Design effect
    Kish: ``deff = n * sum(w^2) / (sum w)^2`` and the effective sample size ``n / deff``,
    for the whole sample and for the respondents behind each estimate.
Estimates
    ``y_hat = sum_D w_i y_i / sum_D w_i`` over the respondents ``D`` of the domain (a set of
    gminas, so a union of cells) who answered; ``y`` is 0/1 for a proportion, the number or
    the score for a mean. Its linearised (Taylor) variance is the one ``svymean`` gives on a
    post-stratified design: with ``a_i = 1`` for those respondents and 0 for everybody else,
    ``z_i = a_i (y_i - y_hat) / sum_D w_i``, the residual from the weighted mean of ``z`` in
    the respondent's cell ``e_i = z_i - sum_h w z / sum_h w``, ``u_i = w_i e_i`` and
    ``V = n / (n - 1) * sum_i (u_i - mean(u))^2`` over all ``n`` respondents of the survey
    (``svymean(~y, subset(design, domain))``, which keeps the whole sample). With the equal
    weights of a cell (no trimming) the weighted cell mean is R's unweighted one.
Intervals (95 %)
    Means: ``y_hat +- 1.96 se``. Proportions: on the logit scale as ``svyciprop(method =
    "logit")`` with the normal quantile, ``expit(logit p +- 1.96 se / (p (1 - p)))``; at
    ``p = 0`` or ``1`` (no logit) the Wilson score interval with the effective sample size.
Suppression
    An estimate resting on fewer than ``MIN_RESPONDENTS`` respondents (of the domain who
    answered) is returned with ``suppressed = True`` and no value, interval or counts; given
    the gminas of each domain, further domains are withheld so that no subtraction of shown
    domains isolates fewer than ``MIN_RESPONDENTS`` respondents (``spatial.disclosure``);
    ``suppressed_reason`` says which of the two withheld a result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from spatial.disclosure import TOO_FEW, suppression_reasons

AGE_GROUPS = ("pre_working", "working", "post_working")
MIN_RESPONDENTS = 10
MIN_CELL = 5
TRIM_FACTOR = 5.0
Z95 = 1.959963984540054  # qnorm(0.975)
REST = "rest"


class EstimationError(ValueError):
    """The responses cannot be weighted to the targets given (e.g. a gmina without residents)."""


@dataclass(frozen=True)
class Weights:
    """Final weights of the respondents and how they were made."""

    weights: pd.Series  # per respondent (index of the responses)
    cells: pd.Series  # cell label per respondent: "TERYT" or "TERYT:age_group" or "TERYT:rest"
    population: float  # residents of the gminas with respondents (= sum of weights)
    basis: str  # "gmina" or "gmina x age group"
    collapsed: tuple[str, ...] = ()  # gminas whose age groups were merged into one cell
    trimmed: int = 0  # respondents whose weight was capped
    trim_cap: float | None = None
    gminas_without_respondents: tuple[str, ...] = ()

    @cached_property
    def cell_index(self) -> tuple[np.ndarray, np.ndarray]:
        """(cell labels, each respondent's position in them): computed once per weighting."""
        return np.unique(self.cells.to_numpy(dtype=str), return_inverse=True)

    @property
    def deff(self) -> float:
        return kish_deff(self.weights.to_numpy())

    @property
    def n_eff(self) -> float:
        return len(self.weights) / self.deff

    def summary(self) -> dict:
        w = self.weights.to_numpy()
        return {"n": int(len(w)), "population": float(self.population), "basis": self.basis,
                "cells": int(self.cells.nunique()), "collapsed": list(self.collapsed),
                "trimmed": int(self.trimmed), "trim_cap": self.trim_cap,
                "deff": self.deff, "n_eff": self.n_eff,
                "min_weight": float(w.min()), "max_weight": float(w.max()),
                "gminas_without_respondents": list(self.gminas_without_respondents)}


@dataclass(frozen=True)
class Estimate:
    """One weighted estimate; every number is None when suppressed."""

    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    n_eff: float | None
    deff: float | None
    suppressed: bool
    interval: str | None = None  # "logit", "wilson" or "normal"
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"estimate": self.estimate, "se": self.se, "ci_low": self.ci_low,
                "ci_high": self.ci_high, "n": self.n, "n_eff": self.n_eff, "deff": self.deff,
                "suppressed": self.suppressed, "interval": self.interval}


SUPPRESSED = Estimate(None, None, None, None, None, None, None, True)


def kish_deff(weights: np.ndarray) -> float:
    """Kish's design effect of unequal weights: ``n * sum(w^2) / (sum w)^2`` (>= 1)."""
    w = np.asarray(weights, dtype=float)
    if len(w) == 0 or w.sum() <= 0:
        return float("nan")
    return float(len(w) * np.sum(w * w) / w.sum() ** 2)


def _cells(responses: pd.DataFrame, targets: pd.DataFrame, min_cell: int
           ) -> tuple[pd.Series, dict[str, float], list[str], bool]:
    """The cell of each respondent and the residents of each cell."""
    gmina = responses["gmina"].astype(object)
    groups = [g for g in AGE_GROUPS if g in targets.columns]
    age = (responses["age_group"].astype(object).where(responses["age_group"].notna(), None)
           if "age_group" in responses.columns else pd.Series(None, index=responses.index,
                                                                dtype=object))
    use_age = bool(len(groups) > 1 and age.isin(groups).any())
    cells = pd.Series(gmina.to_numpy(), index=responses.index, dtype=object)
    sizes: dict[str, float] = {}
    collapsed: list[str] = []
    for code, members in gmina.groupby(gmina, sort=True).groups.items():
        row = targets.loc[code]
        total = float(row[groups].sum()) if groups else float(row.sum())
        if not use_age:
            sizes[code] = total
            continue
        ages = age.loc[members]
        counts = ages.value_counts()
        kept = [g for g in groups if counts.get(g, 0) >= min_cell]
        rest_n = int(len(ages) - sum(counts.get(g, 0) for g in kept))
        rest_people = float(row[[g for g in groups if g not in kept]].sum())
        # The rest needs residents for its respondents and enough respondents for its
        # residents: the smallest kept group joins it until it has both.
        while kept and (rest_n > 0 or rest_people > 0) and \
                (rest_n < min_cell or rest_people <= 0):
            smallest = min(kept, key=lambda g: (counts.get(g, 0), groups.index(g)))
            kept.remove(smallest)
            rest_n += int(counts.get(smallest, 0))
            rest_people += float(row[smallest])
        if not kept:
            sizes[code] = total
            collapsed.append(code)
            continue
        for g in kept:
            sizes[f"{code}:{g}"] = float(row[g])
        in_rest = ~ages.isin(kept)
        cells.loc[members] = [f"{code}:{a}" if a in kept else f"{code}:{REST}"
                              for a in ages.to_numpy()]
        if in_rest.any():
            sizes[f"{code}:{REST}"] = rest_people
    return cells, sizes, collapsed, use_age


def trim_weights(weights: np.ndarray, factor: float = TRIM_FACTOR, max_rounds: int = 100
                 ) -> tuple[np.ndarray, int, float]:
    """Cap weights at ``factor`` x their median, keeping their sum; returns (weights, number
    trimmed, final cap). The excess goes to the weights below the cap in proportion to them; the
    median and the cap are recomputed and the capping repeated until nothing exceeds the cap."""
    w = np.array(weights, dtype=float)
    total = w.sum()
    capped = np.zeros(len(w), dtype=bool)
    cap = float(factor * np.median(w)) if len(w) else 0.0
    for _ in range(max_rounds):
        cap = float(factor * np.median(w))
        over = w > cap * (1 + 1e-9)
        if not over.any():
            break
        capped |= over
        w[over] = cap
        # Spread the excess over the weights below the cap (with factor > 1 the median one
        # always is), those capped in an earlier round included once the cap has risen.
        below = w < cap
        w[below] *= 1 + (total - w.sum()) / w[below].sum()
    return w, int(capped.sum()), cap


def poststratify(responses: pd.DataFrame, targets: pd.DataFrame, *, min_cell: int = MIN_CELL,
                 trim: float | None = TRIM_FACTOR) -> Weights:
    """Post-stratification weights of the respondents (see the module's docstring).

    Parameters
    ----------
    responses : DataFrame
        One row per respondent: ``gmina`` (TERYT) and optionally ``age_group`` (one of
        ``AGE_GROUPS`` or missing). Not modified.
    targets : DataFrame
        Residents per gmina (index TERYT): columns of ``AGE_GROUPS`` (the cells use them
        where the survey records age groups), or a single column of totals.
    min_cell : int
        Fewest respondents of an age-group cell before it is merged (see above).
    trim : float or None
        Cap as a multiple of the median weight; None does not trim.

    Returns
    -------
    Weights
    """
    if responses.empty:
        raise EstimationError("there are no responses to weight")
    gminas = responses["gmina"].astype(object)
    if gminas.isna().any():
        raise EstimationError(f"{int(gminas.isna().sum())} responses name no gmina")
    unknown = sorted(set(gminas) - set(targets.index))
    if unknown:
        raise EstimationError("no population for gminas " + ", ".join(unknown[:10]))
    cells, sizes, collapsed, use_age = _cells(responses, targets, min_cell)
    empty = sorted(c for c, n in sizes.items() if not n > 0)
    if empty:
        raise EstimationError("cells without residents hold respondents: " + ", ".join(empty))
    counts = cells.value_counts()
    w = cells.map(lambda c: sizes[c] / counts[c]).to_numpy(dtype=float)
    trimmed, cap = 0, None
    if trim is not None:
        w, trimmed, cap = trim_weights(w, trim)
    covered = set(gminas)
    return Weights(weights=pd.Series(w, index=responses.index, name="weight"), cells=cells,
                   population=float(sum(sizes.values())),
                   basis="gmina x age group" if use_age else "gmina",
                   collapsed=tuple(collapsed), trimmed=trimmed, trim_cap=cap,
                   gminas_without_respondents=tuple(sorted(set(targets.index) - covered)))


def _wilson(p: float, n: float) -> tuple[float, float]:
    z2 = Z95 * Z95
    if p <= 0.0:
        return 0.0, z2 / (n + z2)
    if p >= 1.0:
        return n / (n + z2), 1.0
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _logit_interval(p: float, se: float) -> tuple[float, float]:
    if se == 0:
        return p, p
    logit = math.log(p / (1 - p))
    half = Z95 * se / (p * (1 - p))
    return 1 / (1 + math.exp(-(logit - half))), 1 / (1 + math.exp(-(logit + half)))


def weighted_estimate(y: pd.Series, weights: Weights, domain: pd.Series, *,
                      proportion: bool, min_respondents: int = MIN_RESPONDENTS) -> Estimate:
    """The weighted mean of ``y`` over the respondents of ``domain`` who answered.

    Parameters
    ----------
    y : Series
        Per respondent (the weights' index): the value, NaN where unanswered; 0/1 for a
        proportion.
    weights : Weights
    domain : Series of bool
        Respondents of the domain (a union of cells: gminas).
    proportion : bool
        Whether ``y`` is 0/1 (logit or Wilson interval, bounded to [0, 1]).
    min_respondents : int
        Fewer respondents behind the estimate suppress it.
    """
    index = weights.weights.index
    # Aligned on the respondents (reindexing only when the indexes differ: it is the slow part).
    values = (y if y.index.equals(index) else y.reindex(index)).to_numpy(dtype=float)
    inside = domain if domain.index.equals(index) else domain.reindex(index, fill_value=False)
    w = weights.weights.to_numpy(dtype=float)
    a = inside.to_numpy(dtype=bool) & ~np.isnan(values)
    n_used = int(a.sum())
    if n_used < min_respondents:
        return SUPPRESSED
    wd = w[a]
    total = wd.sum()
    estimate = float(np.sum(wd * values[a]) / total)
    z = np.zeros(len(w))
    z[a] = (values[a] - estimate) / total
    cell_codes, cell_index = weights.cell_index
    cell_wz = np.bincount(cell_index, weights=w * z, minlength=len(cell_codes))
    cell_w = np.bincount(cell_index, weights=w, minlength=len(cell_codes))
    e = z - (cell_wz / cell_w)[cell_index]
    u = w * e
    n = len(w)
    variance = n / (n - 1) * float(np.sum((u - u.mean()) ** 2)) if n > 1 else 0.0
    se = math.sqrt(max(variance, 0.0))
    deff = kish_deff(wd)
    n_eff = n_used / deff
    if proportion:
        estimate = min(1.0, max(0.0, estimate))
        if 0.0 < estimate < 1.0:
            low, high = _logit_interval(estimate, se)
            kind = "logit"
        else:
            low, high = _wilson(estimate, n_eff)
            kind = "wilson"
    else:
        low, high = estimate - Z95 * se, estimate + Z95 * se
        kind = "normal"
    return Estimate(estimate, se, float(low), float(high), n_used, float(n_eff), float(deff),
                    False, kind)


# -- questions ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Question:
    """A survey question as the estimates need it (options ordered, Likert options scored)."""

    code: str
    text: str
    kind: str  # 'single', 'multiple', 'likert', 'number', 'text'
    options: tuple[dict, ...] = ()  # {"code", "label", "score"}


@dataclass(frozen=True)
class Measure:
    """One kind of result a question gives: what ``y`` is made of and how it is read."""

    kind: str  # 'share' (of an option), 'top2' (Likert top-2-box) or 'mean'
    option: str | None
    label: str
    proportion: bool


def measures(question: Question) -> list[Measure]:
    """What is estimated for a question: a share per option (single, multiple), the mean
    score and the top-2-box share (Likert), the mean (number); nothing for open text."""
    if question.kind in ("single", "multiple"):
        return [Measure("share", o["code"], o.get("label") or o["code"], True)
                for o in question.options]
    if question.kind == "likert":
        return [Measure("mean", None, "mean score", False),
                Measure("top2", None, "top-2-box", True)]
    if question.kind == "number":
        return [Measure("mean", None, "mean", False)]
    return []


def top_two_scores(question: Question) -> set[float]:
    scores = sorted({float(o["score"]) for o in question.options
                     if o.get("score") is not None}, reverse=True)
    return set(scores[:2])


def _numbers(values: np.ndarray) -> np.ndarray:
    """Finite numbers of the answers, NaN for anything else (no answer, text, lists)."""
    def one(value):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return np.nan
        try:
            number = float(value)
        except ValueError:
            return np.nan
        return number if math.isfinite(number) else np.nan

    return np.fromiter((one(v) for v in values), dtype=float, count=len(values))


def measure_values(question: Question, measure: Measure, answers: pd.Series) -> pd.Series:
    """``y`` of every respondent for one measure (NaN where the question was not answered)."""
    values = answers.to_numpy(dtype=object)
    answered = np.fromiter((v is not None and not (isinstance(v, float) and math.isnan(v))
                            for v in values), dtype=bool, count=len(values))
    if measure.kind == "share":
        if question.kind == "multiple":
            chosen = np.fromiter((measure.option in v if isinstance(v, (list, tuple))
                                  else v == measure.option for v in values), dtype=bool,
                                 count=len(values))
        else:
            chosen = np.fromiter((v == measure.option for v in values), dtype=bool,
                                 count=len(values))
        y = np.where(answered, chosen.astype(float), np.nan)
    else:
        y = _numbers(values)
        if measure.kind == "top2":
            top = np.isin(y, list(top_two_scores(question))).astype(float)
            y = np.where(np.isnan(y), np.nan, top)
    return pd.Series(y, index=answers.index, dtype=float)


def estimate_question(question: Question, answers: pd.Series, weights: Weights,
                      domains: dict[str, pd.Series],
                      members: Mapping[str, frozenset[str]] | None = None,
                      withheld: Mapping[str, str] | None = None) -> list[dict]:
    """Every measure of ``question`` in every domain: dicts with the measure, the domain and
    the ``Estimate`` fields (suppressed ones without numbers).

    With ``members`` (the gminas of each domain) small domains are also protected against
    subtraction: ``spatial.disclosure.protected_domains`` on the respondents who answered.
    ``withheld`` (domain -> reason) are domains whose respondent counts are withheld: they
    are withheld in every measure too (withholding more never discloses anything), so no
    question shows a domain the survey's own table hides."""
    out = []
    for measure in measures(question):
        y = measure_values(question, measure, answers)
        hidden: dict[str, str] = {}
        if members is not None:
            answered = ~np.isnan(y.to_numpy(dtype=float))
            counts = {name: int((mask.to_numpy(dtype=bool) & answered).sum())
                      for name, mask in domains.items()}
            hidden = suppression_reasons(counts, members, MIN_RESPONDENTS)
        hidden = {**(withheld or {}), **hidden}
        for name, mask in domains.items():
            result = SUPPRESSED if name in hidden else weighted_estimate(
                y, weights, mask, proportion=measure.proportion)
            # why a cell is withheld ("too_few", "complementary"), for the reader's words
            reason = hidden.get(name, TOO_FEW) if result.suppressed else None
            out.append({"question": question.code, "measure": measure.kind,
                        "option": measure.option, "label": measure.label, "domain": name,
                        **result.as_dict(), "suppressed_reason": reason})
    return out
