"""The partnership diagnosis: numbers in the generated PDF and DOCX equal the database's.

Expected numbers are computed here from the rows the database holds (imported from the real
GUS files), written the Polish way with Babel, and looked for in the files themselves.
"""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from babel.numbers import format_decimal
from docx import Document
from hypothesis import given
from hypothesis import strategies as st

from layers.catalogue import DEMO_RISK_INDEX
from layers.indicator_catalogue import bdl_indicator
from layers.indicator_readers import read_bdl_csv
from services.analysis.runs import run_analysis
from services.diagnosis import rules
from services.diagnosis.compute import diagnose
from services.diagnosis.documents import generate, history
from services.indicators import derived

AGE_FILE = "indicators/bdl_exports/LUDN_ekonomiczne_grupy_wieku_2010_2019.csv"
P01 = "P01"


def prepare(engine) -> None:
    """What `make demo` derives and analyses, in the shared reference database."""
    derived.unemployed_per_1000(engine)
    derived.population_change(engine, 2021, 2024)
    derived.dependency_ratio(engine)
    derived.post_working_share(engine)
    derived.composite(engine, DEMO_RISK_INDEX["code"], DEMO_RISK_INDEX["name"],
                      DEMO_RISK_INDEX["year"], DEMO_RISK_INDEX["components"],
                      groups="gmina-type", name_en=DEMO_RISK_INDEX["name_en"])
    run_analysis(engine, "lisa", "marginalisation_risk", 2024, seed=2024, permutations=999,
                 reuse=True)
    run_analysis(engine, "gi", "marginalisation_risk", 2024, seed=2024, reuse=True)


@pytest.fixture(scope="module")
def ready(reference_engine, indicator_reports, partnerships_loaded):
    prepare(reference_engine)
    return reference_engine


def pl(value, digits: int) -> str:
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""),
                          locale="pl_PL")


def flat(text: str) -> str:
    """Runs of blanks as one space; pdftotext writes Babel's no-break space as a space."""
    return re.sub(r"[ \t\u00a0\u202f]+", " ", text)


def members(engine, pid: str) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(
            "SELECT gmina_teryt FROM partnership_gmina WHERE partnership_id = :p"),
            {"p": pid}).scalars())


def gmina_values(engine, code: str, year: int, teryt: list[str] | None = None) -> pd.Series:
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT teryt, value FROM indicator_value WHERE indicator_code = :c AND year = :y"
            " AND level = 'gmina'"), {"c": code, "y": year}).all()
    series = pd.Series(dict(rows), dtype=float)
    return series.reindex(teryt) if teryt is not None else series


def expected_numbers(engine, pid: str) -> dict:
    """Population 2024, unemployed per 1,000 in 2024 and the dependency ratio of 2019 of the
    partnership, from the stored counts (sums over its gminas)."""
    gm = members(engine, pid)
    people = gmina_values(engine, "population_thousands", 2024, gm) * 1000
    unemployed = gmina_values(engine, "unemployed", 2024, gm)
    pre, work, post = (gmina_values(engine, c, 2019, gm) for c in (
        "population_pre_working", "population_working", "population_post_working"))
    return {"population": people.sum(),
            "unemployed_per_1000": unemployed.sum() / people.sum() * 1000,
            "dependency_ratio": (pre.sum() + post.sum()) / work.sum() * 100}


# --- item 4: the economic age groups ------------------------------------------------------

def test_the_age_group_export_reads_with_its_quoted_headers(data_dir):
    result = read_bdl_csv(data_dir / AGE_FILE)
    assert sorted(result.indicators) == [
        "population_post_working", "population_pre_working", "population_working",
        "population_working_mobile", "population_working_non_mobile"]
    assert result.skipped["district of Warsaw"] == 18
    assert result.skipped["town part of an urban-rural gmina"] == 638
    rows = result.rows
    assert set(rows["year"]) == set(range(2010, 2020))
    assert rows.groupby(["source_code", "indicator", "year"]).size().max() == 1


