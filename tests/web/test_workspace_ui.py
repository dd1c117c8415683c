"""What the API does, in the workspace: checks at the field with the server's rules, deleting
with a confirmation, version history with restore, area statistics, project import with its
preview, links of projects to areas, a project's geometry changed on the map, the legend."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from services.planning.fields import COST_LIMITS, TEXT_LIMITS
from tests.conftest import object_counts
from tests.web.conftest import browser_sign_in

WAIT = 60_000
PID = "P02"


@pytest.fixture
def workspace(page, live_url, accounts):
    browser_sign_in(page, live_url)
    page.goto(f"{live_url}/partnerships/{PID}")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    page.posted = []
    page.on("request", lambda r: r.method in ("POST", "PUT", "DELETE") and page.posted.append(r.url))
    return page


def member_points(engine, count: int) -> list[tuple[str, float, float]]:
    """Points inside gminas of the partnership (PostGIS's point on surface), in EPSG:4326."""
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT g.teryt, ST_X(p), ST_Y(p) FROM partnership_gmina pg JOIN gmina g"
            " ON g.teryt = pg.gmina_teryt, LATERAL ST_Transform(ST_PointOnSurface(g.geom), 4326) p"
            " WHERE pg.partnership_id = :p ORDER BY g.teryt LIMIT :n"),
            {"p": PID, "n": count}).all()


def place_point(page, teryt_index: int = 0):
    page.click("#tab-projects")
    page.select_option("#point-system", "gmina")
    page.select_option("#point-gmina", index=teryt_index)
    page.click("#point-place")
    page.wait_for_selector("#project-form:not([hidden])")


def save_project(page, title: str) -> None:
    before = int(page.evaluate("document.body.dataset.projects"))
    page.fill("#project-title", title)
    page.click("#project-form button[type=submit]")
    page.wait_for_function(f"document.body.dataset.projects === '{before + 1}'", timeout=WAIT)


def test_every_problem_shown_at_its_field_and_nothing_sent(workspace, reference_engine):
    page = workspace
    place_point(page)
    limit = TEXT_LIMITS["project.title"]
    assert page.inner_text("#project-title-limit") == f"do {limit} znaków"
    page.fill("#project-title", "x" * 5000)   # fill() sets the whole text: nothing cut
    page.fill("#project-cost_pln", "dużo")
    page.fill("input[name=start_date]", "2026-05-01")
    page.fill("input[name=end_date]", "2026-01-01")
    before = object_counts(reference_engine)
    page.click("#project-form button[type=submit]")
    assert page.input_value("#project-title") == "x" * 5000
    for field, error in (("#project-title", "#project-title-error"),
                         ("#project-cost_pln", "#project-cost_pln-error"),
                         ("input[name=end_date]", "#project-dates-error")):
        assert page.get_attribute(field, "aria-invalid") == "true", field
        assert page.is_visible(error), error
    assert "5000" in page.inner_text("#project-title-error").replace("\u00a0", "").replace(" ", "")
    assert len(page.query_selector_all("#project-form-errors li")) == 3
    assert page.evaluate("document.activeElement.id") == "project-title"
    assert not [u for u in page.posted if "/projects" in u]
    assert object_counts(reference_engine) == before


def test_a_cost_over_ten_billion_needs_confirming(workspace, reference_engine):
    page = workspace
    place_point(page)
    page.fill("#project-title", "Obwodnica za grube miliardy")
    page.fill("#project-cost_pln", "12 000 000 000")
    page.click("#project-form button[type=submit]")
    assert page.get_attribute("#project-cost_pln", "aria-invalid") == "true"
    assert page.is_visible("#cost-confirm")
    assert not [u for u in page.posted if "/projects" in u]
    page.check("#cost-confirm input")
    before = int(page.evaluate("document.body.dataset.projects"))
    page.click("#project-form button[type=submit]")
    page.wait_for_function(f"document.body.dataset.projects === '{before + 1}'", timeout=WAIT)
    with reference_engine.connect() as conn:
        cost = conn.execute(sa.text("SELECT cost_pln FROM project WHERE title ="
                                    " 'Obwodnica za grube miliardy'")).scalar_one()
    assert cost == 12_000_000_000
    # Over the hard maximum the field refuses whatever is ticked.
    place_point(page)
    page.fill("#project-cost_pln", str(COST_LIMITS["max"] + 1))
    assert not page.is_visible("#cost-confirm")
    page.click("#project-form button[type=submit]")
    assert page.get_attribute("#project-cost_pln", "aria-invalid") == "true"


