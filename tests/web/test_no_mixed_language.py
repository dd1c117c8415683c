"""No English in the Polish UI and no Polish in the English one, error texts included.

Every message of the server is an English template (the msgid) translated by the catalogue;
these tests walk the templates, the pages and the API's errors in both languages.
"""

import ast
import html
import re

import pytest
import sqlalchemy as sa

from tests.conftest import REPO
from web.i18n import SCRIPT_TEXTS

POINT = {"type": "Point", "coordinates": [23.16, 53.13]}  # Białystok, in P01
ERROR_CLASSES = {
    "PartnerstwaError", "InvalidInput", "BadRequest", "NotFound", "Conflict",
    "DatabaseUnavailable", "Forbidden", "Unauthenticated", "TooManyAttempts", "ServerBusy",
    "TooManyRequests", "CsrfFailed", "OgcInvalidParameter", "OgcNotFound", "TileOutOfRange",
    "BdlError", "DownloadFailed", "TooManySubmissions",
}
PACKAGES = ("core", "layers", "services", "spatial", "web")

# English words that no Polish sentence uses (and the proper names of the pages do not hold).
ENGLISH = re.compile(r"\b(the|of|must|should|which|with|your|you|is|are|cannot|from|this|"
                     r"there|not|and|or|has|have|no longer|sign in|loading|click|select|"
                     r"save|cancel|edit|delete|error|found|invalid|request)\b", re.I)
# Polish words and letters that an English page shows only inside proper names.
POLISH = re.compile(r"\b(się|oraz|jest|dla|nie|lub|przez|który|która|które|mapa|"
                    r"województwo|zaloguj|zapisz|anuluj|wskaźnik|rok|źródło)\b|[ąćęłńóśźż]",
                    re.I)


def _error_calls(tree):
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
                and (getattr(node.func, "id", None) or node.func.attr) in ERROR_CLASSES
                and node.args):
            yield node


def test_every_error_class_is_known_to_the_extraction():
    """A new error class must be a keyword of babel.cfg, or its messages stay English."""
    classes = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef):
                    classes[node.name] = {getattr(b, "id", getattr(b, "attr", "")) for b in
                                          node.bases}
    errors, grown = {"PartnerstwaError"}, True
    while grown:
        found = {name for name, bases in classes.items() if bases & errors} - errors
        errors |= found
        grown = bool(found)
    config = (REPO / "babel.cfg").read_text(encoding="utf-8")
    keywords = set(re.findall(r"^keywords = (.*)$", config, re.M)[0].split())
    assert errors <= keywords and errors <= ERROR_CLASSES, (errors - keywords,
                                                             errors - ERROR_CLASSES)


def test_every_error_message_is_a_literal_template():
    """A message built at run time (an f-string, a concatenation) cannot be translated: the
    catalogues hold the template, the values come as parameters."""
    built = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            relative = path.relative_to(REPO).as_posix()
            if "/migrations/" in relative:
                continue
            for call in _error_calls(ast.parse(path.read_text(encoding="utf-8"))):
                first = call.args[0]
                if isinstance(first, ast.JoinedStr | ast.BinOp):
                    built.append(f"{relative}:{call.lineno}")
    assert not built, built


def test_the_extraction_finds_the_error_templates(tmp_path):
    import subprocess
    import sys

    from babel.messages.pofile import read_po

    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(REPO / "babel.cfg"), "-k", "_", "-o", str(pot), str(REPO)],
                   check=True, capture_output=True, cwd=REPO)
    with open(pot, "rb") as fh:
        found = {m.id for m in read_po(fh) if m.id}
    for template in ("cost_pln must be a number, got %(value)s",  # services
                     "%(outside)s of the drawn area lies outside Poland",
                     "%(name)s is longer than %(limit)s characters (%(count)s given)",  # web
                     "the zip archive is empty",  # layers
                     "Not found", "a whole number"):  # N_ markers
        assert template in found, template


