"""The catalogue of administrative levels: codes, names, official sources.

Table names and identifiers used in SQL come only from here, never from user input.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    name: str  # the spelling used in code, tables and the CLI
    label_pl: str  # the UI term
    code_length: int
    parent: str | None
    national_count: int  # units in the 2020-era PRG that the data mirror holds
    prg_layer: str  # layer name in GUGiK's PRG package


LEVELS: dict[str, Level] = {
    "voivodeship": Level("voivodeship", "województwo", 2, None, 16, "A01_Granice_wojewodztw"),
    "powiat": Level("powiat", "powiat", 4, "voivodeship", 380, "A02_Granice_powiatow"),
    "gmina": Level("gmina", "gmina", 7, "powiat", 2477, "A03_Granice_gmin"),
}

# Field names tried, in order, when the user does not name the code or name field.
CODE_FIELD_CANDIDATES = ("JPT_KOD_JE", "terc", "teryt", "TERYT", "kod", "code")
NAME_FIELD_CANDIDATES = ("JPT_NAZWA_", "name", "nazwa", "NAZWA")

# Valid voivodeship codes: even numbers 02-32.
VOIVODESHIP_CODES = frozenset(f"{n:02d}" for n in range(2, 33, 2))
# Their names as GUS writes them (TERYT 2023), for messages that have no database at hand.
VOIVODESHIP_NAMES = {
    "02": "dolnośląskie", "04": "kujawsko-pomorskie", "06": "lubelskie", "08": "lubuskie",
    "10": "łódzkie", "12": "małopolskie", "14": "mazowieckie", "16": "opolskie",
    "18": "podkarpackie", "20": "podlaskie", "22": "pomorskie", "24": "śląskie",
    "26": "świętokrzyskie", "28": "warmińsko-mazurskie", "30": "wielkopolskie",
    "32": "zachodniopomorskie",
}

# The files of the data mirror (PARTNERSTWA_DATA_DIR) that `make demo` loads, by level.
MIRROR_BOUNDARIES = {
    "voivodeship": "boundaries/wojewodztwa.geojson",
    "powiat": "boundaries/powiaty.geojson",
    "gmina": "boundaries/gminy.geojson",
}
# The vintage of the mirror's boundaries (codes of about 2020, see its README).
MIRROR_AS_OF = "2020-01-01"


def level(name: str) -> Level:
    try:
        return LEVELS[name]
    except KeyError:
        from core.errors import InvalidInput

        raise InvalidInput(
            "unknown level %(name)r; expected one of: %(levels)s", name=name,
                           levels=', '.join(LEVELS)) from None

# The mirror's indicator files, in their original formats, and how to read them.
MIRROR_INDICATORS = (
    ("indicators/bdl_exports/LUDN_2425_2023.csv", "bdl-csv"),
    ("indicators/bdl_exports/LUDN_2425_2024.csv", "bdl-csv"),
    ("indicators/bdl_exports/RYNE_1944_2003_2024.csv", "bdl-csv"),
    ("indicators/bdl_exports/LUDN_ekonomiczne_grupy_wieku_2010_2019.csv", "bdl-csv"),
    ("indicators/gus_tables/powierzchnia_ludnosc_gminy_tabl21_2022.csv", "gus-t21"),
    ("indicators/gus_tables/powierzchnia_ludnosc_gminy_tabl21_2023.csv", "gus-t21"),
)
MIRROR_FLOWS = ("flows/migration_gmina_2023.csv", 2023)
MIRROR_PARTNERSHIPS = "partnerships/examples.csv"

# The demo's composite marginalisation-risk index: components and weights.
DEMO_RISK_INDEX = {
    "code": "marginalisation_risk",
    "name": "Wskaźnik zagrożenia marginalizacją (demonstracyjny)",
    "name_en": "Marginalisation risk index (demonstration)",
    "year": 2024,
    "components": {"unemployed_per_1000": 1.0, "population_change_pct_3y": 1.0},
}

# Indicators that add up over gminas (counts, areas); the rest are rates, averaged with
# population weights when aggregated.
EXTENSIVE_INDICATORS = frozenset({
    "population", "population_thousands", "population_men_thousands",
    "population_women_thousands", "unemployed", "area_ha",
    "population_pre_working", "population_working", "population_working_mobile",
    "population_working_non_mobile", "population_post_working",
})

# Densities are averaged with area weights, which gives total population over total area.
AREA_WEIGHTED_INDICATORS = frozenset({"density", "density_derived"})

# Rasters of the data mirror that areas can be summarised over; categorical ones give shares.
RASTERS = {
    "dem_wielkopolska": ("rasters/dem_wielkopolska_500m_epsg2180.tif", "continuous"),
    "dem_lublin": ("rasters/dem_lublin_srtm1s_epsg4326.tif", "continuous"),
    "suwalki_elevation": ("rasters/suwalki_srtm.tif", "continuous"),
    "suwalki_ndvi": ("rasters/suwalki_ndvi.tif", "continuous"),
    "suwalki_landcover": ("rasters/suwalki_clc.tif", "categorical"),
}
# What each raster shows, in Polish and English, for people choosing one.
RASTER_LABELS = {
    "dem_wielkopolska": ("Wysokość terenu, Wielkopolska (500 m)", "Elevation, Wielkopolska (500 m)"),
    "dem_lublin": ("Wysokość terenu, okolice Lublina (SRTM)", "Elevation around Lublin (SRTM)"),
    "suwalki_elevation": ("Wysokość terenu, okolice Suwałk (SRTM, 90 m)",
                          "Elevation near Suwałki (SRTM, 90 m)"),
    "suwalki_ndvi": ("NDVI, okolice Suwałk (90 m)", "NDVI near Suwałki (90 m)"),
    "suwalki_landcover": ("Pokrycie terenu CORINE, okolice Suwałk",
                          "CORINE land cover near Suwałki"),
}
