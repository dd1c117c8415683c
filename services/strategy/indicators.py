"""Result indicators: what the data hold for the partnership, and the typed ones.

A catalogue indicator's baseline and latest values are never typed: they are the diagnosis's
aggregation of the partnership's gminas for that year (``services.diagnosis.compute``: counts
summed, densities area-weighted, rates weighted by their denominator or the residents).
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from core.errors import InvalidInput
from services.access.rules import SYSTEM, Principal, require_read
from services.db import database_errors
from services.diagnosis.compute import _national


def as_decimal(value: float | None) -> Decimal | None:
    """A computed value as the Decimal the documents print (four decimal places at most)."""
    if value is None:
        return None
    return Decimal(repr(round(float(value), 4))).normalize() + Decimal(0)


def members(conn, pid: str) -> list[str]:
    return list(conn.execute(sa.text(
        "SELECT gmina_teryt FROM partnership_gmina WHERE partnership_id = :p ORDER BY 1"),
        {"p": pid}).scalars())


def catalogue(conn) -> dict[str, dict]:
    return {r["code"]: dict(r) for r in conn.execute(sa.text(
        "SELECT code, name_pl, name_en, unit, source, direction FROM indicator ORDER BY code"
    )).mappings()}


class PartnershipData:
    """The values of the partnership's gminas, aggregated per indicator and year."""

    def __init__(self, engine: sa.Engine, gminas: list[str]):
        self.nat = _national(engine)
        self.gminas = gminas

    def years(self, code: str) -> list[int]:
        part = self.nat.by_code.get(code)
        if part is None:
            return []
        return sorted(int(y) for y in part[part["teryt"].isin(self.gminas)]["year"].unique())

    def value(self, code: str, year: int) -> Decimal | None:
        if year not in self.years(code):
            return None
        result = self.nat.aggregate(code, year, self.gminas)
        return as_decimal(result["value"]) if result else None

    def latest(self, code: str) -> tuple[int | None, Decimal | None]:
        held = self.years(code)
        return (held[-1], self.value(code, held[-1])) if held else (None, None)

    def baseline(self, code: str, year: int, field: str) -> Decimal:
        """The value of ``year``; refused when the data do not hold it for the partnership."""
        value = self.value(code, year)
        if value is None:
            held = self.years(code)
            raise InvalidInput(
                "the data hold no value of %(code)s for the partnership in %(year)s; years"
                " held: %(years)s", code=code, year=year,
                years=", ".join(map(str, held)) or "none", field=field)
        return value


def available(engine: sa.Engine, pid: str, *, actor: Principal = SYSTEM) -> list[dict]:
    """The catalogue indicators the data hold for the partnership, with their values by year
    (what the page offers as result indicators)."""
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        gminas = members(conn, pid)
        specs = catalogue(conn)
    data = PartnershipData(engine, gminas)
    out = []
    for code, spec in specs.items():
        held = data.years(code)
        if held:
            out.append({"code": code, "name_pl": spec["name_pl"], "name_en": spec["name_en"],
                        "unit": spec["unit"], "years": held,
                        "values": {y: data.value(code, y) for y in held}})
    return out
