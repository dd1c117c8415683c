"""Map consultations: opening, submitting, every refused input (nothing written), moderation,
results and exports, on the real boundaries of the example partnerships."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import geopandas as gpd
import pytest
import sqlalchemy as sa

from core.errors import BadRequest, Conflict, InvalidInput, NotFound
from services.access.rules import Forbidden, Principal
from services.consultations import manage, results, submit, times
from services.consultations.kinds import CATEGORIES, HONEYPOT, LIMITS

EXPERT = Principal(1, "expert-consult@test.pl", "expert", partnerships=frozenset({"P01"}))
OTHER = Principal(2, "expert-other@test.pl", "expert", partnerships=frozenset({"P04"}))
SEA = (18.6, 55.2)  # the Baltic north of Gdańsk
KRAKOW = (19.94, 50.06)  # inside Poland, far from podlaskie
SECRET = "test-secret-key-of-the-app"  # as PARTNERSTWA_SECRET_KEY


def counts(engine) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                     for t in ("consultation", "consultation_submission", "consultation_place",
                               "audit_log"))


@pytest.fixture(scope="module")
def inside(reference_engine, partnerships_loaded) -> list[tuple[float, float]]:
    """Points on the surface of P01's member gminas (lon, lat), from PostGIS."""
    with reference_engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_PointOnSurface(g.geom), 4326)"
            " AS p FROM partnership_member m JOIN gmina g ON g.teryt = m.teryt"
            " WHERE m.partnership_id = 'P01' AND m.member_kind = 'gmina' ORDER BY g.teryt) s"
        )).all()
    return [(float(x), float(y)) for x, y in rows]


def new_consultation(engine, **extra) -> dict:
    data = {"title": "Konsultacja testowa", "introduction": "Wskaż miejsca.",
            "controller": "Starostwo Powiatowe w Wysokiem Mazowieckiem",
            "purpose": "diagnoza do strategii partnerstwa",
            "slug": f"test-{uuid.uuid4().hex[:10]}",
            "questions": [{"text": "Czy zostaniesz w gminie?", "kind": "single",
                           "options": ["tak", "nie", "nie wiem"]},
                          {"text": "Co poprawić?", "kind": "text"}], **extra}
    return manage.open_consultation(engine, "P01", data, actor=EXPERT)


def send(engine, slug, body, address) -> dict:
    """A submission as the app makes it: client hashes keyed by the app's secret."""
    return submit.submit(engine, slug, body, address, secret=SECRET)


def point(lon_lat, category="problem", comment="dziura w drodze") -> dict:
    return {"category": category, "comment": comment,
            "geometry": {"type": "Point", "coordinates": list(lon_lat)}}


def test_open_is_idempotent_with_the_same_slug_and_audited(reference_engine, partnerships_loaded):
    before = counts(reference_engine)
    first = new_consultation(reference_engine)
    again = manage.open_consultation(reference_engine, "P01", {
        "title": "Konsultacja testowa", "controller": "x", "purpose": "y",
        "slug": first["slug"]}, actor=EXPERT)
    assert first["created"] and not again["created"] and again["id"] == first["id"]
    assert [c["code"] for c in first["categories"]] == list(CATEGORIES)
    assert counts(reference_engine)[0] == before[0] + 1
    assert counts(reference_engine)[3] == before[3] + 1  # one audit entry
    with pytest.raises(Conflict):
        manage.open_consultation(reference_engine, "P01", {
            "title": "Inny tytuł", "controller": "x", "purpose": "y", "slug": first["slug"]},
            actor=EXPERT)


def test_only_the_partnerships_experts_open_one(reference_engine, partnerships_loaded):
    before = counts(reference_engine)
    with pytest.raises(NotFound):
        manage.open_consultation(reference_engine, "P01", {"title": "t", "controller": "c",
                                                           "purpose": "p"}, actor=OTHER)
    reader = Principal(3, "m@test.pl", "ministry")
    with pytest.raises(Forbidden):
        manage.open_consultation(reference_engine, "P01", {"title": "t", "controller": "c",
                                                           "purpose": "p"}, actor=reader)
    assert counts(reference_engine) == before


