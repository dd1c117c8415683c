"""The comparison's profile: z-scores against the gminas of Poland, and its files.

The expected numbers are recomputed here from the rows the database holds (the real GUS
files and the flows of the mirror), with SQL of the test's own: PostgreSQL's avg and
stddev_samp over the gminas, the members' values weighted by population (by area for
densities), GUS's own value for the voivodeship and Poland where it is published.
"""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from layers.catalogue import AREA_WEIGHTED_INDICATORS, DEMO_RISK_INDEX
from layers.indicator_catalogue import KNOWN
from services.analysis.comparison import (
    COMPARISON_FORMATS,
    compare,
    comparison_csv,
    comparison_file,
)
from services.indicators import derived

VOIVODESHIP = "20"  # podlaskie


@pytest.fixture(scope="module")
def podlaskie(reference_engine, indicator_reports, partnerships_loaded, data_dir):
    """What `make demo` derives, then the comparison of podlaskie."""
    derived.unemployed_per_1000(reference_engine)
    derived.population_change(reference_engine, 2021, 2024)
    derived.net_migration(reference_engine, data_dir / "flows" / "migration_gmina_2023.csv", 2023)
    derived.composite(reference_engine, DEMO_RISK_INDEX["code"], DEMO_RISK_INDEX["name"],
                      DEMO_RISK_INDEX["year"], DEMO_RISK_INDEX["components"],
                      groups="gmina-type", name_en=DEMO_RISK_INDEX["name_en"])
    return compare(reference_engine, VOIVODESHIP)


PEOPLE = """
WITH py AS (SELECT max(year) AS y FROM indicator_value WHERE level = 'gmina'
            AND indicator_code IN ('population', 'population_thousands')),
people AS (
  SELECT DISTINCT ON (teryt) teryt,
         CASE WHEN indicator_code = 'population' THEN value ELSE value * 1000 END AS n
  FROM indicator_value, py WHERE level = 'gmina' AND year = py.y
   AND indicator_code IN ('population', 'population_thousands')
  ORDER BY teryt, indicator_code = 'population' DESC)
"""


def expected_value(conn, code: str, year: int, gminas: list[str]) -> float:
    weight = "ST_Area(g.geom) / 1e6" if code in AREA_WEIGHTED_INDICATORS else "p.n"
    return conn.execute(sa.text(
        PEOPLE + f"SELECT sum(v.value * {weight}) / sum({weight}) FROM indicator_value v"
        " JOIN gmina g ON g.teryt = v.teryt LEFT JOIN people p ON p.teryt = v.teryt"
        " WHERE v.level = 'gmina' AND v.indicator_code = :c AND v.year = :y"
        " AND v.teryt = ANY(:g)"), {"c": code, "y": year, "g": gminas}).scalar_one()