def test_every_extracted_text_has_a_polish_translation(tmp_path):
    """Templates, scripts' texts and every error message of the code are in the catalogue."""
    import subprocess
    import sys

    from babel.messages.pofile import read_po

    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(REPO / "babel.cfg"), "-k", "_", "-o", str(pot), str(REPO)],
                   check=True, capture_output=True, cwd=REPO)
    with open(pot, "rb") as fh:
        wanted = [m for m in read_po(fh) if m.id]
    with open(REPO / "web/translations/pl/LC_MESSAGES/messages.po", "rb") as fh:
        catalogue = read_po(fh)
    untranslated = [(m.id, m.locations[:1]) for m in wanted
                    if m.id not in catalogue or not catalogue[m.id].string]
    assert len(wanted) > 900 and not untranslated, untranslated[:20]


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    texts = re.findall(r'(?:title|aria-label|placeholder|alt)="([^"]*)"', page)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(" ".join([page, *texts]))


@pytest.fixture
def proper_names(reference_engine, partnerships_loaded):
    """Names of units and partnerships, and indicators their importer named in one language
    only (other tests import such): they stay as they are in both languages."""
    with reference_engine.connect() as conn:
        names = set(conn.execute(sa.text(
            "SELECT name FROM gmina UNION SELECT name FROM powiat UNION SELECT name FROM"
            " voivodeship UNION SELECT name FROM partnership UNION SELECT name_pl FROM"
            " indicator WHERE name_en = name_pl")).scalars())
    names = sorted(names, key=len, reverse=True)  # the longest name first
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)", re.I)


def _without(text: str, names: re.Pattern) -> str:
    return names.sub(" ", text)


def _pages(app):
    """Every page of the app without a required part, plus pages with real ids."""
    paths = set()
    for rule in app.url_map.iter_rules():
        if ("GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
                and not rule.rule.startswith(("/api/", "/ogc", "/tiles", "/healthz"))
                and not rule.rule.endswith((".json", ".js", ".css", ".xml", ".gpkg"))):
            paths.add(rule.rule)
    return sorted(paths | {"/partnerships/P01", "/comparison/20", "/no-such-page"})


def _page(client, path, lang):
    response = client.get(path, query_string={"lang": lang},
                          headers={"Accept": "text/html"})
    if response.status_code in (301, 302, 303):
        return None
    body = response.get_data(as_text=True)
    if not response.content_type.startswith("text/html"):
        return None
    return body


def test_polish_pages_hold_no_english(expert, app, proper_names, unemployment_rate):
    found = {}
    for path in _pages(app):
        body = _page(expert, path, "pl")
        if body is None:
            continue
        text = _without(_visible_text(body), proper_names)
        words = sorted({m.group(0).lower() for m in ENGLISH.finditer(text)})
        if words:
            found[path] = words
    assert not found, found


def test_english_pages_hold_no_polish(expert, app, proper_names, unemployment_rate):
    found = {}
    for path in _pages(app):
        body = _page(expert, path, "en")
        if body is None:
            continue
        text = _without(_visible_text(body), proper_names)
        words = sorted({m.group(0).lower() for m in POLISH.finditer(text)})
        if words:
            found[path] = words
    expert.get("/?lang=pl")
    assert not found, found


def test_the_scripts_get_their_texts_in_the_page_language(expert):
    from web import i18n

    with expert.application.test_request_context("/?lang=pl"):
        from flask import g
        g.lang = "pl"
        polish = __import__("json").loads(i18n.script_texts())
    assert polish["Cancel"] == "Anuluj"
    english_left = [t for t in SCRIPT_TEXTS if ENGLISH.search(polish[t])]
    assert not english_left, english_left


@pytest.mark.parametrize("lang, cost, title", [
    (None, "koszt (zł) musi być liczbą, podano 'abc'",
     "pole „tytuł” jest dłuższe niż 500 znaków (podano 5\u00a0000)"),
    ("en", "cost_pln must be a number, got 'abc'",
     "title is longer than 500 characters (5,000 given)"),
])
def test_api_errors_speak_the_users_language(expert, lang, cost, title):
    query = {"lang": lang} if lang else {}
    bad_cost = expert.post("/api/v1/partnerships/P01/projects", query_string=query,
                           json={"title": "Droga", "cost_pln": "abc", "geometry": POINT})
    problem = bad_cost.get_json()
    assert bad_cost.status_code == 400, problem
    assert problem["detail"] == cost and problem["field"] == "cost_pln"
    long_title = expert.post("/api/v1/partnerships/P01/projects", query_string=query,
                             json={"title": "x" * 5000, "geometry": POINT})
    problem = long_title.get_json()
    assert long_title.status_code == 400
    assert problem["detail"] == title
    assert problem["field"] == "title" and problem["limit"] == 500
    expert.get("/?lang=pl")  # the choice is kept in a cookie


