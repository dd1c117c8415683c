"""The strategy and the project package: baselines from the data, validation that saves
nothing half-way, versions (409, history, restore), exact money and deadline warnings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import Conflict, InvalidInput
from services.planning.projects import create_project
from services.strategy.finance import largest_remainder
from services.strategy.goals import create_goal, goal_history, restore_goal, update_goal
from services.strategy.model import project_package, strategy_model
from services.strategy.plans import plan_history, restore_plan, update_plan
from services.strategy.texts import update_texts

PID = "P02"
NEXT_YEAR = dt.date.today().year + 1
TABLES = ("strategy", "strategy_goal", "strategy_indicator", "strategy_direction",
          "strategy_direction_project", "project_plan", "project_task", "project_feasibility",
          "project_budget_line", "project_share", "object_version", "audit_log")


def counts(engine) -> dict:
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in TABLES}


@pytest.fixture(scope="module")
def project(reference_engine, partnerships_loaded, unemployment_rate):
    """A KPO project: a line across gminas of P02 (Kolno area)."""
    return create_project(reference_engine, PID, {
        "title": "Droga powiatowa", "theme": "transport", "cost_pln": "1000000.00",
        "funding_source": "kpo",
        "geometry": {"type": "LineString", "coordinates": [[21.95, 53.40], [22.25, 53.40]]}})


def independent_rate(engine, pid: str, year: int) -> Decimal:
    """Unemployed per 1,000 of the partnership, weighted by the residents, straight from SQL."""
    with engine.connect() as conn:
        value = conn.execute(sa.text(
            "SELECT sum(r.value * p.value) / sum(p.value) FROM indicator_value r"
            " JOIN indicator_value p ON p.teryt = r.teryt AND p.year = r.year"
            " AND p.level = 'gmina' AND p.indicator_code = 'population'"
            " WHERE r.indicator_code = 'unemployed_per_1000' AND r.level = 'gmina'"
            " AND r.year = :y AND r.teryt IN (SELECT gmina_teryt FROM partnership_gmina"
            " WHERE partnership_id = :p)"), {"y": year, "p": pid}).scalar_one()
    return Decimal(value).quantize(Decimal("0.0001"))


def goal_payload(project_id: int, **indicator) -> dict:
    return {"title": "Mniej bezrobocia", "dimension": "economic",
            "indicators": [{"indicator": "unemployed_per_1000", "baseline_year": 2022,
                            "target_value": "20.5", "target_year": NEXT_YEAR + 4,
                            **indicator}],
            "directions": [{"title": "Aktywizacja zawodowa", "project_ids": [project_id]}]}


def test_baseline_and_latest_come_from_the_data(reference_engine, project):
    goal = create_goal(reference_engine, PID, goal_payload(project["id"]))
    indicator = goal["indicators"][0]
    assert indicator["baseline_value"] == independent_rate(reference_engine, PID, 2022)
    assert indicator["latest_year"] == 2024
    assert indicator["latest_value"] == pytest.approx(
        independent_rate_2024(reference_engine), abs=Decimal("0.0001"))
    assert indicator["direction"] == "decrease"
    assert indicator["status"] in ("on_track", "off_track")
    model = strategy_model(reference_engine, PID)
    assert goal["id"] in [g["id"] for g in model["goals"]]
    package = next(p for p in model["projects"] if p["id"] == project["id"])
    assert package["goal_ids"] == [goal["id"]]
    assert package["direction_ids"] == [goal["directions"][0]["id"]]


def independent_rate_2024(engine) -> Decimal:
    # 2024 residents are in thousands (population_thousands); the weights scale alike.
    with engine.connect() as conn:
        value = conn.execute(sa.text(
            "SELECT sum(r.value * p.value) / sum(p.value) FROM indicator_value r"
            " JOIN indicator_value p ON p.teryt = r.teryt AND p.year = r.year"
            " AND p.level = 'gmina' AND p.indicator_code = 'population_thousands'"
            " WHERE r.indicator_code = 'unemployed_per_1000' AND r.level = 'gmina'"
            " AND r.year = 2024 AND r.teryt IN (SELECT gmina_teryt FROM partnership_gmina"
            " WHERE partnership_id = :p)"), {"p": PID}).scalar_one()
    return Decimal(value).quantize(Decimal("0.0001"))


@pytest.mark.parametrize(("change", "field"), [
    ({"target_year": 2020}, "indicators[0].target_year"),
    ({"baseline_year": 2015}, "indicators[0].baseline_year"),
    ({"baseline_value": "12.5"}, "indicators[0].baseline_value"),
    ({"indicator": "no_such_indicator"}, "indicators[0].indicator"),
    ({"target_value": "abc"}, "indicators[0].target_value"),
])
def test_bad_indicator_saves_nothing(reference_engine, project, change, field):
    before = counts(reference_engine)
    with pytest.raises(InvalidInput) as err:
        create_goal(reference_engine, PID, goal_payload(project["id"], **change))
    assert err.value.field == field
    assert counts(reference_engine) == before


def test_typed_indicator_needs_its_source(reference_engine, project):
    typed = {"indicator": None, "name": "Długość dróg rowerowych", "unit": "km",
             "baseline_year": 2023, "baseline_value": "12.4", "target_value": "30",
             "target_year": NEXT_YEAR}
    payload = {"title": "Mobilność", "dimension": "spatial", "indicators": [typed]}
    before = counts(reference_engine)
    with pytest.raises(InvalidInput) as err:
        create_goal(reference_engine, PID, payload)
    assert err.value.field == "indicators[0].baseline_source"
    assert counts(reference_engine) == before
    typed["baseline_source"] = "ewidencja dróg powiatu, 2023"
    goal = create_goal(reference_engine, PID, payload)
    assert goal["indicators"][0]["baseline_value"] == Decimal("12.4")
    assert goal["indicators"][0]["status"] == "no_data"


def test_goal_without_indicators_is_saved_and_flagged(reference_engine, project):
    goal = create_goal(reference_engine, PID, {"title": "Więzi społeczne",
                                               "dimension": "social"})
    assert goal["indicators"] == []
    results = next(c for c in strategy_model(reference_engine, PID)["completeness"]
                   if c["element"] == "results")
    assert not results["present"] and "Więzi społeczne" in results["missing"]
    assert results["legal_basis"] == "art. 10e ust. 3 pkt 3 u.s.g."
    assert results["fill_url"] == f"/partnerships/{PID}/strategy#goals"


def test_stale_goal_edit_is_refused_kept_and_restorable(reference_engine, project):
    goal = create_goal(reference_engine, PID, goal_payload(project["id"]))
    first = update_goal(reference_engine, PID, goal["id"],
                        {"version": 1, "title": "Praca dla wszystkich"})
    assert first["version"] == 2
    with pytest.raises(Conflict) as err:
        update_goal(reference_engine, PID, goal["id"], {"version": 1, "title": "Stara"})
    assert err.value.details == {"current_version": 2, "your_version": 1}
    history = goal_history(reference_engine, PID, goal["id"])
    assert [(h["version"], h["outcome"]) for h in history] == [
        (1, "accepted"), (2, "accepted"), (None, "conflict")]
    assert history[-1]["data"]["title"] == "Stara"
    restored = restore_goal(reference_engine, PID, goal["id"], 1, 2)
    assert restored["version"] == 3 and restored["title"] == "Mniej bezrobocia"
    assert restored["indicators"][0]["baseline_value"] == independent_rate(
        reference_engine, PID, 2022)
    assert restored["directions"][0]["project_ids"] == [project["id"]]


def plan(**change) -> dict:
    return {"version": 1, "cofinancing_rate": "0.85", "split_method": "population",
            "tasks": [{"name": "Dokumentacja", "start": "2026-01-01", "end": "2026-05-31"},
                      {"name": "Odbiór", "start": "2026-12-31", "end": "2026-12-31",
                       "milestone": True}],
            "feasibility": [{"item": "land_ownership", "status": "obtained",
                             "date": "2025-03-01", "note": "księga wieczysta"}],
            "lines": [{"year": 2026, "category": "works", "total": "900000.01",
                       "eligible": "800000.01"},
                      {"year": 2026, "category": "documentation", "total": "99999.99",
                       "eligible": "99999.99"}], **change}


@pytest.mark.parametrize(("change", "field"), [
    ({"tasks": [{"name": "Budowa", "start": "2026-05-01", "end": "2026-04-30"}]},
     "tasks[0].end"),
    ({"lines": [{"year": 2026, "category": "works", "total": "10.001", "eligible": "1"}]},
     "lines[0].total"),
    ({"lines": [{"year": 2026, "category": "works", "total": "-5", "eligible": "0"}]},
     "lines[0].total"),
    ({"lines": [{"year": 2026, "category": "works", "total": "5", "eligible": "6"}]},
     "lines[0].eligible"),
    ({"split_method": "entered", "shares": [{"teryt": "2006011", "share": "60"},
                                            {"teryt": "2006022", "share": "39.99"}]},
     "shares"),
    ({"shares": [{"teryt": "2013011", "share": "100"}]}, "shares[0].teryt"),
    ({"cofinancing_rate": "85"}, "cofinancing_rate"),
    ({"feasibility": [{"item": "building_permit", "status": "maybe"}]},
     "feasibility[0].status"),
])
def test_bad_plan_saves_nothing(reference_engine, project, change, field):
    before = counts(reference_engine)
    with pytest.raises(InvalidInput) as err:
        update_plan(reference_engine, PID, project["id"], plan(**change))
    assert err.value.field == field
    assert counts(reference_engine) == before


def test_package_money_schedule_and_deadline(reference_engine, project):
    package = update_plan(reference_engine, PID, project["id"], plan())
    money = package["finance"]
    assert money["total"] == Decimal("1000000.00")
    assert money["eligible"] == Decimal("900000.00")
    assert money["cofinancing"] == Decimal("765000.00")
    assert money["own_contribution"] == money["total"] - money["cofinancing"]
    assert sum(s["amount"] for s in money["shares"]) == money["own_contribution"]
    assert all(isinstance(s["amount"], Decimal) and s["amount"].as_tuple().exponent == -2
               for s in money["shares"])
    with reference_engine.connect() as conn:
        partners = set(conn.execute(sa.text(
            "SELECT gmina_teryt FROM partnership_gmina WHERE partnership_id = :p"),
            {"p": PID}).scalars())
    assert {s["teryt"] for s in money["shares"]} == partners
    assert [(t["start"], t["end"], t["milestone"]) for t in package["tasks"]] == [
        (dt.date(2026, 1, 1), dt.date(2026, 5, 31), False),
        (dt.date(2026, 12, 31), dt.date(2026, 12, 31), True)]
    # KPO pays until 2026-08-31; the schedule ends on 2026-12-31.
    assert package["deadline"] == {"programme": "KPO", "eligible_until": dt.date(2026, 8, 31),
                                   "exceeded": True, "schedule_end": dt.date(2026, 12, 31)}
    assert "deadline_exceeded" in {w["code"] for w in package["warnings"]}
    land = next(f for f in package["feasibility"] if f["item"] == "land_ownership")
    assert (land["status"], land["date"]) == ("obtained", dt.date(2025, 3, 1))

    located = update_plan(reference_engine, PID, project["id"],
                          {"version": 2, "split_method": "location"})
    shares = located["finance"]["shares"]
    assert sum(s["amount"] for s in shares) == located["finance"]["own_contribution"]
    assert {s["teryt"] for s in shares} <= {g["teryt"] for g in located["gminas"]}

    entered = update_plan(reference_engine, PID, project["id"], {
        "version": 3, "split_method": "entered",
        "shares": [{"teryt": "2006011", "share": "33.33"}, {"teryt": "2006022", "share": "33.33"},
                   {"teryt": "2006032", "share": "33.34"}]})
    amounts = [s["amount"] for s in entered["finance"]["shares"]]
    assert sum(amounts) == Decimal("235000.00")
    assert amounts == [Decimal("78325.50"), Decimal("78325.50"), Decimal("78349.00")]

    with pytest.raises(Conflict):
        update_plan(reference_engine, PID, project["id"], plan())
    history = plan_history(reference_engine, PID, project["id"])
    assert [h["outcome"] for h in history][-1] == "conflict"
    back = restore_plan(reference_engine, PID, project["id"], 2, 4)
    assert back["finance"]["split_method"] == "population" and back["version"] == 5


def test_no_deadline_warning_within_the_programme(reference_engine, partnerships_loaded):
    other = create_project(reference_engine, PID, {
        "title": "Świetlica", "funding_source": "fe_regional", "cost_pln": "100.00",
        "geometry": {"type": "Point", "coordinates": [22.1, 53.4]}})
    package = update_plan(reference_engine, PID, other["id"], plan(lines=[
        {"year": 2026, "category": "works", "total": "100.00", "eligible": "100.00"}]))
    assert package["deadline"]["eligible_until"] == dt.date(2029, 12, 31)
    assert not package["deadline"]["exceeded"]
    assert "deadline_exceeded" not in {w["code"] for w in package["warnings"]}
    assert project_package(reference_engine, PID, other["id"])["version"] == 2


def test_texts_and_intervention_areas(reference_engine, partnerships_loaded):
    from services.planning.areas import create_area

    area = create_area(reference_engine, PID, {"name": "Dolina Pisy", "kind": "river_valley",
                                               "gminas": ["2006011", "2006022"]})
    from services.strategy.texts import get_texts

    v = get_texts(reference_engine, PID)["version"]
    texts = update_texts(reference_engine, PID, {
        "version": v, "spatial_policy": "Rekomendacje", "intervention_areas": [
            {"area_id": area["id"], "rationale": "zagrożenie powodziowe"}]})
    assert texts["version"] == v + 1
    assert texts["intervention_areas"][0]["name"] == "Dolina Pisy"
    before = counts(reference_engine)
    with pytest.raises(InvalidInput) as err:
        update_texts(reference_engine, PID, {"version": v + 1, "intervention_areas": [
            {"area_id": 10**9, "rationale": "?"}]})
    assert err.value.field == "intervention_areas"
    assert counts(reference_engine) == before
    element = next(c for c in strategy_model(reference_engine, PID)["completeness"]
                   if c["element"] == "intervention_areas")
    assert element["present"]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**12), st.lists(st.integers(1, 10**7), min_size=1, max_size=40))
def test_largest_remainder_sums_exactly(groszy, weights):
    amount = Decimal(groszy) / 100
    parts = largest_remainder(amount, {f"{i:07d}": Fraction(w) for i, w in enumerate(weights)})
    assert sum(parts.values()) == amount
    exact = [Fraction(groszy) * w / sum(weights) for w in weights]
    assert all(abs(Fraction(int(p * 100)) - e) < 1
               for p, e in zip(parts.values(), exact, strict=True))


def test_project_lying_in_no_gmina_is_flagged(reference_engine, partnerships_loaded):
    """Projects always have a geometry (the database refuses one without); one that lies in
    no gmina (here the Gulf of Gdańsk) has no location to split by: the package says so."""
    at_sea = create_project(reference_engine, PID, {
        "title": "Przystań", "funding_source": "own",
        "geometry": {"type": "Point", "coordinates": [18.9, 54.45]}})
    package = update_plan(reference_engine, PID, at_sea["id"], plan(split_method="location"))
    assert package["gminas"] == [] and package["finance"]["shares"] == []
    codes = {w["code"] for w in package["warnings"]}
    assert {"no_location", "no_split"} <= codes
    assert package["deadline"] == {"programme": "środki własne", "eligible_until": None,
                                   "exceeded": False, "schedule_end": dt.date(2026, 12, 31)}


def test_deleting_a_goal_is_versioned(reference_engine, project):
    from services.strategy.goals import delete_goal

    goal = create_goal(reference_engine, PID, {"title": "Do usunięcia", "dimension": "spatial"})
    with pytest.raises(Conflict):
        delete_goal(reference_engine, PID, goal["id"], 7)
    delete_goal(reference_engine, PID, goal["id"], 1)
    assert goal["id"] not in [g["id"] for g in strategy_model(reference_engine, PID)["goals"]]
    actions = [(h["action"], h["outcome"]) for h in
               goal_history(reference_engine, PID, goal["id"])]
    assert actions == [("create", "accepted"), ("delete", "conflict"), ("delete", "accepted")]


def test_texts_history_and_restore(reference_engine, partnerships_loaded):
    from services.strategy.texts import get_texts, restore_texts, texts_history

    other = "P04"  # the strategy of another partnership than the other tests'
    v = get_texts(reference_engine, other)["version"]
    update_texts(reference_engine, other, {"version": v, "implementation_system": "Zespół"})
    update_texts(reference_engine, other, {"version": v + 1, "implementation_system": "Rada"})
    with pytest.raises(Conflict):
        update_texts(reference_engine, other, {"version": v + 1, "implementation_system": "X"})
    back = restore_texts(reference_engine, other, v + 1, v + 2)
    assert (back["version"], back["implementation_system"]) == (v + 3, "Zespół")
    assert [(h["version"], h["outcome"]) for h in texts_history(reference_engine, other)][
        -4:] == [(v + 1, "accepted"), (v + 2, "accepted"), (None, "conflict"),
                 (v + 3, "accepted")]


def test_a_target_year_that_has_passed_does_not_block_other_edits(reference_engine, project):
    goal = create_goal(reference_engine, PID, goal_payload(project["id"]))
    with reference_engine.begin() as conn:  # years later: the target year is now past
        conn.execute(sa.text("UPDATE strategy_indicator SET target_year = 2023"
                             " WHERE goal_id = :g"), {"g": goal["id"]})
    renamed = update_goal(reference_engine, PID, goal["id"], {"version": 1, "title": "Nowa"})
    assert renamed["indicators"][0]["target_year"] == 2023
    changed = {**renamed["indicators"][0], "target_year": 2022}
    allowed = {"id", "indicator", "baseline_year", "target_value", "target_year"}
    with pytest.raises(InvalidInput) as err:
        update_goal(reference_engine, PID, goal["id"], {
            "version": 2, "indicators": [{k: v for k, v in changed.items() if k in allowed}]})
    assert err.value.field == "indicators[0].target_year"


def test_programme_deadlines_are_configuration(reference_engine, partnerships_loaded,
                                               monkeypatch):
    """PARTNERSTWA_PROGRAMME_DEADLINES overrides the table's dates (KPO extended past the
    schedule: the warning goes; FE cut short: a warning comes); without it the defaults hold."""
    from services.strategy.programmes import deadlines

    monkeypatch.delenv("PARTNERSTWA_PROGRAMME_DEADLINES", raising=False)
    assert deadlines()["kpo"] == dt.date(2026, 8, 31)
    assert deadlines()["fe_regional"] == dt.date(2029, 12, 31)
    assert deadlines()["national"] is None
    kpo = create_project(reference_engine, PID, {
        "title": "Most", "funding_source": "kpo", "cost_pln": "100.00",
        "geometry": {"type": "Point", "coordinates": [22.1, 53.4]}})
    fe = create_project(reference_engine, PID, {
        "title": "Przedszkole", "funding_source": "fe_regional", "cost_pln": "100.00",
        "geometry": {"type": "Point", "coordinates": [22.1, 53.4]}})
    lines = [{"year": 2026, "category": "works", "total": "100.00", "eligible": "100.00"}]
    for p in (kpo, fe):
        update_plan(reference_engine, PID, p["id"], plan(lines=lines))  # ends 2026-12-31
    before = project_package(reference_engine, PID, kpo["id"])
    assert before["deadline"]["exceeded"]
    assert "deadline_exceeded" in {w["code"] for w in before["warnings"]}

    monkeypatch.setenv("PARTNERSTWA_PROGRAMME_DEADLINES",
                       " kpo=2027-06-30 , fe_regional=2026-10-31,national=2030-12-31,own=none")
    assert deadlines()["national"] == dt.date(2030, 12, 31)
    assert deadlines()["fe_national"] == dt.date(2029, 12, 31)  # not named: the default
    moved = project_package(reference_engine, PID, kpo["id"])
    assert moved["deadline"]["eligible_until"] == dt.date(2027, 6, 30)
    assert not moved["deadline"]["exceeded"]
    assert "deadline_exceeded" not in {w["code"] for w in moved["warnings"]}
    cut = project_package(reference_engine, PID, fe["id"])
    assert cut["deadline"]["eligible_until"] == dt.date(2026, 10, 31)
    assert cut["deadline"]["exceeded"]
    assert "deadline_exceeded" in {w["code"] for w in cut["warnings"]}


@pytest.mark.parametrize("value, reason", [
    ("kpo=2026-02-30", "has no date"), ("kpo:2026-08-31", "is not code=YYYY-MM-DD"),
    ("eu=2029-12-31", "is not a funding code"), ("kpo=soon", "has no date")])
def test_a_bad_programme_deadline_names_the_setting(monkeypatch, value, reason):
    from services.config import Settings

    monkeypatch.setenv("PARTNERSTWA_PROGRAMME_DEADLINES", value)
    with pytest.raises(SystemExit) as stopped:
        Settings.from_env()
    assert "PARTNERSTWA_PROGRAMME_DEADLINES" in str(stopped.value)
    assert reason in str(stopped.value) and value.split(",")[0] in str(stopped.value)
