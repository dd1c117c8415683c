"""From a read file to what would be stored: roles of columns, questions with kinds and
options, the gmina of every response, and every problem (naming its row and column).

The user's corrections (``mapping``) are applied here, the same way for the preview and the
import: {"columns": {role: column or null}, "questions": {code: {"kind", "options",
"skip"}}, "gminas": {value as written: TERYT}}.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import BadRequest, InvalidInput, Text
from services.surveys import convert
from services.surveys.detect import (
    KINDS,
    detect_kind,
    fold,
    in_scale_order,
    labelled_numbers,
    likert_options,
    numeric_scale,
    scale_of,
    split_choices,
)
from services.surveys.gminas import GminaResolver
from services.surveys.layout import Candidate, Layout, option

ROLES = ("gmina", "sex", "age", "age_group")
ROLE_WORDS = {
    "gmina": ("gmina", "gminie", "gminy", "gmine", "teryt", "municipality", "commune"),
    "sex": ("plec", "sex", "gender"),
    "age_group": ("grupa wieku", "grupa wiekowa", "przedzial wieku", "age group",
                  "kategoria wiekowa", "wiek (przedzial"),
    "age": ("wiek", "ile masz lat", "ile pan", "age", "lat ma pan"),
}
MAX_PROBLEMS = 50
MAX_SHOWN_VALUES = 100


@dataclass
class Question:
    code: str
    text: str
    kind: str
    options: list[dict]
    columns: list[str]
    detected: str
    separator: str | None = None
    flags: dict | None = None
    answered: int = 0
    no_opinion: int = 0
    counts: dict = field(default_factory=dict)


@dataclass
class Plan:
    format: str
    questions: list[Question]
    roles: dict
    records: list[tuple]
    gminas: list[dict]
    warnings: list[str]
    problems: list[str]
    problem_count: int
    mapping: dict


def check_mapping(mapping) -> dict:
    """The corrections' shape; a 400 names the wrong part."""
    if mapping is None:
        return {}
    if not isinstance(mapping, dict):
        raise BadRequest("mapping must be a JSON object")
    unknown = sorted(set(mapping) - {"columns", "questions", "gminas"})
    if unknown:
        raise BadRequest("mapping: unknown part %(value)r; parts: columns, questions, gminas",
                         value=unknown[0], field="mapping")
    columns = mapping.get("columns", {})
    if not isinstance(columns, dict) or any(k not in ROLES or not (v is None or isinstance(
            v, str)) for k, v in columns.items()):
        raise BadRequest("mapping.columns must be {role: column or null}, roles: %(roles)s",
                         roles=", ".join(ROLES), field="mapping")
    questions = mapping.get("questions", {})
    if not isinstance(questions, dict):
        raise BadRequest("mapping.questions must be {code: {kind, options, skip}}")
    for code, fix in questions.items():
        if not isinstance(fix, dict) or set(fix) - {"kind", "options", "skip"}:
            raise BadRequest("mapping.questions.%(code)s: write {kind, options, skip}",
                             code=code, field="mapping")
        if "kind" in fix and fix["kind"] not in KINDS:
            raise BadRequest("mapping.questions.%(code)s.kind must be one of %(choices)s, not"
                             " %(value)r", code=code, choices=", ".join(KINDS),
                             value=fix["kind"], field="mapping")
        options = fix.get("options")
        if options is not None and (not isinstance(options, list) or not options or not all(
                isinstance(o, str) and o.strip() for o in options) or len(options) > 100):
            raise BadRequest("mapping.questions.%(code)s.options must be a list of 1-100"
                             " option labels in order", code=code, field="mapping")
        if "skip" in fix and not isinstance(fix["skip"], bool):
            raise BadRequest("mapping.questions.%(code)s.skip must be true or false",
                             code=code, field="mapping")
    gminas = mapping.get("gminas", {})
    if not isinstance(gminas, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in gminas.items()):
        raise BadRequest("mapping.gminas must be {value as written: TERYT}")
    return {"columns": dict(columns), "questions": {k: dict(v) for k, v in questions.items()},
            "gminas": dict(gminas)}


