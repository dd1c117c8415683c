"""Legends that tell the truth: indicator, unit, year, source, classification, a count per
class that adds up to the gminas drawn, and "no data" hatched the same on the map and in the
legend; LISA legends with the indicator, year, significance level, FDR and counts; both
comparison maps; PNG downloads of a map and of a profile chart of the right size."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from services.analysis.runs import run_analysis
from tests.web.map_pages import (
    OVERVIEW_READY,
    WAIT,
    legend_counts,
    open_panel,
    png_size,
    sized_page,
)

pytestmark = pytest.mark.browser
HATCH = "url(#partnerstwa-nodata)"


@pytest.fixture(scope="module")
def podlaskie_lisa(reference_engine, unemployment_rate):
    # A run of one voivodeship: the other 2,359 gminas on the country map have no category.
    return run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024,
                        scope="voivodeship:20", seed=7, permutations=99)


def luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_overview_legend_counts_classes_and_no_data(browser, live_url, reference_engine,
                                                   unemployment_rate, size):
    page = sized_page(browser, size)
    page.goto(live_url + "/?indicator=unemployed_per_1000&year=2024&method=quantiles&k=5")
    page.wait_for_function(OVERVIEW_READY, timeout=WAIT)
    # Gmina names only from zoom 9 (test_map_url_state): none over the whole country.
    assert page.evaluate("document.body.dataset.names") == "0"
    assert page.locator(".gmina-name").count() == 0
    open_panel(page)
    with reference_engine.connect() as conn:
        held = conn.execute(sa.text(
            "SELECT count(*) FROM indicator_value WHERE indicator_code = 'unemployed_per_1000'"
            " AND year = 2024 AND level = 'gmina'")).scalar_one()
    counts = legend_counts(page, "#legend")
    assert sorted(counts) == ["0", "1", "2", "3", "4", "nodata"]
    assert sum(v for k, v in counts.items() if k != "nodata") == held
    assert counts["nodata"] == 2477 - held
    text = page.locator("#legend").inner_text()
    for words in ("Rok: 2024", "Źródło:", "Klasyfikacja: kwantyle, 5 klas", "Jednostka miary:"):
        assert words in text, (words, text)
    # The lightest class is clearly not white, and not the hatch of "no data".
    first = page.locator("#legend li[data-class='0'] rect").get_attribute("fill")
    assert first.startswith("#") and luminance(first) < 0.93
    assert page.locator("#legend li[data-class='nodata'] rect").get_attribute("fill") == HATCH
    assert page.locator("#partnerstwa-nodata line").count() == 1
    # The map's fills are the legend's colours, the counts those of the map.
    legend_fills = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        '#legend li[data-class] rect')].map(r => [r.getAttribute('fill'), r.closest('li').dataset.class]))""")
    drawn = Counter(page.evaluate("""() => [...document.querySelectorAll(
        '.leaflet-overlay-pane path[data-teryt]')].map(p => p.getAttribute('fill'))"""))
    assert set(drawn) <= set(legend_fills)
    assert {legend_fills[f]: n for f, n in drawn.items()} == {k: v for k, v in counts.items() if v}
    assert page.console_errors == []
    page.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_lisa_legend_names_indicator_year_significance_and_hatches_no_data(
        browser, live_url, reference_engine, podlaskie_lisa, size):
    run = podlaskie_lisa
    page = sized_page(browser, size)
    page.goto(f"{live_url}/?layer=lisa&run={run['id']}")
    page.wait_for_function(f"document.body.dataset.painted === 'lisa:{run['id']}'"
                           " && document.body.dataset.features === '2477'", timeout=WAIT)
    open_panel(page)
    with reference_engine.connect() as conn:
        labels = Counter(dict(conn.execute(sa.text(
            "SELECT label, count(*) FROM analysis_result WHERE run_id = :r GROUP BY label"),
            {"r": run["id"]}).all()))
    counts = legend_counts(page, "#legend")
    assert {k: v for k, v in counts.items() if k != "nodata" and v} == dict(labels)
    assert counts["nodata"] == 2477 - sum(labels.values()) == 2477 - 118
    text = page.locator("#legend").inner_text()
    for words in ("Wskaźnik: Bezrobotni", "Rok: 2024", "Poziom istotności: α = 0,05",
                  "99 permutacji"):
        assert words in text, (words, text)
    hatched = page.locator(f'.leaflet-overlay-pane path[fill="{HATCH}"]').count()
    assert hatched == counts["nodata"]
    assert page.console_errors == []
    page.context.close()


