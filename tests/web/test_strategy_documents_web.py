"""The strategy's documents, the spatial model and a project's reach over HTTP, and the model
page in Chromium (map, legend, keyboard, a phone's width)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from docx import Document

from services.planning.areas import create_area
from services.planning.projects import create_project
from services.strategy.goals import create_goal
from services.strategy.plans import update_plan
from services.strategy.texts import get_texts, update_texts
from tests.web.conftest import browser_sign_in, sign_in

PID = "P03"  # powiat hajnowski, advised by expert@test.pl
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NEXT_YEAR = dt.date.today().year + 1


@pytest.fixture(scope="module")
def p03(reference_engine, partnerships_loaded, indicator_reports):
    project = create_project(reference_engine, PID, {
        "title": "Centrum usług w Hajnówce", "theme": "usługi społeczne",
        "funding_source": "kpo", "cost_pln": "250000.00",
        "geometry": {"type": "Point", "coordinates": [23.585, 52.743]}})
    area = create_area(reference_engine, PID, {"name": "Puszcza Białowieska", "kind": "tourism",
                                                "gminas": ["2005022"]})
    # the browser tests also write P03's strategy: edit the version there is
    update_texts(reference_engine, PID, {
        "version": get_texts(reference_engine, PID)["version"],
        "intervention_areas": [{"area_id": area["id"],
                                              "rationale": "Turystyka i ochrona przyrody"}]})
    create_goal(reference_engine, PID, {
        "title": "Usługi bliżej mieszkańców", "dimension": "social",
        "indicators": [{"indicator": "population", "baseline_year": 2022,
                        "target_value": "40000", "target_year": NEXT_YEAR + 5}],
        "directions": [{"title": "Centra usług", "project_ids": [project["id"]]}]})
    update_plan(reference_engine, PID, project["id"], {
        "version": 1, "cofinancing_rate": "0.7", "split_method": "population",
        "tasks": [{"name": "Przebudowa budynku", "start": f"{NEXT_YEAR}-03-01",
                   "end": f"{NEXT_YEAR + 1}-06-30", "milestone": False}],
        "lines": [{"year": NEXT_YEAR, "category": "works", "total": "250000.00",
                   "eligible": "200000.00"}]})
    return {"project": project, "area": area}


def test_strategy_and_application_files(expert, p03):
    strategy = expert.get(f"/api/v1/partnerships/{PID}/strategy.docx")
    assert strategy.status_code == 200 and strategy.mimetype == DOCX
    assert re.match(r'attachment; filename="strategia_P03_\d{4}-\d{2}-\d{2}\.docx"',
                    strategy.headers["Content-Disposition"])
    assert strategy.headers["Cache-Control"] == "no-store"
    text = "\n".join(p.text for p in Document(io.BytesIO(strategy.data)).paragraphs)
    assert "Strategia rozwoju ponadlokalnego" in text and "14. Kompletność" in text
    pdf = expert.get(f"/api/v1/partnerships/{PID}/projects/{p03['project']['id']}"
                     "/application.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    english = expert.get(f"/api/v1/partnerships/{PID}/projects/{p03['project']['id']}"
                         "/application.docx?lang=en")
    doc = Document(io.BytesIO(english.data))
    assert "Preliminary funding application" in doc.paragraphs[0].text
    tables = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    own = [r for r in tables if r[0] == "Own contribution (PLN)"][0][1]
    # 250,000.00 minus 70% of 200,000.00
    assert Decimal(own.replace(",", "")) == Decimal("110000.00")


def test_bad_requests_say_why(expert, p03):
    wrong = expert.get(f"/api/v1/partnerships/{PID}/strategy.odt")
    assert wrong.status_code == 400 and "docx, pdf" in wrong.get_json()["detail"]
    assert expert.get(f"/api/v1/partnerships/{PID}/strategy.docx?lang=de").status_code == 400
    missing = expert.get(f"/api/v1/partnerships/{PID}/projects/987654321/application.docx")
    assert missing.status_code == 404
    other = expert.get(f"/api/v1/partnerships/P02/projects/{p03['project']['id']}/reach")
    assert other.status_code == 404


def test_who_may_read(app, accounts, anonymous, p03):
    assert anonymous.get(f"/api/v1/partnerships/{PID}/strategy.docx").status_code == 401
    assert anonymous.get(f"/api/v1/partnerships/{PID}/projects/{p03['project']['id']}"
                         "/reach").status_code == 401
    outsider = app.test_client()
    sign_in(outsider, "expert2@test.pl")  # advises P04 only
    assert outsider.get(f"/api/v1/partnerships/{PID}/strategy.pdf").status_code in (403, 404)
    assert outsider.get(f"/api/v1/partnerships/{PID}/strategy/model.png").status_code in (
        403, 404)


def test_reach_answers_with_the_method_and_year(expert, p03):
    answer = expert.get(f"/api/v1/partnerships/{PID}/projects/{p03['project']['id']}/reach")
    assert answer.status_code == 200
    body = answer.get_json()
    assert [b["radius_km"] for b in body["buffers"]] == [5, 10, 20]
    assert "2005011" in body["buffers"][0]["members_reached"]  # Hajnówka (town)
    assert body["population_year"] and "interpolacja" in body["method"]
    english = expert.get(f"/api/v1/partnerships/{PID}/projects/{p03['project']['id']}"
                         "/reach?lang=en").get_json()
    assert "areal interpolation" in english["method"]


def test_model_picture_and_page(expert, p03):
    png = expert.get(f"/api/v1/partnerships/{PID}/strategy/model.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    page = expert.get(f"/partnerships/{PID}/strategy/model").get_data(as_text=True)
    assert "Model struktury funkcjonalno-przestrzennej" in page
    assert "obszar strategicznej interwencji" in page and "Hajnówka" in page
    assert 'id="model-data"' in page


def test_model_page_in_the_browser(page, live_url, accounts, p03):
    browser_sign_in(page, live_url)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_url}/partnerships/{PID}/strategy/model")
    page.wait_for_selector("body[data-ready='1']")
    # The layers are drawn: gminas, the intervention area, the project and the towns.
    assert page.locator(".leaflet-interactive").count() >= 4
    assert page.locator(".leaflet-tooltip.town-label").count() >= 1
    legend = page.locator(".model-legend li")
    assert legend.count() >= 5
    page.keyboard.press("Tab")  # the skip link first, as on every page
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.locator(".drawer-toggle").click()  # on a phone the panel is a drawer
    with page.expect_download() as download:
        page.locator("a[data-format='docx']").click()
    assert download.value.suggested_filename.startswith("strategia_P03_")
    assert not page.console_errors
    assert all(url.startswith(live_url) or url.startswith("data:") or url.startswith("blob:")
               for url in page.requested)


def test_model_page_runs_under_the_csp(browser, live_url, accounts, p03):
    context = browser.new_context()  # the CSP enforced, unlike the `page` fixture
    page = context.new_page()
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    browser_sign_in(page, live_url)
    page.goto(f"{live_url}/partnerships/{PID}/strategy/model?lang=en")
    page.wait_for_function("document.body.dataset.ready === '1'", polling=200)
    assert "Model of the functional-spatial structure" in page.content()
    assert violations == []
    context.close()
