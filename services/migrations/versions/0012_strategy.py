"""The strategy and the project package: goals, directions, result indicators, schedules,
feasibility, finance (issue 13). Owner: the strategy model work.

A strategy belongs to one partnership. Three kinds of object are versioned like areas and
projects (object_version, 409 on stale edits, history, restore): ``strategy`` (statutory texts
and areas of strategic intervention), ``strategy_goal`` (a goal with its result indicators and
directions of action, the directions' links to projects) and ``project_plan`` (a project's
schedule, feasibility checklist and financial table; object_id is the project's id).

Money is numeric(16,2). A result indicator from the catalogue keeps its code and baseline year
only: its value is computed from the data whenever it is read, never typed.
The web app's role gets its grants from ``services.db.provision_app_role`` after every upgrade.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

KINDS = ("strategy", "strategy_goal", "project_plan")


def _version_kinds() -> list[str]:
    """The object kinds object_version accepts now (earlier revisions may have added some)."""
    definition = op.get_bind().execute(sa.text(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conname = 'object_version_object_kind_check'")).scalar_one()
    return re.findall(r"'([a-z_]+)'", definition)


def _set_version_kinds(kinds) -> None:
    listed = ", ".join(f"'{k}'" for k in kinds)
    op.execute("ALTER TABLE object_version DROP CONSTRAINT object_version_object_kind_check;"
               " ALTER TABLE object_version ADD CONSTRAINT object_version_object_kind_check"
               f" CHECK (object_kind IN ({listed}))")


def upgrade() -> None:
    op.execute(
        """
        -- The statutory texts of a partnership's strategy (one row, made at its first change).
        CREATE TABLE strategy (
            id bigserial PRIMARY KEY,
            partnership_id text NOT NULL UNIQUE REFERENCES partnership (id) ON DELETE CASCADE,
            diagnosis_conclusions text NOT NULL DEFAULT '',
            spatial_policy text NOT NULL DEFAULT '',
            implementation_system text NOT NULL DEFAULT '',
            financial_frame text NOT NULL DEFAULT '',
            partners_involvement text NOT NULL DEFAULT '',
            version integer NOT NULL DEFAULT 1,
            deleted boolean NOT NULL DEFAULT false,
            updated_at timestamptz NOT NULL DEFAULT now(),
            updated_by text NOT NULL DEFAULT ''
        );

        -- Areas of strategic intervention: functional areas of the partnership, with why.
        CREATE TABLE strategy_intervention_area (
            strategy_id bigint NOT NULL REFERENCES strategy (id) ON DELETE CASCADE,
            area_id bigint NOT NULL REFERENCES functional_area (id) ON DELETE CASCADE,
            rationale text NOT NULL DEFAULT '',
            PRIMARY KEY (strategy_id, area_id)
        );

        CREATE TABLE strategy_goal (
            id bigserial PRIMARY KEY,
            partnership_id text NOT NULL REFERENCES partnership (id) ON DELETE CASCADE,
            position integer NOT NULL DEFAULT 1 CHECK (position >= 1),
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
            dimension text NOT NULL CHECK (dimension IN ('social', 'economic', 'spatial')),
            description text NOT NULL DEFAULT '',
            version integer NOT NULL DEFAULT 1,
            deleted boolean NOT NULL DEFAULT false,
            updated_at timestamptz NOT NULL DEFAULT now(),
            updated_by text NOT NULL DEFAULT ''
        );
        CREATE INDEX strategy_goal_partnership_idx ON strategy_goal (partnership_id, position);

        -- A result indicator: from the catalogue (indicator_code + baseline_year; the value is
        -- computed from the data) or typed with its source when the data do not hold it.
        CREATE TABLE strategy_indicator (
            id bigserial PRIMARY KEY,
            goal_id bigint NOT NULL REFERENCES strategy_goal (id) ON DELETE CASCADE,
            position integer NOT NULL DEFAULT 1,
            indicator_code text,  -- checked against the catalogue at every write
            name text NOT NULL DEFAULT '',
            unit text NOT NULL DEFAULT '',
            baseline_year integer NOT NULL CHECK (baseline_year BETWEEN 1950 AND 2100),
            baseline_value numeric(20, 4),
            baseline_source text NOT NULL DEFAULT '',
            latest_year integer CHECK (latest_year BETWEEN 1950 AND 2100),
            latest_value numeric(20, 4),
            target_value numeric(20, 4) NOT NULL,
            target_year integer NOT NULL CHECK (target_year BETWEEN 1950 AND 2100),
            CHECK (target_year >= baseline_year),
            CHECK ((indicator_code IS NULL) = (baseline_value IS NOT NULL)),
            CHECK (indicator_code IS NOT NULL OR (length(name) > 0 AND length(baseline_source) > 0))
        );
        CREATE INDEX strategy_indicator_goal_idx ON strategy_indicator (goal_id);

        CREATE TABLE strategy_direction (
            id bigserial PRIMARY KEY,
            goal_id bigint NOT NULL REFERENCES strategy_goal (id) ON DELETE CASCADE,
            position integer NOT NULL DEFAULT 1,
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
            description text NOT NULL DEFAULT ''
        );
        CREATE INDEX strategy_direction_goal_idx ON strategy_direction (goal_id);

        CREATE TABLE strategy_direction_project (
            direction_id bigint NOT NULL REFERENCES strategy_direction (id) ON DELETE CASCADE,
            project_id bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
            PRIMARY KEY (direction_id, project_id)
        );
        CREATE INDEX strategy_direction_project_idx ON strategy_direction_project (project_id);

        -- The package side of a project (one row per project, made at its first change).
        CREATE TABLE project_plan (
            id bigint PRIMARY KEY REFERENCES project (id) ON DELETE CASCADE,
            cofinancing_rate numeric(5, 4) NOT NULL DEFAULT 0
                CHECK (cofinancing_rate BETWEEN 0 AND 1),
            split_method text NOT NULL DEFAULT 'population'
                CHECK (split_method IN ('population', 'location', 'entered')),
            version integer NOT NULL DEFAULT 1,
            deleted boolean NOT NULL DEFAULT false,
            updated_at timestamptz NOT NULL DEFAULT now(),
            updated_by text NOT NULL DEFAULT ''
        );

        CREATE TABLE project_task (
            id bigserial PRIMARY KEY,
            project_id bigint NOT NULL REFERENCES project_plan (id) ON DELETE CASCADE,
            position integer NOT NULL DEFAULT 1,
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
            start_date date NOT NULL,
            end_date date NOT NULL,
            milestone boolean NOT NULL DEFAULT false,
            CHECK (end_date >= start_date)
        );
        CREATE INDEX project_task_project_idx ON project_task (project_id);

        CREATE TABLE project_feasibility (
            project_id bigint NOT NULL REFERENCES project_plan (id) ON DELETE CASCADE,
            item text NOT NULL CHECK (item IN ('land_ownership', 'building_permit',
                'environmental_decision', 'design_documentation', 'own_contribution')),
            status text NOT NULL CHECK (status IN ('missing', 'in_preparation', 'obtained',
                                                   'not_applicable')),
            status_date date,
            note text NOT NULL DEFAULT '',
            PRIMARY KEY (project_id, item)
        );

        CREATE TABLE project_budget_line (
            id bigserial PRIMARY KEY,
            project_id bigint NOT NULL REFERENCES project_plan (id) ON DELETE CASCADE,
            year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
            category text NOT NULL CHECK (category IN ('documentation', 'land', 'works',
                'equipment', 'services', 'staff', 'promotion', 'indirect', 'other')),
            total numeric(16, 2) NOT NULL CHECK (total >= 0),
            eligible numeric(16, 2) NOT NULL CHECK (eligible >= 0 AND eligible <= total),
            UNIQUE (project_id, year, category)
        );

        -- Entered shares of the own contribution, in percent (split_method 'entered').
        CREATE TABLE project_share (
            project_id bigint NOT NULL REFERENCES project_plan (id) ON DELETE CASCADE,
            teryt varchar(7) NOT NULL,
            share_pct numeric(7, 4) NOT NULL CHECK (share_pct > 0 AND share_pct <= 100),
            PRIMARY KEY (project_id, teryt)
        );
        """
    )
    _set_version_kinds(dict.fromkeys([*_version_kinds(), *KINDS]))


def downgrade() -> None:
    op.execute(
        "DROP TABLE IF EXISTS project_share, project_budget_line, project_feasibility,"
        " project_task, project_plan, strategy_direction_project, strategy_direction,"
        " strategy_indicator, strategy_goal, strategy_intervention_area, strategy")
    # History of these kinds stays readable in the audit log; object_version is append-only.
    kinds = [k for k in _version_kinds() if k not in KINDS]
    op.execute("ALTER TABLE object_version DISABLE TRIGGER object_version_append_only;"
               " DELETE FROM object_version WHERE object_kind IN"
               " ('strategy', 'strategy_goal', 'project_plan');"
               " ALTER TABLE object_version ENABLE TRIGGER object_version_append_only")
    _set_version_kinds(kinds)
