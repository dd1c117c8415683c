"""Map-ready geometry: coverage simplification that keeps shared boundaries shared."""

from __future__ import annotations

import json

import numpy as np
import shapely
from pyproj import Transformer

# Zoom bands of the map and the simplification each gets (metres, EPSG:2180) and the
# coordinate precision of the GeoJSON (degrees). At zoom 6 one pixel is about 2 km.
BANDS = {
    0: {"zooms": (0, 7), "tolerance": 1500.0, "precision": 1e-4},
    1: {"zooms": (8, 9), "tolerance": 400.0, "precision": 1e-4},
    2: {"zooms": (10, 22), "tolerance": 0.0, "precision": 1e-5},
}


def band_for_zoom(zoom: int) -> int:
    return next(b for b, spec in BANDS.items() if spec["zooms"][0] <= zoom <= spec["zooms"][1])


def simplified_features(codes: list[str], names: list[str], geoms: np.ndarray, band: int
                        ) -> list[str]:
    """Compact GeoJSON Features (EPSG:4326) of a polygon coverage, one string per unit.

    Parameters
    ----------
    codes, names : lists of str
        Feature ids and names, aligned with ``geoms``.
    geoms : ndarray of (Multi)Polygons in EPSG:2180 forming a coverage (no overlaps)
    band : int
        Zoom band (see ``BANDS``).
    """
    spec = BANDS[band]
    geoms = np.asarray(geoms, dtype=object)
    simple = shapely.coverage_simplify(geoms, spec["tolerance"]) if spec["tolerance"] else geoms
    transformer = Transformer.from_crs(2180, 4326, always_xy=True)
    wgs = shapely.transform(simple, lambda xy: np.column_stack(
        transformer.transform(xy[:, 0], xy[:, 1])))
    digits = int(round(-np.log10(spec["precision"])))
    # Rounding the same shared vertex gives the same number on both sides of a boundary, and
    # a rounded double prints in its shortest form, so the text stays compact.
    rounded = shapely.transform(wgs, lambda xy: np.round(xy, digits))
    return [json.dumps({
        "type": "Feature", "id": code, "properties": {"teryt": code, "name": name},
        "geometry": shapely.geometry.mapping(geom)}, ensure_ascii=False, separators=(",", ":"))
        for code, name, geom in zip(codes, names, rounded, strict=True)]
