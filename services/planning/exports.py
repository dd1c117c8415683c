"""Exports of projects, functional areas and partnerships: Shapefile (zip), GeoPackage,
GeoJSON (EPSG:4326), CSV and FlatGeobuf.

A Shapefile holds one geometry type, so a Shapefile export is a zip with one set per type
(points, lines, polygons), field names of at most 10 ASCII characters and a FIELDS.csv that
maps them back; text is UTF-8 (.cpg), dates are Date fields, costs are numbers.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyogrio
import shapely
import sqlalchemy as sa
from psycopg import sql as psql
from pyproj import Transformer

from core.csv_cells import safe_cell
from core.errors import BadRequest, NotFound
from services.access.rules import SYSTEM, Principal, readable_filter, require_read
from services.db import database_errors
from services.planning.export_formats import EXPORT_FORMATS, ExportFormat
from services.planning.fields import AREA_KINDS

DBF_TEXT_BYTES = 254
# The CSV geometry column: GDAL's CSV driver takes a column named WKT as the geometry.
CSV_GEOMETRY = "WKT"
CSV_PRJ = ('PROJCS["ETRF2000-PL / CS92",GEOGCS["ETRF2000-PL",DATUM["ETRF2000_Poland",'
           'SPHEROID["GRS 1980",6378137,298.257222101]],PRIMEM["Greenwich",0],'
           'UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
           'PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",19],'
           'PARAMETER["scale_factor",0.9993],PARAMETER["false_easting",500000],'
           'PARAMETER["false_northing",-5300000],UNIT["metre",1],AUTHORITY["EPSG","2180"]]')


@dataclass(frozen=True)
class Field:
    source: str  # column of the query
    short: str  # Shapefile name, at most 10 ASCII characters
    kind: str  # 'text', 'int', 'float', 'date'
    meaning: str


DATASETS = {
    "projects": {
        "sql": (
            "SELECT p.id, p.partnership_id, p.title, p.description, p.theme,"
            " p.cost_pln::float AS cost_pln, p.funding_source, p.funding_label, p.start_date,"
            " p.end_date,"
            " p.feasibility, p.priority, array_to_string(p.gminas, ',') AS gminas,"
            " array_to_string(p.area_ids, ',') AS area_ids, p.version,"
            " encode(ST_AsBinary(p.geom), 'hex') AS wkb, GeometryType(p.geom) AS gtype FROM project p"
            " JOIN partnership s ON s.id = p.partnership_id WHERE NOT p.deleted"),
        "fields": (
            Field("id", "ID", "int", "project id"),
            Field("partnership_id", "PARTNER", "text", "partnership id"),
            Field("title", "TITLE", "text", "title"),
            Field("description", "DESCR", "text", "description (cut to 254 bytes)"),
            Field("theme", "THEME", "text", "theme"),
            Field("cost_pln", "COST_PLN", "float", "estimated cost, PLN"),
            Field("funding_source", "FUNDING", "text", "funding source"),
            Field("funding_label", "FUND_LABEL", "text", "funding as the imported file wrote it"),
            Field("start_date", "START_DATE", "date", "planned start"),
            Field("end_date", "END_DATE", "date", "planned end"),
            Field("feasibility", "FEASIBIL", "text", "feasibility study status"),
            Field("priority", "PRIORITY", "int", "priority 1 (highest) to 3"),
            Field("gminas", "GMINAS", "text", "TERYT codes of the gminas it lies in"),
            Field("area_ids", "AREA_IDS", "text", "linked functional areas"),
            Field("version", "VERSION", "int", "version number"),
        ),
    },
    "areas": {
        "sql": (
            "SELECT a.id, a.partnership_id, a.name, a.kind, a.description, a.delineation,"
            " array_to_string(a.gminas, ',') AS gminas, ST_Area(a.geom) / 1e6 AS area_km2,"
            " a.version, encode(ST_AsBinary(a.geom), 'hex') AS wkb, 'MULTIPOLYGON' AS gtype"
            " FROM functional_area a JOIN partnership s ON s.id = a.partnership_id"
            " WHERE NOT a.deleted"),
        "fields": (
            Field("id", "ID", "int", "functional area id"),
            Field("partnership_id", "PARTNER", "text", "partnership id"),
            Field("name", "NAME", "text", "name"),
            Field("kind", "KIND", "text", ", ".join(AREA_KINDS)),
            Field("description", "DESCR", "text", "description (cut to 254 bytes)"),
            Field("delineation", "DELINEAT", "text", "gminas or drawn"),
            Field("gminas", "GMINAS", "text", "TERYT codes (areas made of gminas)"),
            Field("area_km2", "AREA_KM2", "float", "area in km2"),
            Field("version", "VERSION", "int", "version number"),
        ),
    },
    "partnerships": {
        "sql": (
            "SELECT s.id, s.name, s.programme, s.status,"
            " array_to_string(s.voivodeships, ',') AS voivodeships,"
            " ST_Area(s.geom) / 1e6 AS area_km2, encode(ST_AsBinary(s.geom), 'hex') AS wkb,"
            " 'MULTIPOLYGON' AS gtype FROM partnership s WHERE s.geom IS NOT NULL"),
        "fields": (
            Field("id", "ID", "text", "partnership id"),
            Field("name", "NAME", "text", "name"),
            Field("programme", "PROGRAMME", "text", "programme"),
            Field("status", "STATUS", "text", "status"),
            Field("voivodeships", "VOIVODSHIP", "text", "voivodeship TERYT codes"),
            Field("area_km2", "AREA_KM2", "float", "area in km2"),
        ),
    },
}
FAMILY = {"POINT": "points", "MULTIPOINT": "points", "LINESTRING": "lines",
          "MULTILINESTRING": "lines", "POLYGON": "polygons", "MULTIPOLYGON": "polygons"}
SINGLE = {"points": "Point", "lines": "LineString", "polygons": "Polygon"}


ARROW_TYPES = {"int": pa.int64(), "float": pa.float64(), "date": pa.date32(),
               "text": pa.string()}


def _fetch(engine: sa.Engine, what: str, partnership: str | None,
           voivodeship: str | None, actor: Principal) -> pa.Table:
    """The dataset as an Arrow table, streamed out of PostgreSQL with COPY (columnar all the
    way: no Python object per value)."""
    if what not in DATASETS:
        raise NotFound("nothing to export called %(what)r; choose %(datasets)s", what=what,
                       datasets=', '.join(DATASETS))
    sql = DATASETS[what]["sql"]
    allowed, allowed_params = readable_filter(actor, "s.id")
    sql += (f" AND {allowed.replace(':acc_voiv', '{acc_voiv}').replace(':acc_pids', '{acc_pids}')}"
            " AND (CAST({p} AS text) IS NULL OR s.id = {p})"
            " AND (CAST({v} AS text) IS NULL OR {v} = ANY(s.voivodeships)) ORDER BY 1")
    buffer = io.BytesIO()
    with database_errors(), engine.connect() as conn:
        if partnership:
            require_read(conn, actor, partnership)
        cursor = conn.connection.driver_connection.cursor()
        # COPY takes no parameters: the values are bound as quoted literals by psycopg.
        literals = {k: psql.Literal(v) for k, v in allowed_params.items()}
        query = psql.SQL(sql).format(p=psql.Literal(partnership), v=psql.Literal(voivodeship),
                                     **literals).as_string(cursor)
        with cursor, cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER true)"
                                 ) as copy:
            for chunk in copy:
                buffer.write(chunk)
    buffer.seek(0)
    types = {f.source: ARROW_TYPES[f.kind] for f in DATASETS[what]["fields"]}
    types.update(wkb=pa.string(), gtype=pa.string())
    # PostgreSQL writes NULL unquoted and empty text as "": keep that distinction. One block
    # for the whole buffer: a value longer than a block (the hex of a geometry of 100,000
    # vertices) would otherwise straddle two blocks, which Arrow refuses.
    size = buffer.getbuffer().nbytes
    return pacsv.read_csv(buffer, read_options=pacsv.ReadOptions(
                              block_size=min(max(size + 1, 1 << 20), 2**31 - 1)),
                          parse_options=pacsv.ParseOptions(newlines_in_values=True),
                          convert_options=pacsv.ConvertOptions(
                              column_types=types, strings_can_be_null=True,
                              quoted_strings_can_be_null=False))


def _cut(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Text cut to the 254 bytes a DBF field holds, on a character boundary."""
    too_long = pc.greater(pc.binary_length(column), DBF_TEXT_BYTES)
    if not pc.any(too_long).as_py():
        return column
    values = [v if v is None or len(v.encode()) <= DBF_TEXT_BYTES
              else v.encode()[:DBF_TEXT_BYTES].decode("utf-8", "ignore")
              for v in column.to_pylist()]
    return pa.chunked_array([pa.array(values, pa.string())])


