"""Administrative units (voivodeship, powiat, gmina) with their loads and history.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute(
        """
        CREATE TABLE boundary_load (
            id bigserial PRIMARY KEY,
            level text NOT NULL CHECK (level IN ('voivodeship', 'powiat', 'gmina')),
            as_of date NOT NULL,
            source text NOT NULL,
            source_format text NOT NULL,
            loaded_at timestamptz NOT NULL DEFAULT now(),
            n_units integer NOT NULL,
            n_repaired integer NOT NULL,
            n_replaced integer NOT NULL,
            coverage text NOT NULL CHECK (coverage IN ('full', 'partial')),
            warnings jsonb NOT NULL DEFAULT '[]'::jsonb
        );

        CREATE TABLE voivodeship (
            teryt varchar(2) PRIMARY KEY CHECK (teryt ~ '^(0[2468]|[12][02468]|3[02])$'),
            name text NOT NULL,
            as_of date NOT NULL,
            load_id bigint NOT NULL REFERENCES boundary_load (id),
            geom geometry(MultiPolygon, 2180) NOT NULL CHECK (ST_IsValid(geom))
        );

        CREATE TABLE powiat (
            teryt varchar(4) PRIMARY KEY CHECK (teryt ~ '^[0-9]{4}$'),
            voivodeship_teryt varchar(2) GENERATED ALWAYS AS (substr(teryt, 1, 2)) STORED,
            is_city boolean GENERATED ALWAYS AS (substr(teryt, 3, 2)::int >= 61) STORED,
            name text NOT NULL,
            as_of date NOT NULL,
            load_id bigint NOT NULL REFERENCES boundary_load (id),
            geom geometry(MultiPolygon, 2180) NOT NULL CHECK (ST_IsValid(geom))
        );

        CREATE TABLE gmina (
            teryt varchar(7) PRIMARY KEY CHECK (teryt ~ '^[0-9]{6}[123]$'),
            teryt6 varchar(6) GENERATED ALWAYS AS (substr(teryt, 1, 6)) STORED UNIQUE,
            gmina_type smallint GENERATED ALWAYS AS (substr(teryt, 7, 1)::smallint) STORED,
            powiat_teryt varchar(4) GENERATED ALWAYS AS (substr(teryt, 1, 4)) STORED,
            voivodeship_teryt varchar(2) GENERATED ALWAYS AS (substr(teryt, 1, 2)) STORED,
            name text NOT NULL,
            as_of date NOT NULL,
            load_id bigint NOT NULL REFERENCES boundary_load (id),
            geom geometry(MultiPolygon, 2180) NOT NULL CHECK (ST_IsValid(geom))
        );

        -- Units replaced by a later load of another vintage, so that no boundary is lost.
        CREATE TABLE boundary_history (
            id bigserial PRIMARY KEY,
            level text NOT NULL,
            teryt varchar(7) NOT NULL,
            name text NOT NULL,
            as_of date NOT NULL,
            load_id bigint NOT NULL REFERENCES boundary_load (id),
            replaced_by bigint NOT NULL REFERENCES boundary_load (id),
            geom geometry(MultiPolygon, 2180) NOT NULL
        );

        CREATE INDEX voivodeship_geom_idx ON voivodeship USING gist (geom);
        CREATE INDEX powiat_geom_idx ON powiat USING gist (geom);
        CREATE INDEX powiat_voivodeship_idx ON powiat (voivodeship_teryt);
        CREATE INDEX gmina_geom_idx ON gmina USING gist (geom);
        CREATE INDEX gmina_powiat_idx ON gmina (powiat_teryt);
        CREATE INDEX gmina_voivodeship_idx ON gmina (voivodeship_teryt);
        CREATE INDEX boundary_history_unit_idx ON boundary_history (level, teryt);
        """
    )


def downgrade() -> None:
    op.execute(
        "DROP TABLE IF EXISTS boundary_history, gmina, powiat, voivodeship, boundary_load"
    )
