"""Youth surveys: the share planning to leave, per gmina, against the observed net migration.

Which question asks about leaving and which of its answers mean "I will leave" is an explicit
parameter (``question``, ``leave``); without it a catalogue of words proposes both, and the
answer says what was detected so that the user can correct it. Net migration per 1,000
residents is the indicator derived from the mirror's gmina-to-gmina flows
(``partnerstwa indicators derive net-migration flows/migration_gmina_2023.csv --year 2023``),
the latest year held. Gminas whose share is suppressed (fewer than 10 answers, or withheld so
that a small gmina cannot be recovered by subtraction: ``suppressed_reason``) stay in the
table as suppressed and out of the scatter and the correlation.
"""

from __future__ import annotations

import math

import pandas as pd
import sqlalchemy as sa

from core.errors import BadRequest
from services.access.rules import SYSTEM, Principal
from services.db import database_errors
from services.surveys.detect import fold
from services.surveys.estimates import check_survey, compute_results
from services.surveys.store import load_responses
from spatial.disclosure import TOO_FEW, suppression_reasons
from spatial.survey_estimates import (
    MIN_RESPONDENTS,
    SUPPRESSED,
    poststratify,
    weighted_estimate,
)

NET_MIGRATION = "net_migration_per_1000"
# Folded stems (no diacritics, lower case) of leaving, and of the answers that negate it.
LEAVE_WORDS = ("wyjad", "wyjech", "wyjez", "wyprowadz", "opuszcz", "opuscic", "emigr",
               "za granic", "do innego miasta", "do wiekszego miasta", "leave", "move away",
               "abroad", "moving out")
NOT_LEAVING = ("nie ", "zostan", "zostac", "pozosta", "stay", "nie wiem", "don t know",
               "trudno")


def _is_leaving(label: str) -> bool:
    text = f" {fold(label)} "
    return any(w in text for w in LEAVE_WORDS) and not any(w in text for w in NOT_LEAVING)


def detect(questions: list[dict]) -> tuple[str | None, list[str]]:
    """The first single or multiple choice question about leaving, and its leaving answers."""
    for q in questions:
        if q["kind"] not in ("single", "multiple"):
            continue
        leave = [o["code"] for o in q["options"] if _is_leaving(o.get("label") or o["code"])]
        asks = any(w in fold(q["text"]) for w in LEAVE_WORDS)
        if leave and (asks or len(leave) < len(q["options"])):
            return q["code"], leave
    return None, []


def _net_migration(conn, gminas: list[str]) -> tuple[pd.Series, int | None]:
    year = conn.execute(sa.text(
        "SELECT max(year) FROM indicator_value WHERE indicator_code = :c AND level = 'gmina'"),
        {"c": NET_MIGRATION}).scalar_one()
    if year is None:
        return pd.Series(dtype=float), None
    rows = conn.execute(sa.text(
        "SELECT teryt, value FROM indicator_value WHERE indicator_code = :c AND year = :y"
        " AND level = 'gmina' AND teryt = ANY(:t)"),
        {"c": NET_MIGRATION, "y": year, "t": gminas}).all()
    return pd.Series(dict(rows), dtype=float), int(year)


def _pearson(pairs: list[tuple[float, float]]) -> float | None:
    if len(pairs) < 3:
        return None
    x = pd.Series([p[0] for p in pairs])
    y = pd.Series([p[1] for p in pairs])
    if x.std() == 0 or y.std() == 0:
        return None
    return float(x.corr(y))


def youth_migration(engine: sa.Engine, pid: str, survey_id: int, *,
                    actor: Principal = SYSTEM, question: str | None = None,
                    leave: list[str] | None = None) -> dict:
    """Per gmina: the weighted share planning to leave (95 % interval, or suppressed) and
    the net migration per 1,000 residents; the Pearson correlation over the shown gminas."""
    survey = check_survey(engine, pid, survey_id, actor)
    by_code = {q["code"]: q for q in survey["questions"]}
    detected = question is None
    if question is None:
        question, proposed = detect(survey["questions"])
        if question is None:
            raise BadRequest("no question about leaving was recognised: name it with"
                             " ?question=CODE&leave=OPTION,OPTION", field="question")
        leave = leave or proposed
    q = by_code.get(question)
    if q is None or q["kind"] not in ("single", "multiple"):
        raise BadRequest("question must be a single or multiple choice question of the"
                         " survey, not %(question)r", field="question", question=question[:60])
    codes = [o["code"] for o in q["options"]]
    if not leave:
        leave = [c for c in codes if _is_leaving(next(o.get("label") or c for o in q["options"]
                                                      if o["code"] == c))]
    unknown = [c for c in leave if c not in codes]
    if unknown or not leave:
        raise BadRequest("leave must name options of %(question)r (%(codes)s), not"
                         " %(unknown)s", field="leave", question=question,
                         codes=", ".join(codes), unknown=", ".join(unknown)[:200] or "–")
    results = compute_results(engine, pid, survey)  # the weights' summary, the domains
    with database_errors(), engine.connect() as conn:
        _, responses = load_responses(conn, survey_id)
        gminas = [d for d in results["domains"] if d["kind"] == "gmina"]
        migration, year = _net_migration(conn, [d["teryt"] for d in gminas])
        from services.surveys.population import survey_targets

        targets = survey_targets(conn, sorted(set(responses["gmina"])
                                              | {d["teryt"] for d in gminas}), survey["kind"])
    weights = poststratify(responses[["gmina", "age_group"]], targets.frame)
    chosen = set(leave)

    def leaving(answers: dict) -> float:
        value = answers.get(question)
        if value is None:
            return math.nan
        values = value if isinstance(value, list) else [value]
        return 1.0 if chosen & set(values) else 0.0

    y = pd.Series([leaving(a) for a in responses["answers"]], index=responses.index)
    shown = [results["domains"][0], *gminas]
    masks = {d["key"]: responses["gmina"].isin(d["gminas"]) for d in shown}
    # The same complementary suppression as the results: no gmina isolated by subtraction.
    answered = y.notna()
    withheld = suppression_reasons({k: int((m & answered).sum()) for k, m in masks.items()},
                                   {d["key"]: frozenset(d["gminas"]) for d in shown},
                                   MIN_RESPONDENTS)
    rows, pairs = [], []
    for d in shown:
        est = SUPPRESSED if d["key"] in withheld else weighted_estimate(
            y, weights, masks[d["key"]], proportion=True)
        net = migration.get(d.get("teryt")) if d["kind"] == "gmina" else None
        net = None if net is None or pd.isna(net) else float(net)
        rows.append({"domain": d["key"], "kind": d["kind"], "teryt": d.get("teryt"),
                     "name": d["label"], **est.as_dict(),
                     "suppressed_reason": withheld.get(d["key"], TOO_FEW)
                     if est.suppressed else None, "net_migration_per_1000": net})
        if d["kind"] == "gmina" and not est.suppressed and net is not None:
            pairs.append((net, est.estimate))
    return {"survey": results["survey"], "weighting": results["weighting"],
            "question": {"code": question, "text": q["text"], "options": q["options"]},
            "leave": leave, "detected": detected,
            "migration": {"indicator": NET_MIGRATION, "year": year,
                          "note": None if year else "net migration is not derived: run"
                          " `partnerstwa indicators derive net-migration FLOWS.csv --year"
                          " 2023`"},
            "rows": rows, "correlation": {"pearson_r": _pearson(pairs), "gminas": len(pairs)},
            "min_respondents": MIN_RESPONDENTS}