def test_long_bdl_variable_names_keep_distinct_codes():
    a = bdl_indicator("LUDN_ekonomiczne_grupy_wieku_2010_2019", "w wieku nieznanym;ogółem x", "")
    b = bdl_indicator("LUDN_ekonomiczne_grupy_wieku_2010_2019", "w wieku nieznanym;ogółem y", "")
    assert a.code != b.code and len(a.code) <= 63 and len(b.code) <= 63
    assert re.fullmatch(r"[a-z][a-z0-9_]{1,62}", a.code)


def test_age_groups_and_dependency_ratio_match_the_readme_checks(ready):
    total = sum(gmina_values(ready, c, 2019).sum() for c in (
        "population_pre_working", "population_working", "population_post_working"))
    assert total == 38_382_576
    assert len(gmina_values(ready, "population_working", 2019)) == 2477
    ratio = gmina_values(ready, "dependency_ratio", 2019)
    assert round(ratio["1465011"], 1) == 74.6  # Warszawa
    assert round(ratio["1261011"], 1) == 69.2  # Kraków
    share = gmina_values(ready, "post_working_share_pct", 2019)["1465011"]
    post = gmina_values(ready, "population_post_working", 2019)["1465011"]
    whole = sum(gmina_values(ready, c, 2019)["1465011"] for c in (
        "population_pre_working", "population_working", "population_post_working"))
    assert share == pytest.approx(post / whole * 100)


# --- numbers in the files -----------------------------------------------------------------

@pytest.fixture(scope="module")
def p01_files(ready, tmp_path_factory):
    folder = tmp_path_factory.mktemp("diagnosis")
    out = {}
    for fmt in ("pdf", "docx", "html"):
        generated = generate(ready, P01, fmt)
        path = folder / generated.filename
        path.write_bytes(generated.content)
        out[fmt] = (path, generated)
    return out


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_pdf_holds_population_unemployment_and_dependency_ratio_of_the_database(
        ready, p01_files):
    want = expected_numbers(ready, P01)
    assert pl(want["population"], 0) == "52\u00a0840"  # the example of the issue
    text = flat(pdf_text(p01_files["pdf"][0]))
    assert re.search(r"Ludność \(2024\) " + flat(pl(want["population"], 0)) + "\n", text)
    # -layout keeps a table row on one line; long names wrap below the numbers.
    assert re.search(r"Bezrobotni zarejestrowani (na )?2024 "
                     + re.escape(pl(want["unemployed_per_1000"], 1)) + " ", text)
    assert re.search(r"Wskaźnik obciążenia (demograficznego )?2019 "
                     + re.escape(pl(want["dependency_ratio"], 1)) + " ", text)
    assert pl(want["unemployed_per_1000"], 1) == "29,2"  # the example of the issue


def docx_tables(source) -> list[list[list[str]]]:
    doc = Document(source if isinstance(source, io.BytesIO) else str(source))
    return [[[c.text for c in row.cells] for row in table.rows] for table in doc.tables]


def row_of(tables, first_cell: str) -> list[str]:
    for table in tables:
        for row in table:
            if row[0].startswith(first_cell):
                return row
    raise AssertionError(f"no row starting with {first_cell!r}")


def test_docx_holds_the_same_numbers(ready, p01_files):
    want = expected_numbers(ready, P01)
    tables = docx_tables(p01_files["docx"][0])
    assert row_of(tables, "Ludność (2024)")[1] == pl(want["population"], 0)
    unemployment = row_of(tables, "Bezrobotni zarejestrowani na 1000")
    assert unemployment[1:3] == ["2024", pl(want["unemployed_per_1000"], 1)]
    ratio = row_of(tables, "Wskaźnik obciążenia demograficznego")
    assert ratio[1:3] == ["2019", pl(want["dependency_ratio"], 1)]


