"""The diagnosis page in the workspace, its downloads and the API, with the access rules."""

from __future__ import annotations

import subprocess

import pytest
import sqlalchemy as sa
from babel.numbers import format_decimal

from tests.services.test_diagnosis import HOSTILE, expected_numbers, prepare
from tests.web.conftest import browser_sign_in, sign_in

WAIT = 60_000


@pytest.fixture(scope="module")
def ready(reference_engine, indicator_reports, partnerships_loaded, accounts, tmp_path_factory):
    from services.planning.partnerships import import_partnerships

    prepare(reference_engine)
    path = tmp_path_factory.mktemp("hostile") / "hostile.csv"
    path.write_text("partnership_id,partnership_name,member_teryt,member_kind,role\n"
                    f'DW1,"{HOSTILE.replace(chr(34), chr(34) * 2)}",1261011,gmina,leader\n',
                    encoding="utf-8")
    import_partnerships(reference_engine, path, programme="DIAGNOSIS-WEB-TEST")
    yield reference_engine
    with reference_engine.begin() as conn:  # other tests count the example partnerships
        conn.execute(sa.text("DELETE FROM partnership WHERE id = 'DW1'"))


def client_of(app, email):
    client = app.test_client()
    sign_in(client, email)
    return client


def test_who_may_see_the_diagnosis(app, ready, anonymous):
    assert anonymous.get("/partnerships/P01/diagnosis").status_code == 302
    assert anonymous.get("/api/v1/partnerships/P01/diagnosis").status_code == 401
    for email in ("expert2@test.pl", "marshal12@test.pl"):
        client = client_of(app, email)
        assert client.get("/partnerships/P01/diagnosis").status_code == 404
        assert client.get("/api/v1/partnerships/P01/diagnosis?format=pdf").status_code == 404
    marshal = client_of(app, "marshal20@test.pl")
    body = marshal.get("/api/v1/partnerships/P01/diagnosis").get_json()
    assert body["population"]["value"] == pytest.approx(
        expected_numbers(ready, "P01")["population"])
    assert body["partnership"]["id"] == "P01" and "history" in body


def test_api_formats_and_bad_parameters(app, ready):
    client = client_of(app, "ministry@test.pl")
    pdf = client.get("/api/v1/partnerships/P01/diagnosis?format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF") and "attachment" in pdf.headers["Content-Disposition"]
    docx = client.get("/api/v1/partnerships/P01/diagnosis?format=docx&lang=en")
    assert docx.status_code == 200 and docx.data.startswith(b"PK")
    for query, reason in (("format=odt", "format must be one of json, pdf, docx, html"),
                          ("format=pdf&lang=de", "lang must be one of pl, en"),
                          ("format=pdf&year=abc", "year must be a whole number"),
                          ("year=1800", "year must be between 1950 and 2100")):
        client.get("/?lang=en")  # the English wording; lang=de is the document's language
        response = client.get(f"/api/v1/partnerships/P01/diagnosis?{query}")
        assert response.status_code == 400, query
        assert reason in response.get_json()["detail"]
    assert client.get("/api/v1/partnerships/NOPE/diagnosis").status_code == 404


def test_page_escapes_names_and_says_when_newer_data_exist(app, ready):
    from services.indicators import derived

    client = client_of(app, "admin@test.pl")
    client.get("/partnerships/DW1/diagnosis?format=html")
    page = client.get("/partnerships/DW1/diagnosis").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "nowsze dane" not in page.split('class="diagnosis-doc"')[0]
    derived.dependency_ratio(ready)  # new load of the indicator: the document is outdated
    page = client.get("/partnerships/DW1/diagnosis").get_data(as_text=True)
    assert "Od wygenerowania ostatniego dokumentu pojawiły się nowsze dane" in page
    english = client.get("/partnerships/DW1/diagnosis?lang=en").get_data(as_text=True)
    assert "Diagnosis of the partnership&#39;s area" in english
    assert "Newer data have arrived since the last document was generated" in english


@pytest.mark.browser
def test_open_the_diagnosis_from_the_workspace_and_download_pdf_and_docx(page, live_url,
                                                                         ready, tmp_path):
    browser_sign_in(page, live_url)
    page.goto(live_url + "/partnerships/P01")
    page.click("#diagnosis-link")
    page.wait_for_selector("article.diagnosis-doc h1", timeout=WAIT)
    assert "Ziemia Wysokomazowiecka" in page.inner_text("article.diagnosis-doc h1")
    assert page.locator("article.diagnosis-doc img[data-picture]").count() == 3
    want = expected_numbers(ready, "P01")
    population = format_decimal(want["population"], format="#,##0", locale="pl_PL")
    assert population in page.inner_text("article.diagnosis-doc table.facts")
    files = {}
    for fmt in ("pdf", "docx"):
        with page.expect_download(timeout=WAIT) as info:
            page.click(f"a[data-format={fmt}]")
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        files[fmt] = target
    assert files["pdf"].name.startswith("diagnoza_P01_") and files["pdf"].suffix == ".pdf"
    text = subprocess.run(["pdftotext", str(files["pdf"]), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert population.replace("\u00a0", " ") in text  # pdftotext writes it as a space
    assert files["docx"].read_bytes().startswith(b"PK")
    assert [u for u in page.requested if not u.startswith(live_url)] == []


@pytest.mark.browser
def test_hostile_name_never_runs_in_the_browser(browser, live_url, ready):
    context = browser.new_context()  # under the real Content-Security-Policy
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    browser_sign_in(page, live_url, "admin@test.pl")
    page.goto(live_url + "/partnerships/DW1/diagnosis")
    page.wait_for_selector("article.diagnosis-doc h1", timeout=WAIT)
    assert "<script>alert(1)</script>" in page.inner_text("article.diagnosis-doc h1")
    assert dialogs == []
    context.close()


@pytest.mark.browser
def test_the_diagnosis_fits_a_phone(browser, live_url, ready):
    """At 390×844 the page never scrolls sideways: wide tables (the generated documents, the
    indicators) scroll in their own box, and every column stays reachable there."""
    from services.diagnosis.documents import generate

    generate(ready, "P01", "docx")  # a row in "Generated documents"
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    browser_sign_in(page, live_url)
    page.goto(live_url + "/partnerships/P01/diagnosis")
    page.wait_for_selector("article.diagnosis-doc h1", timeout=WAIT)
    history = page.locator("details.history")
    if history.get_attribute("open") is None:
        page.click("details.history summary")
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.body.scrollWidth") <= 390
    # The history's last column: inside the page once its box is scrolled to the right.
    box = page.locator("details.history .table-scroll")
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    author = page.locator("details.history thead th").nth(3)
    assert author.inner_text() == "Autor"
    right = page.evaluate("""() => Math.max(...[...document.querySelectorAll(
        'details.history thead th')].map(th => th.getBoundingClientRect().right))""")
    assert right <= 390
    for table in page.locator("article.diagnosis-doc table").all():
        rect = table.bounding_box()
        assert rect["x"] >= 0 and rect["x"] + rect["width"] <= 390 + 0.5, rect
    context.close()
