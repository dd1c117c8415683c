"""The funding of a project as the imported file wrote it (e.g. "FEPZ 2021-2027"), and the
funding codes of services/planning/vocabularies.py (other national FE programmes, Interreg, CAP).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


CODES = ("fe_regional", "feniks", "fe_national", "interreg", "kpo", "cap", "national", "own",
         "other")
OLD_CODES = ("fe_regional", "feniks", "kpo", "national", "own", "other")


def _check(codes) -> str:
    listed = ", ".join(f"'{c}'" for c in codes)
    return ("ALTER TABLE project DROP CONSTRAINT IF EXISTS project_funding_source_check;"
            " ALTER TABLE project ADD CONSTRAINT project_funding_source_check"
            f" CHECK (funding_source IN ({listed}))")


def upgrade() -> None:
    op.execute(
        "ALTER TABLE project ADD COLUMN funding_label text"
        " CHECK (length(funding_label) <= 200)"
    )
    op.execute(_check(CODES))


def downgrade() -> None:
    op.execute("UPDATE project SET funding_source = 'other' WHERE funding_source NOT IN ("
               + ", ".join(f"'{c}'" for c in OLD_CODES) + ")")
    op.execute(_check(OLD_CODES))
    op.execute("ALTER TABLE project DROP COLUMN IF EXISTS funding_label")