def test_images_are_present_and_not_empty(p01_files):
    listing = subprocess.run(["pdfimages", "-list", str(p01_files["pdf"][0])], check=True,
                             capture_output=True, text=True).stdout.splitlines()[2:]
    sizes = [(int(line.split()[3]), int(line.split()[4])) for line in listing
             if line.split()[2] == "image"]  # not the transparency masks
    assert len(sizes) == 3 and all(w > 300 and h > 300 for w, h in sizes)
    doc = Document(str(p01_files["docx"][0]))
    blobs = [shape._inline.graphic.graphicData.pic.blipFill.blip.embed
             for shape in doc.inline_shapes]
    assert len(blobs) == 3
    for rid in blobs:
        blob = doc.part.related_parts[rid].blob
        assert blob.startswith(b"\x89PNG") and len(blob) > 10_000
    html = p01_files["html"][0].read_text(encoding="utf-8")
    assert len(re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{10000,}"', html)) == 3


def _number(text: str) -> float | None:
    text = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    return None if text in ("–", "") else float(text)


def _sections(path: Path) -> list[tuple[str, list[list[str]]]]:
    """Each table of the DOCX with the last heading above it."""
    doc = Document(str(path))
    heading, out, tables = "", [], iter(doc.tables)
    for element in doc.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p" and element.style and element.style.startswith("Heading"):
            heading = "".join(t.text or "" for t in element.iter() if t.tag.endswith("}t"))
        elif tag == "tbl":
            table = next(tables)
            out.append((heading, [[c.text for c in row.cells] for row in table.rows]))
    return out


def test_problems_follow_the_printed_rule(ready, p01_files):
    """Recompute 'problem' and 'potential' from the printed table and the catalogue's
    directions; the document's lists must be exactly these, ordered by distance."""
    with ready.connect() as conn:
        direction = dict(conn.execute(sa.text("SELECT name_pl, direction FROM indicator")).all())
    sections = _sections(p01_files["docx"][0])
    indicators = next(t for h, t in sections if h.startswith("2. Wskaźniki"))
    expected = {"problem": set(), "potential": set()}
    for row in indicators[1:]:
        name = re.sub(r" \[[^\]]*\]$", "", row[0])
        value, voiv, median = (_number(c) for c in (row[2], row[3], row[5]))
        orientation = direction[name]
        if orientation == "neutral" or None in (value, voiv, median):
            continue
        sign = 1 if orientation == "higher-better" else -1
        if sign * (value - voiv) < 0 and sign * (value - median) < 0 and "(poprawa)" not in row[7]:
            expected["problem"].add(name)
        if sign * (value - voiv) > 0 and sign * (value - median) > 0 \
                and "(pogorszenie)" not in row[7]:
            expected["potential"].add(name)
    printed = {"problem": [r for h, t in sections if h == "Problemy" for r in t[1:]],
               "potential": [r for h, t in sections if h == "Potencjały" for r in t[1:]]}
    for kind in ("problem", "potential"):
        assert {r[0] for r in printed[kind]} == expected[kind]
        distances = [_number(r[4]) for r in printed[kind]]
        assert distances == sorted(distances, reverse=True)
    assert expected["problem"]  # P01 has problems: the check is not vacuous


def test_group_median_and_percentile_recomputed_from_the_database(ready):
    """The comparison group by its printed rule: same type and size class as any member."""
    model = diagnose(ready, P01)
    gm = members(ready, P01)
    with ready.connect() as conn:
        types = dict(conn.execute(sa.text("SELECT teryt, gmina_type FROM gmina")).all())
    people = gmina_values(ready, "population_thousands", 2024) * 1000
    cell = {t: (types[t], rules.size_class(p)) for t, p in people.items()}
    wanted = {cell[t] for t in gm}
    group = [t for t, c in cell.items() if c in wanted and t not in gm]
    assert model["group"]["size"] == len(group)
    rate = gmina_values(ready, "unemployed_per_1000", 2024).reindex(group)
    item = next(i for i in model["indicators"] if i["code"] == "unemployed_per_1000")
    assert item["group_median"] == pytest.approx(rate.median())
    assert item["percentile"] == pytest.approx((rate <= item["value"]).mean() * 100)
    assert item["distance_sd"] == pytest.approx(abs(item["value"] - rate.median()) / rate.std())


def test_spatial_structure_reads_the_stored_national_runs(ready):
    model = diagnose(ready, P01)
    gm = members(ready, P01)
    with ready.connect() as conn:
        run_id, labels = conn.execute(sa.text(
            "SELECT r.id, array_agg(a.teryt || ':' || a.label) FROM analysis_run r"
            " JOIN analysis_result a ON a.run_id = r.id WHERE r.kind = 'lisa'"
            " AND r.scope = 'country' AND r.indicator_code = 'marginalisation_risk'"
            " AND a.teryt = ANY(:t) GROUP BY r.id ORDER BY r.id DESC LIMIT 1"),
            {"t": gm}).one()
    labels = dict(item.split(":") for item in labels)
    risk = next(r for r in model["spatial"]["lisa"] if r["indicator"] == "marginalisation_risk")
    assert risk["run_id"] == run_id and risk["labels"] == labels
    people = gmina_values(ready, "population_thousands", 2024, gm) * 1000
    hh = [t for t, label in labels.items() if label == "HH"]
    assert model["spatial"]["hh_share"] == pytest.approx(people[hh].sum() / people.sum())
    assert any(r["indicator"] == "marginalisation_risk" for r in model["spatial"]["gi"])


# --- reproducibility ----------------------------------------------------------------------

def test_same_data_and_parameters_give_the_same_numbers_and_a_record(ready, p01_files):
    again = generate(ready, P01, "docx")
    first = p01_files["docx"][1]
    assert again.model["numbers_hash"] == first.model["numbers_hash"]
    assert docx_tables(p01_files["docx"][0]) == docx_tables(io.BytesIO(again.content))
    with ready.connect() as conn:
        row = conn.execute(sa.text(
            "SELECT partnership_id, format, lang, parameters, numbers_hash, file_hash, bytes"
            " FROM diagnosis WHERE id = :id"), {"id": again.record_id}).mappings().one()
    assert row["file_hash"] == hashlib.sha256(again.content).hexdigest()
    assert (row["partnership_id"], row["format"], row["lang"], row["bytes"]) == (
        P01, "docx", "pl", len(again.content))
    assert row["parameters"] == {"year": None, "lang": "pl", "format": "docx"}
    assert history(ready, P01)[0]["id"] == again.record_id
    assert history(ready, P01)[0]["newer_data"] is False
    derived.post_working_share(ready)  # a new load of the same values: newer data
    assert history(ready, P01)[0]["newer_data"] is True


# --- edge cases ---------------------------------------------------------------------------

HOSTILE = 'Gmina "Test" <script>alert(1)</script> & \'Co\''


@pytest.fixture(scope="module")
def edge_partnerships(ready, tmp_path_factory):
    """One gmina with a hostile name; the thirteen cities of 200,000 and more (no peers)."""
    from services.planning.partnerships import import_partnerships

    people = gmina_values(ready, "population_thousands", 2024) * 1000
    with ready.connect() as conn:
        urban = set(conn.execute(sa.text(
            "SELECT teryt FROM gmina WHERE gmina_type = '1'")).scalars())
    big = sorted(t for t in urban if people.get(t, 0) >= 200_000)
    head = "partnership_id,partnership_name,member_teryt,member_kind,role"
    folder = tmp_path_factory.mktemp("edge")
    # Warszawa is in both: two programmes, as a JST is in one partnership of a programme.
    for pid, lines in (
            ("DX1", [f'DX1,"{HOSTILE.replace(chr(34), chr(34) * 2)}",1465011,gmina,leader']),
            ("DX2", [f"DX2,Duże miasta,{t},gmina,{'leader' if i == 0 else 'member'}"
                     for i, t in enumerate(big)])):
        path = folder / f"{pid}.csv"
        path.write_text("\n".join([head, *lines]) + "\n", encoding="utf-8")
        import_partnerships(ready, path, programme=f"DIAGNOSIS-TEST-{pid}")
    yield big
    # Other tests count the example partnerships of the shared database.
    with ready.begin() as conn:
        conn.execute(sa.text("DELETE FROM partnership WHERE id IN ('DX1', 'DX2')"))


def test_one_gmina_hostile_name_and_a_year_without_values(ready, edge_partnerships):
    model = diagnose(ready, "DX1", year=2015)
    assert model["partnership"]["name"] == HOSTILE
    assert len(model["members"]) == 1
    keys = {(n["key"], n["name"]["pl"] if isinstance(n.get("name"), dict) else "")
            for n in model["notes"]}
    # Unemployment per 1,000 is held for 2021-2024 only: 2021 stands in, and says so.
    assert ("year_fallback", "Bezrobotni zarejestrowani na 1000 mieszkańców") in keys
    rate = next(i for i in model["indicators"] if i["code"] == "unemployed_per_1000")
    assert rate["year"] == 2024 and rate["trend"]["n"] == 4
    assert next(i for i in model["indicators"]
                if i["code"] == "dependency_ratio")["year"] == 2015
    html = generate(ready, "DX1", "html", year=2015).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "brak wartości za 2015; użyto roku" in html
    pdf = generate(ready, "DX1", "pdf", year=2015)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, check=True,
                          capture_output=True).stdout.decode()
    assert "<script>alert(1)</script>" in text  # shown as text, never run
    docx = Document(io.BytesIO(generate(ready, "DX1", "docx", year=2015).content))
    assert any(HOSTILE in p.text for p in docx.paragraphs)


