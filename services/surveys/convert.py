"""Cells to stored values: answers by question kind, sex, age, economic age group, time,
location. Each converter returns the value, ``ABSENT`` (no answer) or raises ``Outside``
with the reason, which the plan turns into a problem naming the row and column."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from core.errors import Text
from services.surveys.detect import NO_OPINION, as_number, fold, split_choices
from services.surveys.layout import FALSE_FLAGS, TRUE_FLAGS

ABSENT = object()
WARSAW = ZoneInfo("Europe/Warsaw")
AGE_GROUPS = ("pre_working", "working", "post_working")


class Outside(ValueError):
    """A cell that fits no value of its question (the message says why; ``column`` names
    the cell's column when a question spans several)."""

    def __init__(self, message: Text, column: str | None = None):
        super().__init__(message)
        self.text = message
        self.column = column


class Options:
    """An option list, matched by code, by label, then case/diacritics-insensitively."""

    def __init__(self, options: list[dict]):
        self.options = options
        self.exact = {}
        self.folded = {}
        for o in options:
            for key in (o["label"], o["code"]):
                self.exact.setdefault(str(key).strip(), o)
                self.folded.setdefault(fold(key), o)
        self.labels = [o["label"] for o in options]

    def find(self, value: str) -> dict | None:
        return self.exact.get(value) or self.folded.get(fold(value))

    def listed(self) -> str:
        shown = ", ".join(repr(o["label"]) for o in self.options[:8])
        return shown + (", ..." if len(self.options) > 8 else "")


def converter(kind: str, options: list[dict], columns: list[int], *,
              names: list[str] | None = None, separator: str | None = None,
              flags: dict[str, int] | None = None):
    """A function of a row (its list of cells) -> the question's value, ``ABSENT`` or
    ``Outside``. ``columns``: the question's cell indexes (the first holds the answer);
    ``flags``: option code -> index of its tick column; ``names``: the columns' names.

    A question's cells repeat few values many times: each distinct cell is converted once
    (memo), except open text, which is stored as written."""
    known = Options(options)
    j = columns[0]

    if kind == "multiple" and flags:
        named = dict(zip(columns, names or [], strict=False))
        ticks = list(flags.items())

        def multiple_flags(row: list) -> object:
            chosen = []
            for code, k in ticks:
                mark = row[k]
                if not mark:
                    continue
                mark = mark.strip().lower()
                if mark in TRUE_FLAGS:
                    chosen.append(code)
                elif mark and mark not in FALSE_FLAGS:
                    raise Outside(Text("%(value)r is neither ticked (Y) nor empty",
                                       value=row[k].strip()), named.get(k))
            return chosen or ABSENT
        return multiple_flags

    if kind == "text":
        def text(row: list) -> object:
            value = row[j].strip()
            return value if value else ABSENT  # stored as written; shown escaped and masked
        return text

    def single(value: str) -> object:
        found = known.find(value)
        if found is None:
            raise Outside(Text("%(value)r is not one of the options (%(options)s)",
                               value=value, options=known.listed()))
        return found["code"]

    sep = separator or ", "

    def multiple(value: str) -> object:
        chosen = []
        for part in split_choices(value, sep, known.labels):
            found = known.find(part)
            if found is None:
                raise Outside(Text("%(value)r is not one of the options (%(options)s)",
                                   value=part, options=known.listed()))
            if found["code"] not in chosen:
                chosen.append(found["code"])
        return chosen or ABSENT

    def likert(value: str) -> object:
        found = known.find(value)
        if found is None:
            number = as_number(value)
            found = next((o for o in options if o["score"] == number), None) \
                if number is not None else None
        if found is not None and found["score"] is not None:
            return int(found["score"])
        if fold(value) in NO_OPINION or found is not None:
            return ABSENT  # "no opinion" is not a point of the scale
        raise Outside(Text("%(value)r is not a point of the scale (%(options)s)",
                           value=value, options=known.listed()))

    def number(value: str) -> object:
        parsed = as_number(value)
        if parsed is None:
            raise Outside(Text("%(value)r is not a number", value=value[:40]))
        return parsed

    convert_one = {"single": single, "multiple": multiple, "likert": likert,
                   "number": number}[kind]
    memo: dict[str, object] = {"": ABSENT}

    def memoised(row: list) -> object:
        raw = row[j]
        try:
            found = memo[raw]
        except KeyError:
            value = raw.strip()
            try:
                found = convert_one(value) if value else ABSENT
            except Outside as exc:
                found = exc
            if len(memo) < 5000:
                memo[raw] = found
        if isinstance(found, Outside):
            raise found
        # A list is the caller's to keep: each response gets its own.
        return list(found) if isinstance(found, list) else found
    return memoised


FEMALE = frozenset({"k", "kobieta", "f", "female", "woman", "zenska", "kobiety"})
MALE = frozenset({"m", "mezczyzna", "male", "man", "meska", "mezczyzni"})


def sex(value: str) -> str | None:
    folded = fold(value)
    return "f" if folded in FEMALE else "m" if folded in MALE else None


def age(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    number = as_number(value)
    if not isinstance(number, int) or not 0 <= number <= 120:
        raise Outside(Text("%(value)r is not an age in years (0-120)", value=value[:20]))
    return number


def economic_group(years: int, sex_code: str | None) -> str | None:
    """GUS's economic age groups: pre-working 0-17, working 18-64 (men) / 18-59 (women),
    post-working above; 60-64 needs the sex."""
    if years < 18:
        return "pre_working"
    if years >= 65:
        return "post_working"
    if years < 60:
        return "working"
    return {"f": "post_working", "m": "working"}.get(sex_code)


GROUP_WORDS = {"przedprodukcyjny": "pre_working", "przedprodukcyjnym": "pre_working",
               "pre working": "pre_working", "produkcyjny": "working",
               "produkcyjnym": "working", "working": "working",
               "poprodukcyjny": "post_working", "poprodukcyjnym": "post_working",
               "post working": "post_working"}


def age_group(value: str, sex_code: str | None) -> str | None:
    """An economic age group from a word ("produkcyjny") or a range ("18-24", "65+",
    "poniżej 18"); None when the range spans two groups."""
    folded = fold(value).replace("wiek ", "")
    if not folded:
        return None
    if folded in GROUP_WORDS:
        return GROUP_WORDS[folded]
    low = high = None
    if m := re.fullmatch(r"(\d+)\s*(?:-|–|do)\s*(\d+)(?: lat)?", folded):
        low, high = int(m[1]), int(m[2])
    elif m := re.fullmatch(r"(\d+)\s*(?:\+|lat i wiecej|i wiecej|lub wiecej|and over)", folded):
        low, high = int(m[1]), 120
    elif m := re.fullmatch(r"(?:powyzej|ponad|over)\s*(\d+)(?: lat)?", folded):
        low, high = int(m[1]) + 1, 120
    elif m := re.fullmatch(r"(?:ponizej|mniej niz|under)\s*(\d+)(?: lat)?", folded):
        low, high = 0, int(m[1]) - 1
    elif m := re.fullmatch(r"do\s*(\d+)(?: lat)?", folded):
        low, high = 0, int(m[1])
    if low is None or high < low:
        raise Outside(Text("%(value)r is no economic age group nor an age range",
                           value=value[:30]))
    first, last = economic_group(low, sex_code), economic_group(high, sex_code)
    return first if first == last else None


TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f",
                "%Y/%m/%d %I:%M:%S %p", "%Y/%m/%d %H:%M:%S", "%d.%m.%Y %H:%M:%S",
                "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M:%S", "%Y-%m-%d")


def submitted(value: str, utc: bool = False) -> dt.datetime | None:
    """A submission time; naive times are Warsaw's (LimeSurvey's server, Google's form),
    KoboToolbox's _submission_time is UTC. A zone name after the time (CET, GMT+1) is read."""
    text = value.strip()
    if not text:
        return None
    if text[:4].isdigit() and text[4:5] == "-":  # ISO 8601: LimeSurvey, KoboToolbox
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(
                tzinfo=dt.UTC if utc else WARSAW)
    zone = None
    if m := re.search(r"\s(GMT|UTC)([+-]\d{1,2})(?::?(\d{2}))?$", text):
        hours = int(m[2])
        zone = dt.timezone(dt.timedelta(hours=hours, minutes=int(m[3] or 0) * (1 if hours >= 0
                                                                               else -1)))
        text = text[:m.start()]
    elif m := re.search(r"\s(CET|CEST|UTC|GMT)$", text):
        zone = {"CET": dt.timezone(dt.timedelta(hours=1)),
                "CEST": dt.timezone(dt.timedelta(hours=2))}.get(m[1], dt.UTC)
        text = text[:m.start()]
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        parsed = None
        for fmt in TIME_FORMATS:
            try:
                parsed = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise Outside(Text("%(value)r is not a date and time", value=value[:40]))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone or (dt.UTC if utc else WARSAW))
    return parsed


def coordinates(lat: str, lon: str) -> tuple[float, float] | None:
    lat, lon = lat.strip(), lon.strip()
    if not lat and not lon:
        return None
    y, x = as_number(lat), as_number(lon)
    if y is None or x is None or not (-90 <= y <= 90 and -180 <= x <= 180):
        raise Outside(Text("(%(lat)s, %(lon)s) is not a latitude and longitude",
                           lat=lat[:20], lon=lon[:20]))
    return float(y), float(x)


def geolocation(cell: str) -> tuple[float, float] | None:
    text = cell.strip().strip("[]()")
    if not text or text.lower() in ("none, none", "null, null", "nan, nan"):
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        raise Outside(Text("%(value)r is not [latitude, longitude]", value=cell[:40]))
    return coordinates(parts[0], parts[1])
