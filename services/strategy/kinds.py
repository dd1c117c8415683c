"""The kinds of the strategy and the project package, one table each.

The services validate with them, the OpenAPI document turns them into enums, the CLI lists
them and the page's forms read them (through ``for_page``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    pl: str
    en: str

    def label(self, locale: str | None = None) -> str:
        return self.en if str(locale or "pl").startswith("en") else self.pl


DIMENSIONS = (
    Kind("social", "społeczny", "social"),
    Kind("economic", "gospodarczy", "economic"),
    Kind("spatial", "przestrzenny", "spatial"),
)

FEASIBILITY_ITEMS = (
    Kind("land_ownership", "prawo do dysponowania nieruchomością na cele budowlane",
         "land ownership (right to use the property for construction)"),
    Kind("building_permit", "pozwolenie na budowę lub zgłoszenie robót",
         "building permit or notification of works"),
    Kind("environmental_decision", "decyzja o środowiskowych uwarunkowaniach",
         "environmental decision"),
    Kind("design_documentation", "dokumentacja projektowa", "design documentation"),
    Kind("own_contribution", "zabezpieczony wkład własny", "own contribution secured"),
)

FEASIBILITY_STATUSES = (
    Kind("missing", "brak", "missing"),
    Kind("in_preparation", "w przygotowaniu", "in preparation"),
    Kind("obtained", "uzyskano", "obtained"),
    Kind("not_applicable", "nie dotyczy", "not applicable"),
)

# How the own contribution is split among the partner gminas.
SPLIT_METHODS = (
    Kind("population", "według liczby ludności gmin partnerstwa",
         "by the population of the partnership's gminas"),
    Kind("location", "według udziału przedsięwzięcia położonego w gminie",
         "by the share of the project located in each gmina"),
    Kind("entered", "według wpisanych udziałów", "by entered shares"),
)

BUDGET_CATEGORIES = (
    Kind("documentation", "dokumentacja i przygotowanie", "documentation and preparation"),
    Kind("land", "zakup nieruchomości", "purchase of land"),
    Kind("works", "roboty budowlane", "construction works"),
    Kind("equipment", "dostawy i wyposażenie", "supplies and equipment"),
    Kind("services", "usługi", "services"),
    Kind("staff", "koszty personelu", "staff costs"),
    Kind("promotion", "informacja i promocja", "information and promotion"),
    Kind("indirect", "koszty pośrednie", "indirect costs"),
    Kind("other", "inne", "other"),
)

INDICATOR_STATUSES = (
    Kind("on_track", "zgodnie z planem", "on track"),
    Kind("off_track", "poniżej ścieżki do celu", "off track"),
    Kind("no_data", "brak nowszych danych", "no data"),
)


@dataclass(frozen=True)
class Element:
    """One element a strategy must contain, with its legal basis and where to fill it in."""

    code: str
    pl: str
    en: str
    legal_basis: str
    anchor: str  # the section of the strategy page (or the page) that fills it in

    def label(self, locale: str | None = None) -> str:
        return self.en if str(locale or "pl").startswith("en") else self.pl


# What a supra-local strategy contains: art. 10g ust. 3 of the ustawa z 8 marca 1990 r. o
# samorządzie gminnym (u.s.g.) applies art. 10e ust. 2-4 to it, and art. 10e ust. 3 lists the
# contents: the conclusions from the diagnosis (its opening words), then pkt 1-9 (text as in
# Dz.U. 2023 poz. 40: goals, directions, results with indicators, the functional-spatial model,
# spatial policy, areas of strategic intervention of the voivodeship's strategy (pkt 6) and key
# to the partnership (pkt 7), implementation system, financial frame). Then art. 29 ust. 1 of
# Regulation (EU) 2021/1060 (territorial strategies).
STATUTORY_ELEMENTS = (
    Element("diagnosis_conclusions", "wnioski z diagnozy", "conclusions from the diagnosis",
            "art. 10e ust. 3 u.s.g. (wstęp)", "statutory-texts"),
    Element("goals_social", "cele strategiczne w wymiarze społecznym",
            "strategic goals in the social dimension", "art. 10e ust. 3 pkt 1 u.s.g.", "goals"),
    Element("goals_economic", "cele strategiczne w wymiarze gospodarczym",
            "strategic goals in the economic dimension", "art. 10e ust. 3 pkt 1 u.s.g.", "goals"),
    Element("goals_spatial", "cele strategiczne w wymiarze przestrzennym",
            "strategic goals in the spatial dimension", "art. 10e ust. 3 pkt 1 u.s.g.", "goals"),
    Element("directions", "kierunki działań", "directions of action",
            "art. 10e ust. 3 pkt 2 u.s.g.", "goals"),
    Element("results", "oczekiwane rezultaty i wskaźniki ich osiągnięcia",
            "expected results with indicators", "art. 10e ust. 3 pkt 3 u.s.g.", "goals"),
    Element("spatial_model", "model struktury funkcjonalno-przestrzennej",
            "model of the functional-spatial structure", "art. 10e ust. 3 pkt 4 u.s.g.", "model"),
    Element("spatial_policy", "ustalenia i rekomendacje w zakresie polityki przestrzennej",
            "spatial policy recommendations", "art. 10e ust. 3 pkt 5 u.s.g.", "statutory-texts"),
    Element("intervention_areas", "obszary strategicznej interwencji",
            "areas of strategic intervention", "art. 10e ust. 3 pkt 6–7 u.s.g.", "areas"),
    Element("implementation_system", "system realizacji strategii",
            "implementation system", "art. 10e ust. 3 pkt 8 u.s.g.", "statutory-texts"),
    Element("financial_frame", "ramy finansowe i źródła finansowania",
            "financial frame and sources", "art. 10e ust. 3 pkt 9 u.s.g.", "statutory-texts"),
    Element("eu_area", "obszar geograficzny objęty strategią", "the area covered",
            "rozporządzenie 2021/1060 art. 29 ust. 1 lit. a", "members"),
    Element("eu_needs", "analiza potrzeb i potencjałów rozwojowych obszaru",
            "needs and potentials of the area", "rozporządzenie 2021/1060 art. 29 ust. 1 lit. b",
            "statutory-texts"),
    Element("eu_integrated", "podejście zintegrowane", "integrated approach",
            "rozporządzenie 2021/1060 art. 29 ust. 1 lit. c", "goals"),
    Element("eu_partners", "zaangażowanie partnerów", "involvement of partners",
            "rozporządzenie 2021/1060 art. 29 ust. 1 lit. d", "statutory-texts"),
    Element("eu_operations", "lista przedsięwzięć", "list of operations",
            "rozporządzenie 2021/1060 art. 29 ust. 1 akapit drugi", "goals"),
)

# The statutory texts a strategy holds (``strategy`` table columns).
TEXTS = ("diagnosis_conclusions", "spatial_policy", "implementation_system", "financial_frame",
         "partners_involvement")
TEXT_LIMIT = 50_000

TABLES = {
    "dimension": DIMENSIONS, "feasibility_item": FEASIBILITY_ITEMS,
    "feasibility_status": FEASIBILITY_STATUSES, "split_method": SPLIT_METHODS,
    "budget_category": BUDGET_CATEGORIES, "indicator_status": INDICATOR_STATUSES,
}


def codes(table) -> tuple[str, ...]:
    return tuple(k.code for k in table)


def label_of(table, code: str, locale: str | None = "pl") -> str:
    return next((k.label(locale) for k in table if k.code == code), code)


def for_page(locale: str | None = "pl") -> dict:
    """Every kind with its label in ``locale``, for the page's forms and the CLI."""
    return {name: [{"code": k.code, "label": k.label(locale)} for k in table]
            for name, table in TABLES.items()}
