"""The optional basemap (PARTNERSTWA_BASEMAP_URL): off when unset (no tiles, no control), and a
layer-control toggle when set; our own scripts only, never a CDN."""

from __future__ import annotations

import pytest

from web import create_app
from web.pages.folium_map import base_map, dual_map, render_parts

TILES = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"


def static(path: str) -> str:
    return "/static/" + path


@pytest.mark.parametrize("make", [base_map, dual_map])
def test_no_basemap_and_no_control_when_unset(make):
    parts = render_parts(make(static))
    script = parts["script"]
    assert "tileLayer" not in script and "control.layers" not in script
    assert "cdn" not in (parts["header"] + script).lower()


@pytest.mark.parametrize("make", [base_map, dual_map])
def test_a_set_basemap_is_a_toggle_in_a_layer_control(make):
    parts = render_parts(make(static, basemap_url=TILES, basemap_name="Basemap X"))
    script = parts["script"]
    assert script.count("L.tileLayer(") == (2 if make is dual_map else 1)
    assert "127.0.0.1:9/tiles" in script
    assert "control.layers" in script and "Basemap X" in script


def test_the_pages_follow_the_setting(reference_db_url, accounts, partnerships_loaded,
                                      monkeypatch):
    from tests.web.conftest import sign_in

    monkeypatch.delenv("PARTNERSTWA_BASEMAP_URL", raising=False)
    plain = create_app({"DATABASE_URL": reference_db_url, "TESTING": True})
    monkeypatch.setenv("PARTNERSTWA_BASEMAP_URL", TILES)
    with_tiles = create_app({"DATABASE_URL": reference_db_url, "TESTING": True})
    for app, expected in ((plain, False), (with_tiles, True)):
        client = app.test_client()
        sign_in(client, "ministry@test.pl")
        for path in ("/", "/national", "/comparison/20"):
            page = client.get(path).get_data(as_text=True)
            assert ("127.0.0.1:9/tiles" in page) is expected, path
            assert ("control.layers" in page) is expected, path
