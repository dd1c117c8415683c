"""Comments on partnerships, their areas and projects (marshal offices and experts).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE comment (
            id bigserial PRIMARY KEY,
            partnership_id text NOT NULL REFERENCES partnership (id) ON DELETE CASCADE,
            object_kind text NOT NULL DEFAULT 'partnership'
                CHECK (object_kind IN ('partnership', 'functional_area', 'project')),
            object_id text NOT NULL,
            author text NOT NULL,
            body text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX comment_partnership_idx ON comment (partnership_id, id);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS comment")
