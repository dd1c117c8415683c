"""Whom a survey is weighted to: residents of the partnership's gminas, from the indicators.

Residents' surveys: the latest population held (exact counts, else thousands x 1000), split
into the economic age groups with the age structure of the latest year the BDL export of
age groups holds (``population_*_working``; 2010-2019 in the mirror). Where the age groups
are not loaded, the gmina totals alone. Youth surveys: the residents of pre-working age
(0-17), the published group closest to the young people asked, per gmina only.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from core.errors import InvalidInput
from services.planning.area_stats import population_by_gmina
from spatial.survey_estimates import AGE_GROUPS

INDICATOR_OF_GROUP = {group: f"population_{group}" for group in AGE_GROUPS}


@dataclass(frozen=True)
class Targets:
    frame: pd.DataFrame  # index TERYT; columns AGE_GROUPS, or "total"
    basis: str  # "total", "age groups" or "pre_working"
    population_year: int | None
    age_year: int | None

    def describe(self) -> dict:
        return {"basis": self.basis, "population_year": self.population_year,
                "age_structure_year": self.age_year}


def age_groups(conn, gminas: list[str]) -> tuple[pd.DataFrame, int | None]:
    """Residents of the three economic age groups per gmina, the latest year all three are
    held for every one of ``gminas``."""
    rows = conn.execute(sa.text(
        "SELECT indicator_code, teryt, year, value FROM indicator_value WHERE level = 'gmina'"
        " AND indicator_code = ANY(:codes) AND teryt = ANY(:gminas)"),
        {"codes": list(INDICATOR_OF_GROUP.values()), "gminas": gminas}).all()
    if not rows:
        return pd.DataFrame(), None
    frame = pd.DataFrame(rows, columns=["code", "teryt", "year", "value"])
    complete = frame.groupby("year").apply(
        lambda part: len(part.drop_duplicates(["code", "teryt"])) == 3 * len(gminas),
        include_groups=False)
    years = sorted(int(y) for y, ok in complete.items() if ok)
    if not years:
        return pd.DataFrame(), None
    year = years[-1]
    chosen = frame[frame["year"] == year].pivot_table(index="teryt", columns="code",
                                                      values="value", aggfunc="first")
    chosen = chosen.rename(columns={v: k for k, v in INDICATOR_OF_GROUP.items()})
    return chosen[list(AGE_GROUPS)].reindex(gminas).astype(float), year


def survey_targets(conn, gminas: list[str], kind: str) -> Targets:
    """Residents per gmina (and age group) of ``gminas`` for a survey of ``kind``."""
    groups, age_year = age_groups(conn, gminas)
    if kind == "youth":
        if groups.empty:
            raise InvalidInput("a youth survey is weighted to the residents of pre-working"
                               " age, which are not loaded: import the BDL export of"
                               " population by economic age group"
                               " (LUDN_ekonomiczne_grupy_wieku_*.csv) first")
        return Targets(groups[["pre_working"]], "pre_working", None, age_year)
    people, year = population_by_gmina(conn, None)
    people = people.reindex(gminas)
    if year is None or people.isna().any():
        missing = sorted(people.index[people.isna()]) if year is not None else gminas
        if groups.empty:
            raise InvalidInput("no population is held for the gminas %(gminas)s: import"
                               " LUDN_2425 (bdl-csv) or GUS table 21 first",
                               gminas=", ".join(missing[:10]))
        # The age groups' own totals where the latest population is not held.
        return Targets(groups, "age groups", age_year, age_year)
    if groups.empty:
        return Targets(pd.DataFrame({"total": people.astype(float)}), "total", year, None)
    shares = groups.div(groups.sum(axis=1), axis=0)
    return Targets(shares.mul(people.astype(float), axis=0), "age groups", year, age_year)
