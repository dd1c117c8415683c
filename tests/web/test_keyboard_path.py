"""The workspace by keyboard alone: an area made of gminas ticked in the list and a project
placed at a gmina's centre and at typed coordinates, every step with page.keyboard; and the
map is one tab stop, never one per gmina."""

from __future__ import annotations

import sqlalchemy as sa

from tests.web.conftest import browser_sign_in

WAIT = 60_000
PID = "P03"


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.id, name: e.getAttribute('name'), text: (e.textContent || '').trim(),
                label: e.getAttribute('aria-label'), inMap: !!e.closest('.leaflet-pane')}; }""")


def tab_to(page, wanted, limit: int = 80, key: str = "Tab") -> dict:
    """Press Tab until the focused element matches ``wanted`` (a predicate on focused())."""
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        assert not now["inMap"], f"the focus went onto a map feature: {now}"
        if wanted(now):
            return now
    raise AssertionError(f"{limit} presses of {key} did not reach the element; last: {now}")


def open_workspace(page, live_url):
    browser_sign_in(page, live_url)
    page.goto(f"{live_url}/partnerships/{PID}")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    page.wait_for_load_state("networkidle")


def test_the_map_is_one_tab_stop(page, live_url, accounts, reference_engine):
    # a saved area too: it is drawn in a pane of its own, which must not be a tab stop either
    from services.planning.areas import create_area

    with reference_engine.connect() as conn:
        gmina = conn.execute(sa.text("SELECT gmina_teryt FROM partnership_gmina WHERE"
                                     " partnership_id = :p ORDER BY 1 LIMIT 1"),
                             {"p": PID}).scalar_one()
    create_area(reference_engine, PID, {"name": "Obszar do tabulatora", "kind": "other",
                                        "gminas": [gmina]})
    open_workspace(page, live_url)
    page.wait_for_selector(".leaflet-areas-pane path", state="attached", timeout=WAIT)
    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        now = focused(page)
        assert not now["inMap"], f"the focus went onto a map feature after {len(stops)} stops: {now}"
        stops.append(now)
    assert any("leaflet-container" in (s.get("id") or "") or s["label"] and "Map" in s["label"] or
               s["label"] and "Mapa" in s["label"] for s in stops), stops


def test_skip_link_leads_to_the_panel(page, live_url, accounts):
    open_workspace(page, live_url)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Przejdź do treści"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "workspace"


def test_area_from_gminas_and_point_projects_by_keyboard(page, live_url, accounts, reference_engine):
    open_workspace(page, live_url)
    areas_before = int(page.evaluate("document.body.dataset.areas"))
    projects_before = int(page.evaluate("document.body.dataset.projects"))

    # Tabs: one stop, arrows move between them.
    tab_to(page, lambda f: f["id"] == "tab-diagnosis")
    page.keyboard.press("ArrowRight")
    assert focused(page)["id"] == "tab-areas"
    tab_to(page, lambda f: f["id"] == "area-by-gminas")
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "name"
    page.keyboard.type("Dolina z klawiatury")
    # No kind is chosen at first: the keyboard picks one by its first letter.
    tab_to(page, lambda f: f["id"] == "area-kind")
    assert page.input_value("#area-kind") == ""
    page.keyboard.type("d")
    assert page.input_value("#area-kind") == "river_valley"
    tab_to(page, lambda f: f["id"] == "gmina-filter")
    members = reference_engine.connect().execute(sa.text(
        "SELECT g.teryt, g.name FROM gmina g JOIN partnership_member m ON m.teryt = g.teryt"
        " WHERE m.partnership_id = :p ORDER BY g.teryt LIMIT 2"), {"p": PID}).all()
    assert len(members) == 2
    chosen = []
    for teryt, _name in members:
        if focused(page)["id"] != "gmina-filter":
            page.keyboard.press("Shift+Tab")  # from the ticked box back to the filter
        assert focused(page)["id"] == "gmina-filter"
        page.keyboard.press("Control+A")
        page.keyboard.type(teryt)
        # The filter leaves one gmina in the list: the next stop is its checkbox.
        page.keyboard.press("Tab")
        assert focused(page)["tag"] == "INPUT"
        page.keyboard.press("Space")
        chosen.append(teryt)
    assert page.evaluate("document.getElementById('area-form').dataset.selected") == "2"
    tab_to(page, lambda f: f["text"] == "Zapisz" and f["tag"] == "BUTTON")
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.body.dataset.areas === '{areas_before + 1}'", timeout=WAIT)
    with reference_engine.connect() as conn:
        saved = conn.execute(sa.text(
            "SELECT gminas, delineation, kind FROM functional_area WHERE partnership_id = :p"
            " AND name = 'Dolina z klawiatury' AND NOT deleted"), {"p": PID}).one()
    assert sorted(saved.gminas) == sorted(chosen) and saved.delineation == "gminas"
    assert saved.kind == "river_valley"

    # A project at a point inside a gmina of the partnership (the picker's first choice).
    page.keyboard.press("Shift+Tab")
    tab_to(page, lambda f: f["id"] == "tab-areas", key="Shift+Tab")
    page.keyboard.press("ArrowRight")
    assert focused(page)["id"] == "tab-projects"
    tab_to(page, lambda f: f["id"] == "point-gmina")
    tab_to(page, lambda f: f["id"] == "point-place")
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "title"
    page.keyboard.type("Świetlica w środku gminy")
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.body.dataset.projects === '{projects_before + 1}'", timeout=WAIT)

    # A project at typed coordinates in EPSG:2180 (x, y in metres).
    with reference_engine.connect() as conn:
        x, y = conn.execute(sa.text(
            "SELECT round(ST_X(p))::int, round(ST_Y(p))::int FROM (SELECT ST_PointOnSurface(geom) p"
            " FROM gmina WHERE teryt = :t) s"), {"t": members[0].teryt}).one()
    tab_to(page, lambda f: f["id"] == "point-system", key="Shift+Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.getElementById('point-system').value") == "EPSG:2180"
    tab_to(page, lambda f: f["id"] == "point-a")
    page.keyboard.type(str(x))
    page.keyboard.press("Tab")
    page.keyboard.type(str(y))
    tab_to(page, lambda f: f["id"] == "point-place")
    page.keyboard.press("Enter")
    page.keyboard.type("Przystań z współrzędnych")
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.body.dataset.projects === '{projects_before + 2}'", timeout=WAIT)
    with reference_engine.connect() as conn:
        row = conn.execute(sa.text(
            "SELECT round(ST_X(geom))::int AS x, round(ST_Y(geom))::int AS y, gminas FROM project"
            " WHERE partnership_id = :p AND title = 'Przystań z współrzędnych'"), {"p": PID}).one()
        centre = conn.execute(sa.text(
            "SELECT count(*) FROM project p JOIN gmina g ON ST_Intersects(g.geom, p.geom)"
            " WHERE p.partnership_id = :p AND p.title = 'Świetlica w środku gminy'"), {"p": PID}).scalar()
    assert (row.x, row.y) == (x, y) and members[0].teryt in row.gminas
    assert centre == 1


def test_item_buttons_have_distinct_names(page, live_url, accounts):
    open_workspace(page, live_url)
    names = page.evaluate("""() => Array.from(document.querySelectorAll('#area-list button, #project-list button'))
        .map(b => b.getAttribute('aria-label') || b.textContent)""")
    assert names, "the test needs areas or projects of the partnership"
    assert len(names) == len(set(names)), names
    assert all(": " in n for n in names), names


def test_sortable_headers_by_keyboard(page, live_url, accounts):
    browser_sign_in(page, live_url)
    page.goto(f"{live_url}/comparison/20")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"].startswith(("ludność", "Ludność")),
           limit=120)
    header = "#comparison-table th[data-key=population]"
    assert page.get_attribute(header, "aria-sort") == "none"
    page.keyboard.press("Enter")
    assert page.get_attribute(header, "aria-sort") == "descending"
    page.keyboard.press("Space")   # the focus stays on the header's button
    assert page.get_attribute(header, "aria-sort") == "ascending"
