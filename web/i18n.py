"""Polish by default, English on request (``?lang=en``, remembered in a cookie).

Texts are written in English in templates and scripts and translated with Flask-Babel
(``web/translations/pl``); numbers and dates are formatted for the chosen locale.
"""

from __future__ import annotations

import json

from flask import Flask, g, request
from flask_babel import Babel, format_decimal, gettext, ngettext

from core.errors import Text

LANGUAGES = ("pl", "en")

# Texts the browser scripts show; sent to the page as JSON, translated.
SCRIPT_TEXTS = (
    "Loading…", "Could not load the map data", "No data", "not significant",
    "High-High (hot spot)", "Low-Low (cold spot)", "High-Low (outlier)",
    "Low-High (outlier)", "Share of gminas in High-High clusters (LISA), %", "Counts of gminas in the visible extent", "(shares of their area in the area)", "without neighbours", "Year", "Source", "Classes",
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
    # Leaflet's own controls (map_words.js)
    "Zoom in", "Zoom out", "Close",
    # raster summaries of an area (workspace_items.js)
    "Summarise the raster", "cells inside the area", "covered", "class", "mean", "minimum",
    "maximum", "standard deviation", "Raster of the data mirror",
    # linked views of a LISA run (linked_views.js)
    "Moran scatterplot", "Significance level", "False discovery rate (Benjamini–Hochberg)",
    "Select gminas by category…", "Drag over the points to select gminas; click a gmina on a"
    " map to select it, with Shift to add it.", "Select", "Clear selection", "Significance map",
    "standardised value", "spatial lag", "with the false discovery rate", "without correction",
    # map consultations (consultation_public.js, consultation_expert.js)
    "Map of the consultation: arrow keys move it, + and − zoom; the cross marks its centre",
    "Place", "point", "line", "area", "You have marked as many places as one answer can hold",
    "Place removed", "Place added", "The cross is now over",
    "Click the points of the line; click the last one again to finish",
    "Click the corners of the area; click the first one again to close it",
    "Mark at least one place on the map", "Sending…", "Thank you! Your answer has been sent.",
    "Could not send", "Hot spots", "hidden", "visible", "Show again", "Reason for hiding",
    "Hide", "Give a reason for hiding the place", "Answers",
    "PLN",  # the currency after an amount: "zł" in Polish
    # the workspace and its accessibility (v_a11y: workspace*.js, common.js)
    'Latitude',
    'Longitude',
    'Legend',
    'At most',
    'Choose a file first',
    'Correct these before saving:',
    'Correct this before saving:',
    'Could not delete',
    'Could not load',
    'Delete',
    'Deleted',
    'Drag the points of the geometry, then save',
    'Fill this in',
    'First rows of the file',
    'Functional area',
    'Gmina of the partnership',
    'History',
    'Imported',
    'It stays in the history.',
    'Latitude 49–55 and longitude 14–24.2 (Poland), e.g. 53.13 and 23.16',
    'Make version',
    'Map: arrow keys move it, + and − zoom',
    'No functional areas yet',
    'Over',
    'Partnership boundary',
    'Problems to correct in the file',
    'Project',
    'Restore',
    'Restored',
    'Selected gmina',
    'Statistics',
    'Statistics of',
    'The end comes before the start',
    'Tick gminas in the list or click them on the map',
    'Type an amount in PLN, e.g. 1250000.50',
    'Versions of',
    'characters; the limit is',
    'check the amount and confirm it below',
    'gminas (shares of their area in the area)',
    'outside the partnership',
    'shorten the text',
    'the current one?',
    'x 140 000–900 000 and y 100 000–800 000 metres (Poland in EPSG:2180)',
    'created',
    'changed',
    'restored',
    'deleted',
    'refused (conflict)',
    'When',
    'Who',
    'What',
    'version',
    # legends, unit search, map state in the URL, PNG and print, national view (v_maps)
    "no data", "Unit", "Classification", "quantiles", "natural breaks", "equal intervals",
    "Indicator", "Date", "the basemap is not included",
    "Boundaries: GUGiK (PRG); statistics: GUS.", "urban gmina", "rural gmina",
    "urban-rural gmina", "gmina", "powiat", "voivodeship", "Nothing found", "Shown on the map",
    "The link asked for a map that is not available:", "Close", "Partnership", "Diagnosis map",
    "Indicator “{value}” is not held; showing “{shown}”.",
    "The year {value} is not held for this indicator; showing {shown}.",
    "“{value}” is not a {name}; showing “{shown}”.", "classification", "number of classes",
    "The LISA run {value} is not available; showing the indicator values.",
    "The map view in the link is not in Poland; showing the whole area.",
    "Code", "Voivodeship", "Members", "Functional areas", "Partnerships in Poland",
    "Download PNG", "This unit lies in another voivodeship: open its comparison",
    "Projects", "Cost of projects",
    # survey imports (surveys_import.js)
    "Gmina", "Sex", "Age", "Age group", "none", "single choice", "multiple choice",
    "Likert scale", "number", "open text", "Import", "choose the gmina…",
    "decided by you", "responses", "encoding", "delimiter",
    "Problems to correct before the import", "Reading the file…", "The file cannot be read",
    "Choose the export file first", "Give the survey a title", "Importing…",
    "Nothing was imported", "Delete this survey?", "Options (answers)", "Written in the file",
    "Responses",
    # the strategy page (strategy.js)
    "Correct the marked fields", "Type a number, e.g. 12,5", "Type a year, e.g. 2030",
    "The target year is in the past", "The target year is before the baseline year",
    "Name the source of a value the data do not hold",
    "Delete the goal with its indicators and directions?", "Type a date",
    "Type an amount in złoty with at most two decimals, not negative",
    "The eligible cost is greater than the total cost", "Type a percentage from 0 to 100",
    "The shares must add up to exactly 100%", "Task", "Milestone", "Category",
    "Total cost (PLN)", "Eligible cost (PLN)",
    # strategy.js: editing goals, version history, who a project serves (strat_followup)
    "Could not load", "created", "changed", "deleted", "restored", "Restore version", "current",
    "refused (stale)", "Version history", "Version", "Change", "Author", "When", "Comment",
    "Restore", "No population data", "Within", "Population", "Member gminas reached",
    "Gminas touched", "method", "Who it serves",
    # a stale edit of an area or a project merged at its form (workspace_conflict.js)
    "Shape", "changed on the server and by you", "on the server", "yours", "Keep mine and save",
    "Take the server's values", "Changed on the server in the meantime",
    "None of your changes collides with it.",
    "Taken into the form from the server (you had not changed them)",
    "The form now holds the server's values",
    "The form shows what changed: keep yours or take the values saved in the meantime.",
    # strategy_summary.js (the workspace)
    "{done} of {total} elements", "missing", "All elements are present.", "Open the strategy",
    # failures named for the user (common.js P.reason), the workspace's walk (workspace*.js)
    "The server could not be reached; check the connection and try again",
    "Something went wrong in the page; reload it and try again",
    "No raster of the catalogue covers this area", "Choose one of the options",
)


