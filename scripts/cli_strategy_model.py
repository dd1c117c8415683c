"""`partnerstwa strategy kinds|check …`: the strategy's kinds tables, and what a partnership's
strategy still lacks (completeness, indicators off track, project warnings)."""

from __future__ import annotations

from scripts.common import engine, print_json


def cmd_kinds(args) -> int:
    from services.strategy.kinds import STATUTORY_ELEMENTS, for_page
    from services.strategy.programmes import deadlines

    kinds = for_page(args.lang)
    elements = [{"element": e.code, "label": e.label(args.lang), "legal_basis": e.legal_basis}
                for e in STATUTORY_ELEMENTS]
    until = {code: day.isoformat() if day else None for code, day in deadlines().items()}
    if args.json:
        print_json({**kinds, "statutory_elements": elements, "eligible_until": until})
        return 0
    for name, items in kinds.items():
        print(f"{name}: " + ", ".join(f"{k['code']} ({k['label']})" for k in items))
    print("statutory elements:")
    for e in elements:
        print(f"  {e['element']}: {e['label']} — {e['legal_basis']}")
    print("eligible until: " + ", ".join(f"{c}={d or '-'}" for c, d in until.items()))
    return 0


def cmd_check(args) -> int:
    from services.strategy.model import strategy_model
    from services.strategy.versions import plain

    model = strategy_model(engine(), args.partnership)
    report = {"partnership": args.partnership,
              "missing": [c for c in model["completeness"] if not c["present"]],
              "indicators": [{k: r[k] for k in ("goal", "name", "status", "baseline_value",
                                                 "latest_value", "target_value")}
                             for r in model["monitoring"]],
              "warnings": {p["id"]: p["warnings"] for p in model["projects"] if p["warnings"]}}
    if args.json:
        print_json(plain(report))
        return 0
    done = len(model["completeness"]) - len(report["missing"])
    print(f"{args.partnership}: {done} of {len(model['completeness'])} statutory elements present")
    for c in report["missing"]:
        print(f"  missing {c['label']} ({c['legal_basis']}): {c['missing']}")
    for r in report["indicators"]:
        print(f"  {r['goal']} / {r['name']}: {r['status']}")
    for pid, warnings in report["warnings"].items():
        for w in warnings:
            print(f"  project {pid}: {w['message']}")
    return 0


def register(sub) -> None:
    from scripts.cli_strategy import _strategy_commands

    commands = _strategy_commands(sub)
    k = commands.add_parser("kinds", help="dimensions, feasibility items, split methods,"
                            " budget categories, statutory elements, programme deadlines")
    k.add_argument("--lang", choices=("pl", "en"), help="default: the messages' language")
    k.add_argument("--json", action="store_true", help="print as JSON")
    k.set_defaults(func=cmd_kinds)
    c = commands.add_parser("check", help="what the strategy lacks, indicators off track,"
                            " project warnings")
    c.add_argument("--partnership", required=True, help="partnership id, e.g. P01")
    c.add_argument("--json", action="store_true", help="print as JSON")
    c.set_defaults(func=cmd_check)
