"""Roles come from one table (services.access.rules.ROLE_TABLE) that the command line, the
README and the pages read; views and scripts leave SQL and permission rules to services."""

import re
from pathlib import Path

import pytest

from services.access.rules import ROLE_TABLE, ROLES
from tests.web.conftest import sign_in

REPO = Path(__file__).resolve().parents[2]


def _choices(*path: str) -> tuple:
    """The choices of an option of a `partnerstwa` subcommand, e.g. ("users", "add", "role")."""
    import argparse

    from scripts.cli import build_parser

    parser = build_parser()
    for name in path[:-1]:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[name]
    return tuple(next(a for a in parser._actions if a.dest == path[-1]).choices)


def test_the_command_line_offers_the_roles_of_the_table():
    assert _choices("users", "add", "role") == ROLES
    assert _choices("users", "set-role", "role") == ROLES


def test_the_readme_lists_the_roles_of_the_table():
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("| role | sees | changes |"):]
    rows = re.findall(r"^\| (\w+) \|", section.split("\n\n")[0], flags=re.M)
    assert rows[1:] == ["anonymous", *ROLES]


@pytest.mark.parametrize(("email", "lang", "label"), [
    ("marshal20@test.pl", "pl", "urząd marszałkowski"),
    ("marshal20@test.pl", "en", "marshal office"),
    ("ministry@test.pl", "pl", "ministerstwo"),
])
def test_pages_name_the_signed_in_role_from_the_table(app, accounts, email, lang, label):
    assert label in {r.label(lang) for r in ROLE_TABLE}
    client = app.test_client()
    sign_in(client, email)
    page = client.get(f"/partnerships?lang={lang}").get_data(as_text=True)
    assert f"({label})" in page


@pytest.mark.parametrize("path", ["web/pages/__init__.py", "scripts/cli_users.py"])
def test_views_and_scripts_hold_no_sql(path):
    source = (REPO / path).read_text()
    assert "sa.text(" not in source and "import sqlalchemy" not in source


def test_the_workspace_asks_the_rules_who_writes():
    source = (REPO / "web/pages/__init__.py").read_text()
    assert "actor.role" not in source and ".role ==" not in source
