"""What the provisioning script, the Makefile, the Dockerfile and setup.cfg declare.

``scripts/provision_system.sh`` holds the one table of components: the Debian packages each
installs, the executables it provides and the Python modules that load its libraries.
"""

from __future__ import annotations

import configparser
import importlib.metadata
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "provision_system.sh"
APP_PACKAGES = ("core", "spatial", "layers", "services", "web", "scripts")


def script_table(name: str) -> dict[str, list[str]]:
    """One ``declare -A NAME=( [key]="words" ... )`` table of the provisioning script."""
    text = SCRIPT.read_text(encoding="utf-8")
    block = re.search(rf"^declare -A {name}=\((.*?)^\)", text, re.M | re.S)
    assert block, f"{SCRIPT.name} has no table {name}"
    return {key: value.split() for key, value in
            re.findall(r'^\s*\[([\w-]+)\]="([^"]*)"', block.group(1), re.M)}


def make_components(target: str) -> set[str]:
    """Components a make target provisions, through its prerequisites too."""
    rules: dict[str, tuple[list[str], str]] = {}
    current = None
    for line in (REPO / "Makefile").read_text(encoding="utf-8").splitlines():
        if line.startswith("\t") and current:
            rules[current][1].append(line)
            continue
        rule = re.match(r"^([\w.-]+)\s*:(?![=:])\s*(.*)$", line)
        current = rule.group(1) if rule else None
        if current:
            rules[current] = (rule.group(2).split(), [])
    seen, todo, components = set(), [target], set()
    while todo:
        name = todo.pop()
        if name in seen or name not in rules:
            continue
        seen.add(name)
        prerequisites, recipe = rules[name]
        todo += prerequisites
        components |= provisioned_by("\n".join(recipe))
    return components


def provisioned_by(text: str) -> set[str]:
    found = set()
    for words in re.findall(r"provision_system\.sh((?:[ \t]+[a-z]+)+)", text):
        found |= set(words.split())
    return found


def components_of(target: str) -> set[str]:
    if target == "Dockerfile":
        return provisioned_by((REPO / "Dockerfile").read_text(encoding="utf-8"))
    return make_components(target)


def requirement_names(extras: tuple[str, ...]) -> set[str]:
    config = setup_cfg()
    lines = config["options"]["install_requires"].splitlines()
    declared = config["options.extras_require"] if config.has_section(
        "options.extras_require") else {}
    for extra in extras:
        lines += declared.get(extra, "").splitlines()
    return {re.split(r"[\s<>=!~\[;]", line.strip(), maxsplit=1)[0].lower()
            for line in lines if line.strip()}


def console_scripts(extras: tuple[str, ...]) -> set[str]:
    """Executables that the declared requirements install into the virtualenv."""
    names = set()
    for requirement in requirement_names(extras):
        try:
            points = importlib.metadata.distribution(requirement).entry_points
        except importlib.metadata.PackageNotFoundError:
            continue
        names |= {p.name for p in points if p.group == "console_scripts"}
    return names




def setup_cfg() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg", encoding="utf-8")
    return config


def venv_extras() -> tuple[str, ...]:
    """The extras that `make venv` installs (``pip install -e '.[test,bench]'``)."""
    recipe = re.search(r"pip install[^\n]*-e\s+['\"]?\.\[([\w,-]+)\]",
                       (REPO / "Makefile").read_text(encoding="utf-8"))
    return tuple(recipe.group(1).split(",")) if recipe else ()


def distribution_key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_with(extras: tuple[str, ...]) -> set[str]:
    """Distributions that installing the project with ``extras`` brings: the declared
    requirements and, through their metadata, everything they require in turn."""
    from packaging.requirements import Requirement

    config = setup_cfg()
    lines = config["options"]["install_requires"].splitlines()
    for extra in extras:
        lines += config["options.extras_require"].get(extra, "").splitlines()
    todo = [Requirement(line.strip()) for line in lines if line.strip()]
    seen: set[tuple[str, str]] = set()
    while todo:
        requirement = todo.pop()
        name = distribution_key(requirement.name)
        wanted = {(name, e) for e in ["", *sorted(requirement.extras)]} - seen
        if not wanted:
            continue
        seen |= wanted
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for line in requires:
            dependency = Requirement(line)
            if dependency.marker is None or any(
                    dependency.marker.evaluate({"extra": e}) for _, e in wanted):
                todo.append(dependency)
    return {name for name, _ in seen}
