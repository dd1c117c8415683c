"""Names of gminas that tell apart two gminas of one name.

Poland has town and rural gminas of one name (Wysokie Mazowieckie 2013011, the town, and
2013102, the rural gmina around it; both in partnership P01). Wherever a list shows names, a
name that is not unique within the list gets the kind of gmina in words: "Wysokie Mazowieckie
(gmina miejska)". The kind is the TERYT code's 7th digit.

The labels are ``Text`` (an English template kept with its parameters): the web shows them in
the reader's language (``web.i18n.localised``); ``in_language`` writes them for a file or a
document of a given language from the same catalogue (``web/translations``), read with Babel
alone, so that the services never import Flask and one msgid has one translation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from core.catalogue import translations as _translations
from core.errors import N_, Text, fill

# The kind of a gmina by the TERYT code's 7th digit.
GMINA_KINDS = {1: N_("urban gmina"), 2: N_("rural gmina"), 3: N_("urban-rural gmina"),
               4: N_("town part of an urban-rural gmina"),
               5: N_("rural part of an urban-rural gmina")}
LABEL = "%(name)s (%(kind)s)"


def gmina_kind(teryt: str) -> Text | None:
    """The kind of gmina ``teryt`` in words, or None for a code without a known kind."""
    digit = str(teryt)[6:7]
    return Text(GMINA_KINDS[int(digit)]) if digit.isdigit() and int(digit) in GMINA_KINDS \
        else None


def gmina_label(name: str, teryt: str) -> Text | str:
    """"Wysokie Mazowieckie (urban gmina)": the name with the kind of gmina."""
    kind = gmina_kind(teryt)
    return Text(LABEL, name=name, kind=kind) if kind is not None else name


def gmina_labels(gminas: Iterable[tuple[str, str]]) -> dict[str, Text | str]:
    """TERYT -> the name, with the kind where another gmina of ``gminas`` ((teryt, name)
    pairs) has the same name; a unique name stays as it is."""
    pairs = list(gminas)
    repeated = Counter(name for _, name in pairs)
    return {teryt: gmina_label(name, teryt) if repeated[name] > 1 else name
            for teryt, name in pairs}




def in_language(value, lang: str) -> str:
    """``value`` (a ``Text`` or a plain string) written in ``lang`` ("pl" or "en")."""
    if isinstance(value, Text):
        return fill(value.template, value.params, _translations(lang).gettext)
    return "" if value is None else str(value)
