"""CLI commands for indicators, derived indicators, composite indices, BDL and analyses."""

from __future__ import annotations

import sys

from core.errors import N_, Amount, Text
from scripts.common import engine, print_json, progress, settings
from scripts.language import current, render, tell, words


def cmd_load_indicators(args) -> int:
    from services.indicators.store import import_indicators

    report = import_indicators(engine(), args.path, args.format, code=args.code, name=args.name,
                               unit=args.unit, direction=args.direction, year=args.year,
                               repair_codes=args.repair_codes)
    if args.json:
        print_json(report.as_dict())
        return 0
    tell("stored %(stored)s values of %(indicators)s as load %(load_id)s; %(matched)s gminas"
         " matched", stored=Amount(report.stored), indicators=", ".join(report.indicators),
         load_id=report.load_id, matched=Amount(report.gminas_matched))
    for reason, n in sorted(report.skipped.items()):
        tell("  skipped %(count)s: %(reason)s", count=Amount(n), reason=render(reason))
    if report.matched_on_6_digits:
        tell("  matched on the first 6 digits (type digit changed): %(count)s, e.g. %(codes)s",
             count=len(report.matched_on_6_digits),
             codes=", ".join(report.matched_on_6_digits[:3]))
    if report.unmatched:
        tell("  not in the loaded boundaries (split, created or abolished gminas): %(codes)s",
             codes=", ".join(report.unmatched))
    for key, n in sorted(report.gminas_without_value.items()):
        tell("  %(count)s gminas without a value for %(key)s", count=Amount(n), key=key)
    if report.repaired_codes:
        tell("  repaired %(count)s codes that had lost their leading zero, e.g. %(codes)s",
             count=len(report.repaired_codes), codes=", ".join(report.repaired_codes[:3]))
    return 0


def cmd_list(args) -> int:
    from services.indicators.store import list_indicators

    rows = list_indicators(engine())
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        years = r["years"]
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "-")
        name = r["name_en" if current() == "en" else "name_pl"] or r["name_pl"]
        tell("%(code)s %(years)s %(gminas)s gminas  %(direction)s %(name)s [%(unit)s]",
             code=r["code"].ljust(32), years=span.ljust(10), gminas=str(r["gminas"]).rjust(5),
             direction=r["direction"].ljust(13), name=name, unit=r["unit"])
    return 0


def cmd_derive(args) -> int:
    from services.indicators import derived

    e = engine()
    if args.what == "unemployed-per-1000":
        report = derived.unemployed_per_1000(e, args.years)
    elif args.what == "population-change":
        report = derived.population_change(e, args.start, args.end)
    elif args.what == "net-migration":
        report = derived.net_migration(e, args.path, args.year)
    elif args.what == "dependency-ratio":
        report = derived.dependency_ratio(e, args.years)
    elif args.what == "post-working-share":
        report = derived.post_working_share(e, args.years)
    else:
        report = derived.density(e, args.year)
    _print_derived(report, args.json)
    return 0


def _print_derived(report, as_json: bool) -> None:
    if as_json:
        print_json(report.as_dict())
        return
    tell("stored %(stored)s values of %(indicator)s for %(gminas)s gminas, years %(years)s",
         stored=Amount(report.stored), indicator=report.indicator,
         gminas=Amount(report.gminas), years=", ".join(map(str, report.years)))
    for note in report.notes:
        tell("  note: %(note)s", note=render(note))


def _components(items: list[str]) -> tuple[dict, dict]:
    from core.errors import BadRequest

    weights, directions = {}, {}
    for item in items:
        code, _, rest = item.partition("=")
        weight, _, direction = rest.partition(":")
        try:
            weights[code] = float(weight) if weight else 1.0
        except ValueError:
            raise BadRequest("--component %(item)r: the weight must be a number",
                             item=item) from None
        if direction:
            directions[code] = direction
    return weights, directions


def cmd_composite(args) -> int:
    from services.indicators.derived import composite

    weights, directions = _components(args.component)
    report = composite(engine(), args.code, args.name, args.year, weights,
                       directions=directions, method=args.method, groups=args.groups,
                       missing=args.missing, name_en=args.name_en)
    _print_derived(report, args.json)
    return 0


def cmd_fetch_bdl(args) -> int:
    from services.indicators.bdl import fetch_variable

    report = fetch_variable(engine(), settings(), args.variable, args.years, level=args.level,
                            progress=progress(), client_id=args.client_id)
    print_json(report) if args.json else tell(
        "stored %(stored)s values of %(indicator)s (%(pages)s pages, %(cached)s from the cache)",
        stored=Amount(report["stored"]), indicator=report["indicator"], pages=report["pages"],
        cached=report["from_cache"])
    return 0


