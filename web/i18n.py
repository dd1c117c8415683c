"""Polish by default, English on request (``?lang=en``, remembered in a cookie)."""

from __future__ import annotations

from flask import Flask, g, request

LANGUAGES = ("pl", "en")

MESSAGES = {
    "title": {"pl": "Partnerstwa JST — mapa", "en": "Partnerships of local governments — map"},
    "gminas": {"pl": "Gminy", "en": "Gminas (municipalities)"},
    "units_loaded": {"pl": "Wczytane jednostki", "en": "Units loaded"},
    "as_of": {"pl": "stan na", "en": "as of"},
    "source": {"pl": "Źródło: GUGiK (PRG)", "en": "Source: GUGiK (PRG)"},
    "loading": {"pl": "Wczytywanie granic…", "en": "Loading boundaries…"},
    "load_failed": {"pl": "Nie udało się wczytać granic", "en": "Could not load the boundaries"},
    "no_units": {"pl": "Brak wczytanych granic gmin. Uruchom: partnerstwa load reference",
                 "en": "No gmina boundaries loaded. Run: partnerstwa load reference"},
    "teryt": {"pl": "kod TERYT", "en": "TERYT code"},
    "language": {"pl": "English", "en": "Polski"},
    "error": {"pl": "Błąd", "en": "Error"},
    "back": {"pl": "Powrót do mapy", "en": "Back to the map"},
}


def get_locale() -> str:
    return getattr(g, "lang", "pl")


def translate(key: str) -> str:
    entry = MESSAGES.get(key)
    return entry[get_locale()] if entry else key


def init_app(app: Flask) -> None:
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

    app.jinja_env.globals.update(_=translate, get_locale=get_locale)
