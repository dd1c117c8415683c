"""What `pip install .` (the Docker image) ships and what the Dockerfile copies."""

from __future__ import annotations

import re
from pathlib import Path

from tests.system_needs import APP_PACKAGES, REPO, components_of, setup_cfg

# Files of the packages that the installed app never reads: the catalogue source (its .mo is
# shipped) and the provisioning script (run from the checkout or copied by the Dockerfile).
NOT_SHIPPED = ("*.po", "*.sh")


def runtime_files() -> list[Path]:
    """Files under the app's packages that only package_data can ship: data files, and Python
    files in folders that are not packages (the migrations)."""
    found = []
    for package in APP_PACKAGES:
        for path in sorted((REPO / package).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc" \
                    or any(path.match(p) for p in NOT_SHIPPED):
                continue
            if path.suffix == ".py" and (path.parent / "__init__.py").exists():
                continue
            found.append(path)
    return found


def shipped_by(path: Path, package_data: dict[str, list[str]]) -> bool:
    folder = path.parent
    while not (folder / "__init__.py").exists():
        folder = folder.parent
    name = ".".join(folder.relative_to(REPO).parts)
    return any(path in set(folder.glob(pattern)) for pattern in package_data.get(name, []))


def test_every_runtime_file_is_in_the_package_data():
    package_data = {name: [p.strip() for p in value.split(",") if p.strip()]
                    for name, value in setup_cfg()["options.package_data"].items()}
    files = runtime_files()
    assert any(f.suffix == ".mo" for f in files) and any(f.suffix == ".html" for f in files)
    unshipped = [str(f.relative_to(REPO)) for f in files if not shipped_by(f, package_data)]
    assert unshipped == [], "add them to [options.package_data] in setup.cfg"


def test_the_docker_image_copies_every_package_and_provisions_the_app():
    included = {p.strip().rstrip("*") for p in
                setup_cfg()["options.packages.find"]["include"].split() if p.strip()}
    assert included == set(APP_PACKAGES)
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    copied = set(re.findall(r"^COPY\s+(\w+)\s+\1\s*$", dockerfile, re.M))
    assert sorted(included - copied) == []
    assert components_of("Dockerfile") >= components_of("demo") - {"postgis"}
