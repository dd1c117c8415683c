"""`partnerstwa diagnosis P01 --format pdf|docx|html --out FILE`."""

from __future__ import annotations

from pathlib import Path

from core.errors import Amount
from scripts.common import engine, print_json
from scripts.language import library_detail, library_reason, tell


def cmd_diagnosis(args) -> int:
    from core.errors import InvalidInput
    from services.diagnosis.documents import generate

    out = Path(args.out)
    if not out.parent.is_dir():
        raise InvalidInput("the folder does not exist", where=str(out.parent))
    generated = generate(engine(), args.partnership, args.format, lang=args.lang,
                         year=args.year)
    try:
        out.write_bytes(generated.content)
    except OSError as exc:
        raise InvalidInput("cannot write the file (%(reason)s)", reason=library_reason(exc),
                           where=str(out), details=library_detail(exc)) from exc
    summary = {"partnership": args.partnership, "format": args.format, "path": str(out),
               "bytes": len(generated.content), "sha256": generated.sha256,
               "record": generated.record_id, "numbers_sha256": generated.model["numbers_hash"],
               "problems": generated.model["problems"],
               "potentials": generated.model["potentials"]}
    if args.json:
        print_json(summary)
        return 0
    tell("wrote the diagnosis of %(partnership)s to %(path)s (%(bytes)s bytes, %(format)s);"
         " recorded as #%(record)s, sha256 %(sha)s…", partnership=args.partnership,
         path=str(out), bytes=Amount(len(generated.content)), format=args.format,
         record=generated.record_id, sha=generated.sha256[:16])
    return 0


def register(sub) -> None:
    from services.diagnosis.formats import FORMATS
    from services.diagnosis.texts import LANGS

    d = sub.add_parser("diagnosis", help="the in-depth diagnosis of a partnership as a document")
    d.add_argument("partnership", help="partnership id, e.g. P01")
    d.add_argument("--format", required=True, choices=tuple(FORMATS))
    d.add_argument("--out", required=True, help="file to write")
    d.add_argument("--lang", choices=LANGS, help="language of the document (default: the"
                   " messages' language)")
    d.add_argument("--year", type=int, help="year of the values (default: the latest held)")
    d.add_argument("--json", action="store_true", help="print a summary as JSON")
    d.set_defaults(func=cmd_diagnosis)
