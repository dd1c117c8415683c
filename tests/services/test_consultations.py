"""Map consultations: opening, submitting, every refused input (nothing written), moderation,
results and exports, on the real boundaries of the example partnerships."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import geopandas as gpd
import pytest
import sqlalchemy as sa

from core.errors import BadRequest, Conflict, InvalidInput, NotFound
from services.access.rules import Forbidden, Principal
from services.consultations import manage, results, submit
from services.consultations.kinds import CATEGORIES, HONEYPOT, LIMITS

EXPERT = Principal(1, "expert-consult@test.pl", "expert", partnerships=frozenset({"P01"}))
OTHER = Principal(2, "expert-other@test.pl", "expert", partnerships=frozenset({"P04"}))
SEA = (18.6, 55.2)  # the Baltic north of Gdańsk
KRAKOW = (19.94, 50.06)  # inside Poland, far from podlaskie


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
    answer = submit.submit(reference_engine, c["slug"], {
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
        submit.submit(engine, slug, body, address)
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
     f"longer than {LIMITS.comment}", "places.0.comment"),
    ({"places": [{"category": "idea", "geometry": {"type": "Point",
                                                   "coordinates": [1e308, 52]}}]},
     "degrees", "places.0.geometry"),
    ({"places": [{"category": "idea", "geometry": {"type": "LineString",
                                                   "coordinates": [[22, 52], [22.1, 52]]}}]},
     "must be a GeoJSON Point", "places.0.geometry"),
    ({"places": [{"category": "idea", "geometry": {"type": "Point", "coordinates": [22, 52]}}],
      "answers": {"q1": "może"}}, "answer to q1", "answers.q1"),
    ({"places": [{"category": "idea", "geometry": {"type": "Point", "coordinates": [22, 52]}}],
      "answers": {"q9": "x"}}, "no question", "answers.q9"),
    ({"places": [{"category": "idea", "geometry": {"type": "Point", "coordinates": [22, 52]}}],
      "answers": {"q2": "x" * (LIMITS.answer + 1)}}, "at most", "answers.q2"),
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
        submit.submit(reference_engine, c["slug"], {"places": [point(inside[2])]}, "192.0.2.9")
    error = refused(reference_engine, c["slug"], {"places": [point(inside[2])]}, "192.0.2.9",
                    error=submit.TooManySubmissions)
    assert error.status == 429 and "try again later" in error.message
    assert error.code == "too_many_requests"  # a stable code with a translated title
    assert submit.submit(reference_engine, c["slug"], {"places": [point(inside[2])]},
                         "192.0.2.10")["places"] == 1


def test_markup_is_stored_as_text(reference_engine, inside):
    c = new_consultation(reference_engine)
    markup = "<script>alert(1)</script><img src=x onerror=alert(2)> & 'x'"
    submit.submit(reference_engine, c["slug"], {"places": [point(inside[0], comment=markup)]},
                  "192.0.2.30")
    listed = results.places(reference_engine, c["id"], actor=EXPERT)
    assert listed["features"][0]["properties"]["comment"] == markup


def test_moderation_hides_with_a_reason_and_nothing_is_deleted(reference_engine, inside):
    c = new_consultation(reference_engine)
    submit.submit(reference_engine, c["slug"], {"places": [point(inside[0]),
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
    submit.submit(reference_engine, c["slug"], {"places": [point(inside[0], comment=markup),
                                                           point(inside[3], "idea", "ławki")]},
                  "192.0.2.50")
    gpkg = results.export(reference_engine, c["id"], "gpkg", tmp_path / "k.gpkg", actor=EXPERT)
    frame = gpd.read_file(tmp_path / "k.gpkg", layer=gpkg["layers"][0])
    assert len(frame) == 2 and frame.crs.to_epsg() == 2180
    assert sorted(frame["category"]) == ["idea", "problem"]
    data, name = results.export_bytes(reference_engine, c["id"], "csv", actor=EXPERT)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert name.endswith(".csv") and [r["comment"] for r in rows] == ["'" + markup, "ławki"]
    assert rows[0]["WKT"].startswith("POINT")
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
        "slug": f"diag-{uuid.uuid4().hex[:8]}"}, actor=expert)
    assert diagnose(reference_engine, "P02")["numbers_hash"] == before["numbers_hash"]
    submit.submit(reference_engine, c["slug"], {"places": [
        point((lon, lat), "idea"), point((lon, lat), "problem"),
        point((lon, lat), "problem")]}, "192.0.2.77")
    after = diagnose(reference_engine, "P02")
    section = after["consultations"][0]
    assert section["submissions"] == 1 and section["hidden"] == 0
    assert section["per_category"] == {"problem": 2, "idea": 1, "valued_place": 0}
    headings = [b.text for b in blocks(after, "pl", {}) if b.kind in ("h2", "h3")]
    assert "Konsultacje mapowe (geoankiety)" in headings
    assert "Konsultacja: Diagnoza P02" in headings


def test_the_command_line_opens_once_and_prints_the_address(reference_db_url, monkeypatch,
                                                            capsys, partnerships_loaded):
    from scripts.cli import build_parser

    monkeypatch.setenv("DATABASE_URL", reference_db_url)
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
    submit.submit(reference_engine, c["slug"], {
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
        submit.submit(reference_engine, c["slug"], {"places": [point(inside[1])]},
                      f"2001:db8:7:7::{n + 1:x}")
    refused(reference_engine, c["slug"], {"places": [point(inside[1])]}, "2001:db8:7:7:1::1",
            error=submit.TooManySubmissions)
    assert submit.submit(reference_engine, c["slug"], {"places": [point(inside[1])]},
                         "2001:db8:7:8::1")["places"] == 1
