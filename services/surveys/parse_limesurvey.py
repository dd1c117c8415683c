"""LimeSurvey's "Export responses" CSV.

Headers are question codes (``Q1``), ``Q2[SQ001]`` for the subquestions of multiple choice
(ticked "Y", or "Yes" with full answers; empty otherwise) and of arrays, ``Q2[other]`` for
"other" texts; optionally followed by the question text ("Q1. Text" with the
"question code & question text" heading option). Answers are codes (A1, A2...) or full
answers. The survey's own columns: id, submitdate, lastpage, startlanguage, seed (and,
by the survey's settings, startdate, datestamp, ipaddr, refurl, token, timings).
"""

from __future__ import annotations

import re

from services.surveys.layout import Candidate, Layout, flag_columns, option

META = ("id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp",
        "ipaddr", "refurl", "token", "interviewtime")
TIMING = re.compile(r"^groupTime\d+$")
HEADER = re.compile(r"^(?P<code>[A-Za-z][A-Za-z0-9_]*)(?:\[(?P<sub>[^\]]+)\])?"
                    r"(?:(?:\.|:)\s+(?P<text>.+))?$", re.S)


def detect(columns: list[str]) -> int:
    names = {c.strip().lower() for c in columns}
    return 3 * ("id" in names) + sum(n in names for n in ("submitdate", "lastpage",
                                                           "startlanguage", "seed"))


def layout(table) -> Layout:
    metadata = [c for c in table.columns if c.lower() in META or TIMING.match(c)]
    groups: dict[str, list[tuple[str, str | None, str | None]]] = {}
    order: list[tuple[str, str]] = []  # (code, column) of ungrouped columns, in file order
    for column in table.columns:
        if column in metadata:
            continue
        match = HEADER.match(column)
        if match is None:
            order.append((f"c{table.columns.index(column) + 1}", column))
            continue
        code, sub, text = match["code"], match["sub"], match["text"]
        if sub is None:
            order.append((code, column))
        else:
            if code not in groups:
                order.append((code, None))
            groups.setdefault(code, []).append((sub, column, text))
    questions = []
    for code, column in order:
        if column is not None:
            match = HEADER.match(column)
            text = (match["text"] if match and match["text"] else column)
            questions.append(Candidate(code, text, [column]))
            continue
        members = groups[code]
        choices = [(s, c, t) for s, c, t in members
                   if s.lower() not in ("other", "comment") and not s.endswith("comment")]
        others = [(s, c, t) for s, c, t in members if (s, c, t) not in choices]
        if choices and flag_columns(table, [c for _, c, _ in choices]):
            text = _question_text(choices[0][2]) or code
            questions.append(Candidate(
                code, text, [c for _, c, _ in choices], kind="multiple",
                options=[option(s, _sub_label(t) or s) for s, _, t in choices],
                flags={s: c for s, c, _ in choices}))
        else:  # an array: each row (subquestion) is a question of its own, often a scale
            for sub, column, text in choices:
                questions.append(Candidate(f"{code}[{sub}]", text or column, [column],
                                           scale_hint=True))
        for sub, column, text in others:
            questions.append(Candidate(f"{code}[{sub}]", text or column, [column],
                                       kind="text"))
    lower = {c.lower(): c for c in table.columns}
    return Layout(questions, id_column=lower.get("id"), submitted_column=lower.get("submitdate"),
                  metadata=metadata)


def _question_text(text: str | None) -> str | None:
    """'What to improve? [Roads]' -> 'What to improve?'."""
    if not text:
        return None
    return re.sub(r"\s*\[[^\]]*\]\s*$", "", text).strip() or None


def _sub_label(text: str | None) -> str | None:
    if not text:
        return None
    found = re.search(r"\[([^\]]*)\]\s*$", text)
    return found.group(1).strip() if found else None
