"""The ``partnerstwa`` command line: parses arguments, calls one service, prints the result."""

from __future__ import annotations

import argparse
import json
import sys

from core.errors import PartnerstwaError
from scripts.common import engine, progress, settings


def _print_summary(summary, as_json: bool) -> None:
    if as_json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
        return
    print(f"loaded {summary.rows} {summary.level} units (vintage {summary.as_of}, "
          f"{summary.coverage} coverage, {summary.area_km2:,.1f} km²) as load {summary.load_id}; "
          f"repaired {summary.repaired}, replaced {summary.replaced}, "
          f"archived {summary.archived}, warnings {len(summary.warnings)}")
    for warning in summary.warnings:
        print(f"  warning: {warning}")


def cmd_db_init(args) -> int:
    from services.db import init_database

    config = settings()
    result = init_database(config.database_url, config.app_url)
    state = "created" if result["created"] else "already there"
    print(f"database {result['database']} ({state}), PostGIS ready, schema at revision "
          f"{result['revision']}; the web app connects as {result['app_role']}")
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
            print(f"imported {data['stored']} values of {', '.join(data['indicators'])}")
        else:
            print(f"derived {data['indicator']} for {data['gminas']} gminas, years "
                  f"{', '.join(map(str, data['years']))}")
    partnerships = load_reference_partnerships(engine(config), config)
    if partnerships and not args.json:
        print(f"imported {partnerships.partnerships} example partnerships with "
              f"{partnerships.members} members")
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
        vintage = " to ".join(sorted(set(row["as_of"]))) or "-"
        print(f"{row['level']:<12} {row['units']:>5} units  vintage {vintage:<24} "
              f"{row['area_km2']:>12,.1f} km²")
    return 0


def cmd_serve(args) -> int:
    from services.db import check_app_role
    from web.server import run

    role = check_app_role(settings().app_url)
    print(f"serving the map at http://{args.host}:{args.port}/ as database role {role}"
          " (Ctrl+C stops)", file=sys.stderr)
    run(args.host, args.port, workers=args.workers)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnerstwa",
        description="Spatial decision support for partnerships of Polish local governments.",
    )
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
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PartnerstwaError as exc:
        print(f"partnerstwa: error: {exc.one_line()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("partnerstwa: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
