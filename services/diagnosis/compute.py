"""The numbers of a partnership's diagnosis, computed from what PostGIS holds.

The result is plain data (a dict of numbers, codes and notes) that every output format
writes; the same data and parameters give the same dict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib import metadata

import numpy as np
import pandas as pd
import sqlalchemy as sa

from core.errors import BadRequest
from layers.catalogue import AREA_WEIGHTED_INDICATORS, EXTENSIVE_INDICATORS
from layers.indicator_catalogue import RATE_DENOMINATORS
from services.access.rules import SYSTEM, Principal, require_read
from services.cache import cached
from services.db import database_errors
from services.diagnosis import rules
from services.planning.area_stats import aggregate, area_stats, population_by_gmina

RISK_INDICATOR = "marginalisation_risk"
POPULATION_CODES = ("population", "population_thousands")  # exact counts first
AREA_INDICATORS = ("unemployed_per_1000", "dependency_ratio", "density",
                   "population_change_pct_3y", "marginalisation_risk")
MIN_YEAR, MAX_YEAR = 1950, 2100
HEADLINE = ("population", "population_thousands", "unemployed_per_1000", "dependency_ratio",
            "post_working_share_pct", "population_change_pct_3y", "net_migration_per_1000",
            "marginalisation_risk", "density")


def product_version() -> str:
    try:
        return metadata.version("partnerstwa")
    except metadata.PackageNotFoundError:
        return "unknown"


def data_versions(conn, pid: str) -> dict:
    """The last change of each kind of data a diagnosis reads (not who looked at it)."""
    row = conn.execute(sa.text(
        "SELECT (SELECT coalesce(max(id), 0) FROM boundary_load),"
        " (SELECT coalesce(max(id), 0) FROM indicator_load),"
        " (SELECT coalesce(max(id), 0) FROM analysis_run),"
        " (SELECT coalesce(max(id), 0) FROM object_version),"
        " (SELECT updated_at FROM partnership WHERE id = :pid)"), {"pid": pid}).one()
    from services.consultations.diagnosis import versions as consultation_versions
    from services.surveys.estimates import diagnosis_versions as survey_versions

    return {"boundary_load": row[0], "indicator_load": row[1], "analysis_run": row[2],
            "object_version": row[3],
            "partnership_updated_at": row[4].isoformat() if row[4] else None,
            # Nothing added without answered consultations: other diagnoses keep their hash.
            **consultation_versions(conn, pid),
            # Likewise for surveys (services/surveys/estimates.py): none, nothing added.
            **survey_versions(conn, pid)}


class _National:
    """Every gmina value, the gminas and the population by year, read once per data version."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        with database_errors(), engine.connect() as conn:
            # The driver's cursor: a third of a million rows as SQLAlchemy rows cost seconds.
            cursor = conn.connection.driver_connection.cursor()
            with cursor:
                cursor.execute("SELECT indicator_code, level, teryt, year, value, load_id"
                               " FROM indicator_value")
                self.values = pd.DataFrame.from_records(
                    cursor.fetchall(), columns=["code", "level", "teryt", "year", "value",
                                                "load_id"])
            self.gminas = pd.DataFrame(conn.execute(sa.text(
                "SELECT teryt, name, gmina_type, voivodeship_teryt, ST_Area(geom) / 1e6"
                " FROM gmina ORDER BY teryt")).all(),
                columns=["teryt", "name", "gmina_type", "voivodeship", "area_km2"]
            ).set_index("teryt")
            self.indicators = [dict(r) for r in conn.execute(sa.text(
                "SELECT code, name_pl, name_en, unit, source, source_ref, direction,"
                " derived_from FROM indicator WHERE code IN (SELECT DISTINCT indicator_code"
                " FROM indicator_value WHERE level = 'gmina') ORDER BY code")).mappings()]
            self.loads = {r[0]: (r[1], r[2]) for r in conn.execute(sa.text(
                "SELECT id, source, loaded_at FROM indicator_load")).all()}
            self.people_latest = population_by_gmina(conn, None)
        self._people: dict[int, pd.Series] = {}
        gmina_rows = self.values[self.values["level"] == "gmina"]
        self.by_code = {code: part for code, part in gmina_rows.groupby("code")}
        self.by_year = {(code, int(year)): part.set_index("teryt")["value"]
                        for (code, year), part in gmina_rows.groupby(["code", "year"])}
        official = self.values[self.values["level"].isin(["voivodeship", "country"])]
        self.official = {(r.code, r.level, r.teryt, int(r.year)): float(r.value)
                         for r in official.itertuples(index=False)}
        self.areas = self.gminas["area_km2"]
        self._memo: dict = {}

    def gmina_values(self, code: str, year: int) -> pd.Series:
        return self.by_year.get((code, year), pd.Series(dtype=float))

    def unit_value(self, code: str, level: str, teryt: str, year: int) -> tuple | None:
        """A voivodeship's or Poland's value: GUS's where published, else aggregated."""
        key = (code, level, teryt, year)
        if key not in self._memo:
            if key in self.official:
                self._memo[key] = (self.official[key], "GUS value of the unit")
            else:
                gminas = (self.gminas.index if level == "country" else
                          self.gminas.index[self.gminas["voivodeship"] == teryt])
                result = self.aggregate(code, year, list(gminas))
                self._memo[key] = (result["value"], result["aggregation"]) if result else None
        return self._memo[key]

    def people(self, year: int) -> pd.Series:
        if year not in self._people:
            with database_errors(), self.engine.connect() as conn:
                self._people[year] = population_by_gmina(conn, year)[0]
        return self._people[year]

    def weights(self, code: str, year: int) -> pd.Series:
        """Whom a rate is averaged over: its own denominator where the catalogue names one
        (so that the mean equals the ratio of the sums), else the residents."""
        if code in EXTENSIVE_INDICATORS or code in AREA_WEIGHTED_INDICATORS:
            return pd.Series(dtype=float)  # not used by these aggregations
        counts = RATE_DENOMINATORS.get(code)
        if counts:
            parts = [self.gmina_values(c, year) for c in counts]
            if all(len(p) for p in parts):
                return sum(parts[1:], parts[0])
        return self.people(year)

    def aggregate(self, code: str, year: int, gminas: list[str]) -> dict | None:
        values = self.gmina_values(code, year)
        result = aggregate(code, values, pd.Series(1.0, index=gminas),
                           self.weights(code, year), self.areas)
        if result and code in RATE_DENOMINATORS and result["aggregation"].startswith("pop"):
            result["aggregation"] = "denominator-weighted mean"
        return result


