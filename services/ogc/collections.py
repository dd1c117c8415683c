"""The one table of feature collections served by OGC API – Features.

Each row names its source SQL (columns ``fid``, ``geom`` in EPSG:2180 and the properties),
its geometry type, who may read it, its temporal field and the properties a client may filter
on. SQL identifiers come only from here; requests only choose among these rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG2180 = "http://www.opengis.net/def/crs/EPSG/0/2180"
STORAGE_CRS = EPSG2180

# Access levels: 'public' reference layers for everyone; 'working' data of partnerships need a
# signed-in session or a token and are limited by services.access.rules.readable_filter on
# the source's ``partnership_id`` column; 'analysis' runs are public unless their scope is a
# partnership, which then follows require_read.
ACCESS = ("public", "working", "analysis")

# Indicators whose newest gmina value (and its year) the gminas collection carries.
GMINA_INDICATORS = ("population", "density", "unemployed_per_1000", "population_change_pct_3y",
                    "net_migration_per_1000", "marginalisation_risk")


@dataclass(frozen=True)
class Collection:
    id: str
    title_pl: str
    title_en: str
    source: str  # SQL with columns fid, geom (EPSG:2180) and the properties
    geometry_type: str  # OGC / GeoJSON geometry type of the features
    access: str  # one of ACCESS
    properties: dict[str, str]  # name -> JSON type: string, integer, number, boolean, date
    queryables: tuple[str, ...] = ()  # simple properties a client may filter on by equality
    temporal: tuple[str, str] | None = None  # (start, end) columns of the feature's interval
    id_type: str = "string"
    params: dict = field(default_factory=dict)  # values bound into ``source``

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_pl


# Population: the newest year of either exact counts or thousands (GUS publishes thousands
# first), so the layer's population is that of the year every page shows; exact counts win a
# tie, as in services.planning.area_stats.population_by_gmina.
POPULATION_CODES = ("population", "population_thousands")
POPULATION_VALUE = ("CASE WHEN v.indicator_code = 'population_thousands' THEN v.value * 1000"
                    " ELSE v.value END")
POPULATION_ORDER = "v.year DESC, v.indicator_code = 'population' DESC"


def _pick(code: str) -> str:
    if code == "population":
        codes = ", ".join(f"'{c}'" for c in POPULATION_CODES)
        return (f"(array_agg({POPULATION_VALUE} ORDER BY {POPULATION_ORDER}) FILTER (WHERE"
                f" v.indicator_code IN ({codes})))[1] AS population, max(v.year) FILTER (WHERE"
                f" v.indicator_code IN ({codes}))::int AS population_year")
    return (f"(array_agg(v.value ORDER BY v.year DESC) FILTER (WHERE v.indicator_code ="
            f" '{code}'))[1] AS {code}, max(v.year) FILTER (WHERE v.indicator_code = '{code}')"
            f"::int AS {code}_year")


def _indicator_columns() -> str:
    return ", ".join(f"iv.{code}, iv.{code}_year" for code in GMINA_INDICATORS)


def _indicator_join() -> str:
    """The newest value and its year of each indicator in one pass over a gmina's values."""
    picks = ", ".join(_pick(code) for code in GMINA_INDICATORS)
    codes = ", ".join(f"'{code}'" for code in (*GMINA_INDICATORS, *POPULATION_CODES[1:]))
    return (f" LEFT JOIN LATERAL (SELECT {picks} FROM indicator_value v WHERE v.level = 'gmina'"
            f" AND v.teryt = g.teryt AND v.indicator_code IN ({codes})) iv ON true")


_PROJECT_SOURCE = (
    "SELECT p.id AS fid, p.geom, p.partnership_id, p.title, p.theme, p.description,"
    " p.cost_pln::float AS cost_pln, p.funding_source, p.start_date, p.end_date,"
    " p.feasibility, p.priority::int AS priority, array_to_string(p.gminas, ',') AS gminas,"
    " p.version FROM project p WHERE NOT p.deleted AND GeometryType(p.geom) IN {types}")
_PROJECT_PROPERTIES = {
    "partnership_id": "string", "title": "string", "theme": "string", "description": "string",
    "cost_pln": "number", "funding_source": "string", "start_date": "date",
    "end_date": "date", "feasibility": "string", "priority": "integer", "gminas": "string",
    "version": "integer"}
_PROJECT_QUERYABLES = ("partnership_id", "theme", "funding_source", "feasibility", "priority")


def _project_collection(suffix: str, pl: str, en: str, gtype: str, types: str) -> Collection:
    return Collection(
        f"projects_{suffix}", f"Przedsięwzięcia – {pl}", f"Projects – {en}",
        _PROJECT_SOURCE.format(types=types), gtype, "working", _PROJECT_PROPERTIES,
        _PROJECT_QUERYABLES, temporal=("start_date", "end_date"), id_type="integer")


