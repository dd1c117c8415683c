"""The OpenAPI paths of the strategy's documents, spatial model picture and project reach
(web/openapi.py merges them); the formats come from services/strategy/documents.py."""

from __future__ import annotations

from services.strategy.documents import FORMATS

PROBLEM = {"$ref": "#/components/responses/Problem"}
ERRORS = ("400", "401", "403", "404", "429", "503")


def _params(*names: str) -> list[dict]:
    return [{"$ref": f"#/components/parameters/{n}"} for n in names]


def _file(summary: str, mimetype: str, params: tuple[str, ...]) -> dict:
    return {"get": {"summary": summary, "parameters": _params(*params),
                    "responses": {"200": {"description": "the file", "content": {
                        mimetype: {"schema": {"type": "string", "format": "binary"}}}},
                        **{code: PROBLEM for code in ERRORS}}}}


def paths() -> dict:
    base = "/api/v1/partnerships/{pid}"
    out = {}
    for fmt in FORMATS.values():
        mimetype = fmt.mimetype.split(";")[0]
        out[f"{base}/strategy.{fmt.extension}"] = _file(
            f"The strategy as {fmt.name.upper()} (Polish; ?lang=en): every statutory element,"
            " goals, indicators with baselines from the data, projects with schedules,"
            " feasibility and finance, the spatial model, monitoring and the completeness list",
            mimetype, ("pid", "lang"))
        out[f"{base}/projects/{{project_id}}/application.{fmt.extension}"] = _file(
            f"The preliminary funding application for one project as {fmt.name.upper()}",
            mimetype, ("pid", "project_id", "lang"))
    out[f"{base}/strategy/model.png"] = _file(
        "The model of the functional-spatial structure as a PNG map", "image/png",
        ("pid", "lang"))
    out[f"{base}/projects/{{project_id}}/reach"] = {"get": {
        "summary": "Who a project serves: population within 5, 10 and 20 km (areal"
                   " interpolation of gmina population, the method and year stated) and the"
                   " member gminas reached",
        "parameters": _params("pid", "project_id", "lang"),
        "responses": {"200": {"description": "OK", "content": {"application/json": {
            "schema": {"type": "object", "required": ["project_id", "method", "buffers"]}}}},
            **{code: PROBLEM for code in ("400", "401", "403", "404")}}}}
    return out
