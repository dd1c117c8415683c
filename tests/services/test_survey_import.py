"""Importing survey exports (issue 12): the three tools' layouts round-trip, question kinds
and gminas are recognised, corrections apply, and every bad file is refused whole, naming
its row and column, with nothing written."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput
from services.access.rules import Forbidden, Principal
from services.surveys.importer import import_survey
from services.surveys.preview import preview_survey
from services.surveys.privacy import mask_personal_data
from services.surveys.store import delete_survey, get_survey, list_surveys, load_responses
from tests.services import survey_exports as gen

P = gen.P
leave_no_surveys, members = gen.leave_no_surveys, gen.members  # fixtures, once a module


@pytest.fixture(scope="module")
def names(members):
    """How a respondent writes each gmina: the town and the rural gmina of the same name
    told apart as people do ("miasto", "gmina wiejska")."""
    counts = {}
    for g in members:
        counts[g["name"]] = counts.get(g["name"], 0) + 1
    out = {}
    for g in members:
        if counts[g["name"]] > 1:
            out[g["teryt"]] = (f"{g['name']} (miasto)" if g["teryt"].endswith("1")
                               else f"gmina wiejska {g['name']}")
        else:
            out[g["teryt"]] = g["name"]
    return out


def write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def check_round_trip(engine, survey_id: int, persons: list[dict], fmt: str) -> None:
    with engine.connect() as conn:
        questions, frame = load_responses(conn, survey_id)
    assert len(frame) == len(persons)
    by_id = {row.response_id: row for row in frame.itertuples()}
    ids = {"limesurvey": lambda p: str(p["n"]), "google_forms": lambda p: str(p["n"]),
           "kobo": lambda p: str(500000 + p["n"])}[fmt]
    for p in persons:
        row = by_id[ids(p)]
        assert row.gmina == p["gmina"]["teryt"]
        assert row.sex == p["sex"]
        assert row.age == p["age"]
        assert row.answers == gen.expected(p, fmt), (p, row.answers)
        # Warsaw's time as the tools write it (all in March 2024, before summer time).
        assert row.submitted_at == pd.Timestamp(p["when"], tz="Europe/Warsaw")
        group = ("pre_working" if p["age"] < 18 else "post_working" if p["age"] >= 65
                 else "working" if p["age"] < 60 else
                 {"f": "post_working", "m": "working"}[p["sex"]])
        assert row.age_group == group
    kinds = [q["kind"] for q in questions]
    assert kinds == ["single", "multiple", "likert", "number", "text"], questions
    likert = questions[2]
    assert [o["score"] for o in likert["options"]] == [1, 2, 3, 4, 5]


def test_limesurvey_round_trip(reference_engine, members, tmp_path):
    persons = gen.people(members, 300, seed=1)
    path = write(tmp_path, "results-survey123456.csv", gen.limesurvey(persons))
    shown = preview_survey(reference_engine, path, P)
    assert shown["format"] == "limesurvey" and shown["importable"], shown["problems"]
    assert shown["roles"]["gmina"] == "gmina" and shown["roles"]["sex"] == "plec"
    assert shown["roles"]["response_id"] == "id"
    multiple = next(q for q in shown["questions"] if q["code"] == "Q2")
    assert [o["code"] for o in multiple["options"]] == [f"SQ00{k}" for k in range(1, 6)]
    assert [o["count"] for o in multiple["options"]] == [
        sum(k in p["improve"] for p in persons) for k in range(5)]
    before = gen.survey_counts(reference_engine)
    done = import_survey(reference_engine, path, P, kind="residents", title="Ankieta 2024")
    assert done["responses"] == 300
    after = gen.survey_counts(reference_engine)
    assert after[2] - before[2] == 300 and after[1] - before[1] == 5
    check_round_trip(reference_engine, done["id"], persons, "limesurvey")
    survey = get_survey(reference_engine, done["id"])
    assert survey["source_format"] == "limesurvey" and survey["responses"] == 300
    assert survey["file_hash"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_google_forms_round_trip_names_and_bom(reference_engine, members, names, tmp_path):
    persons = gen.people(members, 250, seed=2, youth=True)
    text = "\ufeff" + gen.google_forms(persons, names=names)
    path = write(tmp_path, "Ankieta młodzieżowa.csv", text)
    shown = preview_survey(reference_engine, path, P)
    assert shown["format"] == "google_forms" and shown["importable"], shown["problems"]
    assert shown["roles"]["gmina"] == "W jakiej gminie mieszkasz?"
    assert "Adres e-mail" not in [q["text"] for q in shown["questions"]]
    resolved = {g["value"]: g["teryt"] for g in shown["gminas"]}
    assert all(resolved[names[p["gmina"]["teryt"]]] == p["gmina"]["teryt"] for p in persons)
    done = import_survey(reference_engine, path, P, kind="youth", title="Młodzież 2024")
    check_round_trip(reference_engine, done["id"], persons, "google_forms")
    survey = get_survey(reference_engine, done["id"])
    assert survey["kind"] == "youth" and survey["source_format"] == "google_forms"
    assert survey["questions"][0]["text"] == "Jak długo mieszkasz w gminie?"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_kobo_round_trip(reference_engine, members, tmp_path, suffix):
    persons = gen.people(members, 200, seed=3)
    slugs = {g["teryt"]: gen.ascii_slug(names_of(members)[g["teryt"]]) for g in members}
    path = tmp_path / f"ankieta_kobo{suffix}"
    if suffix == ".csv":
        path.write_text(gen.kobo_csv(persons, slugs), encoding="utf-8")
    else:
        gen.kobo_xlsx(persons, path, slugs)
    shown = preview_survey(reference_engine, path, P)
    assert shown["format"] == "kobo" and shown["importable"], shown["problems"]
    assert shown["delimiter"] == (";" if suffix == ".csv" else None)
    assert shown["roles"]["location"] == ["_lokalizacja_latitude", "_lokalizacja_longitude"]
    done = import_survey(reference_engine, path, P, kind="residents", title="Kobo")
    check_round_trip(reference_engine, done["id"], persons, "kobo")
    with reference_engine.connect() as conn:
        inside = conn.execute(sa.text(
            "SELECT count(*) FROM survey_response WHERE survey_id = :id AND"
            " ST_SRID(location) = 2180 AND ST_Y(ST_Transform(location, 4326))"
            " BETWEEN 52.8 AND 53.1"), {"id": done["id"]}).scalar_one()
    assert inside == 200


def names_of(members):
    """Kobo choice names: the name, with _m / _gw where a town and a rural gmina share it."""
    counts = {}
    for g in members:
        counts[g["name"]] = counts.get(g["name"], 0) + 1
    return {g["teryt"]: g["name"] + ("" if counts[g["name"]] == 1 else
                                     " m" if g["teryt"].endswith("1") else " gw")
            for g in members}


def test_ambiguous_names_are_listed_then_decided(reference_engine, members, tmp_path):
    persons = gen.people(members, 120, seed=4)
    path = write(tmp_path, "forms.csv", gen.google_forms(persons))  # plain names
    shown = preview_survey(reference_engine, path, P)
    twins = [g for g in shown["gminas"] if g["problem"]]
    assert twins and all(g["value"] == "Wysokie Mazowieckie" for g in twins)
    assert sorted(c["teryt"] for c in twins[0]["candidates"]) == ["2013011", "2013102"]
    assert not shown["importable"]
    assert "ambiguous" in shown["problems"][0] and "column 'W jakiej gminie" in \
        shown["problems"][0]
    before = gen.survey_counts(reference_engine)
    with pytest.raises(InvalidInput, match=r"line \d+, column 'W jakiej gminie mieszkasz\?'"):
        import_survey(reference_engine, path, P, kind="residents", title="x")
    assert gen.survey_counts(reference_engine) == before
    mapping = {"gminas": {"Wysokie Mazowieckie": "2013102"}}
    done = import_survey(reference_engine, path, P, kind="residents", title="x",
                         mapping=mapping)
    survey = get_survey(reference_engine, done["id"])
    assert survey["mapping"]["gminas"] == mapping["gminas"]
    with reference_engine.connect() as conn:
        _, frame = load_responses(conn, done["id"])
    twins_rows = [p for p in persons if p["gmina"]["name"] == "Wysokie Mazowieckie"]
    assert (frame["gmina"] == "2013102").sum() == len(twins_rows)


def test_corrections_kind_roles_and_options(reference_engine, members, tmp_path):
    persons = gen.people(members, 80, seed=5)
    path = write(tmp_path, "ls.csv", gen.limesurvey(persons))
    mapping = {"columns": {"age": None},
               "questions": {"Q4": {"kind": "single"}, "Q5": {"skip": True},
                             "Q1": {"kind": "single", "options": ["A3", "A2", "A1"]}}}
    shown = preview_survey(reference_engine, path, P, mapping=mapping)
    codes = [q["code"] for q in shown["questions"]]
    assert "Q5" not in codes and "wiek" in codes  # age no longer a role: a question
    q4 = next(q for q in shown["questions"] if q["code"] == "Q4")
    assert q4["kind"] == "single" and q4["detected"] == "number"
    q1 = next(q for q in shown["questions"] if q["code"] == "Q1")
    assert [o["code"] for o in q1["options"]] == ["A3", "A2", "A1"]
    done = import_survey(reference_engine, path, P, kind="residents", title="poprawiona",
                         mapping=mapping)
    with reference_engine.connect() as conn:
        _, frame = load_responses(conn, done["id"])
    assert frame["age"].isna().all()
    assert all(isinstance(a.get("Q4", ""), str) for a in frame["answers"])


def test_answers_outside_the_options(reference_engine, members, tmp_path):
    persons = gen.people(members, 30, seed=6)
    text = gen.limesurvey(persons).splitlines()
    cells = text[5].split('","')
    cells[10] = "X"  # Q2[SQ002] of the 5th response: neither Y nor empty
    text[5] = '","'.join(cells)
    path = write(tmp_path, "ls.csv", "\r\n".join(text) + "\r\n")
    before = gen.survey_counts(reference_engine)
    with pytest.raises(InvalidInput, match=r"line 6, column 'Q2\[SQ002\]': question Q2:"
                                           r" 'X' is neither ticked"):
        import_survey(reference_engine, path, P, kind="residents", title="x")
    # Options stated at the preview: an answer outside them is refused.
    forms = write(tmp_path, "forms.csv", gen.google_forms(persons, names={
        g["teryt"]: g["teryt"] for g in members}))
    with pytest.raises(InvalidInput, match=r"column 'Jak długo mieszkasz w gminie\?'.*is not"
                                           r" one of the options"):
        import_survey(reference_engine, forms, P, kind="residents", title="x",
                      mapping={"questions": {"q5": {"options": gen.STAY[:2]}}})
    assert gen.survey_counts(reference_engine) == before


def test_gmina_outside_the_partnership(reference_engine, members, tmp_path):
    persons = gen.people(members, 20, seed=7)
    text = gen.google_forms(persons, names={g["teryt"]: g["teryt"] for g in members})
    lines = text.splitlines()
    lines[3] = lines[3].replace(persons[2]["gmina"]["teryt"], "1261011")  # Kraków
    lines[4] = lines[4].replace(persons[3]["gmina"]["teryt"], "Hajnówka")  # P03's
    path = write(tmp_path, "forms.csv", "\r\n".join(lines))
    shown = preview_survey(reference_engine, path, P)
    problems = {g["value"]: g["problem"] for g in shown["gminas"] if g["problem"]}
    assert "not a gmina of this partnership" in problems["1261011"]
    assert "Kraków" in problems["1261011"]
    assert "not a gmina of this partnership" in problems["Hajnówka"]
    before = gen.survey_counts(reference_engine)
    with pytest.raises(InvalidInput, match="line 4, column 'W jakiej gminie mieszkasz.'"):
        import_survey(reference_engine, path, P, kind="residents", title="x")
    with pytest.raises(BadRequest, match="not a gmina of partnership P01"):
        import_survey(reference_engine, path, P, kind="residents", title="x",
                      mapping={"gminas": {"1261011": "1261011"}})
    assert gen.survey_counts(reference_engine) == before


def test_duplicated_response_ids(reference_engine, members, tmp_path):
    persons = gen.people(members, 10, seed=8)
    persons[6]["n"] = persons[2]["n"]
    path = write(tmp_path, "ls.csv", gen.limesurvey(persons))
    before = gen.survey_counts(reference_engine)
    with pytest.raises(InvalidInput, match=r"line 8, column 'id': response id '3' repeats"
                                           r" line 4"):
        import_survey(reference_engine, path, P, kind="residents", title="x")
    assert gen.survey_counts(reference_engine) == before


def test_delimiter_and_encodings(reference_engine, members, tmp_path):
    persons = gen.people(members, 40, seed=9)
    semicolons = write(tmp_path, "ls.csv", gen.limesurvey(persons, delimiter=";"))
    assert preview_survey(reference_engine, semicolons, P)["delimiter"] == ";"
    with pytest.raises(InvalidInput, match="line 1: the header has one column; it seems"
                                           " separated by ';', not ','"):
        preview_survey(reference_engine, semicolons, P, delimiter=",")
    utf16 = write(tmp_path, "excel.txt.csv", gen.google_forms(persons).replace(",", "\t"),
                  encoding="utf-16")  # Excel's "Unicode text": UTF-16 with BOM, tabs
    shown = preview_survey(reference_engine, utf16, P)
    assert (shown["encoding"], shown["delimiter"], shown["responses"]) == ("utf-16", "\t", 40)
    cp1250 = write(tmp_path, "forms.csv", gen.google_forms(persons), encoding="cp1250")
    shown = preview_survey(reference_engine, cp1250, P)
    assert shown["encoding"] == "cp1250" and any("cp1250" in w for w in shown["warnings"])
    assert shown["roles"]["sex"] == "Płeć"
    assert any(o["label"] == "Dłużej niż 20 lat" for q in shown["questions"]
               for o in q["options"])
    with pytest.raises(InvalidInput, match="not in utf-8"):
        preview_survey(reference_engine, cp1250, P, encoding="utf-8")


def test_empty_and_oversized_files(reference_engine, members, tmp_path):
    before = gen.survey_counts(reference_engine)
    empty = write(tmp_path, "empty.csv", "")
    with pytest.raises(InvalidInput, match="the file is empty"):
        import_survey(reference_engine, empty, P, kind="residents", title="x")
    header = write(tmp_path, "header.csv", gen.limesurvey([]))
    with pytest.raises(InvalidInput, match="a header but no responses"):
        import_survey(reference_engine, header, P, kind="residents", title="x")
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:  # 50 MB of text and one byte more
        fh.write(b'"id","submitdate"\r\n')
        fh.truncate(50 * 1024 * 1024 + 1)
    with pytest.raises(InvalidInput, match=r"the file has 50\.0 MB; surveys up to 50 MB"):
        import_survey(reference_engine, big, P, kind="residents", title="x")
    unknown = write(tmp_path, "other.csv", "a,b\n1,2\n")
    with pytest.raises(InvalidInput, match="looks like no known export"):
        preview_survey(reference_engine, unknown, P)
    assert gen.survey_counts(reference_engine) == before


def test_markup_and_formulas_are_stored_as_text(reference_engine, members, tmp_path):
    persons = gen.people(members, len(gen.HOSTILE), seed=10)
    for p, remark in zip(persons, gen.HOSTILE, strict=True):
        p["remark"] = remark
    persons[0]["household"] = None
    text = gen.limesurvey(persons)
    path = write(tmp_path, "ls.csv", text)
    done = import_survey(reference_engine, path, P, kind="residents", title="<b>tytuł</b>")
    with reference_engine.connect() as conn:
        _, frame = load_responses(conn, done["id"])
    assert sorted(a["Q5"] for a in frame["answers"]) == sorted(r.strip() for r in gen.HOSTILE)
    assert get_survey(reference_engine, done["id"])["title"] == "<b>tytuł</b>"
    # A formula in the gmina column is not a gmina; nothing is evaluated.
    bad = text.replace(f'"{persons[1]["gmina"]["teryt"]}"', '"=1+1"', 1)
    with pytest.raises(InvalidInput, match="'=1\\+1': no gmina of this partnership"):
        import_survey(reference_engine, write(tmp_path, "bad.csv", bad), P,
                      kind="residents", title="x")


def test_access_list_and_delete(reference_engine, members, tmp_path):
    persons = gen.people(members, 15, seed=11)
    path = write(tmp_path, "ls.csv", gen.limesurvey(persons))
    other = Principal(1, "expert2@test.pl", "expert", partnerships=frozenset({"P04"}))
    marshal = Principal(2, "m@test.pl", "marshal_office", voivodeship="20")
    from core.errors import NotFound

    with pytest.raises(NotFound):
        preview_survey(reference_engine, path, P, actor=other)
    with pytest.raises(Forbidden):
        import_survey(reference_engine, path, P, kind="residents", title="x", actor=marshal)
    done = import_survey(reference_engine, path, P, kind="residents", title="do usunięcia")
    assert done["id"] in [s["id"] for s in list_surveys(reference_engine, P, marshal)]
    with pytest.raises(NotFound):
        get_survey(reference_engine, done["id"], other)
    with pytest.raises(Forbidden):
        delete_survey(reference_engine, done["id"], marshal)
    delete_survey(reference_engine, done["id"])
    assert done["id"] not in [s["id"] for s in list_surveys(reference_engine, P)]
    with pytest.raises(NotFound):
        get_survey(reference_engine, done["id"])
    with reference_engine.connect() as conn:
        logged = conn.execute(sa.text(
            "SELECT array_agg(action ORDER BY id) FROM audit_log WHERE object_kind = 'survey'"
            " AND object_id = :id"), {"id": str(done["id"])}).scalar_one()
    assert logged == ["create", "delete"]


def test_bad_parameters(reference_engine, members, tmp_path):
    path = write(tmp_path, "ls.csv", gen.limesurvey(gen.people(members, 5, seed=12)))
    with pytest.raises(BadRequest, match="kind must be one of residents, youth"):
        import_survey(reference_engine, path, P, kind="adults", title="x")
    with pytest.raises(BadRequest, match="title must have 1 to 300"):
        import_survey(reference_engine, path, P, kind="youth", title=" ")
    with pytest.raises(BadRequest, match="mapping.questions.Q1.kind must be one of"):
        preview_survey(reference_engine, path, P, mapping={"questions": {"Q1": {"kind": "x"}}})
    with pytest.raises(InvalidInput, match="the file has no column 'nope'"):
        preview_survey(reference_engine, path, P, mapping={"columns": {"gmina": "nope"}})
    with pytest.raises(BadRequest, match="format must be one of"):
        preview_survey(reference_engine, path, P, fmt="surveymonkey")
    json.dumps(preview_survey(reference_engine, path, P))  # the preview is JSON


@pytest.mark.parametrize("text, masked", [
    ("pisz: jan.kowalski@gmina.pl", "pisz: [e-mail]"),
    ("tel. +48 600 100 200 lub (22) 123 45 67", "tel. [tel.] lub [tel.]"),
    ("PESEL 85010112345.", "PESEL [PESEL]."),
    ("w 2023 roku 1 500 000 zł na 12 km", "w 2023 roku 1 500 000 zł na 12 km"),
    # probe12: a PESEL in groups and +48 written without spaces
    ("PESEL 850101 12345 albo 85-01-01-12345", "PESEL [PESEL] albo [PESEL]"),
    ("dzwoń +48600100200", "dzwoń [tel.]"),
])
def test_mask_personal_data(text, masked):
    assert mask_personal_data(text) == masked


def test_masked_codes_stay_distinct():
    from services.surveys.privacy import masked_codes, masked_options

    shown = masked_codes(["a@x.pl", "b@y.pl", "Tak"])
    assert shown == {"Tak": "Tak", "a@x.pl": "[e-mail]", "b@y.pl": "[e-mail] (2)"}
    options = [{"code": "a@x.pl", "label": "pisz a@x.pl", "score": None}]
    assert masked_options(options) == [{"code": "[e-mail]", "label": "pisz [e-mail]",
                                        "score": None}]
    assert options[0]["code"] == "a@x.pl"  # the input is not changed


def test_preview_masks_personal_data_in_open_answers(reference_engine, members, tmp_path):
    persons = gen.people(members, 60, seed=13)
    persons[0]["remark"] = "pisz na jan@gmina.pl albo dzwoń 600 100 200"
    shown = preview_survey(reference_engine, write(tmp_path, "ls.csv",
                                                   gen.limesurvey(persons)), P)
    assert shown["sample"][0]["answers"]["Q5"] == "pisz na [e-mail] albo dzwoń [tel.]"


def test_command_line_preview_import_list(reference_db_url, members, tmp_path, monkeypatch,
                                          capsys):
    from scripts.cli import main

    monkeypatch.setenv("DATABASE_URL", reference_db_url)
    persons = gen.people(members, 25, seed=14)
    path = write(tmp_path, "ls.csv", gen.limesurvey(persons))
    fixes = write(tmp_path, "fixes.json", json.dumps({"questions": {"Q5": {"skip": True}}}))
    assert main(["surveys", "preview", str(path), "--partnership", P, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["responses"] == 25 and shown["format"] == "limesurvey"
    assert main(["surveys", "import", str(path), "--partnership", P, "--kind", "youth",
                 "--title", "z wiersza poleceń", "--mapping", str(fixes), "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["responses"] == 25 and done["questions"] == 4
    assert main(["surveys", "list", "--partnership", P]) == 0
    assert "z wiersza poleceń" in capsys.readouterr().out
    bad = write(tmp_path, "bad.csv", "")
    assert main(["surveys", "import", str(bad), "--partnership", P, "--kind", "youth",
                 "--title", "x"]) == 1
    assert "bad.csv: the file is empty" in capsys.readouterr().err


def test_kobo_geolocation_column_and_a_point_off_the_earth(reference_engine, members,
                                                           tmp_path):
    persons = gen.people(members, 12, seed=15)
    header, rows = gen.kobo_rows(persons)
    drop = {"lokalizacja", "_lokalizacja_latitude", "_lokalizacja_longitude",
            "_lokalizacja_altitude", "_lokalizacja_precision"}
    keep = [j for j, c in enumerate(header) if c not in drop]
    header = [header[j] for j in keep] + ["_geolocation"]
    rows = [[r[j] for j in keep] + [f"[{p['lat']}, {p['lon']}]"]
            for r, p in zip(rows, persons, strict=True)]
    rows[3][-1] = "[95.0, 22.5]"
    text = gen._csv(header, rows, delimiter=";")
    path = write(tmp_path, "kobo.csv", text)
    shown = preview_survey(reference_engine, path, P)
    assert shown["roles"]["location"] == ["_geolocation"]
    assert shown["problems"] == ["line 5, column '_geolocation': (95.0, 22.5) is not a"
                                 " latitude and longitude"]
    rows[3][-1] = "[None, None]"  # Kobo's cell when the phone gave no position
    done = import_survey(reference_engine, write(tmp_path, "kobo2.csv",
                                                 gen._csv(header, rows, delimiter=";")), P,
                         kind="residents", title="geo")
    with reference_engine.connect() as conn:
        located = conn.execute(sa.text(
            "SELECT count(location) FROM survey_response WHERE survey_id = :id"),
            {"id": done["id"]}).scalar_one()
    assert located == 11


def test_the_same_file_again_is_warned_about(reference_engine, members, tmp_path):
    """probe12: the very same bytes imported twice (a second click) made two surveys without
    a word; the preview now says which survey holds that file already."""
    path = write(tmp_path, "twice.csv", gen.limesurvey(gen.people(members, 30, seed=31)))
    assert not any("imported before" in w for w in preview_survey(
        reference_engine, path, P)["warnings"])
    first = import_survey(reference_engine, path, P, kind="residents", title="Raz")
    shown = preview_survey(reference_engine, path, P)
    assert f"this very file was imported before, as survey {first['id']}" in shown["warnings"]
    delete_survey(reference_engine, first["id"])
    assert not any("imported before" in w for w in preview_survey(
        reference_engine, path, P)["warnings"])