@pytest.mark.parametrize(("data", "field"), [
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"controller": ""}, "controller"),
    ({"slug": "Zła Nazwa!"}, "slug"),
    ({"categories": ["nonsense"]}, "categories"),
    ({"questions": [{"text": "q", "kind": "single", "options": ["only one"]}]},
     "questions.0.options"),
    ({"questions": [{"text": f"q{i}", "kind": "text"} for i in range(6)]}, "questions"),
    ({"opens_at": "2026-05-01", "closes_at": "2026-04-01"}, "closes_at"),
    ({"opens_at": "jutro"}, "opens_at"),
    # probe12: year 1 east of Greenwich was a 500 (OverflowError); 9999 is a typo
    ({"opens_at": "0001-01-01T00:00:00+01:00"}, "opens_at"),
    ({"closes_at": "9999-12-31"}, "closes_at"),
])
def test_bad_consultations_are_refused(reference_engine, partnerships_loaded, data, field):
    before = counts(reference_engine)
    with pytest.raises(InvalidInput) as caught:
        new_consultation(reference_engine, **data)
    assert caught.value.details["field"] == field
    assert counts(reference_engine) == before


def test_a_submission_is_stored_without_the_address(reference_engine, inside):
    c = new_consultation(reference_engine, allow_lines=True, allow_areas=True)
    lon, lat = inside[0]
    line = {"category": "idea", "comment": "ścieżka rowerowa",
            "geometry": {"type": "LineString", "coordinates": [[lon, lat],
                                                               [lon + 0.01, lat + 0.005]]}}
    area = {"category": "valued_place", "comment": "",
            "geometry": {"type": "Polygon", "coordinates": [[
                [lon, lat], [lon + 0.005, lat], [lon + 0.005, lat + 0.004], [lon, lat]]]}}
    answer = send(reference_engine, c["slug"], {
        "places": [point(inside[0]), line, area],
        "answers": {"q1": "tak", "q2": "więcej autobusów"}}, "203.0.113.7")
    assert answer["places"] == 3
    with reference_engine.connect() as conn:
        row = conn.execute(sa.text("SELECT client_hash, answers::text FROM"
                                   " consultation_submission WHERE id = :i"),
                           {"i": answer["id"]}).one()
        dump = conn.execute(sa.text(
            "SELECT string_agg(t::text, '') FROM consultation_submission t"
            " WHERE consultation_id = :c"), {"c": c["id"]}).scalar_one()
        kinds = conn.execute(sa.text(
            "SELECT array_agg(GeometryType(geom) ORDER BY id), bool_and(ST_SRID(geom) = 2180)"
            " FROM consultation_place WHERE submission_id = :i"), {"i": answer["id"]}).one()
    assert len(row.client_hash) == 64 and "203.0.113.7" not in dump
    assert json.loads(row.answers) == {"q1": "tak", "q2": "więcej autobusów"}
    assert kinds[0] == ["POINT", "LINESTRING", "POLYGON"] and kinds[1]


def refused(engine, slug, body, address="198.51.100.1", error=InvalidInput) -> Exception:
    before = counts(engine)
    with pytest.raises(error) as caught:
        send(engine, slug, body, address)
    assert counts(engine) == before, "nothing is written when a submission is refused"
    return caught.value


def test_a_point_in_the_sea_or_outside_the_partnership_is_refused(reference_engine, inside):
    c = new_consultation(reference_engine)
    for where in (SEA, KRAKOW):
        error = refused(reference_engine, c["slug"],
                        {"places": [point(inside[1]), point(where)]})
        assert "place 2 lies outside the partnership" in error.message
        assert error.details["field"] == "places.1.geometry"