# Counted texts of the scripts: each form the language has, keyed by the CLDR plural category
# the browser's Intl.PluralRules picks ("{n}" stands for the number).
SCRIPT_PLURALS = {
    "projects": lambda n: ngettext("%(count)s project", "%(count)s projects", n, count="{n}"),
    "classes": lambda n: ngettext("%(count)s class", "%(count)s classes", n, count="{n}"),
    "permutations": lambda n: ngettext("%(count)s permutation", "%(count)s permutations", n,
                                       count="{n}"),
    "suggestions": lambda n: ngettext("%(count)s suggestion", "%(count)s suggestions", n,
                                      count="{n}"),
    "partnerships": lambda n: ngettext("%(count)s partnership", "%(count)s partnerships", n,
                                       count="{n}"),
    "gminas": lambda n: ngettext("%(count)s gmina", "%(count)s gminas", n, count="{n}"),
}
PLURAL_SAMPLES = {"one": 1, "few": 2, "many": 5, "other": 5}


def get_locale() -> str:
    return getattr(g, "lang", "pl")


def translate(text: str, **variables) -> str:
    return gettext(text, **variables)


def script_texts() -> str:
    """The scripts' texts in the current language, as JSON for a data block."""
    texts = {t: gettext(t) for t in SCRIPT_TEXTS}
    for key, forms in SCRIPT_PLURALS.items():
        texts[f"plural:{key}"] = {cat: forms(n) for cat, n in PLURAL_SAMPLES.items()}
    return json.dumps(texts, ensure_ascii=False)


def localised(value):
    """``value`` (an answer of a service: dicts, lists, texts) with every ``Text`` in it — a
    warning, a problem of an import — in the user's language."""
    if isinstance(value, Text):
        return value.render(gettext, format_decimal)
    if isinstance(value, dict):
        return {k: localised(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [localised(v) for v in value]
    return value


def indicator_words(indicator: dict) -> dict:
    """An indicator (of the list or a map answer) with its unit and source in the page's
    language: ``unit_label`` and ``source_label``."""
    en = get_locale() == "en"
    words = {"unit_label": indicator.get("unit_en" if en else "unit") or ""}
    if "source_label_pl" in indicator:
        words["source_label"] = indicator["source_label_en" if en else "source_label_pl"]
    return {**indicator, **words}


def number(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return format_decimal(value, format=f"#,##0.{'0' * digits}" if digits else "#,##0")


def init_app(app: Flask) -> None:
    Babel(app, default_locale="pl", locale_selector=get_locale,
          default_translation_directories="translations")

    @app.before_request
    def choose_language():
        asked = request.args.get("lang")
        if asked not in LANGUAGES:  # e.g. a document's lang=de, refused by its own check
            asked = request.cookies.get("lang")
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
