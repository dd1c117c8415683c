"""The strategy page and its API: who may read and change it, field errors in Polish,
409 on stale edits, exact money as text, and the OpenAPI document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from services.planning.projects import create_project
from tests.web.conftest import sign_in

PID = "P02"  # the documents' tests write P03 and P05; the browser test P01
API = f"/api/v1/partnerships/{PID}/strategy"
NEXT_YEAR = dt.date.today().year + 1


@pytest.fixture(scope="module")
def project(reference_engine, partnerships_loaded, unemployment_rate, accounts):
    with reference_engine.connect() as conn:
        gmina = conn.execute(sa.text(
            "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Transform(ST_PointOnSurface(g.geom), 4326)"
            " AS c FROM gmina g JOIN partnership_gmina m ON m.gmina_teryt = g.teryt"
            " WHERE m.partnership_id = :p ORDER BY g.teryt LIMIT 1) s"), {"p": PID}).one()
    return create_project(reference_engine, PID, {
        "title": "Centrum usług społecznych", "funding_source": "fe_regional",
        "cost_pln": "500000.00", "geometry": {"type": "Point", "coordinates": list(gmina)}})


def client_of(app, email):
    client = app.test_client()
    sign_in(client, email)
    return client


def goal(project_id: int, **indicator) -> dict:
    return {"title": "Aktywni mieszkańcy", "dimension": "social",
            "indicators": [{"indicator": "unemployed_per_1000", "baseline_year": 2023,
                            "target_value": "15,5", "target_year": NEXT_YEAR + 3, **indicator}],
            "directions": [{"title": "Usługi społeczne", "project_ids": [project_id]}]}


def test_who_may_see_and_change_the_strategy(app, anonymous, expert, project):
    assert anonymous.get(API).status_code == 401
    assert anonymous.get(f"/partnerships/{PID}/strategy").status_code == 302
    assert client_of(app, "expert2@test.pl").get(API).status_code == 404
    marshal = client_of(app, "marshal20@test.pl")
    assert marshal.get(API).status_code == 200
    assert marshal.post(f"{API}/goals", json=goal(project["id"])).status_code == 403
    assert expert.get(API).status_code == 200


def test_goal_from_the_api_with_its_baseline_from_the_data(expert, project, reference_engine):
    response = expert.post(f"{API}/goals", json=goal(project["id"]))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["ETag"] == '"1"'
    from services.strategy.model import strategy_model

    model = strategy_model(reference_engine, PID)
    stored = next(g for g in model["goals"] if g["id"] == body["id"])["indicators"][0]
    # Decimals travel as exact text.
    assert body["indicators"][0]["baseline_value"] == str(stored["baseline_value"])
    assert body["indicators"][0]["target_value"] == "15.5"
    assert body["directions"][0]["project_ids"] == [project["id"]]
    page = expert.get(f"/partnerships/{PID}/strategy").get_data(as_text=True)
    assert "Aktywni mieszkańcy" in page and "Kompletność" in page
    assert str(stored["baseline_value"]).replace(".", ",") in page
    english = expert.get(f"/partnerships/{PID}/strategy?lang=en").get_data(as_text=True)
    assert "Completeness" in english


@pytest.mark.parametrize(("change", "field", "polish"), [
    ({"target_year": 2020}, "indicators[0].target_year", "w przeszłości"),
    ({"baseline_year": 2010}, "indicators[0].baseline_year", "brak wartości"),
])
def test_bad_goal_is_refused_at_the_field_in_polish(expert, project, reference_engine, change,
                                                    field, polish):
    with reference_engine.connect() as conn:
        before = conn.execute(sa.text("SELECT count(*) FROM strategy_goal")).scalar_one()
    response = expert.post(f"{API}/goals", json=goal(project["id"], **change))
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["field"] == field
    assert polish in problem["detail"]
    with reference_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM strategy_goal")).scalar_one() == before


def test_unknown_fields_are_refused_by_the_schema(expert, project):
    response = expert.post(f"{API}/goals", json={**goal(project["id"]), "colour": "red"})
    assert response.status_code == 400
    assert "colour" in response.get_json()["detail"]


def test_plan_over_the_api_money_exact_and_stale_edits(expert, project):
    url = f"{API}/projects/{project['id']}"
    plan = {"version": 1, "cofinancing_rate": "0.7", "split_method": "population",
            "tasks": [{"name": "Przebudowa", "start": "2027-03-01", "end": "2028-10-31"}],
            "feasibility": [{"item": "building_permit", "status": "in_preparation"}],
            "lines": [{"year": 2027, "category": "works", "total": "333333.33",
                       "eligible": "333333.33"},
                      {"year": 2028, "category": "equipment", "total": "166666.67",
                       "eligible": "100000.00"}]}
    response = expert.put(url, json=plan)
    assert response.status_code == 200, response.get_json()
    money = response.get_json()["finance"]
    assert money["total"] == "500000.00" and money["cofinancing"] == "303333.33"
    assert money["own_contribution"] == "196666.67"
    assert sum(Decimal(s["amount"]) for s in money["shares"]) == Decimal("196666.67")
    assert response.get_json()["tasks"][0]["end"] == "2028-10-31"
    stale = expert.put(url, json=plan)
    assert stale.status_code == 409
    assert stale.get_json()["current_version"] == 2
    bad = expert.put(url, json={**plan, "version": 2, "tasks": [
        {"name": "Wstecz", "start": "2027-03-01", "end": "2027-02-01"}]})
    assert bad.status_code == 422 and bad.get_json()["field"] == "tasks[0].end"
    versions = expert.get(f"{url}/versions").get_json()
    assert [v["outcome"] for v in versions] == ["accepted", "accepted", "conflict"]
    # The strategy page lists the project's card; its forms and schedule are the card's page.
    page = expert.get(f"/partnerships/{PID}/strategy").get_data(as_text=True)
    card = f"/partnerships/{PID}/strategy/projects/{project['id']}"
    assert f'data-card="{card}"' in page and 'class="gantt"' not in page
    body = expert.get(card).get_data(as_text=True)
    assert 'class="gantt"' in body and "Przebudowa" in body
    assert expert.get(f"/partnerships/{PID}/strategy/projects/999999").status_code == 404


def test_completeness_and_monitoring_endpoints(expert):
    elements = expert.get(f"{API}/completeness").get_json()
    assert {e["element"] for e in elements} >= {"diagnosis_conclusions", "goals_social",
                                                "spatial_model", "eu_partners"}
    assert all(e["fill_url"].startswith(f"/partnerships/{PID}") for e in elements)
    rows = expert.get(f"{API}/monitoring").get_json()
    assert all(r["status"] in ("on_track", "off_track", "no_data") for r in rows)


def test_openapi_lists_the_strategy(anonymous):
    doc = anonymous.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/partnerships/{pid}/strategy/goals/{goal_id}" in doc["paths"]
    split = doc["components"]["schemas"]["ProjectPlanChange"]["properties"]["split_method"]
    assert split["enum"] == ["population", "location", "entered"]


def test_pages_carry_history_reach_and_the_workspace_summary(app, project):
    """The strategy page has a version history for the texts, every goal and every plan, and a
    "who it serves" box per project; the workspace loads the completeness summary."""
    expert = client_of(app, "expert@test.pl")
    made = expert.post(f"{API}/goals", json=goal(project["id"]))
    assert made.status_code == 201, made.get_json()
    html = expert.get(f"/partnerships/{PID}/strategy").get_data(as_text=True)
    goal_id = made.get_json()["id"]
    assert f'data-history="{API}/goals/{goal_id}/versions"' in html
    assert f'data-restore="{API}/goals/{goal_id}/restore"' in html
    assert f'data-history="{API}/texts/versions"' in html
    assert "Edytuj cel" in html
    # a project's plan history and reach come with its card's forms (its own page)
    card = expert.get(f"/partnerships/{PID}/strategy/projects/{project['id']}").get_data(
        as_text=True)
    assert f'data-history="{API}/projects/{project["id"]}/versions"' in card
    assert (f'data-reach="/api/v1/partnerships/{PID}/projects/{project["id"]}/reach"'
            in card)
    assert "Komu służy" in card
    workspace = expert.get(f"/partnerships/{PID}").get_data(as_text=True)
    assert f'data-completeness="{API}/completeness"' in workspace
    assert "js/strategy_summary.js" in workspace and "Kompletność strategii" in workspace
    # What the summary reads: every element with its link.
    elements = expert.get(f"{API}/completeness").get_json()
    assert len(elements) == 16 and all(e["fill_url"].startswith("/") for e in elements)