@pytest.mark.parametrize(("body", "words", "field"), [
    ({"places": []}, "at least one place", "places"),
    ({"places": "x"}, "at least one place", "places"),
    ({"places": [None]}, "place 1 must be an object", "places.0"),
    ({"places": [{"category": "spam", "geometry": {"type": "Point", "coordinates": [22, 52]}}]},
     "category must be one of", "places.0.category"),
    ({"places": [{"category": "idea", "comment": "x" * (LIMITS.comment + 1),
                  "geometry": {"type": "Point", "coordinates": [22, 52]}}]},
     f"place 1: the comment is longer than {LIMITS.comment:,}", "places.0.comment"),
    ({"places": [{"category": "idea", "geometry": {"type": "Point",
                                                   "coordinates": [1e308, 52]}}]},
     "degrees", "places.0.geometry"),
    ({"places": [{"category": "idea", "geometry": {"type": "LineString",
                                                   "coordinates": [[22, 52], [22.1, 52]]}}]},
     "must be a GeoJSON Point", "places.0.geometry"),
    ({"places": [{"category": "idea", "geometry": {"type": "Point", "coordinates": [22, 52]}}],
      "answers": {"q1": "może"}}, "question 1 (“Czy zostaniesz w gminie?”): choose one",
     "answers.q1"),
    ({"places": [{"category": "idea", "geometry": {"type": "Point", "coordinates": [22, 52]}}],
      "answers": {"q9": "x"}}, "no question", "answers.q9"),
    ({"places": [{"category": "idea", "geometry": {"type": "Point", "coordinates": [22, 52]}}],
      "answers": {"q2": "x" * (LIMITS.answer + 1)}},
     f"question 2 (“Co poprawić?”): the answer is longer than {LIMITS.answer:,}",
     "answers.q2"),
])
def test_bad_places_and_answers_are_refused(reference_engine, partnerships_loaded, body, words,
                                            field):
    c = new_consultation(reference_engine)
    error = refused(reference_engine, c["slug"], body)
    assert words in error.message and error.details["field"] == field


def test_too_many_places(reference_engine, inside):
    c = new_consultation(reference_engine)
    error = refused(reference_engine, c["slug"],
                    {"places": [point(inside[0])] * (LIMITS.places + 1)})
    assert f"at most {LIMITS.places} places" in error.message


def test_the_honeypot(reference_engine, inside):
    c = new_consultation(reference_engine)
    error = refused(reference_engine, c["slug"],
                    {"places": [point(inside[0])], HONEYPOT: "http://spam.example"},
                    error=BadRequest)
    assert HONEYPOT in error.message


def test_closed_and_not_yet_open_consultations_refuse(reference_engine, inside):
    closed = new_consultation(reference_engine)
    manage.close_consultation(reference_engine, closed["id"], actor=EXPERT)
    assert "closed" in refused(reference_engine, closed["slug"], {"places": [point(inside[0])]},
                               error=Conflict).message
    later = datetime.now(UTC) + timedelta(days=3)
    future = new_consultation(reference_engine, opens_at=later.isoformat(),
                              closes_at=(later + timedelta(days=9)).isoformat())
    assert "opens on" in refused(reference_engine, future["slug"],
                                 {"places": [point(inside[0])]}, error=Conflict).message
    refused(reference_engine, "no-such-consultation", {"places": [point(inside[0])]},
            error=NotFound)


def test_a_flood_from_one_client_gets_429_and_others_still_answer(reference_engine, inside):
    c = new_consultation(reference_engine)
    for _ in range(LIMITS.per_client):
        send(reference_engine, c["slug"], {"places": [point(inside[2])]}, "192.0.2.9")
    error = refused(reference_engine, c["slug"], {"places": [point(inside[2])]}, "192.0.2.9",
                    error=submit.TooManySubmissions)
    assert error.status == 429 and "try again later" in error.message
    assert error.code == "too_many_requests"  # a stable code with a translated title
    assert send(reference_engine, c["slug"], {"places": [point(inside[2])]},
                "192.0.2.10")["places"] == 1


def test_markup_is_stored_as_text(reference_engine, inside):
    c = new_consultation(reference_engine)
    markup = "<script>alert(1)</script><img src=x onerror=alert(2)> & 'x'"
    send(reference_engine, c["slug"], {"places": [point(inside[0], comment=markup)]},
         "192.0.2.30")
    listed = results.places(reference_engine, c["id"], actor=EXPERT)
    assert listed["features"][0]["properties"]["comment"] == markup