def test_the_server_refuses_what_the_form_refuses(expert, reference_engine):
    geometry = {"type": "Point", "coordinates": [22.5, 52.9]}
    before = object_counts(reference_engine)
    long_title = expert.post(f"/api/v1/partnerships/{PID}/projects",
                             json={"title": "x" * 5000, "geometry": geometry})
    assert long_title.status_code in (400, 422), long_title.get_data(as_text=True)
    assert "500" in long_title.get_json()["detail"].replace("\u00a0", "").replace(" ", "")
    too_costly = expert.post(f"/api/v1/partnerships/{PID}/projects",
                             json={"title": "Za drogo", "cost_pln": 1e12, "geometry": geometry})
    assert too_costly.status_code in (400, 422), too_costly.get_data(as_text=True)
    as_text = expert.post(f"/api/v1/partnerships/{PID}/projects",
                          json={"title": "Za drogo", "cost_pln": "1000000000000",
                                "geometry": geometry})
    assert as_text.status_code in (400, 422)
    assert as_text.get_json().get("field") == "cost_pln" or "cost" in as_text.get_json()["detail"]
    assert object_counts(reference_engine) == before


def test_history_restore_and_delete_a_project(workspace, reference_engine):
    page = workspace
    place_point(page)
    save_project(page, "Świetlica do historii")
    with reference_engine.connect() as conn:
        pid_ = conn.execute(sa.text("SELECT id FROM project WHERE title = 'Świetlica do historii'"
                                    " AND NOT deleted")).scalar_one()
    item = f"#project-list li[data-project='{pid_}']"
    page.click(f"{item} button[data-action=edit]")
    page.fill("#project-title", "Świetlica po zmianie")
    page.click("#project-form button[type=submit]")
    page.wait_for_selector(f"{item}[data-version='2']", timeout=WAIT)
    assert page.get_attribute(f"{item} button[data-action=edit]", "aria-label") == \
        "Edytuj: Świetlica po zmianie"
    page.click(f"{item} button[data-action=history]")
    page.wait_for_selector(f"{item} .details tr[data-version='1'] button", timeout=WAIT)
    page.once("dialog", lambda d: d.accept())
    page.click(f"{item} .details tr[data-version='1'] button")
    page.wait_for_selector(f"{item}[data-version='3']", timeout=WAIT)
    assert page.inner_text(f"{item} strong") == "Świetlica do historii"
    # Deleting asks first: dismissed, nothing happens; accepted, the project goes.
    page.once("dialog", lambda d: d.dismiss())
    page.click(f"{item} button[data-action=delete]")
    page.wait_for_timeout(300)
    assert page.is_visible(item)
    before = int(page.evaluate("document.body.dataset.projects"))
    page.once("dialog", lambda d: d.accept())
    page.click(f"{item} button[data-action=delete]")
    page.wait_for_function(f"document.body.dataset.projects === '{before - 1}'", timeout=WAIT)
    with reference_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT deleted FROM project WHERE id = :i"),
                            {"i": pid_}).scalar_one() is True


