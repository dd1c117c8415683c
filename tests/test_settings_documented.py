"""Every setting is read through ``services.config.Settings`` and documented in the README."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

from services.config import Settings
from tests.system_needs import APP_PACKAGES, REPO


class RecordingEnviron(dict):
    """A copy of the environment that remembers every name looked up."""

    def __init__(self, values):
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)


def settings_read(monkeypatch, values: dict[str, str]) -> tuple[Settings, set[str]]:
    environ = RecordingEnviron(values)
    monkeypatch.setattr(os, "environ", environ)
    settings = Settings.from_env()
    return settings, environ.read


def readme_variables() -> set[str]:
    """Names in the first column of every README table headed ``| variable | ...``."""
    names: set[str] = set()
    in_table = False
    for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines():
        if re.match(r"^\|\s*variable\s*\|", line):
            in_table = True
            continue
        if not line.startswith("|"):
            in_table = False
            continue
        if in_table:
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def environment_reads(path: Path) -> list[int]:
    """Lines of ``path`` that read the process environment directly."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == "os" and node.attr in ("environ", "getenv", "environb"):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" \
                and any(a.name in ("environ", "getenv", "environb") for a in node.names):
            lines.append(node.lineno)
    return sorted(lines)


def test_every_partnerstwa_setting_is_in_the_readme_and_every_documented_one_is_read(
        monkeypatch):
    _, read = settings_read(monkeypatch, {})
    read_here = {name for name in read if name.startswith("PARTNERSTWA_")}
    documented = {name for name in readme_variables() if name.startswith("PARTNERSTWA_")}
    assert "PARTNERSTWA_BDL_CLIENT_ID" in read_here and "PARTNERSTWA_DATA_DIR" in read_here
    assert sorted(read_here - documented) == [], "read by Settings, missing in README tables"
    assert sorted(documented - read_here) == [], "in README tables, never read by Settings"
    assert "DATABASE_URL" in read and "DATABASE_URL" in readme_variables()


def test_no_application_module_reads_the_environment_outside_settings():
    """Tests and benches may: their variables (TEST_DATABASE_URL, BENCH_*) configure the
    harness, not the app."""
    offenders = []
    for package in APP_PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if path == REPO / "services" / "config.py":
                continue
            offenders += [f"{path.relative_to(REPO)}:{n}" for n in environment_reads(path)]
    assert offenders == [], "read settings through services.config.Settings"


def test_the_scan_finds_a_direct_read(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom os import getenv\nURL = os.environ.get('X')\n"
                      "Y = os.getenv('Y')\nZ = 'os.environ'\n")
    assert environment_reads(sample) == [2, 3, 4]


@pytest.mark.parametrize(("variable", "attribute", "raw", "expected"), [
    ("PARTNERSTWA_BDL_URL", "bdl_url", "http://127.0.0.1:9/api", "http://127.0.0.1:9/api"),
    ("PARTNERSTWA_BDL_CLIENT_ID", "bdl_client_id", "abc-123", "abc-123"),
    ("PARTNERSTWA_DEMO_PASSWORD", "demo_password", "inne-haslo", "inne-haslo"),
])
def test_bdl_and_demo_settings_come_from_the_environment(monkeypatch, variable, attribute,
                                                         raw, expected):
    settings, _ = settings_read(monkeypatch, {variable: raw})
    assert getattr(settings, attribute) == expected
    defaults, _ = settings_read(monkeypatch, {})
    assert getattr(defaults, attribute) == getattr(Settings(), attribute) != expected


def test_bdl_defaults_are_the_documented_ones(monkeypatch):
    settings, _ = settings_read(monkeypatch, {})
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"| `PARTNERSTWA_BDL_URL` | `{settings.bdl_url}` |" in readme
    assert settings.bdl_client_id == "" and settings.demo_password == "partnerstwa-demo"
