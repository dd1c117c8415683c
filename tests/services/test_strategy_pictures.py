"""The strategy's pictures: the Gantt chart (SVG and PNG), the spatial model and its rule."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from services.strategy.charts import monitoring_png
from services.strategy.gantt import LATE, gantt_png, gantt_svg
from services.strategy.spatial_model import main_towns, model_layers, model_png

PNG = b"\x89PNG\r\n\x1a\n"
# Hand-built tasks of the shape services/strategy/model.py gives (renderer tests only).
TASKS = [{"id": 1, "name": "Dokumentacja", "start": "2027-01-10", "end": "2027-06-30",
          "milestone": False},
         {"id": 2, "name": "Roboty budowlane", "start": "2027-07-01", "end": "2028-10-31",
          "milestone": False},
         {"id": 3, "name": "Odbiór", "start": "2028-11-15", "end": "2028-11-15",
          "milestone": True}]


def test_gantt_shows_tasks_milestones_and_the_deadline():
    deadline = {"programme": "KPO", "eligible_until": "2028-08-31", "exceeded": True}
    svg = gantt_svg(TASKS, deadline)
    assert svg.startswith("<svg")
    for task in TASKS:
        assert task["name"] in svg
    assert "koniec kwalifikowalności KPO: 2028-08-31" in svg
    assert LATE in svg and "po terminie źródła finansowania" in svg
    assert gantt_png(TASKS, deadline).startswith(PNG)
    english = gantt_svg(TASKS, deadline, lang="en")
    assert "end of eligibility, KPO: 2028-08-31" in english


def test_gantt_within_the_deadline_has_no_late_bars():
    deadline = {"programme": "FE 2021–2027", "eligible_until": "2029-12-31", "exceeded": False}
    svg = gantt_svg(TASKS, deadline)
    assert "po terminie" not in svg and "2029-12-31" in svg
    assert "Brak zadań w harmonogramie" in gantt_svg([], None)


def test_monitoring_chart_needs_a_baseline_and_a_target():
    row = {"name": "Ludność", "unit": "osoby", "baseline_year": 2022, "baseline_value": 100,
           "target_year": 2030, "target_value": 120, "latest_year": 2024, "latest_value": 99,
           "status": "off_track"}
    assert monitoring_png([row]).startswith(PNG)
    assert monitoring_png([{**row, "baseline_value": None}]) is None


def test_main_towns_are_urban_and_urban_rural_gminas(reference_engine, partnerships_loaded,
                                                     indicator_reports):
    shown = model_layers(reference_engine, "P05")
    towns = {f["properties"]["teryt"] for f in shown["towns"]["features"]}
    # Biała, Głogówek and Prudnik are urban-rural (3); Lubrza (2) is rural.
    assert towns == {"1610013", "1610023", "1610043"}
    assert len(shown["gminas"]["features"]) == 4
    assert "cyfra rodzaju TERYT 1" in shown["rule"]
    assert {item["kind"] for item in shown["legend"]} >= {"gminas", "town", "intervention"}


def test_rural_partnerships_show_their_most_populous_gmina():
    square = shapely.box(0, 0, 1000, 1000)
    rural = gpd.GeoDataFrame({"teryt": ["0000012", "0000022"], "name": ["A", "B"],
                              "gmina_type": ["2", "2"], "population": [5000.0, 9000.0]},
                             geometry=[square, square], crs=2180)
    assert list(main_towns(rural)["teryt"]) == ["0000022"]


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_model_png(reference_engine, partnerships_loaded, indicator_reports, lang):
    assert model_png(reference_engine, "P05", lang, intervention_ids=[]).startswith(PNG)


def test_a_project_in_a_town_is_drawn_over_it_and_the_legend_beside_the_map():
    import matplotlib.pyplot as plt

    from services.strategy.spatial_model import draw_model

    gmina = shapely.box(0, 0, 10_000, 10_000)
    gminas = gpd.GeoDataFrame({"teryt": ["0000011"], "name": ["Miasto"], "gmina_type": ["1"],
                               "population": [9000.0], "x": [5000.0], "y": [5000.0]},
                              geometry=[gmina], crs=2180)
    areas = gpd.GeoDataFrame({"id": [1], "name": ["Obszar"], "kind": ["urban"],
                              "intervention": [False]}, geometry=[gmina], crs=2180)
    projects = gpd.GeoDataFrame({"id": [7], "title": ["Rynek"], "theme": ["transport"]},
                                geometry=[shapely.Point(5000, 5000)], crs=2180)
    fig, ax = draw_model({"gminas": gminas, "areas": areas, "projects": projects,
                          "towns": main_towns(gminas), "population_year": 2024})
    try:
        fig.canvas.draw()
        by_offset = {}
        for collection in ax.collections:
            for x, y in collection.get_offsets():
                by_offset.setdefault((round(float(x)), round(float(y))), []).append(
                    collection.get_zorder())
        # the town's dot and the project's square share (5000, 5000): the project is on top
        assert len(by_offset[(5000, 5000)]) == 2
        project_z = max(c.get_zorder() for c in ax.collections
                        if len(c.get_offsets()) and c.get_paths()
                        and len(c.get_paths()[0].vertices) == 5)  # the square marker
        assert project_z == max(by_offset[(5000, 5000)])
        legend = ax.get_legend().get_window_extent()
        assert not legend.overlaps(ax.get_window_extent())
    finally:
        plt.close(fig)
