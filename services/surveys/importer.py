"""Importing a survey export: all responses in one transaction, or nothing.

The file is read and checked exactly as for the preview (``preview.prepare``) with the
user's corrections; the first problem refuses the whole file, naming its row and column.
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput
from services.access.rules import SYSTEM, Principal, audit, require_write
from services.db import database_errors
from services.surveys.preview import prepare
from services.surveys.store import SURVEY_KINDS

MAX_TITLE = 300


def _check(kind: str, title: str) -> str:
    if kind not in SURVEY_KINDS:
        raise BadRequest("kind must be one of %(choices)s, not %(value)r",
                         choices=", ".join(SURVEY_KINDS), value=kind, field="kind")
    title = (title or "").strip()
    if not 1 <= len(title) <= MAX_TITLE:
        raise BadRequest("%(name)s must have 1 to %(limit)s characters", name="title",
                         limit=MAX_TITLE, field="title")
    return title


def import_survey(engine: sa.Engine, source: str | Path, pid: str, *, kind: str, title: str,
                  actor: Principal = SYSTEM, progress=None, **options) -> dict:
    """Create a survey of partnership ``pid`` from an export file.

    ``options``: file_name, fmt, encoding, delimiter, mapping (the preview's corrections,
    stored with the survey). Returns the survey's id, counts and the warnings.
    """
    title = _check(kind, title)
    plan, facts = prepare(engine, source, pid, actor=actor, progress=progress, **options)
    if plan.problem_count:
        more = plan.problem_count - 1
        template = ("%(problem)s (and %(more)s more problems)" if more else "%(problem)s")
        raise InvalidInput(template, problem=plan.problems[0], more=more,
                           where=facts["file_name"],
                           details={"problems": plan.problems,
                                    "problem_count": plan.problem_count})
    if progress:
        progress(f"writing {len(plan.records):,} responses")
    with database_errors(), engine.begin() as conn:
        require_write(conn, actor, pid)
        survey_id = conn.execute(sa.text(
            "INSERT INTO survey (partnership_id, kind, title, source_format, file_name,"
            " file_hash, responses, mapping, created_by) VALUES (:pid, :kind, :title, :fmt,"
            " :file_name, :hash, :n, CAST(:mapping AS jsonb), :by) RETURNING id"),
            {"pid": pid, "kind": kind, "title": title, "fmt": plan.format,
             "file_name": facts["file_name"], "hash": facts["file_hash"],
             "n": len(plan.records), "mapping": json.dumps(plan.mapping, ensure_ascii=False),
             "by": actor.label}).scalar_one()
        if plan.questions:
            conn.execute(sa.text(
                "INSERT INTO survey_question (survey_id, position, code, text, kind, options)"
                " VALUES (:sid, :position, :code, :text, :kind, CAST(:options AS jsonb))"),
                [{"sid": survey_id, "position": i + 1, "code": q.code, "text": q.text,
                  "kind": q.kind, "options": json.dumps(q.options, ensure_ascii=False)}
                 for i, q in enumerate(plan.questions)])
        _copy_responses(conn, survey_id, plan.records)
        audit(conn, actor, "create", "survey", survey_id, after={
            "partnership_id": pid, "kind": kind, "title": title, "format": plan.format,
            "file_name": facts["file_name"], "file_hash": facts["file_hash"],
            "responses": len(plan.records)})
    if progress:
        progress(f"imported survey {survey_id}")
    return {"id": survey_id, "partnership_id": pid, "kind": kind, "title": title,
            "format": plan.format, "responses": len(plan.records),
            "questions": len(plan.questions), "file_hash": facts["file_hash"],
            "warnings": plan.warnings}


def _copy_responses(conn, survey_id: int, records: list[tuple]) -> None:
    """COPY into a temporary table, then one INSERT that makes the points (EPSG:4326 ->
    2180 in PostGIS)."""
    conn.execute(sa.text(
        "CREATE TEMP TABLE incoming_response (response_id text, gmina text, sex text,"
        " age smallint, age_group text, submitted_at timestamptz, lat float8, lon float8,"
        " answers jsonb) ON COMMIT DROP"))
    cursor = conn.connection.driver_connection.cursor()
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with cursor, cursor.copy("COPY incoming_response FROM STDIN") as copy:
        for rid, teryt, sex, age, group, when, point, answers in records:
            copy.write_row((rid, teryt, sex, age, group, when,
                            point[0] if point else None, point[1] if point else None,
                            dumps(answers)))
    conn.execute(sa.text(
        "INSERT INTO survey_response (survey_id, response_id, gmina, sex, age, age_group,"
        " submitted_at, location, answers) SELECT :sid, response_id, gmina, sex, age,"
        " age_group, submitted_at, CASE WHEN lat IS NOT NULL THEN ST_Transform(ST_SetSRID("
        "ST_MakePoint(lon, lat), 4326), 2180) END, answers FROM incoming_response"),
        {"sid": survey_id})
    conn.execute(sa.text("DROP TABLE incoming_response"))
