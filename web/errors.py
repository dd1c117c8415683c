"""Errors rendered in one place: RFC 9457 problem details for the API, HTML for pages.

No stack trace and no connection string ever reaches the client. Every text is in the user's
language: a project error's English template is the msgid of the catalogues (``detail``), its
stable ``code`` and the ``field`` it concerns stay as they are for programs.
"""

from __future__ import annotations

from flask import Flask, current_app, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext
from werkzeug.exceptions import HTTPException

from core.errors import N_, PartnerstwaError, Text, fill

# Titles of the problem answers and error pages, by the stable code.
TITLES = {
    "invalid_input": N_("Invalid input"),
    "bad_request": N_("Bad request"),
    "not_found": N_("Not found"),
    "conflict": N_("Conflict"),
    "forbidden": N_("Forbidden"),
    "unauthenticated": N_("Sign-in needed"),
    "csrf_failed": N_("The form expired"),
    "too_many_requests": N_("Too many requests"),
    "too_many_attempts": N_("Too many attempts"),
    "server_busy": N_("Server busy"),
    "database_unavailable": N_("Database unavailable"),
    "internal_error": N_("Internal error"),
    "download_failed": N_("Download failed"),
    "bdl_error": N_("GUS BDL error"),
    "method_not_allowed": N_("Method not allowed"),
    "request_entity_too_large": N_("Request too large"),
    "unsupported_media_type": N_("Unsupported media type"),
    "not_acceptable": N_("Not acceptable"),
    "gone": N_("Gone"),
    "precondition_failed": N_("Precondition failed"),
    "unprocessable_entity": N_("Invalid input"),
    "internal_server_error": N_("Internal error"),
    "service_unavailable": N_("Server busy"),
    "unauthorized": N_("Sign-in needed"),
}

# Fields as the forms call them: a message naming a field (parameter ``name``) shows this.
FIELD_LABELS = {
    "title": N_("title"), "name": N_("name"), "description": N_("description"),
    "theme": N_("theme"), "cost_pln": N_("cost (PLN)"), "funding_source": N_("funding source"),
    "feasibility": N_("feasibility study"), "priority": N_("priority"),
    "start_date": N_("start date"), "end_date": N_("end date"), "kind": N_("kind"),
    "gminas": N_("gminas"), "area_ids": N_("functional areas"), "comment": N_("comment"),
    "body": N_("comment"), "crs": N_("coordinate system"), "geometry": N_("geometry"),
    "milestones": N_("milestones"), "milestone name": N_("milestone name"),
    "milestone date": N_("milestone date"), "members": N_("members"), "status": N_("status"),
    "version": N_("version"), "email": N_("e-mail"), "password": N_("password"),
}
NAMING_PARAMS = ("name", "field_name")


def _param(key: str, value):
    if key in NAMING_PARAMS and isinstance(value, str) and not isinstance(value, Text) \
            and value in FIELD_LABELS:
        return Text(FIELD_LABELS[value])
    return value


def message_of(exc: PartnerstwaError) -> str:
    """The error's message in the user's language, fields named as the forms name them and
    amounts written as the language writes numbers."""
    params = {k: _param(k, v) for k, v in exc.params.items()}
    return fill(exc.template, params, gettext, format_decimal)


# Our own words for werkzeug's HTTP errors (its descriptions are English only), by status.
HTTP_DETAILS = {
    400: N_("The request could not be understood."),
    401: N_("Sign in to see this."),
    403: N_("You may not see this."),
    404: N_("There is nothing at this address; check the link or go back to the map."),
    405: N_("This address does not accept this method."),
    406: N_("This address cannot answer in the format asked for."),
    409: N_("Someone else changed this in the meantime."),
    410: N_("This is no longer here."),
    412: N_("This was changed in the meantime; reload it."),
    413: N_("The request is too large."),
    415: N_("This address does not accept data of this type."),
    422: N_("The request cannot be used as it is."),
    429: N_("Too many requests; try again in a moment."),
    500: N_("Something went wrong on our side; the error has been logged."),
    503: N_("The server is busy; try again in a moment."),
}


def _wants_json() -> bool:
    # The public consultation's submissions are an API too (web/public_consultation.py).
    if request.path.startswith("/api/") or request.endpoint == "public_consultation.submissions":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def title_for(code: str) -> str:
    return gettext(TITLES[code]) if code in TITLES else code.replace("_", " ")


def _render(status: int, code: str, detail: str, extra: dict | None = None):
    title = title_for(code)
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
        extra = dict(exc.details)
        field = exc.field or extra.get("field")
        if field:
            extra["field"] = field
        response = _render(exc.status, exc.code, message_of(exc), extra)
        if exc.status in (429, 503) and "retry_after" in extra:
            # Clients and proxies read the header, not the body (RFC 9110 10.2.3).
            response = current_app.make_response(response)
            response.headers["Retry-After"] = str(int(extra["retry_after"]))
        return response

    @app.errorhandler(HTTPException)
    def handle_http_error(exc: HTTPException):
        status = exc.code or 500
        code = (exc.name or "error").lower().replace(" ", "_")
        detail = (gettext(HTTP_DETAILS[status]) if status in HTTP_DETAILS
                  else exc.description or "")
        return _render(status, code, detail)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return _render(500, "internal_error", gettext(HTTP_DETAILS[500]))
