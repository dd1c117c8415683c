"""Security headers on every response, with a Content-Security-Policy.

Scripts run only from our own files or with the per-request nonce: folium writes its map
set-up as inline script blocks, which get the nonce. Styles allow 'unsafe-inline' because
Leaflet and folium position and style map elements with inline styles.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlparse

from flask import Flask, current_app, g, request

from services.access.rules import require_login

# Answers that are the same for whoever asks and may be cached. Every other answer (pages and
# JSON that depend on who asks) gets ``Cache-Control: no-store`` and ``Vary: Authorization,
# Cookie``, unless its view declared itself ``public``: a new route is private by default.
SHARED_ENDPOINTS = frozenset({
    "static", "health.healthz", "openapi.openapi", "units.units", "analysis.indicators",
    "maps.layer", "maps.partnership_outlines", "maps.indicator_map", "maps.card",
    "tiles.public_tile",
})
# Routes only for signed-in principals: an anonymous caller gets 401 before any object is
# looked up, so existing and missing ids answer alike. Their answers are never shared.
PRIVATE_BLUEPRINTS = frozenset({"api_partnerships", "api_files", "admin", "diagnosis",
                                "packages"})
PRIVATE_ENDPOINTS = frozenset({"pages.partnerships", "pages.workspace", "pages.comparison"})


def is_private(endpoint: str | None) -> bool:
    if not endpoint:
        return False
    return endpoint in PRIVATE_ENDPOINTS or endpoint.split(".", 1)[0] in PRIVATE_BLUEPRINTS


def is_shared(endpoint: str | None, response) -> bool:
    if is_private(endpoint):
        return False
    return endpoint in SHARED_ENDPOINTS or bool(response.cache_control.public)


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def with_nonce(html: str) -> str:
    """Inline <script> blocks of folium, given the request's nonce."""
    return html.replace("<script>", f'<script nonce="{csp_nonce()}">')


def init_app(app: Flask) -> None:
    @app.before_request
    def sign_in_first():
        # Runs after web.auth identified the principal, before any view or body check.
        if is_private(request.endpoint):
            require_login(g.principal)

    @app.after_request
    def headers(response):
        if not is_shared(request.endpoint, response):
            response.headers["Cache-Control"] = "no-store"
            response.vary.add("Authorization")
            response.vary.add("Cookie")
        basemap = current_app.config["SETTINGS"].basemap_url
        tiles = ""
        if basemap:
            parsed = urlparse(basemap.replace("{s}", "a"))
            tiles = f" {parsed.scheme}://{parsed.netloc.split('{')[0]}"
        response.headers.setdefault("Content-Security-Policy", (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{csp_nonce()}'; "
            "style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: blob:{tiles}; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'"))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if current_app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        return response

    app.jinja_env.globals.update(csp_nonce=csp_nonce)
    app.jinja_env.filters["with_nonce"] = with_nonce
