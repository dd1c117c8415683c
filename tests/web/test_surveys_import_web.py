"""Survey imports on the web: the API (multipart upload, preview, import, list, read,
delete, who may do what) and the page, driven in Chromium: upload -> preview -> correct ->
import, at 390x844 and by keyboard, with markup in the answers shown as text."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa

from tests.services import survey_exports as gen
from tests.web.conftest import PASSWORD, sign_in

P = gen.P
leave_no_surveys, members = gen.leave_no_surveys, gen.members  # fixtures, once a module


def upload(client, url: str, text: str, name: str = "ankieta.csv", **form):
    data = {"file": (io.BytesIO(text.encode("utf-8")), name), **form}
    return client.post(url, data=data, content_type="multipart/form-data")


def counts(engine) -> tuple:
    return gen.survey_counts(engine, ("survey", "survey_response"))


def test_api_preview_import_read_delete(app, expert, members, reference_engine):
    persons = gen.people(members, 60, seed=21)
    text = gen.limesurvey(persons)
    base = f"/api/v1/partnerships/{P}/surveys"
    shown = upload(expert, base + "/preview", text)
    assert shown.status_code == 200, shown.get_data(as_text=True)
    body = shown.get_json()
    assert body["format"] == "limesurvey" and body["responses"] == 60 and body["importable"]
    same = upload(expert, base + "?preview=1", text).get_json()
    assert same["questions"] == body["questions"]
    before = counts(reference_engine)
    done = upload(expert, base, text, kind="youth", title="Młodzi 2024",
                  mapping=json.dumps({"questions": {"Q5": {"skip": True}}}))
    assert done.status_code == 201, done.get_data(as_text=True)
    sid = done.get_json()["id"]
    assert counts(reference_engine) == (before[0] + 1, before[1] + 60)
    listed = expert.get(base).get_json()
    assert sid in [s["id"] for s in listed]
    one = expert.get(f"{base}/{sid}").get_json()
    assert one["kind"] == "youth" and "Q5" not in [q["code"] for q in one["questions"]]
    assert one["mapping"]["questions"] == {"Q5": {"skip": True}}
    assert expert.get(f"/api/v1/partnerships/P02/surveys/{sid}").status_code == 404
    assert expert.delete(f"{base}/{sid}").status_code == 204
    assert expert.get(f"{base}/{sid}").status_code == 404


def test_api_refuses_bad_uploads_with_row_and_column(app, expert, members, reference_engine):
    base = f"/api/v1/partnerships/{P}/surveys"
    persons = gen.people(members, 10, seed=22)
    persons[4]["n"] = persons[1]["n"]
    before = counts(reference_engine)
    answer = upload(expert, base, gen.limesurvey(persons), kind="residents", title="x")
    assert answer.status_code == 422
    problem = answer.get_json()
    # In the user's language (Polish unless asked otherwise), naming the line and column.
    assert problem["detail"] == ("wiersz 6, kolumna 'id': identyfikator odpowiedzi '2'"
                                 " powtarza wiersz 3")
    assert problem["problems"] == [problem["detail"]]  # the list too (probe12)
    assert upload(expert, base, "", kind="residents", title="x").status_code == 422
    wrong = upload(expert, base, gen.limesurvey(persons), name="a.pdf", kind="residents",
                   title="x")
    assert wrong.status_code == 400 and ".pdf" in wrong.get_json()["detail"]
    bad_mapping = upload(expert, base + "/preview", gen.limesurvey(persons), mapping="{nope")
    assert bad_mapping.status_code == 400 and "mapping" in bad_mapping.get_json()["detail"]
    no_file = expert.post(base + "/preview", data={}, content_type="multipart/form-data")
    assert no_file.status_code == 400
    assert counts(reference_engine) == before


def test_who_may_import_and_read(app, anonymous, members, reference_engine):
    base = f"/api/v1/partnerships/{P}/surveys"
    text = gen.limesurvey(gen.people(members, 5, seed=23))
    assert anonymous.get(base).status_code == 401
    marshal = app.test_client()
    sign_in(marshal, "marshal20@test.pl")
    assert marshal.get(base).status_code == 200
    assert upload(marshal, base + "/preview", text).status_code == 403
    other = app.test_client()
    sign_in(other, "expert2@test.pl")  # P04's expert
    assert other.get(base).status_code == 404
    assert upload(other, base, text, kind="residents", title="x").status_code == 404
    workspace = marshal.get(f"/partnerships/{P}").get_data(as_text=True)
    assert f'href="/partnerships/{P}/surveys" id="surveys-link"' in workspace
    page = marshal.get(f"/partnerships/{P}/surveys").get_data(as_text=True)
    assert "survey-list" in page or "no-surveys" in page
    assert 'id="survey-upload"' not in page  # reading only


def test_upload_preview_correct_import_in_the_browser(browser, live_url, accounts, members,
                                                     reference_engine, tmp_path):
    """At 390x844, by keyboard: upload a Google Forms export whose gmina names are
    ambiguous, decide the gmina and a question's kind in the preview, import."""
    persons = gen.people(members, 40, seed=24)
    persons[0]["remark"] = "<img src=x onerror=\"window.hacked=1\">"
    path = tmp_path / "odpowiedzi.csv"
    path.write_text(gen.google_forms(persons), encoding="utf-8")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # Signed in straight to the surveys page (the map pages are heavy for this test).
        page.goto(f"{live_url}/login?next=/partnerships/{P}/surveys")
        page.fill("input[name=email]", "expert@test.pl")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation(timeout=60_000):
            page.click("form.form button[type=submit]")
        assert page.url == f"{live_url}/partnerships/{P}/surveys", page.url
        page.set_input_files("#survey-file", str(path))
        page.focus("#survey-title")
        page.keyboard.type("Ankieta mieszkańców 2024")
        page.focus("#survey-preview-button")
        page.keyboard.press("Enter")
        page.wait_for_selector("#survey-preview:not([hidden])")
        problems = page.inner_text("#preview-problems")
        assert "Wysokie Mazowieckie" in problems
        unresolved = page.locator("#preview-gminas tr.unresolved select")
        assert unresolved.count() == 1
        unresolved.focus()
        unresolved.select_option("2013102")
        kind = page.locator("select#kind-q8")  # household size: a number, taken as text
        kind.focus()
        kind.select_option("text")
        page.focus("#survey-repreview")
        page.keyboard.press("Enter")
        page.wait_for_selector("#preview-problems", state="hidden")
        assert page.locator("select#kind-q8").input_value() == "text"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.focus("#survey-import")
        page.keyboard.press("Enter")
        page.wait_for_url("**/surveys?imported=*")
        assert page.locator("#survey-list").get_by_text("Ankieta mieszkańców 2024").count()
        assert page.locator("#imported-note").is_visible()
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= 390
        # Deleting it from the list, by keyboard, after confirming.
        page.once("dialog", lambda dialog: dialog.accept())
        delete = page.locator("#survey-list button.survey-delete")
        assert delete.is_visible()
        delete.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("#survey-list tbody tr", state="detached")
        assert page.evaluate("window.hacked") is None and not errors
    finally:
        context.close()
    with reference_engine.connect() as conn:
        sid, n, deleted = conn.execute(sa.text(
            "SELECT id, responses, deleted FROM survey"
            " WHERE title = 'Ankieta mieszkańców 2024'")).one()
        kinds = dict(conn.execute(sa.text(
            "SELECT code, kind FROM survey_question WHERE survey_id = :id"), {"id": sid}).all())
        twins = conn.execute(sa.text(
            "SELECT count(*) FROM survey_response WHERE survey_id = :id AND gmina = '2013102'"),
            {"id": sid}).scalar_one()
    assert n == 40 and kinds["q8"] == "text" and deleted
    assert twins == sum(p["gmina"]["name"] == "Wysokie Mazowieckie" for p in persons)


