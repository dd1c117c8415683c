"""Errors rendered in one place: RFC 9457 problem details for the API, HTML for pages.

No stack trace and no connection string ever reaches the client.
"""

from __future__ import annotations

from flask import Flask, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from core.errors import PartnerstwaError


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _render(status: int, code: str, title: str, detail: str, extra: dict | None = None):
    if _wants_json():
        body = {"type": f"about:blank#{code}", "title": title, "status": status,
                "detail": detail, "code": code, "instance": request.path, **(extra or {})}
        return current_app.response_class(
            current_app.json.dumps(body), status=status, mimetype="application/problem+json"
        )
    return render_template("error.html", status=status, title=title, detail=detail), status


def init_app(app: Flask) -> None:
    @app.errorhandler(PartnerstwaError)
    def handle_project_error(exc: PartnerstwaError):
        if exc.status == 401 and not _wants_json():
            return redirect(url_for("auth.login_form", next=request.full_path.rstrip("?")))
        if exc.status >= 500:
            app.logger.warning("%s: %s", exc.code, exc.message)
        return _render(exc.status, exc.code, exc.code.replace("_", " "), exc.message,
                       exc.details)

    @app.errorhandler(HTTPException)
    def handle_http_error(exc: HTTPException):
        return _render(exc.code or 500, (exc.name or "error").lower().replace(" ", "_"),
                       exc.name, exc.description or "")

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return _render(500, "internal_error", "Internal Server Error",
                       "Something went wrong on our side; the error has been logged.")
