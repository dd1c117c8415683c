"""The document's words in Polish and English, and numbers written the way each language does.

The diagnosis is made by the command line as well as by the web app, so its vocabulary lives
here rather than in Flask-Babel's catalogue; the page around it is translated by the app.
"""

from __future__ import annotations

from babel.dates import format_datetime
from babel.numbers import format_decimal

LANGS = ("pl", "en")
LOCALES = {"pl": "pl_PL", "en": "en_GB"}

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Diagnoza obszaru partnerstwa", "Diagnosis of the partnership's area"),
    "generated": ("Wygenerowano", "Generated"),
    "version": ("wersja programu", "product version"),
    "contents": ("Spis treści", "Contents"),
    "s_area": ("1. Obszar partnerstwa", "1. The partnership's area"),
    "s_indicators": ("2. Wskaźniki na tle województwa, Polski i grupy porównawczej",
                     "2. Indicators against the voivodeship, Poland and the comparison group"),
    "s_trends": ("3. Zmiany w czasie", "3. Change over time"),
    "s_problems": ("4. Problemy i potencjały", "4. Problems and potentials"),
    "s_spatial": ("5. Struktura przestrzenna", "5. Spatial structure"),
    "s_areas": ("6. Obszary funkcjonalne", "6. Functional areas"),
    "s_projects": ("7. Planowane przedsięwzięcia", "7. Planned projects"),
    "s_sources": ("8. Źródła danych", "8. Data sources"),
    "s_missing": ("Braki danych", "Missing data"),
    "members": ("Członkowie", "Members"),
    "member_gminas": ("Gminy obszaru", "Gminas of the area"),
    "leader": ("lider", "leader"),
    "area": ("Powierzchnia", "Area"),
    "population": ("Ludność", "Population"),
    "population_year": ("Ludność ({year})", "Population ({year})"),
    "voivodeship": ("Województwo", "Voivodeship"),
    "poland": ("Polska", "Poland"),
    "partnership": ("Partnerstwo", "Partnership"),
    "gmina": ("Gmina", "Gmina"),
    "teryt": ("TERYT", "TERYT"),
    "type": ("Rodzaj", "Type"),
    "type_1": ("miejska", "urban"),
    "type_2": ("wiejska", "rural"),
    "type_3": ("miejsko-wiejska", "urban-rural"),
    "size_class": ("Klasa wielkości", "Size class"),
    "peers": ("Gminy podobne", "Similar gminas"),
    "locator_caption": ("Położenie partnerstwa w województwie", "The partnership in its voivodeship"),
    "members_caption": ("Gminy partnerstwa według rodzaju", "The partnership's gminas by type"),
    "trends_caption": ("Wskaźniki z kierunkiem w kolejnych latach: partnerstwo, województwo,"
                       " Polska (przy liczbach bezwzględnych tylko partnerstwo)",
                       "Indicators with a direction over the years: partnership, voivodeship,"
                       " Poland (for counts the partnership only)"),
    "indicator": ("Wskaźnik", "Indicator"),
    "unit": ("Jednostka", "Unit"),
    "year": ("Rok", "Year"),
    "group_median": ("Mediana grupy", "Group median"),
    "percentile": ("Centyl w grupie", "Percentile in the group"),
    "trend": ("Trend", "Trend"),
    "trend_5y": ("Trend ({years})", "Trend ({years})"),
    "longest": ("Najdłuższa seria", "Longest series"),
    "first_year": ("– pierwszy rok serii", "– first year of the series"),
    "last_year": ("– ostatni rok serii", "– last year of the series"),
    "aggregation": ("Agregacja", "Aggregation"),
    "sum": ("suma", "sum"),
    "population-weighted mean": ("średnia ważona ludnością", "population-weighted mean"),
    "area-weighted mean": ("średnia ważona powierzchnią", "area-weighted mean"),
    "GUS value of the unit": ("wartość GUS dla jednostki", "GUS value of the unit"),
    "rising": ("rośnie", "rising"),
    "falling": ("maleje", "falling"),
    "stable": ("stabilny", "stable"),
    "improving": ("poprawa", "improving"),
    "worsening": ("pogorszenie", "worsening"),
    "no_trend": ("brak (za mało lat)", "none (too few years)"),
    "short_series": ("tylko {n} {years_word}", "only {n} {years_word}"),
    "higher-worse": ("im więcej, tym gorzej", "higher is worse"),
    "higher-better": ("im więcej, tym lepiej", "higher is better"),
    "neutral": ("bez kierunku", "no direction"),
    "direction": ("Kierunek", "Direction"),
    "problems": ("Problemy", "Problems"),
    "potentials": ("Potencjały", "Potentials"),
    "none_found": ("brak wskaźników spełniających regułę", "no indicator meets the rule"),
    "distance_sd": ("Odległość od mediany grupy (odch. std.)",
                    "Distance from the group median (SD)"),
    "rule_heading": ("Reguła", "The rule"),
    "problem_rule": (
        "Problem: wskaźnik ma kierunek (im więcej, tym gorzej albo lepiej), wartość partnerstwa"
        " jest gorsza niż w województwie i gorsza niż mediana grupy porównawczej, a trend z"
        " ostatnich (do) 5 lat nie jest poprawą. Potencjał: wartość lepsza niż w województwie i"
        " niż mediana grupy, a trend nie jest pogorszeniem. Trend to znak nachylenia prostej"
        " najmniejszych kwadratów; zmiana w oknie mniejsza niż 1% średniej wartości to trend"
        " stabilny; bez trendu (jeden rok) decydują same poziomy. Kolejność: odległość od mediany"
        " grupy w odchyleniach standardowych grupy.",
        "Problem: the indicator has a direction (higher is worse or better), the partnership's"
        " value is worse than the voivodeship's and worse than the comparison group's median, and"
        " the trend of the last (up to) 5 years is not improving. Potential: better than the"
        " voivodeship and the group median, and the trend is not worsening. The trend is the sign"
        " of the least-squares slope; a change over the window below 1% of the mean value is"
        " stable; without a trend (one year) the levels alone decide. Order: distance from the"
        " group median in the group's standard deviations."),
    "group_rule": (
        "Grupa porównawcza: gminy tego samego rodzaju (miejska, wiejska, miejsko-wiejska) i tej"
        " samej klasy wielkości co któraś z gmin partnerstwa (klasy według ludności w {year}:"
        " {classes}), bez gmin samego partnerstwa. Centyl: odsetek gmin grupy o wartości nie"
        " wyższej niż wartość partnerstwa.",
        "Comparison group: gminas of the same type (urban, rural, urban-rural) and the same size"
        " class as any gmina of the partnership (classes by population in {year}: {classes}),"
        " the partnership's own gminas excluded. Percentile: the share of the group's gminas whose"
        " value is not higher than the partnership's."),
    "group_size": ("Grupa porównawcza liczy {n} {gminas}.",
                   "The comparison group has {n} {gminas}."),
    "aggregation_rule": (
        "Wartość partnerstwa: liczby (np. ludność, bezrobotni) sumowane, gęstości ważone"
        " powierzchnią, pozostałe wskaźniki ważone ludnością gmin (jak dla obszarów"
        " funkcjonalnych). Województwo i Polska: wartość GUS, gdy ją opublikowano, w przeciwnym"
        " razie ta sama agregacja gmin.",
        "The partnership's value: counts (e.g. population, unemployed) add up, densities are"
        " weighted by area, other indicators by the gminas' population (as for functional areas)."
        " Voivodeship and Poland: GUS's value where published, otherwise the same aggregation of"
        " gminas."),
    "lisa_heading": ("Skupienia LISA (przebiegi krajowe)", "LISA clusters (national runs)"),
    "gi_heading": ("Gorące punkty Gi*", "Gi* hot spots"),
    "run": ("przebieg", "run"),
    # Residents, not gminas (the comparison counts gminas): said in so many words.
    "hh_share": ("Udział ludności partnerstwa w skupieniach wysokie–wysokie (LISA) wskaźnika"
                 " zagrożenia marginalizacją: {share} ({run})",
                 "Share of the partnership's population in high-high clusters (LISA) of the"
                 " marginalisation risk index: {share} ({run})"),
    "no_lisa": ("Brak zapisanych krajowych przebiegów LISA.", "No national LISA run is stored."),
    "no_gi": ("Brak zapisanych krajowych przebiegów Gi*.", "No national Gi* run is stored."),
    "no_risk_run": ("Brak krajowego przebiegu LISA wskaźnika zagrożenia.",
                    "No national LISA run of the risk index."),
    # LISA categories in the words of the map legends (web translations).
    "HH": ("wysokie–wysokie", "high-high"), "LL": ("niskie–niskie", "low-low"),
    "HL": ("wysokie–niskie", "high-low"), "LH": ("niskie–wysokie", "low-high"),
    "ns": ("nieistotne", "not significant"), "isolated": ("bez sąsiadów", "no neighbours"),
    "hot": ("gorący punkt", "hot spot"), "cold": ("zimny punkt", "cold spot"),
    "no_areas": ("Partnerstwo nie wyznaczyło obszarów funkcjonalnych.",
                 "The partnership has not delineated functional areas."),
    "name": ("Nazwa", "Name"),
    "kind": ("Rodzaj", "Kind"),
    "fua": ("miejski obszar funkcjonalny", "functional urban area"),
    "tourism": ("turystyczny", "tourism"), "river_valley": ("dolina rzeki", "river valley"),
    "other": ("inny", "other"),
    "projects_count": ("Liczba przedsięwzięć", "Projects"),
    "projects_cost": ("Koszt łącznie (zł)", "Total cost (PLN)"),
    "projects_per_resident": ("Koszt na mieszkańca (zł)", "Cost per resident (PLN)"),
    "theme": ("Temat", "Theme"),
    "no_theme": ("(bez tematu)", "(no theme)"),
    "count": ("Liczba", "Count"),
    "cost": ("Koszt (zł)", "Cost (PLN)"),
    "no_projects": ("Brak zapisanych przedsięwzięć.", "No projects are stored."),
    "producer": ("Producent", "Producer"),
    "table_id": ("Tabela / zmienna", "Table / variable"),
    "boundary_vintage": ("Granice (stan na)", "Boundaries (as of)"),
    "loaded": ("Plik i data wczytania", "File and load date"),
    "derived": ("obliczony w partnerstwa", "computed by partnerstwa"),
    "sources_note": ("Granice: GUGiK, Państwowy Rejestr Granic, stan na {vintage}. Statystyki:"
                     " GUS, Bank Danych Lokalnych. Wygenerowano {date}, partnerstwa {version}.",
                     "Boundaries: GUGiK, State Register of Boundaries, as of {vintage}."
                     " Statistics: GUS, Local Data Bank. Generated {date}, partnerstwa {version}."),
    "map_source": ("Źródło: GUGiK PRG (granice {vintage}), GUS BDL; opracowanie: partnerstwa",
                   "Source: GUGiK PRG (boundaries {vintage}), GUS BDL; by partnerstwa"),
    "missing_none": ("Żadnych braków.", "Nothing is missing."),
    "no_value": ("{name}: brak wartości dla gmin partnerstwa.",
                 "{name}: no values for the partnership's gminas."),
    "year_fallback": ("{name}: brak wartości za {asked}; użyto roku {used}.",
                      "{name}: no values for {asked}; {used} used."),
    "partial": ("{name} ({year}): wartości ma {n} z {total} gmin partnerstwa.",
                "{name} ({year}): {n} of the partnership's {total} gminas have a value."),
    "no_peers": ("{name} ({teryt}): brak gmin podobnych (rodzaj {type}, klasa {cls}).",
                 "{name} ({teryt}): no similar gminas (type {type}, class {cls})."),
    "no_group": ("{name}: grupa porównawcza nie ma wartości; wskaźnik nie jest oceniany.",
                 "{name}: the comparison group has no values; the indicator is not assessed."),
    "short": ("{name}: dane z {n} {years_word} ({years}); trend z krótszego okresu.",
              "{name}: only {n} {years_word} held ({years}); the trend covers a shorter"
              " period."),
    "single_year": ("{name}: jeden rok danych ({years}); bez trendu.",
                    "{name}: one year held ({years}); no trend."),
    "no_population": ("Brak danych o ludności gmin.", "No population of the gminas is held."),
    "newer_data": ("Od wygenerowania tej diagnozy w bazie pojawiły się nowsze dane.",
                   "Newer data have arrived since this diagnosis was generated."),
    "legend": ("Legenda", "Legend"),
    "partnership_area": ("obszar partnerstwa", "partnership's area"),
    "other_gminas": ("pozostałe gminy", "other gminas"),
    "voivodeship_boundary": ("granica województwa", "voivodeship boundary"),
    "value_partnership": ("partnerstwo", "partnership"),
}