COLLECTIONS: dict[str, Collection] = {c.id: c for c in (
    Collection(
        "voivodeships", "Województwa", "Voivodeships",
        "SELECT teryt AS fid, geom, teryt, name, as_of FROM voivodeship", "MultiPolygon",
        "public", {"teryt": "string", "name": "string", "as_of": "date"}, ("teryt", "name")),
    Collection(
        "powiats", "Powiaty", "Powiats",
        "SELECT teryt AS fid, geom, teryt, name, voivodeship_teryt, is_city, as_of FROM powiat",
        "MultiPolygon", "public",
        {"teryt": "string", "name": "string", "voivodeship_teryt": "string",
         "is_city": "boolean", "as_of": "date"},
        ("teryt", "name", "voivodeship_teryt", "is_city")),
    Collection(
        "gminas", "Gminy ze wskaźnikami", "Gminas with indicators",
        "SELECT g.teryt AS fid, g.geom, g.teryt, g.name, g.gmina_type::int AS gmina_type,"
        " g.powiat_teryt, g.voivodeship_teryt, g.as_of, " + _indicator_columns()
        + " FROM gmina g" + _indicator_join(),
        "MultiPolygon", "public",
        {"teryt": "string", "name": "string", "gmina_type": "integer", "powiat_teryt": "string",
         "voivodeship_teryt": "string", "as_of": "date",
         **{k: v for code in GMINA_INDICATORS
            for k, v in ((code, "number"), (f"{code}_year", "integer"))}},
        ("teryt", "name", "gmina_type", "powiat_teryt", "voivodeship_teryt")),
    Collection(
        "partnerships", "Partnerstwa", "Partnerships",
        "SELECT p.id AS fid, p.geom, p.id AS partnership_id, p.name, p.programme, p.status,"
        " array_to_string(p.voivodeships, ',') AS voivodeships,"
        " (SELECT count(*) FROM partnership_member m WHERE m.partnership_id = p.id)::int"
        " AS members FROM partnership p WHERE p.geom IS NOT NULL", "MultiPolygon", "working",
        {"partnership_id": "string", "name": "string", "programme": "string",
         "status": "string", "voivodeships": "string", "members": "integer"},
        ("partnership_id", "programme", "status")),
    Collection(
        "functional_areas", "Obszary funkcjonalne", "Functional areas",
        "SELECT a.id AS fid, a.geom, a.partnership_id, a.name, a.kind, a.description,"
        " a.delineation, array_to_string(a.gminas, ',') AS gminas, a.version"
        " FROM functional_area a WHERE NOT a.deleted", "MultiPolygon", "working",
        {"partnership_id": "string", "name": "string", "kind": "string",
         "description": "string", "delineation": "string", "gminas": "string",
         "version": "integer"},
        ("partnership_id", "kind", "delineation"), id_type="integer"),
    _project_collection("points", "punkty", "points", "MultiPoint", "('POINT', 'MULTIPOINT')"),
    _project_collection("lines", "linie", "lines", "MultiLineString",
                        "('LINESTRING', 'MULTILINESTRING')"),
    _project_collection("polygons", "poligony", "polygons", "MultiPolygon",
                        "('POLYGON', 'MULTIPOLYGON')"),
    # Consultation points (issue to come): add one row here, e.g.
    # Collection("consultation_points", "Punkty konsultacji", "Consultation points",
    #            "SELECT c.id AS fid, c.geom, c.partnership_id, ... FROM consultation_point c",
    #            "Point", "working", {...}, ("partnership_id",), temporal=("opens", "closes"))
)}

ANALYSIS_PREFIX = "analysis-"
ANALYSIS_PROPERTIES = {
    "teryt": "string", "name": "string", "value": "number", "std_value": "number",
    "statistic": "number", "quadrant": "integer", "label": "string", "p_value": "number",
    "z_score": "number", "fdr_significant": "boolean", "region_id": "integer"}


def analysis_collection(run: dict) -> Collection:
    """The collection of one stored analysis run (``run`` has id, kind, indicator, year and
    the indicator's names, name_pl and name_en)."""
    rid = int(run["id"])
    # The indicator by its catalogue name (``name_pl``/``name_en`` when the caller read them).
    name_pl = run.get("name_pl") or run["indicator"]
    name_en = run.get("name_en") or name_pl
    return Collection(
        f"{ANALYSIS_PREFIX}{rid}",
        f"Analiza {run['kind'].upper()} nr {rid}: {name_pl} {run['year']}",
        f"{run['kind'].upper()} analysis {rid}: {name_en} {run['year']}",
        "SELECT r.teryt AS fid, g.geom, r.teryt, g.name, r.value, r.std_value, r.statistic,"
        " r.quadrant::int AS quadrant, r.label, r.p_value, r.z_score, r.fdr_significant,"
        " r.region_id FROM analysis_result r JOIN gmina g ON g.teryt = r.teryt"
        " WHERE r.run_id = :run_id", "MultiPolygon", "analysis", ANALYSIS_PROPERTIES,
        ("teryt", "quadrant", "label", "fdr_significant", "region_id"),
        params={"run_id": rid})
