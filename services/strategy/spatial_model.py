"""The model of the functional-spatial structure (model struktury funkcjonalno-przestrzennej):
the partnership's gminas, its functional areas, the areas of strategic intervention among them,
the planned projects by theme and the main towns — as layers for the page's map and as a PNG
for the documents (drawn like the diagnosis's maps, services/diagnosis/maps.py).

Main towns, the rule: the partnership's urban gminas (TERYT type digit 1) and urban-rural
gminas (digit 3, which hold a town), marked at a point inside each and sized by population;
a partnership of rural gminas only shows its most populous gmina instead.
"""

from __future__ import annotations

import json
import textwrap

import geopandas as gpd
import sqlalchemy as sa
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from services.access.rules import SYSTEM, Principal, require_read
from services.db import database_errors
from services.diagnosis import maps as diagnosis_maps
from services.strategy.reach import population_source

TOWN_TYPES = ("1", "3")
THEME_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
                 "#a6761d", "#1f78b4")
AREA_COLOUR = "#6a51a3"
INTERVENTION_COLOUR = "#e31a1c"
GMINA_FILL = "#f7f4ea"
# drawing order: areas < project lines and polygons < main towns < their names < project points
PROJECT_SHAPES_Z, TOWN_Z, PROJECT_POINTS_Z = 4, 6, 8

WORDS = {
    "legend": ("Legenda", "Legend"),
    "gminas": ("gminy partnerstwa", "the partnership's gminas"),
    "area": ("obszar funkcjonalny", "functional area"),
    "intervention": ("obszar strategicznej interwencji", "area of strategic intervention"),
    "town": ("główny ośrodek (gmina miejska lub miejsko-wiejska)",
             "main town (urban or urban-rural gmina)"),
    "no_theme": ("bez tematu", "no theme"),
    "project": ("przedsięwzięcie: {theme}", "project: {theme}"),
    "rule": ("Główne ośrodki: gminy miejskie (cyfra rodzaju TERYT 1) i miejsko-wiejskie (3),"
             " wielkość znaku według liczby ludności ({year}); bez takich gmin — gmina"
             " najludniejsza.",
             "Main towns: urban gminas (TERYT type digit 1) and urban-rural gminas (3), sized"
             " by population ({year}); without them, the most populous gmina."),
}


def word(key: str, lang: str, **values) -> str:
    pl, en = WORDS[key]
    return (en if lang == "en" else pl).format(**values)


def theme_colours(themes) -> dict[str, str]:
    """One colour per theme, stable for a given set of themes (sorted)."""
    names = sorted({t or "" for t in themes})
    return {t: THEME_COLOURS[i % len(THEME_COLOURS)] for i, t in enumerate(names)}


