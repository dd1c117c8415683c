"""The strategy document and the preliminary application, read back from DOCX and PDF: the
baselines equal the database, the own contributions add up exactly to the total minus the
co-financing, the schedule dates and the completeness list are there; documents of an empty
strategy still render and say what is missing."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from decimal import ROUND_DOWN, Decimal

import pytest
import sqlalchemy as sa
from docx import Document

from core.errors import BadRequest, NotFound
from services.diagnosis.compute import diagnose
from services.diagnosis.view import digits_of
from services.planning.areas import create_area
from services.planning.projects import create_project
from services.strategy.documents import application_document, strategy_document
from services.strategy.goals import create_goal
from services.strategy.kinds import STATUTORY_ELEMENTS
from services.strategy.model import strategy_model
from services.strategy.plans import update_plan
from services.strategy.texts import update_texts

PID = "P05"  # Ziemia Prudnicka: Biała, Głogówek, Lubrza, Prudnik
EMPTY = "P06"  # no strategy at all
NEXT_YEAR = dt.date.today().year + 1
LINES = [{"year": NEXT_YEAR, "category": "documentation", "total": "33333.33",
          "eligible": "33333.33"},
         {"year": NEXT_YEAR + 1, "category": "works", "total": "1000000.01",
          "eligible": "900000.00"},
         {"year": NEXT_YEAR + 1, "category": "promotion", "total": "7777.77",
          "eligible": "7777.77"}]
RATE = Decimal("0.85")
TASKS = [{"name": "Dokumentacja projektowa", "start": f"{NEXT_YEAR}-02-01",
          "end": f"{NEXT_YEAR}-09-30", "milestone": False},
         {"name": "Budowa ścieżki", "start": f"{NEXT_YEAR}-10-01",
          "end": f"{NEXT_YEAR + 1}-11-15", "milestone": False},
         {"name": "Odbiór końcowy", "start": f"{NEXT_YEAR + 1}-11-30",
          "end": f"{NEXT_YEAR + 1}-11-30", "milestone": True}]


@pytest.fixture(scope="module")
def strategy(reference_engine, partnerships_loaded, indicator_reports):
    """A strategy of P05 built through the strategy services: a project with its plan, a goal
    with a catalogue indicator (baseline from the data) and a typed one, an intervention
    area and one statutory text; the rest is left missing on purpose."""
    path = create_project(reference_engine, PID, {
        "title": "Ścieżka rowerowa Prudnik – Biała", "theme": "transport",
        "cost_pln": "1041111.11", "funding_source": "fe_regional",
        "geometry": {"type": "LineString", "coordinates": [[17.577, 50.322], [17.662, 50.386]]}})
    nursery = create_project(reference_engine, PID, {
        "title": "Żłobek w Głogówku", "theme": "usługi społeczne", "funding_source": "kpo",
        "geometry": {"type": "Point", "coordinates": [17.864, 50.353]}})
    area = create_area(reference_engine, PID, {"name": "Dolina Białej", "kind": "river_valley",
                                                "gminas": ["1610013", "1610043"]})
    update_texts(reference_engine, PID, {
        "version": 1, "diagnosis_conclusions": "Ubywa mieszkańców; rośnie odsetek seniorów.",
        "intervention_areas": [{"area_id": area["id"], "rationale": "Odpływ ludności"}]})
    goal = create_goal(reference_engine, PID, {
        "title": "Dostępne usługi i mobilność", "dimension": "social",
        "indicators": [
            {"indicator": "population", "baseline_year": 2022, "target_value": "52000",
             "target_year": NEXT_YEAR + 5},
            {"name": "Miejsca w żłobkach", "unit": "miejsca", "baseline_year": 2024,
             "baseline_value": "12.5", "baseline_source": "ankieta gmin 2024",
             "target_value": "60", "target_year": NEXT_YEAR + 3}],
        "directions": [{"title": "Sieć dróg rowerowych", "project_ids": [path["id"]]}]})
    update_plan(reference_engine, PID, path["id"], {
        "version": 1, "tasks": TASKS, "cofinancing_rate": str(RATE),
        "split_method": "population", "lines": LINES,
        "feasibility": [{"item": "land_ownership", "status": "obtained",
                         "date": f"{NEXT_YEAR - 1}-05-20", "note": "księgi wieczyste"},
                        {"item": "building_permit", "status": "in_preparation"}]})
    return {"path": path, "nursery": nursery, "area": area, "goal": goal}


def population_sum(engine, pid: str, year: int) -> Decimal:
    """The partnership's residents in ``year``, summed straight from the indicator store."""
    with engine.connect() as conn:
        value = conn.execute(sa.text(
            "SELECT sum(value) FROM indicator_value WHERE indicator_code = 'population'"
            " AND level = 'gmina' AND year = :y AND teryt IN (SELECT gmina_teryt"
            " FROM partnership_gmina WHERE partnership_id = :p)"), {"y": year, "p": pid}
        ).scalar_one()
    return Decimal(str(value))