def test_moderation_hides_with_a_reason_and_nothing_is_deleted(reference_engine, inside):
    c = new_consultation(reference_engine)
    send(reference_engine, c["slug"], {"places": [point(inside[0]),
                                                  point(inside[1], "idea")]},
         "192.0.2.40")
    place_id = results.places(reference_engine, c["id"], actor=EXPERT)["features"][0]["id"]
    before = counts(reference_engine)
    with pytest.raises(InvalidInput):
        results.moderate(reference_engine, place_id, hide=True, reason=" ", actor=EXPERT)
    with pytest.raises(NotFound):
        results.moderate(reference_engine, place_id, hide=True, reason="spam", actor=OTHER)
    assert counts(reference_engine) == before
    hidden = results.moderate(reference_engine, place_id, hide=True, reason="wulgaryzmy",
                              actor=EXPERT)
    assert hidden["hidden"] and hidden["hidden_by"] == EXPERT.label
    summary = results.summary(reference_engine, c["id"], actor=EXPERT, permutations=99)
    assert summary["hidden"] == 1 and summary["places"] == 1
    assert summary["per_category"] == {"problem": 0, "idea": 1, "valued_place": 0}
    shown = results.moderate(reference_engine, place_id, hide=False, actor=EXPERT)
    assert not shown["hidden"] and shown["hidden_reason"] is None
    with reference_engine.begin() as conn, pytest.raises(sa.exc.DBAPIError):
        conn.execute(sa.text("DELETE FROM consultation_place WHERE id = :i"), {"i": place_id})
    assert counts(reference_engine)[2] == before[2]


def test_exports_read_back(reference_engine, inside, tmp_path):
    import pyogrio

    c = new_consultation(reference_engine)
    markup = "=HYPERLINK(\"http://x\")"
    send(reference_engine, c["slug"], {"places": [point(inside[0], comment=markup),
                                                  point(inside[3], "idea", "ławki")]},
         "192.0.2.50")
    gpkg = results.export(reference_engine, c["id"], "gpkg", tmp_path / "k.gpkg", actor=EXPERT)
    frame = gpd.read_file(tmp_path / "k.gpkg", layer=gpkg["layers"][0])
    assert len(frame) == 2 and frame.crs.to_epsg() == 2180
    assert sorted(frame["category"]) == ["idea", "problem"]
    data, name = results.export_bytes(reference_engine, c["id"], "csv", actor=EXPERT)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert name.endswith(".csv") and [r["Komentarz"] for r in rows] == ["'" + markup, "ławki"]
    assert [r["Kategoria"] for r in rows] == ["problem", "pomysł"]
    data, _ = results.export_bytes(reference_engine, c["id"], "shp", actor=EXPERT)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert any(n.endswith(".cpg") for n in names) and any(n.endswith(".prj") for n in names)
        zf.extractall(tmp_path / "shp")
    shp = next((tmp_path / "shp").glob("*.shp"))
    assert pyogrio.read_info(shp)["features"] == 2
    with pytest.raises(BadRequest):
        results.export(reference_engine, c["id"], "docx", tmp_path / "x", actor=EXPERT)


def test_the_diagnosis_gets_a_section_only_with_answers(reference_engine, partnerships_loaded):
    from services.diagnosis.compute import data_versions, diagnose
    from services.diagnosis.view import blocks

    expert = Principal(9, "expert-p02@test.pl", "expert", partnerships=frozenset({"P02"}))
    with reference_engine.connect() as conn:
        assert not any(k.startswith("consultation") for k in data_versions(conn, "P03"))
        lon, lat = conn.execute(sa.text(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) p"
            " FROM partnership WHERE id = 'P02') s")).one()
    before = diagnose(reference_engine, "P02")
    assert "consultations" not in before
    c = manage.open_consultation(reference_engine, "P02", {
        "title": "Diagnoza P02", "controller": "Lider", "purpose": "diagnoza",
        "slug": f"diag-{uuid.uuid4().hex[:8]}", "opens_at": "2020-06-01",
        "closes_at": "2099-12-31"}, actor=expert)
    assert diagnose(reference_engine, "P02")["numbers_hash"] == before["numbers_hash"]
    send(reference_engine, c["slug"], {"places": [
        point((lon, lat), "idea"), point((lon, lat), "problem"),
        point((lon, lat), "problem")]}, "192.0.2.77")
    after = diagnose(reference_engine, "P02")
    section = after["consultations"][0]
    assert section["submissions"] == 1 and section["hidden"] == 0
    # Polish days, not the UTC dates of the moments (2020-05-31 22:00 and 2099-12-31 23:00).
    assert (section["opens"], section["closes"]) == ("2020-06-01", "2099-12-31")
    assert section["per_category"] == {"problem": 2, "idea": 1, "valued_place": 0}
    headings = [b.text for b in blocks(after, "pl", {}) if b.kind in ("h2", "h3")]
    # Sections are numbered in the order they appear (services/diagnosis/view.py).
    assert any(re.fullmatch(r"(\d+\. )?Konsultacje mapowe \(geoankiety\)", h)
               for h in headings), headings
    assert "Konsultacja: Diagnoza P02" in headings