def test_podlaskie_profile_is_recomputed_from_the_database(reference_engine, podlaskie):
    profile = {item["code"]: item for item in podlaskie["profile"]}
    assert set(profile) == {"unemployed_per_1000", "population_change_pct_3y",
                            "net_migration_per_1000", "density", "marginalisation_risk"}
    with reference_engine.connect() as conn:
        members = dict(conn.execute(sa.text(
            "SELECT partnership_id, array_agg(gmina_teryt) FROM partnership_gmina"
            " GROUP BY 1")).all())
        in_voivodeship = list(conn.execute(sa.text(
            "SELECT teryt FROM gmina WHERE voivodeship_teryt = :v"),
            {"v": VOIVODESHIP}).scalars())
        everyone = list(conn.execute(sa.text("SELECT teryt FROM gmina")).scalars())
        for code, item in profile.items():
            year, mean, sd, gminas = conn.execute(sa.text(
                "SELECT year, avg(value), stddev_samp(value), count(*) FROM indicator_value"
                " WHERE level = 'gmina' AND indicator_code = :c AND year = (SELECT max(year)"
                "  FROM indicator_value WHERE level = 'gmina' AND indicator_code = :c)"
                " GROUP BY year"), {"c": code}).one()
            direction = conn.execute(sa.text(
                "SELECT direction FROM indicator WHERE code = :c"), {"c": code}).scalar_one()
            if code in KNOWN:
                assert direction == KNOWN[code].direction
            assert (item["year"], item["gminas"], item["direction"]) == (year, gminas, direction)
            assert item["gmina_mean"] == pytest.approx(mean, rel=1e-9)
            assert item["gmina_sd"] == pytest.approx(sd, rel=1e-9)
            assert [(u["kind"], u["code"]) for u in item["units"]] == [
                ("partnership", "P01"), ("partnership", "P02"), ("partnership", "P03"),
                ("voivodeship", VOIVODESHIP), ("country", "PL")]
            for unit in item["units"]:
                level = {"voivodeship": "voivodeship", "country": "country"}.get(unit["kind"])
                official = conn.execute(sa.text(
                    "SELECT value FROM indicator_value WHERE level = :l AND teryt = :t"
                    " AND indicator_code = :c AND year = :y"),
                    {"l": level, "t": unit["code"], "c": code, "y": year}).scalar() \
                    if level else None
                gminas_of = {"partnership": members.get(unit["code"]),
                             "voivodeship": in_voivodeship, "country": everyone}[unit["kind"]]
                value = official if official is not None else \
                    expected_value(conn, code, year, gminas_of)
                if code in AREA_WEIGHTED_INDICATORS:  # the row's population over its area
                    row = next(u for u in podlaskie["units"] if u["code"] == unit["code"])
                    value = row["population"] / row["area_km2"]
                assert unit["value"] == pytest.approx(value, rel=1e-9), (code, unit["code"])
                z = (value - mean) / sd
                assert unit["z"] == pytest.approx(z, rel=1e-9, abs=1e-12), (code, unit["code"])
                better = z > 0 if direction == "higher-better" else z < 0
                assert unit["assessment"] == ("better" if better else "worse"), (code, unit)
    # The numbers the issue found absurd are now a few standard deviations at most.
    for item in profile.values():
        assert all(abs(u["z"]) < 10 for u in item["units"]), item["code"]
    risk = {u["code"]: u for u in profile["marginalisation_risk"]["units"]}
    assert (risk["P02"]["z"] > risk["PL"]["z"]) == (risk["P02"]["value"] > risk["PL"]["value"])
    assert risk["P02"]["assessment"] == ("worse" if risk["P02"]["z"] > 0 else "better")


def test_csv_is_for_polish_excel(podlaskie):
    text = comparison_csv(podlaskie)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:6] == ["Rodzaj jednostki", "Kod", "Nazwa", "Liczba gmin",
                          "Powierzchnia [km²]", f"Ludność ({podlaskie['population_year']})"]
    assert "Bezrobotni zarejestrowani na 1000 mieszkańców [‰] (2024)" in header
    assert [r[2] for r in body[-2:]] == ["podlaskie", "Polska"]
    assert [r[0] for r in body] == ["partnerstwo"] * 3 + ["województwo", "kraj"]
    column = header.index("Bezrobotni zarejestrowani na 1000 mieszkańców [‰] (2024)")
    for row, unit in zip(body, podlaskie["units"], strict=True):
        cell = row[column]
        assert "." not in cell and "," in cell  # a decimal comma, no point
        assert float(cell.replace(",", ".")) == pytest.approx(
            unit["indicators"]["unemployed_per_1000"]["value"], abs=5e-5)
    english = list(csv.reader(io.StringIO(comparison_csv(podlaskie, "en")[1:]), delimiter=";"))
    assert english[0][:3] == ["Kind of unit", "Code", "Name"]
    assert "Registered unemployed per 1,000 residents [‰] (2024)" in english[0]
    assert english[1][0] == "partnership"


