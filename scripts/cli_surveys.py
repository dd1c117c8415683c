"""`partnerstwa surveys preview|import|list`: survey exports (LimeSurvey, Google Forms,
KoboToolbox) into a partnership's surveys."""

from __future__ import annotations

import json
from pathlib import Path

from core.errors import Amount
from scripts.common import engine, print_json, progress
from scripts.language import library_reason, render, tell, warn


def _mapping(path: str | None) -> dict | None:
    from core.errors import InvalidInput

    if not path:
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput("cannot read the corrections: %(reason)s", where=path,
                           reason=library_reason(exc)) from None


def _options(args) -> dict:
    return {"fmt": args.format, "encoding": args.encoding, "delimiter": args.delimiter,
            "mapping": _mapping(args.mapping)}


def cmd_preview(args) -> int:
    from services.surveys.preview import preview_survey

    shown = preview_survey(engine(), args.file, args.partnership, **_options(args))
    if args.json:
        print_json(shown)
        return 0
    tell("%(file)s: %(format)s, %(responses)s responses, encoding %(encoding)s, delimiter"
         " %(delimiter)r", file=shown["file_name"], format=shown["format_label"],
         responses=Amount(shown["responses"]), encoding=shown["encoding"],
         delimiter=shown["delimiter"])
    roles = ", ".join(f"{k}={v!r}" for k, v in shown["roles"].items() if v)
    tell("columns: %(roles)s", roles=roles)
    for q in shown["questions"]:
        options = "; ".join(f"{o['label']} ({o['count']})" for o in q["options"][:8])
        print(f"  {q['code']:<14} {q['kind']:<9} {q['answered']:>6} answers  {q['text'][:50]}"
              + (f"  [{options}]" if options else ""))
    for g in shown["gminas"]:
        if g["teryt"]:
            tell("  gmina %(value)r × %(count)s: %(label)s", value=g["value"], count=g["count"],
                 label=g["label"])
        else:
            tell("  gmina %(value)r × %(count)s: PROBLEM: %(problem)s", value=g["value"],
                 count=g["count"], problem=render(g["problem"]))
    for warning in shown["warnings"]:
        warn(warning)
    for problem in shown["problems"]:
        tell("  problem: %(problem)s", problem=render(problem))
    if shown["problem_count"]:
        tell("%(count)s problems: correct them with --mapping FILE.json (%(shape)s)",
             count=shown["problem_count"],
             shape='{"columns": {...}, "questions": {...}, "gminas": {...}}')
    return 0


def cmd_import(args) -> int:
    from services.surveys.importer import import_survey

    done = import_survey(engine(), args.file, args.partnership, kind=args.kind,
                         title=args.title, progress=progress(), **_options(args))
    if args.json:
        print_json(done)
        return 0
    tell("imported survey %(id)s of %(partnership)s (%(kind)s, %(format)s): %(responses)s"
         " responses to %(questions)s questions", id=done["id"],
         partnership=done["partnership_id"], kind=done["kind"], format=done["format"],
         responses=Amount(done["responses"]), questions=done["questions"])
    for warning in done["warnings"]:
        warn(warning)
    return 0


def cmd_list(args) -> int:
    from services.surveys.store import list_surveys

    rows = list_surveys(engine(), args.partnership)
    if args.json:
        print_json(rows)
        return 0
    for s in rows:
        print(f"{s['id']:>6}  {s['kind']:<9} {s['source_format']:<12} {s['responses']:>7,}"
              f"  {s['created_at'][:16]}  {s['title']}")
    return 0


def cmd_delete(args) -> int:
    from services.surveys.store import delete_survey

    delete_survey(engine(), args.id)
    tell("deleted survey %(id)s", id=args.id)
    return 0


def register(sub) -> None:
    from services.surveys.formats import SURVEY_FORMATS
    from services.surveys.reading import DELIMITERS
    from services.surveys.store import SURVEY_KINDS

    surveys = sub.add_parser("surveys", help="residents' and youth survey exports").add_subparsers(
        dest="surveys", required=True)

    def file_options(p) -> None:
        p.add_argument("file", help="the export: .csv (LimeSurvey, Google Forms, KoboToolbox)"
                       " or .xlsx (KoboToolbox)")
        p.add_argument("--partnership", required=True, help="partnership id, e.g. P01")
        p.add_argument("--format", choices=tuple(SURVEY_FORMATS),
                       help="the tool that wrote the file (default: recognised)")
        p.add_argument("--encoding", help="text encoding (default: UTF-8, else cp1250)")
        p.add_argument("--delimiter", choices=DELIMITERS, help="CSV delimiter (default: sniffed)")
        p.add_argument("--mapping", help="corrections as JSON: {\"columns\": {role: column},"
                       " \"questions\": {code: {kind, options, skip}}, \"gminas\":"
                       " {value: TERYT}}")
        p.add_argument("--json", action="store_true", help="print the result as JSON")

    p = surveys.add_parser("preview", help="what an import would store, and its problems")
    file_options(p)
    p.set_defaults(func=cmd_preview)
    i = surveys.add_parser("import", help="import an export in one transaction")
    file_options(i)
    i.add_argument("--kind", required=True, choices=SURVEY_KINDS)
    i.add_argument("--title", required=True)
    i.set_defaults(func=cmd_import)
    ls = surveys.add_parser("list", help="the surveys of a partnership")
    ls.add_argument("--partnership", required=True)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    d = surveys.add_parser("delete", help="delete a survey (hidden, kept for the audit)")
    d.add_argument("id", type=int)
    d.set_defaults(func=cmd_delete)
