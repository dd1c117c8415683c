"""The one table of export formats (no heavy imports: the CLI builds its choices from it).

The CLI's --format choices, the OpenAPI enum, the download route (suffix, media type) and
the workspace's export buttons read this table; ``exports.export`` dispatches on ``writer``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportFormat:
    code: str
    label: str  # as the UI shows it
    suffix: str
    mimetype: str
    writer: str  # 'shapefile_zip', 'csv' or 'ogr' (a GDAL driver)
    driver: str = ""
    epsg: int = 2180
    in_ui: bool = True


EXPORT_FORMATS = {f.code: f for f in (
    ExportFormat("shp", "Shapefile", ".zip", "application/zip", "shapefile_zip"),
    ExportFormat("gpkg", "GeoPackage", ".gpkg", "application/geopackage+sqlite3", "ogr", "GPKG"),
    ExportFormat("geojson", "GeoJSON", ".geojson", "application/geo+json", "ogr", "GeoJSON",
                 4326),
    ExportFormat("csv", "CSV", ".csv", "text/csv", "csv"),
    ExportFormat("fgb", "FlatGeobuf", ".fgb", "application/octet-stream", "ogr", "FlatGeobuf",
                 in_ui=False),
)}
EXPORTABLE = ("projects", "areas", "partnerships")