def _role_columns(table, layout: Layout, wanted: dict, resolver: GminaResolver) -> dict:
    """Which column holds each role: as the user said, else found by its header (and, for
    the gmina, by its values resolving to the partnership's gminas)."""
    single = [q.columns[0] for q in layout.questions if len(q.columns) == 1 and q.kind is None]
    roles: dict[str, str | None] = {}
    for role in ROLES:
        if role in wanted:
            column = wanted[role]
            if column is not None and column not in table.columns:
                raise InvalidInput("mapping.columns.%(role)s: the file has no column %(column)r",
                                   role=role, column=column, field="mapping")
            roles[role] = column
    taken = {c for c in roles.values() if c}
    for role in ("gmina", "age_group", "sex", "age"):
        if role in roles:
            continue
        named = [c for c in single if c not in taken and _named(c, role)]
        if role == "gmina":
            # A question about the gmina's services names it too: its values must be gminas.
            found = _column_of_gminas(table, named, taken, resolver, 0.5) or \
                _column_of_gminas(table, single, taken, resolver, 0.8)
        else:
            found = named[0] if named else None
        roles[role] = found
        if found:
            taken.add(found)
    return roles


def _named(column: str, role: str) -> bool:
    header = fold(column.rpartition("/")[2] if "/" in column else column)
    words = header.split()
    if role == "age" and any(w in header for w in ROLE_WORDS["age_group"]):
        return False
    return any((w in header) if " " in w else (w in words) for w in ROLE_WORDS[role])


def _column_of_gminas(table, columns, taken, resolver, least: float) -> str | None:
    best, share = None, 0.0
    for column in columns:
        if column in taken:
            continue
        j = table.columns.index(column)
        values = {row[j].strip() for row in table.rows[:500]} - {""}
        if not values or len(values) > 200:
            continue
        resolved = sum(resolver.resolve(v)["teryt"] is not None for v in values) / len(values)
        if resolved > share:
            best, share = column, resolved
    return best if share >= least else None


def _values(table, columns: list[str]) -> list[str]:
    j = table.columns.index(columns[0])
    return [row[j] for row in table.rows]


def _question(table, candidate: Candidate, fix: dict) -> Question:
    """Kind and options: the layout's, or detected, unless corrected."""
    if candidate.kind == "multiple" and candidate.options is not None:
        detected = "multiple"
        kind, options = "multiple", candidate.options
    elif candidate.kind == "text":
        detected, kind, options = "text", "text", []
    else:
        found = detect_kind(candidate.text, _values(table, candidate.columns),
                            multi_separator=candidate.separator,
                            scale_hint=candidate.scale_hint)
        detected, kind, options = found.kind, found.kind, found.options
    wanted = fix.get("kind", kind)
    given = fix.get("options")
    if given is not None:
        options = [option(label.strip(), label.strip(), i + 1 if wanted == "likert" else None)
                   for i, label in enumerate(given)]
    elif wanted != kind:
        values = [v for v in _values(table, candidate.columns) if v.strip()]
        if wanted == "likert":
            numbers = [convert.as_number(v) for v in set(values)]
            scale = scale_of({fold(v) for v in values} - convert.NO_OPINION)
            options = (likert_options(values, scale) if scale
                       else numeric_scale(numbers) if all(n is not None for n in numbers)
                       else labelled_numbers([v for v in set(values)
                                              if fold(v) not in convert.NO_OPINION])) or []
        elif wanted == "multiple" and candidate.options is None:
            parts = [p for v in values for p in split_choices(v, candidate.separator or ", ")]
            options = [option(p) for p in dict.fromkeys(parts)]
        elif wanted == "single":
            options = in_scale_order([option(v.strip()) for v in dict.fromkeys(values)])
        elif wanted in ("number", "text"):
            options = []
    if wanted in ("number", "text"):
        options = []
    if wanted == "likert":
        options = [o if o["score"] is not None else {**o, "score": i + 1}
                   for i, o in enumerate(options)]
    flags = None
    if wanted == "multiple" and candidate.kind == "multiple" and candidate.separator is None:
        flags = {o["code"]: c for o, c in zip(candidate.options, candidate.columns, strict=True)}
    return Question(candidate.code, candidate.text[:2000], wanted, options,
                    candidate.columns if flags else candidate.columns[:1], detected,
                    separator=candidate.separator, flags=flags)


