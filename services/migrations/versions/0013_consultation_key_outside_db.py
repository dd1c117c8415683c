"""The key of consultation client hashes leaves the database.

``client_hash`` was SHA-256 of a salt kept in ``consultation_secret`` and the client's
address: anyone with a dump of the database had both, and could try every IPv4 address in
minutes. It is now HMAC-SHA256 under a key derived from the app's secret
(services/consultations/submit.py), which is not in the database, so the salt goes.

The stored hashes cannot be recomputed (the addresses were never kept), so the per-client
rate limit starts afresh once, on upgrade; the per-consultation limit counts every submission
as before. Without the salt, the old hashes no longer tell anything about the addresses.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP TABLE IF EXISTS consultation_secret")


def downgrade() -> None:
    # A new salt: the old one is gone; the code of 0012 and before reads whichever is there.
    op.execute(
        """
        CREATE TABLE consultation_secret (
            id smallint PRIMARY KEY CHECK (id = 1),
            salt text NOT NULL CHECK (length(salt) >= 32)
        );
        INSERT INTO consultation_secret (id, salt) VALUES (1, encode(sha256(convert_to(
            random()::text || clock_timestamp()::text || txid_current()::text
            || random()::text, 'UTF8')), 'hex'));
        """
    )