def test_area_statistics_link_and_delete(workspace, reference_engine):
    page = workspace
    teryts = [t for t, _, _ in member_points(reference_engine, 2)]
    page.click("#tab-areas")
    page.click("#area-by-gminas")
    page.fill("#area-name", "Obszar do statystyk")
    page.select_option("#area-kind", "other")
    for teryt in teryts:
        page.check(f"#gmina-options input[data-teryt='{teryt}']")
    before = int(page.evaluate("document.body.dataset.areas"))
    page.click("#area-form button[type=submit]")
    page.wait_for_function(f"document.body.dataset.areas === '{before + 1}'", timeout=WAIT)
    with reference_engine.connect() as conn:
        area_id, km2 = conn.execute(sa.text(
            "SELECT id, ST_Area(geom) / 1e6 FROM functional_area WHERE name ="
            " 'Obszar do statystyk' AND NOT deleted")).one()
    item = f"#area-list li[data-area='{area_id}']"
    page.click(f"{item} button[data-action=stats]")
    page.wait_for_selector(f"{item} table.area-stats", timeout=WAIT)
    shown = page.inner_text(f"{item} table.area-stats tr:first-child td")
    assert shown == f"{km2:,.1f} km²".replace(",", "\u00a0").replace(".", ","), shown
    # A project linked to the area by ticking it.
    place_point(page)
    page.check(f"#project-area-options input[value='{area_id}']")
    save_project(page, "Przedsięwzięcie obszaru")
    with reference_engine.connect() as conn:
        links = conn.execute(sa.text("SELECT area_ids FROM project WHERE title ="
                                     " 'Przedsięwzięcie obszaru'")).scalar_one()
    assert list(links) == [area_id]
    page.click("#tab-areas")
    page.once("dialog", lambda d: d.accept())
    page.click(f"{item} button[data-action=delete]")
    page.wait_for_function(f"document.body.dataset.areas === '{before}'", timeout=WAIT)


def test_import_with_preview(workspace, reference_engine, tmp_path):
    page = workspace
    points = member_points(reference_engine, 3)
    path = tmp_path / "swietlice.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]},
         "properties": {"title": f"Świetlica {teryt}", "cost_pln": 100000 + i,
                        "funding_source": "own"}}
        for i, (teryt, x, y) in enumerate(points)]}), encoding="utf-8")
    page.click("#tab-projects")
    before = object_counts(reference_engine)
    page.click("#import-form button[type=submit]")
    assert page.is_visible("#import-error")          # no file chosen: said at the field
    page.set_input_files("#import-file", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-confirm:not([hidden])", timeout=WAIT)
    assert page.locator("#import-preview table.import-records tbody tr").count() == 3
    assert object_counts(reference_engine) == before   # the preview wrote nothing
    projects = int(page.evaluate("document.body.dataset.projects"))
    page.click("#import-confirm")
    page.wait_for_function(f"document.body.dataset.projects === '{projects + 3}'", timeout=WAIT)
    assert object_counts(reference_engine)["project"] == before["project"] + 3


def test_change_a_project_point_on_the_map(workspace, reference_engine):
    page = workspace
    place_point(page)
    save_project(page, "Punkt do przesunięcia")
    with reference_engine.connect() as conn:
        pid_, x0, y0 = conn.execute(sa.text(
            "SELECT id, ST_X(geom), ST_Y(geom) FROM project WHERE title = 'Punkt do przesunięcia'"
            " AND NOT deleted")).one()
    item = f"#project-list li[data-project='{pid_}']"
    page.click(f"{item} button[data-action=edit]")
    page.click("#project-reshape")
    page.wait_for_selector("#project-form[data-reshaping='1']", timeout=WAIT)
    page.wait_for_timeout(500)  # the map finishes moving to the point
    marker = page.locator(".leaflet-marker-pane .leaflet-marker-icon").last
    box = marker.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] + 30, steps=8)
    page.mouse.up()
    page.click("#project-form button[type=submit]")
    page.wait_for_selector(f"{item}[data-version='2']", timeout=WAIT)
    with reference_engine.connect() as conn:
        x1, y1 = conn.execute(sa.text("SELECT ST_X(geom), ST_Y(geom) FROM project WHERE id = :i"),
                              {"i": pid_}).one()
    assert x1 > x0 and y1 < y0   # moved east and south


def test_the_workspace_legend_counts(workspace, reference_engine):
    page = workspace
    with reference_engine.connect() as conn:
        gminas = conn.execute(sa.text("SELECT count(*) FROM partnership_gmina WHERE"
                                      " partnership_id = :p"), {"p": PID}).scalar_one()
    rows = page.locator("#workspace-legend li")
    assert rows.count() == 5
    assert str(gminas) in page.inner_text("#workspace-legend li[data-class=member]")
    projects = page.evaluate("document.body.dataset.projects")
    assert projects in page.inner_text("#workspace-legend li[data-class=project]")


