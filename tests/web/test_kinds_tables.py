"""Export formats, indicator file formats and funding sources each come from one table that
the command line, the OpenAPI document and the pages read (issue 9, item 19)."""

import re
from pathlib import Path

from layers.indicator_formats import INDICATOR_FORMATS
from services.planning.export_formats import EXPORT_FORMATS, EXPORTABLE
from services.planning.vocabularies import FUNDING, FUNDING_CODES
from tests.web.test_roles_table import _choices

REPO = Path(__file__).resolve().parents[2]


def test_the_command_line_offers_the_tables():
    assert _choices("export", "format") == tuple(EXPORT_FORMATS)
    assert _choices("export", "what")[:len(EXPORTABLE)] == EXPORTABLE  # then "package"
    assert _choices("load", "indicators", "format") == tuple(INDICATOR_FORMATS)


def test_the_openapi_enums_are_the_tables(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    components = spec["components"]
    assert components["parameters"]["format"]["schema"]["enum"] == list(EXPORT_FORMATS)
    assert components["parameters"]["what"]["schema"]["enum"] == list(EXPORTABLE)
    assert components["schemas"]["FundingSource"]["enum"] == list(FUNDING_CODES)
    media = spec["paths"]["/api/v1/exports/{what}"]["get"]["responses"]["200"]["content"]
    assert set(media) == {f.mimetype for f in EXPORT_FORMATS.values()}


def test_the_workspace_reads_the_tables(client, partnerships_loaded):
    for lang in ("pl", "en"):
        page = client.get(f"/partnerships/P01?lang={lang}").get_data(as_text=True)
        options = re.findall(r'<option value="([a-z_]+)">([^<]+)</option>',
                             page[page.index('name="funding_source"'):])
        assert [code for code, _ in options][:len(FUNDING)] == list(FUNDING_CODES)
        assert dict(options[:len(FUNDING)]) == {t.code: t.label(lang) for t in FUNDING}
        buttons = re.findall(r'data-format="(\w+)"', page)
        assert buttons == [f.code for f in EXPORT_FORMATS.values() if f.in_ui]


def test_no_dispatch_on_format_literals():
    for path in ("services/planning/exports.py", "services/indicators/store.py",
                 "web/api_files.py"):
        source = (REPO / path).read_text()
        assert not re.search(r'if fmt == "(bdl-csv|gus-t21|shp|gpkg|geojson|fgb)"', source), path