def test_xlsx_holds_numbers_and_the_profile(podlaskie):
    content, name = comparison_file(podlaskie, "xlsx")
    assert name == "porownanie_podlaskie_2024.xlsx"
    assert comparison_file(podlaskie, "csv", "en")[1] == "comparison_podlaskie_2024.csv"
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Porównanie", "Profil"]
    sheet = book["Porównanie"]
    assert sheet["C5"].value == "podlaskie" and isinstance(sheet["F5"].value, int)
    profile = list(book["Profil"].iter_rows(values_only=True))
    assert profile[0][:2] == ("Wskaźnik", "Rok")
    expected = [(u["name"], round(u["z"], 4)) for item in podlaskie["profile"]
                for u in item["units"]]
    assert [(r[3], r[5]) for r in profile[1:]] == expected
    assert set(COMPARISON_FORMATS) == {"json", "csv", "xlsx"}


def test_files_cannot_carry_formulas(podlaskie):
    hostile = {**podlaskie, "units": [dict(u) for u in podlaskie["units"]]}
    hostile["units"][0]["name"] = "=HYPERLINK(\"http://evil\")"
    hostile["units"][0]["functional_areas"] = ["@SUM(A1)"]
    rows = list(csv.reader(io.StringIO(comparison_csv(hostile)[1:]), delimiter=";"))
    assert rows[1][2] == "'=HYPERLINK(\"http://evil\")" and rows[1][-1] == "'@SUM(A1)"
    sheet = load_workbook(io.BytesIO(comparison_file(hostile, "xlsx")[0]))["Porównanie"]
    assert sheet["C2"].value == "'=HYPERLINK(\"http://evil\")" and sheet["C2"].data_type == "s"


def test_every_row_s_density_is_its_population_over_its_area(reference_engine, podlaskie):
    """Poland's density is not GUS's published 119.4 beside a population and an area that
    give 120.0: each row's density is computed from the row's own sums, the partnerships'
    and Poland's alike (recomputed here with SQL of the test's own)."""
    with reference_engine.connect() as conn:
        people, area = conn.execute(sa.text(
            PEOPLE + "SELECT (SELECT sum(n) FROM people),"
            " (SELECT sum(ST_Area(geom)) / 1e6 FROM gmina)")).one()
        published = conn.execute(sa.text(
            "SELECT value FROM indicator_value WHERE level = 'country' AND"
            " indicator_code = 'density' ORDER BY year DESC LIMIT 1")).scalar()
    poland = podlaskie["units"][-1]
    assert poland["code"] == "PL"
    assert poland["population"] == pytest.approx(people) and poland["area_km2"] == \
        pytest.approx(area)
    assert poland["indicators"]["density"]["value"] == pytest.approx(people / area, rel=1e-9)
    assert published is None or round(published, 1) != round(people / area, 1)
    for unit in podlaskie["units"]:
        item = unit["indicators"]["density"]
        assert item["value"] == pytest.approx(unit["population"] / unit["area_km2"], rel=1e-9)
        assert item["year"] == podlaskie["population_year"]


def test_the_high_high_share_says_it_counts_gminas_of_lisa_clusters(podlaskie):
    """The comparison's share counts gminas (the diagnosis gives residents): the header says
    which, names LISA and never the Gi* "hot spot"."""
    header = list(csv.reader(io.StringIO(comparison_csv(podlaskie)[1:]), delimiter=";"))[0]
    share = [h for h in header if "wysokie" in h]
    assert share == ["Udział gmin w skupieniach wysokie–wysokie (LISA) wskaźnika zagrożenia"
                     " marginalizacją [%]"]
    english = list(csv.reader(io.StringIO(comparison_csv(podlaskie, "en")[1:]),
                              delimiter=";"))[0]
    assert any(h.startswith("Share of gminas in high-high clusters (LISA)") for h in english)
    assert not any("gorący" in h or "hot spot" in h for h in header + english)
