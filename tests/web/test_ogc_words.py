"""What a QGIS user reads in the OGC layers: indicator names, not codes, and the population
of the year every page shows (the newest held, counts or thousands)."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from services.ogc.package import LAYERS


def newest_population(engine) -> pd.DataFrame:
    """Per gmina, the newest year of counts or thousands (counts winning a tie), in persons,
    read here with pandas rather than the layer's SQL."""
    with engine.connect() as conn:
        rows = pd.DataFrame(conn.execute(sa.text(
            "SELECT teryt, indicator_code, year, value FROM indicator_value WHERE level ="
            " 'gmina' AND indicator_code IN ('population', 'population_thousands')")).all(),
            columns=["teryt", "code", "year", "value"])
    rows["persons"] = rows["value"].where(rows["code"] == "population", rows["value"] * 1000)
    rows["exact"] = rows["code"] == "population"
    rows = rows.sort_values(["teryt", "year", "exact"]).groupby("teryt").tail(1)
    return rows.set_index("teryt")


def test_analysis_collections_are_titled_by_the_indicator_s_name(anonymous, reference_engine,
                                                                unemployment_rate):
    from services.analysis.runs import run_analysis

    run = run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024,
                       scope="voivodeship:20", permutations=99, seed=5, reuse=True)
    cid = f"analysis-{run['id']}"
    want = f"Analiza LISA nr {run['id']}: Bezrobotni zarejestrowani na 1000 mieszkańców 2024"
    listed = {c["id"]: c for c in anonymous.get("/ogc/collections").get_json()["collections"]}
    assert listed[cid]["title"] == want
    assert anonymous.get(f"/ogc/collections/{cid}").get_json()["title"] == want
    english = anonymous.get(f"/ogc/collections/{cid}?lang=en").get_json()["title"]
    assert "unemployed_per_1000" not in english and "per 1,000 residents" in english


def test_the_gmina_layer_holds_the_newest_population_and_its_year(anonymous, reference_engine,
                                                                   indicator_reports):
    want = newest_population(reference_engine)
    with reference_engine.connect() as conn:
        teryt = conn.execute(sa.text(
            "SELECT teryt FROM gmina WHERE name = 'Andrzejewo'")).scalar_one()
        held = sorted(conn.execute(sa.text(
            "SELECT DISTINCT year FROM indicator_value WHERE level = 'gmina'"
            " AND indicator_code = 'population'")).scalars())
    assert held and max(held) < int(want.loc[teryt, "year"])  # counts lag thousands here
    body = anonymous.get(f"/ogc/collections/gminas/items?teryt={teryt}").get_json()
    props = body["features"][0]["properties"]
    assert props["population_year"] == int(want.loc[teryt, "year"])
    assert props["population"] == pytest.approx(want.loc[teryt, "persons"])


def test_the_package_gmina_layer_holds_the_same_population(reference_engine,
                                                          partnerships_loaded):
    want = newest_population(reference_engine)
    layer = next(x for x in LAYERS if x.name == "gminas")
    with reference_engine.connect() as conn:
        rows = conn.execute(sa.text(layer.sql), {"pid": "P01", "lisa_run": None}).mappings().all()
    assert rows
    for row in rows:
        assert row["population"] == pytest.approx(want.loc[row["teryt"], "persons"])
        assert row["population_year"] == int(want.loc[row["teryt"], "year"])
