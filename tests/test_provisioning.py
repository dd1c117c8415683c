"""What tests, benches and the app run on the machine is what the make targets provision.

``scripts/provision_system.sh`` holds the one table of components (Debian packages, the
executables they provide, the Python modules that load their libraries). These tests read
every Python file for the executables it starts (subprocess and os calls, ``shutil.which``,
absolute paths of executables, Playwright's browser) and fail on any that is neither standard
on Debian, nor a console script of a declared requirement, nor provided by a component that
the matching target provisions: ``make test`` for tests, ``make bench`` for benches, and
``make demo``, ``make test`` and the Dockerfile for the application itself. Likewise every
module imported (or run with ``python -m``) must come with the project's declared
requirements: those of `make venv` for tests and benches, ``pip install .`` for the app.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import system_needs
from tests.executables import PYTHON, Finding, Scanner
from tests.system_needs import (
    APP_PACKAGES,
    REPO,
    components_of,
    console_scripts,
    distribution_key,
    installed_with,
    make_components,
    requirement_names,
    script_table,
    venv_extras,
)

LOCAL = {*APP_PACKAGES, "tests", "bench", "__future__"}

# Executables of Debian's Essential packages (present on every Debian system);
# test_the_standard_executables_are_essential_on_debian checks each against dpkg.
DEBIAN_ESSENTIAL = {"sh", "bash", "ls", "cat", "cp", "mv", "rm", "mkdir", "env",
                    "sleep", "true", "false", "tar", "gzip", "sed", "grep", "find", "sort",
                    "head", "tail", "date", "id", "uname", "dpkg", "dpkg-query"}


@dataclass(frozen=True)
class Scope:
    name: str
    folders: tuple[str, ...]
    targets: tuple[str, ...]   # make targets, or "Dockerfile"

    @property
    def extras(self) -> tuple[str, ...]:
        """setup.cfg extras installed where this scope runs: tests and benches run in the
        virtualenv of `make venv`; the app also runs from `pip install .` (Docker)."""
        return () if self.name == "application" else venv_extras()


SCOPES = (
    Scope("tests", ("tests",), ("test",)),
    Scope("benches", ("bench",), ("bench",)),
    Scope("application", APP_PACKAGES, ("demo", "test", "Dockerfile")),
)


def python_files(folders: tuple[str, ...]) -> list[Path]:
    return sorted(p for folder in folders for p in (REPO / folder).rglob("*.py"))


@functools.cache
def scan(scope: Scope) -> tuple[list[Finding], dict[str, str]]:
    findings, imports = [], {}
    for path in python_files(scope.folders):
        if path == Path(__file__).resolve():
            continue  # this checker asks shutil.which for every provided name
        scanner = Scanner(path).scan()
        findings += scanner.findings
        imports = scanner.imports | imports
    return findings, imports


# --- the tests ------------------------------------------------------------------------------

@pytest.mark.parametrize("scope", SCOPES, ids=[s.name for s in SCOPES])
def test_every_executable_run_is_provisioned(scope):
    provides = script_table("PROVIDES")
    venv = console_scripts(scope.extras)
    findings, _ = scan(scope)
    assert findings or scope.name == "application", "the scanner found nothing to check"
    problems = []
    for target in scope.targets:
        components = components_of(target)
        available = {exe for c in components for exe in provides.get(c, [])}
        for f in findings:
            if f.executable is None:
                problems.append(f"{f.where}: cannot tell which executable this runs; "
                                "name it with a literal")
            elif f.executable not in available | venv | DEBIAN_ESSENTIAL | {PYTHON}:
                problems.append(f"{f.where}: {f.executable} is not provisioned by "
                                f"{target} (components {sorted(components)})")
    assert problems == []


@pytest.mark.parametrize("scope", SCOPES, ids=[s.name for s in SCOPES])
def test_every_module_needing_system_libraries_is_provisioned(scope):
    modules = script_table("MODULES")
    imports = set(scan(scope)[1])
    # Every scope runs the app, and the app may import any of its requirements.
    imports |= requirement_names(scope.extras)
    problems = [f"{module} needs the component {component}, which {target} does not provision"
                for component, names in modules.items() for module in names
                if module in imports
                for target in scope.targets if component not in components_of(target)]
    assert problems == []


@pytest.mark.parametrize("scope", SCOPES, ids=[s.name for s in SCOPES])
def test_every_imported_module_is_installed_with_the_project(scope):
    """What tests and benches import (or run with ``python -m``) comes with `make venv`; what
    the app imports comes with `pip install .` alone, as in the Docker image."""
    installed = installed_with(scope.extras)
    owners = importlib.metadata.packages_distributions()
    missing = [f"{where}: {module} ({', '.join(owners.get(module, [])) or 'not installed'})"
               for module, where in sorted(scan(scope)[1].items())
               if module not in sys.stdlib_module_names and module not in LOCAL
               and not {distribution_key(d) for d in owners.get(module, [])} & installed]
    assert missing == [], f"declare them in setup.cfg (extras installed: {scope.extras})"


def test_make_test_provisions_every_component_but_the_interpreter():
    assert make_components("test") == set(script_table("PACKAGES")) - {"python"}
    assert {"postgis"} <= make_components("demo")
    assert {"postgis", "gdal", "browser"} <= make_components("bench")


def test_every_component_lists_packages_and_known_names():
    packages, provides, modules = (script_table(n) for n in ("PACKAGES", "PROVIDES", "MODULES"))
    assert all(packages.values())
    assert set(provides) <= set(packages) and set(modules) <= set(packages)
    for target in ("demo", "test", "bench", "Dockerfile"):
        assert components_of(target) <= set(packages), target


def test_this_machine_holds_what_make_test_provisions():
    """After `make test-setup` every package is installed and every executable is there."""
    packages, provides = script_table("PACKAGES"), script_table("PROVIDES")
    missing = []
    for component in sorted(make_components("test")):
        for package in packages[component]:
            status = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Status}", package],
                                    capture_output=True, text=True).stdout
            if status != "installed":
                missing.append(f"package {package} ({component})")
        missing += [f"executable {exe} ({component})" for exe in provides.get(component, [])
                    if not shutil.which(exe)]
    assert missing == [], "run: scripts/provision_system.sh " + " ".join(
        sorted(make_components("test")))


@pytest.mark.parametrize(("component", "module"), [
    (c, m) for c, modules in script_table("MODULES").items() for m in modules])
def test_the_libraries_a_module_opens_come_from_its_component(component, module):
    """The shared libraries a module names (``'libpango-1.0.so.0'`` in WeasyPrint's ffi) and
    loads on import belong to packages of its component."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin, f"{module} is not installed"
    sonames = set()
    for source in Path(spec.origin).parent.rglob("*.py"):
        sonames |= set(re.findall(r"['\"](lib[\w.+-]+\.so\.\d+)['\"]", source.read_text()))
    maps = subprocess.run([sys.executable, "-c", f"import {module}; "
                           "print(open('/proc/self/maps').read())"],
                          capture_output=True, text=True, check=True).stdout
    loaded = sorted({path for path in re.findall(r"\s(/\S+)$", maps, re.M)
                     if any(Path(path).name.startswith(s) for s in sonames)})
    assert len(loaded) >= 3, (sonames, loaded)
    owners = subprocess.run(["dpkg-query", "-S", *loaded], capture_output=True,
                            text=True).stdout
    packages = {p.split(":")[0] for line in owners.splitlines()
                for p in line.split(": ", 1)[0].split(", ")}
    assert packages and packages <= set(script_table("PACKAGES")[component]), packages


def test_the_standard_executables_are_essential_on_debian():
    paths = [f"{folder}/{exe}" for exe in DEBIAN_ESSENTIAL
             for folder in ("/bin", "/usr/bin", "/sbin", "/usr/sbin")]
    found = subprocess.run(["dpkg-query", "-S", *paths], capture_output=True, text=True).stdout
    owners: dict[str, set[str]] = {}
    for line in found.splitlines():
        packages, path = line.split(": ", 1)
        for package in packages.split(", "):
            owners.setdefault(Path(path).name, set()).add(package.split(":")[0])
    everyone = sorted(set().union(*owners.values()))
    flags = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Essential}\\n", *everyone],
                           capture_output=True, text=True).stdout
    essential = {line.split()[0] for line in flags.splitlines() if line.endswith(" yes")}
    assert {exe: sorted(owners.get(exe, ())) for exe in DEBIAN_ESSENTIAL
            if not owners.get(exe, set()) & essential} == {}