def test_formats_and_kinds_come_from_their_tables(expert, partnerships_loaded):
    """SURVEY_FORMATS and SURVEY_KINDS are read by the command line, the OpenAPI document
    and the page alike."""
    import re

    from services.surveys.formats import SURVEY_FORMATS
    from services.surveys.store import SURVEY_KINDS
    from tests.web.test_roles_table import _choices

    assert _choices("surveys", "import", "format") == tuple(SURVEY_FORMATS)
    assert _choices("surveys", "import", "kind") == SURVEY_KINDS
    spec = expert.get("/api/v1/openapi.json").get_json()
    form = spec["paths"]["/api/v1/partnerships/{pid}/surveys"]["post"]["requestBody"][
        "content"]["multipart/form-data"]["schema"]["properties"]
    assert form["format"]["enum"] == list(SURVEY_FORMATS)
    assert form["kind"]["enum"] == list(SURVEY_KINDS)
    for lang in ("pl", "en"):
        page = expert.get(f"/partnerships/{P}/surveys?lang={lang}").get_data(as_text=True)
        chosen = page[page.index('id="survey-format"'):]
        options = re.findall(r'<option value="([a-z_]+)">([^<]+)</option>', chosen)
        assert options[:len(SURVEY_FORMATS)] == [(f.code, f.label(lang))
                                                 for f in SURVEY_FORMATS.values()]
    expert.get("/?lang=pl")


def test_more_than_50_mb_is_refused_before_reading(expert, reference_engine):
    before = counts(reference_engine)
    big = b"id,submitdate\r\n" + b"x" * (50 * 1024 * 1024)
    answer = expert.post(f"/api/v1/partnerships/{P}/surveys", data={
        "file": (io.BytesIO(big), "big.csv"), "kind": "residents", "title": "x"},
        content_type="multipart/form-data")
    assert answer.status_code == 413
    assert answer.mimetype == "application/problem+json"
    assert counts(reference_engine) == before
