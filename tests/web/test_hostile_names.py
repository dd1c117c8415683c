"""Names from the data are shown as text, never run as markup."""

import geopandas as gpd
import pytest

from services.db import get_engine
from services.reference.boundaries import load_boundaries
from tests.web.conftest import serve
from web import create_app

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x onerror="window.__xss = 1">Bolesławiec'


def test_a_gmina_name_with_markup_is_shown_as_text(fresh_db_url, boundaries_dir, browser,
                                                    tmp_path):
    gminas = gpd.read_file(boundaries_dir / "gminy.geojson")
    sample = gminas[gminas.terc.str.startswith("0201")].copy()
    sample.loc[sample.terc == "0201011", "name"] = HOSTILE
    sample.to_file(tmp_path / "hostile.geojson")
    load_boundaries(get_engine(fresh_db_url), tmp_path / "hostile.geojson", "gmina",
                    as_of="2020-01-01")
    server, url = serve(create_app({"DATABASE_URL": fresh_db_url}))
    try:
        page = browser.new_page(bypass_csp=True)
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url + "/")
        page.wait_for_function("document.body.dataset.features === '6'", timeout=30_000)
        page.locator('path[data-teryt="0201011"]').hover()
        tooltip = page.locator(".leaflet-tooltip")
        tooltip.wait_for(timeout=5_000)
        assert tooltip.inner_text().split("\n")[0] == HOSTILE
        assert tooltip.locator("img").count() == 0
        assert page.evaluate("window.__xss") is None
        page.locator('path[data-teryt="0201011"]').dispatch_event("click")
        page.wait_for_function("document.getElementById('card').dataset.teryt === '0201011'")
        assert page.locator("#card h2").inner_text() == HOSTILE
        assert page.locator("#card img").count() == 0 and errors == []
        page.close()
    finally:
        server.shutdown()
