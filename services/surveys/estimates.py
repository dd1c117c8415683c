"""Results of a survey: weighted estimates per question in every domain of the partnership.

Domains are the partnership, each of its gminas and each of its functional areas (the
gminas it was made of; a drawn area: the gminas whose interior point lies in it). The
weights and the formulas are in ``spatial/survey_estimates.py``. An estimate resting on
fewer than 10 respondents is suppressed (a flag, no number), and so is the respondent count
of such a domain; so are estimates of domains with enough respondents whose showing would let
a reader recover a small gmina by subtraction or by combining overlapping functional areas
(gminas are withheld first, then area totals: ``spatial/disclosure.py``). ``suppressed_reason``
tells the two apart (``too_few``, ``complementary``) for the words the reader sees. Open
answers are shown only to those who change the partnership (its experts, the administrator),
masked (``mask_personal_data``), as text, never markup. Gminas of one name are labelled with their
kind ("Wysokie Mazowieckie (gmina miejska)", ``services/reference/labels.py``).
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput, NotFound, Text
from services.access.rules import SYSTEM, Principal, can_write
from services.cache import cached, data_version
from services.db import database_errors
from services.reference.labels import gmina_labels
from services.surveys.detect import in_scale_order
from services.surveys.population import survey_targets
from services.surveys.privacy import mask_personal_data, masked_codes, masked_options
from services.surveys.store import get_survey, load_responses
from spatial.disclosure import COMPLEMENTARY, TOO_FEW, suppression_reasons
from spatial.survey_estimates import (
    MIN_RESPONDENTS,
    EstimationError,
    Question,
    estimate_question,
    poststratify,
)

DOMAIN_KINDS = ("partnership", "gmina", "area")
MAX_OPEN_ANSWERS = 2000


def survey_version(conn, pid: str) -> tuple:
    """Changes whenever a survey of ``pid`` is imported or deleted."""
    return tuple(conn.execute(sa.text(
        "SELECT coalesce(max(id), 0), count(*) FROM survey WHERE partnership_id = :pid"
        " AND NOT deleted"), {"pid": pid}).one())


def check_survey(engine: sa.Engine, pid: str, survey_id: int, actor: Principal) -> dict:
    """The survey with its questions, if it is one of ``pid``'s and ``actor`` may read it."""
    survey = get_survey(engine, survey_id, actor=actor)
    if survey["partnership_id"] != pid:
        raise NotFound("no survey %(survey)s in partnership %(pid)s", survey=survey_id, pid=pid)
    return survey


def _domains(conn, pid: str) -> list[dict]:
    gminas = [dict(r._mapping) for r in conn.execute(sa.text(
        "SELECT g.teryt, g.name FROM partnership_gmina pg JOIN gmina g"
        " ON g.teryt = pg.gmina_teryt WHERE pg.partnership_id = :pid ORDER BY g.teryt"),
        {"pid": pid})]
    name = conn.execute(sa.text("SELECT name FROM partnership WHERE id = :pid"),
                        {"pid": pid}).scalar_one()
    out = [{"key": "partnership", "kind": "partnership", "label": name,
            "gminas": [g["teryt"] for g in gminas]}]
    # Two gminas of one name (the town and the rural gmina around it) are told apart by kind.
    labels = gmina_labels((g["teryt"], g["name"]) for g in gminas)
    out += [{"key": f"gmina:{g['teryt']}", "kind": "gmina", "label": labels[g["teryt"]],
             "name": g["name"], "teryt": g["teryt"], "gminas": [g["teryt"]]} for g in gminas]
    areas = conn.execute(sa.text(
        "SELECT a.id, a.name, CASE WHEN a.delineation = 'gminas' THEN a.gminas ELSE"
        " (SELECT coalesce(array_agg(g.teryt ORDER BY g.teryt), '{}') FROM gmina g"
        "  WHERE ST_Intersects(a.geom, ST_PointOnSurface(g.geom))) END"
        " FROM functional_area a WHERE a.partnership_id = :pid AND NOT a.deleted"
        " ORDER BY a.id"), {"pid": pid}).all()
    out += [{"key": f"area:{i}", "kind": "area", "label": n, "area_id": i,
             "gminas": sorted(members)} for i, n, members in areas]
    return out


