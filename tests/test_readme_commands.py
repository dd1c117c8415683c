"""Every ``partnerstwa`` command the README shows parses with the real argument parser, and
every command of the parser is shown: the documentation cannot drift from the CLI."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from scripts.cli import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_commands() -> list[str]:
    """Command lines of the README's sh blocks, continuation lines joined, comments dropped."""
    commands: list[str] = []
    in_block = in_command = False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_block = line.strip() in ("```sh", "```bash", "```shell", "```console")
            in_command = False
            continue
        if not in_block:
            continue
        text = line.split(" #", 1)[0].rstrip()
        if text.startswith("partnerstwa "):
            commands.append(text)
            in_command = True
        elif in_command and text[:1].isspace() and text.strip():
            commands[-1] = commands[-1].rstrip("\\").rstrip() + " " + text.strip()
        else:
            in_command = False  # another program (curl, make) and its continuation lines
    # "partnerstwa users set-role EMAIL ministry | users disable EMAIL": two commands.
    split = []
    for command in commands:
        first, *others = re.split(r" \| (?=[a-z]+ [a-z])", command)
        split += [first] + [f"partnerstwa {other}" for other in others]
    return [c.rstrip("\\").rstrip() for c in split]


def variants(tokens: list[str]) -> list[list[str]]:
    """The synopsis as argument lists: every optional ``[...]`` included, each alternative
    (``a|b`` within a word, ``[x | y]`` between groups) taken once."""
    out: list[list[str]] = []

    def choose(tokens: list[str]) -> list[list[str]]:
        # Groups with a bare "|": each side once.
        if "[" in tokens:
            start = tokens.index("[")
            depth, end = 0, start
            for end in range(start, len(tokens)):
                depth += {"[": 1, "]": -1}.get(tokens[end], 0)
                if depth == 0:
                    break
            inner, rest = tokens[start + 1:end], tokens[end + 1:]
            sides, side = [], []
            for token in inner:
                if token == "|":
                    sides.append(side)
                    side = []
                else:
                    side.append(token)
            sides.append(side)
            return [tokens[:start] + s + r for s in sides for r in choose(rest)]
        return [tokens]

    for flat in choose(tokens):
        alternatives = [i for i, t in enumerate(flat) if "|" in t]
        out.append([t.split("|")[0] for t in flat])
        for i in alternatives:
            for alternative in flat[i].split("|")[1:]:
                out.append([alternative if j == i else t.split("|")[0]
                            for j, t in enumerate(flat)])
    return out


def tokens_of(command: str) -> list[str]:
    text = command.replace("[", " [ ").replace("]", " ] ")
    return [t for t in shlex.split(text)[1:] if t != "..."]


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser] | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return None


def with_values(argv: list[str]) -> tuple[list[str], list[str]]:
    """Replace placeholders (``ID``, ``Y``, ``TT``) by values the option's type accepts;
    returns the arguments and the subcommand path."""
    parser, path, rest = build_parser(), [], list(argv)
    while (choices := subcommands(parser)) is not None and rest and rest[0] in choices:
        path.append(rest[0])
        parser = choices[rest.pop(0)]
    options = {s: a for a in parser._actions for s in a.option_strings}
    positionals = [a for a in parser._actions if not a.option_strings
                   and not isinstance(a, argparse._SubParsersAction)]
    out, i = list(path), 0
    while i < len(rest):
        token = rest[i]
        if token.startswith("-"):
            out.append(token)
            action = options.get(token.split("=")[0])
            if action is not None and action.nargs != 0 and "=" not in token \
                    and i + 1 < len(rest):
                i += 1
                out.append(placeholder(action, rest[i]))
        else:
            out.append(placeholder(positionals.pop(0), token) if positionals else token)
        i += 1
    return out, path


def placeholder(action: argparse.Action, value: str) -> str:
    is_placeholder = bool(re.fullmatch(r"[A-Z][A-Z0-9_.-]*", value))
    if action.choices and value not in action.choices and is_placeholder:
        return next(iter(action.choices))
    if action.type in (int, float) and is_placeholder:
        return "1"
    return value


def parse(argv: list[str]) -> str:
    """argparse's complaint about ``argv``, or an empty string when it parses."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            build_parser().parse_args(argv)
        except SystemExit as exit_:
            return err.getvalue().strip().splitlines()[-1] if exit_.code else ""
    return ""


def leaf_commands(parser: argparse.ArgumentParser, path=()) -> set[tuple[str, ...]]:
    choices = subcommands(parser)
    if choices is None:
        return {tuple(path)}
    return set().union(*(leaf_commands(p, (*path, name)) for name, p in choices.items()))


COMMANDS = readme_commands()


def test_the_readme_shows_commands():
    assert len(COMMANDS) >= 25
    assert any(c.startswith("partnerstwa indicators composite --code risk") and
               "--missing drop|mean|fail" in c for c in COMMANDS)
    assert "partnerstwa users disable EMAIL" in COMMANDS
    assert not any("curl" in c or "http" in c for c in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_readme_command_parses(command):
    problems = []
    for argv in variants(tokens_of(command)):
        filled, path = with_values(argv)
        if complaint := parse(filled):
            problems.append(f"{' '.join(argv)}: {complaint}")
        if parse([*path, "--help"]):
            problems.append(f"{' '.join(path)} --help fails")
    assert problems == []


def test_every_command_of_the_parser_is_in_the_readme():
    shown = set()
    for command in COMMANDS:
        for argv in variants(tokens_of(command)):
            shown.add(tuple(with_values(argv)[1]))
    assert sorted(leaf_commands(build_parser()) - shown) == []


@pytest.mark.parametrize(("synopsis", "complaint"), [
    ("partnerstwa export projects --format shp|docx --out PATH", "invalid choice: 'docx'"),
    ("partnerstwa analyse lisa --indicator CODE --year Y [--neighbours 5]",
     "unrecognized arguments: --neighbours"),
    ("partnerstwa indicators derive nothing", "invalid choice: 'nothing'"),
])
def test_a_drifted_synopsis_is_caught(synopsis, complaint):
    found = [parse(with_values(argv)[0]) for argv in variants(tokens_of(synopsis))]
    assert any(complaint in f for f in found), found
