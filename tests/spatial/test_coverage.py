"""Overlaps and gaps, on the real gminas of one voivodeship."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

from spatial.coverage import coverage_report


@pytest.fixture(scope="module")
def opolskie(boundaries_dir):
    frame = gpd.read_file(boundaries_dir / "gminy.geojson")
    frame = frame[frame.terc.str.startswith("16")].to_crs(2180).reset_index(drop=True)
    return np.asarray(frame.geometry.array, dtype=object), frame.terc.to_numpy()


def test_real_gminas_form_a_clean_coverage(opolskie):
    geoms, _ = opolskie
    report = coverage_report(geoms)
    assert report.overlaps == [] and report.gaps == []
    assert report.n_parts == 1
    assert report.union_area == pytest.approx(shapely.area(geoms).sum())


def test_a_missing_inner_gmina_is_a_gap_of_its_area(opolskie):
    geoms, codes = opolskie
    union = shapely.union_all(geoms)
    # Pick a gmina that does not touch the voivodeship's outer boundary.
    inner = next(i for i, g in enumerate(geoms)
                 if not g.intersects(union.exterior if union.geom_type == "Polygon"
                                     else union.boundary))
    rest = np.delete(geoms, inner)
    report = coverage_report(rest)
    assert len(report.gaps) == 1
    assert report.gaps[0][0] == pytest.approx(geoms[inner].area, rel=1e-9)
    x, y = report.gaps[0][1:]
    assert geoms[inner].contains(shapely.Point(x, y)), codes[inner]


def test_a_shifted_gmina_overlaps_its_neighbours(opolskie):
    geoms, _ = opolskie
    moved = geoms.copy()
    moved[0] = shapely.affinity.translate(geoms[0], xoff=500)
    report = coverage_report(moved)
    assert report.overlaps and all(0 in (i, j) for i, j, _ in report.overlaps)
    assert max(a for *_, a in report.overlaps) > 1e4
