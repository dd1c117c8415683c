"""Checks that a set of polygons forms a coverage: no overlaps, no gaps."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import shapely


@dataclass(frozen=True)
class CoverageReport:
    """Overlaps and gaps found in a set of polygons.

    ``overlaps`` holds ``(i, j, area)`` for pairs of input positions whose intersection exceeds
    the tolerance; ``gaps`` holds ``(area, x, y)`` for holes of the union larger than it, with
    a point inside each. Smaller slivers are only counted.
    """

    union_area: float
    n_parts: int
    overlaps: list[tuple[int, int, float]] = field(default_factory=list)
    gaps: list[tuple[float, float, float]] = field(default_factory=list)
    small_overlaps: int = 0
    small_gaps: int = 0


HEAVY_VERTICES = 500  # mean vertices per unit above which the union is started at once


def _union_halves(pool: ThreadPoolExecutor, geoms: np.ndarray) -> list:
    order = np.argsort(shapely.get_x(shapely.centroid(geoms)), kind="stable")
    west, east = geoms[order[: len(order) // 2]], geoms[order[len(order) // 2:]]
    return [pool.submit(shapely.union_all, half) for half in (west, east)]


def coverage_report(geoms: np.ndarray, *, tolerance_m2: float = 1.0) -> CoverageReport:
    """Find overlapping pairs and interior gaps in projected polygons.

    Parameters
    ----------
    geoms : ndarray of valid (Multi)Polygons in a projected CRS (metres)
    tolerance_m2 : float
        Overlaps and gaps up to this area are slivers of digitising, counted but not listed.

    Returns
    -------
    CoverageReport
    """
    geoms = np.asarray(geoms, dtype=object)
    overlaps: list[tuple[int, int, float]] = []
    small_overlaps = 0
    # Overlaps first: neighbours whose interiors meet. Most only touch, and asking that is
    # far cheaper than computing intersections.
    pool = ThreadPoolExecutor(max_workers=2)
    pending = None
    if shapely.get_num_coordinates(geoms).mean() > HEAVY_VERTICES:
        # Full-resolution boundaries: the general union dominates and such sources rarely
        # form a clean coverage, so it starts now, in two halves (west, east) on other
        # threads (shapely releases the GIL) while the pairs are examined here.
        pending = _union_halves(pool, geoms)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    inner = shapely.relate_pattern(geoms[left], geoms[right], "T********")
    left, right = left[inner], right[inner]
    if left.size:
        pending = pending or _union_halves(pool, geoms)
        areas = shapely.area(shapely.intersection(geoms[left], geoms[right]))
        big = areas > tolerance_m2
        small_overlaps = int(((areas > 0) & ~big).sum())
        overlaps = [(int(i), int(j), float(a)) for i, j, a in
                    zip(left[big], right[big], areas[big], strict=True)]
        union = shapely.union(pending[0].result(), pending[1].result())
    else:
        try:  # a clean coverage unions fast; one with unmatched vertices needs the general way
            union = shapely.coverage_union_all(geoms)
        except shapely.errors.GEOSException:
            pending = pending or _union_halves(pool, geoms)
            union = shapely.union(pending[0].result(), pending[1].result())
    pool.shutdown(wait=False)
    holes = []
    for part in shapely.get_parts(union):
        holes.extend(shapely.Polygon(ring) for ring in part.interiors)
    gaps, small_gaps = [], 0
    for hole in holes:
        if hole.area > tolerance_m2:
            pt = hole.point_on_surface()
            gaps.append((float(hole.area), pt.x, pt.y))
        else:
            small_gaps += 1
    return CoverageReport(
        union_area=float(union.area),
        n_parts=int(shapely.get_num_geometries(union)),
        overlaps=overlaps,
        gaps=sorted(gaps, reverse=True),
        small_overlaps=small_overlaps,
        small_gaps=small_gaps,
    )