def test_the_scanner_reads_every_way_of_starting_a_program(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("""
import os, shutil, subprocess, sys
from pathlib import Path
from subprocess import check_output as co
CHROME = "/usr/bin/chromium"
TOOL = "pdftotext"

def f(cmd):
    subprocess.run(["ogrinfo", "-so"], check=True)
    subprocess.Popen([sys.executable, "-m", "x"])
    co("pg_isready -q", shell=True)
    os.system("tar -xf a.tar")
    shutil.which("schemathesis")
    cli = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
    subprocess.run([cli, "--help"])
    subprocess.run([TOOL, "a.pdf"])
    subprocess.run(cmd)
    subprocess.run([f"{cmd}"])
    playwright.chromium.launch(executable_path=CHROME)
    playwright.firefox.launch()

def tool(*args):
    return subprocess.run([args[0], *args[1:]])

def named(program, flag):
    return subprocess.run([program, flag])

tool("pdfimages", "-list")
named("psql", "-c")
named(sys.argv[1], "-c")
""")
    found = [(f.where.split(":")[1], f.executable) for f in Scanner(sample, "s").scan().findings]
    assert sorted(found, key=str) == sorted([
        ("5", "/usr/bin/chromium"), ("9", "ogrinfo"), ("10", PYTHON), ("11", "pg_isready"),
        ("12", "tar"), ("13", "schemathesis"), ("14", "gunicorn"), ("15", "gunicorn"),
        ("16", "pdftotext"), ("17", None), ("18", None), ("19", "/usr/bin/chromium"),
        ("20", "playwright's bundled firefox"), ("23", "pdfimages"), ("26", None)], key=str)


def test_the_scanner_lists_needed_modules_but_not_optional_or_sibling_ones(tmp_path):
    (tmp_path / "common.py").write_text("")
    sample = tmp_path / "sample.py"
    sample.write_text("import os.path\nimport numpy as np\nfrom shapely.geometry import box\n"
                      "import common\ntry:\n    import numba\nexcept ImportError:\n"
                      "    numba = None\nimport subprocess, sys\n"
                      "subprocess.run([sys.executable, '-m', 'locust', '--help'])\n")
    assert Scanner(sample, "s").scan().imports == {
        "os": "s:1", "numpy": "s:2", "shapely": "s:3", "subprocess": "s:9", "sys": "s:9",
        "locust": "s:10"}


def test_an_undeclared_import_is_caught(monkeypatch):
    scope = SCOPES[2]
    monkeypatch.setattr(sys.modules[__name__], "scan",
                        lambda _scope: ([], {"jsonschema": "web/x.py:1", "locust": "web/y.py:2"}))
    with pytest.raises(AssertionError, match="locust"):
        test_every_imported_module_is_installed_with_the_project(scope)


def test_the_makefile_reader_follows_prerequisites(tmp_path, monkeypatch):
    makefile = tmp_path / "Makefile"
    makefile.write_text("X := 1\nsetup: venv\n\tscripts/provision_system.sh postgis\n"
                        "demo: setup\n\techo\ntest: setup\n\tscripts/provision_system.sh"
                        " gdal browser && true\n")
    monkeypatch.setattr(system_needs, "REPO", tmp_path)
    assert make_components("demo") == {"postgis"}
    assert make_components("test") == {"postgis", "gdal", "browser"}
