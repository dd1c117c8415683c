"""Functional areas: from gminas and drawn, their statistics, history and concurrency."""

import gettext
import threading
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
import sqlalchemy as sa

from core.errors import BadRequest, Conflict, InvalidInput
from services.config import Settings
from services.planning.area_stats import area_stats, raster_stats
from services.planning.areas import area_history, create_area, restore_area, update_area
from tests.conftest import object_counts

_CATALOGUE = gettext.translation(
    "messages", str(Path(__file__).parents[2] / "web" / "translations"), languages=["pl"])


def _polish(template: str) -> str:
    return _CATALOGUE.gettext(template)


THREE = ["2013011", "2013023", "2013033"]  # Wysokie Mazowieckie, Ciechanowiec, Czyżew


@pytest.fixture(scope="module")
def table(data_dir):
    return pd.read_csv(data_dir / "indicators" / "gmina_indicators_2477.csv",
                       dtype={"teryt_boundary": str}).set_index("teryt_boundary")


@pytest.fixture(scope="module")
def three_gminas(boundaries_dir):
    frame = gpd.read_file(boundaries_dir / "gminy.geojson").set_index("terc").to_crs(2180)
    return frame.loc[THREE]


def test_area_of_gminas_adds_them_up(reference_engine, partnerships_loaded, unemployment_rate,
                                     table):
    area = create_area(reference_engine, "P01", {"name": "MOF Wysokie Mazowieckie",
                                                 "kind": "fua", "gminas": THREE})
    assert area["version"] == 1 and area["gminas"] == THREE
    stats = area_stats(reference_engine, area["id"], year=2022)
    expected_people = table.loc[THREE, "pop_2022-12-31"].sum()
    assert stats["population"] == {"year": 2022, "value": expected_people}
    assert stats["indicators"]["population"]["value"] == expected_people
    assert stats["indicators"]["area_ha"]["value"] == table.loc[THREE, "area_ha_2023-01-01"].sum()
    assert stats["indicators"]["unemployed"]["value"] == table.loc[THREE, "unemployed_2022"].sum()
    rate = stats["indicators"]["unemployed_per_1000"]
    people = table.loc[THREE, "pop_2022-12-31"]
    weighted = (table.loc[THREE, "unemployed_2022"] / people * 1000 * people).sum() / people.sum()
    assert rate["aggregation"] == "population-weighted mean"
    assert rate["value"] == pytest.approx(weighted, rel=1e-12)


def test_drawn_area_interpolates_by_area(reference_engine, partnerships_loaded,
                                         indicator_reports, table, three_gminas):
    union = shapely.union_all(three_gminas.geometry.values)
    drawn = create_area(reference_engine, "P01", {
        "name": "Narysowany", "kind": "other", "crs": "EPSG:2180",
        "geometry": shapely.geometry.mapping(union)})
    stats = area_stats(reference_engine, drawn["id"], year=2022)
    assert stats["population"]["value"] == pytest.approx(
        table.loc[THREE, "pop_2022-12-31"].sum(), abs=0.5)
    # Half of Czyżew: a box over its western half carries half of its residents.
    czyzew = three_gminas.geometry["2013033"]
    minx, miny, maxx, maxy = czyzew.bounds
    box = shapely.box(minx - 10, miny - 10, (minx + maxx) / 2, maxy + 10)
    half = create_area(reference_engine, "P01", {
        "name": "Pół", "kind": "other", "crs": "EPSG:2180",
        "geometry": shapely.geometry.mapping(box)})
    stats = area_stats(reference_engine, half["id"], year=2022)
    with reference_engine.connect() as conn:
        gminas = gpd.read_postgis("SELECT teryt, geom FROM gmina", conn, geom_col="geom",
                                  index_col="teryt")
    shares = gminas.geometry.intersection(box).area / gminas.geometry.area
    shares = shares[shares > 1e-6]
    expected = (table.loc[shares.index, "pop_2022-12-31"] * shares).sum()
    assert stats["population"]["value"] == pytest.approx(expected, rel=1e-9)
    assert half["area_km2"] == pytest.approx(box.area / 1e6, rel=1e-6)


def test_raster_summary_over_a_drawn_area(reference_engine, partnerships_loaded, data_dir):
    outline = gpd.read_file(data_dir / "rasters" / "suwalki_area.gpkg")
    area = create_area(reference_engine, "P02", {
        "name": "Okolice Suwałk", "kind": "tourism", "crs": "EPSG:2180",
        "geometry": shapely.geometry.mapping(outline.geometry[0])})
    settings = Settings(data_dir=data_dir)
    elevation = raster_stats(reference_engine, settings, area["id"], "suwalki_elevation")
    assert elevation["covered_km2"] == pytest.approx(63.38, rel=0.005)  # README: 63.38 km²
    assert elevation["min"] < elevation["mean"] < elevation["max"]
    cover = raster_stats(reference_engine, settings, area["id"], "suwalki_landcover")
    assert sum(cover["classes"].values()) == pytest.approx(1.0)
    with pytest.raises(InvalidInput) as refused:
        raster_stats(reference_engine, settings, area["id"], "dem_wielkopolska")
    # Named by its title in the reader's language, never by its key.
    assert str(refused.value) == ("the area does not overlap the raster"
                                  " Elevation, Wielkopolska (500 m)")
    polish = refused.value.render(_polish)
    assert polish == "obszar nie pokrywa się z rastrem „Wysokość terenu, Wielkopolska (500 m)”"
    assert "dem_wielkopolska" not in polish


