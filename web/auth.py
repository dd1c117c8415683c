"""Signing in and out, who is asking (session or API token), and CSRF protection.

The session cookie (signed by Flask) carries the id of a server-side session, which signing
out, disabling the account or eight hours end. A second, long-lived signed cookie remembers
the device where an account signed in, so that failed attempts of others do not lock its
owner out (see ``services.access.sessions``)."""

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
from flask_babel import get_locale, gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer

from core.errors import PartnerstwaError
from services.access import accounts, sessions
from services.access.rules import ANONYMOUS, ROLE_BY_NAME, Unauthenticated
from web import get_engine_for

bp = Blueprint("auth", __name__)
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
DEVICE_COOKIE = "partnerstwa_device"
DEVICE_DAYS = 365


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


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="partnerstwa-device")


def _known_device(email: str) -> str | None:
    """The device id of a device cookie that we signed for this e-mail, or None."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        claim = _devices().loads(raw, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return None
    same = isinstance(claim, dict) and claim.get("e") == (email or "").strip().lower()
    return claim.get("d") if same and isinstance(claim.get("d"), str) else None


def role_label(role: str) -> str:
    """The role's name in the page's language, from the one table of roles."""
    known = ROLE_BY_NAME.get(role)
    return known.label(str(get_locale() or "pl")) if known else role


def init_app(app: Flask) -> None:
    hops = app.config["SETTINGS"].proxy_hops
    if hops:  # the client's address (for the sign-in limits) from the trusted proxies' header
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

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
        sid = session.get("sid")
        if isinstance(sid, str):
            principal = sessions.principal_for_session(get_engine_for(current_app), sid)
            if principal is None:  # signed out, disabled or expired: the cookie is worthless
                session.clear()
            else:
                g.principal = principal
        elif "user_id" in session:  # a cookie from before server-side sessions
            session.clear()
        # Cookies ride along with forged cross-site requests: a signed-in session must prove
        # the request came from our page. Without a session there is nothing to abuse.
        # The public consultation's submissions (no session needed) check their Origin.
        if (request.method in UNSAFE
                and request.endpoint not in ("auth.login", "public_consultation.submissions")
                and g.principal.authenticated):
            sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
            if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
                raise CsrfFailed("the form or request lacks a valid CSRF token; reload the page")

    app.jinja_env.globals.update(csrf_token=csrf_token, role_label=role_label)


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
    email = request.form.get("email", "")
    try:
        signed_in = sessions.sign_in(get_engine_for(current_app), email,
                                     request.form.get("password", ""),
                                     request.remote_addr or "?", device=_known_device(email))
    except (Unauthenticated, sessions.TooManyAttempts) as exc:
        return render_template("login.html", next=target,
                               error=exc.render(gettext)), exc.status
    if isinstance(session.get("sid"), str):  # signing in again ends the session it replaces
        sessions.end_session(get_engine_for(current_app), session["sid"])
    session.clear()  # a new session on sign-in: no fixation
    session["sid"] = signed_in.session
    session.permanent = True
    csrf_token()
    response = redirect(target)
    response.set_cookie(
        DEVICE_COOKIE, _devices().dumps({"e": signed_in.principal.email, "d": signed_in.device}),
        max_age=DEVICE_DAYS * 86400, httponly=True, samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.post("/logout")
def logout():
    sid = session.get("sid")
    if isinstance(sid, str):
        sessions.end_session(get_engine_for(current_app), sid)
    session.clear()
    return redirect(url_for("pages.overview"))
