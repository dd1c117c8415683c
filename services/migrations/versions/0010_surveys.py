"""Residents' and youth surveys: imported responses (issue 12). Owner: the surveys import work.

The table contract is shared with the survey estimates (services/surveys/estimates*, results*):
columns may be added, never renamed or removed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        -- One row per imported export file; mapping holds the corrections the user applied at
        -- the preview (question kinds, column roles, name -> TERYT), so an import can be redone.
        CREATE TABLE survey (
            id bigserial PRIMARY KEY,
            partnership_id text NOT NULL REFERENCES partnership (id) ON DELETE CASCADE,
            kind text NOT NULL CHECK (kind IN ('residents', 'youth')),
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
            source_format text NOT NULL
                CHECK (source_format IN ('limesurvey', 'google_forms', 'kobo')),
            file_name text NOT NULL DEFAULT '' CHECK (length(file_name) <= 300),
            file_hash text NOT NULL CHECK (file_hash ~ '^[0-9a-f]{64}$'),
            responses integer NOT NULL CHECK (responses >= 0),
            mapping jsonb NOT NULL DEFAULT '{}',
            created_by text NOT NULL DEFAULT '',
            created_at timestamptz NOT NULL DEFAULT now(),
            deleted boolean NOT NULL DEFAULT false
        );
        CREATE INDEX survey_partnership_idx ON survey (partnership_id, id);

        -- options: ordered [{"code", "label", "score"}]; a Likert scale scores 1..k in order.
        CREATE TABLE survey_question (
            survey_id bigint NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
            position integer NOT NULL,
            code text NOT NULL,
            text text NOT NULL,
            kind text NOT NULL CHECK (kind IN ('single', 'multiple', 'likert', 'number', 'text')),
            options jsonb NOT NULL DEFAULT '[]',
            PRIMARY KEY (survey_id, code)
        );

        -- answers: {question code: value}; an unanswered question is absent.
        CREATE TABLE survey_response (
            survey_id bigint NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
            response_id text NOT NULL,
            gmina varchar(7) NOT NULL,
            sex text NULL CHECK (sex IN ('f', 'm')),
            age smallint NULL CHECK (age BETWEEN 0 AND 130),
            age_group text NULL CHECK (age_group IN ('pre_working', 'working', 'post_working')),
            submitted_at timestamptz NULL,
            location geometry(Point, 2180) NULL,
            answers jsonb NOT NULL,
            PRIMARY KEY (survey_id, response_id)
        );
        CREATE INDEX survey_response_gmina_idx ON survey_response (survey_id, gmina);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS survey_response; DROP TABLE IF EXISTS survey_question;"
               " DROP TABLE IF EXISTS survey")
