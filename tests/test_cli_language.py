"""The command line speaks Polish by default and English with ``--lang en``, from the web's
catalogue: its errors, the warnings of loads and imports, its progress and argparse's words.

The runs are real ``partnerstwa`` processes on a test database; the expected figures come from
the data mirror's files.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys

import geopandas as gpd
import pyogrio
import pytest
from babel.messages.pofile import read_po

from core.errors import Text
from layers.indicator_formats import INDICATOR_FORMATS
from layers.library_reasons import library_reason
from scripts import language
from tests.conftest import REPO

CATALOGUE = REPO / "web/translations/pl/LC_MESSAGES/messages.po"
# English words no Polish sentence holds (as tests/web/test_no_mixed_language.py).
ENGLISH = re.compile(r"\b(the|of|must|which|with|is|are|cannot|from|this|not|and|or|has|"
                     r"have|found|invalid|loaded|units|warning|error|reading)\b", re.I)


def partnerstwa(*args: str, database_url: str, lang_setting: str | None = None):
    """Run the command line as a user would; without ``lang_setting`` PARTNERSTWA_LANG is
    unset (the tests' conftest sets it to English for the other tests)."""
    env = {k: v for k, v in os.environ.items() if k != "PARTNERSTWA_LANG"}
    env["DATABASE_URL"] = database_url
    if lang_setting is not None:
        env["PARTNERSTWA_LANG"] = lang_setting
    return subprocess.run([sys.executable, "-m", "scripts.cli", *args], capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=600)


@pytest.fixture(scope="module")
def bolesławiecki_file(boundaries_dir, tmp_path_factory):
    """The gminas of powiat bolesławiecki (0201), a part of one voivodeship."""
    gminas = gpd.read_file(boundaries_dir / "gminy.geojson")
    part = gminas[gminas.terc.str.startswith("0201")].reset_index(drop=True)
    path = tmp_path_factory.mktemp("cli_language") / "boleslawiecki.geojson"
    part.to_file(path)
    return path, len(part)


@pytest.fixture
def garbage(tmp_path):
    path = tmp_path / "granice.gpkg"
    path.write_bytes(b"not a geopackage at all")
    return path


@pytest.fixture
def restored_language():
    """In-process runs change the language (and argparse's words): put them back."""
    before, translate = language.current(), argparse._
    yield
    language.use(before)
    argparse._ = translate


def test_a_load_warns_and_reports_in_polish_by_default(fresh_db_url, bolesławiecki_file):
    path, count = bolesławiecki_file
    done = partnerstwa("load", "boundaries", str(path), "--level", "gmina",
                       database_url=fresh_db_url)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    # Nothing above gminas is loaded in a fresh database, and one voivodeship is partial.
    assert "  ostrzeżenie: nie wczytano jeszcze poziomu powiat, więc nie sprawdzono kodów" \
           " nadrzędnych: najpierw wczytaj poziom powiat" in out
    assert f"  ostrzeżenie: pokrycie częściowe: {count} jednostek poziomu gmina w" \
           " powiatach 0201; jednostki gdzie indziej pozostają bez zmian" in out
    assert "(dziś); podaj --as-of, aby wskazać datę granic" in out  # no --as-of given
    assert out.startswith(f"wczytano {count} jednostek poziomu gmina (stan na ")
    assert "pokrycie częściowe," in out.splitlines()[0]
    assert f"] odczyt {path}" in done.stderr and "sprawdzanie nakładania się i luk" in done.stderr
    for line in out.splitlines():
        assert not ENGLISH.search(line.replace(str(path), "").replace("--as-of", "")), line


def test_the_same_load_in_english_with_the_option_or_the_setting(fresh_db_url,
                                                                 bolesławiecki_file):
    path, count = bolesławiecki_file
    with_option = partnerstwa("--lang", "en", "load", "boundaries", str(path), "--level",
                              "gmina", database_url=fresh_db_url)
    assert with_option.returncode == 0, with_option.stderr
    assert "  warning: no powiat is loaded yet, so parent codes were not checked: load the" \
           " powiat level first" in with_option.stdout
    assert f"  warning: partial coverage: {count} units of level gmina in the powiats 0201;" \
           " units elsewhere are kept as they were" in with_option.stdout
    assert f"] reading {path}" in with_option.stderr
    with_setting = partnerstwa("load", "boundaries", str(path), "--level", "gmina",
                               database_url=fresh_db_url, lang_setting="en")
    assert with_setting.stdout.startswith(f"loaded {count} units of level gmina")
    # The option before the command wins over the setting.
    polish = partnerstwa("--lang", "pl", "load", "boundaries", str(path), "--level", "gmina",
                         database_url=fresh_db_url, lang_setting="en")
    assert polish.stdout.startswith(f"wczytano {count} jednostek poziomu gmina")


def test_an_error_names_what_and_where_in_polish_with_the_library_text_as_detail(
        fresh_db_url, garbage):
    done = partnerstwa("load", "boundaries", str(garbage), "--level", "gmina",
                       database_url=fresh_db_url)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    error = next(i for i, line in enumerate(lines) if line.startswith("partnerstwa:"))
    assert lines[error] == (f"partnerstwa: błąd: {garbage}: nie można odczytać jako zbioru"
                            " danych wektorowych: plik nie jest w żadnym z obsługiwanych"
                            " formatów (GeoJSON, GeoPackage, Shapefile, ...)")
    # GDAL's own words stay available, marked as such, after the message.
    assert lines[error + 1].startswith("  szczegół (z biblioteki): ")
    assert "not recognized as being in a supported file format" in lines[error + 1]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("make_path, reason", [
    (lambda tmp: tmp / "brak.csv", "nie ma takiego pliku ani folderu"),
    (lambda tmp: tmp, "to folder, a nie plik")])
def test_a_file_that_cannot_be_read_is_one_line_not_a_traceback(
        reference_db_url, partnerships_loaded, tmp_path, make_path, reason):
    path = make_path(tmp_path)
    done = partnerstwa("surveys", "preview", str(path), "--partnership", "P01",
                       database_url=reference_db_url)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [f"partnerstwa: błąd: {path}: {reason}"]


def test_the_same_error_in_english(fresh_db_url, garbage):
    done = partnerstwa("--lang", "en", "load", "boundaries", str(garbage), "--level", "gmina",
                       database_url=fresh_db_url)
    assert done.returncode == 1
    assert f"partnerstwa: error: {garbage}: cannot read as a vector dataset: the file is in no" \
           " format that can be read (GeoJSON, GeoPackage, Shapefile, ...)" in done.stderr
    assert "  detail (from the library): " in done.stderr


def test_argparse_speaks_the_language_and_the_help_states_the_rule(fresh_db_url):
    missing = partnerstwa("load", "boundaries", "x.geojson", database_url=fresh_db_url)
    assert missing.returncode == 2
    assert missing.stderr.startswith("użycie: partnerstwa load boundaries")
    assert "partnerstwa load boundaries: błąd: wymagane są argumenty: --level" in missing.stderr
    wrong = partnerstwa("--lang", "en", "load", "boundaries", "x", "--level", "gmin",
                        database_url=fresh_db_url)
    assert "error: argument --level: invalid choice: 'gmin'" in wrong.stderr
    shown = partnerstwa("--help", database_url=fresh_db_url).stdout
    assert "Język komunikatów: opcja --lang przed poleceniem, w przeciwnym razie zmienna" \
           " środowiskowa PARTNERSTWA_LANG (pl lub en), a bez niej polski." \
           in " ".join(shown.split())
    assert "opcje:" in shown and "pokaż tę pomoc i zakończ" in shown
    english = partnerstwa("--help", database_url=fresh_db_url, lang_setting="en").stdout
    assert "Language of the messages: --lang before the command, else the environment" \
           " variable PARTNERSTWA_LANG (pl or en), else Polish." in " ".join(english.split())


@pytest.mark.parametrize(("argv", "setting", "expected"), [
    ([], None, "pl"), ([], "", "pl"), ([], "en", "en"), ([], "EN", "en"), ([], "de", "pl"),
    (["--lang", "en", "load"], "pl", "en"), (["--lang=pl", "load"], "en", "pl"),
    # A command's own --lang is its document's language, not the messages'.
    (["diagnosis", "P01", "--lang", "en"], "", "pl"),
])
def test_the_language_rule(argv, setting, expected, monkeypatch):
    """``setting`` is PARTNERSTWA_LANG as the environment holds it (None: unset)."""
    if setting is None:
        monkeypatch.delenv("PARTNERSTWA_LANG", raising=False)
    else:
        monkeypatch.setenv("PARTNERSTWA_LANG", setting)
    assert language.choose(argv) == expected


def test_in_process_errors_render_in_the_chosen_language(fresh_db_url, monkeypatch, capsys,
                                                         restored_language, tmp_path):
    from scripts.cli import main

    monkeypatch.setenv("DATABASE_URL", fresh_db_url)
    monkeypatch.delenv("PARTNERSTWA_LANG")
    empty = tmp_path / "pusty.geojson"
    empty.write_bytes(b"")
    assert main(["load", "boundaries", str(empty), "--level", "gmina"]) == 1
    assert capsys.readouterr().err.strip().splitlines()[-1] == \
        f"partnerstwa: błąd: {empty}: plik jest pusty"
    assert main(["--lang", "en", "indicators", "composite", "--code", "x", "--name", "x",
                 "--year", "2024", "--component", "a=lots"]) == 1
    assert capsys.readouterr().err.strip() == \
        "partnerstwa: error: --component 'a=lots': the weight must be a number"


def test_skip_reasons_of_an_indicator_file_in_both_languages(data_dir, restored_language):
    """The reasons a GUS export's rows were skipped (town and rural parts of urban-rural
    gminas) are Texts: English as data, Polish on the command line."""
    read = INDICATOR_FORMATS["bdl-csv"].read(
        data_dir / "indicators/bdl_exports/RYNE_1944_2003_2024.csv", year=None, spec=None,
        max_year=2100)
    reasons = {str(k): k for k in read.skipped}
    town = reasons["town part of an urban-rural gmina"]
    assert isinstance(town, Text)
    language.use("pl")
    assert language.words("  skipped %(count)s: %(reason)s", count=read.skipped[town],
                          reason=town) == \
        f"  pominięto {read.skipped[town]}: miasto w gminie miejsko-wiejskiej"
    assert language.render(reasons["rural part of an urban-rural gmina"]) == \
        "obszar wiejski w gminie miejsko-wiejskiej"
    # As data (a load's JSON report) a reason is its English text.
    assert json.loads(json.dumps(read.skipped))["town part of an urban-rural gmina"] == \
        read.skipped[town]


def test_frequent_library_reasons_are_ours_and_the_rest_pass_through(tmp_path,
                                                                     restored_language):
    garbage = tmp_path / "x.geojson"
    garbage.write_text("no json here")
    with pytest.raises(pyogrio.errors.DataSourceError) as gdal:
        pyogrio.list_layers(garbage)
    reason = library_reason(gdal.value)
    assert isinstance(reason, Text) and reason.template.startswith("the file is in no format")
    with pytest.raises(json.JSONDecodeError) as bad_json:
        json.loads('{"columns": ')
    language.use("pl")
    assert language.render(library_reason(bad_json.value)) == \
        "niepoprawny JSON (wiersz 1, kolumna 13)"
    assert language.render(library_reason(OSError(13, "Permission denied"))) == \
        "brak uprawnień do odczytu lub zapisu"
    assert library_reason(ValueError("something rare happened\nsecond line")) == \
        "something rare happened"


# The modules whose warnings, notes, skip reasons and progress labels the command line prints.
LOADERS = ("layers", "services/reference", "services/indicators", "scripts")
COLLECTORS = {"append", "insert", "skip", "say", "warn", "progress"}
MARKERS = {"Text", "N_", "tell", "words", "stderr", "PartnerstwaError", "InvalidInput",
           "BadRequest", "NotFound", "Conflict", "DatabaseUnavailable", "BdlError",
           "DownloadFailed"}


def _modules():
    for folder in LOADERS:
        yield from sorted((REPO / folder).rglob("*.py"))


def test_no_loader_warning_is_built_as_an_english_string():
    """A warning or a progress label made with an f-string cannot be translated: they are
    ``Text`` templates with parameters."""
    built = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name in COLLECTORS and isinstance(node.args[-1] if name == "insert"
                                                 else node.args[0], ast.JoinedStr):
                built.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert built == []


def test_every_template_the_loaders_and_the_cli_print_has_a_polish_translation():
    with open(CATALOGUE, "rb") as fh:
        catalogue = read_po(fh)
    templates = set()
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and node.args
                    and getattr(node.func, "attr", getattr(node.func, "id", None)) in MARKERS
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                templates.add(node.args[0].value)
    assert len(templates) > 200
    untranslated = sorted(t for t in templates if t not in catalogue
                          or not catalogue[t].string)
    assert untranslated == []
    # The analysis report translates words its services keep as data: the same texts.
    from scripts.cli_indicators import ANALYSIS_WORDS
    from services.analysis.kinds import GI_WEIGHTS
    from spatial.getis import UNDEFINED

    assert set(ANALYSIS_WORDS) == {*GI_WEIGHTS.values(), UNDEFINED}
    # The babel.cfg extraction sees the command line too (its own section and keywords).
    config = (REPO / "babel.cfg").read_text(encoding="utf-8")
    assert re.search(r"^\[python: scripts/\*\*\.py\]\nkeywords = .*\btell\b.*\bwords\b", config,
                     re.M)
