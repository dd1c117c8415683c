"""Partnerships of a voivodeship side by side with the voivodeship and Poland."""

from __future__ import annotations

import math

import pandas as pd
import sqlalchemy as sa

from core.errors import BadRequest, NotFound
from layers.catalogue import AREA_WEIGHTED_INDICATORS, VOIVODESHIP_CODES
from layers.indicator_catalogue import KNOWN, unit_label
from services.access.rules import SYSTEM, Principal, readable_filter, readable_voivodeship
from services.analysis.comparison_files import COMPARISON_FORMATS, comparison_csv, comparison_file
from services.cache import WORKING_DATA, cached, data_version
from services.db import database_errors
from services.planning.area_stats import aggregate, population_by_gmina

DEFAULT_INDICATORS = ("unemployed_per_1000", "population_change_pct_3y",
                      "net_migration_per_1000", "density", "marginalisation_risk")
RISK_INDICATOR = "marginalisation_risk"
# The files (CSV for spreadsheets, XLSX) are written in comparison_files; offered here too.
__all__ = ["COMPARISON_FORMATS", "compare", "comparison_csv", "comparison_file", "profile"]


def _latest(conn, codes) -> dict[str, tuple[int, pd.DataFrame]]:
    rows = conn.execute(sa.text(
        "WITH latest AS (SELECT indicator_code, max(year) AS year FROM indicator_value"
        "  WHERE level = 'gmina' AND indicator_code = ANY(:codes) GROUP BY indicator_code)"
        " SELECT v.indicator_code, v.level, v.teryt, v.year, v.value FROM indicator_value v"
        " JOIN latest l ON l.indicator_code = v.indicator_code AND l.year = v.year"),
        {"codes": list(codes)}).all()
    frame = pd.DataFrame(rows, columns=["code", "level", "teryt", "year", "value"])
    return {code: (int(part["year"].iloc[0]), part) for code, part in frame.groupby("code")}


def _unit(name: str, kind: str, code: str, gminas: list[str], latest, people, areas,
          area_km2, extra: dict | None = None, official: dict | None = None,
          people_year: int | None = None) -> dict:
    shares = pd.Series(1.0, index=gminas)
    indicators = {}
    population = float(people.reindex(gminas).fillna(0).sum())
    for ind, (year, part) in latest.items():
        if ind in AREA_WEIGHTED_INDICATORS and area_km2:
            # A density beside the row's own population and area is read as their quotient:
            # every unit, Poland too, gets exactly that (GUS's published densities use GUS's
            # areas, which for coastal gminas include sea waters, and do not match the column).
            indicators[ind] = {"year": people_year or year, "value": population / area_km2,
                               "aggregation": "population / area of the unit"}
            continue
        if official and (ind, year) in official:
            indicators[ind] = {"year": year, "value": official[(ind, year)],
                               "aggregation": "GUS value of the unit"}
            continue
        values = part[part["level"] == "gmina"].set_index("teryt")["value"]
        result = aggregate(ind, values, shares, people, areas)
        if result is not None:
            indicators[ind] = {"year": year, "value": result["value"],
                               "aggregation": result["aggregation"]}
    return {"kind": kind, "code": code, "name": name, "gminas": len(gminas),
            "area_km2": area_km2, "population": population, "indicators": indicators,
            **(extra or {})}


def compare(engine: sa.Engine, voivodeship: str, *, indicators: list[str] | None = None,
            run_id: int | None = None, actor: Principal = SYSTEM) -> dict:
    """Each partnership of the voivodeship, then the voivodeship and Poland."""
    if voivodeship not in VOIVODESHIP_CODES:
        raise BadRequest("voivodeship must be a 2-digit TERYT code, got %(voivodeship)r",
                         voivodeship=voivodeship)
    readable_voivodeship(actor, voivodeship)
    _, scope = readable_filter(actor, "p.id")
    key = ("compare", voivodeship, tuple(indicators or ()), run_id,
           tuple(sorted((k, str(v)) for k, v in scope.items())))
    with database_errors(), engine.connect() as conn:
        version = data_version(conn, *WORKING_DATA)
    return cached(key, version, lambda: _compare(engine, voivodeship, indicators, run_id, actor))


