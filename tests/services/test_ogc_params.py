"""Query parameters of OGC API – Features: every value is refused with a reason or is safe."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.ogc.collections import COLLECTIONS, CRS84, EPSG2180
from services.ogc.params import (
    POLAND,
    OgcInvalidParameter,
    parse_bbox,
    parse_crs,
    parse_datetime,
)

numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                    st.floats(min_value=-200, max_value=200),
                    st.floats(min_value=0, max_value=1_000_000))


@given(st.lists(numbers, min_size=4, max_size=4), st.sampled_from([None, CRS84, EPSG2180]))
def test_a_bbox_is_refused_or_lies_in_poland(values, crs):
    raw = ",".join(repr(v) for v in values)
    try:
        box = parse_bbox(raw, crs)
    except OgcInvalidParameter as exc:
        assert exc.status == 400 and exc.message
        return
    assert box.xmin <= box.xmax and box.ymin <= box.ymax
    p1, p2, q1, q2 = POLAND[crs or CRS84]
    if box.srid == 4326:
        assert p1 <= box.xmin and box.xmax <= q1 and p2 <= box.ymin and box.ymax <= q2
    else:  # EPSG:2180 boxes are given northing first; Bbox holds x = easting
        assert p2 <= box.xmin and box.xmax <= q2 and p1 <= box.ymin and box.ymax <= q1


def test_bbox_in_epsg2180_is_read_northing_first():
    box = parse_bbox("480000,630000,500000,640000", "EPSG:2180")
    assert (box.xmin, box.ymin, box.xmax, box.ymax, box.srid) == (630000, 480000, 640000,
                                                                   500000, 2180)


def test_crs_spellings():
    assert parse_crs(None) == CRS84
    assert parse_crs("[EPSG:2180]") == EPSG2180
    with pytest.raises(OgcInvalidParameter, match="not offered"):
        parse_crs("http://www.opengis.net/def/crs/EPSG/0/4326")


@pytest.mark.parametrize(("raw", "expected"), [
    ("2025-03-01", (dt.date(2025, 3, 1), dt.date(2025, 3, 1))),
    ("2025-03-01T10:00:00Z", (dt.date(2025, 3, 1), dt.date(2025, 3, 1))),
    ("../2025-03-01", (None, dt.date(2025, 3, 1))),
    ("2025-03-01/..", (dt.date(2025, 3, 1), None)),
])
def test_datetime_instants_and_intervals(raw, expected):
    assert parse_datetime(raw) == expected


@pytest.mark.parametrize("raw", ["2025-02-30", "yesterday", "2025-03-02/2025-03-01", "..", ""])
def test_bad_datetimes(raw):
    with pytest.raises(OgcInvalidParameter):
        parse_datetime(raw)


def test_collection_table_is_consistent():
    for collection in COLLECTIONS.values():
        assert set(collection.queryables) <= set(collection.properties)
        assert collection.access in ("public", "working", "analysis")
        if collection.access == "working":  # filtered by readable_filter on this column
            assert "partnership_id" in collection.properties
        if collection.temporal:
            assert set(collection.temporal) <= set(collection.properties)
