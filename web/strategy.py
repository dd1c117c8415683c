"""The strategy of a partnership: the page in the workspace and its API (issue 13).

Documents, the spatial model map and the reach of projects are served by their own
blueprint; this one serves the rest of /api/v1/partnerships/<pid>/strategy.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, render_template, request

from services.strategy import goals, plans, texts, versions
from services.strategy.indicators import available
from services.strategy.kinds import for_page
from services.strategy.model import (
    project_package,
    strategy_model,
    strategy_page,
    strategy_page_project,
)
from services.strategy.versions import plain
from web import get_engine_for
from web.api_common import json_body, with_version

bp = Blueprint("strategy", __name__)
API = "/api/v1/partnerships/<pid>/strategy"


def _engine():
    return get_engine_for(current_app)


def _json(data, status: int = 200, version: int | None = None):
    """Decimals as text (exact), dates as YYYY-MM-DD."""
    response = jsonify(plain(data))
    response.status_code = status
    if version is not None:
        response.headers["ETag"] = f'"{version}"'
    return response


@bp.get("/partnerships/<pid>/strategy")
def page(pid: str):
    shown = strategy_page(_engine(), pid, g.principal)
    kinds = for_page(getattr(g, "lang", "pl"))
    return render_template(
        "strategy/page.html", pid=pid, model=shown["model"], kinds=kinds,
        page_data=plain({"pid": pid, "kinds": kinds, "indicators": shown["indicators"]}))


@bp.get("/partnerships/<pid>/strategy/projects/<int:project_id>")
def project_page(pid: str, project_id: int):
    """One project's plan forms: a page of its own, and the body of its card on the strategy
    page (strategy_projects.js fetches it when the card is opened)."""
    shown = strategy_page_project(_engine(), pid, project_id, g.principal)
    kinds = for_page(getattr(g, "lang", "pl"))
    return render_template("strategy/project.html", pid=pid, model=shown, p=shown["project"],
                           kinds=kinds, page_data=plain({"pid": pid, "kinds": kinds}))


@bp.get(API)
def get_strategy(pid: str):
    return _json(strategy_model(_engine(), pid, g.principal))


@bp.get(f"{API}/indicators")
def indicators(pid: str):
    return _json(available(_engine(), pid, actor=g.principal))


@bp.get(f"{API}/completeness")
def completeness(pid: str):
    return _json(strategy_model(_engine(), pid, g.principal)["completeness"])


@bp.get(f"{API}/monitoring")
def monitoring(pid: str):
    return _json(strategy_model(_engine(), pid, g.principal)["monitoring"])


@bp.get(f"{API}/texts")
def get_texts(pid: str):
    body = texts.get_texts(_engine(), pid, actor=g.principal)
    return _json(body, version=body["version"])


@bp.put(f"{API}/texts")
def put_texts(pid: str):
    body = texts.update_texts(_engine(), pid, with_version(json_body()), actor=g.principal)
    return _json(body, version=body["version"])


@bp.post(f"{API}/goals")
def create_goal(pid: str):
    body = goals.create_goal(_engine(), pid, json_body(), actor=g.principal)
    return _json(body, 201, body["version"])


@bp.get(f"{API}/goals/<int:goal_id>")
def get_goal(pid: str, goal_id: int):
    body = goals.get_goal(_engine(), pid, goal_id, actor=g.principal)
    return _json(body, version=body["version"])


@bp.put(f"{API}/goals/<int:goal_id>")
def put_goal(pid: str, goal_id: int):
    body = goals.update_goal(_engine(), pid, goal_id, with_version(json_body()),
                             actor=g.principal)
    return _json(body, version=body["version"])


@bp.delete(f"{API}/goals/<int:goal_id>")
def delete_goal(pid: str, goal_id: int):
    version = with_version({"version": request.args.get("version")}
                           if request.args.get("version") else {})
    goals.delete_goal(_engine(), pid, goal_id, version.get("version"), actor=g.principal)
    return "", 204


@bp.get(f"{API}/projects/<int:project_id>")
def get_package(pid: str, project_id: int):
    body = project_package(_engine(), pid, project_id, g.principal)
    return _json(body, version=body["version"])


@bp.put(f"{API}/projects/<int:project_id>")
def put_plan(pid: str, project_id: int):
    body = plans.update_plan(_engine(), pid, project_id, with_version(json_body()),
                             actor=g.principal)
    return _json(body, version=body["version"])


# --- history and restore: alike for every versioned kind (services/strategy/versions.py) ---

# By versioned kind: the endpoints' prefix and the object's URL below API.
VERSIONED = {"strategy": ("texts", "texts"), "strategy_goal": ("goal", "goals/<int:goal_id>"),
             "project_plan": ("plan", "projects/<int:project_id>")}


def _one_id(ids: dict) -> int | None:
    return next(iter(ids.values()), None)  # the URL's one id (goal, project); the texts: none


def _versions_view(kind: str):
    def view(pid: str, **ids: int):
        return _json(versions.object_history(_engine(), kind, pid, _one_id(ids),
                                             actor=g.principal))
    return view


def _restore_view(kind: str):
    def view(pid: str, **ids: int):
        body = json_body()
        return _json(versions.restore(_engine(), kind, pid, _one_id(ids), body.get("restore"),
                                      body.get("version"), actor=g.principal))
    return view


for _kind, (_name, _path) in VERSIONED.items():
    bp.add_url_rule(f"{API}/{_path}/versions", f"{_name}_versions", _versions_view(_kind),
                    methods=["GET"])
    bp.add_url_rule(f"{API}/{_path}/restore", f"{_name}_restore", _restore_view(_kind),
                    methods=["POST"])
