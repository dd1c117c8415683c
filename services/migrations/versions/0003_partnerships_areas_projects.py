"""Partnerships and their members, functional areas and planned projects, with versions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE partnership (
            id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,40}$'),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
            programme text NOT NULL DEFAULT 'CWD',
            status text NOT NULL DEFAULT 'active'
                CHECK (status IN ('candidate', 'active', 'completed', 'withdrawn')),
            voivodeships varchar(2)[] NOT NULL DEFAULT '{}',
            geom geometry(MultiPolygon, 2180),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE partnership_member (
            partnership_id text NOT NULL REFERENCES partnership (id) ON DELETE CASCADE,
            programme text NOT NULL,
            member_kind text NOT NULL CHECK (member_kind IN ('gmina', 'powiat')),
            teryt varchar(7) NOT NULL,
            role text NOT NULL DEFAULT 'member' CHECK (role IN ('leader', 'member')),
            PRIMARY KEY (partnership_id, member_kind, teryt),
            -- A JST belongs to at most one partnership of a programme.
            UNIQUE (programme, member_kind, teryt)
        );
        CREATE UNIQUE INDEX partnership_one_leader ON partnership_member (partnership_id)
            WHERE role = 'leader';

        -- The gminas a partnership covers: its gmina members and the gminas of its powiats.
        CREATE VIEW partnership_gmina AS
            SELECT DISTINCT m.partnership_id, g.teryt AS gmina_teryt
            FROM partnership_member m
            JOIN gmina g ON (m.member_kind = 'gmina' AND g.teryt = m.teryt)
                         OR (m.member_kind = 'powiat' AND g.powiat_teryt = m.teryt);

        CREATE TABLE functional_area (
            id bigserial PRIMARY KEY,
            partnership_id text NOT NULL REFERENCES partnership (id) ON DELETE CASCADE,
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
            kind text NOT NULL CHECK (kind IN ('fua', 'tourism', 'river_valley', 'other')),
            description text NOT NULL DEFAULT '',
            delineation text NOT NULL CHECK (delineation IN ('gminas', 'drawn')),
            gminas varchar(7)[] NOT NULL DEFAULT '{}',
            geom geometry(MultiPolygon, 2180) NOT NULL CHECK (ST_IsValid(geom)),
            version integer NOT NULL DEFAULT 1,
            deleted boolean NOT NULL DEFAULT false,
            updated_at timestamptz NOT NULL DEFAULT now(),
            updated_by text NOT NULL DEFAULT ''
        );
        CREATE INDEX functional_area_geom_idx ON functional_area USING gist (geom);

        CREATE TABLE project (
            id bigserial PRIMARY KEY,
            partnership_id text NOT NULL REFERENCES partnership (id) ON DELETE CASCADE,
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
            description text NOT NULL DEFAULT '',
            theme text NOT NULL DEFAULT '',
            geom geometry(Geometry, 2180) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)
                AND GeometryType(geom) IN ('POINT', 'MULTIPOINT', 'LINESTRING',
                                           'MULTILINESTRING', 'POLYGON', 'MULTIPOLYGON')),
            cost_pln numeric(16, 2) CHECK (cost_pln >= 0),
            funding_source text NOT NULL DEFAULT 'other' CHECK (funding_source IN
                ('fe_regional', 'feniks', 'kpo', 'national', 'own', 'other')),
            start_date date,
            end_date date,
            milestones jsonb NOT NULL DEFAULT '[]'::jsonb,
            feasibility text NOT NULL DEFAULT 'none' CHECK (feasibility IN
                ('none', 'in_preparation', 'completed', 'approved')),
            priority smallint NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 3),
            gminas varchar(7)[] NOT NULL DEFAULT '{}',
            gminas_edited boolean NOT NULL DEFAULT false,
            area_ids bigint[] NOT NULL DEFAULT '{}',
            version integer NOT NULL DEFAULT 1,
            deleted boolean NOT NULL DEFAULT false,
            updated_at timestamptz NOT NULL DEFAULT now(),
            updated_by text NOT NULL DEFAULT '',
            CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
        );
        CREATE INDEX project_geom_idx ON project USING gist (geom);
        CREATE INDEX project_partnership_idx ON project (partnership_id);

        -- Every write attempt on an area or a project: accepted versions and refused ones.
        CREATE TABLE object_version (
            id bigserial PRIMARY KEY,
            object_kind text NOT NULL CHECK (object_kind IN ('functional_area', 'project')),
            object_id bigint NOT NULL,
            version integer,
            outcome text NOT NULL CHECK (outcome IN ('accepted', 'conflict')),
            action text NOT NULL,
            author text NOT NULL DEFAULT '',
            comment text NOT NULL DEFAULT '',
            data jsonb NOT NULL,
            geom geometry(Geometry, 2180),
            created_at timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        CREATE INDEX object_version_object_idx ON object_version (object_kind, object_id, id);
        """
    )


def downgrade() -> None:
    op.execute(
        "DROP TABLE IF EXISTS object_version, project, functional_area;"
        " DROP VIEW IF EXISTS partnership_gmina;"
        " DROP TABLE IF EXISTS partnership_member, partnership"
    )
