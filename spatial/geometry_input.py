"""Checking geometries that users draw or upload before they are stored."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS, Transformer

from core.errors import Amount, Text
from spatial.boundaries import POLAND_BOX_2180, POLAND_BOX_LONLAT, outside_box

FAMILIES = {
    "Point": "point", "MultiPoint": "point",
    "LineString": "line", "MultiLineString": "line",
    "Polygon": "polygon", "MultiPolygon": "polygon",
}


TYPE_IDS = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString",
            6: "MultiPolygon"}
# Drawn and imported geometries: more vertices than this are refused (README, "Limits").
MAX_VERTICES = 50_000


class GeometryProblem(ValueError):
    """A geometry that cannot be stored, with the reason in words (``reason``: a ``Text``, so
    that the web app can show it translated)."""

    def __init__(self, reason: str):
        self.reason = reason if isinstance(reason, Text) else Text(reason)
        super().__init__(str(reason))


def from_geojson(obj: dict, *, families: tuple[str, ...], crs: str = "EPSG:4326",
                 max_vertices: int = MAX_VERTICES) -> shapely.Geometry:
    """A GeoJSON geometry object checked and projected to EPSG:2180.

    Parameters
    ----------
    obj : dict
        A GeoJSON geometry (``type`` and ``coordinates``).
    families : tuple
        Accepted kinds: any of 'point', 'line', 'polygon'.
    crs : str
        The CRS of the coordinates; GeoJSON's default is EPSG:4326 (longitude, latitude).
    max_vertices : int
        Largest number of vertices accepted (checked before the geometry is built).
    """
    if not isinstance(obj, dict) or "type" not in obj:
        raise GeometryProblem(Text("the geometry must be a GeoJSON object with a type"))
    kind = obj.get("type")
    if FAMILIES.get(kind) not in families:
        raise GeometryProblem(Text("geometry type %(kind)r is not accepted here; expected"
                                   " %(families)s", kind=kind, families=" or ".join(families)))
    if _count_positions(obj.get("coordinates"), max_vertices) > max_vertices:
        raise GeometryProblem(too_many_vertices(max_vertices))
    try:
        geom = shapely.geometry.shape(obj)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError,
            shapely.errors.GEOSException) as exc:
        raise GeometryProblem(Text("the coordinates do not form a %(kind)s (%(reason)s)",
                                   kind=kind, reason=str(exc))) from None
    return to_puwg1992(geom, crs, max_vertices=max_vertices)


def too_many_vertices(limit: int) -> Text:
    return Text("the geometry has more than %(limit)s vertices (the limit for drawn and"
                " imported geometries); simplify it, or make the area of gminas",
                limit=Amount(limit))


def _count_positions(coords, stop: int) -> int:
    """Positions in nested GeoJSON coordinates, counting no further than past ``stop``."""
    count, stack = 0, [coords]
    while stack and count <= stop:
        item = stack.pop()
        if isinstance(item, list | tuple) and item and isinstance(item[0], list | tuple):
            stack.extend(item)
        else:
            count += 1
    return count


def check_many(geoms: np.ndarray, crs: str | CRS, *, max_vertices: int = MAX_VERTICES
               ) -> tuple[np.ndarray, np.ndarray]:
    """Project an array of geometries to EPSG:2180 with one transformer and check each.

    Returns
    -------
    projected : ndarray of geometries (EPSG:2180, 2D)
    problems : ndarray of str or None, the reason each geometry cannot be stored
    """
    geoms = np.asarray(geoms, dtype=object)
    problems = np.full(len(geoms), None, dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    problems[missing] = Text("the geometry is empty")
    types = shapely.get_type_id(geoms)
    wrong = ~missing & ~np.isin(types, list(TYPE_IDS))
    for i in np.flatnonzero(wrong):
        problems[i] = Text("geometry type %(kind)s cannot be stored here",
                           kind=geoms[i].geom_type)
    counts = shapely.get_num_coordinates(geoms)
    problems[(problems == None) & (counts > max_vertices)] = too_many_vertices(max_vertices)  # noqa: E711
    usable = problems == None  # noqa: E711
    flat = shapely.force_2d(np.where(usable, geoms, None))
    coords = shapely.get_coordinates(flat)
    owner = np.repeat(np.arange(len(flat)), shapely.get_num_coordinates(flat))
    bad = np.zeros(len(flat), dtype=bool)
    bad[owner[~np.isfinite(coords).all(axis=1)]] = True
    problems[bad] = Text("the geometry has non-finite coordinates")
    usable &= ~bad
    source = CRS.from_user_input(crs)
    if source.to_epsg() != 2180 and usable.any():
        transformer = Transformer.from_crs(source, 2180, always_xy=True)
        xy = coords[usable[owner]]
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        projected = np.where(usable, flat, None)
        projected[usable] = shapely.set_coordinates(shapely.force_2d(flat[usable]).copy(),
                                                    np.column_stack([x, y]))
    else:
        projected = np.where(usable, flat, None)
    outside = np.zeros(len(flat), dtype=bool)
    outside[usable] = outside_box(projected[usable], POLAND_BOX_2180)
    if outside.any():
        problems[outside] = Text("the geometry lies outside Poland")
        if source.is_geographic:
            b = shapely.bounds(flat[outside])
            lon0, lat0, lon1, lat1 = POLAND_BOX_LONLAT
            swapped = ((b[:, 0] >= lat0) & (b[:, 2] <= lat1) & (b[:, 1] >= lon0)
                       & (b[:, 3] <= lon1))
            problems[np.flatnonzero(outside)[swapped]] = Text(
                "the geometry lies outside Poland (the axes look swapped: GeoJSON wants"
                " longitude first)")
    usable &= ~outside
    invalid = np.zeros(len(flat), dtype=bool)
    invalid[usable] = ~shapely.is_valid(projected[usable])
    for i in np.flatnonzero(invalid):
        problems[i] = Text("the geometry is not valid: %(reason)s",
                           reason=shapely.is_valid_reason(projected[i]))
    return projected, problems


def to_puwg1992(geom: shapely.Geometry, crs: str | CRS, *, max_vertices: int = MAX_VERTICES
                ) -> shapely.Geometry:
    """Project, then check emptiness, size, finiteness, the extent of Poland and validity."""
    projected, problems = check_many(np.array([geom], dtype=object), crs,
                                     max_vertices=max_vertices)
    if problems[0] is not None:
        raise GeometryProblem(problems[0])
    return projected[0]


def family(geom: shapely.Geometry) -> str:
    return FAMILIES[geom.geom_type]