def _national(engine: sa.Engine) -> _National:
    # Only boundaries and indicator values feed it: sign-ins and edits keep it warm.
    with database_errors(), engine.connect() as conn:
        version = (engine.url.render_as_string(hide_password=False), *conn.execute(sa.text(
            "SELECT (SELECT coalesce(max(id), 0) FROM boundary_load),"
            " (SELECT coalesce(max(id), 0) FROM indicator_load)")).one())
    return cached(("diagnosis-national",), version, lambda: _National(engine))


def _order(spec: dict) -> tuple:
    """Headline indicators first, then those with a direction, then the counts."""
    code = spec["code"]
    return (HEADLINE.index(code) if code in HEADLINE else len(HEADLINE),
            spec["direction"] == "neutral", code in EXTENSIVE_INDICATORS, code)


def _one_population(indicators: list[dict]) -> list[dict]:
    """One population row, the latest: counts (2022) beside thousands (2024) read as two
    different populations. Exact counts win a tie, as in population_by_gmina."""
    held = [i for i in indicators if i["code"] in POPULATION_CODES]
    if len(held) < 2:
        return indicators
    keep = max(held, key=lambda i: (i["year"], -POPULATION_CODES.index(i["code"])))
    return [i for i in indicators if i["code"] not in POPULATION_CODES or i is keep]


def _choose_year(held: list[int], asked: int | None) -> int:
    if asked is None or asked in held:
        return max(held) if asked is None else asked
    earlier = [y for y in held if y <= asked]
    return max(earlier) if earlier else max(held)