def text(key: str, lang: str, **values) -> str:
    pair = TEXTS.get(key)
    if pair is None:
        return key.format(**values) if values else key
    chosen = pair[LANGS.index(lang)]
    return chosen.format(**values) if values else chosen


def years_word(n: int, lang: str, genitive: bool = False) -> str:
    """'rok', 'lata', 'lat' (or after 'z': 'roku', 'lat') as Polish counts years."""
    if lang == "en":
        return "year" if n == 1 else "years"
    if n == 1:
        return "roku" if genitive else "rok"
    if genitive:
        return "lat"
    return "lata" if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else "lat"


def gminas_word(n: int, lang: str) -> str:
    """'gminę', 'gminy', 'gmin' after a count (as the object of a verb: "liczy 3 gminy")."""
    if lang == "en":
        return "gmina" if n == 1 else "gminas"
    if n == 1:
        return "gminę"
    return "gminy" if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else "gmin"


def number(value, digits: int, lang: str) -> str:
    """A number as the language writes it: '52 840' and '29,2' in Polish (Babel's no-break
    space), '52,840' and '29.2' in English; a dash when there is none."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def percent(share, lang: str, digits: int = 1) -> str:
    if share is None:
        return "–"
    return f"{number(share * 100, digits, lang)}\u00a0%"


def when(moment, lang: str) -> str:
    return format_datetime(moment, "yyyy-MM-dd HH:mm 'UTC'", locale=LOCALES[lang])
