"""The real PRG boundaries of the data mirror, loaded into PostGIS."""

import json

import sqlalchemy as sa

from services.reference.boundaries import load_boundaries
from services.reference.units import boundary_status
from tests.conftest import fingerprint

AREA_KM2 = 312_481.166  # ground_truth.json: polygon area in EPSG:2180


def scalar(engine, sql, **params):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar_one()


def test_counts_of_every_level(reference_engine):
    counts = {row["level"]: row["units"] for row in boundary_status(reference_engine)}
    assert counts == {"voivodeship": 16, "powiat": 380, "gmina": 2477}


def test_every_geometry_is_a_valid_multipolygon_in_puwg1992(reference_engine):
    for table in ("voivodeship", "powiat", "gmina"):
        row = sa.text(
            f"SELECT bool_and(ST_IsValid(geom)), min(ST_SRID(geom)), max(ST_SRID(geom)),"
            f" array_agg(DISTINCT GeometryType(geom)) FROM {table}"
        )
        with reference_engine.connect() as conn:
            valid, srid_min, srid_max, kinds = conn.execute(row).one()
        assert valid and srid_min == srid_max == 2180 and kinds == ["MULTIPOLYGON"], table


def test_total_area_matches_ground_truth_within_a_thousandth(reference_engine, data_dir):
    truth = json.loads((data_dir / "ground_truth.json").read_text())
    assert truth["n_gminas"] == 2477
    for table in ("voivodeship", "powiat", "gmina"):
        area = scalar(reference_engine, f"SELECT sum(ST_Area(geom)) / 1e6 FROM {table}")
        assert abs(area - AREA_KM2) / AREA_KM2 < 0.001, (table, area)


def test_each_powiat_equals_the_union_of_its_gminas(reference_engine):
    worst = scalar(reference_engine, """
        SELECT min(ST_Area(ST_Intersection(p.geom, u.geom)) / ST_Area(ST_Union(p.geom, u.geom)))
        FROM powiat p JOIN (
            SELECT powiat_teryt, ST_Union(geom) AS geom FROM gmina GROUP BY powiat_teryt
        ) u ON u.powiat_teryt = p.teryt""")
    assert worst > 0.999
    assert scalar(reference_engine, "SELECT count(DISTINCT powiat_teryt) FROM gmina") == 380


def test_every_gmina_has_its_powiat_and_voivodeship(reference_engine):
    orphans = scalar(reference_engine, """
        SELECT count(*) FROM gmina g
        WHERE NOT EXISTS (SELECT 1 FROM powiat p WHERE p.teryt = g.powiat_teryt)
           OR NOT EXISTS (SELECT 1 FROM voivodeship v WHERE v.teryt = g.voivodeship_teryt)""")
    assert orphans == 0
    assert scalar(reference_engine, """SELECT count(*) FROM powiat p WHERE NOT EXISTS
        (SELECT 1 FROM voivodeship v WHERE v.teryt = p.voivodeship_teryt)""") == 0


def test_codes_keep_leading_zeros_and_the_type_digit(reference_engine):
    with reference_engine.connect() as conn:
        row = conn.execute(sa.text(
            "SELECT teryt, teryt6, gmina_type, powiat_teryt, voivodeship_teryt, name FROM gmina"
            " WHERE teryt = '0201011'")).one()
        types = dict(conn.execute(sa.text(
            "SELECT gmina_type, count(*) FROM gmina GROUP BY 1")).all())
        cities = conn.execute(sa.text("SELECT count(*) FROM powiat WHERE is_city")).scalar_one()
    assert tuple(row) == ("0201011", "020101", 1, "0201", "02", "Bolesławiec")
    assert set(types) == {1, 2, 3} and sum(types.values()) == 2477
    assert cities == 66  # cities with powiat rights (GLOSSARY)


def test_reloading_the_same_vintage_replaces_it(fresh_engine, boundaries_dir):
    first = load_boundaries(fresh_engine, boundaries_dir / "wojewodztwa.geojson", "voivodeship",
                            as_of="2020-01-01")
    before = fingerprint(fresh_engine)
    again = load_boundaries(fresh_engine, boundaries_dir / "wojewodztwa.geojson", "voivodeship",
                            as_of="2020-01-01")
    after = fingerprint(fresh_engine)
    assert (first.rows, first.replaced, first.coverage) == (16, 0, "full")
    assert (again.rows, again.replaced, again.archived) == (16, 16, 0)
    assert before[:3] == after[:3]  # same units, names and geometries
    assert after[4] == 0  # nothing archived for the same vintage


def test_a_new_vintage_archives_what_it_replaces(fresh_engine, boundaries_dir):
    load_boundaries(fresh_engine, boundaries_dir / "wojewodztwa.geojson", "voivodeship",
                    as_of="2020-01-01")
    newer = load_boundaries(fresh_engine, boundaries_dir / "wojewodztwa.geojson", "voivodeship",
                            as_of="2021-01-01")
    assert (newer.replaced, newer.archived) == (16, 16)
    assert scalar(fresh_engine, "SELECT count(*) FROM boundary_history"
                  " WHERE as_of = '2020-01-01' AND replaced_by = :id", id=newer.load_id) == 16
    assert scalar(fresh_engine, "SELECT min(as_of)::text FROM voivodeship") == "2021-01-01"


def test_load_records_source_vintage_and_figures(reference_engine):
    with reference_engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT level, as_of::text, source, source_format, n_units, coverage"
            " FROM boundary_load ORDER BY id")).all()
    assert [(r[0], r[1], r[4], r[5]) for r in rows] == [
        ("voivodeship", "2020-01-01", 16, "full"),
        ("powiat", "2020-01-01", 380, "full"),
        ("gmina", "2020-01-01", 2477, "full"),
    ]
    assert rows[2][2].endswith("gminy.geojson") and rows[2][3] == "GeoJSON"
