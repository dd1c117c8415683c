"""Controlled vocabularies of projects: codes with Polish and English labels and the ways
people write them in their own lists (programme names and abbreviations of 2021–2027).

One table per vocabulary; the API's validation, the OpenAPI enums, the CLI and the
workspace's forms all read these tables, and imports recognise values through ``recognise``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    code: str
    pl: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, locale: str | None = None) -> str:
        return self.en if str(locale or "pl").startswith("en") else self.pl


# The 16 regional programmes 2021–2027: abbreviation and the region in the programme's name.
REGIONAL_PROGRAMMES = {
    "FEDS": "Dolnego Śląska", "FEKP": "Kujaw i Pomorza", "FELU": "Lubelskiego",
    "FELB": "Lubuskiego", "FEŁ": "Łódzkiego", "FEM": "Małopolski", "FEMA": "Mazowsza",
    "FEO": "Opolskiego", "FEPK": "Podkarpacia", "FEPD": "Podlaskiego", "FEP": "Pomorza",
    "FESL": "Śląskiego", "FEŚ": "Świętokrzyskiego", "FEWM": "Warmii i Mazur",
    "FEWP": "Wielkopolski", "FEPZ": "Pomorza Zachodniego",
}

FUNDING = (
    Term("fe_regional", "regionalny program FE 2021–2027", "regional programme FE 2021–2027",
         tuple(REGIONAL_PROGRAMMES)
         + tuple(f"Fundusze Europejskie dla {r}" for r in REGIONAL_PROGRAMMES.values())
         + ("program regionalny", "regionalny program operacyjny", "RPO", "FE regionalny",
            "fundusze europejskie regionalne", "regional programme")),
    Term("feniks", "FEnIKS", "FEnIKS", (
        "FEnIKS", "Fundusze Europejskie na Infrastrukturę, Klimat, Środowisko",
        "POIiŚ", "POIIS")),
    Term("fe_national", "inny krajowy program FE 2021–2027 (FERS, FENG, FEPW, FERC)",
         "another national FE programme 2021–2027 (FERS, FENG, FEPW, FERC)", (
             "FERS", "FENG", "FEPW", "FERC",
             "Fundusze Europejskie dla Rozwoju Społecznego",
             "Fundusze Europejskie dla Nowoczesnej Gospodarki",
             "Fundusze Europejskie dla Polski Wschodniej",
             "Fundusze Europejskie na Rozwój Cyfrowy", "FE Polska Wschodnia")),
    Term("interreg", "Interreg", "Interreg", ("Interreg", "EWT",
                                              "Europejska Współpraca Terytorialna")),
    Term("kpo", "KPO", "KPO", ("KPO", "Krajowy Plan Odbudowy",
                               "Krajowy Plan Odbudowy i Zwiększania Odporności", "KPOiZO")),
    Term("cap", "PS WPR (Wspólna Polityka Rolna)", "CAP Strategic Plan (PS WPR)", (
        "PS WPR", "PSWPR", "WPR", "Plan Strategiczny dla Wspólnej Polityki Rolnej", "PROW",
        "LEADER")),
    Term("national", "budżet państwa i fundusze krajowe", "national budget and funds", (
        "budżet państwa", "krajowe", "krajowy", "środki krajowe", "RFRD",
        "Rządowy Fundusz Rozwoju Dróg", "Polski Ład", "Rządowy Fundusz Polski Ład",
        "Program Inwestycji Strategicznych", "RFIL", "Rządowy Fundusz Inwestycji Lokalnych",
        "FDS", "Fundusz Dróg Samorządowych", "NFOŚiGW", "WFOŚiGW", "national", "state budget")),
    Term("own", "środki własne", "own budget", (
        "środki własne", "własne", "wkład własny", "budżet gminy", "budżet powiatu",
        "budżet JST", "own", "own funds", "own budget")),
    Term("other", "inne", "other", ("inne", "other", "inny")),
)

FEASIBILITY = (
    Term("none", "brak", "none", ("brak", "nie", "none", "no")),
    Term("in_preparation", "w przygotowaniu", "in preparation", (
        "w przygotowaniu", "w trakcie", "w opracowaniu", "in preparation", "in progress")),
    Term("completed", "opracowana", "completed", (
        "opracowana", "opracowane", "gotowa", "gotowe", "wykonana", "zakończona", "completed",
        "done", "tak", "yes")),
    Term("approved", "zatwierdzona", "approved", ("zatwierdzona", "zatwierdzone", "przyjęta",
                                                   "approved")),
)

PRIORITY = (
    Term("1", "wysoki", "high", ("1", "wysoki", "high", "pilny")),
    Term("2", "średni", "medium", ("2", "średni", "sredni", "medium")),
    Term("3", "niski", "low", ("3", "niski", "low")),
)

# What an import does with a value no term recognises.
FALLBACK = {"funding_source": "other", "feasibility": "none", "priority": "2"}
VOCABULARIES = {"funding_source": FUNDING, "feasibility": FEASIBILITY, "priority": PRIORITY}
FUNDING_CODES = tuple(t.code for t in FUNDING)
FEASIBILITY_CODES = tuple(t.code for t in FEASIBILITY)

_YEARS = re.compile(r"\b(19|20)?\d\d\s*[-–/]\s*(19|20)?\d\d\b|\b20\d\d\b")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Lower case, Polish letters folded, programme periods and punctuation dropped."""
    text = _YEARS.sub(" ", str(text).casefold().replace("ł", "l"))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = _NON_WORD.sub(" ", text).split()
    if words[:2] == ["fe", "dla"] or words[:2] == ["fe", "na"]:
        words = ["fundusze", "europejskie"] + words[1:]
    return " ".join(words)


def _index(terms: tuple[Term, ...]) -> dict[str, str]:
    index = {}
    for term in terms:
        for text in (term.code, term.pl, term.en, *term.aliases):
            index.setdefault(normalise(text), term.code)
    return index


_INDEXES = {field: _index(terms) for field, terms in VOCABULARIES.items()}


def recognise(field: str, raw) -> str | None:
    """The code a written value stands for, or None when no term recognises it.

    The whole value is compared after ``normalise``; otherwise the known names and
    abbreviations inside it ("FEPZ" in "FEPZ 2021-2027, działanie 5.1", "Interreg" in
    "Interreg Polska–Słowacja"), when they all mean the same code ("środki własne i KPO"
    means two: not recognised).
    """
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    index = _INDEXES[field]
    key = normalise(raw)
    if not key:
        return None
    if key in index:
        return index[key]
    found = {code for text, code in index.items()
             if len(text) >= 3 and f" {text} " in f" {key} "}
    return found.pop() if len(found) == 1 else None


def labels(terms: tuple[Term, ...], locale: str | None = None) -> dict[str, str]:
    return {t.code: t.label(locale) for t in terms}
