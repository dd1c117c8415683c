"""SQLAlchemy Core tables mirroring the migrations, for queries in services.

The migrations in ``services/migrations`` are the source of truth; these definitions only
name the columns services read and write.
"""

from __future__ import annotations

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB

metadata = sa.MetaData()

boundary_load = sa.Table(
    "boundary_load",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("level", sa.Text, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("source_format", sa.Text, nullable=False),
    sa.Column("loaded_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    sa.Column("n_units", sa.Integer, nullable=False),
    sa.Column("n_repaired", sa.Integer, nullable=False),
    sa.Column("n_replaced", sa.Integer, nullable=False),
    sa.Column("coverage", sa.Text, nullable=False),
    sa.Column("warnings", JSONB, nullable=False),
)


def _unit_table(name: str, code_length: int, *extra: sa.Column) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("teryt", sa.String(code_length), primary_key=True),
        *extra,
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("load_id", sa.BigInteger, sa.ForeignKey("boundary_load.id"), nullable=False),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=2180, spatial_index=False)),
    )


voivodeship = _unit_table("voivodeship", 2)
powiat = _unit_table(
    "powiat",
    4,
    sa.Column("voivodeship_teryt", sa.String(2), sa.Computed("substr(teryt, 1, 2)")),
    sa.Column("is_city", sa.Boolean, sa.Computed("substr(teryt, 3, 2)::int >= 61")),
)
gmina = _unit_table(
    "gmina",
    7,
    sa.Column("teryt6", sa.String(6), sa.Computed("substr(teryt, 1, 6)")),
    sa.Column("gmina_type", sa.SmallInteger, sa.Computed("substr(teryt, 7, 1)::smallint")),
    sa.Column("powiat_teryt", sa.String(4), sa.Computed("substr(teryt, 1, 4)")),
    sa.Column("voivodeship_teryt", sa.String(2), sa.Computed("substr(teryt, 1, 2)")),
)

UNIT_TABLES = {"voivodeship": voivodeship, "powiat": powiat, "gmina": gmina}
