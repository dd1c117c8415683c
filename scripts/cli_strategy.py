"""`partnerstwa strategy document|application …`: the strategy and a project's preliminary
funding application as DOCX or PDF files."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.errors import Amount, Text
from scripts.common import engine, print_json
from scripts.language import library_detail, library_reason, tell


def _write(generated, out: Path, summary: dict, as_json: bool, what: str) -> int:
    from core.errors import InvalidInput

    try:
        out.write_bytes(generated.content)
    except OSError as exc:
        raise InvalidInput("cannot write the file (%(reason)s)", reason=library_reason(exc),
                           where=str(out), details=library_detail(exc)) from exc
    summary.update(path=str(out), bytes=len(generated.content), sha256=generated.sha256)
    if as_json:
        print_json(summary)
    else:
        tell("wrote %(what)s to %(path)s (%(bytes)s bytes, %(format)s); sha256 %(sha)s…",
             what=what, path=str(out), bytes=Amount(len(generated.content)),
             format=generated.format.name, sha=generated.sha256[:16])
    return 0


def _folder(out: Path) -> None:
    from core.errors import InvalidInput

    if not out.parent.is_dir():
        raise InvalidInput("the folder does not exist", where=str(out.parent))


def cmd_document(args) -> int:
    from services.strategy.documents import strategy_document

    out = Path(args.out)
    _folder(out)
    generated = strategy_document(engine(), args.partnership, args.format, lang=args.lang)
    return _write(generated, out, {"partnership": args.partnership, "format": args.format},
                  args.json, Text("the strategy of %(partnership)s",
                                  partnership=args.partnership))


def cmd_application(args) -> int:
    from services.strategy.documents import application_document

    out = Path(args.out)
    _folder(out)
    generated = application_document(engine(), args.partnership, args.project, args.format,
                                     lang=args.lang)
    return _write(generated, out, {"partnership": args.partnership, "project": args.project,
                                   "format": args.format}, args.json,
                  Text("the application for project %(project)s of %(partnership)s",
                       project=args.project, partnership=args.partnership))


def _strategy_commands(sub) -> argparse._SubParsersAction:
    """The `strategy` group's subcommands, made here or by another module first."""
    existing = sub.choices.get("strategy")
    if existing is None:
        existing = sub.add_parser("strategy", help="the partnership's strategy and projects")
    for action in existing._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return existing.add_subparsers(dest="strategy_command", required=True)


def register(sub) -> None:
    from services.diagnosis.texts import LANGS
    from services.strategy.documents import FORMATS

    commands = _strategy_commands(sub)
    d = commands.add_parser("document", help="the strategy as a DOCX or PDF document")
    d.add_argument("--partnership", required=True, help="partnership id, e.g. P01")
    d.add_argument("--format", required=True, choices=tuple(FORMATS))
    d.add_argument("-o", "--out", required=True, help="file to write")
    d.add_argument("--lang", choices=LANGS, help="language of the document (default: the"
                   " messages' language)")
    d.add_argument("--json", action="store_true", help="print a summary as JSON")
    d.set_defaults(func=cmd_document)
    a = commands.add_parser("application",
                            help="the preliminary funding application for one project")
    a.add_argument("--partnership", required=True, help="partnership id, e.g. P01")
    a.add_argument("--project", required=True, type=int, help="project id")
    a.add_argument("--format", required=True, choices=tuple(FORMATS))
    a.add_argument("-o", "--out", required=True, help="file to write")
    a.add_argument("--lang", choices=LANGS, help="language of the document (default: the"
                   " messages' language)")
    a.add_argument("--json", action="store_true", help="print a summary as JSON")
    a.set_defaults(func=cmd_application)
