"""The ``partnerstwa`` command line: parses arguments, calls one service, prints the result."""

from __future__ import annotations

import argparse
import json
import sys

from core.errors import N_, Amount, PartnerstwaError, Text
from scripts import language
from scripts.common import engine, progress, settings
from scripts.language import tell, warn

COVERAGE = {"full": N_("full"), "partial": N_("partial")}


def _print_summary(summary, as_json: bool) -> None:
    if as_json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
        return
    tell("loaded %(rows)s units of level %(level)s (vintage %(as_of)s, coverage %(coverage)s,"
         " %(area)s km²) as load %(load_id)s; repaired %(repaired)s, replaced %(replaced)s,"
         " archived %(archived)s, warnings %(warnings)s", rows=Amount(summary.rows),
         level=summary.level, as_of=summary.as_of,
         coverage=Text(COVERAGE.get(summary.coverage, summary.coverage)),
         area=language.decimal(summary.area_km2), load_id=summary.load_id,
         repaired=summary.repaired, replaced=summary.replaced, archived=summary.archived,
         warnings=len(summary.warnings))
    for warning in summary.warnings:
        warn(warning)


def cmd_db_init(args) -> int:
    from services.db import init_database

    config = settings()
    result = init_database(config.database_url, config.app_url)
    state = Text(N_("created") if result["created"] else N_("already there"))
    tell("database %(database)s (%(state)s), PostGIS ready, schema at revision %(revision)s;"
         " the web app connects as %(role)s", database=result["database"], state=state,
         revision=result["revision"], role=result["app_role"])
    return 0


def cmd_load_boundaries(args) -> int:
    from services.reference.boundaries import load_boundaries

    summary = load_boundaries(
        engine(), args.path, args.level, code_field=args.code_field,
        name_field=args.name_field, as_of=args.as_of, encoding=args.encoding, layer=args.layer,
        crs=args.crs, progress=progress(),
    )
    _print_summary(summary, args.json)
    return 0


def cmd_load_reference(args) -> int:
    from services.reference.reference_data import (
        load_reference_boundaries,
        load_reference_indicators,
        load_reference_partnerships,
    )

    config = settings()
    say = progress()
    for summary in load_reference_boundaries(engine(config), config, progress=say):
        _print_summary(summary, args.json)
    for report in load_reference_indicators(engine(config), config, progress=say):
        data = report.as_dict()
        if args.json:
            print(json.dumps(data, ensure_ascii=False, default=str))
        elif "load_id" in data:
            tell("imported %(stored)s values of %(indicators)s", stored=Amount(data["stored"]),
                 indicators=", ".join(data["indicators"]))
        else:
            tell("derived %(indicator)s for %(gminas)s gminas, years %(years)s",
                 indicator=data["indicator"], gminas=Amount(data["gminas"]),
                 years=", ".join(map(str, data["years"])))
    partnerships = load_reference_partnerships(engine(config), config)
    if partnerships and not args.json:
        tell("imported %(partnerships)s example partnerships with %(members)s members",
             partnerships=partnerships.partnerships, members=partnerships.members)
    return 0


def cmd_fetch_prg(args) -> int:
    from services.reference.reference_data import fetch_prg

    print(fetch_prg(settings()))
    return 0


def cmd_boundaries_status(args) -> int:
    from services.reference.units import boundary_status

    rows = boundary_status(engine())
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    for row in rows:
        vintage = " – ".join(sorted(set(row["as_of"]))) or "-"
        level = language.render(Text(row["level"])).ljust(12)  # columns, as before
        tell("%(level)s %(units)s units, vintage %(vintage)s, %(area)s km²", level=level,
             units=str(row["units"]).rjust(5), vintage=vintage,
             area=language.decimal(row["area_km2"]))
    return 0


def cmd_serve(args) -> int:
    from services.db import check_app_role
    from web.server import run

    role = check_app_role(settings().app_url)
    url = f"http://{args.host}:{args.port}/"
    language.stderr("serving the map at %(url)s as database role %(role)s (Ctrl+C stops)",
                    url=url, role=role)
    run(args.host, args.port, workers=args.workers)
    return 0


