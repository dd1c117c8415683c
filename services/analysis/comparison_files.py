"""The comparison as files people open in a spreadsheet: CSV for Polish Excel, and XLSX.

Polish Excel reads a CSV as text unless it is separated by ``;``, has decimal commas and
starts with a UTF-8 byte-order mark; the CSV is written so in both languages (only the
headers and labels follow the language). Text cells that start like a formula are escaped
(``core.csv_cells.safe_cell``) in both files: openpyxl too stores such a string as a formula.
"""

from __future__ import annotations

from core.csv_cells import safe_cell
from core.table_files import excel_csv, table_formats, workbook
from layers.indicator_catalogue import slug

KINDS = {"partnership": ("partnerstwo", "partnership"),
         "voivodeship": ("województwo", "voivodeship"),
         "country": ("kraj", "country")}
ASSESSMENTS = {"better": ("lepiej", "better"), "worse": ("gorzej", "worse"), None: ("", "")}
HEADERS = {
    "kind": ("Rodzaj jednostki", "Kind of unit"),
    "code": ("Kod", "Code"),
    "name": ("Nazwa", "Name"),
    "gminas": ("Liczba gmin", "Gminas"),
    "area_km2": ("Powierzchnia [km²]", "Area [km²]"),
    "population": ("Ludność ({year})", "Population ({year})"),
    # The share of GMINAS (not of residents, which the diagnosis gives) in LISA high-high
    # clusters of the marginalisation risk index.
    "high_risk_share": ("Udział gmin w skupieniach wysokie–wysokie (LISA) wskaźnika zagrożenia"
                        " marginalizacją [%]",
                        "Share of gminas in high-high clusters (LISA) of the marginalisation"
                        " risk index [%]"),
    "projects": ("Liczba przedsięwzięć", "Projects"),
    "projects_cost_pln": ("Koszt przedsięwzięć [zł]", "Cost of projects [PLN]"),
    "projects_cost_per_resident": ("Koszt przedsięwzięć na mieszkańca [zł]",
                                   "Cost of projects per resident [PLN]"),
    "functional_areas": ("Obszary funkcjonalne", "Functional areas"),
}
PROFILE_HEADERS = (("Wskaźnik", "Indicator"), ("Rok", "Year"), ("Jednostka miary", "Unit"),
                   ("Jednostka", "Area"), ("Wartość", "Value"),
                   ("Odchylenie standaryzowane (z)", "Standardised difference (z)"),
                   ("Na tle gmin kraju", "Against the gminas of Poland"),
                   ("Średnia gmin", "Mean of the gminas"),
                   ("Odchylenie standardowe gmin", "Standard deviation of the gminas"))
SHEETS = (("Porównanie", "Comparison"), ("Profil", "Profile"))
FILE_PREFIX = ("porownanie", "comparison")


def _i(lang: str) -> int:
    return 1 if lang == "en" else 0


def _indicator_label(result: dict, code: str, year: int, lang: str) -> str:
    meta = result.get("catalogue", {}).get(code, {})
    name = meta.get("name_en" if lang == "en" else "name_pl") or code
    unit = meta.get("unit_en" if lang == "en" else "unit") or meta.get("unit")
    return f"{name}{f' [{unit}]' if unit else ''} ({year})"


def table(result: dict, lang: str = "pl") -> tuple[list[str], list[list]]:
    """The header and the rows of the comparison, cells as Python values (escaped text)."""
    i = _i(lang)
    years = {}
    for unit in result["units"]:
        for code, item in unit["indicators"].items():
            years.setdefault(code, item["year"])
    codes = [c for c in result["indicators"] if c in years]
    header = [HEADERS[k][i].format(year=result.get("population_year") or "")
              for k in ("kind", "code", "name", "gminas", "area_km2", "population")]
    header += [_indicator_label(result, c, years[c], lang) for c in codes]
    header += [HEADERS[k][i] for k in ("high_risk_share", "projects", "projects_cost_pln",
                                       "projects_cost_per_resident", "functional_areas")]
    rows = []
    for u in result["units"]:
        share = u.get("high_risk_share")
        per_resident = u.get("projects_cost_per_resident")
        rows.append([safe_cell(cell) for cell in [
            KINDS[u["kind"]][i], u["code"], u["name"], u["gminas"], round(u["area_km2"], 3),
            round(u["population"]),
            *[round(u["indicators"][c]["value"], 4) if c in u["indicators"] else None
              for c in codes],
            None if share is None else round(100 * share, 2),
            u.get("projects"), u.get("projects_cost_pln"),
            None if per_resident is None else round(per_resident, 2),
            ", ".join(u.get("functional_areas", [])) or None,
        ]])
    return header, rows


def comparison_csv(result: dict, lang: str = "pl") -> str:
    """``;``-separated, decimal commas, with a byte-order mark: opens as a table in Excel."""
    return excel_csv(*table(result, lang))


def comparison_xlsx(result: dict, lang: str = "pl") -> bytes:
    """A workbook: the comparison, and the profile (z-scores against the gminas)."""
    i = _i(lang)
    header, rows = table(result, lang)
    profile_rows = []
    for item in result.get("profile", []):
        name = item["name_en" if lang == "en" else "name_pl"]
        for u in item["units"]:
            profile_rows.append([safe_cell(c) for c in [
                name, item["year"], item["unit"] or None, u["name"], u["value"],
                round(u["z"], 4), ASSESSMENTS[u["assessment"]][i] or None,
                item["gmina_mean"], item["gmina_sd"]]])
    return workbook([(SHEETS[0][i], header, rows),
                     (SHEETS[1][i], [h[i] for h in PROFILE_HEADERS], profile_rows)])


COMPARISON_FORMATS = table_formats(
    lambda result, lang: comparison_csv(result, lang).encode("utf-8"), comparison_xlsx)


def comparison_file(result: dict, fmt: str, lang: str = "pl") -> tuple[bytes, str]:
    """The file's bytes and a name that says what it holds: porownanie_podlaskie_2024.csv."""
    spec = COMPARISON_FORMATS[fmt]
    years = [item["year"] for u in result["units"] for item in u["indicators"].values()]
    year = max(years) if years else result.get("population_year")
    parts = [FILE_PREFIX[_i(lang)], slug(result.get("voivodeship_name") or result["voivodeship"])]
    if year:
        parts.append(str(year))
    return spec.write(result, lang), "_".join(parts) + "." + spec.code
