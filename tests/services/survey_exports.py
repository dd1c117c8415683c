"""Seeded generators of survey exports in each tool's own layout, and what an import of
them must read back. No real microdata exists: everything here is made up in the tests and
never shipped to the demo.

Also the fixtures of the import tests (services and web), which take them by assignment
(``members = gen.members``): an imported fixture would be an unused import to the linter.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import unicodedata
import uuid

import pytest
import sqlalchemy as sa

P = "P01"  # the partnership the made-up surveys are of

STAY = ["Krócej niż 5 lat", "5–20 lat", "Dłużej niż 20 lat"]
STAY_CODES = ["A1", "A2", "A3"]
STAY_KOBO = ["ponizej_5", "od_5_do_20", "powyzej_20"]
IMPROVE = ["Drogi", "Szkoły", "Transport publiczny", "Kultura", "Opieka zdrowotna"]
IMPROVE_KOBO = ["drogi", "szkoly", "transport", "kultura", "zdrowie"]
AGREE = ["Zdecydowanie się nie zgadzam", "Raczej się nie zgadzam",
         "Ani się zgadzam, ani się nie zgadzam", "Raczej się zgadzam",
         "Zdecydowanie się zgadzam"]
NO_OPINION = "Trudno powiedzieć"
WORDS = ["park", "chodnik", "autobus", "świetlica", "boisko", "ścieżka", "oświetlenie",
         "biblioteka", "przychodnia", "plac zabaw", "rynek", "most"]
HOSTILE = ["<script>alert('x')</script>", "=HYPERLINK(\"http://evil\",\"klik\")",
           "+48 600 100 200 proszę dzwonić", "@SUM(A1:A9)", "<img src=x onerror=alert(1)>",
           "Tak, ale; \"cudzysłów\" i\nnowa linia"]


def ascii_slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower().replace(" ", "_")


def people(members: list[dict], n: int, seed: int, youth: bool = False) -> list[dict]:
    """n made-up respondents: gmina, sex, age and the answers they gave (by label/index)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        gmina = rng.choice(members)
        person = {"n": i + 1, "gmina": gmina, "sex": rng.choice("fm"),
                  "age": rng.randint(13, 19) if youth else rng.randint(16, 90),
                  "stay": rng.randrange(3) if rng.random() > 0.05 else None,
                  "improve": sorted(rng.sample(range(5), rng.randint(0, 3))),
                  "agree": (None if rng.random() < 0.05 else
                            "dk" if rng.random() < 0.08 else rng.randrange(5)),
                  "household": rng.randint(1, 8) if rng.random() > 0.1 else None,
                  "remark": (rng.choice(HOSTILE) if rng.random() < 0.1 else
                             " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 8)))
                             if rng.random() < 0.4 else None),
                  "when": dt.datetime(2024, 3, 1, 8) + dt.timedelta(minutes=rng.randint(0, 40000)),
                  "lat": round(rng.uniform(52.8, 53.1), 6), "lon": round(rng.uniform(22.3, 22.7), 6)}
        out.append(person)
    return out


def expected(person: dict, fmt: str) -> dict:
    """What load_responses must give back for one respondent (answers keyed by the codes the
    import gives the questions of this format)."""
    codes = {"limesurvey": ("Q1", "Q2", "Q3[SQ001]", "Q4", "Q5"),
             "google_forms": ("q5", "q6", "q7", "q8", "q9"),
             "kobo": ("staz", "poprawa", "ocena", "gospodarstwo", "uwagi")}[fmt]
    answers = {}
    if person["stay"] is not None:
        answers[codes[0]] = {"limesurvey": STAY_CODES, "google_forms": STAY,
                             "kobo": STAY_KOBO}[fmt][person["stay"]]
    if person["improve"]:
        answers[codes[1]] = [{"limesurvey": [f"SQ00{k + 1}" for k in range(5)],
                              "google_forms": IMPROVE, "kobo": IMPROVE_KOBO}[fmt][k]
                             for k in person["improve"]]
    if isinstance(person["agree"], int):
        answers[codes[2]] = person["agree"] + 1
    if person["household"] is not None:
        answers[codes[3]] = person["household"]
    if person["remark"] is not None:
        answers[codes[4]] = person["remark"].strip()
    return answers


def _csv(header: list[str], rows: list[list], delimiter: str = ",", quote_all: bool = False
         ) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n",
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def limesurvey(persons: list[dict], *, delimiter: str = ",") -> str:
    """"Export responses", CSV, question codes as headings, answer codes (LimeSurvey quotes
    every field)."""
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "gmina", "plec", "wiek",
              "Q1", *[f"Q2[SQ00{k + 1}]" for k in range(5)], "Q3[SQ001]", "Q4", "Q5"]
    rows = []
    for p in persons:
        rows.append([
            p["n"], p["when"].strftime("%Y-%m-%d %H:%M:%S"), 3, "pl", 1000 + p["n"],
            p["gmina"]["teryt"], "K" if p["sex"] == "f" else "M", p["age"],
            STAY_CODES[p["stay"]] if p["stay"] is not None else "",
            *["Y" if k in p["improve"] else "" for k in range(5)],
            "" if p["agree"] is None else "" if p["agree"] == "dk" else p["agree"] + 1,
            "" if p["household"] is None else p["household"],
            p["remark"] or ""])
    return _csv(header, rows, delimiter, quote_all=True)