@pytest.mark.parametrize(("geometry", "message"), [
    ({"type": "Polygon", "coordinates": [[[22.5, 52.9], [22.6, 53.0], [22.6, 52.9],
                                          [22.5, 53.0], [22.5, 52.9]]]},
     "not valid: Self-intersection"),
    ({"type": "Polygon", "coordinates": [[[13.3, 52.5], [13.5, 52.5], [13.5, 52.6],
                                          [13.3, 52.5]]]}, "lies outside Poland"),
    ({"type": "Polygon", "coordinates": [[[52.9, 22.5], [52.9, 22.6], [53.0, 22.6],
                                          [52.9, 22.5]]]}, "the axes look swapped"),
    ({"type": "Point", "coordinates": [22.5, 52.9]}, "is not accepted here"),
    ({"type": "Polygon", "coordinates": []}, "the geometry is empty"),
    ({"type": "Polygon", "coordinates": "nonsense"}, "do not form a Polygon"),
])
def test_bad_drawings_are_refused(reference_engine, partnerships_loaded, geometry, message):
    before = object_counts(reference_engine)
    with pytest.raises(InvalidInput, match=message):
        create_area(reference_engine, "P01", {"name": "Zły", "kind": "other",
                                              "geometry": geometry})
    assert object_counts(reference_engine) == before


def test_bad_attributes_are_refused(reference_engine, partnerships_loaded):
    before = object_counts(reference_engine)
    with pytest.raises(BadRequest, match="kind must be one of"):
        create_area(reference_engine, "P01", {"name": "x", "kind": "mof", "gminas": THREE})
    with pytest.raises(BadRequest, match="give either gminas"):
        create_area(reference_engine, "P01", {"name": "x", "kind": "fua"})
    with pytest.raises(InvalidInput, match="unknown gminas: 2099011"):
        create_area(reference_engine, "P01", {"name": "x", "kind": "fua",
                                              "gminas": ["2099011"]})
    assert object_counts(reference_engine) == before


def test_two_concurrent_edits_one_conflict_nothing_lost(reference_engine, partnerships_loaded):
    area = create_area(reference_engine, "P03", {"name": "Puszcza", "kind": "tourism",
                                                  "gminas": ["2005011", "2005022"]})
    barrier = threading.Barrier(2)
    outcomes = {}

    def edit(who, name):
        barrier.wait()
        try:
            outcomes[who] = update_area(reference_engine, area["id"], {
                "version": 1, "name": name, "comment": f"edit by {who}"}, author=who)
        except Conflict as exc:
            outcomes[who] = exc

    threads = [threading.Thread(target=edit, args=(w, n)) for w, n in
               (("anna", "Puszcza Białowieska"), ("jan", "Obszar Puszczy"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    conflicts = [w for w, r in outcomes.items() if isinstance(r, Conflict)]
    assert len(conflicts) == 1
    loser = conflicts[0]
    winner = next(w for w in outcomes if w != loser)
    assert outcomes[loser].details == {"current_version": 2, "your_version": 1}
    log = area_history(reference_engine, area["id"])
    assert [(h["version"], h["outcome"], h["author"]) for h in log] == [
        (1, "accepted", "system (command line)"), (2, "accepted", winner),
        (None, "conflict", loser)]
    assert log[2]["data"]["name"] == {"anna": "Puszcza Białowieska",
                                      "jan": "Obszar Puszczy"}[loser]
    restored = restore_area(reference_engine, area["id"], 1, 2, author="anna")
    assert (restored["version"], restored["name"]) == (3, "Puszcza")
    with reference_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM functional_area WHERE id = :i"),
                            {"i": area["id"]}).scalar_one() == "Puszcza"


def _json_values():
    from hypothesis import strategies as st

    scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
               | st.text(max_size=20) | st.text(min_size=290, max_size=320)
               | st.sampled_from(["\udfff", "a\x00b", "fua", "EPSG:2180", "1.5", "1e400"]))
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)


def test_any_json_in_any_field_is_accepted_or_refused_with_a_reason():
    """Areas and projects: whatever a client puts in a field, the checks either accept a clean
    value or raise the 400 that names the field; never another exception."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from services.planning.areas import _attributes
    from services.planning.fields import TEXT_LIMITS
    from services.planning.projects import clean_attributes

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.sampled_from(["name", "kind", "description", "_action", "comment"]),
           st.sampled_from(["title", "description", "theme", "cost_pln", "priority",
                            "milestones", "area_ids", "start_date", "feasibility"]),
           _json_values())
    def check(area_field, project_field, value):
        for check_one, payload in (
                (_attributes, {"name": "Obszar", "kind": "other", area_field: value}),
                (clean_attributes, {"title": "Projekt", project_field: value})):
            try:
                out = check_one(payload)
            except BadRequest as exc:
                assert exc.message and len(exc.message) < 400
                continue
            for key in ("name", "title", "description", "theme"):
                if key in out:
                    assert isinstance(out[key], str) and len(out[key]) <= max(TEXT_LIMITS.values())
                    out[key].encode("utf-8")

    check()