def _table(data: pa.Table, fields, geoms: np.ndarray, *, shapefile: bool) -> pa.Table:
    columns = {}
    for f in fields:
        column = data.column(f.source)
        columns[f.short if shapefile else f.source] = (
            _cut(column) if shapefile and f.kind == "text" else column)
    columns["geometry"] = pa.array(shapely.to_wkb(geoms), pa.binary())
    return pa.table(columns)


def _mapping_csv(fields) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["shapefile_field", "source_field", "type", "meaning"])
    for f in fields:
        writer.writerow([f.short, f.source, f.kind, f.meaning])
    return out.getvalue()


def _as_multipoints(geoms: np.ndarray) -> np.ndarray:
    """Points and multipoints together as multipoints (a Point .shp holds no multipoints)."""
    parts, owners = shapely.get_parts(geoms, return_index=True)
    return shapely.multipoints(parts, indices=owners)


def _write_shapefiles(data: pa.Table, fields, geoms, folder: Path, what: str) -> list[str]:
    families = np.array([FAMILY[g] for g in data.column("gtype").to_pylist()])
    written = []
    for fam in ("points", "lines", "polygons"):
        chosen = np.flatnonzero(families == fam)
        if not chosen.size:
            continue
        subset = data.take(pa.array(chosen))
        shapes = shapely.force_2d(geoms[chosen])
        # Line and polygon Shapefiles hold single and multi-part shapes alike; a point
        # Shapefile holds points only, so mixed points become multipoints.
        layer_type = SINGLE[fam]
        if fam == "points" and (shapely.get_type_id(shapes) == 4).any():
            shapes, layer_type = _as_multipoints(shapes), "MultiPoint"
        name = f"{what}_{fam}"
        pyogrio.write_arrow(_table(subset, fields, shapes, shapefile=True),
                            folder / f"{name}.shp", driver="ESRI Shapefile",
                            geometry_name="geometry", geometry_type=layer_type,
                            crs="EPSG:2180", encoding="UTF-8")
        written.append(name)
    return written


