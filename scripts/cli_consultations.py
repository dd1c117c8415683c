"""`partnerstwa consultations ...`: open a map consultation, list them, export the places
(acts as the system)."""

from __future__ import annotations

import json

from core.errors import N_, Text
from scripts.common import engine
from scripts.language import tell


def cmd_open(args) -> int:
    from services.consultations.manage import open_consultation

    data = {"title": args.title, "controller": args.controller, "purpose": args.purpose,
            "introduction": args.introduction or "", "slug": args.slug,
            "categories": args.category or None, "allow_lines": args.allow_lines,
            "allow_areas": args.allow_areas}
    if args.opens:
        data["opens_at"] = args.opens
    if args.closes:
        data["closes_at"] = args.closes
    opened = open_consultation(engine(), args.partnership, data)
    url = f"{args.base_url.rstrip('/')}/k/{opened['slug']}"
    if args.json:
        print(json.dumps({**opened, "url": url}, ensure_ascii=False, default=str))
    else:
        state = Text(N_("opened") if opened["created"] else N_("already open"))
        tell("consultation %(id)s of %(partnership)s %(state)s until %(until)s: %(url)s",
             id=opened["id"], partnership=opened["partnership_id"], state=state,
             until=opened["closes_at"][:10], url=url)
    return 0


def cmd_list(args) -> int:
    from services.consultations.manage import list_consultations

    rows = list_consultations(engine(), args.partnership)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, default=str))
        return 0
    for row in rows:
        print(f"{row['id']}\t/k/{row['slug']}\t{row['state']}\t{row['submissions']} answers"
              f"\t{row['places']} places ({row['hidden']} hidden)\t{row['title']}")
    return 0


def cmd_export(args) -> int:
    from services.consultations.results import export

    written = export(engine(), args.id, args.format, args.out)
    tell("wrote %(count)s places to %(path)s", count=written["features"], path=written["path"])
    return 0


def register(sub) -> None:
    from services.consultations.kinds import CATEGORIES, EXPORTS

    parser = sub.add_parser("consultations", help="map consultations (geoankieta)")
    csub = parser.add_subparsers(dest="what", required=True)
    op = csub.add_parser("open", help="open a consultation (idempotent with the same slug"
                         " and title); prints its public address")
    op.add_argument("--partnership", required=True)
    op.add_argument("--title", required=True)
    op.add_argument("--slug", help="the address /k/SLUG (default: from the title)")
    op.add_argument("--controller", required=True, help="who processes the answers")
    op.add_argument("--purpose", required=True, help="what the answers are for")
    op.add_argument("--introduction")
    op.add_argument("--category", action="append", choices=tuple(CATEGORIES),
                    help="repeat for several (default: all)")
    op.add_argument("--opens", help="YYYY-MM-DD (default: now)")
    op.add_argument("--closes", help="YYYY-MM-DD (default: 30 days after opening)")
    op.add_argument("--allow-lines", action="store_true")
    op.add_argument("--allow-areas", action="store_true")
    op.add_argument("--base-url", default="http://127.0.0.1:5000",
                    help="where the app is served, for the printed address")
    op.add_argument("--json", action="store_true")
    op.set_defaults(func=cmd_open)
    ls = csub.add_parser("list", help="consultations of a partnership")
    ls.add_argument("--partnership", required=True)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    ex = csub.add_parser("export", help="every place of a consultation, EPSG:2180")
    ex.add_argument("id", type=int)
    ex.add_argument("--format", required=True, choices=tuple(EXPORTS))
    ex.add_argument("--out", required=True)
    ex.set_defaults(func=cmd_export)
