"""The national table of partnerships: who sees what, and numbers recomputed from the data."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from core.errors import BadRequest
from services.access.rules import Forbidden, Principal, Unauthenticated
from services.planning.national import national_file, national_table, visible_voivodeships

MINISTRY = Principal(1, "m@test.pl", "ministry")
OFFICE20 = Principal(2, "um20@test.pl", "marshal_office", voivodeship="20")
EXPERT = Principal(3, "e@test.pl", "expert", partnerships=frozenset({"P04"}))
ANONYMOUS = Principal(None, "", "anonymous")


@pytest.fixture(scope="module")
def examples(data_dir):
    with open(data_dir / "partnerships" / "examples.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    members, voivodeship = {}, {}
    for r in rows:
        members.setdefault(r["partnership_id"], set()).add(r["member_teryt"])
        voivodeship[r["partnership_id"]] = r["voivodeship_teryt"]
    return members, voivodeship


def test_the_ministry_sees_every_partnership_with_its_members_and_population(
        reference_engine, partnerships_loaded, indicator_reports, examples):
    members, voivodeship = examples
    result = national_table(reference_engine, actor=MINISTRY)
    rows = {p["id"]: p for p in result["partnerships"]}
    assert set(rows) == set(members)
    for pid, row in rows.items():
        assert row["members"] == len(members[pid])
        assert row["voivodeships"] == [voivodeship[pid]]
    # Population recomputed in SQL: persons of the partnership's gminas in the latest year
    # held, exact counts where present, else thousands (GUS table 21) times 1,000.
    with reference_engine.connect() as conn:
        expected = dict(conn.execute(sa.text(
            "WITH y AS (SELECT max(year) AS y FROM indicator_value WHERE level = 'gmina'"
            "  AND indicator_code IN ('population', 'population_thousands')),"
            " people AS (SELECT teryt, coalesce("
            "  max(value) FILTER (WHERE indicator_code = 'population'),"
            "  1000 * max(value) FILTER (WHERE indicator_code = 'population_thousands')) AS n"
            "  FROM indicator_value WHERE level = 'gmina' AND year = (SELECT y FROM y)"
            "  GROUP BY teryt)"
            " SELECT g.partnership_id, sum(p.n) FROM partnership_gmina g"
            " JOIN people p ON p.teryt = g.gmina_teryt GROUP BY 1")).all())
        assert result["population_year"] == conn.execute(sa.text(
            "SELECT max(year) FROM indicator_value WHERE level = 'gmina'"
            " AND indicator_code IN ('population', 'population_thousands')")).scalar_one()
    assert expected and {pid: round(r["population"]) for pid, r in rows.items()} == {
        pid: round(expected.get(pid, 0)) for pid in rows}
    assert rows["P01"]["voivodeship_names"] == ["podlaskie"]


def test_a_marshal_office_sees_its_voivodeship_only(reference_engine, partnerships_loaded,
                                                    examples):
    _, voivodeship = examples
    result = national_table(reference_engine, actor=OFFICE20)
    assert [p["id"] for p in result["partnerships"]] == sorted(
        pid for pid, v in voivodeship.items() if v == "20")
    with pytest.raises(Forbidden, match="podlaskie, not małopolskie"):
        national_table(reference_engine, voivodeship="12", actor=OFFICE20)
    everyone = [{"teryt": f"{n:02d}"} for n in range(2, 33, 2)]
    assert visible_voivodeships(OFFICE20, everyone) == [{"teryt": "20"}]
    assert visible_voivodeships(MINISTRY, everyone) == everyone


def test_filter_and_other_roles(reference_engine, partnerships_loaded, examples):
    _, voivodeship = examples
    only12 = national_table(reference_engine, voivodeship="12", actor=MINISTRY)
    assert [p["id"] for p in only12["partnerships"]] == sorted(
        pid for pid, v in voivodeship.items() if v == "12")
    assert only12["voivodeship_name"] == "małopolskie"
    assert [p["id"] for p in national_table(reference_engine, actor=EXPERT)["partnerships"]] \
        == ["P04"]
    with pytest.raises(Unauthenticated):
        national_table(reference_engine, actor=ANONYMOUS)
    with pytest.raises(BadRequest, match="2-digit"):
        national_table(reference_engine, voivodeship="99", actor=MINISTRY)


def test_files_for_polish_excel_and_xlsx(reference_engine, partnerships_loaded):
    result = national_table(reference_engine, voivodeship="20", actor=MINISTRY)
    content, name = national_file(result, "csv", "pl")
    assert name == "partnerstwa_podlaskie.csv"
    text = content.decode("utf-8")
    assert text.startswith("\ufeffKod;Partnerstwo;Województwo;Liczba członków;Ludność")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == [p["id"] for p in result["partnerships"]]
    content, name = national_file(result, "xlsx", "en")
    assert name == "partnerships_podlaskie.xlsx"
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == "Code" and sheet["D2"].value == result["partnerships"][0]["members"]
    with pytest.raises(BadRequest, match="format"):
        national_file(result, "json", "pl")