def test_unemployment_with_fewer_than_five_years_is_said(ready):
    model = diagnose(ready, P01)
    rate = next(i for i in model["indicators"] if i["code"] == "unemployed_per_1000")
    assert rate["trend"]["years"] == [2021, 2022, 2023, 2024]
    assert any(n["key"] == "short" and n["name"]["en"].startswith("Registered unemployed per")
               for n in model["notes"])


def test_members_without_peers_leave_the_group_empty_and_nothing_judged(ready,
                                                                         edge_partnerships):
    model = diagnose(ready, "DX2")
    assert {m["teryt"] for m in model["members"]} == set(edge_partnerships)
    assert all(m["peers"] == 0 for m in model["members"])
    assert model["group"]["size"] == 0
    assert model["problems"] == model["potentials"] == []
    assert sum(n["key"] == "no_peers" for n in model["notes"]) == len(edge_partnerships)
    text = generate(ready, "DX2", "html", lang="en").content.decode()
    assert "no similar gminas" in text and "The comparison group has 0 gminas." in text


def test_functional_areas_and_projects_are_summed_up(ready, edge_partnerships):
    from services.planning.areas import create_area
    from services.planning.projects import create_project

    area = create_area(ready, "DX2", {"name": "Warszawa i Kraków", "kind": "other",
                                      "gminas": ["1465011", "1261011"]})
    for title, theme, cost, point in (("Kolej", "transport", 1_000_000, [21.01, 52.23]),
                                      ("Tramwaj", "transport", 500_000, [19.94, 50.06]),
                                      ("Park", "", 250_000.5, [19.95, 50.05])):
        create_project(ready, "DX2", {"title": title, "theme": theme, "cost_pln": cost,
                                      "geometry": {"type": "Point", "coordinates": point}})
    model = diagnose(ready, "DX2")
    people = gmina_values(ready, "population_thousands", 2024) * 1000
    population = people[members(ready, "DX2")].sum()
    projects = model["projects"]
    assert (projects["count"], projects["cost_pln"]) == (3, 1_750_000.5)
    assert projects["per_resident"] == pytest.approx(1_750_000.5 / population)
    assert projects["by_theme"] == [{"theme": "transport", "count": 2, "cost_pln": 1_500_000.0},
                                    {"theme": "", "count": 1, "cost_pln": 250_000.5}]
    [shown] = model["functional_areas"]
    assert shown["id"] == area["id"] and shown["gminas"] == 2
    assert shown["population"] == pytest.approx(people[["1465011", "1261011"]].sum())
    unemployed = gmina_values(ready, "unemployed", 2024)[["1465011", "1261011"]].sum()
    assert shown["indicators"]["unemployed_per_1000"]["value"] == pytest.approx(
        unemployed / shown["population"] * 1000)
    tables = docx_tables(io.BytesIO(generate(ready, "DX2", "docx").content))
    assert row_of(tables, "Koszt łącznie (zł)")[1] == pl(1_750_000.5, 2)
    assert row_of(tables, "(bez tematu)")[1:] == ["1", pl(250_000.5, 2)]
    assert row_of(tables, "Warszawa i Kraków")[3] == pl(shown["population"], 0)


