"""Preparing administrative boundary polygons: projection, repair, plausibility."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

EPSG_PUWG1992 = 2180

# A box around Poland in EPSG:2180 (x = easting, y = northing), with ~30 km to spare around
# the extent of the PRG country boundary (171,786-861,828 E; 133,238-775,019 N).
POLAND_BOX_2180 = (140_000.0, 100_000.0, 895_000.0, 805_000.0)
# The same in degrees (lon, lat), for telling swapped axes from plain wrong coordinates.
POLAND_BOX_LONLAT = (13.5, 48.8, 24.5, 55.2)

POLYGONAL = ("Polygon", "MultiPolygon")


def to_puwg1992(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of ``frame`` in EPSG:2180 (PUWG 1992).

    Parameters
    ----------
    frame : GeoDataFrame
        Any CRS; must have one.

    Returns
    -------
    GeoDataFrame
        A new frame; the input is not changed.
    """
    if frame.crs is None:
        raise ValueError("the frame has no CRS")
    if frame.crs.to_epsg() == EPSG_PUWG1992:
        return frame.copy()
    return frame.to_crs(EPSG_PUWG1992)


def outside_box(geoms: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """Boolean mask of geometries whose bounding box is not inside ``box``."""
    bounds = shapely.bounds(geoms)
    minx, miny, maxx, maxy = box
    return ~(
        (bounds[:, 0] >= minx) & (bounds[:, 1] >= miny)
        & (bounds[:, 2] <= maxx) & (bounds[:, 3] <= maxy)
    )


def axes_look_swapped(geoms: np.ndarray) -> bool:
    """True when geographic coordinates would fall inside Poland with x and y exchanged."""
    bounds = shapely.bounds(geoms)
    minx, miny, maxx, maxy = np.nanmin(bounds[:, 0]), np.nanmin(bounds[:, 1]), \
        np.nanmax(bounds[:, 2]), np.nanmax(bounds[:, 3])
    lon0, lat0, lon1, lat1 = POLAND_BOX_LONLAT
    return bool(minx >= lat0 and maxx <= lat1 and miny >= lon0 and maxy <= lon1)


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    if geom.geom_type in POLYGONAL:
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.MultiPolygon()


def repair_polygons(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Make polygons valid and return them as MultiPolygons.

    Parameters
    ----------
    geoms : ndarray of shapely geometries
        Polygons or MultiPolygons, possibly invalid.

    Returns
    -------
    repaired : ndarray
        Valid MultiPolygons (an input that collapses entirely becomes an empty MultiPolygon).
    was_invalid : ndarray of bool
        Which inputs needed repair.
    """
    geoms = np.asarray(geoms, dtype=object)
    was_invalid = ~shapely.is_valid(geoms)
    out = geoms.copy()
    if was_invalid.any():
        # "structure" keeps the areas a digitiser meant; collapsed slivers are dropped.
        fixed = shapely.make_valid(geoms[was_invalid], method="structure", keep_collapsed=False)
        out[was_invalid] = [_polygonal_part(g) for g in fixed]
    single = shapely.get_type_id(out) == 3
    out[single] = [shapely.MultiPolygon([g]) for g in out[single]]
    multi = shapely.get_type_id(out) == 7  # collections left by repair
    out[multi] = [shapely.MultiPolygon(list(shapely.get_parts(g))) for g in out[multi]]
    return out, was_invalid


def normalise_codes(values: pd.Series, code_length: int) -> tuple[pd.Series, int]:
    """TERYT codes as text of ``code_length`` digits.

    Numbers (codes read from numeric columns lose their leading zero) are zero-padded; text is
    stripped and left as it is, so that malformed codes can be reported.

    Returns
    -------
    codes : Series of str
    padded : int
        How many numeric codes were padded.
    """
    if pd.api.types.is_numeric_dtype(values):
        as_int = values.astype("Int64").astype("string")
        padded = int((as_int.str.len() < code_length).sum())
        return as_int.str.zfill(code_length).astype(object), padded
    codes = values.astype("string").str.strip().fillna("").astype(object)
    return codes, 0
