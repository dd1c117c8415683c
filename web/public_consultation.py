"""The public page of a consultation (``/k/<slug>``) and its submissions, for anyone.

No account and no session: the page does not extend the signed-in layout (whose CSRF meta
tag would start a session), and the submission endpoint is exempt from the session's CSRF
check (web/auth.py). Instead it accepts JSON only (a cross-site form cannot send it without
a CORS preflight, which we never grant) and refuses a foreign ``Origin``.
"""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, current_app, jsonify, render_template, request

from services.access.rules import Forbidden
from services.consultations import manage, submit, times
from services.consultations.kinds import CATEGORIES, HONEYPOT, LIMITS
from services.reference.labels import gmina_labels
from web import get_engine_for
from web.api_common import body_limit, json_body
from web.i18n import localised

bp = Blueprint("public_consultation", __name__)


def _gmina_labels(gminas: list[dict]) -> list[dict]:
    """Each gmina with its ``label``: the name, with the kind of gmina where two share a name
    (Wysokie Mazowieckie the town and the rural gmina around it)."""
    labels = gmina_labels((g["teryt"], g["name"]) for g in gminas)
    return [{**g, "label": localised(labels[g["teryt"]])} for g in gminas]


@bp.get("/k/<slug>")
def page(slug: str):
    consultation = manage.public_consultation(get_engine_for(current_app), slug)
    consultation["gminas"] = _gmina_labels(consultation["gminas"])
    # Residents read the dates in Polish time, a closing date as 24:00 of its last day.
    consultation["dates"] = times.shown(consultation)
    settings = current_app.config["SETTINGS"]
    config = {"slug": consultation["slug"], "state": consultation["state"],
              "submit_url": f"/k/{consultation['slug']}/submissions",
              "categories": consultation["categories"], "questions": consultation["questions"],
              "allow_lines": consultation["allow_lines"],
              "allow_areas": consultation["allow_areas"], "bounds": consultation["bounds"],
              "outline": consultation["outline"], "gminas": consultation["gminas"],
              "basemap": settings.basemap_url, "limits": {
                  "places": LIMITS.places, "comment": LIMITS.comment,
                  "answer": LIMITS.answer}}
    return render_template("consultations/public.html", consultation=consultation,
                           config=config, honeypot=HONEYPOT, categories=CATEGORIES,
                           limits=LIMITS)


def _same_origin() -> None:
    origin = request.headers.get("Origin")
    if origin is None:  # not a browser's cross-site request (browsers send Origin on POST)
        return
    sent = urlparse(origin)
    here = urlparse(request.host_url)
    if (sent.scheme, sent.netloc) != (here.scheme, here.netloc):
        raise Forbidden("answers are accepted from this site's own page only")


@bp.post("/k/<slug>/submissions")
@body_limit(LIMITS.body_bytes)
def submissions(slug: str):
    _same_origin()
    stored = submit.submit(get_engine_for(current_app), slug, json_body(),
                           request.remote_addr or "?", secret=current_app.secret_key)
    return jsonify(stored), 201
