"""Checking geometries that users draw or upload before they are stored."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS, Transformer

from spatial.boundaries import POLAND_BOX_2180, axes_look_swapped, outside_box

FAMILIES = {
    "Point": "point", "MultiPoint": "point",
    "LineString": "line", "MultiLineString": "line",
    "Polygon": "polygon", "MultiPolygon": "polygon",
}


class GeometryProblem(ValueError):
    """A geometry that cannot be stored, with the reason in words."""


def from_geojson(obj: dict, *, families: tuple[str, ...], crs: str = "EPSG:4326"
                 ) -> shapely.Geometry:
    """A GeoJSON geometry object checked and projected to EPSG:2180.

    Parameters
    ----------
    obj : dict
        A GeoJSON geometry (``type`` and ``coordinates``).
    families : tuple
        Accepted kinds: any of 'point', 'line', 'polygon'.
    crs : str
        The CRS of the coordinates; GeoJSON's default is EPSG:4326 (longitude, latitude).
    """
    if not isinstance(obj, dict) or "type" not in obj:
        raise GeometryProblem("the geometry must be a GeoJSON object with a type")
    kind = obj.get("type")
    if FAMILIES.get(kind) not in families:
        raise GeometryProblem(f"geometry type {kind!r} is not accepted here; expected "
                              + " or ".join(families))
    try:
        geom = shapely.geometry.shape(obj)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError,
            shapely.errors.GEOSException) as exc:
        raise GeometryProblem(f"the coordinates do not form a {kind} ({exc})") from None
    return to_puwg1992(geom, crs)


def to_puwg1992(geom: shapely.Geometry, crs: str | CRS) -> shapely.Geometry:
    """Project, then check emptiness, finiteness, the extent of Poland and validity."""
    if geom is None or geom.is_empty:
        raise GeometryProblem("the geometry is empty")
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        raise GeometryProblem("the geometry has non-finite coordinates")
    source = CRS.from_user_input(crs)
    if source.to_epsg() != 2180:
        transformer = Transformer.from_crs(source, 2180, always_xy=True)
        projected = shapely.transform(geom, lambda xy: np.column_stack(
            transformer.transform(xy[:, 0], xy[:, 1])))
    else:
        projected = geom
    if outside_box(np.array([projected]), POLAND_BOX_2180)[0]:
        hint = ""
        if source.is_geographic and axes_look_swapped(np.array([geom])):
            hint = " (the axes look swapped: GeoJSON wants longitude first)"
        raise GeometryProblem(f"the geometry lies outside Poland{hint}")
    if not projected.is_valid:
        raise GeometryProblem(f"the geometry is not valid: {shapely.is_valid_reason(projected)}")
    return projected


def family(geom: shapely.Geometry) -> str:
    return FAMILIES[geom.geom_type]
