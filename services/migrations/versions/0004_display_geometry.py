"""Simplified geometry for maps, per level, zoom band and unit; rebuilt when boundaries change.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE display_state (
            level text PRIMARY KEY,
            boundary_version bigint NOT NULL,
            built_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE display_feature (
            level text NOT NULL,
            band smallint NOT NULL,
            teryt varchar(7) NOT NULL,
            voivodeship varchar(2) NOT NULL,
            feature text NOT NULL,
            PRIMARY KEY (level, band, teryt)
        );
        CREATE INDEX display_feature_voivodeship_idx ON display_feature (level, band, voivodeship);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS display_feature, display_state")
