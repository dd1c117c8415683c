"""The consultation API and pages through the app: who may do what, the public endpoint's
CSRF exemption and Origin check, no session for residents, markup never rendered."""

from __future__ import annotations

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
    assert ">2099-07-01 12:00</time>" in html and " UTC</time>" not in html  # CEST
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
