"""Stored analysis runs named in words: indicator, year, scope, permutations and date."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_date, gettext, ngettext

from web.i18n import get_locale, number

DATE_FORMATS = {"pl": "dd.MM.yyyy", "en": "d MMM yyyy"}


def _scope_words(scope: str, names: dict[str, dict[str, str]]) -> str:
    kind, _, code = scope.partition(":")
    if kind == "country":
        return gettext("Poland")
    name = names.get(kind, {}).get(code, code)
    if kind == "powiat" and name.lower().startswith("powiat"):
        return name  # PRG names most powiats "powiat X" already
    words = {"voivodeship": gettext("voivodeship %(name)s"),
             "powiat": gettext("powiat %(name)s"),
             "partnership": gettext("partnership %(name)s")}
    return words[kind] % {"name": name} if kind in words else scope


def run_label(run: dict, indicators: dict[str, dict], names: dict[str, dict[str, str]]) -> str:
    """E.g. "Bezrobocie na 1000 mieszkańców, 2024 — Polska, 9 999 permutacji, 27.11.2026".

    ``indicators`` maps codes to catalogue rows (name_pl, name_en); ``names`` maps a scope
    kind (voivodeship, powiat, partnership) to {code: name}."""
    indicator = indicators.get(run["indicator"], {})
    title = indicator.get("name_en" if get_locale() == "en" else "name_pl") or run["indicator"]
    parts = [f"{title}, {run['year']} — {_scope_words(run['scope'], names)}"]
    permutations = (run.get("parameters") or {}).get("permutations")
    if permutations:
        parts.append(ngettext("%(count)s permutation", "%(count)s permutations", permutations,
                              count=number(permutations, 0)))
    if run.get("started_at"):
        started = datetime.fromisoformat(run["started_at"])
        parts.append(format_date(started, DATE_FORMATS.get(get_locale(), "short")))
    return ", ".join(parts)
