"""Accounts, roles, assignments, API tokens, login attempts and the append-only audit log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE app_user (
            id bigserial PRIMARY KEY,
            email text NOT NULL UNIQUE CHECK (email ~ '^[^@\\s]+@[^@\\s]+$'),
            name text NOT NULL DEFAULT '',
            password_hash text NOT NULL,
            role text NOT NULL CHECK (role IN ('admin', 'expert', 'marshal_office', 'ministry')),
            voivodeship varchar(2),
            disabled boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL DEFAULT now(),
            CHECK (role <> 'marshal_office' OR voivodeship IS NOT NULL)
        );

        CREATE TABLE user_partnership (
            user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
            partnership_id text NOT NULL REFERENCES partnership (id) ON DELETE CASCADE,
            PRIMARY KEY (user_id, partnership_id)
        );

        CREATE TABLE api_token (
            id bigserial PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
            name text NOT NULL,
            token_hash text NOT NULL UNIQUE,
            created_at timestamptz NOT NULL DEFAULT now(),
            last_used_at timestamptz,
            revoked boolean NOT NULL DEFAULT false
        );

        CREATE TABLE login_attempt (
            id bigserial PRIMARY KEY,
            email text NOT NULL,
            address text NOT NULL,
            succeeded boolean NOT NULL,
            at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX login_attempt_recent_idx ON login_attempt (email, at);

        CREATE TABLE audit_log (
            id bigserial PRIMARY KEY,
            at timestamptz NOT NULL DEFAULT clock_timestamp(),
            actor text NOT NULL,
            action text NOT NULL,
            object_kind text NOT NULL,
            object_id text NOT NULL,
            before jsonb,
            after jsonb
        );
        CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log is append-only';
        END $$;
        CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
        """
    )


def downgrade() -> None:
    op.execute(
        "DROP TABLE IF EXISTS audit_log, login_attempt, api_token, user_partnership, app_user;"
        " DROP FUNCTION IF EXISTS audit_log_is_append_only()"
    )
