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
