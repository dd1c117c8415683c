"""Every text of the pages and scripts has a Polish translation, compiled and current."""

import re
import subprocess
import sys

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.conftest import REPO
from web.i18n import SCRIPT_TEXTS

CATALOGUE = REPO / "web" / "translations" / "pl" / "LC_MESSAGES"


def test_every_text_is_translated(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(REPO / "babel.cfg"), "-k", "_", "-o", str(pot), str(REPO)],
                   check=True, capture_output=True, cwd=REPO)
    with open(pot, "rb") as fh:
        used = {m.id for m in read_po(fh) if m.id}
    with open(CATALOGUE / "messages.po", "rb") as fh:
        polish = {m.id: m.string for m in read_po(fh) if m.id}
    needed = used | set(SCRIPT_TEXTS)
    assert not needed - set(polish), sorted(needed - set(polish))
    assert all(polish[m] for m in needed)


def test_every_script_text_is_sent_to_the_page():
    literal = re.compile(r'\bt\("((?:[^"\\]|\\.)*)"\)')
    used = {m for path in (REPO / "web" / "static" / "js").glob("*.js")
            for m in literal.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 25  # the pattern still finds the texts
    assert not used - set(SCRIPT_TEXTS), sorted(used - set(SCRIPT_TEXTS))


def _plain(text):
    # Plural entries: the .po reader gives tuples, the .mo reader lists.
    return tuple(text) if isinstance(text, (list, tuple)) else text


def test_compiled_catalogue_is_current():
    with open(CATALOGUE / "messages.po", "rb") as fh:
        source = {_plain(m.id): _plain(m.string) for m in read_po(fh) if m.id}
    with open(CATALOGUE / "messages.mo", "rb") as fh:
        compiled = {_plain(m.id): _plain(m.string) for m in read_mo(fh) if m.id}
    assert compiled == source, "run: pybabel compile -d web/translations"


def test_pages_speak_polish_by_default_and_english_on_request(client, partnerships_loaded):
    polish = client.get("/").get_data(as_text=True)
    assert "Mapa diagnostyczna" in polish and 'lang="pl"' in polish
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Diagnosis map" in english and 'lang="en"' in english
    client.get("/?lang=pl")  # back to Polish (the choice is kept in a cookie)
    listing = client.get("/partnerships", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Członkowie" in listing and "1\u00a0285,4" in listing  # Polish numbers, even so