def test_problem_titles_and_http_errors_are_translated(expert):
    polish = expert.get("/api/v1/projects/999999").get_json()
    assert polish["title"] == "Nie znaleziono" and polish["detail"] == (
        "brak przedsięwzięcia 999999")
    # As the pages: Polish unless English was chosen, whatever the browser's Accept-Language.
    browser_english = expert.get("/api/v1/projects/999999",
                                 headers={"Accept-Language": "en-GB,en;q=0.9"}).get_json()
    assert browser_english["detail"] == "brak przedsięwzięcia 999999"
    english = expert.get("/api/v1/projects/999999?lang=en").get_json()
    assert english["title"] == "Not found" and english["detail"] == "no project 999999"
    assert expert.get("/api/v1/projects/999999").get_json()["detail"] == "no project 999999"
    expert.get("/?lang=pl")  # the choice was kept in a cookie
    missing = expert.get("/no-such-page", headers={"Accept": "text/html"})
    text = _visible_text(missing.get_data(as_text=True))
    assert missing.status_code == 404 and "Pod tym adresem nic nie ma" in text
    assert "The requested URL" not in text
    method = expert.delete("/api/v1/partnerships")
    assert method.status_code == 405
    assert method.get_json()["detail"] == "Ten adres nie obsługuje tej metody."


def test_a_field_label_names_the_field_in_polish(expert):
    response = expert.post("/api/v1/partnerships/P01/projects",
                           json={"title": "Droga", "priority": 7, "geometry": POINT})
    problem = response.get_json()
    assert response.status_code == 400 and problem["field"] == "priority", problem
    assert problem["detail"].startswith("pole „priorytet”"), problem["detail"]


# ---------- in the browser: Leaflet's and Geoman's words, and the server's, as shown ----------

WAIT = 30_000


def _workspace(page, live_url, lang):
    from tests.web.conftest import browser_sign_in

    browser_sign_in(page, live_url)
    page.goto(f"{live_url}/partnerships/P01?lang={lang}")
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT)


@pytest.mark.browser
@pytest.mark.parametrize("lang, zoom_in, zoom_out, hint, missing", [
    ("pl", "Przybliż", "Oddal", "Kliknij, aby umieścić pierwszy wierzchołek",
     "brak przedsięwzięcia 999999"),
    ("en", "Zoom in", "Zoom out", "Click to place first vertex", "no project 999999"),
])
def test_map_controls_and_server_messages_in_the_page_language(page, live_url, accounts,
                                                               partnerships_loaded, lang,
                                                               zoom_in, zoom_out, hint,
                                                               missing):
    _workspace(page, live_url, lang)
    button = page.locator(".leaflet-control-zoom-in").first
    assert button.get_attribute("title") == zoom_in
    assert button.get_attribute("aria-label") == zoom_in
    assert page.locator(".leaflet-control-zoom-out").first.get_attribute("title") == zoom_out
    # Geoman's drawing hints ("Click first marker to finish" in a Polish page was the bug).
    page.evaluate("() => window.PARTNERSTWA_MAPS[0].pm.enableDraw('Polygon')")
    box = page.locator(".leaflet-container").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator(".leaflet-tooltip").filter(has_text=hint)
    tooltip.first.wait_for(timeout=WAIT)
    page.evaluate("() => window.PARTNERSTWA_MAPS[0].pm.disableDraw()")
    # What a page shows of a refusal is the server's detail, in the page's language.
    shown = page.evaluate(
        "() => window.P.api('/api/v1/projects/999999').then(() => null, e => e.message)")
    assert shown == missing


# ---------- indicators: units and sources in words, in both languages ----------