def _question(row: dict) -> Question:
    """A stored question; choices that form a known scale in the scale's order (a scale taken
    for a single choice lists its options in the order the file first used them)."""
    options = list(row["options"] or ())
    if row["kind"] in ("single", "multiple"):
        options = in_scale_order(options)
    return Question(row["code"], row["text"], row["kind"], tuple(options))


def _shown_options(q: Question, results: list[dict]) -> dict:
    """Options and results as every reader may see them: personal data in an option's code
    or label masked (an open question taken for a choice would show its answers)."""
    shown = masked_codes([o["code"] for o in q.options])
    options = masked_options(q.options)
    results = [{**r, "option": shown.get(r["option"], r["option"]),
                "label": mask_personal_data(r["label"]) if r.get("label") else r.get("label")}
               for r in results]
    return {"options": options, "results": results}


def _fieldwork(responses: pd.DataFrame) -> dict:
    times = responses["submitted_at"].dropna()
    if times.empty:
        return {"from": None, "to": None}
    local = times.dt.tz_convert("Europe/Warsaw")
    return {"from": local.min().date().isoformat(), "to": local.max().date().isoformat()}


def _compute(engine: sa.Engine, pid: str, survey: dict) -> dict:
    with database_errors(), engine.connect() as conn:
        questions, responses = load_responses(conn, survey["id"])
        domains = _domains(conn, pid)
        gminas = sorted(set(domains[0]["gminas"]) | set(responses["gmina"]))
        targets = survey_targets(conn, gminas, survey["kind"])
    if responses.empty:
        raise InvalidInput("survey %(survey)s holds no responses", survey=survey["id"])
    try:
        weights = poststratify(responses[["gmina", "age_group"]], targets.frame)
    except EstimationError as exc:
        raise InvalidInput("survey %(survey)s cannot be weighted: %(reason)s",
                           survey=survey["id"], reason=str(exc)) from None
    masks = {d["key"]: responses["gmina"].isin(d["gminas"]) for d in domains}
    members = {d["key"]: frozenset(d["gminas"]) for d in domains}
    # Counts of respondents are withheld like the estimates: never one small gmina's by
    # subtraction (complementary suppression).
    counts = {key: int(mask.sum()) for key, mask in masks.items()}
    withheld = suppression_reasons(counts, members, MIN_RESPONDENTS)
    for d in domains:
        d["suppressed"] = d["key"] in withheld
        # "too_few" (fewer than 10), "complementary" (enough, withheld for a small one)
        d["suppressed_reason"] = withheld.get(d["key"])
        d["respondents"] = None if d["suppressed"] else counts[d["key"]]
    answers = responses["answers"]
    out_questions = []
    for row in questions:
        q = _question(row)
        values = pd.Series([a.get(q.code) for a in answers], index=responses.index,
                           dtype=object)
        results = (estimate_question(q, values, weights, masks, members, withheld)
                   if q.kind != "text" else [])
        out_questions.append({"code": q.code, "text": q.text, "kind": q.kind,
                              "position": row["position"], **_shown_options(q, results)})
    summary = weights.summary()
    # Respondent counts of single gminas or cells are not shown: only the whole.
    summary.pop("min_weight"), summary.pop("max_weight")
    return {
        "survey": {k: survey[k] for k in ("id", "partnership_id", "kind", "title",
                                          "source_format", "responses", "created_at")}
        | {"fieldwork": _fieldwork(responses)},
        "weighting": {**summary, **targets.describe(), "min_respondents": MIN_RESPONDENTS,
                      "method": "post-stratification (survey::postStratify), weights trimmed"
                                " at 5 x the median, linearised variance, 95% intervals"},
        "domains": domains,
        "questions": out_questions,
    }


def compute_results(engine: sa.Engine, pid: str, survey: dict) -> dict:
    """Every estimate of a survey (no access check: the caller made it), cached per data."""
    with database_errors(), engine.connect() as conn:
        version = (*data_version(conn, "indicators", "objects", "partnerships",
                                 "boundaries"), survey_version(conn, pid))
    return cached(("survey-results", pid, survey["id"]), version,
                  lambda: _compute(engine, pid, survey))


