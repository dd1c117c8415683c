"""The national view: every partnership the caller may read, in one table, by voivodeship.

The ministry and administrators read all partnerships; a marshal office reads those of its
voivodeship; an expert those it advises (``services.access.rules.readable_filter``). The
voivodeships offered for filtering are only those the caller may read, so that nobody is
offered a choice that ends in "403".
"""

from __future__ import annotations

import sqlalchemy as sa

from core.csv_cells import safe_cell
from core.errors import BadRequest
from core.table_files import excel_csv, table_formats, workbook
from layers.catalogue import VOIVODESHIP_CODES
from layers.indicator_catalogue import slug
from services.access.rules import (
    SYSTEM,
    Principal,
    readable_filter,
    readable_voivodeship,
    require_login,
)
from services.db import database_errors
from services.planning.area_stats import population_by_gmina

# Columns of the table: key, Polish header, English header (the page, CSV and XLSX read it).
COLUMNS = (
    ("id", "Kod", "Code"),
    ("name", "Partnerstwo", "Partnership"),
    ("voivodeship_names", "Województwo", "Voivodeship"),
    ("members", "Liczba członków", "Members"),
    ("population", "Ludność ({year})", "Population ({year})"),
    ("areas", "Obszary funkcjonalne", "Functional areas"),
    ("projects", "Liczba przedsięwzięć", "Projects"),
    ("projects_cost_pln", "Koszt przedsięwzięć [zł]", "Cost of projects [PLN]"),
)
FILE_PREFIX = ("partnerstwa", "partnerships")


def visible_voivodeships(actor: Principal, voivodeships: list[dict]) -> list[dict]:
    """The voivodeships (rows with ``teryt``) whose partnerships ``actor`` may list: a marshal
    office its own, everyone else all of them."""
    if actor.role == "marshal_office":
        return [v for v in voivodeships if v["teryt"] == actor.voivodeship]
    return list(voivodeships)


def national_table(engine: sa.Engine, *, voivodeship: str | None = None,
                   actor: Principal = SYSTEM) -> dict:
    """Each readable partnership (of one voivodeship, if given) with its voivodeships, members,
    population (latest year held), functional areas, projects and their cost."""
    require_login(actor)
    if voivodeship is not None:
        if voivodeship not in VOIVODESHIP_CODES:
            raise BadRequest("voivodeship must be a 2-digit TERYT code, got %(voivodeship)r",
                             field="voivodeship", voivodeship=voivodeship)
        readable_voivodeship(actor, voivodeship)
    allowed, params = readable_filter(actor, "p.id")
    with database_errors(), engine.connect() as conn:
        names = {r[0]: r[1].lower() for r in conn.execute(sa.text(
            "SELECT teryt, name FROM voivodeship ORDER BY teryt"))}
        people, people_year = population_by_gmina(conn, None)
        rows = conn.execute(sa.text(
            "SELECT p.id, p.name, p.status, p.voivodeships,"
            " (SELECT count(*) FROM partnership_member m WHERE m.partnership_id = p.id)"
            "  AS members,"
            " array(SELECT gmina_teryt FROM partnership_gmina g WHERE g.partnership_id = p.id)"
            "  AS gminas,"
            " (SELECT count(*) FROM functional_area a WHERE a.partnership_id = p.id"
            "  AND NOT a.deleted) AS areas,"
            " (SELECT count(*) FROM project j WHERE j.partnership_id = p.id AND NOT j.deleted)"
            "  AS projects,"
            " (SELECT coalesce(sum(cost_pln), 0)::float FROM project j"
            "  WHERE j.partnership_id = p.id AND NOT j.deleted) AS cost"
            f" FROM partnership p WHERE {allowed}"
            " AND (CAST(:v AS text) IS NULL OR :v = ANY(p.voivodeships)) ORDER BY p.id"),
            {"v": voivodeship, **params}).mappings().all()
    partnerships = []
    for r in rows:
        partnerships.append({
            "id": r["id"], "name": r["name"], "status": r["status"],
            "voivodeships": list(r["voivodeships"]),
            "voivodeship_names": [names.get(v, v) for v in r["voivodeships"]],
            "members": int(r["members"]), "gminas": len(r["gminas"]),
            "population": float(people.reindex(list(r["gminas"])).fillna(0).sum()),
            "areas": int(r["areas"]), "projects": int(r["projects"]),
            "projects_cost_pln": float(r["cost"])})
    return {"voivodeship": voivodeship,
            "voivodeship_name": names.get(voivodeship) if voivodeship else None,
            "population_year": people_year, "partnerships": partnerships}


def table(result: dict, lang: str = "pl") -> tuple[list[str], list[list]]:
    """The header and rows of the national table, cells as Python values (escaped text)."""
    i = 2 if lang == "en" else 1
    header = [c[i].format(year=result.get("population_year") or "") for c in COLUMNS]
    rows = []
    for p in result["partnerships"]:
        cells = {**p, "voivodeship_names": ", ".join(p["voivodeship_names"]),
                 "population": round(p["population"])}
        rows.append([safe_cell(cells[c[0]]) for c in COLUMNS])
    return header, rows


def national_csv(result: dict, lang: str = "pl") -> bytes:
    """As the comparison CSV: ``;``, decimal commas and a byte-order mark for Polish Excel."""
    return excel_csv(*table(result, lang)).encode("utf-8")


def national_xlsx(result: dict, lang: str = "pl") -> bytes:
    return workbook([("Partnerships" if lang == "en" else "Partnerstwa", *table(result, lang))])


NATIONAL_FORMATS = table_formats(national_csv, national_xlsx)


def national_file(result: dict, fmt: str, lang: str = "pl") -> tuple[bytes, str]:
    """The file's bytes and its name: partnerstwa_podlaskie.csv, partnerstwa_polska.xlsx."""
    if fmt not in NATIONAL_FORMATS or NATIONAL_FORMATS[fmt].write is None:
        raise BadRequest("format must be one of %(national_formats)s, got %(fmt)r",
                         field="format", national_formats=", ".join(NATIONAL_FORMATS), fmt=fmt)
    en = lang == "en"
    where = result.get("voivodeship_name") or ("poland" if en else "polska")
    name = f"{FILE_PREFIX[int(en)]}_{slug(where)}.{fmt}"
    return NATIONAL_FORMATS[fmt].write(result, lang), name