def cmd_analyse(args) -> int:
    from services.analysis.runs import get_run, run_analysis

    run = run_analysis(engine(), args.kind, args.indicator, args.year, scope=args.scope,
                       weights=args.weights, k=args.k, threshold=args.threshold,
                       permutations=args.permutations, seed=args.seed, alpha=args.alpha,
                       method=args.method, n_regions=args.regions, floor=args.floor,
                       floor_indicator=args.floor_indicator, gi_weights=args.gi_weights,
                       reuse=args.reuse)
    if args.json:
        print_json(get_run(engine(), run["id"]))
        return 0
    for line in analysis_lines(run):
        print(line)
    if run["summary"]["left_out_without_value"]:
        print(words("  left out (no value): %(codes)s",
                    codes=", ".join(run["summary"]["left_out_without_value"])), file=sys.stderr)
    return 0


# Words of services/analysis and spatial/getis.py that the report shows (kept there as data).
ANALYSIS_WORDS = (
    N_("binary weights, each gmina in its own neighbourhood (Ord and Getis 1995)"),
    N_("row-standardised weights, each gmina in its own neighbourhood (esda's default)"),
    N_("neighbourhood covers the whole scope"),
)


def _p(value) -> str:
    if value is None:
        return "-"
    return "< 1e-300" if value == 0 else f"{value:.3g}"


def analysis_lines(run: dict) -> list[str]:
    """The text report of a run: what was computed, how, and what came out."""
    from services.analysis.kinds import GI_WEIGHTS

    s, params = run["summary"], run["parameters"]
    reused = words(" (reused: identical run already stored)") if run.get("reused") else ""
    lines = [words("run %(id)s%(reused)s: %(kind)s of %(indicator)s %(year)s over %(scope)s"
                   " (%(units)s gminas, %(weights)s weights, seed %(seed)s, %(seconds)s s)",
                   id=run["id"], reused=reused, kind=run["kind"], indicator=run["indicator"],
                   year=run["year"], scope=run["scope"], units=s["units"],
                   weights=params["weights"], seed=run["seed"], seconds=run["seconds"])]
    m = s.get("moran")
    if m:
        lines.append(words(
            "  global Moran's I %(I)s (expected %(EI)s): normality z %(z_norm)s, p %(p_norm)s;"
            " randomisation z %(z_rand)s, p %(p_rand)s; permutations p %(p_sim)s"
            " (%(permutations)s permutations)", I=format(m["I"], ".4f"), EI=format(m["EI"], ".4f"),
            z_norm=_p(m["z_norm"]), p_norm=_p(m["p_norm"]), z_rand=_p(m["z_rand"]),
            p_rand=_p(m["p_rand"]), p_sim=_p(m["p_sim"]), permutations=m["permutations"]))
    if "p_values" in s:
        lines.append(words(
            "  local p-values: ties count as extreme; exact (enumerated) for %(exact)s gminas"
            " with few possible neighbour sets, %(permutations)s conditional permutations for"
            " %(permuted)s", exact=s["p_values"]["exact"],
            permutations=params["permutations"], permuted=s["p_values"]["permutation"]))
    if "gi_weights" in params:
        lines.append(words("  Gi* with %(weights)s",
                           weights=Text(GI_WEIGHTS[params["gi_weights"]])))
    if "undefined" in s:
        lines.append(words("  undefined (%(reason)s): %(units)s",
                           reason=Text(s["undefined"]["reason"]),
                           units=", ".join(s["undefined"]["units"])))
    if "labels" in s:
        lines.append("  " + ", ".join(f"{k}: {v}" for k, v in s["labels"].items()))
    if "regions" in s:
        lines.append(words("  %(count)s regions", count=s["regions"]))
    if s["islands"]:
        lines.append(words("  without neighbours: %(units)s", units=", ".join(s["islands"])))
    return lines