def test_the_command_line_opens_once_and_prints_the_address(reference_db_url, monkeypatch,
                                                            capsys, partnerships_loaded):
    from scripts import language
    from scripts.cli import build_parser

    monkeypatch.setenv("DATABASE_URL", reference_db_url)
    monkeypatch.setattr(language, "_current", language.current())
    language.use("en")  # the CLI speaks Polish by default; these words are its English
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    line = ["consultations", "open", "--partnership", "P01", "--slug", slug, "--title",
            "Konsultacja demonstracyjna", "--controller", "Demonstracja", "--purpose",
            "wypróbowanie", "--base-url", "http://127.0.0.1:5000"]
    for expected in ("opened", "already open"):
        args = build_parser().parse_args(line)
        assert args.func(args) == 0
        out = capsys.readouterr().out
        assert expected in out and f"http://127.0.0.1:5000/k/{slug}" in out
    args = build_parser().parse_args(["consultations", "list", "--partnership", "P01"])
    args.func(args)
    assert f"/k/{slug}\topen\t0 answers" in capsys.readouterr().out


def test_geometry_problems_are_translated_whole_and_a_line_without_length_is_named(
        reference_engine, inside):
    """probe12: the problem of a position was an English parameter inside a Polish message;
    a line of two equal positions was called an area crossing itself."""
    import gettext as gettext_module
    from pathlib import Path

    catalogue = gettext_module.translation(
        "messages", Path(__file__).parents[2] / "web" / "translations", languages=["pl"])
    c = new_consultation(reference_engine, allow_lines=True)
    error = refused(reference_engine, c["slug"], {"places": [
        {"category": "idea", "geometry": {"type": "Point", "coordinates": [True, False]}}]})
    assert error.render(catalogue.gettext) == (
        "miejsce 1: położenie musi mieć postać [długość, szerokość geograficzna]")
    lon, lat = inside[0]
    error = refused(reference_engine, c["slug"], {"places": [
        {"category": "idea", "geometry": {"type": "LineString",
                                          "coordinates": [[lon, lat], [lon, lat]]}}]})
    assert error.details["field"] == "places.0.geometry"
    assert error.render(catalogue.gettext) == (
        "miejsce 1: linia ma zerową długość; narysuj ją ponownie")


def test_comments_and_answers_are_masked_for_readers_who_are_not_its_experts(
        reference_engine, inside):
    """probe12: the marshal office and the ministry read the places; e-mails, phones and
    PESEL-like numbers in comments and open answers are masked for them (as survey open
    answers are hidden), while the partnership's experts moderate what was written."""
    ministry = Principal(3, "ministry-consult@test.pl", "ministry")
    c = new_consultation(reference_engine)
    send(reference_engine, c["slug"], {
        "places": [point(inside[0], comment="pisz: jan@example.pl, tel. 600 100 200")],
        "answers": {"q2": "PESEL 85010112345"}}, "192.0.2.77")
    seen = results.places(reference_engine, c["id"], actor=ministry)["features"][0]
    assert seen["properties"]["comment"] == "pisz: [e-mail], tel. [tel.]"
    assert seen["properties"]["answers"] == {"q2": "PESEL [PESEL]"}
    data, _ = results.export_bytes(reference_engine, c["id"], "csv", actor=ministry)
    text = data.decode("utf-8")
    assert "[e-mail]" in text and "jan@example.pl" not in text and "85010112345" not in text
    own = results.places(reference_engine, c["id"], actor=EXPERT)["features"][0]
    assert own["properties"]["comment"] == "pisz: jan@example.pl, tel. 600 100 200"
    data, _ = results.export_bytes(reference_engine, c["id"], "csv", actor=EXPERT)
    assert "85010112345" in data.decode("utf-8")


