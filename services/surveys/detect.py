"""What kind of question a column holds, from its values: single choice, multiple choice,
a Likert scale, a number or open text; and the options in their order.

Likert scales are recognised from the ordered answer scales Polish (and English) surveys use
(``SCALES``, each step in the spellings forms use, five-point scales also without their
middle), when the file holds at least three of their steps; a numeric scale (1-5) where the
layout or the question says it is a scale, since "how many people live in your household" is
a number, or where only its ends are labelled in words ("1 – bardzo źle", "2" … "5 – bardzo
dobrze"; "1 osoba" … "5 osób" is a count). Choices that form a known scale are listed in the
scale's order, not in the order respondents first gave them (``in_scale_order``). A
correction at the preview overrides everything detected here.
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


def _gendered(*words: str) -> tuple[str, ...]:
    """"Bardzo zadowolony" as forms write it for either sex: "zadowolona", "zadowolony(a)",
    "zadowolony/a", "zadowolony(-a)"."""
    out = []
    for word in words:
        stem = word[:-1]
        out += [word, stem + "a", word + "(a)", word + "/a", word + "(-a)", word + "/-a"]
    return tuple(out)


# Ordered scales, from the lowest to the highest score: each step with the spellings forms use
# for it (the first is written where the file lacks the step). A five-step scale is also read
# without its middle step (the four-point scale of the same words). Compared folded (``fold``).
SCALES = (
    (("Zdecydowanie się nie zgadzam", "Zdecydowanie nie zgadzam się",
      "Całkowicie się nie zgadzam", "Całkowicie nie zgadzam się"),
     ("Raczej się nie zgadzam", "Raczej nie zgadzam się", "Nie zgadzam się"),
     ("Ani się zgadzam, ani się nie zgadzam", "Ani się zgadzam, ani nie zgadzam",
      "Ani zgadzam się, ani nie zgadzam się", "Ani tak, ani nie"),
     ("Raczej się zgadzam", "Raczej zgadzam się", "Zgadzam się"),
     ("Zdecydowanie się zgadzam", "Zdecydowanie zgadzam się", "Całkowicie się zgadzam",
      "Całkowicie zgadzam się")),
    (("Zdecydowanie nie",), ("Raczej nie", "Nie"), ("Ani tak, ani nie",),
     ("Raczej tak", "Tak"), ("Zdecydowanie tak",)),
    (("Nie",), ("Raczej nie",), ("Ani tak, ani nie",), ("Raczej tak",), ("Tak",)),
    (("Bardzo źle", "Zdecydowanie źle", "Bardzo słabo"), ("Źle", "Raczej źle", "Słabo"),
     ("Ani dobrze, ani źle", "Ani źle, ani dobrze", "Średnio", "Przeciętnie"),
     ("Dobrze", "Raczej dobrze"), ("Bardzo dobrze", "Zdecydowanie dobrze")),
    (("Bardzo zły", "Zdecydowanie zły", "Bardzo słaby"), ("Zły", "Raczej zły", "Słaby"),
     ("Ani dobry, ani zły", "Średni", "Przeciętny"), ("Dobry", "Raczej dobry"),
     ("Bardzo dobry", "Zdecydowanie dobry")),
    (_gendered("Bardzo niezadowolony", "Zdecydowanie niezadowolony"),
     _gendered("Niezadowolony", "Raczej niezadowolony"),
     _gendered("Ani zadowolony, ani niezadowolony", "Średnio zadowolony"),
     _gendered("Zadowolony", "Raczej zadowolony"),
     _gendered("Bardzo zadowolony", "Zdecydowanie zadowolony")),
    (("Zupełnie nieważne", "Całkowicie nieważne", "Zdecydowanie nieważne",
      "Zupełnie nieistotne", "Zdecydowanie nieistotne"),
     ("Mało ważne", "Raczej nieważne", "Nieważne", "Mało istotne", "Raczej nieistotne",
      "Nieistotne"),
     ("Średnio ważne", "Ani ważne, ani nieważne", "Średnio istotne"),
     ("Ważne", "Raczej ważne", "Istotne", "Raczej istotne"),
     ("Bardzo ważne", "Zdecydowanie ważne", "Bardzo istotne", "Zdecydowanie istotne")),
    (("Bardzo nisko",), ("Nisko",), ("Średnio",), ("Wysoko",), ("Bardzo wysoko",)),
    (("Nigdy",), ("Rzadko", "Bardzo rzadko"), ("Czasami", "Czasem", "Od czasu do czasu"),
     ("Często", "Bardzo często"), ("Zawsze",)),
    (("Nigdy",), ("Rzadko",), ("Czasami", "Czasem", "Od czasu do czasu"), ("Często",),
     ("Bardzo często",)),
    (("Strongly disagree",), ("Disagree",), ("Neither agree nor disagree",), ("Agree",),
     ("Strongly agree",)),
    (("Very dissatisfied",), ("Dissatisfied",), ("Neutral",), ("Satisfied",),
     ("Very satisfied",)),
    (("Very poor",), ("Poor",), ("Fair",), ("Good",), ("Excellent",)),
    (("Never",), ("Rarely", "Seldom"), ("Sometimes", "Occasionally"),
     ("Often", "Frequently", "Very often"), ("Always",)),
    (("Not at all important",), ("Slightly important",), ("Moderately important",),
     ("Very important",), ("Extremely important",)),
)
# Scales whose middle step is no neutral point: never read without it.
LOPSIDED = (
    (("Poor",), ("Fair",), ("Good",), ("Very good",), ("Excellent",)),
    (("Nieważne", "Zupełnie nieważne", "Całkowicie nieważne"), ("Mało ważne",), ("Ważne",),
     ("Bardzo ważne",)),
)


def _without_middle(scale: tuple) -> tuple | None:
    return scale[:2] + scale[3:] if len(scale) == 5 else None


# Every scale a file may use, the four-point forms after all five-point ones (the shortest
# fitting scale wins, and among equals the first).
ALL_SCALES = SCALES + LOPSIDED + tuple(s for s in map(_without_middle, SCALES) if s)
FOLDED_SCALES = tuple(tuple(frozenset(fold(w) for w in step) for step in scale)
                      for scale in ALL_SCALES)
# Values that alone are a yes/no question, not a scale (a scale needs a step between them).
BINARY = frozenset({"tak", "nie", "yes", "no"})
# Distinct steps a column needs to be read as a scale: two ("Raczej tak", "Raczej nie") are a
# choice, and scoring them would invent the scale's ends nobody chose.
MIN_STEPS = 3
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


def _steps(folded_values: set[str], scale: tuple) -> dict[str, int] | None:
    """Folded value -> its step in ``scale`` (folded), if every value is a step and no two
    values are one step (then it is another scale)."""
    steps = {}
    for value in folded_values:
        step = next((i for i, spellings in enumerate(scale) if value in spellings), None)
        if step is None:
            return None
        steps[value] = step
    return steps if len(set(steps.values())) == len(steps) else None


def scale_of(folded_values: set[str], least: int = 2) -> tuple | None:
    """The known scale holding every value (at least ``least`` distinct ones, not just yes
    and no), the shortest; its steps are tuples of spellings. Two values are enough to order
    choices or to score a column the user says is a scale; detection asks for ``MIN_STEPS``."""
    if len(folded_values) < max(least, 2) or folded_values <= BINARY:
        return None
    fitting = [i for i, s in enumerate(FOLDED_SCALES) if _steps(folded_values, s) is not None]
    return ALL_SCALES[min(fitting, key=lambda i: len(ALL_SCALES[i]))] if fitting else None


def likert_options(values: list[str], scale: tuple) -> list[dict]:
    """The whole scale in order, scored 1..k, spelt as the file spells it where it does.
    Steps nobody chose are listed too (with the scale's first spelling): the top-two-box share
    and the map's classes read the scale's ends from the options."""
    spelt = {}
    for value in values:
        spelt.setdefault(fold(value), value.strip())
    out = []
    for i, spellings in enumerate(scale):
        written = next((spelt[fold(w)] for w in spellings if fold(w) in spelt), spellings[0])
        out.append(_option(written, written, i + 1))
    return out


# A choice that starts with a number ("1 osoba", "3-4 razy", "5 i więcej"), folded.
LEADING_NUMBER = re.compile(r"^(\d{1,9})(?!\d)")


def in_scale_order(options: list[dict]) -> list[dict]:
    """Choice options (``code``, ``label``) in the order of the known scale their labels
    form, or by their leading numbers where every one has one (counts: "1 osoba" … "5 osób"),
    "no opinion" answers last; any other list as it is (the order of the file)."""
    folded = [fold(o.get("label") or o["code"]) for o in options]
    on_scale = {f for f in folded if f not in NO_OPINION}
    scale = scale_of(on_scale)
    if scale is None:
        numbered = {f: LEADING_NUMBER.match(f) for f in on_scale}
        if not numbered or not all(numbered.values()):
            return options
        rank = {f: int(numbered[f].group(1)) if f in numbered else float("inf")
                for f in folded}
        return [o for _, o in sorted(zip(folded, options, strict=True),
                                     key=lambda p: rank[p[0]])]
    steps = _steps(on_scale, tuple(frozenset(fold(w) for w in step) for step in scale))
    rank = {f: steps.get(f, len(scale)) for f in folded}
    return [o for _, o in sorted(zip(folded, options, strict=True),
                                 key=lambda p: rank[p[0]])]


# "1 – bardzo źle", "5 (bardzo dobrze)", "3": a numeric scale whose ends say what they mean.
LABELLED_NUMBER = re.compile(r"^(\d{1,2})\s*(?:[-–—:=.)]\s*|\(\s*|\s)([^\W\d_].*?)\)?$")


def labelled_numbers(values: list[str]) -> list[dict] | None:
    """The options of a numeric scale written with words at its ends only (1..k, k of 3, 4,
    5, 7 or 10), each spelt as the file spells it; None if the values are not such.

    Words may sit at the lowest and the highest number only, and at least one number between
    them is bare: counts ("1 osoba", "2 osoby" … "5 osób"; "1 raz", "2 razy w tygodniu") have
    a word at every number and are a choice, not a scale. Words at every number are a scale
    only if they are the steps of a known scale rising with the numbers ("1 – Źle" …)."""
    written: dict[int, str] = {}
    labelled: dict[int, str] = {}  # number -> its words, folded
    for value in values:
        value = value.strip()
        number = as_number(value)
        if number is None:
            match = LABELLED_NUMBER.match(value)
            if not match:
                return None
            number = int(match.group(1))
            labelled[number] = fold(match.group(2))
        if not isinstance(number, int) or written.get(number, value) != value:
            return None
        written[number] = value
    options = numeric_scale(list(written))
    if not labelled or not options:
        return None
    ends = {min(written), max(written)}
    if not (set(labelled) <= ends and set(written) - ends or _named(labelled, len(written))):
        return None
    return [_option(written.get(o["score"], o["code"]), written.get(o["score"], o["code"]),
                    o["score"]) for o in options]


def _named(labelled: dict[int, str], count: int) -> bool:
    """Every one of ``count`` numbers has words, and they are steps of a known scale rising
    with the numbers."""
    words = set(labelled.values())
    scale = scale_of(words, MIN_STEPS) if len(labelled) == count == len(words) else None
    if scale is None:
        return False
    steps = _steps(words, tuple(frozenset(fold(w) for w in step) for step in scale))
    ranks = [steps[labelled[n]] for n in sorted(labelled)]
    return ranks == sorted(ranks)


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
        scale = scale_of(folded - NO_OPINION, MIN_STEPS)
        if scale:
            return Detected("likert", likert_options(distinct, scale), no_opinion)
        words = [v for v in distinct if fold(v) not in NO_OPINION]
        options = labelled_numbers(words)
        if options:
            return Detected("likert", options, no_opinion)
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
        return Detected("single", in_scale_order([_option(v) for v in distinct]))
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
