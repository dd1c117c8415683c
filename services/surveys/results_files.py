"""Survey results as files people open in a spreadsheet (CSV for Polish Excel, XLSX) and as
GeoJSON for the choropleth of the gminas.

The CSV is written as the comparison's (``services/analysis/comparison_files.py``): ``;``,
decimal commas, a byte-order mark, formula-like text escaped. A suppressed estimate is written
as words in every number column, never as 0 or empty: "fewer than 10 answers", or, for one
withheld only so that a small gmina cannot be recovered by subtraction, that reason.
"""

from __future__ import annotations

from core.csv_cells import safe_cell
from core.table_files import excel_csv, table_formats, workbook
from layers.indicator_catalogue import slug
from services.reference.labels import gmina_labels, in_language
from spatial.disclosure import COMPLEMENTARY, TOO_FEW

# A suppressed estimate in words, by why it is withheld (spatial/disclosure.py): too few
# answers of its own, or enough answers withheld so that a small gmina cannot be recovered by
# subtracting the shown domains (complementary suppression).
SUPPRESSED_WORDS = {
    TOO_FEW: ("utajnione (mniej niż 10 odpowiedzi)", "suppressed (fewer than 10 answers)"),
    COMPLEMENTARY: ("utajnione, by nie ujawnić małej gminy",
                    "suppressed so as not to reveal a small gmina"),
}
SUPPRESSED_WORD = SUPPRESSED_WORDS[TOO_FEW]
MEASURES = {"share": ("Odsetek wskazań", "Share choosing"),
            "top2": ("Odsetek dwóch najwyższych ocen", "Top-2-box share"),
            "mean": ("Średnia", "Mean")}
DOMAIN_KINDS = {"partnership": ("partnerstwo", "partnership"), "gmina": ("gmina", "gmina"),
                "area": ("obszar funkcjonalny", "functional area")}
HEADERS = (("Kod pytania", "Question code"), ("Pytanie", "Question"), ("Miara", "Measure"),
           ("Odpowiedź", "Answer"), ("Rodzaj obszaru", "Kind of domain"),
           ("Obszar", "Domain"), ("Kod TERYT", "TERYT code"),
           ("Oszacowanie", "Estimate"), ("Dolna granica 95% przedziału", "95% interval, low"),
           ("Górna granica 95% przedziału", "95% interval, high"),
           ("Jednostka", "Unit"), ("Liczba odpowiedzi", "Respondents"),
           ("Efektywna liczebność próby", "Effective sample size"),
           ("Efekt schematu (Kish)", "Design effect (Kish)"))
UNITS = {True: ("%", "%"), False: ("", "")}
FILE_PREFIX = ("ankieta", "survey")


def _i(lang: str) -> int:
    return 1 if lang == "en" else 0


def table(result: dict, lang: str = "pl") -> tuple[list[str], list[list]]:
    """The header and one row per estimate; shares in per cent."""
    i = _i(lang)
    domains = {d["key"]: d for d in result["domains"]}
    rows = []
    for q in result["questions"]:
        for r in q["results"]:
            domain = domains.get(r["domain"])
            if domain is None:
                continue
            share = r["measure"] in ("share", "top2")
            scale = 100 if share else 1
            if r["suppressed"]:
                word = suppressed_word(r.get("suppressed_reason"), lang)
                numbers = [word] * 3 + [UNITS[share][i]] + [word] * 3
            else:
                numbers = [round(r["estimate"] * scale, 2), round(r["ci_low"] * scale, 2),
                           round(r["ci_high"] * scale, 2), UNITS[share][i], r["n"],
                           round(r["n_eff"], 1), round(r["deff"], 3)]
            answer = r["label"] if r["measure"] == "share" else ""
            rows.append([safe_cell(c) for c in [
                q["code"], q["text"], MEASURES[r["measure"]][i], answer,
                DOMAIN_KINDS[domain["kind"]][i], in_language(domain["label"], lang),
                domain.get("teryt", ""),
                *numbers]])
    return [h[i] for h in HEADERS], rows


def suppressed_word(reason: str | None, lang: str = "pl") -> str:
    """The words of a suppressed estimate (``reason`` as ``suppressed_reason`` gives it)."""
    return SUPPRESSED_WORDS.get(reason or TOO_FEW, SUPPRESSED_WORD)[_i(lang)]


def results_csv(result: dict, lang: str = "pl") -> str:
    return excel_csv(*table(result, lang))


