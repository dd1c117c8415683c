"""Analysis runs and indicators over HTTP: the same JSON as the CLI prints."""

import pytest

from services.analysis.kinds import GI_WEIGHTS, KINDS, WEIGHTS
from services.analysis.runs import get_run, run_analysis


def test_run_json_equals_the_stored_run(client, reference_engine, unemployment_rate):
    run = run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024,
                       scope="voivodeship:20", permutations=999, seed=3)
    response = client.get(f"/api/v1/analysis/runs/{run['id']}")
    assert response.status_code == 200
    body = response.get_json()
    expected = get_run(reference_engine, run["id"])
    assert body["results"] == expected["results"] and len(body["results"]) == 118
    assert body["seed"] == 3 and body["parameters"]["permutations"] == 999
    listing = client.get("/api/v1/analysis/runs?limit=5").get_json()
    assert listing[0]["id"] == run["id"]


def test_missing_run_and_bad_paging(client):
    response = client.get("/api/v1/analysis/runs/999999")
    assert response.status_code == 404
    assert response.get_json()["detail"] == "brak przebiegu analizy 999999"
    assert client.get("/api/v1/analysis/runs?limit=0").status_code == 400


def test_indicator_catalogue(client, indicator_reports):
    held = {row["code"]: row for row in client.get("/api/v1/indicators").get_json()}
    assert held["unemployed"]["name_pl"] == "Bezrobotni zarejestrowani"
    assert held["area_ha"]["years"] == [2022, 2023]


def test_run_json_carries_global_moran_and_the_openapi_schema_describes_it(client,
                                                                           reference_engine,
                                                                           unemployment_rate):
    run = run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024,
                       scope="voivodeship:20", permutations=99, seed=5)
    body = client.get(f"/api/v1/analysis/runs/{run['id']}").get_json()
    moran = body["summary"]["moran"]
    assert moran == run["summary"]["moran"] and moran["permutations"] == 99
    assert {"I", "EI", "z_norm", "p_norm", "z_rand", "p_rand", "p_sim"} <= set(moran)
    assert body["parameters"]["p_values"]["ties"] == "count as extreme"
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    described = schemas["AnalysisRun"]["properties"]
    assert described["kind"]["enum"] == list(KINDS)
    assert described["parameters"]["properties"]["weights"]["enum"] == list(WEIGHTS)
    assert described["parameters"]["properties"]["gi_weights"]["enum"] == list(GI_WEIGHTS)
    assert set(moran) == set(described["summary"]["properties"]["moran"]["properties"])


@pytest.mark.browser
def test_lisa_legend_shows_global_moran(page, live_url, reference_engine, unemployment_rate):
    run = run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024, seed=12,
                       permutations=99)
    page.goto(live_url + "/")
    page.wait_for_function("document.body.dataset.painted", timeout=30_000)
    page.check("input[name=mode][value=lisa]")
    page.select_option("#run", str(run["id"]))
    page.wait_for_function(f"document.body.dataset.painted === 'lisa:{run['id']}'",
                           timeout=30_000)
    line = page.locator("#legend [data-moran]").inner_text()
    moran = run["summary"]["moran"]
    assert line.startswith("Globalna statystyka I Morana: ")
    assert f"{moran['I']:.3f}".replace(".", ",") in line and "p = 0,01" in line