def _open_answers(engine: sa.Engine, survey: dict, codes: list[str]) -> dict[str, list[str]]:
    with database_errors(), engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT answers FROM survey_response WHERE survey_id = :id ORDER BY response_id"),
            {"id": survey["id"]}).scalars().all()
    out = {}
    for code in codes:
        texts = [str(a[code]).strip() for a in rows if isinstance(a.get(code), str)
                 and a[code].strip()]
        out[code] = [mask_personal_data(t) for t in texts[:MAX_OPEN_ANSWERS]]
    return out


def can_see_open_answers(actor: Principal, pid: str) -> bool:
    return can_write(actor, pid) or actor.role == "admin"


def survey_results(engine: sa.Engine, pid: str, survey_id: int, *,
                   actor: Principal = SYSTEM, question: str | None = None,
                   domain: str | None = None) -> dict:
    """The results of survey ``survey_id`` of partnership ``pid``, optionally of one question
    (its code) and one domain (``partnership``, ``gmina:TERYT`` or ``area:ID``)."""
    survey = check_survey(engine, pid, survey_id, actor)
    result = compute_results(engine, pid, survey)
    questions = result["questions"]
    if question is not None:
        questions = [q for q in questions if q["code"] == question]
        if not questions:
            raise BadRequest("question must be one of the survey's codes, not %(question)r",
                             field="question", question=question[:60])
    domains = result["domains"]
    if domain is not None:
        domains = [d for d in domains if d["key"] == domain]
        if not domains:
            raise BadRequest("domain must be partnership, gmina:TERYT or area:ID of this"
                             " partnership, not %(domain)r", field="domain", domain=domain[:60])
        questions = [{**q, "results": [r for r in q["results"] if r["domain"] == domain]}
                     for q in questions]
    visible = can_see_open_answers(actor, pid)
    texts = _open_answers(engine, survey, [q["code"] for q in questions
                                           if q["kind"] == "text"]) if visible else {}
    questions = [{**q, "open_answers": texts.get(q["code"])} if q["kind"] == "text" else q
                 for q in questions]
    return {**result, "domains": domains, "questions": questions,
            "open_answers_visible": visible}


def survey_map(engine: sa.Engine, pid: str, survey_id: int, *, actor: Principal = SYSTEM,
               question: str, option: str | None = None) -> dict:
    """The partnership's gminas as GeoJSON (EPSG:4326) with one measure of one question:
    estimate, interval and class per gmina, or ``suppressed``; the legend's classes count
    the gminas in each and the suppressed ones."""
    from services.surveys.results_files import choose_measure, class_of, classes

    if not question:
        raise BadRequest("question is required (a question code of the survey)",
                         field="question")
    result = survey_results(engine, pid, survey_id, actor=actor, question=question)
    q = result["questions"][0]
    measure, code = choose_measure(q, option)
    rows = {r["domain"]: r for r in q["results"]
            if r["measure"] == measure and r["option"] == code}
    gminas = [d for d in result["domains"] if d["kind"] == "gmina"]
    proportion = measure in ("share", "top2")
    scores = [float(o["score"]) for o in q["options"] if o.get("score") is not None]
    shown = [rows[d["key"]]["estimate"] for d in gminas if not rows[d["key"]]["suppressed"]]
    bounds = classes(shown, proportion, min(scores) if scores and measure == "mean" else None,
                     max(scores) if scores and measure == "mean" else None)
    with database_errors(), engine.connect() as conn:
        shapes = dict(conn.execute(sa.text(
            "SELECT teryt, ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(geom, 50),"
            " 4326), 6)::json FROM gmina WHERE teryt = ANY(:t)"),
            {"t": [d["teryt"] for d in gminas]}).all())
    features = []
    for d in gminas:
        r = rows[d["key"]]
        props = {"teryt": d["teryt"], "name": d["label"], "suppressed": r["suppressed"],
                 "suppressed_reason": r.get("suppressed_reason"),
                 **{k: r[k] for k in ("estimate", "ci_low", "ci_high", "n", "n_eff", "deff")},
                 "class": None if r["suppressed"] else class_of(r["estimate"], bounds)}
        features.append({"type": "Feature", "id": d["teryt"], "properties": props,
                         "geometry": shapes.get(d["teryt"])})
    label = next((r["label"] for r in rows.values()), "")
    return {"type": "FeatureCollection", "features": features,
            "legend": {"question": q["code"], "text": q["text"], "measure": measure,
                       "option": code, "label": label, "proportion": proportion,
                       "classes": bounds,
                       "suppressed": sum(1 for d in gminas if rows[d["key"]]["suppressed"]),
                       # of them: too few answers, and withheld to protect a small gmina
                       "suppressed_reasons": {reason: sum(
                           1 for d in gminas if rows[d["key"]].get("suppressed_reason")
                           == reason) for reason in (TOO_FEW, COMPLEMENTARY)},
                       "min_respondents": MIN_RESPONDENTS},
            "survey": result["survey"], "weighting": result["weighting"]}


