"""One error hierarchy for the whole project.

Each error carries an HTTP status, a stable machine code and a message meant for the user.
The CLI prints ``partnerstwa: error: <where>: <message>`` and exits non-zero; the web app
renders the same error as JSON problem details or HTML. Neither shows a stack trace.
"""

from __future__ import annotations

from collections.abc import Callable


def N_(template: str) -> str:
    """Marks an English template for the catalogues (pybabel extracts ``N_``) without
    translating it here: the layer that knows the user's language translates it."""
    return template


class Amount(int):
    """A number a message writes with thousands separators ("5,000" in English, "5 000" in
    Polish), unlike identifiers (project 12345)."""


def _english_amount(value: int) -> str:
    return f"{value:,}"


def fill(template: str, params: dict, translate: Callable[[str], str] = str,
         amount: Callable[[int], str] = _english_amount) -> str:
    """``template`` translated and filled with ``params``; parameters that are ``Text``
    themselves are translated too, ``Amount`` written by ``amount``. A translation whose
    placeholders do not fit the parameters falls back to the English template, so a catalogue
    slip never hides a message."""
    values = {k: v.render(translate, amount) if isinstance(v, Text)
              else amount(v) if isinstance(v, Amount) else v for k, v in params.items()}
    translated = translate(template)
    if not values:
        return translated
    try:
        return translated % values
    except (KeyError, ValueError, TypeError):
        return template % values


class Text(str):
    """A message that is English text to Python (compare, sort, JSON) but keeps its template
    and parameters, so that the web app can show it translated (warnings, problems of an
    import preview)."""

    template: str
    params: dict

    def __new__(cls, template: str, **params) -> Text:
        text = super().__new__(cls, fill(template, params))
        text.template, text.params = template, params
        return text

    def render(self, translate: Callable[[str], str] = str,
               amount: Callable[[int], str] = _english_amount) -> str:
        return fill(self.template, self.params, translate, amount)


class PartnerstwaError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, where: str | None = None, details: dict | None = None,
                 field: str | None = None, **params):
        """``message`` is an English template (the msgid the catalogues translate) with
        ``%(name)s`` placeholders filled from ``params``; ``field`` names the input it concerns.
        """
        self.template = message
        self.params = params
        self.message = fill(message, params)
        super().__init__(self.message)
        self.where = where
        self.field = field
        self.details = details or {}

    def render(self, translate: Callable[[str], str] = str,
               amount: Callable[[int], str] = _english_amount) -> str:
        """The message in the language of ``translate`` (a gettext) and ``amount``."""
        return fill(self.template, self.params, translate, amount)

    def one_line(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class InvalidInput(PartnerstwaError):
    """The user's input (a file, a parameter) cannot be used as it is."""

    status = 422
    code = "invalid_input"


class BadRequest(PartnerstwaError):
    status = 400
    code = "bad_request"


class NotFound(PartnerstwaError):
    status = 404
    code = "not_found"


class Conflict(PartnerstwaError):
    status = 409
    code = "conflict"


class DatabaseUnavailable(PartnerstwaError):
    status = 503
    code = "database_unavailable"
