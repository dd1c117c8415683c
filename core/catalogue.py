"""The translation catalogue (``web/translations``) read with Babel alone, for the command line
and the files and documents services write, so that one msgid has one translation outside
Flask too."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

CATALOGUE = Path(__file__).resolve().parent.parent / "web" / "translations"


@cache
def translations(lang: str) -> NullTranslations:
    """The catalogue of ``lang``; English is the templates themselves."""
    if lang == "en":
        return NullTranslations()
    return Translations.load(str(CATALOGUE), [lang])
