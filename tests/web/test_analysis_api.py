"""Analysis runs and indicators over HTTP: the same JSON as the CLI prints."""

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
    assert response.get_json()["detail"] == "no analysis run 999999"
    assert client.get("/api/v1/analysis/runs?limit=0").status_code == 400


def test_indicator_catalogue(client, indicator_reports):
    held = {row["code"]: row for row in client.get("/api/v1/indicators").get_json()}
    assert held["unemployed"]["name_pl"] == "Bezrobotni zarejestrowani"
    assert held["area_ha"]["years"] == [2022, 2023]
