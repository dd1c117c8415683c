"""Accounts: users with roles and assignments, passwords (argon2), API tokens for scripts,
demo accounts, and the audit log's reading side. Signing in and sessions: ``sessions``."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher

from core.errors import BadRequest, InvalidInput, NotFound
from services.access.rules import (
    ROLE_BY_NAME,
    ROLES,
    SYSTEM,
    Principal,
    Unauthenticated,
    audit,
    require_role,
)
from services.db import database_errors

HASHER = PasswordHasher()
MIN_PASSWORD = 10
# A real hash to verify against when the account does not exist, so that the answer takes
# the same time either way.
DUMMY_HASH = HASHER.hash("no such account, but the same amount of work")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(conn, email: str) -> dict:
    row = conn.execute(sa.text("SELECT * FROM app_user WHERE email = lower(:e)"),
                       {"e": email}).mappings().first()
    if row is None:
        raise NotFound("no user %(email)r", email=email)
    return dict(row)


def principal_of(conn, row: dict) -> Principal:
    pids = conn.execute(sa.text(
        "SELECT partnership_id FROM user_partnership WHERE user_id = :u"),
        {"u": row["id"]}).scalars().all()
    return Principal(row["id"], row["email"], row["role"], row["voivodeship"], frozenset(pids))


def add_user(engine: sa.Engine, email: str, password: str, role: str, *, name: str = "",
             voivodeship: str | None = None, actor: Principal = SYSTEM) -> dict:
    require_role(actor, "admin")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", email or ""):
        raise BadRequest("%(email)r is not an e-mail address", email=email)
    if role not in ROLES:
        raise BadRequest("role must be one of %(roles)s", roles=', '.join(ROLES))
    if len(password) < MIN_PASSWORD:
        raise BadRequest("the password needs at least %(min_password)s characters",
                         min_password=MIN_PASSWORD)
    if ROLE_BY_NAME[role].needs_voivodeship and not voivodeship:
        raise BadRequest("a %(label_en)s account needs --voivodeship TT",
                         label_en=ROLE_BY_NAME[role].label_en)
    with database_errors(), engine.begin() as conn:
        if conn.execute(sa.text("SELECT 1 FROM app_user WHERE email = lower(:e)"),
                        {"e": email}).first():
            raise InvalidInput("user %(email)r exists already", email=email)
        user_id = conn.execute(sa.text(
            "INSERT INTO app_user (email, name, password_hash, role, voivodeship)"
            " VALUES (lower(:e), :n, :h, :r, :v) RETURNING id"),
            {"e": email, "n": name, "h": HASHER.hash(password), "r": role,
             "v": voivodeship}).scalar_one()
        audit(conn, actor, "create", "user", email, None,
              {"role": role, "voivodeship": voivodeship})
    return {"id": user_id, "email": email.lower(), "role": role}


def set_role(engine: sa.Engine, email: str, role: str, *, voivodeship: str | None = None,
             actor: Principal = SYSTEM) -> None:
    require_role(actor, "admin")
    if role not in ROLES:
        raise BadRequest("role must be one of %(roles)s", roles=', '.join(ROLES))
    with database_errors(), engine.begin() as conn:
        user = _user(conn, email)
        conn.execute(sa.text("UPDATE app_user SET role = :r, voivodeship = :v WHERE id = :id"),
                     {"r": role, "v": voivodeship or user["voivodeship"], "id": user["id"]})
        audit(conn, actor, "set-role", "user", user["email"],
              {"role": user["role"], "voivodeship": user["voivodeship"]},
              {"role": role, "voivodeship": voivodeship or user["voivodeship"]})


def assign(engine: sa.Engine, email: str, partnership_id: str, *, remove: bool = False,
           actor: Principal = SYSTEM) -> None:
    require_role(actor, "admin")
    with database_errors(), engine.begin() as conn:
        user = _user(conn, email)
        if not conn.execute(sa.text("SELECT 1 FROM partnership WHERE id = :p"),
                            {"p": partnership_id}).first():
            raise NotFound("no partnership %(partnership_id)r", partnership_id=partnership_id)
        if remove:
            conn.execute(sa.text("DELETE FROM user_partnership WHERE user_id = :u AND"
                                 " partnership_id = :p"), {"u": user["id"], "p": partnership_id})
        else:
            conn.execute(sa.text("INSERT INTO user_partnership VALUES (:u, :p)"
                                 " ON CONFLICT DO NOTHING"), {"u": user["id"], "p": partnership_id})
        audit(conn, actor, "unassign" if remove else "assign", "user", user["email"], None,
              {"partnership": partnership_id})


def disable(engine: sa.Engine, email: str, *, actor: Principal = SYSTEM) -> None:
    require_role(actor, "admin")
    with database_errors(), engine.begin() as conn:
        user = _user(conn, email)
        conn.execute(sa.text("UPDATE app_user SET disabled = true WHERE id = :id"),
                     {"id": user["id"]})
        conn.execute(sa.text("UPDATE api_token SET revoked = true WHERE user_id = :id"),
                     {"id": user["id"]})
        conn.execute(sa.text("UPDATE user_session SET revoked_at = now()"
                             " WHERE user_id = :id AND revoked_at IS NULL"), {"id": user["id"]})
        audit(conn, actor, "disable", "user", user["email"], {"disabled": user["disabled"]},
              {"disabled": True})


def create_token(engine: sa.Engine, email: str, name: str, *,
                 actor: Principal = SYSTEM) -> str:
    """A new API token; only its hash is stored, so this is the only time it is shown."""
    require_role(actor, "admin")
    token = "pt_" + secrets.token_urlsafe(32)
    with database_errors(), engine.begin() as conn:
        user = _user(conn, email)
        conn.execute(sa.text("INSERT INTO api_token (user_id, name, token_hash)"
                             " VALUES (:u, :n, :h)"),
                     {"u": user["id"], "n": name, "h": _token_hash(token)})
        audit(conn, actor, "create-token", "user", user["email"], None, {"name": name})
    return token


def principal_for_token(engine: sa.Engine, token: str) -> Principal:
    with database_errors(), engine.begin() as conn:
        row = conn.execute(sa.text(
            "SELECT u.*, t.id AS token_id, t.last_used_at > now() - interval '1 minute'"
            " AS recently_used FROM api_token t JOIN app_user u ON u.id = t.user_id"
            " WHERE t.token_hash = :h AND NOT t.revoked AND NOT u.disabled"),
            {"h": _token_hash(token)}).mappings().first()
        if row is None:
            raise Unauthenticated("the API token is unknown or revoked")
        if not row["recently_used"]:  # a write at most once a minute, not on every request
            conn.execute(sa.text("UPDATE api_token SET last_used_at = now() WHERE id = :i"),
                         {"i": row["token_id"]})
        return principal_of(conn, dict(row))


def audit_entries(engine: sa.Engine, actor: Principal, *, limit: int = 200,
                  offset: int = 0) -> list[dict]:
    require_role(actor, "admin")
    with database_errors(), engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT id, at, actor, action, object_kind, object_id, before, after FROM audit_log"
            " ORDER BY id DESC LIMIT :l OFFSET :o"), {"l": limit, "o": offset}).mappings().all()
    return [{**dict(r), "at": r["at"].isoformat()} for r in rows]


def audit_csv(engine: sa.Engine, actor: Principal) -> str:
    require_role(actor, "admin")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "actor", "action", "object_kind", "object_id", "before",
                     "after"])
    with database_errors(), engine.connect() as conn:
        for row in conn.execute(sa.text(
                "SELECT id, at, actor, action, object_kind, object_id, before::text,"
                " after::text FROM audit_log ORDER BY id")):
            writer.writerow(list(row))
    return out.getvalue()


DEMO_ACCOUNTS = (("ekspert@partnerstwa.demo", "expert", None),
                 ("urzad@partnerstwa.demo", "marshal_office", "20"),
                 ("ministerstwo@partnerstwa.demo", "ministry", None))


def demo_accounts(engine: sa.Engine, password: str, *, actor: Principal = SYSTEM) -> list[dict]:
    """Demo accounts (idempotent): an expert of every partnership, the marshal office of
    podlaskie, the ministry. For trying the viewer only: the password is known."""
    require_role(actor, "admin")
    with database_errors(), engine.connect() as conn:
        existing = set(conn.execute(sa.text("SELECT email FROM app_user")).scalars())
        partnerships = list(conn.execute(sa.text(
            "SELECT id FROM partnership ORDER BY id")).scalars())
    for email, role, voivodeship in DEMO_ACCOUNTS:
        if email not in existing:
            add_user(engine, email, password, role, voivodeship=voivodeship, actor=actor)
    for pid in partnerships:
        assign(engine, DEMO_ACCOUNTS[0][0], pid, actor=actor)
    return [{"email": email, "role": role} for email, role, _ in DEMO_ACCOUNTS]
