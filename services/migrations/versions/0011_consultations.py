"""Map consultations (geoankieta): consultations, submissions, moderation (issue 12).

Nothing a resident sent is ever deleted: moderation hides a place (with a reason, who and
when); triggers refuse DELETE on submissions and places. The client's address is never
stored: ``client_hash`` is a salted SHA-256 of it, the salt kept in ``consultation_secret``.
The web app's role gets its grants from ``services.db.provision_app_role`` after every
upgrade, as for the tables of 0007 and 0008.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE consultation (
            id bigserial PRIMARY KEY,
            partnership_id text NOT NULL REFERENCES partnership (id),
            slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$'),
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            introduction text NOT NULL DEFAULT '' CHECK (length(introduction) <= 4000),
            controller text NOT NULL CHECK (length(controller) BETWEEN 1 AND 1000),
            purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 1000),
            opens_at timestamptz NOT NULL,
            closes_at timestamptz NOT NULL,
            -- [{code, label_pl, label_en, kinds: [point|line|area]}]
            categories jsonb NOT NULL CHECK (jsonb_typeof(categories) = 'array'
                                             AND jsonb_array_length(categories) >= 1),
            -- [{code, text, kind: single|multiple|text, options: [...]}], at most 5
            questions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(questions) = 'array'
                                                         AND jsonb_array_length(questions) <= 5),
            allow_lines boolean NOT NULL DEFAULT false,
            allow_areas boolean NOT NULL DEFAULT false,
            status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
            created_by text NOT NULL DEFAULT '',
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            CHECK (closes_at > opens_at)
        );
        CREATE INDEX consultation_partnership_idx ON consultation (partnership_id, id);

        CREATE TABLE consultation_submission (
            id bigserial PRIMARY KEY,
            consultation_id bigint NOT NULL REFERENCES consultation (id),
            created_at timestamptz NOT NULL DEFAULT now(),
            client_hash text NOT NULL CHECK (client_hash ~ '^[0-9a-f]{64}$'),
            answers jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(answers) = 'object')
        );
        CREATE INDEX consultation_submission_time_idx
            ON consultation_submission (consultation_id, created_at);
        CREATE INDEX consultation_submission_client_idx
            ON consultation_submission (client_hash, created_at);

        CREATE TABLE consultation_place (
            id bigserial PRIMARY KEY,
            submission_id bigint NOT NULL REFERENCES consultation_submission (id),
            consultation_id bigint NOT NULL REFERENCES consultation (id),
            category text NOT NULL CHECK (length(category) BETWEEN 1 AND 40),
            comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 1000),
            geom geometry(Geometry, 2180) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
            hidden boolean NOT NULL DEFAULT false,
            hidden_reason text CHECK (length(hidden_reason) <= 500),
            hidden_by text,
            hidden_at timestamptz,
            CHECK (NOT hidden OR (length(hidden_reason) > 0 AND hidden_by IS NOT NULL
                                  AND hidden_at IS NOT NULL))
        );
        CREATE INDEX consultation_place_idx ON consultation_place (consultation_id, id);
        CREATE INDEX consultation_place_geom_idx ON consultation_place USING gist (geom);

        -- The salt of client_hash: made here once, never shown, never leaves the database.
        CREATE TABLE consultation_secret (
            id smallint PRIMARY KEY CHECK (id = 1),
            salt text NOT NULL CHECK (length(salt) >= 32)
        );
        INSERT INTO consultation_secret (id, salt) VALUES (1, encode(sha256(convert_to(
            random()::text || clock_timestamp()::text || txid_current()::text
            || random()::text, 'UTF8')), 'hex'));

        CREATE FUNCTION consultation_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'consultation answers are never deleted; hide a place instead';
        END $$;
        CREATE TRIGGER consultation_submission_kept BEFORE DELETE ON consultation_submission
            FOR EACH ROW EXECUTE FUNCTION consultation_no_delete();
        CREATE TRIGGER consultation_place_kept BEFORE DELETE ON consultation_place
            FOR EACH ROW EXECUTE FUNCTION consultation_no_delete();
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE IF EXISTS consultation_place;
        DROP TABLE IF EXISTS consultation_submission;
        DROP TABLE IF EXISTS consultation_secret;
        DROP TABLE IF EXISTS consultation;
        DROP FUNCTION IF EXISTS consultation_no_delete();
        """
    )