def test_lisa_legend_of_a_national_run_counts_the_voivodeship_shown(browser, live_url,
                                                                    reference_engine,
                                                                    unemployment_rate):
    """A national run seen with the scope podlaskie: the legend counts podlaskie's gminas
    (what the map shows), not the whole country's, and says so."""
    run = run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024, seed=11,
                       permutations=99, reuse=True)
    with reference_engine.connect() as conn:
        shown = Counter(dict(conn.execute(sa.text(
            "SELECT a.label, count(*) FROM analysis_result a JOIN gmina g ON g.teryt = a.teryt"
            " WHERE a.run_id = :r AND g.voivodeship_teryt = '20' GROUP BY a.label"),
            {"r": run["id"]}).all()))
        national = Counter(dict(conn.execute(sa.text(
            "SELECT label, count(*) FROM analysis_result WHERE run_id = :r GROUP BY label"),
            {"r": run["id"]}).all()))
    assert shown["HH"] != national["HH"]  # else the test could not tell them apart
    page = sized_page(browser, "desktop")
    page.goto(f"{live_url}/?layer=lisa&run={run['id']}&area=20")
    page.wait_for_function(f"document.body.dataset.painted === 'lisa:{run['id']}'"
                           " && document.body.dataset.features === '118'", timeout=WAIT)
    open_panel(page)
    counts = legend_counts(page, "#legend")
    assert {k: v for k, v in counts.items() if k != "nodata" and v} == dict(shown)
    assert counts["nodata"] == 118 - sum(shown.values())
    text = page.locator("#legend").inner_text()
    assert "Liczby gmin w widocznym zakresie: podlaskie" in text, text
    assert "wysokie–wysokie" in text and "gorący punkt" not in text  # LISA, not Gi*
    assert page.console_errors == []
    page.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_comparison_maps_have_titles_legends_and_png(browser, live_url, reference_engine,
                                                     unemployment_rate, partnerships_loaded,
                                                     accounts, size, tmp_path):
    page = sized_page(browser, size, "marshal20@test.pl", live_url)
    page.goto(live_url + "/comparison/20")
    page.wait_for_function("document.body.dataset.ready === '1' && document.body.dataset.paintedleft"
                           " && document.body.dataset.paintedright", timeout=WAIT)
    with reference_engine.connect() as conn:
        held = conn.execute(sa.text(
            "SELECT count(*) FROM indicator_value WHERE indicator_code = 'unemployed_per_1000'"
            " AND level = 'gmina' AND substr(teryt, 1, 2) = '20' AND year = (SELECT max(year)"
            " FROM indicator_value WHERE indicator_code = 'unemployed_per_1000')")).scalar_one()
        gminas = conn.execute(sa.text(
            "SELECT count(*) FROM gmina WHERE voivodeship_teryt = '20'")).scalar_one()
    left = legend_counts(page, "#legend-left")
    assert sum(v for k, v in left.items() if k != "nodata") == held
    assert left["nodata"] == gminas - held
    right = legend_counts(page, "#legend-right")
    assert sum(right.values()) == gminas
    assert page.locator("#title-left").inner_text().startswith("Bezrobotni")
    assert "Rok:" in page.locator("#legend-right").inner_text()
    # The table's share counts gminas of LISA clusters (the diagnosis counts residents).
    share = page.locator("#comparison-table th[data-key=high_risk_share]").inner_text()
    assert share == "udział gmin w skupieniach wysokie–wysokie (LISA), %"

    map_box = page.locator(".dual .folium-map").first.bounding_box()
    with page.expect_download() as download:
        page.click("#png-left")
    width, height = png_size(download.value.path())
    assert width == round(map_box["width"]) + 300
    assert height >= round(map_box["height"]) + 56 + 40

    figure = page.locator("#profile figure").first
    svg_box = page.evaluate("""() => { const v = document.querySelector('#profile svg').viewBox.baseVal;
                               return [v.width, v.height]; }""")
    with page.expect_download() as download:
        figure.locator("button.chart-png").click()
    width, height = png_size(download.value.path())
    assert (width, height) == (round(svg_box[0]) + 24, round(svg_box[1]) + 28 + 24)
    assert page.console_errors == []
    page.context.close()