def _years(text: str) -> list[int]:
    import argparse

    try:
        if "-" in text:
            a, b = (int(x) for x in text.split("-", 1))
            if b < a:
                raise ValueError
            return list(range(a, b + 1))
        return [int(y) for y in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(words("%(text)r is not a year range like 2015-2024",
                                               text=text)) from None


def register(sub, load) -> None:
    i = load.add_parser("indicators", help="load indicator values from a file")
    i.add_argument("path")
    from layers.indicator_formats import INDICATOR_FORMATS

    i.add_argument("--format", required=True, choices=tuple(INDICATOR_FORMATS))
    i.add_argument("--code", help="indicator code (csv format)")
    i.add_argument("--name", help="indicator name (csv format)")
    i.add_argument("--unit", help="unit (csv format)")
    i.add_argument("--direction", default="neutral",
                   choices=("higher-worse", "higher-better", "neutral"))
    i.add_argument("--year", type=int, help="edition year of a GUS table if not in the name")
    i.add_argument("--repair-codes", action="store_true",
                   help="pad codes whose leading zero a spreadsheet dropped, when every one is"
                   " a loaded unit of the same name")
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=cmd_load_indicators)

    ind = sub.add_parser("indicators", help="indicators held, derived and composite")
    isub = ind.add_subparsers(dest="what", required=True)
    lst = isub.add_parser("list", help="indicators held, with years and coverage")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_list)
    d = isub.add_parser("derive", help="compute a derived indicator")
    dsub = d.add_subparsers(dest="what", required=True)
    u = dsub.add_parser("unemployed-per-1000")
    u.add_argument("--years", type=_years)
    pc = dsub.add_parser("population-change")
    pc.add_argument("--from", dest="start", type=int, required=True)
    pc.add_argument("--to", dest="end", type=int, required=True)
    nm = dsub.add_parser("net-migration")
    nm.add_argument("path", help="gmina-to-gmina flows: kod_origin, kod_dest, no")
    nm.add_argument("--year", type=int, required=True)
    de = dsub.add_parser("density")
    de.add_argument("--year", type=int, required=True)
    dr = dsub.add_parser("dependency-ratio", help="non-working-age persons per 100 of working"
                         " age, from the economic age groups")
    pw = dsub.add_parser("post-working-share", help="share of post-working age, %")
    for p in (dr, pw):
        p.add_argument("--years", type=_years)
    for p in (u, pc, nm, de, dr, pw):
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=cmd_derive)
    c = isub.add_parser("composite", help="a composite marginalisation-risk index")
    c.add_argument("--code", required=True)
    c.add_argument("--name", required=True)
    c.add_argument("--name-en", help="the English name (default: --name)")
    c.add_argument("--year", type=int, required=True)
    c.add_argument("--component", action="append", required=True,
                   help="CODE=WEIGHT[:higher-worse|higher-better], repeatable")
    c.add_argument("--method", default="zscore", choices=("zscore", "minmax"))
    c.add_argument("--groups", default="none", choices=("none", "gmina-type"))
    c.add_argument("--missing", default="drop", choices=("drop", "mean", "fail"))
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_composite)

    from services.analysis.kinds import GI_VARIANTS, KINDS, REGION_METHODS, WEIGHT_KINDS

    a = sub.add_parser("analyse", help="spatial analysis of a gmina indicator")
    a.add_argument("kind", choices=KINDS)
    a.add_argument("--indicator", required=True)
    a.add_argument("--year", type=int, required=True)
    a.add_argument("--scope", default="country",
                   help="country, voivodeship:TT, powiat:TTTT or partnership:ID")
    a.add_argument("--weights", default="queen", choices=WEIGHT_KINDS)
    a.add_argument("--k", type=int, default=5)
    a.add_argument("--threshold", type=float, help="distance band in metres")
    a.add_argument("--permutations", type=int, default=9999)
    a.add_argument("--seed", type=int)
    a.add_argument("--alpha", type=float, default=0.05)
    a.add_argument("--method", default="skater", choices=tuple(REGION_METHODS))
    a.add_argument("--regions", type=int, default=5)
    a.add_argument("--floor", type=float, help="max-p: minimum of --floor-indicator per region")
    a.add_argument("--floor-indicator", default="population_thousands")
    a.add_argument("--gi-weights", default="binary", choices=GI_VARIANTS,
                   help="Gi*: binary (Ord and Getis) or row-standardised (esda's default)")
    a.add_argument("--reuse", action="store_true",
                   help="with --seed: return an identical stored run instead of a new one")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_analyse)


def register_fetch(fetch) -> None:
    b = fetch.add_parser("bdl", help="download a variable from the GUS BDL API")
    b.add_argument("--variable", required=True, type=int)
    b.add_argument("--years", required=True, type=_years, help="e.g. 2015-2024")
    b.add_argument("--level", type=int, default=6, help="BDL unit level (6 = gminas)")
    b.add_argument("--client-id", help="X-ClientId (or PARTNERSTWA_BDL_CLIENT_ID)")
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=cmd_fetch_bdl)


