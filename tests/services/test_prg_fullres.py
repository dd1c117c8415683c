"""The full-resolution PRG extract: original schema, an invalid geometry, partial coverage."""

import sqlalchemy as sa

from services.reference.boundaries import load_boundaries

PRG = "prg_powiaty_wielkopolskie_fullres.gpkg"


def test_loads_35_valid_powiats_with_repair_and_partial_coverage(fresh_engine, boundaries_dir):
    load_boundaries(fresh_engine, boundaries_dir / "wojewodztwa.geojson", "voivodeship",
                    as_of="2020-01-01")
    summary = load_boundaries(fresh_engine, boundaries_dir / PRG, "powiat")
    assert summary.rows == 35
    assert summary.repaired == 1
    assert summary.coverage == "partial"
    assert summary.as_of == "2024-09-05"  # newest IIP_WERSJA in the file
    assert any("repaired 1 invalid geometries: 3012" in w for w in summary.warnings)
    assert any("partial coverage" in w for w in summary.warnings)
    with fresh_engine.connect() as conn:
        n, valid, voivodeships, name = conn.execute(sa.text(
            "SELECT count(*), bool_and(ST_IsValid(geom)), array_agg(DISTINCT voivodeship_teryt),"
            " max(name) FILTER (WHERE teryt = '3012') FROM powiat")).one()
    assert (n, valid, voivodeships, name) == (35, True, ["30"], "powiat krotoszyński")


def test_partial_load_replaces_only_its_scope(fresh_engine, boundaries_dir):
    load_boundaries(fresh_engine, boundaries_dir / "wojewodztwa.geojson", "voivodeship",
                    as_of="2020-01-01")
    load_boundaries(fresh_engine, boundaries_dir / "powiaty.geojson", "powiat",
                    as_of="2020-01-01")
    summary = load_boundaries(fresh_engine, boundaries_dir / PRG, "powiat")
    assert (summary.replaced, summary.archived) == (35, 35)
    with fresh_engine.connect() as conn:
        by_vintage = dict(conn.execute(sa.text(
            "SELECT as_of::text, count(*) FROM powiat GROUP BY 1")).all())
    assert by_vintage == {"2020-01-01": 345, "2024-09-05": 35}
