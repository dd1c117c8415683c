"""The ministry's national view: all partnerships on one map and in one table, filtered by
voivodeship (table, map, files and URL follow), sortable by keyboard; a marshal office sees
and is offered its own voivodeship only, here and on the comparison page."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.web.map_pages import WAIT, png_size, sized_page


@pytest.fixture(scope="module")
def by_voivodeship(data_dir):
    with open(data_dir / "partnerships" / "examples.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for r in rows:
        out.setdefault(r["voivodeship_teryt"], set()).add(r["partnership_id"])
    return out


def rows(page):
    return page.evaluate("[...document.querySelectorAll('#national-table tbody tr')]"
                         ".map(tr => tr.dataset.id)")


@pytest.mark.browser
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_ministry_sees_all_and_filters_by_voivodeship(browser, live_url, accounts,
                                                          partnerships_loaded, by_voivodeship,
                                                          size):
    page = sized_page(browser, size, "ministry@test.pl", live_url)
    page.goto(live_url + "/national")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    everyone = sorted(set().union(*by_voivodeship.values()))
    assert rows(page) == everyone
    assert page.evaluate("document.body.dataset.shown") == str(len(everyone))
    assert page.locator("#legend li[data-class=partnership] [data-count]").get_attribute(
        "data-count") == str(len(everyone))
    options = page.locator("#national-voivodeship option").evaluate_all(
        "os => os.map(o => o.value)")
    assert options[0] == "" and len(options) == 17

    page.select_option("#national-voivodeship", "20")
    page.wait_for_function("document.body.dataset.ready === '1' && "
                           "document.getElementById('national').dataset.voivodeship === '20'",
                           timeout=WAIT)
    assert rows(page) == sorted(by_voivodeship["20"])
    assert page.evaluate("document.body.dataset.shown") == str(len(by_voivodeship["20"]))
    assert "voivodeship=20" in page.url
    csv_link = page.locator("#national-csv").get_attribute("href")
    assert "voivodeship=20" in csv_link and "format=csv" in csv_link
    answer = page.request.get(live_url + csv_link)
    text = answer.body().decode("utf-8")
    assert text.startswith("\ufeffKod;Partnerstwo;")
    assert [r[0] for r in csv.reader(io.StringIO(text[1:]), delimiter=";")][1:] \
        == sorted(by_voivodeship["20"])

    # Sorting by keyboard: the header buttons take the focus and Enter.
    button = page.locator("#national-table th[data-key=members] button")
    button.focus()
    page.keyboard.press("Enter")
    header = page.locator("#national-table th[data-key=members]")
    assert header.get_attribute("aria-sort") == "ascending"
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    members = page.evaluate("[...document.querySelectorAll('#national-table tbody tr')]"
                            ".map(tr => Number(tr.children[3].textContent.replace(/\\s/g, '')))")
    assert members == sorted(members, reverse=True)

    page.reload()  # the filter is in the URL
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    assert rows(page) == sorted(by_voivodeship["20"])

    if size == "desktop":
        box = page.locator(".national-map .folium-map").bounding_box()
        with page.expect_download() as download:
            page.click("#png-map")
        width, _ = png_size(download.value.path())
        assert width == round(box["width"]) + 300
    assert page.console_errors == []
    page.context.close()


@pytest.mark.browser
def test_a_marshal_office_is_offered_its_voivodeship_only(browser, live_url, accounts,
                                                          partnerships_loaded, by_voivodeship):
    page = sized_page(browser, "desktop", "marshal12@test.pl", live_url)
    page.goto(live_url + "/national?voivodeship=20")  # a foreign code is not obeyed
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    assert page.locator("#national-voivodeship option").evaluate_all(
        "os => os.map(o => o.value)") == ["12"]
    assert rows(page) == sorted(by_voivodeship["12"])

    page.goto(live_url + "/comparison")  # the menu's link: its own voivodeship
    page.wait_for_url(re.compile(r".*/comparison/12(\?.*)?$"), timeout=WAIT)
    assert page.locator("#voivodeship-select option").evaluate_all(
        "os => os.map(o => o.value)") == ["12"]
    page.context.close()


def test_national_api_scope_and_files(app, accounts, partnerships_loaded, by_voivodeship,
                                      anonymous):
    from tests.web.conftest import sign_in

    assert anonymous.get("/api/v1/national").status_code == 401
    office = app.test_client()
    sign_in(office, "marshal20@test.pl")
    body = office.get("/api/v1/national").get_json()
    assert [p["id"] for p in body["partnerships"]] == sorted(by_voivodeship["20"])
    refused = office.get("/api/v1/national?voivodeship=12")
    assert refused.status_code == 403
    assert office.get("/api/v1/national?format=pdf").status_code == 400
    xlsx = office.get("/api/v1/national?format=xlsx&lang=en")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert 'filename="partnerships_poland.xlsx"' in xlsx.headers["Content-Disposition"]