def test_overview_png_has_map_legend_and_the_size_of_the_map(browser, live_url,
                                                            unemployment_rate, tmp_path):
    page = sized_page(browser, "desktop")
    page.goto(live_url + "/?indicator=unemployed_per_1000&year=2024")
    page.wait_for_function(OVERVIEW_READY, timeout=WAIT)
    box = page.locator("main.map .folium-map").bounding_box()
    with page.expect_download() as download:
        page.click("#png-map")
    assert download.value.suggested_filename == "unemployed_per_1000_2024.png"
    width, height = png_size(download.value.path())
    assert width == round(box["width"]) + 300 and height >= round(box["height"]) + 96
    try:
        from PIL import Image
    except ImportError:  # the header was checked above
        return
    image = Image.open(download.value.path()).convert("RGB")
    # The map is drawn: the map area holds many colours, not one background.
    crop = image.crop((0, 56, round(box["width"]), 56 + round(box["height"])))
    assert len(crop.getcolors(maxcolors=100_000) or []) > 5
    assert page.console_errors == []
    page.context.close()


def test_print_shows_title_map_legend_scale_source_and_date(browser, live_url,
                                                           unemployment_rate):
    page = sized_page(browser, "desktop")
    page.goto(live_url + "/?indicator=unemployed_per_1000&year=2024")
    page.wait_for_function(OVERVIEW_READY, timeout=WAIT)
    page.emulate_media(media="print")
    assert page.locator("header.bar").is_hidden() and page.locator(".unit-search").is_hidden()
    title = page.locator("#print-title")
    assert title.is_visible() and title.inner_text().startswith(
        "Bezrobotni zarejestrowani na 1000 mieszkańców, 2024")
    assert page.locator("#legend li[data-class='0']").is_visible()
    assert page.locator(".leaflet-control-scale").is_visible()
    assert page.locator(".source").inner_text().startswith("Granice: GUGiK")
    assert "Data: " in page.locator(".print-date").inner_text()
    assert page.console_errors == []
    page.context.close()


def test_a_partnership_outline_names_it_on_hover(browser, live_url, unemployment_rate,
                                                 partnerships_loaded):
    page = sized_page(browser, "desktop")
    page.goto(live_url + "/?indicator=unemployed_per_1000&year=2024&view=9/53.0/22.4")
    page.wait_for_function("document.body.dataset.painted", timeout=WAIT)
    page.wait_for_function("document.querySelectorAll('path[stroke-dasharray]').length > 0",
                           timeout=WAIT)
    # A point on the outline's stroke, in page coordinates.
    x, y = page.evaluate("""() => {
        const view = document.querySelector('.folium-map').getBoundingClientRect();
        for (const path of document.querySelectorAll('path[stroke-dasharray]')) {
          const length = path.getTotalLength(), m = path.getScreenCTM();
          for (let s = 0; s < length; s += 5) {
            const p = path.getPointAtLength(s), x = m.a * p.x + m.c * p.y + m.e,
                  y = m.b * p.x + m.d * p.y + m.f;
            if (x > view.left + 60 && x < view.right - 60 && y > view.top + 60
                && y < view.bottom - 60) { return [x, y]; }
          }
        }
        return null; }""")
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y, steps=3)
    tooltip = page.locator(".leaflet-tooltip", has_text="Partnerstwo: ")
    tooltip.wait_for(timeout=5_000)
    assert "Ziemia Wysokomazowiecka" in tooltip.inner_text()
    assert page.console_errors == []
    page.context.close()