def _memo(function):
    """``function`` of one cell, computed once per distinct cell (errors included)."""
    memo: dict = {}

    def once(cell: str):
        try:
            found = memo[cell]
        except KeyError:
            try:
                found = function(cell)
            except convert.Outside as exc:
                found = exc
            memo[cell] = found
        if isinstance(found, convert.Outside):
            raise found
        return found
    return once


def build_plan(table, fmt, resolver: GminaResolver, mapping: dict) -> Plan:
    layout: Layout = fmt.layout(table)
    roles = _role_columns(table, layout, mapping.get("columns", {}), resolver)
    role_columns = {c for c in roles.values() if c}
    fixes = mapping.get("questions", {})
    known_codes = {q.code for q in layout.questions}
    unknown = sorted(set(fixes) - known_codes)
    if unknown:
        raise InvalidInput("mapping.questions: the file has no question %(code)r",
                           code=unknown[0], field="mapping")
    questions = [_question(table, q, fixes.get(q.code, {})) for q in layout.questions
                 if not (len(q.columns) == 1 and q.columns[0] in role_columns)
                 and not fixes.get(q.code, {}).get("skip")]
    warnings = list(table.warnings)
    problems: list[str] = []
    count = 0

    def problem(text: Text) -> None:
        nonlocal count
        count += 1
        if len(problems) < MAX_PROBLEMS:
            problems.append(text)

    for q in questions:
        if q.kind == "likert" and not q.options:
            problem(Text("column %(column)r: question %(code)s cannot be a scale without its"
                         " points; list them in order (options)", column=q.columns[0],
                         code=q.code))
    if roles["gmina"] is None:
        problem(Text("no column names the gmina of each response: choose it (columns.gmina)"))
    index = {c: j for j, c in enumerate(table.columns)}
    convs = [(q, convert.converter(
        q.kind, q.options, [index[c] for c in q.columns], names=q.columns,
        separator=q.separator,
        flags={code: index[c] for code, c in q.flags.items()} if q.flags else None),
        q.columns[0], index[q.columns[0]]) for q in questions]
    for q in questions:
        q.counts = {o["code"]: 0 for o in q.options}
    gj = index.get(roles["gmina"]) if roles["gmina"] else None
    sj = index.get(roles["sex"]) if roles["sex"] else None
    aj = index.get(roles["age"]) if roles["age"] else None
    gpj = index.get(roles["age_group"]) if roles["age_group"] else None
    idj = index.get(layout.id_column) if layout.id_column else None
    tj = index.get(layout.submitted_column) if layout.submitted_column else None
    latj = index.get(layout.latitude) if layout.latitude else None
    lonj = index.get(layout.longitude) if layout.longitude else None
    geoj = index.get(layout.geolocation) if layout.geolocation else None
    sex_of, age_of = _memo(convert.sex), _memo(convert.age)
    code_of_score = {id(q): {o["score"]: o["code"] for o in q.options} for q in questions
                     if q.kind == "likert"}
    seen_ids: dict[str, int] = {}
    gmina_counts: dict[str, int] = {}
    bad_times = unknown_sex = open_groups = 0
    records = []
    for i, row in enumerate(table.rows):
        rid = row[idj].strip() if idj is not None else str(i + 1)
        if not rid:
            problem(Text("%(where)s: the response has no id", where=table.where(i, layout.id_column)))
        elif rid in seen_ids:
            problem(Text("%(where)s: response id %(value)r repeats %(first)s",
                         where=table.where(i, layout.id_column), value=rid,
                         first=table.where(seen_ids[rid])))
        else:
            seen_ids[rid] = i
        teryt = None
        if gj is not None:
            value = row[gj].strip()
            gmina_counts[value] = gmina_counts.get(value, 0) + 1
            found = resolver.resolve(value)
            teryt = found["teryt"]
            if teryt is None:
                problem(Text("%(where)s: %(value)r: %(problem)s",
                             where=table.where(i, roles["gmina"]), value=value[:60],
                             problem=found["problem"]))
        sex_code = None
        if sj is not None:
            sex_code = sex_of(row[sj])
            unknown_sex += bool(row[sj].strip()) and sex_code is None
        years = group = None
        if aj is not None:
            try:
                years = age_of(row[aj])
            except convert.Outside as exc:
                problem(Text("%(where)s: %(problem)s", where=table.where(i, roles["age"]),
                             problem=exc.text))
        if gpj is not None:
            try:
                group = convert.age_group(row[gpj], sex_code)
            except convert.Outside as exc:
                problem(Text("%(where)s: %(problem)s", where=table.where(i, roles["age_group"]),
                             problem=exc.text))
            open_groups += bool(row[gpj].strip()) and group is None
        if group is None and years is not None:
            group = convert.economic_group(years, sex_code)
        when = None
        if tj is not None:
            try:
                when = convert.submitted(row[tj], layout.submitted_utc)
            except convert.Outside:
                bad_times += 1
        point = None
        try:
            if latj is not None and lonj is not None:
                point = convert.coordinates(row[latj], row[lonj])
            elif geoj is not None:
                point = convert.geolocation(row[geoj])
        except convert.Outside as exc:
            problem(Text("%(where)s: %(problem)s",
                         where=table.where(i, layout.latitude or layout.geolocation),
                         problem=exc.text))
        answers = {}
        for q, conv, first, j in convs:
            try:
                value = conv(row)
            except convert.Outside as exc:
                problem(Text("%(where)s: question %(code)s: %(problem)s",
                             where=table.where(i, exc.column or first), code=q.code,
                             problem=exc.text))
                continue
            if value is convert.ABSENT:
                if q.kind == "likert" and row[j].strip():
                    q.no_opinion += 1
                continue
            answers[q.code] = value
            q.answered += 1
            if q.kind == "single":
                q.counts[value] = q.counts.get(value, 0) + 1
            elif q.kind == "multiple":
                for code in value:
                    q.counts[code] = q.counts.get(code, 0) + 1
            elif q.kind == "likert":
                q.counts[code_of_score[id(q)][value]] += 1
        records.append((rid, teryt, sex_code, years, group, when, point, answers))
    if bad_times:
        warnings.append(Text("%(count)s submission times are not dates; stored as unknown",
                             count=bad_times))
    if unknown_sex:
        warnings.append(Text("%(count)s answers about sex are neither a woman nor a man;"
                             " stored as unknown", count=unknown_sex))
    if open_groups:
        warnings.append(Text("%(count)s age groups span two economic age groups; stored as"
                             " unknown", count=open_groups))
    no_opinion = sum(q.no_opinion for q in questions)
    if no_opinion:
        warnings.append(Text("%(count)s 'no opinion' answers to scales are stored as no answer",
                             count=no_opinion))
    gminas = []
    for value, n in sorted(gmina_counts.items(), key=lambda kv: -kv[1]):
        found = resolver.resolve(value)
        gminas.append({"value": value, "count": n, "teryt": found["teryt"],
                       "label": resolver.label(found["teryt"]) if found["teryt"] else None,
                       "how": found["how"], "problem": found["problem"],
                       "candidates": found["candidates"]})
    return Plan(fmt.code, questions, {**roles, "response_id": layout.id_column,
                                      "submitted": layout.submitted_column,
                                      "location": [c for c in (layout.latitude,
                                                               layout.longitude,
                                                               layout.geolocation) if c]},
                records, gminas, warnings, problems, count, mapping)
