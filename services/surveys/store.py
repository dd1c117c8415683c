"""Reading and deleting imported surveys; the contract the estimates are built on.

``load_responses`` is what the estimates read: the questions in order and one row per
response with the columns of ``survey_response`` (``answers`` a dict, see the migration 0010).
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from core.errors import NotFound
from services.access.rules import SYSTEM, Principal, audit, require_read, require_write
from services.db import database_errors

SURVEY_KINDS = ("residents", "youth")
RESPONSE_COLUMNS = ("response_id", "gmina", "sex", "age", "age_group", "submitted_at",
                    "answers")
_HEAD = ("SELECT id, partnership_id, kind, title, source_format, file_name, file_hash,"
         " responses, mapping, created_by, created_at FROM survey")


def _survey_row(row) -> dict:
    out = dict(row._mapping)
    out["created_at"] = out["created_at"].isoformat()
    return out


def list_surveys(engine: sa.Engine, pid: str, actor: Principal = SYSTEM) -> list[dict]:
    """The partnership's surveys (not deleted), newest first, without their questions."""
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        rows = conn.execute(sa.text(
            _HEAD + " WHERE partnership_id = :pid AND NOT deleted ORDER BY id DESC"),
            {"pid": pid}).all()
    return [_survey_row(r) for r in rows]


def _questions(conn, survey_id: int) -> list[dict]:
    rows = conn.execute(sa.text(
        "SELECT position, code, text, kind, options FROM survey_question"
        " WHERE survey_id = :id ORDER BY position"), {"id": survey_id}).all()
    return [dict(r._mapping) for r in rows]


def _find(conn, survey_id: int, actor: Principal) -> dict:
    """The survey if ``actor`` may read its partnership; unknown, deleted and hidden surveys
    look the same (404)."""
    row = conn.execute(sa.text(_HEAD + " WHERE id = :id AND NOT deleted"),
                       {"id": survey_id}).first()
    if row is None:
        raise NotFound("no survey %(id)s", id=survey_id)
    try:
        require_read(conn, actor, row.partnership_id)
    except NotFound:
        raise NotFound("no survey %(id)s", id=survey_id) from None
    return _survey_row(row)


def get_survey(engine: sa.Engine, survey_id: int, actor: Principal = SYSTEM) -> dict:
    """One survey with its questions (``questions``: code, text, kind, options, position)."""
    with database_errors(), engine.connect() as conn:
        survey = _find(conn, survey_id, actor)
        survey["questions"] = _questions(conn, survey_id)
    return survey


def load_responses(conn, survey_id: int) -> tuple[list[dict], pd.DataFrame]:
    """The questions and the responses of a survey, for computing on them.

    No access check here: callers check the survey's partnership first (``get_survey``).

    Returns
    -------
    questions : list of dict
        code, text, kind, options, position; in questionnaire order.
    responses : pandas.DataFrame
        One row per response, columns ``RESPONSE_COLUMNS``; ``answers`` holds
        {question code: value} (single: option code, multiple: list of codes, likert: int
        score, number: float or int, text: str); unanswered questions are absent. ``age`` is
        a nullable Int64, ``submitted_at`` a UTC timestamp (NaT when unknown).
    """
    questions = _questions(conn, survey_id)
    rows = conn.execute(sa.text(
        "SELECT response_id, gmina, sex, age, age_group, submitted_at, answers"
        " FROM survey_response WHERE survey_id = :id ORDER BY response_id"),
        {"id": survey_id}).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(RESPONSE_COLUMNS))
    frame["age"] = frame["age"].astype("Int64")
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    for column in ("sex", "age_group"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return questions, frame


def delete_survey(engine: sa.Engine, survey_id: int, actor: Principal = SYSTEM) -> dict:
    """Mark a survey deleted (its responses stay for the audit trail, hidden everywhere);
    the partnership's experts and the command line only."""
    with database_errors(), engine.begin() as conn:
        survey = _find(conn, survey_id, actor)
        require_write(conn, actor, survey["partnership_id"])
        conn.execute(sa.text("UPDATE survey SET deleted = true WHERE id = :id"),
                     {"id": survey_id})
        audit(conn, actor, "delete", "survey", survey_id,
              before={k: survey[k] for k in ("partnership_id", "kind", "title", "responses",
                                             "file_hash")})
    return {"id": survey_id, "deleted": True}