def results_xlsx(result: dict, lang: str = "pl") -> bytes:
    return workbook([("Wyniki" if lang != "en" else "Results", *table(result, lang))])


RESULTS_FORMATS = table_formats(
    lambda result, lang: results_csv(result, lang).encode("utf-8"), results_xlsx)


def results_file(result: dict, fmt: str, lang: str = "pl") -> tuple[bytes, str]:
    """The file's bytes and its name: ankieta_12_mlodziez-2026.csv."""
    spec = RESULTS_FORMATS[fmt]
    survey = result["survey"]
    name = "_".join([FILE_PREFIX[_i(lang)], str(survey["id"]), slug(survey["title"])[:40]])
    return spec.write(result, lang), f"{name}.{spec.code}"


# -- the choropleth --------------------------------------------------------------------------

def choose_measure(question: dict, option: str | None) -> tuple[str, str | None]:
    """(measure, option) of the map: ``option`` is an option's code (its share), ``top2`` or
    ``mean``; by default the question's first measure."""
    measures = []
    for r in question["results"]:
        key = (r["measure"], r["option"])
        if key not in measures:
            measures.append(key)
    if not measures:
        from core.errors import BadRequest

        raise BadRequest("question %(question)r holds open answers: nothing to map",
                         field="question", question=question["code"])
    if option is None:
        return measures[0]
    for measure, code in measures:
        if code == option or (code is None and measure == option):
            return measure, code
    from core.errors import BadRequest

    allowed = [c or m for m, c in measures]
    raise BadRequest("option must be one of %(allowed)s, not %(option)r", field="option",
                     allowed=", ".join(allowed), option=option[:60])


def classes(values: list[float], proportion: bool, low: float | None = None,
            high: float | None = None, k: int = 5) -> list[dict]:
    """Equal-width classes: shares in fifths of 0-100 %, means between the scale's ends (or
    the values' range); each with the number of gminas in it."""
    if proportion:
        low, high = 0.0, 1.0
    else:
        low = min(values) if low is None and values else (low or 0.0)
        high = max(values) if high is None and values else (high or 1.0)
        if high <= low:
            high = low + 1.0
    step = (high - low) / k
    out = [{"from": low + j * step, "to": low + (j + 1) * step, "count": 0} for j in range(k)]
    for v in values:
        j = min(k - 1, max(0, int((v - low) / step)))
        out[j]["count"] += 1
    return out


def class_of(value: float, bounds: list[dict]) -> int:
    for j, c in enumerate(bounds):
        if value < c["to"] or j == len(bounds) - 1:
            return j
    return len(bounds) - 1


# -- the diagnosis' section (services/diagnosis/view.py adds these blocks) --------------------

DIAGNOSIS_TEXTS = {
    "heading": {"pl": "Wyniki ankiet", "en": "Survey results"},
    "intro": {"pl": "Oszacowania ważone: wagi poststratyfikacyjne do liczby mieszkańców gmin"
                    " (i ekonomicznych grup wieku, gdy ankieta je podaje), przycięte do"
                    " 5-krotności mediany; 95% przedziały z linearyzowanej wariancji."
                    " Wyników opartych na mniej niż 10 odpowiedziach nie podajemy.",
              "en": "Weighted estimates: post-stratification weights to the residents of the"
                    " gminas (and economic age groups where the survey records them), trimmed"
                    " at 5 times the median; 95% intervals from the linearised variance."
                    " Results resting on fewer than 10 answers are not given."},
    "survey": {"pl": "Ankieta", "en": "Survey"},
    "kind": {"pl": "Rodzaj", "en": "Kind"},
    "residents": {"pl": "ankieta mieszkańców", "en": "residents' survey"},
    "youth": {"pl": "ankieta młodzieżowa", "en": "youth survey"},
    "responses": {"pl": "Liczba odpowiedzi", "en": "Responses"},
    "fieldwork": {"pl": "Okres badania", "en": "Fieldwork"},
    "deff": {"pl": "Efekt schematu (Kish)", "en": "Design effect (Kish)"},
    "n_eff": {"pl": "Efektywna liczebność próby", "en": "Effective sample size"},
    "trimmed": {"pl": "Przycięte wagi", "en": "Weights trimmed"},
    "question": {"pl": "Pytanie", "en": "Question"},
    "answer": {"pl": "Odpowiedź / miara", "en": "Answer / measure"},
    "estimate": {"pl": "Wynik (95% przedział)", "en": "Result (95% interval)"},
    "n": {"pl": "Odpowiedzi", "en": "Answers"},
    "by_gmina": {"pl": "Według gmin", "en": "By gmina"},
    "gmina": {"pl": "Gmina", "en": "Gmina"},
    "suppressed": {"pl": "za mało odpowiedzi (<10)", "en": "too few answers (<10)"},
    "complementary": {"pl": "ukryte, by nie ujawnić małej gminy",
                      "en": "withheld so as not to reveal a small gmina"},
    "complementary_note": {
        "pl": "Wyniki gmin z co najmniej 10 odpowiedziami bywają ukryte, gdy z nich i z"
              " wyniku całego obszaru dałoby się wyliczyć wynik gminy z mniej niż 10"
              " odpowiedziami.",
        "en": "Results of gminas with 10 answers or more are withheld where they and the"
              " result of the whole area would give away the result of a gmina with fewer"
              " than 10 answers."},
    "mean": {"pl": "średnia", "en": "mean"},
    "top2": {"pl": "dwie najwyższe odpowiedzi", "en": "top two answers"},
    "problem": {"pl": "Nie da się zważyć", "en": "Cannot be weighted"},
}


