"""Survey results over the real PostGIS: targets from the real indicators, estimates per
partnership, gmina and functional area, suppression, open answers, the youth comparison.

There is no real survey microdata: the responses are generated here with fixed seeds and
inserted into the tables of migration 0010 (the import is tested by its own module). The
expected numbers are recomputed from the mirror's files and the inserted rows.
"""

from __future__ import annotations

import hashlib
import json
import math
import re

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput, NotFound
from services.access.rules import SYSTEM, Principal
from services.surveys.estimates import survey_results
from services.surveys.population import survey_targets

PID = "P03"  # Partnerstwo Powiatu Hajnowskiego: 9 gminas
SMALL = "2005052"  # Dubicze Cerkiewne: given 6 respondents, always suppressed
AGES = ("pre_working", "working", "post_working")
STAY = [{"code": "stay", "label": "Zostanę w gminie", "score": None},
        {"code": "leave", "label": "Wyjadę z gminy", "score": None},
        {"code": "dont_know", "label": "Nie wiem", "score": None}]
QUESTIONS = [
    ("plans", "Czy planujesz wyjechać z gminy w ciągu 5 lat?", "single", STAY),
    ("satisfaction", "Jak oceniasz życie w gminie?", "likert",
     [{"code": str(s), "label": lbl, "score": s} for s, lbl in enumerate(
         ["Bardzo źle", "Źle", "Przeciętnie", "Dobrze", "Bardzo dobrze"], start=1)]),
    ("needs", "Czego brakuje?", "multiple",
     [{"code": c, "label": lbl, "score": None} for c, lbl in
      (("bus", "Autobusów"), ("doctor", "Lekarza"), ("work", "Pracy"))]),
    ("children", "Ile dzieci mieszka w gospodarstwie?", "number", []),
    ("comment", "Uwagi", "text", []),
]
COMMENTS = ["Proszę o kontakt: jan.kowalski@example.pl", "Tel. 600 100 200, pilne",
            "<script>alert(1)</script> drogi", "PESEL 44051401359 nie podaję", "Dobrze jest"]


