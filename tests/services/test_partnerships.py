"""The example partnerships: import, geometry, membership rules."""

import pytest
import sqlalchemy as sa

from core.errors import InvalidInput, NotFound
from services.planning.partnerships import (
    get_partnership,
    import_partnerships,
    list_partnerships,
    update_partnership,
)
from tests.conftest import object_counts


def test_six_partnerships_with_48_members(reference_engine, partnerships_loaded):
    assert (partnerships_loaded.partnerships, partnerships_loaded.members) == (6, 48)
    with reference_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM partnership_member")).scalar_one() == 48
    listed = {p["id"]: p for p in list_partnerships(reference_engine)}
    assert set(listed) == {"P01", "P02", "P03", "P04", "P05", "P06"}
    assert listed["P01"]["members"] == 11 and listed["P01"]["leader"] == "2013"
    podlaskie = list_partnerships(reference_engine, voivodeship="20")
    assert [p["id"] for p in podlaskie] == ["P01", "P02", "P03"]


def test_geometry_is_the_union_of_members(reference_engine, partnerships_loaded):
    with reference_engine.connect() as conn:
        rows = conn.execute(sa.text("""
            SELECT p.id, ST_Area(ST_SymDifference(p.geom, u.geom)) / ST_Area(u.geom),
                   ST_Area(ST_SymDifference(p.geom, w.geom)) / ST_Area(w.geom)
            FROM partnership p
            JOIN (SELECT m.partnership_id, ST_Union(g.geom) AS geom FROM partnership_member m
                  JOIN gmina g ON m.member_kind = 'gmina' AND g.teryt = m.teryt
                  GROUP BY 1) u ON u.partnership_id = p.id
            JOIN (SELECT m.partnership_id, ST_Union(w.geom) AS geom FROM partnership_member m
                  JOIN powiat w ON m.member_kind = 'powiat' AND w.teryt = m.teryt
                  GROUP BY 1) w ON w.partnership_id = p.id""")).all()
    assert len(rows) == 6
    for pid, to_gminas, to_powiat in rows:
        assert to_gminas < 1e-9, pid  # equal to the union of its member gminas
        assert to_powiat < 1e-3, pid  # and to its member powiat


def test_reimport_is_idempotent(reference_engine, partnerships_loaded, data_dir):
    before = object_counts(reference_engine)
    again = import_partnerships(reference_engine, data_dir / "partnerships" / "examples.csv")
    assert (again.partnerships, again.members) == (6, 48)
    assert object_counts(reference_engine) == before


def refused(engine, path, message):
    before = object_counts(engine)
    with pytest.raises(InvalidInput) as caught:
        import_partnerships(engine, path)
    assert message in caught.value.one_line()
    assert object_counts(engine) == before


def test_member_of_another_partnership_is_named(reference_engine, partnerships_loaded,
                                                tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("partnership_id,partnership_name,voivodeship_teryt,member_teryt,"
                    "member_kind,member_name,role\n"
                    "X1,Nowe,20,2013011,gmina,Wysokie Mazowieckie,leader\n")
    refused(reference_engine, path, "already in another partnership of programme CWD:"
                                    " 2013011 (P01)")


def test_unknown_member_and_leaders(reference_engine, partnerships_loaded, tmp_path):
    head = ("partnership_id,partnership_name,voivodeship_teryt,member_teryt,member_kind,"
            "member_name,role\n")
    path = tmp_path / "p.csv"
    path.write_text(head + "X1,Nowe,20,2099011,gmina,?,leader\n")
    refused(reference_engine, path, "these member codes are not loaded 2099011")
    path.write_text(head + "X1,Nowe,20,2012032,gmina,Jeleniewo,member\n")
    refused(reference_engine, path, "partnership X1 must have exactly one leader, has 0")
    path.write_text("id,name\nX1,Nowe\n")
    refused(reference_engine, path, "missing columns: member_kind, member_teryt")


def test_non_contiguous_partnership_is_a_warning(fresh_engine, boundaries_dir, tmp_path):
    from services.reference.boundaries import load_boundaries

    load_boundaries(fresh_engine, boundaries_dir / "gminy.geojson", "gmina", as_of="2020-01-01")
    path = tmp_path / "p.csv"
    path.write_text("partnership_id,partnership_name,voivodeship_teryt,member_teryt,"
                    "member_kind,member_name,role\n"
                    "X2,Rozproszone,20,2012032,gmina,Jeleniewo,leader\n"
                    "X2,Rozproszone,12,1201011,gmina,Bochnia,member\n")
    report = import_partnerships(fresh_engine, path)
    assert report.warnings == ["partnership X2 is not contiguous (2 separate parts)"]
    assert get_partnership(fresh_engine, "X2")["voivodeships"] == ["12", "20"]
    changed = update_partnership(fresh_engine, "X2", {
        "members": [{"teryt": "2012032", "member_kind": "gmina", "role": "leader"}],
        "status": "candidate"})
    assert changed["warnings"] == [] and changed["status"] == "candidate"
    assert [m["teryt"] for m in changed["members"]] == ["2012032"]
    with pytest.raises(NotFound):
        update_partnership(fresh_engine, "nope", {"name": "x"})


def test_members_are_changed_by_admin_and_the_voivodeship_office_only(reference_engine,
                                                                      partnerships_loaded):
    from services.access.rules import Forbidden, Principal

    expert = Principal(1, "e@test.pl", "expert", partnerships=frozenset({"P01"}))
    office20 = Principal(2, "um20@test.pl", "marshal_office", voivodeship="20")
    members = [{k: m[k] for k in ("teryt", "member_kind", "role")}
               for m in get_partnership(reference_engine, "P01")["members"]]
    grown = [*members, {"teryt": "2012032", "member_kind": "gmina", "role": "member"}]
    foreign = [*members, {"teryt": "1401011", "member_kind": "gmina", "role": "member"}]
    before = object_counts(reference_engine)
    with pytest.raises(Forbidden, match="administrators and the marshal office"):
        update_partnership(reference_engine, "P01", {"members": grown}, actor=expert)
    with pytest.raises(Forbidden, match="voivodeship podlaskie only, not 14010"):
        update_partnership(reference_engine, "P01", {"members": foreign}, actor=office20)
    with pytest.raises(Forbidden):  # name and status stay with admin and the experts
        update_partnership(reference_engine, "P01", {"name": "Inna"}, actor=office20)
    assert object_counts(reference_engine) == before
    renamed = update_partnership(reference_engine, "P01", {"status": "active"}, actor=expert)
    assert renamed["status"] == "active" and len(renamed["members"]) == len(members)
    try:
        changed = update_partnership(reference_engine, "P01", {"members": grown},
                                     actor=office20)
        assert "2012032" in {m["teryt"] for m in changed["members"]}
    finally:
        update_partnership(reference_engine, "P01", {"members": members})


def test_partnership_text_is_limited_not_cut(reference_engine, partnerships_loaded):
    from core.errors import BadRequest

    with pytest.raises(BadRequest, match="name is longer than 300 characters"):
        update_partnership(reference_engine, "P01", {"name": "n" * 5000})
    assert get_partnership(reference_engine, "P01")["name"] == "Ziemia Wysokomazowiecka"
