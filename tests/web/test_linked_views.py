"""GeoDa-style linked views in Chromium: the Moran scatterplot beside the LISA cluster map,
brushing both ways, the significance map, and the choice of significance level and FDR."""

import pytest
from scipy.stats import false_discovery_control

from services.analysis.runs import get_run, run_analysis
from services.analysis.scatter import moran_scatter

pytestmark = pytest.mark.browser
WAIT = 60_000
QUADRANT = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}


@pytest.fixture(scope="module")
def podlaskie_run(reference_engine, unemployment_rate):
    run = run_analysis(reference_engine, "lisa", "unemployed_per_1000", 2024,
                       scope="voivodeship:20", permutations=999, seed=11)
    return get_run(reference_engine, run["id"])


def expected_labels(results, alpha, fdr):
    tested = [t for t, r in results.items() if r.get("quadrant")]
    p = [results[t]["p_value"] for t in tested]
    keep = (false_discovery_control(p, method="bh") <= alpha) if fdr else [v <= alpha for v in p]
    significant = {t for t, k in zip(tested, keep, strict=True) if k}
    return {t: ("isolated" if not r.get("quadrant") else
                QUADRANT[r["quadrant"]] if t in significant else "ns")
            for t, r in results.items()}


def open_run(page, live_url, run_id, width=1440, height=900):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_url + "/")
    page.wait_for_function("document.body.dataset.painted", timeout=WAIT)
    page.select_option("#scope", "20")
    page.wait_for_function("document.body.dataset.features === '118'"
                           " || document.body.dataset.features === String("
                           "document.querySelectorAll('.leaflet-overlay-pane path[data-teryt]').length)"
                           " && document.body.dataset.features !== '2477'", timeout=WAIT)
    page.check("input[name=mode][value=lisa]")
    page.select_option("#run", str(run_id))
    page.wait_for_function(f"document.querySelector('#linked-views[data-run=\"{run_id}\"]')",
                           timeout=WAIT)


def test_scatterplot_brushing_and_significance_rules(page, live_url, reference_engine,
                                                     podlaskie_run):
    run_id = podlaskie_run["id"]
    scatter = moran_scatter(reference_engine, run_id)
    open_run(page, live_url, run_id)

    circles = page.locator("#moran-plot circle")
    assert circles.count() == len(scatter["points"])
    # the stored labels (FDR at the run's alpha) and the page's own BH agree
    results = podlaskie_run["results"]
    assert page.evaluate("PLinked.labels()") == {t: r["label"] for t, r in results.items()}
    assert page.evaluate("PLinked.labels()") == expected_labels(results, 0.05, True)

    # another rule: p <= 0.01 without FDR, recomputed here
    page.select_option("#lisa-alpha", "0.01")
    page.uncheck("#lisa-fdr")
    page.wait_for_function("document.querySelector('#linked-views').dataset.fdr === '0'")
    want = expected_labels(results, 0.01, False)
    assert page.evaluate("PLinked.labels()") == want
    significant = sum(1 for label in want.values() if label in QUADRANT.values())
    assert page.locator("#linked-views").get_attribute("data-significant") == str(significant)
    legend = page.locator("#significance-legend").inner_text()
    assert "0,01" in legend and "bez korekty" in legend
    # the cluster map is drawn with the new labels
    hot = next((t for t, label in want.items() if label == "HH"), None)
    if hot:
        fill = page.locator(f".leaflet-overlay-pane path[data-teryt='{hot}']").first
        assert fill.get_attribute("fill") == "#d7191c"

    # brushing in the plot: drag from the centre to the top-right corner
    page.locator("#moran-plot svg").scroll_into_view_if_needed()
    box = page.locator("#moran-plot svg").bounding_box()
    origin = page.evaluate("""() => {
        const svg = document.querySelector('#moran-plot svg'), r = svg.getBoundingClientRect();
        const vb = svg.viewBox.baseVal, [xAxis, yAxis] = svg.querySelectorAll('line');
        return [r.x + (+yAxis.getAttribute('x1')) * r.width / vb.width,
                r.y + (+xAxis.getAttribute('y1')) * r.height / vb.height]; }""")
    page.mouse.move(origin[0] + 1, origin[1] - 1)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + 2, steps=5)
    page.mouse.up()
    chosen = page.evaluate("PLinked.selection()")
    upper_right = sorted(p["teryt"] for p in scatter["points"] if p["z"] > 0.02 and p["lag"] > 0.02)
    assert chosen and set(upper_right) <= set(chosen)
    assert all(p["z"] >= -0.05 and p["lag"] >= -0.05
               for p in scatter["points"] if p["teryt"] in chosen)
    assert page.locator("#lisa-selection").get_attribute("data-count") == str(len(chosen))
    # … outlined on the cluster map and on the significance map
    assert page.locator(".folium-map path.selected-gmina").count() == len(chosen)
    assert page.locator("#significance-map path.selected-gmina").count() == len(chosen)

    # the other way: a gmina clicked on the map with Shift is marked in the plot
    outside = next(p["teryt"] for p in scatter["points"] if p["teryt"] not in chosen)
    page.locator(f".folium-map path[data-teryt='{outside}']").first.click(
        modifiers=["Shift"], force=True)
    page.wait_for_function(f"PLinked.selection().includes('{outside}')")
    assert page.locator(f"#moran-plot circle[data-teryt='{outside}']").get_attribute(
        "class") == "selected"
    assert len(page.evaluate("PLinked.selection()")) == len(chosen) + 1

    # selecting a category by keyboard
    page.focus("#lisa-select-category")
    page.select_option("#lisa-select-category", "LL")
    lows = sorted(t for t, label in want.items() if label == "LL")
    assert page.evaluate("PLinked.selection()") == lows
    page.click("#lisa-clear")
    assert page.evaluate("PLinked.selection()") == []

    # the plot as a PNG
    with page.expect_download() as download:
        page.click("#moran-png")
    png = open(download.value.path(), "rb").read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") >= 320  # IHDR width: the plot's 320 px at least
    assert page.console_errors == []


def test_linked_views_work_on_a_phone(page, live_url, podlaskie_run):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_url + "/")
    page.wait_for_function("document.body.dataset.painted", timeout=WAIT)
    toggle = page.locator(".drawer-toggle")
    if toggle.is_visible():
        toggle.click()
    page.select_option("#scope", "20")
    page.check("input[name=mode][value=lisa]")
    page.select_option("#run", str(podlaskie_run["id"]))
    page.wait_for_function(
        f"document.querySelector('#linked-views[data-run=\"{podlaskie_run['id']}\"]')",
        timeout=WAIT)
    # measured in the page, in one step: the plot's width on a phone
    width = page.evaluate("document.querySelector('#moran-plot svg').getBoundingClientRect().width")
    assert 200 <= width <= 390
    assert page.evaluate(
        "document.getElementById('significance-map').getBoundingClientRect().width") <= 390
    assert page.console_errors == []