def _indicator(nat: _National, spec: dict, members: list[str], voivodeship: str,
               group: list[str], asked: int | None, notes: list) -> dict | None:
    code, name = spec["code"], {"pl": spec["name_pl"], "en": spec["name_en"]}
    part = nat.by_code.get(code)
    mine = part[part["teryt"].isin(members)] if part is not None else None
    if mine is None or mine.empty:
        notes.append({"key": "no_value", "name": name})
        return None
    held = sorted(int(y) for y in mine["year"].unique())
    year = _choose_year(held, asked)
    if asked is not None and year != asked:
        notes.append({"key": "year_fallback", "name": name, "asked": asked, "used": year})
    result = nat.aggregate(code, year, members)
    if result is None:
        notes.append({"key": "no_value", "name": name})
        return None
    if result["gminas_with_value"] < len(members):
        notes.append({"key": "partial", "name": name, "year": year,
                      "n": result["gminas_with_value"], "total": len(members)})
    voiv = nat.unit_value(code, "voivodeship", voivodeship, year)
    poland = nat.unit_value(code, "country", "PL", year)
    # Counts of a whole partnership are not comparable with single gminas: no group for them.
    extensive = code in EXTENSIVE_INDICATORS
    group_values = (pd.Series(dtype=float) if extensive
                    else nat.gmina_values(code, year).reindex(group).dropna())
    median = float(group_values.median()) if len(group_values) else None
    sd = float(group_values.std(ddof=1)) if len(group_values) > 1 else None
    if median is None and not extensive:
        notes.append({"key": "no_group", "name": name})
    series = {}
    for y in held:
        if y > year:
            continue
        r = nat.aggregate(code, y, members)
        if r is not None:
            series[y] = r["value"]
    trend = rules.trend(pd.Series(series, dtype=float))
    if trend["n"] < 2:
        notes.append({"key": "single_year", "name": name, "years": ", ".join(map(str, held))})
    elif len(series) < rules.TREND_WINDOW:
        notes.append({"key": "short", "name": name, "n": len(series),
                      "years": f"{min(series)}–{max(series)}"})
    judged = rules.judged_trend(trend["direction"], spec["direction"])
    value = result["value"]
    verdict = None if extensive else rules.verdict(value, voiv[0] if voiv else None, median,
                                                   judged, spec["direction"])
    first = min(series)
    longest = {"from": first, "to": year, "first": series[first], "last": series[year],
               "years": len(series)}
    context = {
        "voivodeship": [nat.unit_value(code, "voivodeship", voivodeship, y) for y in series],
        "poland": [nat.unit_value(code, "country", "PL", y) for y in series]}
    used = mine[mine["year"] == year]
    load = nat.loads.get(int(used["load_id"].max())) if len(used) else None
    return {
        "code": code, "name": name, "unit": spec["unit"], "direction": spec["direction"],
        "source": spec["source"], "source_ref": spec["source_ref"],
        "derived_from": spec["derived_from"], "year": year, "value": value,
        "aggregation": result["aggregation"], "gminas_with_value": result["gminas_with_value"],
        "voivodeship": voiv[0] if voiv else None,
        "voivodeship_aggregation": voiv[1] if voiv else None,
        "poland": poland[0] if poland else None,
        "poland_aggregation": poland[1] if poland else None,
        "group_median": median, "group_sd": sd, "group_n": int(len(group_values)),
        "percentile": None if extensive else rules.percentile(value, group_values),
        "distance_sd": rules.distance_sd(value, median, sd),
        "trend": {**trend, "judged": judged}, "longest": longest, "verdict": verdict,
        "series": {"years": list(series), "partnership": list(series.values()),
                   "voivodeship": [c[0] if c else None for c in context["voivodeship"]],
                   "poland": [c[0] if c else None for c in context["poland"]]},
        "load": {"file": load[0].rsplit("/", 1)[-1], "loaded_at": load[1].date().isoformat()}
        if load else None,
    }


def _runs(conn, kind: str, members: list[str]) -> list[dict]:
    runs = conn.execute(sa.text(
        "SELECT DISTINCT ON (indicator_code) id, indicator_code, year FROM analysis_run"
        " WHERE kind = :kind AND scope = 'country' ORDER BY indicator_code, year DESC, id DESC"),
        {"kind": kind}).all()
    out = []
    for run_id, code, year in runs:
        labels = dict(conn.execute(sa.text(
            "SELECT teryt, label FROM analysis_result WHERE run_id = :r AND teryt = ANY(:t)"),
            {"r": run_id, "t": members}).all())
        out.append({"run_id": run_id, "indicator": code, "year": int(year),
                    "labels": {t: labels.get(t) for t in members}})
    return out