def test_indicators_carry_units_and_sources_in_words(expert, unemployment_rate):
    polish = {i["code"]: i for i in expert.get("/api/v1/indicators").get_json()}
    english = {i["code"]: i for i in expert.get("/api/v1/indicators?lang=en").get_json()}
    expert.get("/?lang=pl")
    rate_pl, rate_en = polish["unemployed_per_1000"], english["unemployed_per_1000"]
    assert rate_pl["unit"] == rate_en["unit"] == "‰"  # a rate, not "osoby"
    assert rate_pl["unit_label"] == rate_en["unit_label"] == "‰"
    assert rate_pl["source_label"].startswith("obliczone: bezrobotni zarejestrowani")
    assert rate_en["source_label"].startswith("computed: registered unemployed")
    assert "derived" not in rate_pl["source_label"]
    counts = [code for code, i in polish.items() if i["unit"] == "osoby"]
    assert counts and all(english[c]["unit_label"] == "persons" for c in counts)
    bdl = [i for i in polish.values() if i["source"] == "GUS BDL" and i["source_ref"]]
    assert bdl, sorted(polish)
    for item in bdl:
        assert item["source_label"] == f"GUS BDL, tabl. {item['source_ref']}" or \
            item["source_ref"].startswith("LUDN,"), item
        assert english[item["code"]]["source_label"].startswith("GUS BDL, "), item


def test_a_composite_index_names_its_components():
    from layers.indicator_catalogue import source_label

    index = {"code": "marginalisation_risk", "source": "derived", "source_ref": "composite",
             "derived_from": {"components": {"unemployed_per_1000": 1.0,
                                             "population_change_pct_3y": 1.0}}}
    names = {"unemployed_per_1000": "Bezrobotni zarejestrowani na 1000 mieszkańców"}
    assert source_label(index, "pl", names) == (
        "obliczone: indeks złożony z: Bezrobotni zarejestrowani na 1000 mieszkańców;"
        " population_change_pct_3y")
    assert source_label(index, "en").startswith("computed: composite index of ")


def test_the_demonstration_risk_index_has_an_english_name():
    from layers.catalogue import DEMO_RISK_INDEX

    assert DEMO_RISK_INDEX["name_en"] != DEMO_RISK_INDEX["name"]
    assert not POLISH.search(DEMO_RISK_INDEX["name_en"])


def test_the_country_is_named_in_the_page_language(expert):
    polish = expert.get("/api/v1/comparison/20").get_json()
    english = expert.get("/api/v1/comparison/20?lang=en").get_json()
    expert.get("/?lang=pl")
    assert [u["name"] for u in polish["units"] if u["kind"] == "country"] == ["Polska"]
    assert [u["name"] for u in english["units"] if u["kind"] == "country"] == ["Poland"]


# ---------- geometry problems and import previews, in the page's language ----------

BERLIN = {"type": "Point", "coordinates": [13.4, 52.5]}


def test_a_geometry_problem_is_translated(expert):
    polish = expert.post("/api/v1/partnerships/P01/projects",
                         json={"title": "Droga", "geometry": BERLIN})
    english = expert.post("/api/v1/partnerships/P01/projects?lang=en",
                          json={"title": "Droga", "geometry": BERLIN})
    expert.get("/?lang=pl")
    assert polish.status_code == english.status_code == 422
    assert polish.get_json()["detail"] == "geometria leży poza Polską"
    assert english.get_json()["detail"] == "the geometry lies outside Poland"


def test_an_import_preview_speaks_the_users_language(expert, reference_engine):
    import io
    import json

    from tests.conftest import object_counts

    features = [{"type": "Feature", "properties": {"title": "W Polsce"},
                 "geometry": {"type": "Point", "coordinates": [22.5, 52.9]}},
                {"type": "Feature", "properties": {"title": "W Berlinie"}, "geometry": BERLIN}]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    before = object_counts(reference_engine)
    answers = {}
    for lang in ("pl", "en"):
        response = expert.post(f"/api/v1/partnerships/P01/projects/import?lang={lang}", data={
            "file": (io.BytesIO(data), "projekty.geojson"), "preview": "true"},
            content_type="multipart/form-data")
        assert response.status_code == 200, response.get_json()
        answers[lang] = response.get_json()
    expert.get("/?lang=pl")
    assert answers["pl"]["problems"] == ["obiekt 2: geometria leży poza Polską"]
    assert answers["en"]["problems"] == ["feature 2: the geometry lies outside Poland"]
    assert object_counts(reference_engine) == before  # a preview writes nothing
