"""Who a project serves: PostGIS's areal interpolation against an independent shapely one."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
import sqlalchemy as sa

from core.errors import InvalidInput, NotFound
from services.planning.projects import create_project
from services.strategy.reach import (
    QUAD_SEGS,
    RADII_KM,
    population_within,
    project_reach,
)

LOCATIONS = [
    {"title": "Reach: a point in Czyżew", "theme": "usługi społeczne",
     "geometry": {"type": "Point", "coordinates": [22.311, 52.797]}},
    {"title": "Reach: a cycle path", "theme": "transport",
     "geometry": {"type": "LineString", "coordinates": [[22.517, 52.918], [22.601, 52.876],
                                                        [22.731, 52.681]]}},
    {"title": "Reach: a market square", "theme": "rewitalizacja",
     "geometry": {"type": "Polygon", "coordinates": [[[22.505, 52.679], [22.512, 52.679],
                                                      [22.512, 52.684], [22.505, 52.684],
                                                      [22.505, 52.679]]]}},
]


@pytest.fixture(scope="module")
def located(reference_engine, partnerships_loaded, indicator_reports):
    return [create_project(reference_engine, "P01", p, author="test") for p in LOCATIONS]


@pytest.fixture(scope="module")
def people(reference_engine, indicator_reports):
    """Persons per gmina in the latest year held, read straight from the store."""
    with reference_engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT indicator_code, year, teryt, value FROM indicator_value WHERE level ="
            " 'gmina' AND indicator_code IN ('population', 'population_thousands')")).all()
    latest = max(r.year for r in rows)
    chosen = {}
    # Exact counts win over thousands in the same year: written last, they stay.
    for r in sorted(rows, key=lambda r: r.indicator_code == "population"):
        if r.year == latest:
            chosen[r.teryt] = r.value * (1000 if r.indicator_code == "population_thousands"
                                         else 1)
    return latest, chosen


def _expected(geom, radius_km: float, gminas_frame, people: dict) -> tuple[float, set]:
    buffer = geom.buffer(radius_km * 1000, quad_segs=QUAD_SEGS)
    near = gminas_frame[gminas_frame.intersects(buffer)]
    total = 0.0
    for teryt, shape in near.geometry.items():
        total += people[teryt] * shape.intersection(buffer).area / shape.area
    return total, set(near.index)


def _geom_2180(reference_engine, project_id: int):
    with reference_engine.connect() as conn:
        return shapely.from_wkb(bytes(conn.execute(sa.text(
            "SELECT ST_AsBinary(geom) FROM project WHERE id = :id"), {"id": project_id}
        ).scalar_one()))


def test_buffer_populations_equal_an_independent_shapely_computation(
        reference_engine, located, gminas_frame, people):
    year, persons = people
    with reference_engine.connect() as conn:
        members = set(conn.execute(sa.text(
            "SELECT gmina_teryt FROM partnership_gmina WHERE partnership_id = 'P01'")).scalars())
    for project in located:
        answer = project_reach(reference_engine, "P01", project["id"])
        assert answer["population_year"] == year
        assert "powierzchnia(gmina ∩ bufor)" in answer["method"]
        assert [b["radius_km"] for b in answer["buffers"]] == list(RADII_KM)
        geom = _geom_2180(reference_engine, project["id"])
        previous = 0.0
        for buffer in answer["buffers"]:
            expected, touched = _expected(geom, buffer["radius_km"], gminas_frame, persons)
            assert buffer["population"] == pytest.approx(expected, rel=1e-3)
            assert {g["teryt"] for g in buffer["gminas"]} == touched
            assert set(buffer["members_reached"]) == touched & members
            assert buffer["population"] > previous  # a wider buffer serves more people
            previous = buffer["population"]
    # The point lies in Czyżew, which its 5 km buffer reaches first of all.
    first = project_reach(reference_engine, "P01", located[0]["id"])["buffers"][0]
    assert "2013033" in first["members_reached"]


def test_many_drafted_locations_in_one_statement(reference_engine, gminas_frame, people,
                                                 indicator_reports):
    """Seeded points inside real gminas, as the bench draws them; one connection."""
    _, persons = people
    rng = np.random.default_rng(13)
    chosen = gminas_frame.iloc[rng.choice(len(gminas_frame), 25, replace=False)]
    points = {i: shapely.to_wkb(g.representative_point())
              for i, g in enumerate(chosen.geometry)}
    with reference_engine.connect() as conn:
        found = population_within(conn, None, points, workers=1)
        totals = population_within(conn, "P01", points, detail=False, workers=1)
    assert set(found["by_key"]) == set(points) == set(totals["by_key"])
    for key, buffers in totals["by_key"].items():  # the sums the database adds up
        assert [b["population"] for b in buffers] == pytest.approx(
            [b["population"] for b in found["by_key"][key]], rel=1e-9)
    for key, buffers in found["by_key"].items():
        geom = shapely.from_wkb(points[key])
        for buffer in buffers:
            expected, _ = _expected(geom, buffer["radius_km"], gminas_frame, persons)
            assert buffer["population"] == pytest.approx(expected, rel=1e-3)
            assert buffer["members_reached"] == []  # no partnership asked about


def test_locations_shared_among_connections_give_the_same_answer(reference_engine,
                                                                  gminas_frame,
                                                                  indicator_reports):
    """Shares run side by side on several connections equal the single statement, key by key
    (detailed and summed), also with more workers than locations."""
    rng = np.random.default_rng(5)
    chosen = gminas_frame.iloc[rng.choice(len(gminas_frame), 7, replace=False)]
    points = {100 + i: shapely.to_wkb(g.representative_point())
              for i, g in enumerate(chosen.geometry)}
    with reference_engine.connect() as conn:
        for detail in (True, False):
            alone = population_within(conn, "P01", points, detail=detail, workers=1)
            for workers in (3, 12):
                shared = population_within(conn, "P01", points, detail=detail,
                                           workers=workers)
                assert shared == alone
    assert any(b["population"] > 0 for bs in alone["by_key"].values() for b in bs)


def test_a_project_of_another_partnership_is_not_found(reference_engine, located):
    with pytest.raises(NotFound):
        project_reach(reference_engine, "P02", located[0]["id"])
    with pytest.raises(NotFound):
        project_reach(reference_engine, "P01", 987654321)


def test_radii_must_be_sensible(reference_engine, indicator_reports):
    with reference_engine.connect() as conn, pytest.raises(InvalidInput, match="radii"):
        population_within(conn, None, {1: shapely.to_wkb(shapely.Point(600000, 500000))},
                          radii=(0, 5))


def test_the_population_is_named_in_words_not_by_its_code(reference_engine, located, people):
    """Pages and documents print ``population_indicator`` ("Ludność: …, 2024"): it is the
    catalogue's name in the answer's language; the code stays beside it for programs."""
    year, _ = people
    answer = project_reach(reference_engine, "P01", located[0]["id"])
    english = project_reach(reference_engine, "P01", located[0]["id"], lang="en")
    code = answer["population_indicator_code"]
    assert code in ("population", "population_thousands")
    assert answer["population_indicator"] == {"population": "Ludność",
                                              "population_thousands": "Ludność (tys.)"}[code]
    assert english["population_indicator"] == {
        "population": "Population", "population_thousands": "Population (thousands)"}[code]
    assert "_" not in answer["population_indicator"] + english["population_indicator"]
    assert answer["population_year"] == year
