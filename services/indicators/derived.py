"""Derived indicators and composite indices, computed from stored values and stored back."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from core.errors import Amount, InvalidInput, Text
from layers.indicator_catalogue import AGE_GROUPS, KNOWN, IndicatorSpec
from layers.indicator_readers import gmina_key
from layers.library_reasons import library_detail, library_reason
from services.db import database_errors
from services.indicators.store import gmina_codes, store_values, upsert_indicator
from spatial.composite import CompositeError, composite_index

SIGNS = {"higher-worse": 1, "higher-better": -1}


@dataclass
class DerivedReport:
    indicator: str
    years: list[int]
    stored: int
    gminas: int
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _values(conn, code: str, years: list[int] | None = None) -> pd.DataFrame:
    sql = ("SELECT level, teryt, year, value FROM indicator_value WHERE indicator_code = :c"
           + (" AND year = ANY(:years)" if years else ""))
    rows = conn.execute(sa.text(sql), {"c": code, "years": years}).all()
    return pd.DataFrame(rows, columns=["level", "teryt", "year", "value"])


def _population(conn) -> pd.DataFrame:
    """Persons per unit and year: exact counts where held, else thousands x 1000."""
    exact = _values(conn, "population")
    approx = _values(conn, "population_thousands")
    approx["value"] = approx["value"] * 1000
    both = pd.concat([exact, approx]).drop_duplicates(["level", "teryt", "year"], keep="first")
    if both.empty:
        raise InvalidInput("no population is loaded: import LUDN_2425 (bdl-csv) or GUS table 21"
                           " (gus-t21) first")
    return both


def _store(conn, spec: IndicatorSpec, rows: pd.DataFrame, notes: list[str]) -> DerivedReport:
    if rows.empty:
        raise InvalidInput("nothing to compute for %(code)s: the inputs share no unit and"
                           " year", code=spec.code)
    upsert_indicator(conn, spec)
    rows = rows.assign(indicator=spec.code, source_code=rows["teryt"])
    store_values(conn, rows, source="derived", source_format=f"derived:{spec.code}",
                 report={"notes": notes, "derived_from": spec.derived_from})
    return DerivedReport(spec.code, sorted(int(y) for y in rows["year"].unique()), len(rows),
                         int(rows.loc[rows["level"] == "gmina", "teryt"].nunique()), notes)


def unemployed_per_1000(engine: sa.Engine, years: list[int] | None = None) -> DerivedReport:
    """Registered unemployed per 1,000 residents, for every unit and year with both inputs."""
    with database_errors(), engine.begin() as conn:
        unemployed = _values(conn, "unemployed", years)
        if unemployed.empty:
            raise InvalidInput("no registered unemployed are loaded: import RYNE_1944 first")
        people = _population(conn)
        joined = unemployed.merge(people, on=["level", "teryt", "year"], suffixes=("_u", "_p"))
        joined = joined[joined["value_p"] > 0]
        joined["value"] = joined["value_u"] / joined["value_p"] * 1000
        spec = KNOWN["unemployed_per_1000"]
        spec = IndicatorSpec(**{**asdict(spec), "derived_from": {
            "numerator": "unemployed", "denominator": "population or population_thousands"}})
        return _store(conn, spec, joined[["level", "teryt", "year", "value"]], [])


def population_change(engine: sa.Engine, start: int, end: int) -> DerivedReport:
    """Population change in % from the end of ``start`` to the end of ``end``."""
    if end <= start:
        raise InvalidInput("--to must be later than --from")
    with database_errors(), engine.begin() as conn:
        people = _population(conn)
        a = people[people["year"] == start]
        b = people[people["year"] == end]
        if a.empty or b.empty:
            held = sorted(people["year"].unique())
            raise InvalidInput("population is held for %(value)s; "
                               "not for both %(start)s and %(end)s",
                               value=', '.join(map(str, held)), start=start, end=end)
        joined = a.merge(b, on=["level", "teryt"], suffixes=("_a", "_b"))
        joined["value"] = (joined["value_b"] / joined["value_a"] - 1) * 100
        joined["year"] = end
        n = end - start
        spec = IndicatorSpec(
            f"population_change_pct_{n}y", f"Zmiana liczby ludności w ciągu {n} lat",
            f"Population change over {n} years", "%", "derived", "", "higher-better",
            {"population_from": start, "population_to": end})
        return _store(conn, spec, joined[["level", "teryt", "year", "value"]],
                      [Text("thousands were used where exact counts are not held")])


def net_migration(engine: sa.Engine, flows_path: str | Path, year: int) -> DerivedReport:
    """Net internal migration per 1,000 residents from a gmina-to-gmina flow table."""
    path = Path(flows_path)
    try:
        flows = pd.read_csv(path, dtype={"kod_origin": str, "kod_dest": str})
    except (OSError, ValueError) as exc:
        raise InvalidInput("cannot read the flows (%(exc)s)", where=str(path),
                           exc=library_reason(exc), details=library_detail(exc)) from exc
    needed = {"kod_origin", "kod_dest", "no"}
    if not needed <= set(flows.columns):
        raise InvalidInput("expected columns %(needed)s", where=str(path),
                           needed=', '.join(sorted(needed)))
    flows["no"] = pd.to_numeric(flows["no"], errors="coerce")
    if flows["no"].isna().any():
        line = int(flows.index[flows["no"].isna()][0]) + 2
        raise InvalidInput("line %(line)s: the number of persons is not a number", where=str(path),
                           line=line)
    with database_errors(), engine.begin() as conn:
        by6 = gmina_codes(conn)
        inflow = flows.groupby(flows["kod_dest"].map(gmina_key))["no"].sum()
        outflow = flows.groupby(flows["kod_origin"].map(gmina_key))["no"].sum()
        net = inflow.sub(outflow, fill_value=0)
        unmatched = sorted(set(net.index) - set(by6))
        net = net[net.index.isin(list(by6))]
        people = _population(conn)
        people = people[(people["level"] == "gmina") & (people["year"] == year)]
        if people.empty:
            raise InvalidInput("no gmina population is held for %(year)s", year=year)
        people = people.set_index("teryt")["value"]
        frame = pd.DataFrame({"teryt": [by6[c] for c in net.index], "net": net.to_numpy()})
        frame = frame[frame["teryt"].isin(people.index)]
        # Gminas with no published flow at all have a net balance of 0 as far as we know.
        frame = frame.set_index("teryt").reindex(people.index, fill_value=0).reset_index()
        frame["value"] = frame["net"] / frame["teryt"].map(people) * 1000
        frame["level"], frame["year"] = "gmina", year
        spec = IndicatorSpec(**{**asdict(KNOWN["net_migration_per_1000"]),
                                "derived_from": {"flows": path.name, "population_year": year}})
        notes = [Text("GUS publishes only flows of 3 persons or more: balances are"
                      " approximate")]
        if unmatched:
            notes.append(Text("%(count)s codes of the flows are not loaded gminas: %(codes)s",
                              count=Amount(len(unmatched)), codes=", ".join(unmatched[:10])))
        return _store(conn, spec, frame[["level", "teryt", "year", "value"]], notes)


def density(engine: sa.Engine, year: int) -> DerivedReport:
    """Residents per km² at the end of ``year`` (area as of 1 January of the next year)."""
    with database_errors(), engine.begin() as conn:
        people = _population(conn)
        people = people[people["year"] == year]
        area = _values(conn, "area_ha", [year + 1])
        notes = []
        if area.empty:
            area = _values(conn, "area_ha", [year])
            notes.append(Text("area as of 1 January %(year)s used (none for %(next)s)",
                              year=year, next=year + 1))
        joined = people.merge(area, on=["level", "teryt"], suffixes=("_p", "_a"))
        joined = joined[joined["value_a"] > 0]
        joined["value"] = joined["value_p"] / (joined["value_a"] / 100)
        joined["year"] = year
        spec = IndicatorSpec(**{**asdict(KNOWN["density_derived"]),
                                "derived_from": {"population_year": year}})
        return _store(conn, spec, joined[["level", "teryt", "year", "value"]], notes)


def _age_groups(conn, years: list[int] | None) -> pd.DataFrame:
    """Persons of the three economic age groups per unit and year, one column each."""
    parts = []
    for code in AGE_GROUPS:
        part = _values(conn, code, years)
        if part.empty:
            raise InvalidInput("no %(code)s is loaded: import the BDL export of population by"
                               " economic age group (LUDN_ekonomiczne_grupy_wieku_*.csv) first",
                               code=code)
        parts.append(part.set_index(["level", "teryt", "year"])["value"].rename(code))
    # Units and years missing one group are left out: a ratio of part of the people is wrong.
    return pd.concat(parts, axis=1, join="inner").reset_index()


def _age_indicator(engine: sa.Engine, code: str, years: list[int] | None, formula) -> \
        DerivedReport:
    with database_errors(), engine.begin() as conn:
        groups = _age_groups(conn, years)
        groups["value"] = formula(groups)
        groups = groups[groups["value"].notna() & (groups["value"] != float("inf"))]
        spec = IndicatorSpec(**{**asdict(KNOWN[code]), "derived_from": {
            "inputs": list(AGE_GROUPS), "formula": formula.__doc__}})
        return _store(conn, spec, groups[["level", "teryt", "year", "value"]], [])


def dependency_ratio(engine: sa.Engine, years: list[int] | None = None) -> DerivedReport:
    """Demographic dependency ratio: persons of non-working age per 100 of working age."""
    def formula(g):
        """(pre-working + post-working) / working x 100"""
        working = g["population_working"].where(g["population_working"] > 0)
        return (g["population_pre_working"] + g["population_post_working"]) / working * 100

    return _age_indicator(engine, "dependency_ratio", years, formula)


def post_working_share(engine: sa.Engine, years: list[int] | None = None) -> DerivedReport:
    """Share of persons of post-working age in the population, in %."""
    def formula(g):
        """post-working / (pre-working + working + post-working) x 100"""
        total = g[list(AGE_GROUPS)].sum(axis=1)
        return g["population_post_working"] / total.where(total > 0) * 100

    return _age_indicator(engine, "post_working_share_pct", years, formula)


def composite(engine: sa.Engine, code: str, name: str, year: int,
              components: dict[str, float], *, directions: dict[str, str] | None = None,
              method: str = "zscore", groups: str = "none",
              missing: str = "drop", name_en: str | None = None) -> DerivedReport:
    """A composite marginalisation-risk index of gminas (higher is worse), stored; its
    English name is ``name_en`` (the Polish ``name`` when not given)."""
    directions = directions or {}
    with database_errors(), engine.begin() as conn:
        meta = dict(conn.execute(sa.text(
            "SELECT code, direction FROM indicator WHERE code = ANY(:codes)"),
            {"codes": list(components)}).all())
        unknown = sorted(set(components) - set(meta))
        if unknown:
            raise InvalidInput("unknown indicators: %(unknown)s", unknown=', '.join(unknown))
        signs = {}
        for c in components:
            direction = directions.get(c, meta[c])
            if direction not in SIGNS:
                raise InvalidInput("%(c)s has no direction (higher-worse or higher-better);"
                                   " give it as %(c)s=WEIGHT:higher-worse", c=c)
            signs[c] = SIGNS[direction]
        frame = pd.DataFrame({c: _values(conn, c, [year]).query("level == 'gmina'")
                              .set_index("teryt")["value"] for c in components})
        empty = [c for c in components if frame[c].notna().sum() == 0]
        if empty:
            raise InvalidInput("no gmina values in %(year)s for %(empty)s", year=year,
                               empty=', '.join(empty))
        group_series = None
        if groups == "gmina-type":
            group_series = pd.Series(dict(conn.execute(sa.text(
                "SELECT teryt, gmina_type FROM gmina")).all()))
        elif groups != "none":
            raise InvalidInput("--groups must be none or gmina-type")
        try:
            index, dropped = composite_index(frame, components, signs, method=method,
                                             groups=group_series, missing=missing)
        except CompositeError as exc:
            raise InvalidInput(str(exc)) from exc
        spec = IndicatorSpec(code, name, name_en or name, "", "derived", "composite",
                             "higher-worse",
                             {"components": components, "signs": signs, "method": method,
                              "groups": groups, "missing": missing, "year": year})
        rows = pd.DataFrame({"level": "gmina", "teryt": index.index, "year": year,
                             "value": index.to_numpy()})
        notes = [Text("%(count)s gminas left out for missing values",
                      count=Amount(len(dropped)))] if dropped else []
        return _store(conn, spec, rows, notes)