def build_parser() -> argparse.ArgumentParser:
    words = language.words
    parser = argparse.ArgumentParser(
        prog="partnerstwa",
        description=words("Spatial decision support for partnerships of Polish local"
                          " governments."),
        epilog=words("Language of the messages: --lang before the command, else the"
                     " environment variable %(env)s (pl or en), else Polish.",
                     env=language.ENV),
    )
    parser.add_argument("--lang", dest="ui_lang", choices=language.LANGS,
                        help=words("language of the messages (default: %(env)s or pl)",
                                   env=language.ENV))
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="database provisioning").add_subparsers(dest="db",
                                                                           required=True)
    db.add_parser("init", help="create the database, PostGIS and the schema (idempotent)"
                  ).set_defaults(func=cmd_db_init)

    load = sub.add_parser("load", help="load data into PostGIS").add_subparsers(dest="what",
                                                                                required=True)
    b = load.add_parser("boundaries", help="load one level of administrative boundaries")
    b.add_argument("path", help="GeoJSON, GeoPackage, Shapefile (.shp, folder or .zip)")
    b.add_argument("--level", required=True, choices=("gmina", "powiat", "voivodeship"))
    b.add_argument("--code-field", help="field with the TERYT code (default: detected)")
    b.add_argument("--name-field", help="field with the unit's name (default: detected)")
    b.add_argument("--as-of", help="vintage of the boundaries, YYYY-MM-DD")
    b.add_argument("--encoding", help="text encoding of a Shapefile without .cpg, e.g. cp1250")
    b.add_argument("--layer", help="layer or file name when the source holds several")
    b.add_argument("--crs", help="CRS of a source that does not state one, e.g. EPSG:2180")
    b.add_argument("--json", action="store_true", help="print the summary as JSON")
    b.set_defaults(func=cmd_load_boundaries)
    from scripts import cli_indicators, cli_partnerships, cli_users

    cli_indicators.register(sub, load)
    cli_partnerships.register(sub, load)
    cli_users.register(sub)
    from scripts import cli_diagnosis

    cli_diagnosis.register(sub)
    from scripts import cli_strategy  # strategy document, application (DOCX/PDF)

    cli_strategy.register(sub)
    from scripts import cli_strategy_model  # strategy kinds, completeness check

    cli_strategy_model.register(sub)
    from scripts import cli_surveys  # survey exports: preview, import, list

    cli_surveys.register(sub)
    from scripts import cli_consultations  # map consultations: open, list, export

    cli_consultations.register(sub)
    r = load.add_parser("reference", help="load boundaries of all levels and the indicators "
                        "from PARTNERSTWA_DATA_DIR, or download GUGiK's PRG without a mirror")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_load_reference)

    fetch = sub.add_parser("fetch", help="download official sources").add_subparsers(
        dest="source", required=True)
    fetch.add_parser("prg", help="download and unpack GUGiK's PRG boundaries"
                     ).set_defaults(func=cmd_fetch_prg)
    cli_indicators.register_fetch(fetch)

    status = sub.add_parser("boundaries", help="what boundaries are loaded").add_subparsers(
        dest="what", required=True)
    s = status.add_parser("status", help="units, vintages and area per level")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_boundaries_status)

    serve = sub.add_parser("serve", help="serve the map viewer")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--workers", type=int, default=2, help="worker processes (gunicorn)")
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    language.use(language.choose(argv))
    args = build_parser().parse_args(argv)
    if getattr(args, "lang", "") is None:  # a document's language follows the messages'
        args.lang = language.current()
    try:
        return args.func(args)
    except PartnerstwaError as exc:
        print("\n".join(language.error_lines(exc)), file=sys.stderr)
        return 1
    except OSError as exc:
        # a file a command was given that cannot be read or written: one line, not a traceback
        reason = language.render(language.library_reason(exc))
        print(language.words("partnerstwa: error: %(where)s: %(message)s",
                             where=exc.filename, message=reason) if exc.filename else
              language.words("partnerstwa: error: %(message)s", message=reason),
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        language.stderr("partnerstwa: interrupted; nothing half-written was kept")
        return 130


if __name__ == "__main__":
    sys.exit(main())
