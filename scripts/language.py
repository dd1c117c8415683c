"""The language of the command line: Polish unless asked otherwise, from the web's catalogue.

One rule decides it: ``--lang pl|en`` before the command, else the ``PARTNERSTWA_LANG``
environment variable, else Polish. (The system's ``LANG`` is not consulted: servers run with
``C.UTF-8`` or ``en_US`` without meaning "speak English".) The texts are the same English
templates the web translates (``web/translations``), read here with Babel alone, so that one
msgid has one translation and the services never import Flask.
"""

from __future__ import annotations

import argparse
import sys

from babel.numbers import format_decimal

from core.catalogue import translations as _translations
from core.errors import N_, PartnerstwaError, Text, fill
from layers.library_reasons import library_detail, library_reason

LANGS = ("pl", "en")
DEFAULT = "pl"
ENV = "PARTNERSTWA_LANG"

# argparse's own words (usage, its errors, the help's headings), translated by our catalogue.
ARGPARSE_TEXTS = (
    N_("usage: "), N_("positional arguments"), N_("options"),
    N_("show this help message and exit"), N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"), N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"), N_("expected one argument"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"), N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"), N_("ambiguous option: %(option)s could match"
                                                 " %(matches)s"),
)

_current = DEFAULT


def choose(argv: list[str], configured: str | None = None) -> str:
    """The language by the rule above; ``argv`` are the arguments without the program name,
    ``configured`` the setting (default: PARTNERSTWA_LANG). Only the options before the command
    count (a command's own ``--lang`` is its document's)."""
    for i, arg in enumerate(argv):
        if not arg.startswith("-"):
            break
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None)
        if value in LANGS:
            return value
    if configured is None:
        from services.config import Settings

        configured = Settings.from_env().cli_lang
    value = configured[:2]
    return value if value in LANGS else DEFAULT




def use(lang: str) -> None:
    """Speak ``lang`` from now on, argparse's own messages included."""
    global _current
    _current = lang if lang in LANGS else DEFAULT
    argparse._ = gettext  # argparse looks its module-level ``_`` up on every message


def current() -> str:
    return _current


def gettext(text: str) -> str:
    return _translations(_current).gettext(text)


def amount(value) -> str:
    return format_decimal(value, locale=_current)


def decimal(value: float, digits: int = 1) -> str:
    """A measured number (an area) as the language writes it, with ``digits`` decimals."""
    return format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0",
                          locale=_current)


def words(template: str, **params) -> str:
    """``template`` (an English msgid) in the current language, filled with ``params``;
    ``Text`` parameters are translated too, ``Amount`` ones written with the language's
    thousands separator."""
    return fill(template, params, gettext, amount)


def render(value) -> str:
    """A service's message (``Text``, an error, or a plain string) in the current language."""
    if isinstance(value, Text | PartnerstwaError):
        return value.render(gettext, amount)
    return str(value)


def tell(template: str, **params) -> None:
    """Print a result line."""
    print(words(template, **params))


def warn(message) -> None:
    """Print a warning of a load or an import as an indented line: a ``Text`` in the current
    language, a plain string (a service not yet giving templates) as it is."""
    print("  " + words("warning: %(message)s", message=message))


def error_lines(exc: PartnerstwaError) -> list[str]:
    """What went wrong and where, in one line; then the library's own words, when our message
    replaced them (layers/library_reasons.py), as a detail for whoever searches for them."""
    message = render(exc)
    lines = [words("partnerstwa: error: %(where)s: %(message)s", where=exc.where,
                   message=message) if exc.where else words(
        "partnerstwa: error: %(message)s", message=message)]
    detail = exc.details.get("library_detail")
    if detail and detail not in message:
        lines.append(words("  detail (from the library): %(detail)s", detail=detail))
    return lines


def progress_line(seconds: float, message) -> str:
    return f"[{decimal(seconds):>6} s] {render(message)}"


def stderr(template: str, **params) -> None:
    print(words(template, **params), file=sys.stderr, flush=True)


__all__ = ["LANGS", "choose", "current", "decimal", "error_lines", "library_detail",
           "library_reason", "progress_line", "render", "stderr", "tell", "use", "warn",
           "words"]