def generate_responses(gminas: pd.Series, n: int, seed: int, *, small: str | None = SMALL,
                       small_n: int = 6) -> list[dict]:
    """Seeded responses: gmina in proportion to ``gminas`` (residents), age groups, answers
    whose leave share grows with the gmina's position (so gminas differ)."""
    rng = np.random.default_rng(seed)
    codes = [g for g in gminas.index if g != small]
    p = (gminas[codes] / gminas[codes].sum()).to_numpy()
    chosen = list(rng.choice(codes, size=n - small_n, p=p)) + [small] * small_n * bool(small)
    rows = []
    for i, gmina in enumerate(chosen):
        k = list(gminas.index).index(gmina)
        leave = 0.15 + 0.04 * k
        answers = {"plans": str(rng.choice(["stay", "leave", "dont_know"],
                                           p=[0.85 - leave, leave, 0.15])),
                   "satisfaction": int(rng.integers(1, 6)),
                   "needs": sorted(rng.choice(["bus", "doctor", "work"], int(rng.integers(1, 3)),
                                              replace=False).tolist()),
                   "children": int(rng.integers(0, 4))}
        if rng.random() < 0.1:
            del answers["satisfaction"]
        if i % 7 == 0:
            answers["comment"] = COMMENTS[(i // 7) % len(COMMENTS)]
        rows.append({"response_id": f"r{i:05d}", "gmina": gmina,
                     "age_group": str(rng.choice(AGES, p=[0.25, 0.45, 0.3])),
                     "submitted_at": f"2026-0{3 + i % 2}-{1 + i % 28:02d}T10:00:00+01:00",
                     "answers": answers})
    return rows


def insert_survey(engine, pid: str, kind: str, rows: list[dict], questions=QUESTIONS,
                  title: str = "Ankieta testowa (wygenerowana)") -> int:
    with engine.begin() as conn:
        survey_id = conn.execute(sa.text(
            "INSERT INTO survey (partnership_id, kind, title, source_format, file_name,"
            " file_hash, responses, created_by) VALUES (:pid, :kind, :title, 'limesurvey',"
            " 'generated.csv', :hash, :n, 'tests') RETURNING id"),
            {"pid": pid, "kind": kind, "title": title, "n": len(rows),
             "hash": hashlib.sha256(json.dumps(rows).encode()).hexdigest()}).scalar_one()
        conn.execute(sa.text(
            "INSERT INTO survey_question (survey_id, position, code, text, kind, options)"
            " VALUES (:id, :pos, :code, :text, :kind, CAST(:options AS jsonb))"),
            [{"id": survey_id, "pos": i, "code": c, "text": t, "kind": k,
              "options": json.dumps(o)} for i, (c, t, k, o) in enumerate(questions, 1)])
        conn.execute(sa.text(
            "INSERT INTO survey_response (survey_id, response_id, gmina, age_group,"
            " submitted_at, answers) VALUES (:id, :rid, :gmina, :age, :at,"
            " CAST(:answers AS jsonb))"),
            [{"id": survey_id, "rid": r["response_id"], "gmina": r["gmina"],
              "age": r["age_group"], "at": r["submitted_at"],
              "answers": json.dumps(r["answers"])} for r in rows])
    return survey_id


def remove_survey(engine, survey_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM survey WHERE id = :id"), {"id": survey_id})


def mirror_population(data_dir, gminas: list[str]) -> pd.Series:
    """Residents at the end of 2024 from the mirror's convenience table (thousands x 1000)."""
    table = pd.read_csv(data_dir / "indicators" / "gmina_indicators_2477.csv",
                        dtype={"teryt_boundary": str}).set_index("teryt_boundary")
    return table.loc[gminas, "pop_thous_2024-12-31"] * 1000


def mirror_age_groups(data_dir, gminas: list[str]) -> pd.DataFrame:
    raw = pd.read_csv(data_dir / "indicators" / "bdl_exports"
                      / "LUDN_ekonomiczne_grupy_wieku_2010_2019.csv", sep=";",
                      dtype={"Kod": str})
    raw = raw.set_index("Kod")
    columns = {"pre_working": "w wieku przedprodukcyjnym;ogółem;2019;[osoba]",
               "working": "w wieku produkcyjnym;ogółem;2019;[osoba]",
               "post_working": "w wieku poprodukcyjnym;ogółem;2019;[osoba]"}
    return pd.DataFrame({k: raw.loc[gminas, v].astype(float) for k, v in columns.items()})


@pytest.fixture(scope="module")
def p03_gminas(reference_engine, partnerships_loaded) -> list[str]:
    with reference_engine.connect() as conn:
        return list(conn.execute(sa.text(
            "SELECT gmina_teryt FROM partnership_gmina WHERE partnership_id = :p ORDER BY 1"),
            {"p": PID}).scalars())


@pytest.fixture(scope="module")
def residents(reference_engine, indicator_reports, partnerships_loaded, data_dir, p03_gminas):
    people = mirror_population(data_dir, p03_gminas)
    rows = generate_responses(people, 800, seed=14)
    survey_id = insert_survey(reference_engine, PID, "residents", rows)
    yield survey_id, rows
    remove_survey(reference_engine, survey_id)


def test_targets_are_the_latest_population_split_by_the_2019_age_structure(
        reference_engine, indicator_reports, data_dir, p03_gminas):
    with reference_engine.connect() as conn:
        targets = survey_targets(conn, p03_gminas, "residents")
        youth = survey_targets(conn, p03_gminas, "youth")
    people = mirror_population(data_dir, p03_gminas)
    ages = mirror_age_groups(data_dir, p03_gminas)
    expected = ages.div(ages.sum(axis=1), axis=0).mul(people, axis=0)
    assert targets.population_year == 2024 and targets.age_year == 2019
    assert np.allclose(targets.frame.loc[p03_gminas, list(AGES)].to_numpy(),
                       expected.to_numpy())
    assert targets.frame.to_numpy().sum() == pytest.approx(people.sum())
    assert youth.basis == "pre_working"
    assert youth.frame["pre_working"].to_list() == ages["pre_working"].to_list()


def _rows(result, code, measure="share", option=None):
    q = next(q for q in result["questions"] if q["code"] == code)
    return {r["domain"]: r for r in q["results"]
            if r["measure"] == measure and r["option"] == option}


def test_partnership_share_equals_the_weighted_share_recomputed(
        reference_engine, residents, data_dir, p03_gminas):
    survey_id, rows = residents
    result = survey_results(reference_engine, PID, survey_id)
    people = mirror_population(data_dir, p03_gminas)
    ages = mirror_age_groups(data_dir, p03_gminas)
    targets = ages.div(ages.sum(axis=1), axis=0).mul(people, axis=0)
    # Cells: gmina x age group; the small gmina (6 respondents) is one cell. Every other
    # gmina's age groups have at least 5 respondents in this seeded sample.
    counts: dict[tuple, int] = {}
    for r in rows:
        key = (r["gmina"], None if r["gmina"] == SMALL else r["age_group"])
        counts[key] = counts.get(key, 0) + 1
    assert min(v for k, v in counts.items() if k[1]) >= 5

    def size(key):
        return targets.loc[key[0]].sum() if key[1] is None else targets.loc[key[0], key[1]]

    weights = []
    for r in rows:
        key = (r["gmina"], None if r["gmina"] == SMALL else r["age_group"])
        weights.append(size(key) / counts[key])
    assert result["weighting"]["collapsed"] == [SMALL]
    assert result["weighting"]["population"] == pytest.approx(people.sum())
    assert result["weighting"]["population_year"] == 2024
    w = np.array(weights)
    capped = w.max() <= 5 * np.median(w)
    assert capped and result["weighting"]["trimmed"] == 0  # nothing to trim in this sample
    leave = np.array([r["answers"]["plans"] == "leave" for r in rows], dtype=float)
    estimate = _rows(result, "plans", option="leave")["partnership"]
    assert estimate["estimate"] == pytest.approx((w * leave).sum() / w.sum())
    assert estimate["n"] == 800
    assert estimate["deff"] == pytest.approx(len(w) * (w ** 2).sum() / w.sum() ** 2)
    assert estimate["ci_low"] < estimate["estimate"] < estimate["ci_high"]
    answered = np.array(["satisfaction" in r["answers"] for r in rows])
    score = np.array([r["answers"].get("satisfaction", 0) for r in rows], dtype=float)
    mean = _rows(result, "satisfaction", "mean")["partnership"]
    assert mean["estimate"] == pytest.approx((w * score)[answered].sum() / w[answered].sum())
    assert mean["n"] == int(answered.sum())
    assert result["survey"]["fieldwork"] == {"from": "2026-03-01", "to": "2026-04-28"}


def test_a_gmina_with_six_respondents_is_suppressed_everywhere(reference_engine, residents):
    survey_id, _ = residents
    result = survey_results(reference_engine, PID, survey_id)
    domain = next(d for d in result["domains"] if d["key"] == f"gmina:{SMALL}")
    assert domain["suppressed"] and domain["respondents"] is None
    for q in result["questions"]:
        for r in q["results"]:
            if r["domain"] == f"gmina:{SMALL}":
                assert r["suppressed"] and r["estimate"] is None and r["n"] is None \
                    and r["ci_low"] is None and r["deff"] is None
    others = [r for q in result["questions"] for r in q["results"]
              if r["domain"] != f"gmina:{SMALL}"]
    assert others and not any(r["suppressed"] for r in others if r["domain"] == "partnership")


def _complementary_gmina(rows: list[dict]) -> str:
    """The gmina hidden with SMALL: without areas, the partnership less the shown gminas is
    the hidden ones, so the gmina with the fewest respondents after SMALL goes too."""
    counts = pd.Series([r["gmina"] for r in rows]).value_counts()
    others = counts.drop(SMALL)
    assert counts[SMALL] < 10 and others.min() >= 10  # the precondition of the reasons
    return str(others.sort_values(kind="stable").index[0])


def test_each_suppressed_gmina_says_why(reference_engine, residents):
    survey_id, rows = residents
    result = survey_results(reference_engine, PID, survey_id)
    partner = _complementary_gmina(rows)
    withheld = {d["key"]: d["suppressed_reason"] for d in result["domains"] if d["suppressed"]}
    assert withheld[f"gmina:{SMALL}"] == "too_few"
    assert withheld[f"gmina:{partner}"] == "complementary"
    # Other tests of the suite leave functional areas in P03: what the audit withholds for
    # them hides no small gmina of its own, so its reason is complementarity too.
    assert {reason for key, reason in withheld.items() if key != f"gmina:{SMALL}"} \
        == {"complementary"}
    counts = pd.Series([r["gmina"] for r in rows]).value_counts()
    plans = next(q for q in result["questions"] if q["code"] == "plans")  # answered by all
    for r in plans["results"]:
        if r["domain"] == f"gmina:{SMALL}":
            assert r["suppressed_reason"] == "too_few" and counts[SMALL] < 10
        elif r["domain"] == f"gmina:{partner}":
            assert r["suppressed_reason"] == "complementary" and counts[partner] >= 10
        else:  # shown, or withheld for another domain (see above): never "too few"
            assert (r["suppressed_reason"] == "complementary") if r["suppressed"] \
                else r["suppressed_reason"] is None


def test_functional_areas_are_domains(reference_engine, residents, p03_gminas):
    from services.planning.areas import create_area

    survey_id, rows = residents
    members = p03_gminas[:3]
    area = create_area(reference_engine, PID, {"name": "Obszar testowy ankiety",
                                               "kind": "other", "gminas": members})
    try:
        result = survey_results(reference_engine, PID, survey_id,
                                domain=f"area:{area['id']}")
        assert [d["key"] for d in result["domains"]] == [f"area:{area['id']}"]
        assert result["domains"][0]["respondents"] == sum(r["gmina"] in members
                                                          for r in rows)
        share = _rows(result, "plans", option="leave")[f"area:{area['id']}"]
        assert share["n"] == sum(r["gmina"] in members for r in rows)
    finally:
        with reference_engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM functional_area WHERE id = :id"),
                         {"id": area["id"]})


def test_open_answers_only_for_the_partnerships_experts_and_masked(reference_engine,
                                                                    residents):
    survey_id, _ = residents
    expert = Principal(1, "e@test.pl", "expert", partnerships=frozenset({PID}))
    ministry = Principal(2, "m@test.pl", "ministry")
    seen = survey_results(reference_engine, PID, survey_id, actor=expert, question="comment")
    texts = seen["questions"][0]["open_answers"]
    assert seen["open_answers_visible"] and texts
    joined = "\n".join(texts)
    assert "[e-mail]" in joined and "[tel.]" in joined and "[PESEL]" in joined
    assert "example.pl" not in joined and "600 100 200" not in joined
    assert "44051401359" not in joined
    hidden = survey_results(reference_engine, PID, survey_id, actor=ministry,
                            question="comment")
    assert not hidden["open_answers_visible"]
    assert "open_answers" not in json.dumps(hidden["questions"]) or \
        hidden["questions"][0]["open_answers"] is None


def test_bad_requests_name_the_parameter(reference_engine, residents):
    survey_id, _ = residents
    with pytest.raises(BadRequest, match="question"):
        survey_results(reference_engine, PID, survey_id, question="nope")
    with pytest.raises(BadRequest, match="domain"):
        survey_results(reference_engine, PID, survey_id, domain="gmina:0000000")
    with pytest.raises(NotFound):
        survey_results(reference_engine, "P01", survey_id)
    outsider = Principal(3, "x@test.pl", "expert", partnerships=frozenset({"P04"}))
    with pytest.raises(NotFound):
        survey_results(reference_engine, PID, survey_id, actor=outsider)


def test_responses_of_a_gmina_without_population_are_refused(reference_engine, residents):
    rows = [{"response_id": f"x{i}", "gmina": "2005011", "age_group": "working",
             "submitted_at": None, "answers": {"plans": "stay"}} for i in range(12)]
    survey_id = insert_survey(reference_engine, PID, "residents", rows)
    try:
        with reference_engine.begin() as conn:
            conn.execute(sa.text("UPDATE survey_response SET gmina = '9999999'"
                                 " WHERE survey_id = :id"), {"id": survey_id})
        with pytest.raises(InvalidInput, match="9999999"):
            survey_results(reference_engine, PID, survey_id, actor=SYSTEM)
    finally:
        remove_survey(reference_engine, survey_id)


def test_estimates_are_finite_or_suppressed(reference_engine, residents):
    survey_id, _ = residents
    result = survey_results(reference_engine, PID, survey_id)
    for q in result["questions"]:
        for r in q["results"]:
            if not r["suppressed"]:
                assert all(math.isfinite(r[k]) for k in ("estimate", "se", "ci_low",
                                                         "ci_high", "deff", "n_eff"))


# -- the diagnosis ------------------------------------------------------------------------------

def test_diagnosis_without_surveys_keeps_its_numbers(reference_engine, indicator_reports,
                                                     partnerships_loaded, data_dir,
                                                     p03_gminas):
    from services.diagnosis.compute import diagnose

    before = diagnose(reference_engine, "P02")
    assert "surveys" not in before and "surveys" not in before["data_versions"]
    people = mirror_population(data_dir, p03_gminas)
    survey_id = insert_survey(reference_engine, PID, "residents",
                              generate_responses(people, 120, seed=5))
    try:
        after = diagnose(reference_engine, "P02")
        assert after["numbers_hash"] == before["numbers_hash"]
        assert "surveys" in diagnose(reference_engine, PID)["data_versions"]
    finally:
        remove_survey(reference_engine, survey_id)


def test_diagnosis_documents_hold_the_survey_section(reference_engine, residents):
    import io

    from docx import Document

    from services.diagnosis.documents import generate

    survey_id, rows = residents
    result = survey_results(reference_engine, PID, survey_id)
    leave = _rows(result, "plans", option="leave")["partnership"]
    expected = (f"{leave['estimate'] * 100:.1f}% ({leave['ci_low'] * 100:.1f}–"
                f"{leave['ci_high'] * 100:.1f})").replace(".", ",")
    deff = f"{result['weighting']['deff']:.2f}".replace(".", ",")
    html = generate(reference_engine, PID, "html").content.decode("utf-8")
    assert "Wyniki ankiet" in html and "Ankieta testowa (wygenerowana)" in html
    assert expected in html and deff in html
    document = Document(io.BytesIO(generate(reference_engine, PID, "docx").content))
    texts = [p.text for p in document.paragraphs]
    # the section is numbered where it falls (7. or 8., after the consultations' section)
    assert any(re.fullmatch(r"(\d+\. )?Wyniki ankiet", t) for t in texts)
    # the survey's tables: those saying "too few answers" (other sections list gminas too,
    # e.g. the LISA table's "nieistotne")
    survey_tables = [t for t in document.tables
                     if any("za mało odpowiedzi" in c.text for row in t.rows for c in row.cells)]
    cells = [[c.text for c in row.cells] for t in survey_tables for row in t.rows]
    small = [row for row in cells if row and row[0].endswith(f"({SMALL})")
             and len(row) > 1 and "za mało odpowiedzi (<10)" in row[1:]]
    assert small and all(c == "za mało odpowiedzi (<10)" for c in small[0][1:])
    # the gmina hidden only to protect SMALL is not said to have too few answers
    partner = [row for row in cells if row and row[0].endswith(f"({_complementary_gmina(rows)})")
               and len(row) > 1]
    assert partner and partner[0][1] == "ukryte, by nie ujawnić małej gminy"
    assert "za mało odpowiedzi (<10)" not in partner[0][1:]
    assert any("dałoby się wyliczyć wynik gminy" in t for t in texts)
    assert any(expected in [c.text for c in row.cells]
               for t in document.tables for row in t.rows)
    english = generate(reference_engine, PID, "html", lang="en").content.decode("utf-8")
    assert "Survey results" in english and "too few answers (&lt;10)" in english


# -- overlapping functional areas (report_probe.md, section 1) ---------------------------------

TOWN, RURAL, CZYZEW = "2013011", "2013102", "2013033"  # Wysokie Mazowieckie (m., gm. w.), Czyżew


def _solvable(domains: list[dict], unit: str) -> float | None:
    """What a reader solves for ``unit``'s respondents from the published counts (least
    squares over the hidden gminas of each shown aggregate's count less its shown gminas'),
    or None when its unit vector is not a combination of the shown aggregates."""
    shown_n = {d["teryt"]: d["respondents"] for d in domains
               if d["kind"] == "gmina" and not d["suppressed"]}
    hidden = sorted(d["teryt"] for d in domains if d["kind"] == "gmina" and d["suppressed"])
    aggregates = [d for d in domains if d["kind"] != "gmina" and not d["suppressed"]]
    a = np.array([[float(g in d["gminas"]) for g in hidden] for d in aggregates])
    b = np.array([d["respondents"] - sum(shown_n.get(g, 0) for g in d["gminas"])
                  for d in aggregates], dtype=float)
    e = np.array([float(g == unit) for g in hidden])
    coef, *_ = np.linalg.lstsq(a.T, e, rcond=None)
    if np.linalg.norm(a.T @ coef - e) > 1e-9:
        return None
    return float(coef @ b)


def test_three_overlapping_areas_are_withheld_not_the_small_gmina_given_away(
        reference_engine, indicator_reports, partnerships_loaded, data_dir):
    from services.planning.areas import create_area
    from services.surveys.results_files import SUPPRESSED_WORDS, table

    with reference_engine.connect() as conn:
        p01 = list(conn.execute(sa.text(
            "SELECT gmina_teryt FROM partnership_gmina WHERE partnership_id = 'P01'"
            " ORDER BY 1")).scalars())
    assert {TOWN, RURAL, CZYZEW} <= set(p01)
    sizes = {g: 20 for g in p01} | {TOWN: 5, RURAL: 30, CZYZEW: 40}
    chosen = [g for g in p01 for _ in range(sizes[g])]
    rows = generate_responses(mirror_population(data_dir, p01), len(chosen), seed=31,
                              small=None, small_n=0)
    for row, gmina in zip(rows, chosen, strict=True):
        row["gmina"] = gmina
    areas = [create_area(reference_engine, "P01", {"name": f"Obszar nakładający się {i}",
                                                   "kind": "other", "gminas": list(pair)})
             for i, pair in enumerate([(TOWN, RURAL), (RURAL, CZYZEW), (TOWN, CZYZEW)], 1)]
    ours = {f"area:{a['id']}" for a in areas}
    survey_id = insert_survey(reference_engine, "P01", "residents", rows)
    try:
        result = survey_results(reference_engine, "P01", survey_id)
        domains = {d["key"]: d for d in result["domains"]}
        assert domains[f"gmina:{TOWN}"]["suppressed_reason"] == "too_few"
        assert domains[f"gmina:{RURAL}"]["suppressed"] and domains[f"gmina:{CZYZEW}"]["suppressed"]
        # the probe read n = 5 as (A1 + A6 - A5) / 2: now not a combination of what is shown
        assert _solvable(result["domains"], TOWN) is None
        withheld = {k for k in ours if domains[k]["suppressed"]}
        assert withheld and all(domains[k]["suppressed_reason"] == "complementary"
                                and domains[k]["respondents"] is None for k in withheld)
        # a withheld area is withheld in every estimate, and said so in the files
        for q in result["questions"]:
            for r in q["results"]:
                if r["domain"] in withheld:
                    assert r["suppressed"] and r["estimate"] is None and r["n"] is None
                    assert r["suppressed_reason"] == "complementary"
        plans = next(q for q in result["questions"] if q["code"] == "plans")
        for r in plans["results"]:  # answered by all: the same counts, the same domains
            assert r["suppressed"] == domains[r["domain"]]["suppressed"]
        names = {domains[k]["label"] for k in withheld}
        _, cells = table(result)
        area_rows = [row for row in cells if row[5] in names]
        assert area_rows and all(row[7] == SUPPRESSED_WORDS["complementary"][0]
                                 for row in area_rows)
    finally:
        remove_survey(reference_engine, survey_id)
        with reference_engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM functional_area WHERE id = ANY(:ids)"),
                         {"ids": [a["id"] for a in areas]})
