"""Stored diagnoses of partnerships: what was generated, from which data, with which result.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        -- One row per generated document: the same parameters and data versions give the
        -- same numbers_hash; file_hash identifies the file handed over.
        CREATE TABLE diagnosis (
            id bigserial PRIMARY KEY,
            partnership_id text NOT NULL REFERENCES partnership (id) ON DELETE CASCADE,
            format text NOT NULL CHECK (format IN ('html', 'pdf', 'docx', 'json')),
            lang text NOT NULL CHECK (lang IN ('pl', 'en')),
            parameters jsonb NOT NULL,
            data_versions jsonb NOT NULL,
            numbers_hash text NOT NULL CHECK (numbers_hash ~ '^[0-9a-f]{64}$'),
            file_hash text NOT NULL CHECK (file_hash ~ '^[0-9a-f]{64}$'),
            bytes integer NOT NULL CHECK (bytes >= 0),
            product_version text NOT NULL,
            created_by text NOT NULL DEFAULT '',
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX diagnosis_partnership_idx ON diagnosis (partnership_id, id);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS diagnosis")
