"""How each indicator of the diagnosis was obtained, in words of the document's language.

The catalogue stores a derived indicator's inputs as codes and parameters
(``{"population_from": 2021, "population_to": 2024}``); a reader of a Polish document gets
the inputs' names from the catalogue, the formula in words and years as "2021–2024".
"""

from __future__ import annotations

import re

from layers.indicator_catalogue import KNOWN

# Formulas over the inputs' names ({pre} etc. are filled with catalogue names).
FORMULAS = {
    "unemployed_per_1000": ("{unemployed} / {population} × 1000",
                            "{unemployed} / {population} × 1000"),
    "dependency_ratio": ("({pre} + {post}) / {working} × 100",
                         "({pre} + {post}) / {working} × 100"),
    "post_working_share_pct": ("{post} / ({pre} + {working} + {post}) × 100",
                               "{post} / ({pre} + {working} + {post}) × 100"),
    "population_change_pct": ("({population} {to} / {population} {start} − 1) × 100, lata {span}",
                              "({population} {to} / {population} {start} − 1) × 100, years"
                              " {span}"),
    "net_migration_per_1000": ("(napływ − odpływ) / {population} {year} × 1000;"
                               " przepływy między gminami z pliku {flows}",
                               "(inflow − outflow) / {population} {year} × 1000;"
                               " flows between gminas from the file {flows}"),
    "density_derived": ("{population} {year} / {area} w km²",
                        "{population} {year} / {area} in km²"),
}
METHODS = {"zscore": ("wartości standaryzowane (z)", "standardised values (z)"),
           "minmax": ("wartości unormowane do przedziału 0–1", "values rescaled to 0–1")}
GROUPS = {"gmina-type": ("osobno w każdym rodzaju gminy", "within each type of gmina")}
WORDS = {"index_of": ("indeks złożony z", "composite index of"),
         "higher_better": ("odwrócony: im więcej, tym lepiej", "reversed: higher is better"),
         "year": ("rok {year}", "year {year}"),
         "population": ("{population} (albo {thousands} × 1000)",
                        "{population} (or {thousands} × 1000)")}


def _i(lang: str) -> int:
    return 1 if lang == "en" else 0


def indicator_name(code: str, lang: str, names: dict[str, str] | None = None) -> str:
    """The catalogue's name of an indicator (``names`` first: the document's own list)."""
    if names and code in names:
        return names[code]
    if code in KNOWN:
        return KNOWN[code].name_en if lang == "en" else KNOWN[code].name_pl
    return code


def describe(item: dict, lang: str, names: dict[str, str] | None = None) -> str:
    """The 'table / variable' cell of the sources table: a table code as GUS names it, or,
    for a derived indicator, its formula in words."""
    derived = item.get("derived_from") or {}
    if item.get("source") != "derived":
        return item.get("source_ref") or "–"
    i = _i(lang)

    def name(code):
        return indicator_name(code, lang, names).lower() if lang == "pl" else \
            indicator_name(code, lang, names)

    if isinstance(derived.get("components"), dict):
        signs = derived.get("signs") or {}
        parts = [name(c) + (f" ({WORDS['higher_better'][i]})" if signs.get(c) == -1 else "")
                 for c in derived["components"]]
        extra = [METHODS.get(derived.get("method"), (derived.get("method"),) * 2)[i]]
        if derived.get("groups") in GROUPS:
            extra.append(GROUPS[derived["groups"]][i])
        if derived.get("year"):
            extra.append(WORDS["year"][i].format(year=derived["year"]))
        return f"{WORDS['index_of'][i]}: {'; '.join(parts)} ({', '.join(p for p in extra if p)})"
    base = re.sub(r"_\d+y$", "", item.get("code") or "")
    if base in FORMULAS:
        values = {"unemployed": name("unemployed"), "pre": name("population_pre_working"),
                  "working": name("population_working"), "post": name("population_post_working"),
                  "population": name("population"), "area": name("area_ha"),
                  "start": derived.get("population_from", ""),
                  "to": derived.get("population_to", ""),
                  "span": f"{derived.get('population_from', '')}–"
                          f"{derived.get('population_to', '')}",
                  "year": derived.get("population_year", ""), "flows": derived.get("flows", "")}
        if base == "unemployed_per_1000":
            values["population"] = WORDS["population"][i].format(
                population=name("population"), thousands=name("population_thousands"))
        return re.sub(r"\s+", " ", FORMULAS[base][i].format(**values)).strip()
    return item.get("source_ref") or "–"