def test_english_document(ready, p01_files):
    generated = generate(ready, P01, "docx", lang="en")
    tables = docx_tables(io.BytesIO(generated.content))
    want = expected_numbers(ready, P01)
    assert row_of(tables, "Registered unemployed per 1,000")[2] == format_decimal(
        want["unemployed_per_1000"], format="#,##0.0", locale="en_GB")
    assert row_of(tables, "Population (2024)")[1] == "52,840"


def test_bad_parameters_change_nothing(ready):
    from core.errors import BadRequest, NotFound

    with ready.connect() as conn:
        before = conn.execute(sa.text("SELECT count(*) FROM diagnosis")).scalar_one()
    with pytest.raises(BadRequest, match="format must be one of pdf, docx, html"):
        generate(ready, P01, "odt")
    with pytest.raises(BadRequest, match="lang must be one of"):
        generate(ready, P01, "pdf", lang="de")
    with pytest.raises(BadRequest, match="year must be between"):
        generate(ready, P01, "pdf", year=3000)
    with pytest.raises(NotFound):
        generate(ready, "NO-SUCH", "pdf")
    with ready.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM diagnosis")).scalar_one() == before


def test_cli_writes_the_document_and_fails_with_one_line(ready, reference_db_url, tmp_path,
                                                        monkeypatch, capsys):
    from scripts.cli import main

    monkeypatch.setenv("DATABASE_URL", reference_db_url)
    out = tmp_path / "p01.docx"
    assert main(["diagnosis", P01, "--format", "docx", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"PK")
    assert "wrote the diagnosis of P01" in capsys.readouterr().out
    assert main(["diagnosis", "NO-SUCH", "--format", "pdf", "--out", str(out)]) == 1
    assert capsys.readouterr().err.startswith("partnerstwa: error: no partnership 'NO-SUCH'")
    assert main(["diagnosis", P01, "--format", "pdf", "--out", str(tmp_path / "no" / "x.pdf")]
                ) == 1
    assert "the folder does not exist" in capsys.readouterr().err


def test_migration_goes_down_and_up(fresh_db_url):
    from alembic import command

    from services.db import alembic_config, get_engine

    cfg = alembic_config(fresh_db_url)
    command.downgrade(cfg, "0007")
    with get_engine(fresh_db_url).connect() as conn:
        assert conn.execute(sa.text("SELECT to_regclass('diagnosis')")).scalar_one() is None
    command.upgrade(cfg, "head")
    with get_engine(fresh_db_url).connect() as conn:
        assert conn.execute(sa.text("SELECT to_regclass('diagnosis')")).scalar_one() == \
            "diagnosis"


# --- the rules alone ----------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(finite, finite, finite, st.sampled_from([None, "stable", "improving", "worsening"]))
def test_a_verdict_mirrors_with_the_direction(value, voivodeship, median, judged):
    """Higher-better on x is higher-worse on -x; an improving trend is never a problem."""
    swap = {"improving": "improving", "worsening": "worsening"}.get(judged, judged)
    better = rules.verdict(value, voivodeship, median, judged, "higher-better")
    worse = rules.verdict(-value, -voivodeship, -median, swap, "higher-worse")
    assert better == worse
    assert not (better == "problem" and judged == "improving")
    assert not (better == "potential" and judged == "worsening")
    assert rules.verdict(value, voivodeship, median, judged, "neutral") is None


@given(st.lists(finite, min_size=2, max_size=8), st.floats(min_value=0.5, max_value=3))
def test_trend_follows_the_slope_over_the_last_five_years(values, scale):
    series = pd.Series(values, index=range(2010, 2010 + len(values)))
    trend = rules.trend(series)
    assert trend["years"] == list(series.index[-5:])
    scaled = rules.trend(series * scale)  # a change of units changes no direction
    assert scaled["direction"] == trend["direction"]
    assert rules.judged_trend(trend["direction"], "higher-worse") in (
        None, "stable", "improving", "worsening")


def test_size_classes_have_printed_bounds():
    assert [rules.size_class(p) for p in (4_999, 5_000, 19_999, 200_000, 1_861_975)] == \
        [0, 1, 2, 6, 6]
    assert rules.class_label(1, str) == "5000–9999" and rules.class_label(6, str) == "≥ 200000"
