"""`partnerstwa users ...`: accounts, roles, assignments, API tokens (acts as the system)."""

from __future__ import annotations

import getpass
import sys

from core.errors import N_, Text
from scripts.common import engine, settings
from scripts.language import stderr, tell


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        from core.errors import BadRequest

        raise BadRequest("the two passwords differ")
    return first


def cmd_add(args) -> int:
    from services.access.accounts import add_user

    user = add_user(engine(), args.email, _password(args), args.role, name=args.name or "",
                    voivodeship=args.voivodeship)
    tell("user %(email)s (%(role)s) added", email=user["email"], role=user["role"])
    return 0


def cmd_set_role(args) -> int:
    from services.access.accounts import set_role

    set_role(engine(), args.email, args.role, voivodeship=args.voivodeship)
    tell("%(email)s is now %(role)s", email=args.email, role=args.role)
    return 0


def cmd_assign(args) -> int:
    from services.access.accounts import assign

    assign(engine(), args.email, args.partnership, remove=args.remove)
    verb = Text(N_("no longer advises") if args.remove else N_("advises"))
    tell("%(email)s %(verb)s %(partnership)s", email=args.email, verb=verb,
         partnership=args.partnership)
    return 0


def cmd_disable(args) -> int:
    from services.access.accounts import disable

    disable(engine(), args.email)
    tell("%(email)s disabled; its sessions ended and its API tokens revoked", email=args.email)
    return 0


def cmd_token(args) -> int:
    from services.access.accounts import create_token

    print(create_token(engine(), args.email, args.name))
    stderr("(shown once: only its hash is kept)")
    return 0


def cmd_demo(args) -> int:
    """Demo accounts (idempotent), for trying the viewer only: the password is known."""
    from services.access.accounts import demo_accounts

    password = settings().demo_password
    made = demo_accounts(engine(), password)
    accounts = ", ".join(f"{a['email']} ({a['role']})" for a in made)
    tell("demo accounts (password: %(password)s): %(accounts)s", password=password,
         accounts=accounts)
    return 0


def register(sub) -> None:
    from services.access.rules import ROLES

    users = sub.add_parser("users", help="accounts, roles and API tokens")
    usub = users.add_subparsers(dest="what", required=True)
    add = usub.add_parser("add", help="add an account")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--voivodeship", help="TT, for a marshal office")
    add.add_argument("--name")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from standard input (for scripts)")
    add.set_defaults(func=cmd_add)
    role = usub.add_parser("set-role", help="change an account's role")
    role.add_argument("email")
    role.add_argument("role", choices=ROLES)
    role.add_argument("--voivodeship")
    role.set_defaults(func=cmd_set_role)
    assign = usub.add_parser("assign", help="let an expert work on a partnership")
    assign.add_argument("email")
    assign.add_argument("partnership")
    assign.add_argument("--remove", action="store_true")
    assign.set_defaults(func=cmd_assign)
    disable = usub.add_parser("disable", help="disable an account, end its sessions and revoke"
                              " its tokens")
    disable.add_argument("email")
    disable.set_defaults(func=cmd_disable)
    token = usub.add_parser("token", help="create an API token for scripts")
    token.add_argument("email")
    token.add_argument("--name", required=True)
    token.set_defaults(func=cmd_token)
    demo = usub.add_parser("demo", help="demo accounts for trying the viewer (known password)")
    demo.set_defaults(func=cmd_demo)
