"""A QGIS-ready GeoPackage of one partnership, styled like the web map.

Layers (EPSG:2180): the partnership's outline, its member gminas with the newest indicator
values and the newest LISA cluster label, functional areas, and projects split by geometry
type. Each layer gets its styles in the GeoPackage's ``layer_styles`` table (QML for QGIS,
SLD for others); QGIS applies the row marked ``useAsDefault`` when the layer is opened.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pyogrio
import sqlalchemy as sa

from core.errors import InvalidInput
from services.access.rules import SYSTEM, Principal, require_read
from services.analysis.mapdata import indicator_map
from services.db import database_errors
from services.ogc import styles
from services.ogc.collections import (
    GMINA_INDICATORS,
    POPULATION_CODES,
    POPULATION_ORDER,
    POPULATION_VALUE,
)

# The indicator the gmina layer is coloured by, first one that has values.
CHOROPLETH_PREFERENCE = ("marginalisation_risk", "unemployed_per_1000", "population_change_pct_3y",
                         "density")
# Consultation points (to come) get one more entry in LAYERS with their own style.


@dataclass(frozen=True)
class PackageLayer:
    name: str
    geometry_type: str
    sql: str  # :pid bound; columns plus geom in EPSG:2180


def _indicator_sql() -> str:
    def one(c: str) -> str:
        if c == "population":  # the newest of counts and thousands, and its year
            where = (f"v.indicator_code IN ({', '.join(repr(x) for x in POPULATION_CODES)})"
                     " AND v.level = 'gmina' AND v.teryt = g.teryt")
            return (f", (SELECT {POPULATION_VALUE} FROM indicator_value v WHERE {where}"
                    f" ORDER BY {POPULATION_ORDER} LIMIT 1) AS population,"
                    f" (SELECT max(v.year) FROM indicator_value v WHERE {where})::int"
                    " AS population_year")
        return (f", (SELECT v.value FROM indicator_value v WHERE v.indicator_code = '{c}'"
                f" AND v.level = 'gmina' AND v.teryt = g.teryt ORDER BY v.year DESC LIMIT 1)"
                f" AS {c}")
    return "".join(one(c) for c in GMINA_INDICATORS)


_PROJECTS = ("SELECT p.id, p.title, p.theme, p.description, p.cost_pln::float AS cost_pln,"
             " p.funding_source, p.start_date, p.end_date, p.feasibility,"
             " p.priority::int AS priority, array_to_string(p.gminas, ',') AS gminas,"
             " ST_Multi(p.geom) AS geom FROM project p WHERE p.partnership_id = :pid"
             " AND NOT p.deleted AND GeometryType(p.geom) IN {types} ORDER BY p.id")

LAYERS = (
    PackageLayer("partnership", "MultiPolygon",
                 "SELECT id, name, programme, status, geom FROM partnership WHERE id = :pid"),
    PackageLayer("gminas", "MultiPolygon",
                 "SELECT g.teryt, g.name, g.gmina_type::int AS gmina_type" + _indicator_sql()
                 + ", r.label AS lisa_label, r.run_id AS lisa_run, g.geom"
                 " FROM partnership_gmina pg JOIN gmina g ON g.teryt = pg.gmina_teryt"
                 " LEFT JOIN analysis_result r ON r.teryt = g.teryt AND r.run_id = :lisa_run"
                 " WHERE pg.partnership_id = :pid ORDER BY g.teryt"),
    PackageLayer("functional_areas", "MultiPolygon",
                 "SELECT a.id, a.name, a.kind, a.description, a.delineation,"
                 " array_to_string(a.gminas, ',') AS gminas, a.geom FROM functional_area a"
                 " WHERE a.partnership_id = :pid AND NOT a.deleted ORDER BY a.id"),
    PackageLayer("projects_points", "MultiPoint",
                 _PROJECTS.format(types="('POINT', 'MULTIPOINT')")),
    PackageLayer("projects_lines", "MultiLineString",
                 _PROJECTS.format(types="('LINESTRING', 'MULTILINESTRING')")),
    PackageLayer("projects_polygons", "MultiPolygon",
                 _PROJECTS.format(types="('POLYGON', 'MULTIPOLYGON')")),
)

LAYER_STYLES_DDL = (
    "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256),"
    " f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,"
    " useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),"
    " update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))")


def _newest_lisa(conn, pid: str) -> int | None:
    return conn.execute(sa.text(
        "SELECT id FROM analysis_run WHERE kind = 'lisa' AND (scope NOT LIKE 'partnership:%'"
        " OR scope = 'partnership:' || :pid) ORDER BY id DESC LIMIT 1"), {"pid": pid}
    ).scalar_one_or_none()


def _choropleth(engine: sa.Engine, frame: gpd.GeoDataFrame) -> styles.Style | None:
    for code in CHOROPLETH_PREFERENCE:
        if code in frame and frame[code].notna().any():
            try:
                data = indicator_map(engine, code)  # national classes, as the web map shows
            except InvalidInput:
                continue
            title = f"{data['name_pl']} ({data['year']}, kwantyle, {len(data['breaks'])} klas)"
            return styles.choropleth_style(code, data["breaks"], data["min"],
                                           data["direction"], title)
    return None


def _styles_for(engine: sa.Engine, layer: PackageLayer, frame: gpd.GeoDataFrame
                ) -> list[styles.Style]:
    if layer.name == "gminas":
        out = [s for s in (_choropleth(engine, frame),) if s is not None]
        return out + [styles.lisa_style()]
    if layer.name == "partnership":
        return [styles.single_style("partnership", "fill", "#ffffff", outline="#1b1b1b",
                                    width=0.8, opacity=0.0)]
    if layer.name == "functional_areas":
        return [styles.single_style("functional areas", "fill", "#e07a5f", outline="#e07a5f",
                                    width=0.6, opacity=0.15)]
    geometry = {"MultiPoint": "marker", "MultiLineString": "line"}.get(layer.geometry_type,
                                                                       "fill")
    return [styles.theme_style(geometry, frame["theme"].fillna("").tolist())]


def _write_styles(path: Path, rows: list[tuple]) -> None:
    with sqlite3.connect(path) as db:
        db.execute(LAYER_STYLES_DDL)
        db.executemany(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name,"
            " f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description,"
            " owner, ui) VALUES ('', '', ?, 'geom', ?, ?, ?, ?, ?, 'partnerstwa', NULL)", rows)
        # Registered as an attributes table so that GeoPackage readers list it, as QGIS does.
        db.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier,"
            " last_change) VALUES ('layer_styles', 'attributes', 'layer_styles',"
            " strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))")


def build_package(engine: sa.Engine, pid: str, out: str | Path, *,
                  actor: Principal = SYSTEM) -> dict:
    """Write the partnership's package to ``out``; returns the layers and their counts."""
    out = Path(out)
    if out.suffix.lower() != ".gpkg":
        raise InvalidInput("%(out)s: the package is a GeoPackage; name it *.gpkg", out=out)
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        lisa_run = _newest_lisa(conn, pid)
        frames = [(layer, gpd.read_postgis(sa.text(layer.sql), conn, geom_col="geom",
                                           params={"pid": pid, "lisa_run": lisa_run}))
                  for layer in LAYERS]
    tmp = out.with_name(out.stem + ".part.gpkg")
    tmp.unlink(missing_ok=True)
    counts, style_rows = {}, []
    for layer, frame in frames:
        frame = frame.set_crs(2180, allow_override=True)
        pyogrio.write_dataframe(frame, tmp, layer=layer.name, driver="GPKG",
                                geometry_type=layer.geometry_type, promote_to_multi=True,
                                append=tmp.exists(), dataset_options={"VERSION": "1.2"})
        counts[layer.name] = len(frame)
        for i, style in enumerate(_styles_for(engine, layer, frame)):
            style_rows.append((layer.name, style.name[:30], styles.qml(style),
                               styles.sld(layer.name, style), i == 0, style.description))
    _write_styles(tmp, style_rows)
    tmp.replace(out)
    return {"path": str(out), "partnership": pid, "layers": counts, "lisa_run": lisa_run,
            "styles": len(style_rows)}