def main_towns(gminas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The gminas shown as main towns (see the module's rule), most populous first."""
    if not len(gminas):
        return gminas
    towns = gminas[gminas["gmina_type"].astype(str).isin(TOWN_TYPES)]
    if not len(towns):
        towns = gminas.sort_values("population", ascending=False, na_position="last").head(1)
    return towns.sort_values("population", ascending=False, na_position="last")


def layers(conn, pid: str, intervention_ids=()) -> dict:
    """The model's layers in EPSG:2180 (GeoDataFrames) and the population year used."""
    frame = diagnosis_maps._frame  # one way of reading PostGIS rows into frames
    source = population_source(conn)
    code, year, factor = source if source else ("population", None, 1.0)
    gminas = frame(conn, (
        "SELECT g.teryt, g.name, g.gmina_type::text AS gmina_type, v.value * :factor AS"
        " population, ST_X(ST_PointOnSurface(g.geom)) AS x, ST_Y(ST_PointOnSurface(g.geom))"
        " AS y, ST_AsBinary(ST_SimplifyPreserveTopology(g.geom, 40)) AS wkb"
        " FROM gmina g JOIN partnership_gmina pg ON pg.gmina_teryt = g.teryt"
        " LEFT JOIN indicator_value v ON v.teryt = g.teryt AND v.level = 'gmina'"
        "  AND v.indicator_code = :code AND v.year = :year"
        " WHERE pg.partnership_id = :pid ORDER BY g.teryt"),
        {"pid": pid, "code": code, "year": year, "factor": factor})
    areas = frame(conn, (
        "SELECT id, name, kind, id = ANY(CAST(:ids AS bigint[])) AS intervention,"
        " ST_AsBinary(ST_SimplifyPreserveTopology(geom, 25)) AS wkb FROM functional_area"
        " WHERE partnership_id = :pid AND NOT deleted ORDER BY id"),
        {"pid": pid, "ids": [int(i) for i in intervention_ids]})
    projects = frame(conn, (
        "SELECT id, title, theme, ST_AsBinary(geom) AS wkb FROM project"
        " WHERE partnership_id = :pid AND NOT deleted ORDER BY id"), {"pid": pid})
    return {"gminas": gminas, "areas": areas, "projects": projects,
            "towns": main_towns(gminas), "population_year": year}


def _intervention_ids(engine, pid: str, actor: Principal) -> list[int]:
    from services.strategy.model import strategy_model

    return [a["area_id"] for a in strategy_model(engine, pid, actor).get(
        "intervention_areas", [])]


def model_png(engine: sa.Engine, pid: str, lang: str = "pl", intervention_ids=None, *,
              actor: Principal = SYSTEM) -> bytes:
    """The model as a PNG map with a legend, scale bar, north arrow and source."""
    if intervention_ids is None:
        intervention_ids = _intervention_ids(engine, pid, actor)
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        drawn = layers(conn, pid, intervention_ids)
        vintage = ", ".join(str(v) for v in conn.execute(sa.text(
            "SELECT DISTINCT g.as_of FROM gmina g JOIN partnership_gmina pg"
            " ON pg.gmina_teryt = g.teryt WHERE pg.partnership_id = :pid ORDER BY 1"),
            {"pid": pid}).scalars()) or "–"
    fig, ax = draw_model(drawn, lang)
    return diagnosis_maps._finish(fig, ax, lang, vintage)


def draw_model(drawn: dict, lang: str = "pl"):
    """The model's figure and axes from ``layers()``: gminas, areas, projects above the main
    towns, the legend beside the map."""
    import matplotlib.pyplot as plt

    gminas, areas, projects, towns = (drawn[k] for k in ("gminas", "areas", "projects", "towns"))
    # The legend sits beside the map, never over the partnership.
    fig, ax = plt.subplots(figsize=(9.4, 6.4))
    fig.subplots_adjust(0.01, 0.05, 0.70, 0.99)
    handles = []
    if len(gminas):
        gminas.plot(ax=ax, facecolor=GMINA_FILL, edgecolor="#9e9e9e", linewidth=0.6)
        handles.append(Patch(facecolor=GMINA_FILL, edgecolor="#9e9e9e",
                             label=word("gminas", lang)))
    if len(areas):
        plain = areas[~areas["intervention"]]
        chosen = areas[areas["intervention"]]
        if len(plain):
            plain.plot(ax=ax, facecolor=AREA_COLOUR, alpha=0.18, edgecolor=AREA_COLOUR,
                       linewidth=1.0)
            handles.append(Patch(facecolor=AREA_COLOUR, alpha=0.3, edgecolor=AREA_COLOUR,
                                 label=word("area", lang)))
        if len(chosen):
            chosen.plot(ax=ax, facecolor="none", edgecolor=INTERVENTION_COLOUR, hatch="///",
                        linewidth=1.4)
            handles.append(Patch(facecolor="none", edgecolor=INTERVENTION_COLOUR, hatch="///",
                                 label=word("intervention", lang)))
    if len(projects):
        colours = theme_colours(projects["theme"])
        for theme, colour in colours.items():
            part = projects[projects["theme"].fillna("") == theme]
            kinds = part.geometry.geom_type
            polys = part[kinds.str.contains("Polygon")]
            lines = part[kinds.str.contains("Line")]
            points = part[kinds.str.contains("Point")]
            if len(polys):
                polys.plot(ax=ax, facecolor=colour, edgecolor=colour, alpha=0.8,
                           zorder=PROJECT_SHAPES_Z)
            if len(lines):
                lines.plot(ax=ax, color=colour, linewidth=2.2, zorder=PROJECT_SHAPES_Z)
            if len(points):
                # above the main towns' dots and names: a project in a town stays visible
                points.plot(ax=ax, color=colour, markersize=34, marker="s", edgecolor="white",
                            linewidth=0.8, zorder=PROJECT_POINTS_Z)
            label = word("project", lang, theme=theme or word("no_theme", lang))
            handles.append(Line2D([], [], color=colour, marker="s", linewidth=2,
                                  label=diagnosis_maps._safe(textwrap.shorten(label, 48))))
    if len(towns):
        biggest = towns["population"].max() or 1
        sizes = [30 + 170 * ((p or 0) / biggest) for p in towns["population"].fillna(0)]
        ax.scatter(towns["x"], towns["y"], s=sizes, facecolor="#252525", edgecolor="white",
                   linewidth=1.0, zorder=TOWN_Z)
        for row in towns.itertuples():
            ax.annotate(diagnosis_maps._safe(row.name), (row.x, row.y), xytext=(5, 4),
                        textcoords="offset points", fontsize=7, zorder=TOWN_Z + 1,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.75})
        handles.append(Line2D([], [], color="#252525", marker="o", linestyle="",
                              markeredgecolor="white", label=word("town", lang)))
    if len(gminas):
        diagnosis_maps._extent(ax, gminas.total_bounds, margin=0.1)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0,
              fontsize=6.5, title=word("legend", lang), title_fontsize=7, framealpha=0.9)
    return fig, ax