def test_one_ipv6_network_is_one_client(reference_engine, inside):
    """probe12: any address of a /64 is one client for the rate limit (a phone picks new
    IPv6 addresses in its /64 at will); another /64 is another client."""
    assert submit.client_key("2001:db8:1:2::5") == submit.client_key("2001:db8:1:2:ffff::9")
    assert submit.client_key("2001:db8:1:3::5") != submit.client_key("2001:db8:1:2::5")
    assert submit.client_key("::ffff:192.0.2.1") == "192.0.2.1"
    c = new_consultation(reference_engine)
    for n in range(LIMITS.per_client):
        send(reference_engine, c["slug"], {"places": [point(inside[1])]},
             f"2001:db8:7:7::{n + 1:x}")
    refused(reference_engine, c["slug"], {"places": [point(inside[1])]}, "2001:db8:7:7:1::1",
            error=submit.TooManySubmissions)
    assert send(reference_engine, c["slug"], {"places": [point(inside[1])]},
                "2001:db8:7:8::1")["places"] == 1


def test_the_summary_is_computed_once_per_version_of_the_answers(reference_engine, inside,
                                                                  monkeypatch):
    """Gi* takes a second for a few hundred places: a reloaded page is answered from memory
    until an answer arrives or a moderation changes the set of visible places."""
    computed = []
    real = results._summary

    def counting(*args, **kwargs):
        computed.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(results, "_summary", counting)
    c = new_consultation(reference_engine)
    send(reference_engine, c["slug"], {"places": [point(inside[0]), point(inside[0], "idea")]},
         "192.0.2.90")

    def summary(permutations=99):
        return results.summary(reference_engine, c["id"], actor=EXPERT,
                               permutations=permutations)

    first = summary()
    assert first["places"] == 2 and len(computed) == 1
    first["per_category"]["idea"] = 99  # a caller's change stays its own
    again = summary()
    assert len(computed) == 1 and again["per_category"]["idea"] == 1
    assert {k: v for k, v in again.items() if k != "per_category"} == \
        {k: v for k, v in first.items() if k != "per_category"}
    with pytest.raises(NotFound):  # the reader is checked on every call, cached or not
        results.summary(reference_engine, c["id"], actor=OTHER, permutations=99)
    summary(permutations=199)
    assert len(computed) == 2  # other parameters, another answer

    send(reference_engine, c["slug"], {"places": [point(inside[1], "valued_place")]},
         "192.0.2.91")
    more = summary()
    assert len(computed) == 3 and more["submissions"] == 2 and more["places"] == 3
    assert more["per_category"] == {"problem": 1, "idea": 1, "valued_place": 1}

    place_id = results.places(reference_engine, c["id"], actor=EXPERT)["features"][0]["id"]
    results.moderate(reference_engine, place_id, hide=True, reason="spam", actor=EXPERT)
    hidden = summary()
    assert len(computed) == 4 and hidden["hidden"] == 1 and hidden["places"] == 2
    assert summary() == hidden and len(computed) == 4
    # Shown again: the same places as before the moderation, so the answer kept for them.
    results.moderate(reference_engine, place_id, hide=False, actor=EXPERT)
    assert summary() == more and len(computed) == 4


