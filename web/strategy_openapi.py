"""The strategy's part of the OpenAPI document (web/openapi.py merges it): paths, parameters
and strict request bodies, built from the strategy's kinds tables (services/strategy/kinds.py)."""

from __future__ import annotations

from services.strategy.checks import MAX_ITEMS, TEXT_LIMITS
from services.strategy.kinds import (
    BUDGET_CATEGORIES,
    DIMENSIONS,
    FEASIBILITY_ITEMS,
    FEASIBILITY_STATUSES,
    SPLIT_METHODS,
    TEXT_LIMIT,
    TEXTS,
    codes,
)

PROBLEM = {"$ref": "#/components/responses/Problem"}
VERSION = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
ID = {"type": ["integer", "null"], "minimum": 1, "maximum": 2**63 - 1}
# Decimals travel as text ("1234.56", "0,85") or numbers; the service checks their digits.
NUMBER = {"type": ["number", "string", "null"], "maxLength": 40}
YEAR = {"type": ["integer", "string", "null"], "minimum": 1950, "maximum": 2100,
        "maxLength": 4}
DATE = {"type": ["string", "null"], "maxLength": 10}


def _closed(properties: dict, required: tuple[str, ...] = ()) -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    return {**schema, "required": list(required)} if required else schema


def _text(limit: str, *, low: int = 0) -> dict:
    return {"type": ["string", "null"], "maxLength": TEXT_LIMITS[limit], "minLength": low}


def _list(items: dict) -> dict:
    return {"type": "array", "maxItems": MAX_ITEMS, "items": items}


def body_schemas() -> dict:
    indicator = _closed({
        "id": ID, "indicator": {"type": ["string", "null"], "maxLength": 63},
        "name": _text("name"), "unit": _text("unit"), "baseline_year": YEAR,
        "baseline_value": NUMBER, "baseline_source": _text("source"), "target_value": NUMBER,
        "target_year": YEAR, "latest_year": YEAR, "latest_value": NUMBER})
    direction = _closed({
        "id": ID, "title": _text("title"), "description": _text("description"),
        "project_ids": {"type": "array", "maxItems": 1000,
                        "items": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}}})
    goal = {"title": _text("title"), "dimension": {"type": "string", "enum": codes(DIMENSIONS)},
            "description": _text("description"),
            "position": {"type": "integer", "minimum": 1, "maximum": 1000},
            "indicators": _list(indicator), "directions": _list(direction),
            "comment": _text("comment")}
    strategy = {t: {"type": "string", "maxLength": TEXT_LIMIT} for t in TEXTS} | {
        "intervention_areas": _list(_closed({
            "area_id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
            "rationale": _text("rationale"), "name": {"type": "string", "maxLength": 300},
            "kind": {"type": "string", "maxLength": 40}}, ("area_id",))),
        "comment": _text("comment"), "version": VERSION}
    plan = {
        "tasks": _list(_closed({"id": ID, "name": _text("name"), "start": DATE, "end": DATE,
                                "milestone": {"type": ["boolean", "null"]}})),
        "feasibility": _list(_closed({
            "item": {"type": "string", "enum": codes(FEASIBILITY_ITEMS)},
            "label": {"type": "string", "maxLength": 300},
            "status": {"type": "string", "enum": codes(FEASIBILITY_STATUSES)},
            "date": DATE, "note": _text("note")}, ("item", "status"))),
        "cofinancing_rate": NUMBER,
        "split_method": {"type": "string", "enum": codes(SPLIT_METHODS)},
        "lines": _list(_closed({"year": YEAR, "category": {
            "type": "string", "enum": codes(BUDGET_CATEGORIES)}, "total": NUMBER,
            "eligible": NUMBER})),
        "shares": _list(_closed({"teryt": {"type": "string", "maxLength": 7},
                                 "name": {"type": "string", "maxLength": 300},
                                 "share": NUMBER, "amount": NUMBER}, ("teryt", "share"))),
        "comment": _text("comment"), "version": VERSION}
    return {
        "StrategyGoalInput": _closed(goal, ("title", "dimension")),
        "StrategyGoalChange": _closed({**goal, "version": VERSION}, ("version",)),
        "StrategyChange": _closed(strategy, ("version",)),
        "ProjectPlanChange": _closed(plan, ("version",)),
    }


PARAMETERS = {
    "goal_id": {"name": "goal_id", "in": "path", "required": True,
                "schema": {"type": "integer", "minimum": 1}},
}


def _op(summary: str, params=("pid",), body: str | None = None, ok: str = "200",
        errors=("400", "401", "404", "422")) -> dict:
    op = {"summary": summary,
          "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in params],
          "responses": {ok: {"description": "OK", "content": {"application/json": {
              "schema": {"type": "object"}}}} if ok != "204" else {"description": "Deleted"}}}
    for code in (*errors, *(("403",) if body else ())):
        op["responses"][code] = PROBLEM
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{body}"}}}}
    return op


def paths() -> dict:
    base = "/api/v1/partnerships/{pid}/strategy"
    goal, plan = ("pid", "goal_id"), ("pid", "project_id")
    stale = ("400", "401", "404", "409", "422")
    return {
        base: {"get": _op("The strategy: goals with indicators (baselines and latest values"
                          " from the data), directions, areas of strategic intervention,"
                          " texts, completeness and the project package")},
        f"{base}/indicators": {"get": _op(
            "Catalogue indicators the data hold for the partnership, with values by year")},
        f"{base}/completeness": {"get": _op(
            "Statutory elements (art. 10e ust. 3 with art. 10g ust. 3 u.s.g., Regulation"
            " 2021/1060 art. 29): present or"
            " missing, with where to fill them in")},
        f"{base}/monitoring": {"get": _op(
            "Result indicators: latest value against baseline and target")},
        f"{base}/texts": {
            "get": _op("Statutory texts and areas of strategic intervention"),
            "put": _op("Change the texts and areas (version required; 409 when stale)",
                       body="StrategyChange", errors=stale)},
        f"{base}/texts/versions": {"get": _op("History of the texts")},
        f"{base}/texts/restore": {"post": _op("Make an old version current", body="Restore",
                                              errors=stale)},
        f"{base}/goals": {"post": _op("Add a goal with indicators and directions",
                                      body="StrategyGoalInput", ok="201")},
        f"{base}/goals/{{goal_id}}": {
            "get": _op("A goal", params=goal),
            "put": _op("Change a goal (version required; 409 when stale)", params=goal,
                       body="StrategyGoalChange", errors=stale),
            "delete": _op("Delete a goal", params=(*goal, "version"), ok="204",
                          errors=("400", "401", "403", "404", "409"))},
        f"{base}/goals/{{goal_id}}/versions": {"get": _op("History of a goal", params=goal)},
        f"{base}/goals/{{goal_id}}/restore": {"post": _op(
            "Make an old version of a goal current", params=goal, body="Restore",
            errors=stale)},
        f"{base}/projects/{{project_id}}": {
            "get": _op("A project's package: goals, schedule, deadline, feasibility, finance"
                       " with the own contribution per gmina", params=plan),
            "put": _op("Change a project's schedule, feasibility or finance (version"
                       " required; 409 when stale)", params=plan, body="ProjectPlanChange",
                       errors=stale)},
        f"{base}/projects/{{project_id}}/versions": {"get": _op(
            "History of a project's plan", params=plan)},
        f"{base}/projects/{{project_id}}/restore": {"post": _op(
            "Make an old version of a project's plan current", params=plan, body="Restore",
            errors=stale)},
    }