def model_layers(engine: sa.Engine, pid: str, lang: str = "pl", *,
                 actor: Principal = SYSTEM) -> dict:
    """The model for the page: GeoJSON (EPSG:4326) of each layer, the legend and the rule."""
    intervention_ids = _intervention_ids(engine, pid, actor)
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        name = conn.execute(sa.text("SELECT name FROM partnership WHERE id = :pid"),
                            {"pid": pid}).scalar_one()
        drawn = layers(conn, pid, intervention_ids)
    colours = theme_colours(drawn["projects"]["theme"]) if len(drawn["projects"]) else {}

    def geojson(frame: gpd.GeoDataFrame, columns: list[str]) -> dict:
        if not len(frame):
            return {"type": "FeatureCollection", "features": []}
        # through JSON: numpy's numbers and booleans become plain ones
        return json.loads(frame[columns + ["geometry"]].to_crs(4326).to_json(drop_id=True))

    towns = drawn["towns"].copy()
    if len(towns):
        towns = towns.set_geometry(gpd.points_from_xy(towns["x"], towns["y"], crs=2180))
    projects = drawn["projects"].copy()
    if len(projects):
        projects["colour"] = [colours[t or ""] for t in projects["theme"]]
    legend = [{"kind": "gminas", "label": word("gminas", lang), "colour": "#9e9e9e"},
              {"kind": "area", "label": word("area", lang), "colour": AREA_COLOUR},
              {"kind": "intervention", "label": word("intervention", lang),
               "colour": INTERVENTION_COLOUR},
              *({"kind": "project", "label": word("project", lang,
                                                  theme=t or word("no_theme", lang)),
                 "colour": c} for t, c in colours.items()),
              {"kind": "town", "label": word("town", lang), "colour": "#252525"}]
    return {"partnership": {"id": pid, "name": name},
            "gminas": geojson(drawn["gminas"], ["teryt", "name"]),
            "areas": geojson(drawn["areas"], ["id", "name", "kind", "intervention"]),
            "projects": geojson(projects, ["id", "title", "theme", "colour"]),
            "towns": geojson(towns, ["teryt", "name", "population"]),
            "legend": legend,
            "rule": word("rule", lang, year=drawn["population_year"] or "–")}