def diagnose(engine: sa.Engine, pid: str, *, year: int | None = None,
             actor: Principal = SYSTEM, now: dt.datetime | None = None) -> dict:
    """The diagnosis of partnership ``pid`` (values of ``year`` where held, else the latest)."""
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise BadRequest("year must be between %(min_year)s and %(max_year)s, got %(year)s",
                         min_year=MIN_YEAR, max_year=MAX_YEAR, year=year)
    with database_errors(), engine.connect() as conn:
        require_read(conn, actor, pid)
        version = (engine.url.render_as_string(hide_password=False),
                   tuple(sorted(data_versions(conn, pid).items())))
    # The same data and parameters give the same numbers: computed once per data version.
    model = dict(cached(("diagnosis-model", pid, year), version,
                        lambda: _compute(engine, pid, year)))
    model["generated_at"] = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    return model


def _compute(engine: sa.Engine, pid: str, year: int | None) -> dict:
    # Reading was allowed by the caller; the areas below belong to this partnership.
    actor = SYSTEM
    with database_errors(), engine.connect() as conn:
        head = conn.execute(sa.text(
            "SELECT id, name, programme, status, voivodeships, ST_Area(geom) / 1e6 AS area_km2"
            " FROM partnership WHERE id = :id"), {"id": pid}).mappings().one()
        member_units = [dict(r) for r in conn.execute(sa.text(
            "SELECT m.member_kind, m.teryt, m.role, coalesce(g.name, p.name) AS name"
            " FROM partnership_member m LEFT JOIN gmina g ON m.member_kind = 'gmina'"
            " AND g.teryt = m.teryt LEFT JOIN powiat p ON m.member_kind = 'powiat'"
            " AND p.teryt = m.teryt WHERE m.partnership_id = :id"
            " ORDER BY m.role, m.member_kind DESC, m.teryt"), {"id": pid}).mappings()]
        members = list(conn.execute(sa.text(
            "SELECT gmina_teryt FROM partnership_gmina WHERE partnership_id = :id ORDER BY 1"),
            {"id": pid}).scalars())
        versions = data_versions(conn, pid)
        vintage = sorted(str(v) for v in conn.execute(sa.text(
            "SELECT DISTINCT as_of FROM gmina WHERE teryt = ANY(:t)"),
            {"t": members}).scalars())
        lisa = _runs(conn, "lisa", members)
        gi = _runs(conn, "gi", members)
        areas = conn.execute(sa.text(
            "SELECT id, name, kind FROM functional_area WHERE partnership_id = :id"
            " AND NOT deleted ORDER BY id"), {"id": pid}).all()
        projects = conn.execute(sa.text(
            "SELECT coalesce(nullif(trim(theme), ''), '') AS theme, count(*),"
            " coalesce(sum(cost_pln), 0)::float FROM project WHERE partnership_id = :id"
            " AND NOT deleted GROUP BY 1 ORDER BY 3 DESC, 1"), {"id": pid}).all()
    nat = _national(engine)
    people, people_year = nat.people_latest
    notes: list[dict] = []
    if people_year is None:
        notes.append({"key": "no_population"})
    gminas = nat.gminas.assign(population=people.reindex(nat.gminas.index))
    population = float(people.reindex(members).fillna(0).sum()) if people_year else None
    # The voivodeship holding most of the partnership's people (partnerships may straddle).
    by_voiv = gminas.loc[members].groupby("voivodeship")["population"].sum()
    voivodeship = (str(by_voiv.idxmax()) if len(by_voiv) and by_voiv.notna().any()
                   else (head["voivodeships"] or [None])[0])
    with database_errors(), engine.connect() as conn:
        voiv_name = conn.execute(sa.text("SELECT name FROM voivodeship WHERE teryt = :v"),
                                 {"v": voivodeship}).scalar_one_or_none()
    group, peers = rules.comparison_group(gminas, members)
    member_rows = []
    for t in members:
        g = gminas.loc[t]
        pop = None if pd.isna(g["population"]) else float(g["population"])
        member_rows.append({
            "teryt": t, "name": g["name"], "gmina_type": str(g["gmina_type"]),
            "area_km2": float(g["area_km2"]), "population": pop,
            "size_class": rules.size_class(pop) if pop is not None else None,
            "peers": peers.get(t, 0)})
        if peers.get(t, 0) == 0:
            notes.append({"key": "no_peers", "name": g["name"], "teryt": t,
                          "type": str(g["gmina_type"]),
                          "cls": rules.size_class(pop) if pop is not None else None})
    indicators = []
    for spec in sorted(nat.indicators, key=_order):
        item = _indicator(nat, spec, members, voivodeship, group, year, notes)
        if item is not None:
            indicators.append(item)
    indicators = _one_population(indicators)
    ranked = sorted((i for i in indicators if i["verdict"]),
                    key=lambda i: (-(i["distance_sd"] or 0), i["code"]))
    risk = next((r for r in lisa if r["indicator"] == RISK_INDICATOR), None)
    hh_share = None
    if risk and population:
        hh = [t for t, label in risk["labels"].items() if label == "HH"]
        hh_share = float(people.reindex(hh).fillna(0).sum()) / population
    functional = []
    for area_id, name, kind in areas:
        stats = area_stats(engine, area_id, indicators=list(AREA_INDICATORS), actor=actor)
        functional.append({"id": area_id, "name": name, "kind": kind,
                           "area_km2": stats["area_km2"],
                           "population": (stats["population"] or {}).get("value"),
                           "gminas": len(stats["gminas"]),
                           "indicators": {c: {"year": v["year"], "value": v["value"]}
                                          for c, v in stats["indicators"].items()}})
    count = int(sum(p[1] for p in projects))
    cost = float(sum(p[2] for p in projects))
    model = {
        "partnership": {"id": head["id"], "name": head["name"], "programme": head["programme"],
                        "status": head["status"], "voivodeships": list(head["voivodeships"])},
        "parameters": {"year": year},
        "area_km2": float(head["area_km2"] or 0.0),
        "population": {"value": population, "year": people_year},
        "member_units": member_units, "members": member_rows,
        "voivodeship": {"teryt": voivodeship, "name": voiv_name},
        "group": {"size": len(group), "population_year": people_year,
                  "bounds": list(rules.SIZE_BOUNDS)},
        "indicators": indicators,
        "problems": [i["code"] for i in ranked if i["verdict"] == "problem"],
        "potentials": [i["code"] for i in ranked if i["verdict"] == "potential"],
        "spatial": {"lisa": lisa, "gi": gi, "risk_run": risk["run_id"] if risk else None,
                    "hh_share": hh_share},
        "functional_areas": functional,
        "projects": {"count": count, "cost_pln": cost,
                     "per_resident": cost / population if population else None,
                     "by_theme": [{"theme": t, "count": int(n), "cost_pln": float(c)}
                                  for t, n, c in projects]},
        "boundary_vintage": vintage,
        "data_versions": versions,
        "notes": notes,
        "product_version": product_version(),
    }
    from services.consultations.diagnosis import section as consultation_section

    consultations = consultation_section(engine, pid)
    if consultations:  # only then: partnerships without answers keep their numbers
        model["consultations"] = consultations
    from services.surveys.estimates import diagnosis_section as survey_section

    surveys = survey_section(engine, pid)
    if surveys:  # likewise: partnerships without surveys keep their numbers
        model["surveys"] = surveys
    model["numbers_hash"] = numbers_hash(model)
    return model


def _plain(value):
    if isinstance(value, float | np.floating):
        return round(float(value), 9)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    return value


def numbers_hash(model: dict) -> str:
    """SHA-256 of everything computed (not the moment of generation)."""
    body = {k: v for k, v in model.items() if k not in ("generated_at", "numbers_hash")}
    return hashlib.sha256(json.dumps(_plain(body), sort_keys=True, ensure_ascii=False,
                                     default=str).encode()).hexdigest()
