"""Which gmina a response names: a TERYT code or a name, resolved within the partnership.

Names are compared without case and diacritics; "gmina", "miasto", "(gmina wiejska)" and
"(2)"-type suffixes are read as qualifiers, also set off by a dash or a comma ("Wysokie
Mazowieckie – miasto", "Wysokie Mazowieckie, gmina wiejska"). A name two gminas of the
partnership share (the town and the rural gmina around it, e.g. Kolno) is ambiguous unless a
qualifier decides; ambiguous and unknown names are listed for the user to decide, never
guessed.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from core.errors import Text
from services.reference.labels import gmina_kind
from services.surveys.detect import fold

# gmina types of the TERYT code's last digit (1 urban, 2 rural, 3 urban-rural).
TYPE_WORDS = (
    (3, ("gmina miejsko wiejska", "miejsko wiejska", "gm miejsko wiejska", "m w", "mw")),
    (1, ("gmina miejska", "miasto", "m", "gm miejska", "miejska")),
    (2, ("gmina wiejska", "gm wiejska", "wiejska", "gw", "obszar wiejski")),
)
PREFIXES = ("gmina ", "gm ", "miasto i gmina ", "mig ")
TERYT = re.compile(r"^\d{6,7}$")


def partnership_gminas(conn, pid: str) -> list[dict]:
    """The gminas a partnership covers (its gmina members and the gminas of its powiats)."""
    rows = conn.execute(sa.text(
        "SELECT g.teryt, g.name FROM partnership_gmina pg JOIN gmina g ON g.teryt ="
        " pg.gmina_teryt WHERE pg.partnership_id = :pid ORDER BY g.teryt"), {"pid": pid}).all()
    return [{"teryt": r.teryt, "name": r.name} for r in rows]


def all_gminas(conn) -> list[dict]:
    return [{"teryt": r.teryt, "name": r.name} for r in conn.execute(sa.text(
        "SELECT teryt, name FROM gmina ORDER BY teryt")).all()]


# A qualifier set off from the name as people write it: "Kolno – miasto", "Kolno — gmina
# wiejska", "Kolno - m.", "Kolno, miasto", "Kolno (miasto)" (fold turns the comma and the
# brackets into spaces). A hyphen without spaces belongs to the name (Kędzierzyn-Koźle).
DASHES = re.compile(r"\s+[-‐‑‒–—―]+\s*|\s*[-‐‑‒–—―]+\s+")


def _qualified(value: str) -> tuple[str, int | None]:
    """A folded name without its qualifiers, and the gmina type they state (or None)."""
    name = DASHES.sub(" - ", fold(value)).strip(" -")
    name = re.sub(r"\s\d+$", "", name)  # "Kolno (2)" -> "kolno"
    gmina_type = None
    for kind, words in TYPE_WORDS:
        for word in words:
            for pattern in (rf"\s(?:-\s)?{re.escape(word)}$", rf"^{re.escape(word)}\s(?:-\s)?"):
                if re.search(pattern, name) and gmina_type is None:
                    gmina_type = kind
                    name = re.sub(pattern, "", name).strip(" -")
    if gmina_type is None and re.search(r"\s-\sgmina$", name):
        # "Kolno – gmina" beside "Kolno – miasto": the rural gmina (written before the name,
        # "Gmina Kolno" says nothing: it is how either is officially called)
        gmina_type, name = 2, name[:-len(" - gmina")]
    for prefix in PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name.strip(" -"), gmina_type


class GminaResolver:
    """Resolves the distinct values of a gmina column once; ``decided`` holds the user's
    choices {value as written: TERYT}."""

    def __init__(self, members: list[dict], country: list[dict], decided: dict | None = None):
        self.members = {g["teryt"]: g["name"] for g in members}
        self.by_teryt6 = {t[:6]: t for t in self.members}
        self.country = {g["teryt"]: g["name"] for g in country}
        self.country6 = {t[:6]: t for t in self.country}
        self.by_name: dict[str, list[str]] = {}
        for teryt, name in self.members.items():
            self.by_name.setdefault(_qualified(name)[0], []).append(teryt)
        self.country_names: dict[str, list[str]] = {}
        for teryt, name in self.country.items():
            self.country_names.setdefault(_qualified(name)[0], []).append(teryt)
        self.decided = {str(k).strip(): v for k, v in (decided or {}).items()}
        self.cache: dict[str, dict] = {}

    def label(self, teryt: str) -> Text:
        """"Kolno (urban gmina, 2006011)", in the reader's language."""
        name = self.members.get(teryt) or self.country.get(teryt, "?")
        return Text("%(name)s (%(type)s, %(teryt)s)", name=name,
                    type=gmina_kind(teryt) or Text("gmina"), teryt=teryt)

    def resolve(self, raw: str) -> dict:
        """{"value", "teryt" (or None), "problem" (or None), "candidates"}."""
        value = raw.strip()
        if value in self.cache:
            return self.cache[value]
        found = self._resolve(value)
        self.cache[value] = found
        return found

    def _resolve(self, value: str) -> dict:
        out = {"value": value, "teryt": None, "problem": None, "candidates": [],
               "how": None}
        if value in self.decided:
            out.update(teryt=self.decided[value], how="decided")
            return out
        if not value:
            out["problem"] = Text("no gmina given")
            return out
        code = value[:-2] if value.endswith(".0") else value
        if TERYT.match(code):
            teryt = code if len(code) == 7 else self.by_teryt6.get(code)
            if teryt in self.members:
                out.update(teryt=teryt, how="code")
            elif (code if len(code) == 7 else self.country6.get(code)) in self.country:
                out["problem"] = Text(
                    "%(value)s is %(gmina)s, not a gmina of this partnership", value=value,
                    gmina=self.label(code if len(code) == 7 else self.country6[code]))
            else:
                out["problem"] = Text("%(value)s is no gmina's TERYT code", value=value)
            return out
        name, gmina_type = _qualified(value)
        candidates = self.by_name.get(name, [])
        if gmina_type is not None and len(candidates) > 1:
            candidates = [t for t in candidates if int(t[-1]) == gmina_type] or candidates
        if len(candidates) == 1:
            out.update(teryt=candidates[0], how="name")
        elif candidates:
            out["candidates"] = [{"teryt": t, "label": self.label(t)} for t in candidates]
            others = ", ".join(self.label(t) for t in candidates[1:])
            out["problem"] = Text("ambiguous: %(first)s or %(second)s; decide which",
                                  first=self.label(candidates[0]),
                                  second=self.label(candidates[1]) if len(candidates) == 2
                                  else others)
        else:
            elsewhere = self.country_names.get(name, [])
            listed = ", ".join(self.label(t) for t in elsewhere[:3])
            out["problem"] = (Text("not a gmina of this partnership (%(gminas)s)",
                                   gminas=self.label(elsewhere[0]) if len(elsewhere) == 1
                                   else listed)
                              if elsewhere else Text("no gmina of this partnership has this name"))
        return out