def google_forms(persons: list[dict], *, polish: bool = True, names: dict | None = None) -> str:
    """"Download responses (.csv)": the time first, full question texts as headings,
    checkbox answers joined by ", "; gminas by name (``names``: TERYT -> the name written)."""
    header = ["Sygnatura czasowa" if polish else "Timestamp", "Adres e-mail",
              "W jakiej gminie mieszkasz?", "Płeć", "Ile masz lat?",
              "Jak długo mieszkasz w gminie?", "Co należy poprawić w pierwszej kolejności?",
              "W mojej gminie dobrze się żyje", "Ile osób liczy Twoje gospodarstwo domowe?",
              "Uwagi"]
    rows = []
    for p in persons:
        hour = p["when"].strftime("%I:%M:%S %p")
        rows.append([
            p["when"].strftime("%Y/%m/%d ") + hour + " GMT+1", f"osoba{p['n']}@example.org",
            (names or {}).get(p["gmina"]["teryt"], p["gmina"]["name"]),
            "Kobieta" if p["sex"] == "f" else "Mężczyzna", p["age"],
            STAY[p["stay"]] if p["stay"] is not None else "",
            ", ".join(IMPROVE[k] for k in p["improve"]),
            "" if p["agree"] is None else NO_OPINION if p["agree"] == "dk" else AGREE[p["agree"]],
            "" if p["household"] is None else p["household"],
            p["remark"] or ""])
    return _csv(header, rows)


KOBO_AGREE = ["zdecydowanie_sie_nie_zgadzam", "raczej_sie_nie_zgadzam",
              "ani_sie_zgadzam_ani_sie_nie_zgadzam", "raczej_sie_zgadzam",
              "zdecydowanie_sie_zgadzam"]


def kobo_rows(persons: list[dict], names: dict | None = None) -> tuple[list[str], list[list]]:
    """KoboToolbox's export, XML values and headers, group names included ("/")."""
    header = ["start", "end", "dane/gmina", "dane/plec", "dane/wiek", "pytania/staz",
              "pytania/poprawa", *[f"pytania/poprawa/{c}" for c in IMPROVE_KOBO],
              "pytania/ocena", "pytania/gospodarstwo", "pytania/uwagi", "lokalizacja",
              "_lokalizacja_latitude", "_lokalizacja_longitude", "_lokalizacja_altitude",
              "_lokalizacja_precision", "_id", "_uuid", "_submission_time",
              "_validation_status", "_notes", "_status", "_submitted_by", "__version__",
              "_tags", "_index"]
    rows = []
    for p in persons:
        when = p["when"] - dt.timedelta(hours=1)  # Kobo writes UTC
        rows.append([
            p["when"].isoformat() + ".000+01:00", p["when"].isoformat() + ".000+01:00",
            (names or {}).get(p["gmina"]["teryt"], p["gmina"]["teryt"]),
            "kobieta" if p["sex"] == "f" else "mezczyzna", p["age"],
            STAY_KOBO[p["stay"]] if p["stay"] is not None else "",
            " ".join(IMPROVE_KOBO[k] for k in p["improve"]),
            *[("1" if k in p["improve"] else "0") if p["improve"] else "" for k in range(5)],
            "" if p["agree"] is None else "nie_wiem" if p["agree"] == "dk"
            else KOBO_AGREE[p["agree"]],
            "" if p["household"] is None else p["household"], p["remark"] or "",
            f"{p['lat']} {p['lon']} 140 5", p["lat"], p["lon"], 140, 5,
            500000 + p["n"], str(uuid.UUID(int=p["n"])), when.strftime("%Y-%m-%dT%H:%M:%S"),
            "", "", "submitted_via_web", "", "vXyZ", "", p["n"]])
    return header, rows


def kobo_csv(persons: list[dict], names: dict | None = None) -> str:
    header, rows = kobo_rows(persons, names)
    return _csv(header, rows, delimiter=";")


def kobo_xlsx(persons: list[dict], path, names: dict | None = None) -> None:
    from openpyxl import Workbook

    header, rows = kobo_rows(persons, names)
    book = Workbook()
    sheet = book.active
    sheet.title = "Ankieta"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, as Kobo writes it, not a formula
    book.save(path)


# --- the database side of the import tests (services and web alike) ---------------------

@pytest.fixture(autouse=True, scope="module")
def leave_no_surveys(reference_engine, partnerships_loaded):
    """The reference database is shared by the session: the made-up surveys of a module are
    removed afterwards (diagnoses and results of other tests never see them)."""
    with reference_engine.connect() as conn:
        last = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM survey")).scalar_one()
    yield
    with reference_engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM survey WHERE id > :last"), {"last": last})


@pytest.fixture(scope="module")
def members(reference_engine, partnerships_loaded):
    """P's gminas as the import reads them (the respondents' gminas)."""
    from services.surveys.gminas import partnership_gminas

    with reference_engine.connect() as conn:
        return partnership_gminas(conn, P)


def survey_counts(engine, tables=("survey", "survey_question", "survey_response")) -> tuple:
    """How many rows the survey tables hold (what a refused import must leave as it was)."""
    with engine.connect() as conn:
        return tuple(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                     for t in tables)
