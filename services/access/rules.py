"""Who may see and change what. Every service that reads or writes working data asks here.

Roles: administrator (accounts and the audit log), expert (changes the partnerships assigned
to them), marshal office (reads the partnerships of its voivodeship), ministry (reads all).
Anonymous visitors see only the public overview. The command line acts as ``SYSTEM``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from core.errors import PartnerstwaError
from layers.catalogue import VOIVODESHIP_NAMES  # messages name voivodeships, not codes


@dataclass(frozen=True)
class Role:
    """One account role; the CLI's choices, the README's table and the UI's labels read these."""

    name: str
    label_pl: str
    label_en: str
    sees: str
    changes: str
    needs_voivodeship: bool = False

    def label(self, locale: str = "pl") -> str:
        return self.label_pl if locale == "pl" else self.label_en


ROLE_TABLE = (
    Role("expert", "ekspert", "expert", "the partnerships assigned to them",
         "their functional areas and projects; comments"),
    Role("marshal_office", "urząd marszałkowski", "marshal office",
         "the partnerships of its voivodeship, their comparison",
         "comments; members that are JSTs of its voivodeship",
         needs_voivodeship=True),
    Role("ministry", "ministerstwo", "ministry", "everything", "nothing"),
    Role("admin", "administrator", "administrator", "everything, the audit log",
         "accounts (CLI), partnership metadata and members"),
)
ROLE_BY_NAME = {role.name: role for role in ROLE_TABLE}
ROLES = tuple(ROLE_BY_NAME)


class Unauthenticated(PartnerstwaError):
    status = 401
    code = "unauthenticated"


class Forbidden(PartnerstwaError):
    status = 403
    code = "forbidden"


@dataclass(frozen=True)
class Principal:
    id: int | None
    email: str
    role: str  # one of ROLES, 'system' or 'anonymous'
    voivodeship: str | None = None
    partnerships: frozenset[str] = field(default_factory=frozenset)

    @property
    def label(self) -> str:
        return self.email

    @property
    def authenticated(self) -> bool:
        return self.role != "anonymous"


SYSTEM = Principal(None, "system (command line)", "system")
ANONYMOUS = Principal(None, "anonymous", "anonymous")


def require_login(actor: Principal) -> None:
    if not actor.authenticated:
        raise Unauthenticated("sign in to see the partnerships' working documents")


def can_read_all(actor: Principal) -> bool:
    return actor.role in ("system", "admin", "ministry")


def readable_filter(actor: Principal, column: str = "p.id") -> tuple[str, dict]:
    """A SQL condition on a partnership id column limiting rows to what ``actor`` may read."""
    require_login(actor)
    if can_read_all(actor):
        return "TRUE", {}
    if actor.role == "marshal_office":
        return (f"{column} IN (SELECT id FROM partnership WHERE :acc_voiv = ANY(voivodeships))",
                {"acc_voiv": actor.voivodeship})
    return f"{column} = ANY(:acc_pids)", {"acc_pids": sorted(actor.partnerships)}


def require_read(conn, actor: Principal, partnership_id: str) -> None:
    """Reading a partnership's working data; unknown and hidden look the same (404)."""
    from core.errors import NotFound

    condition, params = readable_filter(actor, "id")
    found = conn.execute(sa.text(f"SELECT 1 FROM partnership WHERE id = :pid AND {condition}"),
                         {"pid": partnership_id, **params}).first()
    if not found:
        raise NotFound("no partnership %(partnership_id)r", partnership_id=partnership_id)


def require_write(conn, actor: Principal, partnership_id: str) -> None:
    """Changing a partnership's areas and projects: its experts only (and the command line)."""
    require_read(conn, actor, partnership_id)
    if not can_write(actor, partnership_id):
        raise Forbidden("you may read partnership %(partnership_id)s but not change it",
                        partnership_id=partnership_id)


def can_write(actor: Principal, partnership_id: str) -> bool:
    """Whether ``actor`` changes the areas and projects of a partnership it may read."""
    return actor.role == "system" or (actor.role == "expert"
                                      and partnership_id in actor.partnerships)


def can_comment(actor: Principal, partnership_id: str) -> bool:
    """Whether ``actor`` comments on a partnership it may read: its experts, marshal offices."""
    return can_write(actor, partnership_id) or actor.role == "marshal_office"


def require_partnership_change(conn, actor: Principal, partnership_id: str) -> None:
    """Changing a partnership's name or status: administrators and its experts."""
    require_read(conn, actor, partnership_id)
    if actor.role in ("system", "admin"):
        return
    if actor.role != "expert" or partnership_id not in actor.partnerships:
        raise Forbidden("you may read partnership %(partnership_id)s but not change it",
                        partnership_id=partnership_id)


def require_membership_change(conn, actor: Principal, partnership_id: str,
                              changed: list[str]) -> None:
    """Adding or removing members (TERYT codes ``changed``): administrators, or the marshal
    office of the voivodeship for JSTs of its own voivodeship. Experts may not: a member
    they add would show their partnership to another voivodeship's office."""
    require_read(conn, actor, partnership_id)
    if actor.role in ("system", "admin"):
        return
    if actor.role == "marshal_office" and actor.voivodeship:
        outside = sorted(c for c in changed if not c.startswith(actor.voivodeship))
        if outside:
            raise Forbidden("your office changes members in voivodeship %(voivodeship)s"
                            " only, not %(outside)s",
                            voivodeship=VOIVODESHIP_NAMES.get(actor.voivodeship,
                                                              actor.voivodeship),
                            outside=', '.join(outside))
        return
    raise Forbidden("members of a partnership are changed by administrators and the marshal"
                    " office of the voivodeship")


def require_role(actor: Principal, *roles: str) -> None:
    require_login(actor)
    if actor.role not in (*roles, "system"):
        raise Forbidden("this needs the role %(roles)s", roles=" or ".join(roles))


def readable_voivodeship(actor: Principal, voivodeship: str) -> None:
    require_login(actor)
    if actor.role == "marshal_office" and actor.voivodeship != voivodeship:
        raise Forbidden("your office sees voivodeship %(voivodeship)s, not %(voivodeship2)s",
                        voivodeship=VOIVODESHIP_NAMES.get(actor.voivodeship, actor.voivodeship),
                        voivodeship2=VOIVODESHIP_NAMES.get(voivodeship, voivodeship))


def audit(conn, actor: Principal, action: str, kind: str, object_id, before=None,
          after=None) -> None:
    import json

    conn.execute(sa.text(
        "INSERT INTO audit_log (actor, action, object_kind, object_id, before, after)"
        " VALUES (:actor, :action, :kind, :id, CAST(:before AS jsonb), CAST(:after AS jsonb))"),
        {"actor": actor.label, "action": action, "kind": kind, "id": str(object_id),
         "before": json.dumps(before, ensure_ascii=False, default=str) if before is not None
         else None,
         "after": json.dumps(after, ensure_ascii=False, default=str) if after is not None
         else None})
