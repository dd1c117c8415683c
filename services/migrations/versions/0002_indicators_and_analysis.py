"""Indicators (catalogue, values per unit and year, loads) and persisted analysis runs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE indicator (
            code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,62}$'),
            name_pl text NOT NULL,
            name_en text NOT NULL,
            unit text NOT NULL DEFAULT '',
            source text NOT NULL,
            source_ref text NOT NULL DEFAULT '',
            direction text NOT NULL CHECK (direction IN ('higher-worse', 'higher-better', 'neutral')),
            derived_from jsonb,
            created_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE indicator_load (
            id bigserial PRIMARY KEY,
            source text NOT NULL,
            source_format text NOT NULL,
            loaded_at timestamptz NOT NULL DEFAULT now(),
            n_values integer NOT NULL,
            report jsonb NOT NULL
        );

        -- Values of every level: gmina (7-digit code), powiat (4), voivodeship (2), country ('PL').
        CREATE TABLE indicator_value (
            indicator_code text NOT NULL REFERENCES indicator (code) ON DELETE CASCADE,
            level text NOT NULL CHECK (level IN ('gmina', 'powiat', 'voivodeship', 'country')),
            teryt varchar(7) NOT NULL,
            year smallint NOT NULL CHECK (year BETWEEN 1950 AND 2100),
            value double precision NOT NULL CHECK (value = value),
            source_code varchar(7) NOT NULL,
            load_id bigint NOT NULL REFERENCES indicator_load (id),
            PRIMARY KEY (indicator_code, level, teryt, year)
        );
        CREATE INDEX indicator_value_unit_idx ON indicator_value (level, teryt);

        CREATE TABLE analysis_run (
            id bigserial PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('lisa', 'gi', 'regions')),
            indicator_code text NOT NULL REFERENCES indicator (code),
            year smallint NOT NULL,
            scope text NOT NULL,
            parameters jsonb NOT NULL,
            seed bigint,
            versions jsonb NOT NULL,
            summary jsonb NOT NULL,
            started_at timestamptz NOT NULL,
            seconds double precision NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE analysis_result (
            run_id bigint NOT NULL REFERENCES analysis_run (id) ON DELETE CASCADE,
            teryt varchar(7) NOT NULL,
            value double precision NOT NULL,
            std_value double precision,
            statistic double precision,
            quadrant smallint,
            label text,
            p_value double precision,
            z_score double precision,
            fdr_significant boolean,
            region_id integer,
            PRIMARY KEY (run_id, teryt)
        );
        """
    )


def downgrade() -> None:
    op.execute(
        "DROP TABLE IF EXISTS analysis_result, analysis_run, indicator_value, indicator_load,"
        " indicator"
    )