def test_client_hashes_are_keyed_by_the_apps_secret_not_by_the_database(reference_engine,
                                                                         inside):
    """A dump of the database alone no longer lets anyone try every address: the key of
    client_hash is derived from the app's secret, which the database does not hold."""
    import hashlib
    import hmac

    c = new_consultation(reference_engine)
    sent = send(reference_engine, c["slug"], {"places": [point(inside[0])]}, "203.0.113.9")
    key = hmac.new(SECRET.encode(), b"partnerstwa consultation client_hash v1",
                   hashlib.sha256).digest()
    with reference_engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT client_hash FROM consultation_submission"
                                      " WHERE id = :i"), {"i": sent["id"]}).scalar_one()
        secret_tables = conn.execute(sa.text(
            "SELECT array_agg(relname) FROM pg_class WHERE relname LIKE '%secret%'"
            " OR relname LIKE '%salt%'")).scalar_one()
        dump = conn.execute(sa.text(
            "SELECT string_agg(t::text, '') FROM consultation_submission t"
            " WHERE consultation_id = :c"), {"c": c["id"]}).scalar_one()
    assert stored == hmac.new(key, b"203.0.113.9", hashlib.sha256).hexdigest()
    assert stored != hashlib.sha256(b"203.0.113.9").hexdigest()
    assert secret_tables is None  # consultation_secret is gone (migration 0013)
    assert SECRET not in dump and key.hex() not in dump
    # Another secret, another client: a changed key starts the per-client limit afresh.
    assert submit.client_hash("another-secret", "203.0.113.9") != stored
    assert submit.client_hash(SECRET, "2001:db8:1:2::5") == hmac.new(
        key, b"2001:db8:1:2::/64", hashlib.sha256).hexdigest()
    with pytest.raises(ValueError):
        submit.client_hash("", "203.0.113.9")


def test_the_csv_opens_in_polish_excel(reference_engine, inside):
    """``;``, a byte-order mark, decimal commas, Polish headers and words, one column per
    question headed by its text, the time sent in Polish time; English on request."""
    from zoneinfo import ZoneInfo

    c = new_consultation(reference_engine, questions=[
        {"text": "Czy zostaniesz w gminie?", "kind": "single", "options": ["tak", "nie"]},
        {"text": "Co lubisz?", "kind": "multiple", "options": ["las", "rzekę", "rynek"]},
        {"text": "Co poprawić?", "kind": "text"}])
    first = send(reference_engine, c["slug"], {
        "places": [point(inside[0], "idea", "ławki"), point(inside[1], "valued_place", "")],
        "answers": {"q1": "nie", "q2": ["las", "rynek"], "q3": "chodniki"}}, "192.0.2.60")
    send(reference_engine, c["slug"], {"places": [point(inside[2])]}, "192.0.2.61")
    listed = results.places(reference_engine, c["id"], actor=EXPERT)["features"]
    results.moderate(reference_engine, listed[2]["id"], hide=True, reason="spam", actor=EXPERT)
    data, _ = results.export_bytes(reference_engine, c["id"], "csv", actor=EXPERT)
    assert data.startswith("\ufeff".encode())
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    header, *rows = list(reader)
    assert header == ["Nr miejsca", "Nr odpowiedzi", "Kategoria", "Kształt", "Komentarz",
                      "Wysłano (czas polski)", "Ukryte", "Powód ukrycia",
                      "Długość geograficzna", "Szerokość geograficzna",
                      "Pytanie 1: Czy zostaniesz w gminie?", "Pytanie 2: Co lubisz?",
                      "Pytanie 3: Co poprawić?"]
    table = [dict(zip(header, r, strict=True)) for r in rows]
    assert [r["Kategoria"] for r in table] == ["pomysł", "cenne miejsce", "problem"]
    assert [r["Kształt"] for r in table] == ["punkt"] * 3
    numbers = [r["Nr odpowiedzi"] for r in table]
    assert numbers[:2] == [str(first["id"])] * 2 and numbers[2] != numbers[0]
    assert [r["Pytanie 1: Czy zostaniesz w gminie?"] for r in table] == ["nie", "nie", ""]
    assert table[0]["Pytanie 2: Co lubisz?"] == "las; rynek"
    assert table[1]["Pytanie 3: Co poprawić?"] == "chodniki"
    assert [r["Ukryte"] for r in table] == ["nie", "nie", "tak"]
    assert table[2]["Powód ukrycia"] == "spam"
    lon, lat = inside[0]
    assert table[0]["Długość geograficzna"] == f"{round(lon, 6):.6f}".rstrip("0").replace(
        ".", ",")
    assert abs(float(table[0]["Szerokość geograficzna"].replace(",", ".")) - lat) < 1e-6
    sent = datetime.fromisoformat(listed[0]["properties"]["created_at"])
    assert table[0]["Wysłano (czas polski)"] == sent.astimezone(
        ZoneInfo("Europe/Warsaw")).strftime("%Y-%m-%d %H:%M")
    english, _ = results.export_bytes(reference_engine, c["id"], "csv", actor=EXPERT,
                                      lang="en")
    header, first_row = list(csv.reader(io.StringIO(english.decode("utf-8-sig")),
                                        delimiter=";"))[:2]
    assert header[2] == "Category" and header[10] == "Question 1: Czy zostaniesz w gminie?"
    assert first_row[2] == "idea" and first_row[6] == "no"