def amount(text: str) -> Decimal:
    """A number as the Polish documents write it ('1 041 111,11') read back."""
    return Decimal(re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", "."))


def docx_tables(content: bytes) -> tuple[list[list[list[str]]], str]:
    doc = Document(io.BytesIO(content))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return tables, "\n".join(p.text for p in doc.paragraphs)


def table_with(tables, *head: str) -> list[list[str]]:
    found = [t for t in tables if t and all(h in t[0] for h in head)]
    assert found, f"no table headed {head}"
    return found[0]


def pdf_text(content: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                         check=True).stdout.decode("utf-8")
    return re.sub(r"[\s\u00a0\u202f]+", " ", out)


def expected_money() -> tuple[Decimal, Decimal, Decimal]:
    total = sum(Decimal(x["total"]) for x in LINES)
    eligible = sum(Decimal(x["eligible"]) for x in LINES)
    cofinancing = (eligible * RATE).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return total, cofinancing, total - cofinancing


def check_shares(tables, strategy_gminas: set[str]) -> list[Decimal]:
    total, cofinancing, own = expected_money()
    shares = table_with(tables, "Gmina", "TERYT", "Udział (%)", "Wkład własny (zł)")
    parts = [amount(r[3]) for r in shares[1:-1]]
    assert {r[1] for r in shares[1:-1]} == strategy_gminas
    assert sum(parts) == own == amount(shares[-1][3]) == total - cofinancing
    return parts


def test_strategy_docx_holds_baselines_money_schedule_and_completeness(reference_engine,
                                                                       strategy):
    generated = strategy_document(reference_engine, PID, "docx")
    assert generated.filename.startswith("strategia_P05_") and generated.filename[-5:] == ".docx"
    tables, paragraphs = docx_tables(generated.content)

    results = table_with(tables, "Wskaźnik", "Rok bazowy", "Wartość bazowa", "Źródło")
    population = next(r for r in results if r[2] == "2022")
    assert amount(population[3]) == population_sum(reference_engine, PID, 2022)
    typed = next(r for r in results if r[0] == "Miejsca w żłobkach")
    assert amount(typed[3]) == Decimal("12.5") and typed[6] == "ankieta gmin 2024"

    with reference_engine.connect() as conn:
        members = set(conn.execute(sa.text(
            "SELECT gmina_teryt FROM partnership_gmina WHERE partnership_id = :p"),
            {"p": PID}).scalars())
    check_shares(tables, members)
    total, cofinancing, own = expected_money()
    budget = table_with(tables, "Rok", "Kategoria", "Koszt całkowity (zł)")
    assert amount(budget[-1][2]) == total
    facts = [t for t in tables if any(r[0] == "Dofinansowanie (zł)" for r in t)][0]
    assert amount(next(r[1] for r in facts if r[0] == "Dofinansowanie (zł)")) == cofinancing
    assert amount(next(r[1] for r in facts if r[0] == "Wkład własny (zł)")) == own

    schedule = table_with(tables, "Zadanie", "Początek", "Koniec", "Kamień milowy")
    assert [r[:3] for r in schedule[1:]] == [[t["name"], t["start"], t["end"]] for t in TASKS]

    completeness = table_with(tables, "Element", "Podstawa prawna", "Ocena")
    model = strategy_model(reference_engine, PID)
    assert [(r[0], r[1], r[2]) for r in completeness[1:]] == [
        (c["label"], c["legal_basis"], "jest" if c["present"] else "brak")
        for c in model["completeness"]]
    assert [r[0] for r in completeness[1:]] == [e.pl for e in STATUTORY_ELEMENTS]
    missing = sum(not c["present"] for c in model["completeness"])
    assert f"brakuje {missing} z {len(STATUTORY_ELEMENTS)}" in paragraphs
    assert "[Brak — do uzupełnienia]" in paragraphs  # e.g. the implementation system
    assert "Ubywa mieszkańców; rośnie odsetek seniorów." in paragraphs
    doc = Document(io.BytesIO(generated.content))
    assert len(doc.inline_shapes) >= 3  # the spatial model, a Gantt chart, monitoring


def test_strategy_pdf_says_the_same(reference_engine, strategy):
    generated = strategy_document(reference_engine, PID, "pdf")
    assert generated.content.startswith(b"%PDF")
    text = pdf_text(generated.content)
    baseline = population_sum(reference_engine, PID, 2022)
    assert f"{int(baseline):,}".replace(",", " ") in text
    total, cofinancing, own = expected_money()
    for value in (total, cofinancing, own):
        assert f"{value:,.2f}".replace(",", " ").replace(".", ",") in text
    for task in TASKS:
        assert task["start"] in text and task["end"] in text
    # Table cells wrap in the PDF: the legal bases are counted by their unbroken start.
    completeness = text[text.index("14. Kompletność"):text.index("15. Źródła danych")]
    for start in ("art. 10e", "2021/1060"):
        assert completeness.count(start) == sum(start in e.legal_basis
                                                for e in STATUTORY_ELEMENTS) > 0
    # "jest" is the status; "nie jest" belongs to a reason ("tekst nie jest wypełniony").
    statuses = re.findall(r"(?<!nie )\b(jest|brak)\b", completeness)
    model = strategy_model(reference_engine, PID)
    assert statuses.count("jest") == sum(c["present"] for c in model["completeness"])
    assert "14. Kompletność" in text and "6. Model struktury funkcjonalno-przestrzennej" in text


def test_application_docx_for_one_project(reference_engine, strategy):
    project_id = strategy["path"]["id"]
    generated = application_document(reference_engine, PID, project_id, "docx")
    tables, paragraphs = docx_tables(generated.content)
    applicant = table_with(tables, "Jednostka", "TERYT", "Rodzaj")
    assert applicant[1] == ["prudnicki", "1610", "powiat"]
    partners = [t for t in tables if t and t[0] == ["Jednostka", "TERYT", "Rodzaj"]][1]
    assert sorted(r[1] for r in partners[1:]) == ["1610013", "1610023", "1610032", "1610043"]
    located = table_with(tables, "Gmina", "TERYT")
    assert {r[1] for r in located[1:]} >= {"1610013", "1610043"}

    diagnosis = diagnose(reference_engine, PID)
    by_code = {i["code"]: i for i in diagnosis["indicators"]}
    assert diagnosis["problems"]  # the area's population falls: the diagnosis says so
    problems = table_with(tables, "Wskaźnik", "Rok", "Partnerstwo", "Województwo")
    for row, code in zip(problems[1:], diagnosis["problems"], strict=True):
        item = by_code[code]
        assert row[0] == item["name"]["pl"]
        assert amount(row[2]) == Decimal(str(round(item["value"], digits_of(item))))

    results = table_with(tables, "Wskaźnik", "Rok bazowy", "Wartość bazowa")
    population = next(r for r in results if r[2] == "2022")
    assert amount(population[3]) == population_sum(reference_engine, PID, 2022)
    with reference_engine.connect() as conn:
        members = set(conn.execute(sa.text(
            "SELECT gmina_teryt FROM partnership_gmina WHERE partnership_id = :p"),
            {"p": PID}).scalars())
    check_shares(tables, members)
    schedule = table_with(tables, "Zadanie", "Początek", "Koniec")
    assert [r[1] for r in schedule[1:]] == [t["start"] for t in TASKS]
    feasibility = table_with(tables, "Element", "Ocena", "Data")
    land = next(r for r in feasibility if r[0].startswith("prawo do dysponowania"))
    assert land[1:3] == ["uzyskano", f"{NEXT_YEAR - 1}-05-20"]
    reach = table_with(tables, "Odległość", "Ludność")
    assert [r[0] for r in reach[1:]] == ["5 km", "10 km", "20 km"]
    assert "Sieć dróg rowerowych" in {c for t in tables for r in t for c in r}
    assert "11. Braki wniosku" in paragraphs or any("Braki" in p for p in paragraphs.split("\n"))


def test_application_pdf_and_its_missing_parts(reference_engine, strategy):
    generated = application_document(reference_engine, PID, strategy["nursery"]["id"], "pdf")
    text = pdf_text(generated.content)
    assert "Żłobek w Głogówku" in text and "1610023" in text
    # A project with no goal, no schedule and no budget: the application says so.
    assert "Przedsięwzięcie nie jest powiązane z celem strategii." in text
    assert "Brak harmonogramu" in text
    assert "Strategia jest niekompletna" in text or "brakujących elementów" in text


def test_an_empty_strategy_still_renders_and_lists_what_is_missing(reference_engine,
                                                                    partnerships_loaded,
                                                                    indicator_reports):
    generated = strategy_document(reference_engine, EMPTY, "docx")
    tables, paragraphs = docx_tables(generated.content)
    completeness = table_with(tables, "Element", "Podstawa prawna", "Ocena")
    statuses = {r[0]: r[2] for r in completeness[1:]}
    for dim in ("społecznym", "gospodarczym", "przestrzennym"):
        assert statuses[f"cele strategiczne w wymiarze {dim}"] == "brak"
    assert "Nie określono celów strategicznych." in paragraphs
    assert strategy_document(reference_engine, EMPTY, "pdf").content.startswith(b"%PDF")


def test_bad_parameters_and_foreign_projects(reference_engine, strategy):
    with pytest.raises(BadRequest, match="format must be one of docx, pdf"):
        strategy_document(reference_engine, PID, "odt")
    with pytest.raises(BadRequest, match="lang"):
        strategy_document(reference_engine, PID, "docx", lang="de")
    with pytest.raises(NotFound):
        application_document(reference_engine, "P06", strategy["path"]["id"], "docx")
    with pytest.raises(NotFound):
        strategy_document(reference_engine, "P99", "docx")


def test_english_documents(reference_engine, strategy):
    generated = strategy_document(reference_engine, PID, "docx", lang="en")
    tables, paragraphs = docx_tables(generated.content)
    assert "14. Completeness" in paragraphs
    results = table_with(tables, "Indicator", "Baseline year", "Baseline")
    population = next(r for r in results if r[2] == "2022")
    assert amount(population[3].replace(",", "")) == population_sum(reference_engine, PID, 2022)