def covering(engine, data_dir, area_id: int) -> list[str]:
    """The catalogue's rasters whose extent meets the area, found in PostGIS: each raster's
    bounds (read with rasterio) as an envelope brought to EPSG:2180."""
    import rasterio

    from layers.catalogue import RASTERS

    out = []
    with engine.connect() as conn:
        for name, (relative, _) in RASTERS.items():
            with rasterio.open(data_dir / relative) as src:
                (left, bottom, right, top), epsg = src.bounds, src.crs.to_epsg()
            if conn.execute(sa.text(
                    "SELECT ST_Intersects(geom, ST_Transform(ST_MakeEnvelope(:l, :b, :r, :t,"
                    " :srid), 2180)) FROM functional_area WHERE id = :id"),
                    {"l": left, "b": bottom, "r": right, "t": top, "srid": epsg,
                     "id": area_id}).scalar_one():
                out.append(name)
    return out


def test_raster_summary_of_an_area(workspace, reference_engine, data_dir, live_url):
    """The mirror's rasters summarised over an area, the numbers those of the service; only
    the rasters the area meets are offered."""
    import geopandas as gpd
    import shapely

    from services.config import Settings
    from services.planning.area_stats import raster_stats
    from services.planning.areas import create_area

    outline = gpd.read_file(data_dir / "rasters" / "suwalki_area.gpkg")
    area = create_area(reference_engine, PID, {
        "name": "Okolice Suwałk (raster)", "kind": "tourism", "crs": "EPSG:2180",
        "geometry": shapely.geometry.mapping(outline.geometry[0])})
    want = raster_stats(reference_engine, Settings(data_dir=data_dir), area["id"],
                        "suwalki_elevation")
    page = workspace
    page.reload()
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    item = f"#area-list li[data-area='{area['id']}']"
    page.click("#tab-areas")
    page.click(f"{item} button[data-action=stats]")
    page.wait_for_selector(f"{item} .raster-form select", timeout=WAIT)
    assert "Wysokość terenu, okolice Suwałk" in page.inner_text(f"{item} .raster-form select")
    page.select_option(f"{item} .raster-form select", "suwalki_elevation")
    page.click(f"{item} button[data-action=raster]")
    table = page.wait_for_selector(f"{item} table.raster-stats[data-raster=suwalki_elevation]",
                                   timeout=WAIT)
    cells = {r.query_selector("th").inner_text(): r.query_selector("td").inner_text()
             for r in table.query_selector_all("tr")}
    mean = f"{want['mean']:.2f}".rstrip("0").rstrip(".")  # at most 2 decimals, as shown
    assert cells["średnia"] == mean.replace(".", ",")
    # (Polish groups thousands from 10,000 up: "7838", "12 345")
    assert cells["komórki wewnątrz obszaru"].replace("\u00a0", "") == str(want["cells"])
    # Offered: the rasters the area meets (the three of Suwałki), not Wielkopolska's or Lublin's.
    offered = page.eval_on_selector_all(f"{item} .raster-form select option",
                                        "os => os.map(o => o.value)")
    want_offered = covering(reference_engine, data_dir, area["id"])
    assert sorted(offered) == sorted(want_offered)
    assert "suwalki_elevation" in offered and "dem_wielkopolska" not in offered
    # Asked directly, the server still refuses a raster the area does not meet, in Polish.
    refused = page.request.get(f"{live_url}/api/v1/areas/{area['id']}/rasters/dem_wielkopolska",
                               headers={"Accept": "application/json"})
    assert refused.status == 422 and "nie pokrywa" in refused.json()["detail"]


def test_an_area_no_raster_covers_says_so(workspace, reference_engine, data_dir):
    """An area far from every raster of the mirror is offered none, and told why."""
    from services.planning.areas import create_area

    ring = [[21.95, 53.42], [22.15, 53.42], [22.15, 53.30], [21.95, 53.30], [21.95, 53.42]]
    area = create_area(reference_engine, PID, {
        "name": "Dolina Pisy (bez rastra)", "kind": "river_valley",
        "geometry": {"type": "Polygon", "coordinates": [ring]}})
    assert covering(reference_engine, data_dir, area["id"]) == []   # the case of this test
    page = workspace
    page.reload()
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    item = f"#area-list li[data-area='{area['id']}']"
    page.click("#tab-areas")
    page.click(f"{item} button[data-action=stats]")
    page.wait_for_selector(f"{item} table.area-stats", timeout=WAIT)
    assert page.inner_text(f"{item} .raster-none") == \
        "Żaden raster z katalogu nie pokrywa tego obszaru"
    assert page.locator(f"{item} .raster-form select").count() == 0