def _zip_shapefiles(data, fields, geoms, out: Path, what: str, fmt: ExportFormat
                    ) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="partnerstwa-shp-") as tmp:
        layers = _write_shapefiles(data, fields, geoms, Path(tmp), what)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(Path(tmp).iterdir()):
                zf.write(path, path.name)
            zf.writestr("FIELDS.csv", _mapping_csv(fields))
            zf.writestr("README.txt", (
                f"partnerstwa: {what}, EPSG:2180 (PUWG 1992), UTF-8.\n"
                "A Shapefile holds one geometry type: one set of files per type.\n"
                "FIELDS.csv maps the 10-character field names to their meaning.\n"
                "Źródło: GUGiK, GUS; partnerstwa.\n"))
    return layers


CSVT_TYPES = {"int": "Integer", "float": "Real", "date": "Date", "text": "String"}


def _write_csv(data, fields, geoms, out: Path, what: str, fmt: ExportFormat) -> list[str]:
    """UTF-8 CSV with the geometry as WKT (EPSG:2180) in the column GDAL reads as geometry.

    Beside it, as GDAL's own CSV writer does, a ``.csvt`` (column types) and a ``.prj``
    (EPSG:2180), so ogr2ogr and QGIS read types and CRS; the HTTP download is the CSV alone.
    """
    columns = [[safe_cell(v) for v in data.column(f.source).to_pylist()]
               if f.kind == "text" else data.column(f.source).to_pylist() for f in fields]
    wkt = shapely.to_wkt(geoms, rounding_precision=-1) if len(geoms) else []
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([f.source for f in fields] + [CSV_GEOMETRY])
        writer.writerows(zip(*columns, wkt, strict=True))
    return [what]


def _csv_companions(out: Path, fields) -> None:
    out.with_suffix(".csvt").write_text(
        ",".join([CSVT_TYPES[f.kind] for f in fields] + ["WKT"]) + "\n", encoding="ascii")
    out.with_suffix(".prj").write_text(CSV_PRJ, encoding="ascii")


def _write_ogr(data, fields, geoms, out: Path, what: str, fmt: ExportFormat) -> list[str]:
    if fmt.epsg != 2180 and len(geoms):
        transformer = Transformer.from_crs(2180, fmt.epsg, always_xy=True)
        geoms = shapely.transform(geoms, lambda xy: np.column_stack(
            transformer.transform(xy[:, 0], xy[:, 1])))
    pyogrio.write_arrow(_table(data, fields, geoms, shapefile=False), out, driver=fmt.driver,
                        geometry_name="geometry", geometry_type="Unknown",
                        crs=f"EPSG:{fmt.epsg}", layer=what, encoding="UTF-8")
    return [what]


WRITERS = {"shapefile_zip": _zip_shapefiles, "csv": _write_csv, "ogr": _write_ogr}
FORMATS = {code: f.suffix for code, f in EXPORT_FORMATS.items()}


def export(engine: sa.Engine, what: str, fmt: str, out: str | Path, *,
           partnership: str | None = None, voivodeship: str | None = None,
           actor: Principal = SYSTEM, companions: bool = True) -> dict:
    """Write one dataset to ``out`` (a .zip for Shapefiles); returns what was written.

    ``companions``: a CSV gets its ``.csvt`` and ``.prj`` beside it (not for downloads).
    """
    if fmt not in EXPORT_FORMATS:
        raise BadRequest("format must be one of %(export_formats)s",
                         export_formats=', '.join(EXPORT_FORMATS))
    data = _fetch(engine, what, partnership, voivodeship, actor)
    fields = DATASETS[what]["fields"]
    geoms = shapely.from_wkb(data.column("wkb").to_numpy(zero_copy_only=False)) \
        if data.num_rows else np.array([], dtype=object)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.stem + ".part" + out.suffix)  # drivers read the suffix
    try:
        kind = EXPORT_FORMATS[fmt]
        layers = WRITERS[kind.writer](data, fields, geoms, partial, what, kind)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    if fmt == "csv" and companions:
        _csv_companions(out, fields)
    return {"path": str(out), "format": fmt, "features": data.num_rows, "layers": layers}