# -- dates: a date is the whole Polish day ---------------------------------------------------

def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(("closes", "last_in", "first_out"), [
    ("2026-12-31", "2026-12-31T22:30:00+00:00", "2026-12-31T23:00:01+00:00"),  # CET, UTC+1
    ("2026-07-31", "2026-07-31T21:59:59+00:00", "2026-07-31T22:00:01+00:00"),  # CEST, UTC+2
])
def test_a_closing_date_takes_answers_through_the_whole_polish_day(reference_engine, inside,
                                                                   closes, last_in, first_out):
    c = new_consultation(reference_engine, opens_at="2026-06-01", closes_at=closes)
    offset = 1 if closes.endswith("12-31") else 2
    assert at(c["closes_at"]) == at(f"{closes}T00:00:00+00:00") + timedelta(hours=24 - offset)
    assert at(c["opens_at"]) == at("2026-06-01T00:00:00+02:00")  # 00:00 in Warsaw (CEST)
    body = {"places": [point(inside[0])]}
    assert submit.submit(reference_engine, c["slug"], body, "192.0.2.70", secret=SECRET,
                         now=at(last_in))["places"] == 1
    before = counts(reference_engine)
    with pytest.raises(Conflict) as caught:
        submit.submit(reference_engine, c["slug"], body, "192.0.2.71", secret=SECRET,
                      now=at(first_out))
    assert "closed" in caught.value.message and counts(reference_engine) == before
    shown = times.shown(c)
    assert shown["closes"] == (closes, "24:00") and shown["last_day"] == closes
    assert shown["opens"] == ("2026-06-01", "00:00")


def test_an_opening_date_starts_at_midnight_polish_time(reference_engine, inside):
    c = new_consultation(reference_engine, opens_at="2026-12-01", closes_at="2026-12-02")
    body = {"places": [point(inside[0])]}
    with pytest.raises(Conflict) as caught:
        submit.submit(reference_engine, c["slug"], body, "192.0.2.72", secret=SECRET,
                      now=at("2026-11-30T22:59:59+00:00"))
    assert "2026-12-01 00:00 (Polish time)" in caught.value.message
    assert submit.submit(reference_engine, c["slug"], body, "192.0.2.72", secret=SECRET,
                         now=at("2026-11-30T23:00:00+00:00"))["places"] == 1


def test_a_time_without_an_offset_is_polish_time_and_the_last_day_round_trips(
        reference_engine, partnerships_loaded):
    c = new_consultation(reference_engine, opens_at="2026-03-01T08:00",
                         closes_at="2026-03-29T12:30")  # the day summer time starts
    assert at(c["opens_at"]) == at("2026-03-01T07:00:00+00:00")
    assert at(c["closes_at"]) == at("2026-03-29T10:30:00+00:00")
    assert times.shown(c)["closes"] == ("2026-03-29", "12:30")
    # The edit form shows the last day; sending it back closes at the end of that day.
    changed = manage.update_consultation(reference_engine, c["id"], {
        "closes_at": times.shown(c)["last_day"]}, actor=EXPERT)
    assert at(changed["closes_at"]) == at("2026-03-29T22:00:00+00:00")  # 24:00 CEST


@pytest.mark.parametrize("written", ["2026-12-31", "20261231"])
def test_a_date_alone_in_either_iso_form_is_the_whole_polish_day(written):
    # 24:00 on 31 December in Warsaw (UTC+1) is 23:00 UTC; the day opens at 23:00 UTC before.
    assert times.moment_of(written, closing=True) == datetime(2026, 12, 31, 23, tzinfo=UTC)
    assert times.moment_of(written, closing=False) == datetime(2026, 12, 30, 23, tzinfo=UTC)
