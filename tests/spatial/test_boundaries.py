"""Projection, repair and code normalisation of boundary polygons."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from spatial.boundaries import (
    POLAND_BOX_2180,
    axes_look_swapped,
    normalise_codes,
    outside_box,
    repair_polygons,
    to_puwg1992,
)


@pytest.fixture(scope="module")
def voivodeships(boundaries_dir):
    return gpd.read_file(boundaries_dir / "wojewodztwa.geojson")


def test_projection_returns_a_new_frame_in_2180(voivodeships):
    before = voivodeships.geometry.copy()
    projected = to_puwg1992(voivodeships)
    assert projected.crs.to_epsg() == 2180 and voivodeships.crs.to_epsg() == 4326
    assert voivodeships.geometry.equals(before)
    assert projected.geometry.area.sum() / 1e6 == pytest.approx(312_481.166, rel=1e-6)
    assert not outside_box(np.asarray(projected.geometry.array), POLAND_BOX_2180).any()


def test_projection_needs_a_crs(voivodeships):
    with pytest.raises(ValueError, match="no CRS"):
        to_puwg1992(voivodeships.set_crs(None, allow_override=True))


def test_swapped_axes_are_told_from_wrong_coordinates(voivodeships):
    geoms = np.asarray(voivodeships.geometry.array)
    swapped = shapely.transform(geoms, lambda xy: xy[:, ::-1])
    assert axes_look_swapped(swapped)
    assert not axes_look_swapped(geoms)
    assert not axes_look_swapped(shapely.transform(geoms, lambda xy: xy + 40))


def test_bowtie_is_repaired_into_a_valid_multipolygon():
    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10), (0, 0)])
    square = shapely.box(0, 0, 5, 5)
    repaired, was_invalid = repair_polygons(np.array([bowtie, square], dtype=object))
    assert was_invalid.tolist() == [True, False]
    assert all(g.geom_type == "MultiPolygon" and g.is_valid for g in repaired)
    assert repaired[0].area == pytest.approx(50.0)
    assert repaired[1].equals(shapely.MultiPolygon([square]))


def test_inputs_are_not_mutated():
    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10), (0, 0)])
    geoms = np.array([bowtie], dtype=object)
    repair_polygons(geoms)
    assert geoms[0].equals(bowtie) and not geoms[0].is_valid


coordinate = st.integers(min_value=0, max_value=1000)
rings = st.lists(st.tuples(coordinate, coordinate), min_size=4, max_size=12, unique=True)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(rings)
def test_repair_always_yields_valid_multipolygons(points):
    polygon = shapely.Polygon(points)
    repaired, _ = repair_polygons(np.array([polygon], dtype=object))
    result = repaired[0]
    assert result.geom_type == "MultiPolygon"
    assert result.is_valid
    # Repair never invents area outside the outline the digitiser drew.
    assert result.difference(polygon.convex_hull).area < 1e-6


def test_numeric_codes_get_their_leading_zero_back():
    codes, padded = normalise_codes(pd.Series([201011, 3064011]), 7)
    assert codes.tolist() == ["0201011", "3064011"] and padded == 1


def test_text_codes_are_only_stripped():
    codes, padded = normalise_codes(pd.Series([" 0201011", "201011", None]), 7)
    assert codes.tolist() == ["0201011", "201011", ""] and padded == 0