def results_page(engine: sa.Engine, pid: str, survey_id: int, *, actor: Principal = SYSTEM,
                 leave_question: str | None = None, leave: list[str] | None = None) -> dict:
    """What the survey's page shows: every result, and for a youth survey the comparison
    with net migration (or why it cannot be made: no leaving question recognised)."""
    from services.surveys.youth import youth_migration

    results = survey_results(engine, pid, survey_id, actor=actor)
    youth, youth_problem = None, None
    if results["survey"]["kind"] == "youth":
        try:
            youth = youth_migration(engine, pid, survey_id, actor=actor,
                                    question=leave_question, leave=leave)
        except BadRequest as exc:
            # Said on the page in the reader's language (web.i18n.localised).
            youth_problem = Text(exc.template, **exc.params)
    return {"results": results, "youth": youth, "youth_problem": youth_problem}


# -- the diagnosis' section --------------------------------------------------------------------

DIAGNOSIS_QUESTIONS = 12  # questions shown per survey (the rest is in the survey's page)


def diagnosis_versions(conn, pid: str) -> dict:
    """What an import or deletion changes; empty for a partnership without surveys, so its
    diagnosis keeps its numbers and hash."""
    newest, count = survey_version(conn, pid)
    return {"surveys": f"{newest}/{count}"} if count else {}


def _cell(r: dict) -> dict:
    return {k: r.get(k) for k in ("estimate", "ci_low", "ci_high", "n", "suppressed",
                                  "suppressed_reason")}


def diagnosis_section(engine: sa.Engine, pid: str) -> list[dict]:
    """Per survey of ``pid``: kind, respondents, fieldwork, weights (deff, effective n,
    trimmed), the partnership's results with intervals, and the first measure of each
    question per gmina (suppressed cells as such). A survey that cannot be weighted is
    listed with the reason."""
    with database_errors(), engine.connect() as conn:
        ids = conn.execute(sa.text(
            "SELECT id FROM survey WHERE partnership_id = :pid AND NOT deleted ORDER BY id"),
            {"pid": pid}).scalars().all()
    out = []
    for survey_id in ids:
        survey = get_survey(engine, survey_id)
        head = {"id": survey_id, "title": survey["title"], "kind": survey["kind"],
                "responses": survey["responses"]}
        try:
            result = compute_results(engine, pid, survey)
        except InvalidInput as exc:
            out.append({**head, "problem": exc.message})
            continue
        w = result["weighting"]
        questions = [q for q in result["questions"] if q["results"]][:DIAGNOSIS_QUESTIONS]
        key = [{"question": q["code"], "text": q["text"], "measure": r["measure"],
                "label": r["label"], **_cell(r)}
               for q in questions for r in q["results"] if r["domain"] == "partnership"]
        firsts = [(q, q["results"][0]) for q in questions]
        gminas = [d for d in result["domains"] if d["kind"] == "gmina"]
        rows = []
        for d in gminas:
            cells = []
            for q, first in firsts:
                r = next(x for x in q["results"] if x["domain"] == d["key"]
                         and x["measure"] == first["measure"] and x["option"] == first["option"])
                cells.append(_cell(r))
            rows.append({"name": d["name"], "teryt": d["teryt"], "cells": cells})
        out.append({**head, "fieldwork": result["survey"]["fieldwork"],
                    "weighting": {k: w.get(k) for k in (
                        "n", "deff", "n_eff", "trimmed", "basis", "population",
                        "population_year", "age_structure_year", "min_respondents")},
                    "key_results": key,
                    "by_gmina": {"columns": [{"question": q["code"], "text": q["text"],
                                              "measure": f["measure"], "label": f["label"]}
                                             for q, f in firsts], "rows": rows}})
    return out
