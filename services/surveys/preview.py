"""The preview of an export: nothing is written; everything the import would store and
every problem it would refuse, for the user to correct."""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlalchemy as sa

from core.errors import BadRequest, Text
from services.access.rules import SYSTEM, Principal, require_write
from services.db import database_errors
from services.surveys.formats import SURVEY_FORMATS, choose_format, read_table
from services.surveys.gminas import GminaResolver, all_gminas, partnership_gminas
from services.surveys.plan import Plan, build_plan, check_mapping
from services.surveys.privacy import mask_personal_data
from services.surveys.reading import read_bytes

SAMPLE = 5
MAX_GMINA_VALUES = 300  # distinct values of the gmina column shown (a wrong column has many)


def prepare(engine, source: str | Path, pid: str, *, actor: Principal = SYSTEM,
            file_name: str | None = None, fmt: str | None = None,
            encoding: str | None = None, delimiter: str | None = None,
            mapping: dict | None = None, progress=None) -> tuple[Plan, dict]:
    """Read, lay out and convert a file for partnership ``pid`` (whose experts may write):
    the plan and the facts about the file (name, hash, encoding, delimiter, rows)."""
    mapping = check_mapping(mapping)
    name = file_name or Path(source).name
    with database_errors(), engine.connect() as conn:
        require_write(conn, actor, pid)
        members = partnership_gminas(conn, pid)
        country = all_gminas(conn)
    member_codes = {g["teryt"] for g in members}
    for value, teryt in mapping.get("gminas", {}).items():
        if teryt not in member_codes:
            raise BadRequest("mapping.gminas: %(value)r -> %(teryt)r: not a gmina of"
                             " partnership %(pid)s", value=value, teryt=teryt, pid=pid,
                             field="mapping")
    data = read_bytes(source)
    if progress:
        progress(f"read {len(data) / 2**20:,.1f} MB")
    table = read_table(data, name, encoding=encoding, delimiter=delimiter)
    chosen = choose_format(table, fmt, name)
    if progress:
        progress(f"{len(table.rows):,} responses, {len(table.columns)} columns,"
                 f" {chosen.code}")
    resolver = GminaResolver(members, country, mapping.get("gminas"))
    plan = build_plan(table, chosen, resolver, mapping)
    # The choices of a correction: each gmina with its kind and TERYT, so that the town and
    # the rural gmina of one name (Wysokie Mazowieckie) read differently.
    facts = {"file_name": name[:300], "file_hash": hashlib.sha256(data).hexdigest(),
             "encoding": table.encoding, "delimiter": table.delimiter,
             "rows": len(table.rows), "columns": table.columns,
             "partnership_gminas": [{**g, "label": resolver.label(g["teryt"])}
                                    for g in members]}
    with database_errors(), engine.connect() as conn:
        twins = conn.execute(sa.text(
            "SELECT id FROM survey WHERE partnership_id = :pid AND file_hash = :hash"
            " AND NOT deleted ORDER BY id"), {"pid": pid, "hash": facts["file_hash"]}).scalars()
        twins = ", ".join(str(i) for i in twins)
    if twins:  # the same bytes again: most likely a second click, not a second survey
        plan.warnings.append(Text("this very file was imported before, as survey %(ids)s",
                                  ids=twins))
    return plan, facts


def describe(plan: Plan, facts: dict, locale: str = "pl") -> dict:
    """The preview as JSON: format, questions with options and counts, roles, gminas,
    warnings and problems (each naming its row and column), a few responses."""
    fmt = SURVEY_FORMATS[plan.format]
    open_codes = {q.code for q in plan.questions if q.kind == "text"}
    return {
        "format": plan.format, "format_label": fmt.label(locale),
        "file_name": facts["file_name"], "file_hash": facts["file_hash"],
        "encoding": facts["encoding"], "delimiter": facts["delimiter"],
        "responses": facts["rows"], "columns": facts["columns"],
        "roles": plan.roles,
        "questions": [{"code": q.code, "text": q.text, "kind": q.kind, "detected": q.detected,
                       "columns": q.columns, "answered": q.answered,
                       "no_opinion": q.no_opinion,
                       "options": [{**o, "count": q.counts.get(o["code"], 0)}
                                   for o in q.options]} for q in plan.questions],
        "gminas": plan.gminas[:MAX_GMINA_VALUES],
        "gmina_values": len(plan.gminas),
        "partnership_gminas": facts["partnership_gminas"],
        "warnings": plan.warnings, "problems": plan.problems,
        "problem_count": plan.problem_count, "mapping": plan.mapping,
        "sample": [{"response_id": r[0], "gmina": r[1], "sex": r[2], "age": r[3],
                    "age_group": r[4], "answers": _masked(r[7], open_codes)}
                   for r in plan.records[:SAMPLE]],
        "importable": plan.problem_count == 0,
    }


def _masked(answers: dict, open_codes: set) -> dict:
    """Open answers as they may be shown: e-mails, phones and PESEL-like numbers masked."""
    return {k: mask_personal_data(v) if k in open_codes else v for k, v in answers.items()}


def preview_survey(engine, source: str | Path, pid: str, *, actor: Principal = SYSTEM,
                   locale: str = "pl", **options) -> dict:
    plan, facts = prepare(engine, source, pid, actor=actor, **options)
    return describe(plan, facts, locale)
