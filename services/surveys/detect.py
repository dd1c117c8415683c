"""What kind of question a column holds, from its values: single choice, multiple choice,
a Likert scale, a number or open text; and the options in their order.

Likert scales are recognised from the ordered answer scales Polish (and English) surveys use;
a numeric scale (1-5) only where the layout or the question says it is a scale, since
"how many people live in your household" is a number. A correction at the preview overrides
everything detected here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KINDS = ("single", "multiple", "likert", "number", "text")
MAX_OPTIONS = 40
MAX_OPTION_LENGTH = 120

_FOLD = str.maketrans({"ł": "l", "Ł": "l", "_": " "})


def fold(text: str) -> str:
    """Lower case, without diacritics, underscores or repeated spaces: for comparing names."""
    text = unicodedata.normalize("NFKD", str(text).translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", re.sub(r"[.,;:!?\"'()]+", " ", text)).strip()


# Ordered scales, from the lowest to the highest score; compared folded (``fold``).
SCALES = (
    ("Zdecydowanie się nie zgadzam", "Raczej się nie zgadzam",
     "Ani się zgadzam, ani się nie zgadzam", "Raczej się zgadzam", "Zdecydowanie się zgadzam"),
    ("Zdecydowanie się nie zgadzam", "Raczej się nie zgadzam", "Ani tak, ani nie",
     "Raczej się zgadzam", "Zdecydowanie się zgadzam"),
    ("Zdecydowanie nie", "Raczej nie", "Ani tak, ani nie", "Raczej tak", "Zdecydowanie tak"),
    ("Zdecydowanie nie", "Raczej nie", "Raczej tak", "Zdecydowanie tak"),
    ("Bardzo źle", "Źle", "Przeciętnie", "Dobrze", "Bardzo dobrze"),
    ("Bardzo źle", "Raczej źle", "Ani dobrze, ani źle", "Raczej dobrze", "Bardzo dobrze"),
    ("Bardzo niezadowolony", "Raczej niezadowolony", "Ani zadowolony, ani niezadowolony",
     "Raczej zadowolony", "Bardzo zadowolony"),
    ("Bardzo nisko", "Nisko", "Średnio", "Wysoko", "Bardzo wysoko"),
    ("Nigdy", "Rzadko", "Czasami", "Często", "Bardzo często"),
    ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
    ("Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"),
    ("Very poor", "Poor", "Fair", "Good", "Very good", "Excellent"),
)
FOLDED_SCALES = tuple(tuple(fold(step) for step in scale) for scale in SCALES)
# Answers outside a scale that say "no opinion": stored as no answer, counted in the preview.
NO_OPINION = frozenset({"trudno powiedziec", "nie wiem", "nie mam zdania", "brak zdania",
                        "nie dotyczy", "don t know", "dont know", "no opinion",
                        "not applicable", "n a"})
# Words in a question that say its numbers are a rating scale.
SCALE_HINTS = re.compile(r"skal|ocen|oceń|1\s*[-–do]+\s*(5|7|10)|rate|rating|scale")
NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def as_number(text: str) -> float | int | None:
    """A number written with a decimal point or comma (no thousands separators), or None."""
    text = text.strip().replace("\u00a0", "")
    if not NUMBER.match(text):
        return None
    value = float(text.replace(",", "."))
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


@dataclass
class Detected:
    kind: str
    options: list[dict]  # {"code", "label", "score"}
    no_opinion: frozenset = frozenset()


def _option(code: str, label: str | None = None, score=None) -> dict:
    return {"code": code, "label": label if label is not None else code, "score": score}


def scale_of(folded_values: set[str]) -> tuple | None:
    """The known scale holding every value (at least two distinct ones), the shortest."""
    if len(folded_values) < 2:
        return None
    fitting = [i for i, s in enumerate(FOLDED_SCALES) if folded_values <= set(s)]
    return SCALES[min(fitting, key=lambda i: len(SCALES[i]))] if fitting else None


def likert_options(values: list[str], scale: tuple) -> list[dict]:
    """The whole scale in order, scored 1..k, spelt as the file spells it where it does."""
    spelt = {}
    for value in values:
        spelt.setdefault(fold(value), value.strip())
    return [_option(spelt.get(fold(step), step), spelt.get(fold(step), step), i + 1)
            for i, step in enumerate(scale)]


def numeric_scale(numbers: list) -> list[dict] | None:
    if not numbers or not all(isinstance(n, int) for n in numbers):
        return None
    low, high = min(numbers), max(numbers)
    if low < 1 or high > 10 or len(set(numbers)) < 2:
        return None
    k = next(k for k in (3, 4, 5, 7, 10) if k >= high)
    return [_option(str(i), str(i), i) for i in range(1, k + 1)]


def split_choices(value: str, separator: str, known=None) -> list[str]:
    """Choices joined by ``separator``; known options that hold the separator themselves
    ("Tak, często") stay whole (the longest known run of parts wins)."""
    cut = separator if separator.strip() else None  # ", " as written; spaces: any run
    parts = [p.strip() for p in value.strip().split(cut)]
    parts = [p for p in parts if p]
    if not known or len(parts) < 2:
        return parts
    known = set(known)
    out, i = [], 0
    while i < len(parts):
        for j in range(len(parts), i + 1, -1):
            joined = separator.join(parts[i:j])
            if joined in known:
                out.append(joined)
                i = j
                break
        else:
            out.append(parts[i])
            i += 1
    return out


def detect_kind(text: str, values: list[str], *, multi_separator: str | None = None,
                scale_hint: bool = False) -> Detected:
    """The kind and options of a question from its non-empty values (as written).

    ``multi_separator``: how the format joins multiple choices in one cell (Google Forms
    ", "); ``scale_hint``: the layout knows the question is a rating array (LimeSurvey's
    arrays), so small integers are a scale.
    """
    tally: dict[str, int] = {}
    for v in values:  # exports repeat few values many times: count the raw cells first
        if v:
            tally[v] = tally.get(v, 0) + 1
    stripped: dict[str, int] = {}
    for v, n in tally.items():
        v = v.strip()
        if v:
            stripped[v] = stripped.get(v, 0) + n
    if not stripped:
        return Detected("text", [])
    distinct = list(stripped)
    answered = sum(stripped.values())
    numbers = []
    for v in distinct:  # stops at the first text
        n = as_number(v)
        if n is None:
            break
        numbers.append(n)
    if len(numbers) == len(distinct):
        if scale_hint or SCALE_HINTS.search(text.lower()):
            options = numeric_scale(numbers)
            if options:
                return Detected("likert", options)
        return Detected("number", [])
    if len(distinct) <= 2 * max(map(len, SCALES)):  # open text has many distinct values
        folded = {fold(v) for v in distinct}
        no_opinion = frozenset(folded & NO_OPINION)
        scale = scale_of(folded - NO_OPINION)
        if scale:
            return Detected("likert", likert_options(distinct, scale), no_opinion)
    if multi_separator:
        parts = [p for v in distinct for p in split_choices(v, multi_separator)]
        joined = any(len(split_choices(v, multi_separator)) > 1 for v in distinct)
        distinct_parts = list(dict.fromkeys(parts))
        if joined and len(distinct_parts) <= MAX_OPTIONS and \
                len(distinct_parts) < len(distinct) + 1 and _repeats(stripped, multi_separator):
            return Detected("multiple", [_option(p) for p in distinct_parts])
    short = max(map(len, distinct)) <= MAX_OPTION_LENGTH  # options are short; answers not
    if short and len(distinct) <= MAX_OPTIONS and (len(distinct) <= 12
                                                   or len(distinct) * 4 <= answered):
        return Detected("single", [_option(v) for v in distinct])
    return Detected("text", [])


def _repeats(tally: dict[str, int], separator: str) -> bool:
    """Choices recur: most mentions are of options mentioned at least twice (open text whose
    sentences hold commas does not). ``tally``: each distinct answer and its count."""
    counts: dict[str, int] = {}
    for v, n in tally.items():
        for p in split_choices(v, separator):
            counts[p] = counts.get(p, 0) + n
    mentions = sum(counts.values())
    return mentions > 0 and sum(c for c in counts.values() if c >= 2) >= 0.8 * mentions
