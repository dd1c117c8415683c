"""The consultation API and pages through the app: who may do what, the public endpoint's
CSRF exemption and Origin check, no session for residents, markup never rendered."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from tests.web.conftest import sign_in

BODY = {"title": "Konsultacja API", "controller": "Starostwo", "purpose": "strategia",
        "questions": [{"text": "Czy zostaniesz?", "kind": "single", "options": ["tak", "nie"]}]}


@pytest.fixture(scope="module")
def inside(reference_engine, partnerships_loaded):
    with reference_engine.connect() as conn:
        return [tuple(map(float, r)) for r in conn.execute(sa.text(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_PointOnSurface(g.geom), 4326)"
            " p FROM partnership_gmina pg JOIN gmina g ON g.teryt = pg.gmina_teryt"
            " WHERE pg.partnership_id = 'P01' ORDER BY g.teryt) s"))]


def opened(client, **extra) -> dict:
    response = client.post("/api/v1/partnerships/P01/consultations",
                           json={**BODY, "slug": f"api-{uuid.uuid4().hex[:8]}", **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_anonymous_and_other_experts_cannot_open_or_read(app, expert, anonymous, accounts):
    assert anonymous.get("/api/v1/partnerships/P01/consultations").status_code == 401
    assert anonymous.post("/api/v1/partnerships/P01/consultations",
                          json=BODY).status_code in (400, 401)
    other = app.test_client()
    sign_in(other, "expert2@test.pl")
    assert other.post("/api/v1/partnerships/P01/consultations",
                      json={**BODY, "slug": "zakazana-1"}).status_code == 404
    ministry = app.test_client()
    sign_in(ministry, "ministry@test.pl")
    assert ministry.post("/api/v1/partnerships/P01/consultations",
                         json={**BODY, "slug": "zakazana-2"}).status_code == 403
    c = opened(expert)
    assert other.get(f"/api/v1/partnerships/P01/consultations/{c['id']}").status_code == 404
    assert ministry.get(f"/api/v1/partnerships/P01/consultations/{c['id']}").status_code == 200
    assert expert.get(f"/api/v1/partnerships/P02/consultations/{c['id']}").status_code == 404


def test_a_consultation_without_answers_has_an_empty_summary(expert):
    c = opened(expert)
    base = f"/api/v1/partnerships/P01/consultations/{c['id']}"
    response = expert.get(base + "/summary")
    assert response.status_code == 200, response.get_json()
    summary = response.get_json()
    assert (summary["submissions"], summary["places"], summary["hidden"]) == (0, 0, 0)
    assert set(summary["per_category"].values()) == {0}
    assert summary["hexagons"] is None and summary["hot_spots"] == []
    assert expert.get(f"/partnerships/P01/consultations/{c['id']}").status_code == 200


def test_a_resident_answers_without_a_session_and_the_expert_moderates(app, expert, inside):
    c = opened(expert)
    resident = app.test_client()
    page = resident.get(f"/k/{c['slug']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert "Starostwo" in html and "strategia" in html and 'lang="pl"' in html
    assert "<script>" not in html  # nothing inline: data in application/json blocks
    markup = "<img src=x onerror=alert(1)>"
    sent = resident.post(f"/k/{c['slug']}/submissions", json={
        "places": [{"category": "problem", "comment": markup,
                    "geometry": {"type": "Point", "coordinates": list(inside[0])}}],
        "answers": {"q1": "tak"}}, headers={"Origin": "http://localhost"})
    assert sent.status_code == 201, sent.get_json()
    foreign = resident.post(f"/k/{c['slug']}/submissions", json={
        "places": [{"category": "problem",
                    "geometry": {"type": "Point", "coordinates": list(inside[0])}}]},
        headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    # A signed-in expert answering on the public page needs no CSRF token either.
    assert expert.post(f"/k/{c['slug']}/submissions", json={
        "places": [{"category": "idea",
                    "geometry": {"type": "Point", "coordinates": list(inside[1])}}]},
        environ_base={"HTTP_X_CSRF_TOKEN": ""}).status_code == 201
    base = f"/api/v1/partnerships/P01/consultations/{c['id']}"
    places = expert.get(base + "/places").get_json()["features"]
    assert [p["properties"]["comment"] for p in places] == [markup, ""]
    hidden = expert.post(f"{base}/places/{places[0]['id']}/moderation",
                         json={"hidden": True, "reason": "treść niezwiązana"})
    assert hidden.status_code == 200 and hidden.get_json()["hidden"]
    summary = expert.get(base + "/summary").get_json()
    assert summary["hidden"] == 1 and summary["per_category"]["idea"] == 1
    detail = expert.get(f"/partnerships/P01/consultations/{c['id']}").get_data(as_text=True)
    assert markup not in detail  # comments reach the page as JSON text, drawn as text nodes
    export = expert.get(base + "/export?format=csv")
    assert export.status_code == 200 and "treść niezwiązana" in export.get_data(as_text=True)
    assert expert.get(base + "/export?format=docx").status_code == 400


def test_the_public_page_of_a_missing_or_closed_consultation(app, expert, anonymous):
    assert anonymous.get("/k/nie-ma-takiej").status_code == 404
    c = opened(expert)
    closed = expert.patch(f"/api/v1/partnerships/P01/consultations/{c['id']}",
                          json={"status": "closed"})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    page = anonymous.get(f"/k/{c['slug']}?lang=en").get_data(as_text=True)
    assert "This consultation is closed" in page
    refused = anonymous.post(f"/k/{c['slug']}/submissions", json={"places": [
        {"category": "idea", "geometry": {"type": "Point", "coordinates": [22.5, 52.9]}}]},
        headers={"Accept": "application/json"})
    assert refused.status_code == 409


def test_the_workspace_links_to_the_consultations(expert, partnerships_loaded):
    page = expert.get("/partnerships/P01").get_data(as_text=True)
    assert 'href="/partnerships/P01/consultations"' in page
    listing = expert.get("/partnerships/P01/consultations")
    assert listing.status_code == 200 and 'id="new-consultation"' in listing.get_data(as_text=True)


def test_experts_edit_a_consultation_but_not_its_questions_once_answered(expert, inside):
    c = opened(expert)
    base = f"/api/v1/partnerships/P01/consultations/{c['id']}"
    changed = expert.patch(base, json={"title": "Nowy tytuł", "closes_at": "2099-01-31"})
    assert changed.status_code == 200 and changed.get_json()["title"] == "Nowy tytuł"
    assert changed.get_json()["slug"] == c["slug"]
    assert expert.patch(base, json={"closes_at": "2000-01-01"}).status_code == 422
    assert expert.post(f"/k/{c['slug']}/submissions", json={"places": [
        {"category": "idea", "geometry": {"type": "Point", "coordinates": list(inside[2])}}]}
    ).status_code == 201
    refused = expert.patch(base, json={"questions": [{"text": "Inne pytanie", "kind": "text"}]})
    assert refused.status_code == 409 and refused.get_json()["field"] == "questions"
    page = expert.get(f"/partnerships/P01/consultations/{c['id']}").get_data(as_text=True)
    assert 'id="edit-consultation"' in page and "Nowy tytuł" in page


def test_the_public_page_names_same_named_gminas_and_closes_in_polish_time(app, expert):
    """probe12: P01 holds two gminas called Wysokie Mazowieckie (the town 2013011 and the
    rural gmina 2013102); the gmina list told them apart by nothing. The closing time was
    shown in UTC to residents of Poland."""
    c = opened(expert, closes_at="2099-07-01T10:00:00+00:00")
    html = app.test_client().get(f"/k/{c['slug']}").get_data(as_text=True)
    assert ">Wysokie Mazowieckie (gmina miejska)</option>" in html
    assert ">Wysokie Mazowieckie (gmina wiejska)</option>" in html
    assert ">Ciechanowiec</option>" in html  # a unique name stays as it is
    assert ">2099-07-01, godz. 12:00</time> czasu polskiego" in html  # CEST
    assert " UTC" not in html
    english = app.test_client().get(f"/k/{c['slug']}?lang=en").get_data(as_text=True)
    assert ">Wysokie Mazowieckie (rural gmina)</option>" in english


def test_a_flood_is_told_when_to_retry_in_the_header(app, expert, inside):
    c = opened(expert)
    resident = app.test_client()
    body = {"places": [{"category": "problem",
                        "geometry": {"type": "Point", "coordinates": list(inside[2])}}]}
    # one address (the test client's) sends more than its share
    answers = [resident.post(f"/k/{c['slug']}/submissions", json=body,
                             environ_base={"REMOTE_ADDR": "198.51.100.77"},
                             headers={"Origin": "http://localhost"}).status_code
               for _ in range(11)]
    assert answers[:10] == [201] * 10
    refused = resident.post(f"/k/{c['slug']}/submissions", json=body,
                            environ_base={"REMOTE_ADDR": "198.51.100.77"},
                            headers={"Origin": "http://localhost"})
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(refused.get_json()["retry_after"])
    assert int(refused.headers["Retry-After"]) > 0


def test_the_client_hash_is_keyed_by_the_apps_secret(app, expert, inside, reference_engine):
    """The app's secret key (PARTNERSTWA_SECRET_KEY, or the one generated into the cache
    folder when none is set, as here) keys the client hash: HMAC-SHA256, recomputed here."""
    import hashlib
    import hmac

    c = opened(expert)
    sent = app.test_client().post(
        f"/k/{c['slug']}/submissions", environ_base={"REMOTE_ADDR": "198.51.100.88"},
        headers={"Origin": "http://localhost"}, json={"places": [
            {"category": "idea", "geometry": {"type": "Point", "coordinates": list(inside[3])}}]})
    assert sent.status_code == 201, sent.get_json()
    with reference_engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT client_hash FROM consultation_submission"
                                      " WHERE id = :i"), {"i": sent.get_json()["id"]}).scalar_one()
    assert app.secret_key
    key = hmac.new(app.secret_key.encode(), b"partnerstwa consultation client_hash v1",
                   hashlib.sha256).digest()
    assert stored == hmac.new(key, b"198.51.100.88", hashlib.sha256).hexdigest()


def test_a_closing_date_is_shown_as_the_end_of_that_polish_day(app, expert):
    """The walk: "Zamknięcie 2026-12-31" was stored as 00:00 UTC and the page said "Otwarta
    do 2026-12-31 01:00"; residents lost the last day. The date now closes at 24:00 Polish
    time, and every page says which time it shows."""
    c = opened(expert, opens_at="2026-06-01", closes_at="2026-12-31")
    resident = app.test_client()
    html = resident.get(f"/k/{c['slug']}").get_data(as_text=True)
    assert ('Otwarta do <time datetime="2026-12-31T23:00:00+00:00">2026-12-31, godz. 24:00'
            "</time> czasu polskiego") in html
    english = resident.get(f"/k/{c['slug']}?lang=en").get_data(as_text=True)
    assert "Open until <time" in english and ">2026-12-31, 24:00</time> Polish time" in english
    detail = expert.get(f"/partnerships/P01/consultations/{c['id']}").get_data(as_text=True)
    assert "od 2026-06-01, godz. 00:00 do 2026-12-31, godz. 24:00 czasu polskiego" in detail
    assert 'name="closes_at" type="date" value="2026-12-31"' in detail  # the last day
    listing = expert.get("/partnerships/P01/consultations").get_data(as_text=True)
    assert "2026-06-01, godz. 00:00 – 2026-12-31, godz. 24:00" in listing
    later = opened(expert, opens_at="2099-05-01", closes_at="2099-05-31")
    waiting = app.test_client().get(f"/k/{later['slug']}").get_data(as_text=True)
    assert "Zostanie otwarta 2099-05-01, godz. 00:00 czasu polskiego." in waiting


def test_the_list_page_has_one_heading_per_level(expert, partnerships_loaded):
    """The walk: "Konsultacje mapowe" was read twice (the h1 and the table's caption)."""
    html = expert.get("/partnerships/P01/consultations").get_data(as_text=True)
    assert html.count("Konsultacje mapowe</") == 1  # the h1 only (the title is another tag)
    assert "<h1>Konsultacje mapowe</h1>" in html
    assert '<h2 id="list-heading">Konsultacje partnerstwa</h2>' in html


@pytest.mark.parametrize(("lang", "comment", "answer"), [
    ("pl", "miejsce 1: komentarz jest dłuższy niż 1\u00a0000 znaków (ma 1\u00a0001)",
     "pytanie 1 („Czy zostaniesz?”): wybierz jedną z odpowiedzi"),
    ("en", "place 1: the comment is longer than 1,000 characters (it has 1,001)",
     "question 1 (“Czy zostaniesz?”): choose one of its options"),
])
def test_refused_answers_name_the_place_and_the_question_not_a_path(app, expert, inside, lang,
                                                                     comment, answer):
    """The walk: residents read "pole „places.0.comment” jest dłuższe…" and "odpowiedź na
    q1: …"; the field stays in the problem's ``field`` for the page's script."""
    c = opened(expert)
    resident = app.test_client()
    where = {"type": "Point", "coordinates": list(inside[0])}
    url = f"/k/{c['slug']}/submissions?lang={lang}"
    long = resident.post(url, headers={"Origin": "http://localhost"}, json={
        "places": [{"category": "idea", "comment": "x" * 1001, "geometry": where}]})
    assert long.status_code == 422, long.get_json()
    assert long.get_json()["detail"] == comment
    assert long.get_json()["field"] == "places.0.comment"
    # an option that is not there, and a value of another kind (a number, a list, an object):
    # one message quoting the question, never a schema's words
    for given in ("może", 5, ["tak"], {"a": 1}):
        wrong = resident.post(url, headers={"Origin": "http://localhost"}, json={
            "places": [{"category": "idea", "geometry": where}], "answers": {"q1": given}})
        assert wrong.status_code == 422 and wrong.get_json()["detail"] == answer, given
        assert wrong.get_json()["field"] == "answers.q1"


def test_a_huge_submission_is_refused_before_it_is_read(app, expert, inside, reference_engine):
    """A public form's answer is small by nature: a body over its bound gets 413 at once (it
    used to be parsed and checked whole under the app's 50 MB bound, holding a worker)."""
    from services.consultations.kinds import LIMITS

    c = opened(expert)
    resident = app.test_client()
    place = {"category": "problem", "comment": "x",
             "geometry": {"type": "Point", "coordinates": list(inside[0])}}
    many = json.dumps({"places": [place] * (LIMITS.body_bytes // 60)})
    assert len(many) > LIMITS.body_bytes
    refused = resident.post(f"/k/{c['slug']}/submissions", data=many,
                            content_type="application/json")
    assert refused.status_code == 413
    assert "za duże" in refused.get_json()["detail"].lower() or "too large" in \
        refused.get_json()["detail"].lower()
    # The largest answer the limits allow still fits: 20 areas of 500 vertices, long comments.
    ring = [[inside[0][0] + 0.0001 * (i % 2), inside[0][1] + 0.0001 * i / 500]
            for i in range(499)]
    ring.append(ring[0])
    widest = {"places": [{"category": "idea", "comment": "ż" * LIMITS.comment,
                          "geometry": {"type": "Polygon", "coordinates": [ring]}}]
              * LIMITS.places}
    assert len(json.dumps(widest, ensure_ascii=False).encode()) < LIMITS.body_bytes
    with reference_engine.connect() as conn:
        stored = conn.execute(sa.text(
            "SELECT count(*) FROM consultation_submission WHERE consultation_id = :c"),
            {"c": c["id"]}).scalar_one()
    assert stored == 0
