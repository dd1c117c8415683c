"""What a user's walk through the workspace tripped over: a priority without a meaning, an
amount rounded to the złoty, an area's kind chosen for the user, a point "at the centre"
that is not the centre, and English exception texts appended to Polish messages."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests.web.conftest import browser_sign_in

WAIT = 60_000
PID = "P02"
RING = [[53.42, 21.95], [53.42, 22.15], [53.30, 22.15]]  # lat, lng: inside P02


@pytest.fixture
def workspace(page, live_url, accounts, partnerships_loaded):
    browser_sign_in(page, live_url)
    return page


def open_workspace(page, live_url, wait_ready: bool = True):
    page.goto(f"{live_url}/partnerships/{PID}")
    if wait_ready:
        page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def polish_amount(value: float) -> str:
    """An amount as a Polish reader writes it, computed here apart from the page's Intl:
    grosze only when there are any, spaces between thousands (from 10 000 up)."""
    whole = float(value).is_integer()
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    integer, _, grosze = text.partition(".")
    if len(integer.replace(",", "")) <= 4:
        integer = integer.replace(",", "")
    return integer.replace(",", " ") + ("," + grosze if grosze else "") + " zł"


def test_priority_has_its_meaning_and_money_its_grosze(workspace, live_url, reference_engine,
                                                       client):
    from services.planning.projects import create_project

    urgent = create_project(reference_engine, PID, {
        "title": "Most na Pisie", "cost_pln": "4500000.50", "priority": 1,
        "geometry": {"type": "Point", "coordinates": [22.05, 53.36]}})
    whole = create_project(reference_engine, PID, {
        "title": "Świetlica wiejska", "cost_pln": "1250000", "priority": 3,
        "geometry": {"type": "Point", "coordinates": [22.06, 53.37]}})
    page = workspace
    open_workspace(page, live_url)
    page.click("#tab-projects")
    # The form says what each level means; 1 is the highest, as in the exports and the API.
    options = page.eval_on_selector_all("#project-priority option",
                                        "os => os.map(o => [o.value, o.textContent])")
    assert options == [["1", "1 — wysoki"], ["2", "2 — średni"], ["3", "3 — niski"]]
    assert page.input_value("#project-priority") == "2"
    assert "1 to najwyższy" in page.inner_text("#project-priority-note")
    # The list: the amount as stored, with its grosze, and the priority in words.
    first = plain(page.inner_text(f"#project-list li[data-project='{urgent['id']}']"))
    assert "4 500 000,50 zł" in first and "Priorytet 1 — wysoki" in first, first
    second = plain(page.inner_text(f"#project-list li[data-project='{whole['id']}']"))
    assert "1 250 000 zł" in second and "Priorytet 3 — niski" in second, second
    with reference_engine.connect() as conn:
        total = conn.execute(sa.text(
            "SELECT sum(cost_pln) FROM project WHERE partnership_id = :p AND NOT deleted"),
            {"p": PID}).scalar_one()
    assert plain(page.inner_text("#project-totals")).endswith(polish_amount(float(total)))
    # The API's description and the exports' field say the same.
    from services.planning.exports import DATASETS

    document = client.get("/api/v1/openapi.json").get_json()
    described = [d for d in _schemas_with(document, "priority") if "description" in d]
    assert described and all(d["description"].startswith("1 is the highest: 1 high")
                             for d in described)
    assert [f.meaning for f in DATASETS["projects"]["fields"] if f.source == "priority"] == \
        ["priority 1 (highest) to 3"]


def _schemas_with(node, name):
    """Every property schema called ``name`` in the OpenAPI document."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict) and isinstance(props.get(name), dict):
            yield props[name]
        for value in node.values():
            yield from _schemas_with(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from _schemas_with(value, name)


def test_a_drawn_area_needs_its_kind_chosen(workspace, live_url, reference_engine):
    page = workspace
    open_workspace(page, live_url)
    page.click("#tab-areas")
    posted = []
    page.on("request", lambda r: r.method == "POST" and "/areas" in r.url and posted.append(r))
    # An outline drawn on the map: Geoman's pm:create, fired as Geoman fires it.
    page.click("#area-by-drawing")
    page.evaluate(f"""() => {{ const W = window.partnerstwa.workspace;
        const drawn = L.polygon({json.dumps(RING)}).addTo(W.map);
        W.map.fire('pm:create', {{layer: drawn, shape: 'Polygon'}}); }}""")
    page.wait_for_selector("#area-form:not([hidden])")
    assert page.input_value("#area-kind") == ""
    page.fill("#area-name", "Dolina Pisy narysowana w pośpiechu")
    page.click("#area-form button[type=submit]")
    assert page.get_attribute("#area-kind", "aria-invalid") == "true"
    assert page.inner_text("#area-kind-error") == "Wybierz jedną z możliwości"
    assert "Rodzaj: Wybierz jedną z możliwości" in page.inner_text("#area-form-errors")
    assert page.evaluate("document.activeElement.id") == "area-kind"
    assert not posted
    page.select_option("#area-kind", "river_valley")
    before = int(page.evaluate("document.body.dataset.areas"))
    page.click("#area-form button[type=submit]")
    page.wait_for_function(f"document.body.dataset.areas === '{before + 1}'", timeout=WAIT)
    with reference_engine.connect() as conn:
        kind = conn.execute(sa.text(
            "SELECT kind FROM functional_area WHERE name = 'Dolina Pisy narysowana w pośpiechu'"
            " AND NOT deleted")).scalar_one()
    assert kind == "river_valley"
    # The point placed without the map is called what it is: inside, near the middle.
    assert page.inner_text("#point-system option[value=gmina]") == \
        "punkt wewnątrz gminy (blisko środka)"


def shown_error(page) -> str:
    page.wait_for_function("document.getElementById('message').dataset.kind === 'error'",
                           timeout=WAIT)
    return page.inner_text("#message")


def test_a_mistake_of_the_page_is_not_shown_in_english(workspace, live_url):
    page = workspace
    # The points answer without features: reading them fails in the page's code.
    page.route("**/api/v1/units/gmina/points*", lambda route: route.fulfill(
        status=200, content_type="application/json", body="{}"))
    open_workspace(page, live_url, wait_ready=False)
    text = shown_error(page)
    assert text.startswith("Nie udało się wczytać danych mapy")
    assert "odśwież ją i spróbuj ponownie" in text
    assert "undefined" not in text and "Cannot" not in text and "forEach" not in text, text
    # ... but whoever fixes it finds the exception in the console.
    assert any("forEach" in e for e in page.console_errors), page.console_errors


def test_an_unreachable_server_and_a_refusal_are_named(workspace, live_url):
    page = workspace
    page.route("**/api/v1/layers/gmina*", lambda route: route.abort())
    open_workspace(page, live_url, wait_ready=False)
    text = shown_error(page)
    assert "Nie udało się połączyć z serwerem" in text and "fetch" not in text, text
    page.unroute("**/api/v1/layers/gmina*")
    # A refusal of the server: its own words.
    page.route("**/api/v1/partnerships/P02/comments", lambda route: route.fulfill(
        status=503, content_type="application/problem+json",
        body=json.dumps({"title": "Unavailable", "status": 503,
                         "detail": "Baza danych jest chwilowo niedostępna"})))
    open_workspace(page, live_url, wait_ready=False)
    assert "Baza danych jest chwilowo niedostępna" in shown_error(page)


def test_the_national_view_names_a_mistake_in_polish(page, live_url, accounts,
                                                     partnerships_loaded):
    browser_sign_in(page, live_url, "ministry@test.pl")
    page.goto(live_url + "/national")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    page.route("**/api/v1/national?*", lambda route: route.fulfill(
        status=200, content_type="application/json", body="{}"))
    page.select_option("#national-voivodeship", "20")
    text = shown_error(page)
    assert "odśwież ją i spróbuj ponownie" in text
    assert "undefined" not in text and "Cannot" not in text, text


def test_gminas_of_one_name_are_told_apart_by_their_kind(workspace, live_url, reference_engine):
    """P01 holds Wysokie Mazowieckie the town (2013011) and the rural gmina around it
    (2013102): the checklist and the point's gmina choice say which is which."""
    with reference_engine.connect() as conn:
        twins = conn.execute(sa.text(
            "SELECT g.teryt, g.gmina_type FROM gmina g JOIN partnership_gmina pg"
            " ON pg.gmina_teryt = g.teryt WHERE pg.partnership_id = 'P01' AND g.name IN"
            " (SELECT g2.name FROM gmina g2 JOIN partnership_gmina p2 ON p2.gmina_teryt ="
            "  g2.teryt WHERE p2.partnership_id = 'P01' GROUP BY g2.name HAVING count(*) > 1)"
            " ORDER BY g.teryt")).all()
    assert [t for t, _ in twins] == ["2013011", "2013102"]
    page = workspace
    page.goto(f"{live_url}/partnerships/P01")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    kinds = {1: "gmina miejska", 2: "gmina wiejska"}
    for teryt, kind in twins:
        option = page.locator(f"#point-gmina option[value='{teryt}']").inner_text()
        assert option == f"Wysokie Mazowieckie ({kinds[kind]}, {teryt})"
        label = page.locator(f"#gmina-options input[data-teryt='{teryt}']").locator("xpath=..")
        assert f"Wysokie Mazowieckie ({kinds[kind]}, {teryt})" in label.inner_text()
    # A name held once keeps only its TERYT.
    single = page.locator("#point-gmina option").first.inner_text()
    assert "gmina" not in single.split("(")[1]
