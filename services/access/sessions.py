"""Signing in with a password, within limits per account, address and device, and sessions
that the server can end (sign-out, a disabled account, eight hours).

The limits slow an attacker without locking the owner out: failures count per account, per
address (over all accounts) and per device, within 15 minutes. An account with too many
failures refuses sign-ins from new devices only; a device where the account signed in before
(the web layer proves it with a signed device cookie) still gets in, until that device has
failed too often itself.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import PartnerstwaError
from services.access.accounts import DUMMY_HASH, HASHER, principal_of
from services.access.rules import Principal, Unauthenticated
from services.db import database_errors

MAX_ACCOUNT_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
MAX_DEVICE_FAILURES = 5
WINDOW = "15 minutes"
SESSION_HOURS = 8
# Advisory-lock classes: sign-ins of one address, and of one account, take turns.
_ADDRESS_LOCK, _ACCOUNT_LOCK = 90_001, 90_002


class TooManyAttempts(PartnerstwaError):
    status = 429
    code = "too_many_attempts"


@dataclass(frozen=True)
class SignedIn:
    principal: Principal
    session: str  # the session's secret, kept by the client in its signed cookie
    device: str  # the device's id, for the device cookie (the same one, or a new one)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def sign_in(engine: sa.Engine, email: str, password: str, address: str, *,
            device: str | None = None) -> SignedIn:
    """Check a password and start a session.

    ``device`` is the id from a device cookie that the caller verified for this e-mail.
    Refused attempts while a limit holds are not checked and not counted.
    """
    email = (email or "").strip().lower()
    with database_errors(), engine.begin() as conn:
        # Parallel guesses must not slip past the counts: attempts take turns per address
        # and per account (always in this order).
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:c, hashtext(:k))"),
                     {"c": _ADDRESS_LOCK, "k": address})
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:c, hashtext(:k))"),
                     {"c": _ACCOUNT_LOCK, "k": email})
        failures = conn.execute(sa.text(
            "SELECT count(*) FILTER (WHERE email = :e),"
            " count(*) FILTER (WHERE address = :a),"
            " count(*) FILTER (WHERE device = :d)"
            " FROM login_attempt WHERE NOT succeeded"
            f" AND at > now() - interval '{WINDOW}'"
            " AND (email = :e OR address = :a OR device = :d)"),
            {"e": email, "a": address, "d": device}).one()
        known_device = device is not None and failures[2] < MAX_DEVICE_FAILURES
        if not known_device:
            if failures[1] >= MAX_ADDRESS_FAILURES:
                raise TooManyAttempts("too many failed sign-ins from your address; try again"
                                      " in 15 minutes")
            if failures[0] >= MAX_ACCOUNT_FAILURES:
                raise TooManyAttempts("too many failed sign-ins for this account from new"
                                      " devices; try again in 15 minutes, or sign in on a"
                                      " device you used before")
        row = conn.execute(sa.text("SELECT * FROM app_user WHERE email = :e"),
                           {"e": email}).mappings().first()
        try:
            HASHER.verify(row["password_hash"] if row else DUMMY_HASH, password or "")
            ok = row is not None and not row["disabled"]
        except (VerificationError, InvalidHashError):
            ok = False
        conn.execute(sa.text("INSERT INTO login_attempt (email, address, device, succeeded)"
                             " VALUES (:e, :a, :d, :s)"),
                     {"e": email, "a": address, "d": device, "s": ok})
        if ok:
            session = secrets.token_urlsafe(32)
            conn.execute(sa.text("INSERT INTO user_session (user_id, token_hash, address)"
                                 " VALUES (:u, :h, :a)"),
                         {"u": row["id"], "h": _hash(session), "a": address})
            return SignedIn(principal_of(conn, dict(row)), session,
                            device or secrets.token_urlsafe(24))
    # Outside the transaction, so that the failed attempt stays counted.
    raise Unauthenticated("wrong e-mail or password")


def principal_for_session(engine: sa.Engine, session: str) -> Principal | None:
    """Who a session belongs to; None when it ended (signed out, disabled, too old)."""
    with database_errors(), engine.begin() as conn:
        row = conn.execute(sa.text(
            "SELECT u.*, s.id AS session_id,"
            " s.last_seen_at < now() - interval '1 minute' AS stale"
            " FROM user_session s JOIN app_user u ON u.id = s.user_id"
            " WHERE s.token_hash = :h AND s.revoked_at IS NULL AND NOT u.disabled"
            f" AND s.created_at > now() - interval '{SESSION_HOURS} hours'"),
            {"h": _hash(session)}).mappings().first()
        if row is None:
            return None
        if row["stale"]:  # a write at most once a minute, not on every request
            conn.execute(sa.text("UPDATE user_session SET last_seen_at = now() WHERE id = :i"),
                         {"i": row["session_id"]})
        return principal_of(conn, dict(row))


def end_session(engine: sa.Engine, session: str) -> None:
    """Sign out: the session's cookie, copied or not, no longer signs anybody in."""
    with database_errors(), engine.begin() as conn:
        conn.execute(sa.text("UPDATE user_session SET revoked_at = now()"
                             " WHERE token_hash = :h AND revoked_at IS NULL"),
                     {"h": _hash(session)})

