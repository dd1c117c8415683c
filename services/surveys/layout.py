"""What the columns of an export are: questions (possibly spread over several columns),
response id, submission time, location, and the tool's own metadata."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Candidate:
    """One question as the file lays it out.

    ``flags``: one column per option, ticked with ``ticked`` values (LimeSurvey's
    ``Q2[SQ001]``, KoboToolbox's ``q/option``); ``separator``: choices joined in one cell
    (Google Forms ", ", KoboToolbox " "); ``options``: the options the layout knows.
    """

    code: str
    text: str
    columns: list[str]
    kind: str | None = None
    options: list[dict] | None = None
    separator: str | None = None
    flags: dict[str, str] | None = None  # option code -> its column
    scale_hint: bool = False


@dataclass
class Layout:
    questions: list[Candidate]
    id_column: str | None = None
    submitted_column: str | None = None
    submitted_utc: bool = False
    latitude: str | None = None
    longitude: str | None = None
    geolocation: str | None = None  # one cell "[lat, lon]" (KoboToolbox)
    metadata: list[str] = field(default_factory=list)

    def question_columns(self) -> set[str]:
        return {c for q in self.questions for c in q.columns}


TRUE_FLAGS = frozenset({"y", "yes", "tak", "1", "true", "prawda"})
FALSE_FLAGS = frozenset({"n", "no", "nie", "0", "false", "falsz", "n/a", "not selected",
                         "nie wybrano"})


def option(code: str, label: str | None = None, score=None) -> dict:
    return {"code": code, "label": code if label is None else label, "score": score}


def flag_columns(table, columns: list[str]) -> bool:
    """Whether these columns are ticks (one per option): nearly every filled cell a tick or
    no-tick value, some ticked. The odd other value is then an answer outside the options,
    reported with its row, rather than a reason to read the columns differently."""
    index = [table.columns.index(c) for c in columns]
    counts: dict[str, int] = {}
    for row in table.rows:
        for j in index:
            counts[row[j]] = counts.get(row[j], 0) + 1
    marks: dict[str, int] = {}
    for raw, n in counts.items():
        mark = raw.strip().lower()
        if mark:
            marks[mark] = marks.get(mark, 0) + n
    filled = sum(marks.values())
    flags = sum(n for m, n in marks.items() if m in TRUE_FLAGS or m in FALSE_FLAGS)
    ticked = any(m in TRUE_FLAGS for m in marks)
    return ticked and flags >= 0.95 * filled


def unique_codes(codes: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for code in codes:
        n = seen.get(code, 0)
        seen[code] = n + 1
        out.append(code if n == 0 else f"{code}_{n + 1}")
    return out