def _compare(engine: sa.Engine, voivodeship: str, indicators: list[str] | None,
             run_id: int | None, actor: Principal) -> dict:
    allowed, allowed_params = readable_filter(actor, "p.id")
    codes = list(indicators or DEFAULT_INDICATORS)
    with database_errors(), engine.connect() as conn:
        name = conn.execute(sa.text("SELECT name FROM voivodeship WHERE teryt = :v"),
                            {"v": voivodeship}).scalar_one_or_none()
        if name is None:
            raise NotFound("no voivodeship %(voivodeship)s", voivodeship=voivodeship)
        people, people_year = population_by_gmina(conn, None)
        latest = _latest(conn, codes)
        gminas = pd.DataFrame(conn.execute(sa.text(
            "SELECT teryt, voivodeship_teryt, ST_Area(geom) / 1e6 FROM gmina")).all(),
            columns=["teryt", "voivodeship", "area"])
        if run_id is None:
            run_id = conn.execute(sa.text(
                "SELECT id FROM analysis_run WHERE kind = 'lisa' AND scope = 'country'"
                " AND indicator_code = :ind ORDER BY id DESC LIMIT 1"),
                {"ind": RISK_INDICATOR}).scalar_one_or_none()
        hh = set(conn.execute(sa.text(
            "SELECT teryt FROM analysis_result WHERE run_id = :r AND label = 'HH'"),
            {"r": run_id}).scalars()) if run_id else set()
        partnerships = conn.execute(sa.text(
            "SELECT p.id, p.name, ST_Area(p.geom) / 1e6 AS area,"
            " array(SELECT gmina_teryt FROM partnership_gmina g WHERE g.partnership_id = p.id"
            "  ORDER BY 1) AS gminas,"
            " (SELECT count(*) FROM project j WHERE j.partnership_id = p.id AND NOT j.deleted)"
            "  AS projects,"
            " (SELECT coalesce(sum(cost_pln), 0)::float FROM project j"
            "  WHERE j.partnership_id = p.id AND NOT j.deleted) AS cost,"
            " array(SELECT name FROM functional_area a WHERE a.partnership_id = p.id"
            "  AND NOT a.deleted ORDER BY id) AS areas"
            f" FROM partnership p WHERE :v = ANY(p.voivodeships) AND {allowed} ORDER BY p.id"),
            {"v": voivodeship, **allowed_params}).mappings().all()
        catalogue = {r["code"]: dict(r) for r in conn.execute(sa.text(
            "SELECT code, name_pl, name_en, unit, direction FROM indicator"
            " WHERE code = ANY(:codes)"), {"codes": codes}).mappings()}
        for meta in catalogue.values():  # units as the catalogue writes them, in both languages
            meta["unit"] = KNOWN[meta["code"]].unit if meta["code"] in KNOWN else meta["unit"]
            meta["unit_en"] = unit_label(meta["unit"], "en")
        official = {}
        for ind, (year, part) in latest.items():
            for level, code in (("voivodeship", voivodeship), ("country", "PL")):
                hit = part[(part["level"] == level) & (part["teryt"] == code)]
                if len(hit):
                    official[(level, ind, year)] = float(hit["value"].iloc[0])
    areas = gminas.set_index("teryt")["area"]
    units = []
    for p in partnerships:
        members = list(p["gminas"])
        population = float(people.reindex(members).fillna(0).sum())
        units.append(_unit(p["name"], "partnership", p["id"], members, latest, people,
                           areas, p["area"], {
                               "high_risk_share": (len([g for g in members if g in hh])
                                                   / len(members)) if run_id and members
                               else None,
                               "projects": p["projects"], "projects_cost_pln": p["cost"],
                               "projects_cost_per_resident": p["cost"] / population
                               if population else None,
                               "functional_areas": list(p["areas"])}, people_year=people_year))
    in_voiv = gminas[gminas["voivodeship"] == voivodeship]
    units.append(_unit(name.lower(), "voivodeship", voivodeship, list(in_voiv["teryt"]), latest, people,
                       areas, float(in_voiv["area"].sum()),
                       {"high_risk_share": len(hh & set(in_voiv["teryt"])) / len(in_voiv)
                        if run_id else None},
                       {(i, y): v for (lv, i, y), v in official.items() if lv == "voivodeship"},
                       people_year))
    units.append(_unit("Polska", "country", "PL", list(gminas["teryt"]), latest, people,
                       areas, float(gminas["area"].sum()),
                       {"high_risk_share": len(hh) / len(gminas) if run_id else None},
                       {(i, y): v for (lv, i, y), v in official.items() if lv == "country"},
                       people_year))
    return {"voivodeship": voivodeship, "voivodeship_name": name.lower(),
            "population_year": people_year, "risk_run_id": run_id, "indicators": codes,
            "catalogue": {c: catalogue[c] for c in codes if c in catalogue},
            "units": units, "profile": profile(latest, units, catalogue, codes)}


def profile(latest, units: list[dict], catalogue: dict, codes: list[str]) -> list[dict]:
    """Each unit's value as a z-score against the gminas of the country.

    The mean and the (sample) standard deviation are those of the gmina values of the same
    indicator and year; a z-score of +1 is one standard deviation above the average gmina.
    Whether that is better or worse is the catalogue's direction of the indicator."""
    out = []
    for code, (year, part) in latest.items():
        values = part.loc[part["level"] == "gmina", "value"].astype(float)
        meta = catalogue.get(code, {})
        sd = float(values.std(ddof=1)) if len(values) > 1 else math.nan
        if not sd or math.isnan(sd):
            continue  # one gmina, or all equal: no spread to measure against
        mean = float(values.mean())
        direction = meta.get("direction", "neutral")
        rows = []
        for unit in units:
            item = unit["indicators"].get(code)
            if item is None:
                continue
            z = (item["value"] - mean) / sd
            rows.append({"kind": unit["kind"], "code": unit["code"], "name": unit["name"],
                         "value": item["value"], "z": z, "assessment": _assessment(z, direction)})
        out.append({"code": code, "year": year, "name_pl": meta.get("name_pl", code),
                    "name_en": meta.get("name_en", code), "unit": meta.get("unit", ""),
                    "unit_en": meta.get("unit_en", meta.get("unit", "")),
                    "direction": direction, "gminas": int(values.size),
                    "gmina_mean": mean, "gmina_sd": sd, "units": rows})
    order = {c: i for i, c in enumerate(codes)}
    return sorted(out, key=lambda p: order[p["code"]])


def _assessment(z: float, direction: str) -> str | None:
    """'better' or 'worse' than the average gmina, by the indicator's direction."""
    if direction not in ("higher-better", "higher-worse") or z == 0:
        return None
    return "better" if (z > 0) == (direction == "higher-better") else "worse"