def _withheld(cell: dict, tx) -> str:
    return tx("complementary" if cell.get("suppressed_reason") == COMPLEMENTARY
              else "suppressed")


def _value(cell: dict, measure: str, number, tx) -> str:
    if cell["suppressed"]:
        return _withheld(cell, tx)
    if measure == "mean":
        return (f"{number(cell['estimate'], 2)} ({number(cell['ci_low'], 2)}–"
                f"{number(cell['ci_high'], 2)})")
    return (f"{number(cell['estimate'] * 100, 1)}% ({number(cell['ci_low'] * 100, 1)}–"
            f"{number(cell['ci_high'] * 100, 1)})")


def diagnosis_blocks(items: list[dict], lang: str, number, block) -> list:
    """The surveys' section as diagnosis blocks (``block`` is the Block class,
    ``number(v, d)`` writes a number in the document's language)."""
    def tx(key):
        return DIAGNOSIS_TEXTS[key][lang]

    def answer(item):
        return item["label"] if item["measure"] == "share" else tx(item["measure"])

    out = [block("h2", tx("heading")), block("p", tx("intro"))]
    for s in items:
        out.append(block("h3", f"{tx('survey')}: {s['title']}"))
        facts = [[tx("kind"), tx(s["kind"])], [tx("responses"), number(s["responses"], 0)]]
        if s.get("problem"):
            out.append(block("table", head=["", ""], css="facts",
                             rows=facts + [[tx("problem"), s["problem"]]]))
            continue
        w, when = s["weighting"], s["fieldwork"]
        facts += [[tx("fieldwork"), f"{when['from'] or '–'} – {when['to'] or '–'}"],
                  [tx("deff"), number(w["deff"], 2)], [tx("n_eff"), number(w["n_eff"], 0)],
                  [tx("trimmed"), number(w["trimmed"], 0)]]
        out.append(block("table", head=["", ""], css="facts", rows=facts))
        out.append(block("table", numeric=[2, 3], head=[
            tx("question"), tx("answer"), tx("estimate"), tx("n")], rows=[
            [k["text"], answer(k), _value(k, k["measure"], number, tx),
             _withheld(k, tx) if k["suppressed"] else number(k["n"], 0)]
            for k in s["key_results"]]))
        columns = s["by_gmina"]["columns"]
        if columns:
            gminas = s["by_gmina"]["rows"]
            # two gminas of one name (the town and the rural gmina) told apart by kind
            names = gmina_labels((r["teryt"], r["name"]) for r in gminas)
            out.append(block("p", tx("by_gmina") + ": " + "; ".join(
                f"({i}) {c['text']} – {answer(c)}" for i, c in enumerate(columns, 1))))
            out.append(block("table", numeric=list(range(1, len(columns) + 1)),
                             head=[tx("gmina")] + [f"({i})" for i in range(1, len(columns) + 1)],
                             rows=[[f"{in_language(names[r['teryt']], lang)} ({r['teryt']})"]
                                   + [_value(cell, c["measure"], number, tx)
                                      for cell, c in zip(r["cells"], columns, strict=True)]
                                   for r in gminas]))
            if any(c.get("suppressed_reason") == COMPLEMENTARY
                   for r in gminas for c in r["cells"]):
                out.append(block("p", tx("complementary_note")))
    return out
