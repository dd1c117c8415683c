"""Server-side sessions, sign-in limits per address and device, append-only version history.

The application's own database role and its privileges are not part of the schema: `db init`
grants them after every upgrade (``services.db.provision_app_role``), because the role's name
is a setting.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE user_session (
            id bigserial PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
            token_hash text NOT NULL UNIQUE,
            address text NOT NULL DEFAULT '',
            created_at timestamptz NOT NULL DEFAULT now(),
            last_seen_at timestamptz NOT NULL DEFAULT now(),
            revoked_at timestamptz
        );
        CREATE INDEX user_session_user_idx ON user_session (user_id) WHERE revoked_at IS NULL;

        ALTER TABLE login_attempt ADD COLUMN device text;
        CREATE INDEX login_attempt_address_idx ON login_attempt (address, at);
        CREATE INDEX login_attempt_device_idx ON login_attempt (device, at)
            WHERE device IS NOT NULL;

        CREATE FUNCTION refuse_rewriting_history() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
        END $$;
        CREATE TRIGGER object_version_append_only BEFORE UPDATE OR DELETE ON object_version
            FOR EACH ROW EXECUTE FUNCTION refuse_rewriting_history();
        CREATE TRIGGER object_version_no_truncate BEFORE TRUNCATE ON object_version
            FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewriting_history();
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewriting_history();
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
        DROP TRIGGER IF EXISTS object_version_no_truncate ON object_version;
        DROP TRIGGER IF EXISTS object_version_append_only ON object_version;
        DROP FUNCTION IF EXISTS refuse_rewriting_history();
        DROP INDEX IF EXISTS login_attempt_device_idx;
        DROP INDEX IF EXISTS login_attempt_address_idx;
        ALTER TABLE login_attempt DROP COLUMN IF EXISTS device;
        DROP TABLE IF EXISTS user_session;
        """
    )
