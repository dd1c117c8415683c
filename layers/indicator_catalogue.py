"""The catalogue of indicators: codes, names, units, sources and directions.

Indicators from known sources get stable codes; anything else read from a BDL export gets a
code derived from the table and the variable name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

DIRECTIONS = ("higher-worse", "higher-better", "neutral")


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name_pl: str
    name_en: str
    unit: str
    source: str
    source_ref: str
    direction: str
    derived_from: dict | None = field(default=None, compare=False)


def _spec(code, name_pl, name_en, unit, source, ref, direction, derived=None):
    return IndicatorSpec(code, name_pl, name_en, unit, source, ref, direction, derived)


KNOWN: dict[str, IndicatorSpec] = {s.code: s for s in (
    _spec("population_thousands", "Ludność (tys.)", "Population (thousands)", "tys. osób",
          "GUS BDL", "LUDN_2425", "neutral"),
    _spec("population_men_thousands", "Ludność – mężczyźni (tys.)", "Population, men (thousands)",
          "tys. osób", "GUS BDL", "LUDN_2425", "neutral"),
    _spec("population_women_thousands", "Ludność – kobiety (tys.)",
          "Population, women (thousands)", "tys. osób", "GUS BDL", "LUDN_2425", "neutral"),
    _spec("density", "Ludność na 1 km²", "Population per km²", "osób/km²", "GUS",
          "LUDN_2425; tabl. 21", "higher-better"),
    _spec("density_built_up", "Gęstość zaludnienia terenów zabudowanych",
          "Population density of built-up land", "osób/km²", "GUS BDL", "LUDN_2425", "neutral"),
    _spec("population_change_per_1000", "Zmiana liczby ludności na 1000 mieszkańców",
          "Population change per 1,000 residents", "‰", "GUS BDL", "LUDN_2425",
          "higher-better"),
    _spec("urbanisation_pct", "Wskaźnik urbanizacji", "Urbanisation rate", "%", "GUS BDL",
          "LUDN_2425", "neutral"),
    _spec("unemployed", "Bezrobotni zarejestrowani", "Registered unemployed", "osoby",
          "GUS BDL", "RYNE_1944", "higher-worse"),
    _spec("population", "Ludność", "Population", "osoby", "GUS, Powierzchnia i ludność",
          "tabl. 21", "neutral"),
    _spec("area_ha", "Powierzchnia", "Area", "ha", "GUS, Powierzchnia i ludność", "tabl. 21",
          "neutral"),
    _spec("unemployed_per_1000", "Bezrobotni zarejestrowani na 1000 mieszkańców",
          "Registered unemployed per 1,000 residents", "‰", "derived", "",
          "higher-worse"),
    _spec("population_change_pct", "Zmiana liczby ludności", "Population change", "%",
          "derived", "", "higher-better"),
    _spec("net_migration_per_1000", "Saldo migracji wewnętrznych na 1000 mieszkańców",
          "Net internal migration per 1,000 residents", "‰", "derived",
          "GUS, migracje wewnętrzne", "higher-better"),
    _spec("density_derived", "Gęstość zaludnienia (obliczona)", "Population density (computed)",
          "osób/km²", "derived", "", "higher-better"),
    _spec("population_pre_working", "Ludność w wieku przedprodukcyjnym",
          "Population of pre-working age", "osoby", "GUS BDL",
          "LUDN, ekonomiczne grupy wieku", "neutral"),
    _spec("population_working", "Ludność w wieku produkcyjnym", "Population of working age",
          "osoby", "GUS BDL", "LUDN, ekonomiczne grupy wieku", "neutral"),
    _spec("population_working_mobile", "Ludność w wieku produkcyjnym mobilnym",
          "Population of mobile working age", "osoby", "GUS BDL",
          "LUDN, ekonomiczne grupy wieku", "neutral"),
    _spec("population_working_non_mobile", "Ludność w wieku produkcyjnym niemobilnym",
          "Population of non-mobile working age", "osoby", "GUS BDL",
          "LUDN, ekonomiczne grupy wieku", "neutral"),
    _spec("population_post_working", "Ludność w wieku poprodukcyjnym",
          "Population of post-working age", "osoby", "GUS BDL",
          "LUDN, ekonomiczne grupy wieku", "neutral"),
    _spec("dependency_ratio", "Wskaźnik obciążenia demograficznego",
          "Demographic dependency ratio", "osoby w wieku nieprodukcyjnym na 100 w wieku"
          " produkcyjnym", "derived", "", "higher-worse"),
    _spec("post_working_share_pct", "Udział ludności w wieku poprodukcyjnym",
          "Share of post-working-age population", "%", "derived", "", "higher-worse"),
)}

# Units in English (the catalogue writes them in Polish, as GUS does).
UNIT_EN = {
    "osoby": "persons", "tys. osób": "thousand persons", "osób/km²": "persons/km²",
    "osoby/km²": "persons/km²", "ha": "ha", "%": "%", "‰": "‰", "zł": "PLN",
    "osoby w wieku nieprodukcyjnym na 100 w wieku produkcyjnym":
        "non-working-age persons per 100 of working age",
}

# How a derived indicator is computed, in words (Polish, English), for its source line.
DERIVATIONS = {
    "unemployed_per_1000": (
        "bezrobotni zarejestrowani (GUS BDL, RYNE_1944) na 1000 mieszkańców",
        "registered unemployed (GUS BDL, RYNE_1944) per 1,000 residents"),
    "population_change_pct": ("zmiana liczby ludności między dwoma latami (GUS)",
                              "change of the population between two years (GUS)"),
    "net_migration_per_1000": ("saldo migracji wewnętrznych (GUS) na 1000 mieszkańców",
                               "net internal migration (GUS) per 1,000 residents"),
    "density_derived": ("ludność na km² powierzchni (GUS, tabl. 21)",
                        "population per km² of area (GUS, table 21)"),
    "dependency_ratio": ("ludność w wieku nieprodukcyjnym na 100 osób w wieku produkcyjnym"
                         " (GUS BDL)", "non-working-age population per 100 of working age"
                         " (GUS BDL)"),
    "post_working_share_pct": ("udział ludności w wieku poprodukcyjnym (GUS BDL)",
                               "share of the post-working-age population (GUS BDL)"),
}


def unit_label(unit: str | None, lang: str = "pl") -> str:
    """The unit as the language writes it ('' for an index without a unit)."""
    unit = unit or ""
    return UNIT_EN.get(unit, unit) if lang == "en" else unit


def source_label(indicator: dict, lang: str = "pl", names: dict | None = None) -> str:
    """Where the values come from, in words: "GUS BDL, tabl. LUDN_2425", "obliczone: …".

    ``indicator`` has the catalogue's ``code``, ``source``, ``source_ref`` and ``derived_from``;
    ``names`` gives the names of other indicators (for a composite's components)."""
    en = lang == "en"
    source, ref = indicator.get("source") or "", indicator.get("source_ref") or ""
    if source != "derived":
        if ref and source.startswith("GUS") and not ref.startswith(("tabl.", "LUDN,")):
            ref = ("table " if en else "tabl. ") + ref
        elif en:
            ref = ref.replace("tabl. ", "table ")
        return ", ".join(p for p in (source, ref) if p)
    head = "computed: " if en else "obliczone: "
    code = indicator.get("code") or ""
    base = re.sub(r"_\d+y$", "", code)  # population_change_pct_3y: its span in the code
    if base in DERIVATIONS:
        return head + DERIVATIONS[base][1 if en else 0]
    derived = indicator.get("derived_from") or {}
    if ref == "composite" or "components" in derived:
        parts = [(names or {}).get(c, c) for c in derived.get("components", {})]
        return head + ("composite index of " if en else "indeks złożony z: ") + "; ".join(parts)
    return head.rstrip(": ") if not ref else head + ref


# The economic age groups whose sum is the whole population (GUS: pre-working 0-17,
# working 18-59 women / 18-64 men, post-working above).
AGE_GROUPS = ("population_pre_working", "population_working", "population_post_working")

# Rates whose denominator is held as counts: averaged over gminas with these counts as
# weights, the mean is exactly the rate of the whole area (sum over sum).
RATE_DENOMINATORS = {
    "dependency_ratio": ("population_working",),
    "post_working_share_pct": AGE_GROUPS,
}

# BDL variable names (lower case, as in the export headers) of known indicators.
BDL_NAMES = {
    "ludność w tysiącach": "population_thousands",
    "ludność w tysiącach mężczyźni": "population_men_thousands",
    "ludność w tysiącach kobiety": "population_women_thousands",
    "ludność na 1 km2": "density",
    "gęstość zaludnienia powierzchni zabudowanej i zurbanizowanej (osoby/km2)":
        "density_built_up",
    "zmiana liczby ludności na 1000 mieszkańców": "population_change_per_1000",
    "wskaźnik urbanizacji": "urbanisation_pct",
    ("RYNE_1944", "ogółem"): "unemployed",
    # Population by economic age group: the export's headers carry the group and the sex.
    "w wieku przedprodukcyjnym;ogółem": "population_pre_working",
    "w wieku produkcyjnym;ogółem": "population_working",
    "w wieku produkcyjnym mobilnym;ogółem": "population_working_mobile",
    "w wieku produkcyjnym niemobilnym;ogółem": "population_working_non_mobile",
    "w wieku poprodukcyjnym;ogółem": "population_post_working",
}


def slug(text: str) -> str:
    """ASCII snake case of a Polish label: 'Ludność w tysiącach' -> 'ludnosc_w_tysiacach'."""
    text = text.replace("ł", "l").replace("Ł", "L")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def bdl_indicator(table: str, variable: str, unit: str) -> IndicatorSpec:
    """The indicator of one column of a BDL export."""
    name = variable.strip().lower()
    code = BDL_NAMES.get((table, name)) or BDL_NAMES.get(name)
    if code:
        return KNOWN[code]
    code = slug(f"bdl_{table}_{name}")
    if len(code) > 63:
        # Cutting alone would give two variables sharing a long prefix one code.
        import hashlib

        code = f"{code[:54]}_{hashlib.sha1(code.encode()).hexdigest()[:8]}"
    return IndicatorSpec(code, variable.strip(), variable.strip(), unit, "GUS BDL", table,
                         "neutral")
