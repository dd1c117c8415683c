"""Polish by default, English on request (``?lang=en``, remembered in a cookie).

Texts are written in English in templates and scripts and translated with Flask-Babel
(``web/translations/pl``); numbers and dates are formatted for the chosen locale.
"""

from __future__ import annotations

import json

from flask import Flask, g, request
from flask_babel import Babel, format_decimal, gettext, ngettext

LANGUAGES = ("pl", "en")

# Texts the browser scripts show; sent to the page as JSON, translated.
SCRIPT_TEXTS = (
    "Loading…", "Could not load the map data", "No data", "not significant",
    "High-High (hot spot)", "Low-Low (cold spot)", "High-Low (outlier)",
    "Low-High (outlier)", "without neighbours", "Year", "Source", "Classes",
    "Saved", "Saving…", "Could not save", "Someone else changed this in the meantime",
    "Your version is kept in the history; reload to see the current one and apply your "
    "changes again.", "Click gminas on the map to add or remove them", "Selected gminas",
    "Name", "Kind", "Description", "Save", "Cancel", "Edit", "Accept as area",
    "The drawing is not valid", "Draw the outline on the map, click the first point to close it",
    "Click on the map to place the project", "Title", "Theme", "Cost (PLN)",
    "Funding source", "Start", "End", "Feasibility study", "Priority", "projects",
    "total cost", "The connection was lost; what you entered is kept on this computer",
    "Version", "functional urban area", "tourism", "river valley", "other", "Region",
    "Population", "Area", "Indicators over time", "Partnerships", "value", "Poland",
    "Restored a draft you had not saved", "Select at least one gmina", "LISA clusters",
    "Global Moran's I",
    "Your session has ended: sign in again in another tab; what you entered is kept here",
    "Drag the corners of the outline, then save; the area becomes a drawn one",
)


# Counted texts of the scripts: each form the language has, keyed by the CLDR plural category
# the browser's Intl.PluralRules picks ("{n}" stands for the number).
SCRIPT_PLURALS = {
    "projects": lambda n: ngettext("%(count)s project", "%(count)s projects", n, count="{n}"),
}
PLURAL_SAMPLES = {"one": 1, "few": 2, "many": 5, "other": 5}


def get_locale() -> str:
    return getattr(g, "lang", "pl")


def translate(text: str) -> str:
    return gettext(text)


def script_texts() -> str:
    """The scripts' texts in the current language, as JSON for a data block."""
    texts = {t: gettext(t) for t in SCRIPT_TEXTS}
    for key, forms in SCRIPT_PLURALS.items():
        texts[f"plural:{key}"] = {cat: forms(n) for cat, n in PLURAL_SAMPLES.items()}
    return json.dumps(texts, ensure_ascii=False)


def number(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return format_decimal(value, format=f"#,##0.{'0' * digits}" if digits else "#,##0")


def init_app(app: Flask) -> None:
    Babel(app, default_locale="pl", locale_selector=get_locale,
          default_translation_directories="translations")

    @app.before_request
    def choose_language():
        asked = request.args.get("lang") or request.cookies.get("lang")
        # Polish unless English was chosen: the users are Polish offices whose browsers may
        # well be set to English.
        g.lang = asked if asked in LANGUAGES else "pl"

    @app.after_request
    def remember_language(response):
        if request.args.get("lang") in LANGUAGES:
            response.set_cookie("lang", request.args["lang"], max_age=365 * 24 * 3600,
                                samesite="Lax", httponly=True)
        return response

    app.jinja_env.globals.update(_=translate, ngettext=ngettext, get_locale=get_locale,
                                 number=number,
                                 script_texts=script_texts)
