"""CLI commands for partnerships, projects, exports and comparisons."""

from __future__ import annotations

import sys

from scripts.common import engine, print_json
from scripts.language import render, tell, warn


def cmd_import_partnerships(args) -> int:
    from services.planning.partnerships import import_partnerships

    report = import_partnerships(engine(), args.path, programme=args.programme)
    if args.json:
        print_json(report.as_dict())
        return 0
    tell("imported %(partnerships)s partnerships with %(members)s members",
         partnerships=report.partnerships, members=report.members)
    for warning in report.warnings:
        warn(warning)
    return 0


def cmd_import_projects(args) -> int:
    from core.errors import BadRequest
    from services.planning.project_import import import_projects, parse_value_maps

    mapping = {}
    for item in args.map or []:
        source, sep, target = item.partition("=")
        if not sep or not source or not target:
            raise BadRequest("--map %(item)r: write SOURCE_FIELD=attribute, e.g. NAZWA=title",
                             item=item)
        mapping[target] = source
    result = import_projects(engine(), args.path, args.partnership, mapping=mapping,
                             value_maps=parse_value_maps(args.map_value),
                             encoding=args.encoding, crs=args.crs, preview=args.preview)
    if args.json:
        print_json(result)
        return 0
    kinds = ", ".join(f"{n} {k}s" for k, n in result["by_geometry"].items() if n)
    if args.preview:
        tell("would create %(count)s projects (%(kinds)s) for partnership %(partnership)s",
             count=result["features"], kinds=kinds, partnership=args.partnership)
    else:
        tell("created %(count)s projects (%(kinds)s) for partnership %(partnership)s",
             count=result["features"], kinds=kinds, partnership=args.partnership)
    mapping = ", ".join(f"{t} <- {s}" for t, s in result["mapping"].items())
    tell("  mapping: %(mapping)s", mapping=mapping)
    for target, entries in result["values"].items():
        print(f"  {target}: " + "; ".join(
            f"{e['value']!r} -> {e['as']} ({e['how']}, {e['count']})" for e in entries))
    for warning in result["warnings"]:
        warn(warning)
    for problem in result["problems"]:
        tell("  problem: %(problem)s", problem=render(problem))
    if result["problem_count"] > len(result["problems"]):
        tell("  ... %(count)s more problems",
             count=result["problem_count"] - len(result["problems"]))
    if args.preview:
        tell("  (preview only: run again without --preview to import)")
    return 0


def cmd_export(args) -> int:
    from services.planning.exports import export

    if args.what == "package":  # the styled GeoPackage of issue 14 (scripts/cli_ogc.py)
        from scripts.cli_ogc import cmd_export_package

        return cmd_export_package(args)
    if not args.format:
        from core.errors import BadRequest

        raise BadRequest("export %(what)s: --format is required", what=args.what)

    result = export(engine(), args.what, args.format, args.out, partnership=args.partnership,
                    voivodeship=args.voivodeship)
    tell("wrote %(count)s %(what)s to %(path)s (%(layers)s)", count=result["features"],
         what=args.what, path=result["path"], layers=", ".join(result["layers"]))
    return 0


def cmd_compare(args) -> int:
    from services.analysis.comparison import compare, comparison_csv

    result = compare(engine(), args.voivodeship)
    if args.format == "csv":
        sys.stdout.write(comparison_csv(result))
    else:
        print_json(result)
    return 0


def register(sub, load) -> None:
    from services.planning.export_formats import EXPORT_FORMATS, EXPORTABLE

    p = sub.add_parser("partnerships", help="partnerships of JST")
    psub = p.add_subparsers(dest="what", required=True)
    imp = psub.add_parser("import", help="import partnerships from a CSV like examples.csv")
    imp.add_argument("path")
    imp.add_argument("--programme", default="CWD")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=cmd_import_partnerships)

    pr = sub.add_parser("projects", help="planned projects")
    prsub = pr.add_subparsers(dest="what", required=True)
    pi = prsub.add_parser("import", help="import project locations (Shapefile zip, GPKG, "
                          "GeoJSON)")
    pi.add_argument("path")
    pi.add_argument("--partnership", required=True)
    pi.add_argument("--map", action="append", metavar="SOURCE=FIELD",
                    help="take attribute FIELD from the file's field SOURCE; repeatable")
    pi.add_argument("--map-value", action="append", metavar='FIELD:"VALUE"=CODE',
                    help="decide how a written value is read, e.g. "
                    'funding:"FEPZ 2021-2027"=fe_regional; repeatable')
    pi.add_argument("--encoding", help="text encoding of a Shapefile without .cpg")
    pi.add_argument("--crs", help="CRS of a file that does not state one")
    pi.add_argument("--preview", action="store_true", help="check and show, import nothing")
    pi.add_argument("--json", action="store_true")
    pi.set_defaults(func=cmd_import_projects)

    ex = sub.add_parser("export", help="export projects, areas or partnerships")
    ex.add_argument("what", choices=(*EXPORTABLE, "package"))
    ex.add_argument("id", nargs="?", help="the partnership of `export package ID`")
    ex.add_argument("--format", choices=tuple(EXPORT_FORMATS))
    ex.add_argument("--out", required=True)
    scope = ex.add_mutually_exclusive_group()
    scope.add_argument("--partnership")
    scope.add_argument("--voivodeship")
    ex.set_defaults(func=cmd_export)

    cmp_ = sub.add_parser("compare", help="partnerships of a voivodeship side by side")
    cmp_.add_argument("--voivodeship", required=True)
    cmp_.add_argument("--format", default="json", choices=("json", "csv"))
    cmp_.set_defaults(func=cmd_compare)