# A rural gmina around its town: the town is a hole in it, so the centroid (PostGIS's, or
# Leaflet's of the outer ring) lies in the town, outside the gmina.
RING_GMINA, RING_PARTNERSHIP = "2801032", "P06"


def test_a_point_in_a_ring_shaped_gmina_lies_inside_it(page, live_url, reference_engine):
    from services.access.accounts import add_user, assign
    from tests.web.conftest import PASSWORD

    with reference_engine.connect() as conn:
        outside = conn.execute(sa.text(
            "SELECT NOT ST_Contains(geom, ST_Centroid(geom)),"
            " NOT ST_Contains(geom, ST_Centroid(ST_MakePolygon(ST_ExteriorRing("
            "   ST_GeometryN(geom, 1))))) FROM gmina WHERE teryt = :t"),
            {"t": RING_GMINA}).one()
        exists = conn.execute(sa.text("SELECT 1 FROM app_user WHERE email = 'expert6@test.pl'"))
        if not exists.first():
            add_user(reference_engine, "expert6@test.pl", PASSWORD, "expert")
            assign(reference_engine, "expert6@test.pl", RING_PARTNERSHIP)
    assert outside == (True, True)   # the case this test is about
    browser_sign_in(page, live_url, "expert6@test.pl")
    page.goto(f"{live_url}/partnerships/{RING_PARTNERSHIP}")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)
    page.click("#tab-projects")
    page.select_option("#point-system", "gmina")
    page.select_option("#point-gmina", RING_GMINA)
    page.click("#point-place")
    page.wait_for_selector("#project-form:not([hidden])")
    before = int(page.evaluate("document.body.dataset.projects"))
    page.fill("#project-title", "Świetlica w gminie wokół miasta")
    page.click("#project-form button[type=submit]")
    page.wait_for_function(f"document.body.dataset.projects === '{before + 1}'", timeout=WAIT)
    with reference_engine.connect() as conn:
        inside, town = conn.execute(sa.text(
            "SELECT ST_Contains(g.geom, p.geom), ST_Contains(t.geom, p.geom) FROM project p,"
            " gmina g, gmina t WHERE p.title = 'Świetlica w gminie wokół miasta'"
            " AND p.partnership_id = :p AND NOT p.deleted AND g.teryt = :g"
            " AND t.teryt = '2801011'"), {"p": RING_PARTNERSHIP, "g": RING_GMINA}).one()
    assert inside and not town


def test_every_gminas_point_lies_inside_it(anonymous, reference_engine):
    """The points the workspace places projects at, checked in PostGIS for all 2,477 gminas
    (67 of them have their centroid outside)."""
    answer = anonymous.get("/api/v1/units/gmina/points")
    assert answer.status_code == 200 and answer.mimetype == "application/geo+json"
    features = answer.get_json()["features"]
    points = {f["properties"]["teryt"]: f["geometry"]["coordinates"] for f in features}
    with reference_engine.connect() as conn:
        held = conn.execute(sa.text("SELECT count(*) FROM gmina")).scalar_one()
        outside = conn.execute(sa.text(
            "SELECT g.teryt FROM gmina g JOIN unnest(CAST(:t AS text[]), CAST(:x AS float8[]),"
            " CAST(:y AS float8[])) AS p(teryt, x, y) ON p.teryt = g.teryt WHERE NOT ST_Contains("
            "g.geom, ST_Transform(ST_SetSRID(ST_MakePoint(p.x, p.y), 4326), ST_SRID(g.geom)))"),
            {"t": list(points), "x": [c[0] for c in points.values()],
             "y": [c[1] for c in points.values()]}).scalars().all()
    assert len(points) == held and not outside, outside
    one = anonymous.get("/api/v1/units/gmina/points?voivodeship=28").get_json()["features"]
    assert RING_GMINA in {f["id"] for f in one} and all(f["id"][:2] == "28" for f in one)
