"""Signing in and out, who is asking (session or API token), and CSRF protection."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlparse

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from core.errors import PartnerstwaError
from services.access import accounts
from services.access.rules import ANONYMOUS, Unauthenticated
from web import get_engine_for

bp = Blueprint("auth", __name__)
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


class CsrfFailed(PartnerstwaError):
    status = 403
    code = "csrf_failed"


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _safe_next(target: str | None) -> str:
    if not target:
        return url_for("pages.overview")
    parsed = urlparse(target)
    # Only paths on this site: no scheme, no host, no protocol-relative '//evil'.
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("pages.overview")
    return target


def init_app(app: Flask) -> None:
    @app.before_request
    def identify():
        g.principal = ANONYMOUS
        if "\x00" in request.path or any("\x00" in v for v in request.args.values()):
            from core.errors import BadRequest

            raise BadRequest("the request holds a NUL character")
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            g.principal = accounts.principal_for_token(get_engine_for(current_app),
                                                       header[7:].strip())
            g.by_token = True
            return
        g.by_token = False
        user_id = session.get("user_id")
        if user_id is not None:
            principal = accounts.principal_for_user(get_engine_for(current_app), user_id)
            if principal is None:  # disabled or removed since: the session ends
                session.clear()
            else:
                g.principal = principal
        # Cookies ride along with forged cross-site requests: a signed-in session must prove
        # the request came from our page. Without a session there is nothing to abuse.
        if (request.method in UNSAFE and request.endpoint != "auth.login"
                and g.principal.authenticated):
            sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
            if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
                raise CsrfFailed("the form or request lacks a valid CSRF token; reload the page")

    app.jinja_env.globals.update(csrf_token=csrf_token)


@bp.get("/login")
def login_form():
    return render_template("login.html", next=_safe_next(request.args.get("next")),
                           error=None)


@bp.post("/login")
def login():
    sent = request.form.get("csrf_token", "")
    if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
        raise CsrfFailed("the sign-in form expired; reload the page and try again")
    target = _safe_next(request.form.get("next"))
    try:
        principal = accounts.sign_in(get_engine_for(current_app), request.form.get("email", ""),
                                     request.form.get("password", ""),
                                     request.remote_addr or "?")
    except (Unauthenticated, accounts.TooManyAttempts) as exc:
        return render_template("login.html", next=target, error=exc.message), exc.status
    session.clear()  # a new session on sign-in: no fixation
    session["user_id"] = principal.id
    session.permanent = True
    csrf_token()
    return redirect(target)


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("pages.overview"))
