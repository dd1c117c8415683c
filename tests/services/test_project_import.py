"""Importing project locations: preview, mapping, and every kind of bad file refused with a
message and nothing written. Files are made from the real gminas of powiat wysokomazowiecki."""

import json
import sqlite3
import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput
from services.planning import project_import
from services.planning.project_import import import_projects, parse_value_maps
from tests.conftest import object_counts


@pytest.fixture(scope="module")
def points(boundaries_dir):
    """One planned project per gmina of powiat wysokomazowiecki, at its centre (EPSG:2180)."""
    gminas = gpd.read_file(boundaries_dir / "gminy.geojson").to_crs(2180)
    gminas = gminas[gminas.terc.str.startswith("2013")].reset_index(drop=True)
    return gpd.GeoDataFrame({
        "NAZWA": "Świetlica wiejska – " + gminas["name"],
        "KOSZT": [100_000.0 + 5_000 * i for i in range(len(gminas))],
        "ZRODLO": "own"}, geometry=gminas.representative_point(), crs=2180)


def refused(engine, path, message, **kwargs):
    before = object_counts(engine)
    with pytest.raises(InvalidInput) as caught:
        import_projects(engine, path, "P01", preview=False, **kwargs)
    assert message in caught.value.one_line(), caught.value.one_line()
    assert object_counts(engine) == before


def test_preview_then_import_with_a_mapping(reference_engine, partnerships_loaded, points,
                                            tmp_path):
    path = tmp_path / "swietlice.geojson"
    points.to_crs(4326).to_file(path)
    mapping = {"title": "NAZWA", "cost_pln": "KOSZT", "funding_source": "ZRODLO"}
    before = object_counts(reference_engine)
    preview = import_projects(reference_engine, path, "P01", mapping=mapping)
    assert preview["features"] == len(points) and preview["created"] == []
    assert preview["by_geometry"] == {"point": len(points), "line": 0, "polygon": 0}
    assert preview["sample"][0]["title"].startswith("Świetlica wiejska – ")
    assert object_counts(reference_engine) == before
    done = import_projects(reference_engine, path, "P01", mapping=mapping, preview=False)
    assert len(done["created"]) == len(points)
    assert object_counts(reference_engine)["project"] == before["project"] + len(points)


def test_zip_slip_bomb_and_corrupt_zip(reference_engine, partnerships_loaded, points, tmp_path):
    points.to_file(tmp_path / "p.shp", encoding="utf-8")
    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(slip, "w") as zf:
        for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            zf.write(tmp_path / f"p{suffix}", f"p{suffix}")
        zf.writestr("../evil.sh", "rm -rf /")
    refused(reference_engine, slip, "'../evil.sh' would be written outside")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("p.geojson", b" " * (32 * 1024**2))
    refused(reference_engine, bomb, "possible zip bomb")
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(slip.read_bytes()[:200])
    refused(reference_engine, corrupt, "zip")


def test_too_many_features(reference_engine, partnerships_loaded, points, tmp_path,
                           monkeypatch):
    monkeypatch.setattr(project_import, "MAX_FEATURES", 5)
    points.to_file(tmp_path / "p.gpkg")
    refused(reference_engine, tmp_path / "p.gpkg", f"{len(points)} features; at most 5")


def test_missing_prj_asks_for_the_crs(reference_engine, partnerships_loaded, points, tmp_path):
    points.to_file(tmp_path / "p.shp", encoding="utf-8")
    (tmp_path / "p.prj").unlink()
    refused(reference_engine, tmp_path / "p.shp", "states no coordinate system",
            mapping={"title": "NAZWA"})
    preview = import_projects(reference_engine, tmp_path / "p.shp", "P01", crs="EPSG:2180",
                              mapping={"title": "NAZWA"})
    assert preview["features"] == len(points)


def test_cp1250_without_cpg_asks_for_the_encoding(reference_engine, partnerships_loaded,
                                                  points, tmp_path):
    pyogrio.write_dataframe(points, tmp_path / "p.shp", encoding="cp1250")
    (tmp_path / "p.cpg").unlink()
    refused(reference_engine, tmp_path / "p.shp", "--encoding cp1250",
            mapping={"title": "NAZWA"})
    preview = import_projects(reference_engine, tmp_path / "p.shp", "P01", encoding="cp1250",
                              mapping={"title": "NAZWA"})
    assert preview["sample"][0]["title"].startswith("Świetlica wiejska – ")


def test_invalid_empty_outside_and_swapped_geometries(reference_engine, partnerships_loaded,
                                                      points, tmp_path):
    def write(geoms, name, crs=2180):
        frame = gpd.GeoDataFrame({"title": [f"p{i}" for i in range(len(geoms))]},
                                 geometry=geoms, crs=crs)
        frame.to_file(tmp_path / name)
        return tmp_path / name

    centre = points.geometry[0]
    bowtie = shapely.Polygon([(centre.x, centre.y), (centre.x + 100, centre.y + 100),
                              (centre.x + 100, centre.y), (centre.x, centre.y + 100)])
    refused(reference_engine, write([centre, bowtie], "bowtie.gpkg"),
            "feature 2: the geometry is not valid: Self-intersection")
    refused(reference_engine, write([centre, None], "empty.gpkg"), "feature 2 has no geometry")
    refused(reference_engine, write([shapely.Point(2.35, 48.85)], "paris.gpkg", 4326),
            "feature 1: the geometry lies outside Poland")
    wgs = points.to_crs(4326).geometry
    swapped = [shapely.Point(p.y, p.x) for p in wgs]
    refused(reference_engine, write(swapped, "swapped.gpkg", 4326), "the axes look swapped")


def test_fields_of_unknown_types(reference_engine, partnerships_loaded, points, tmp_path):
    import pyarrow as pa

    table = pa.table({
        "NAZWA": pa.array(points["NAZWA"].tolist()),
        "ZALACZNIK": pa.array([b"%PDF-1.4"] * len(points), pa.binary()),  # a BLOB field
        "geometry": pa.array(shapely.to_wkb(points.geometry.values), pa.binary())})
    pyogrio.write_arrow(table, tmp_path / "p.gpkg", driver="GPKG", geometry_name="geometry",
                        geometry_type="Point", crs="EPSG:2180")
    assert pyogrio.read_info(tmp_path / "p.gpkg")["ogr_types"][1] == "OFTBinary"
    refused(reference_engine, tmp_path / "p.gpkg", "field 'ZALACZNIK' holds binary values",
            mapping={"title": "NAZWA", "description": "ZALACZNIK"})
    points.rename(columns={"NAZWA": "ETYKIETA"}).to_file(tmp_path / "labels.gpkg")
    refused(reference_engine, tmp_path / "labels.gpkg", "no field holds the title")
    refused(reference_engine, tmp_path / "p.gpkg", "no such fields in the file: TYTUL",
            mapping={"title": "TYTUL"})


FUNDING_AS_WRITTEN = {
    "KPO": "kpo", "FEPZ 2021-2027": "fe_regional", "Fundusze Europejskie dla Podlaskiego":
    "fe_regional", "fe dla Lubelskiego 2021–2027": "fe_regional", "środki własne": "own",
    "BUDŻET PAŃSTWA": "national", "RFRD": "national", "Polski Ład": "national",
    "FEnIKS": "feniks", "FERS 2021-2027": "fe_national", "PS WPR": "cap",
    "Interreg Polska–Słowacja": "interreg", "grant sołecki": "other"}


@pytest.fixture
def ten_projects(points, tmp_path):
    """Ten projects whose funding is written the way people write it in their lists."""
    frame = points.iloc[:len(FUNDING_AS_WRITTEN)].copy()
    frame = gpd.GeoDataFrame(pd.concat([frame] * 2, ignore_index=True).iloc[
        :len(FUNDING_AS_WRITTEN)], crs=points.crs)
    frame["funding"] = list(FUNDING_AS_WRITTEN)
    path = tmp_path / "dziesiec.geojson"
    frame.to_crs(4326).to_file(path)
    return path


def test_funding_written_as_people_write_it(reference_engine, partnerships_loaded,
                                            ten_projects):
    before = object_counts(reference_engine)
    preview = import_projects(reference_engine, ten_projects, "P01",
                              mapping={"title": "NAZWA"})
    assert preview["features"] == len(FUNDING_AS_WRITTEN) and preview["problems"] == []
    seen = {e["value"]: e["as"] for e in preview["values"]["funding_source"]}
    assert seen == FUNDING_AS_WRITTEN
    assert preview["unmapped"] == {"funding_source": [
        {"value": "grant sołecki", "as": "other", "how": "not recognised", "count": 1}]}
    assert any("'grant sołecki' not recognised, taken as 'other'" in w
               for w in preview["warnings"])
    assert object_counts(reference_engine) == before
    done = import_projects(reference_engine, ten_projects, "P01", mapping={"title": "NAZWA"},
                           value_maps=parse_value_maps(['funding:"grant sołecki"=own']),
                           preview=False)
    with reference_engine.connect() as conn:
        stored = dict(conn.execute(sa.text(
            "SELECT funding_label, funding_source FROM project WHERE id = ANY(:ids)"),
            {"ids": done["created"]}).all())
    assert stored == {**FUNDING_AS_WRITTEN, "grant sołecki": "own"}
    assert done["values"]["funding_source"][-1]["how"] in ("recognised", "decided")


def test_the_imported_wording_goes_with_the_funding_it_describes(reference_engine,
                                                                 partnerships_loaded,
                                                                 ten_projects):
    from services.planning.projects import get_project, update_project

    done = import_projects(reference_engine, ten_projects, "P01", mapping={"title": "NAZWA"},
                           preview=False)
    kpo = next(pid for pid in done["created"]
               if get_project(reference_engine, pid)["funding_source"] == "kpo")
    label = get_project(reference_engine, kpo)["funding_label"]
    assert label
    renamed = update_project(reference_engine, kpo, {"version": 1, "title": "Nowy tytuł"})
    assert renamed["funding_label"] == label  # other edits keep it
    changed = update_project(reference_engine, kpo, {"version": 2, "funding_source": "own"})
    assert changed["funding_source"] == "own" and changed["funding_label"] is None


def test_map_value_is_checked(reference_engine, partnerships_loaded, ten_projects):
    with pytest.raises(BadRequest, match="'eu' is not a funding_source; choose one of"):
        import_projects(reference_engine, ten_projects, "P01", mapping={"title": "NAZWA"},
                        value_maps=parse_value_maps(["funding:KPO=eu"]))
    with pytest.raises(BadRequest, match="write FIELD:VALUE=CODE"):
        parse_value_maps(["KPO=kpo"])
    with pytest.raises(BadRequest, match="values can be decided for funding_source"):
        import_projects(reference_engine, ten_projects, "P01", mapping={"title": "NAZWA"},
                        value_maps=parse_value_maps(["NAZWA:x=kpo"]))


def test_cli_map_value(reference_db_url, partnerships_loaded, ten_projects, monkeypatch,
                       capsys):
    from scripts.cli import main

    monkeypatch.setenv("DATABASE_URL", reference_db_url)
    code = main(["projects", "import", str(ten_projects), "--partnership", "P01", "--map",
                 "NAZWA=title", "--map-value", "funding:grant sołecki=fe_national",
                 "--preview", "--json"])
    shown = json.loads(capsys.readouterr().out)
    assert code == 0 and shown["unmapped"] == {}
    assert {"value": "grant sołecki", "as": "fe_national", "how": "decided", "count": 1} in \
        shown["values"]["funding_source"]


def test_preview_lists_problems_and_import_refuses(reference_engine, partnerships_loaded,
                                                   points, tmp_path):
    frame = points.copy()
    frame["KOSZT"] = frame["KOSZT"].astype(object)
    frame.loc[2, "KOSZT"] = "dużo"
    frame.loc[4, "geometry"] = shapely.Point(2.35, 48.85)  # Paris, in EPSG:2180 terms
    path = tmp_path / "p.gpkg"
    frame.to_file(path)
    preview = import_projects(reference_engine, path, "P01", mapping={"title": "NAZWA"})
    assert preview["problem_count"] == 2 and preview["features"] == len(points) - 2
    assert preview["problems"][0].startswith("feature 3: cost_pln must be a number")
    assert preview["problems"][1] == "feature 5: the geometry lies outside Poland"
    refused(reference_engine, path, "feature 3: cost_pln must be a number",
            mapping={"title": "NAZWA"})


def _gpkg_with_view(path, points, rows: int) -> None:
    """A real GeoPackage whose layer 'huge' is an SQL view of ``rows`` rows, registered as
    GDAL registers feature layers (gpkg_contents, gpkg_geometry_columns)."""
    points.iloc[:1].to_file(path, layer="seed")
    with sqlite3.connect(path) as conn:
        conn.executescript(f"""
            CREATE VIEW huge AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
              WHERE i < {rows}) SELECT n.i AS fid, s.geom AS geom, s.NAZWA AS NAZWA
              FROM n, seed s;
            INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id)
              VALUES ('huge', 'features', 'huge', 2180);
            INSERT INTO gpkg_geometry_columns VALUES ('huge', 'geom', 'POINT', 2180, 0, 0);
        """)


def _in_child(function, *args):
    """Run in a forked process, so a file that makes the reader spin cannot hang the suite:
    a child still busy after 60 s is killed and the test fails."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()

    def target():
        try:
            function(*args)
            queue.put("accepted")
        except InvalidInput as exc:
            queue.put(exc.one_line())

    child = ctx.Process(target=target)
    child.start()
    child.join(60)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail("the reader was still reading the view after 60 s")
    return queue.get(timeout=5)


def test_geopackage_view_of_a_trillion_rows_is_refused(reference_engine, partnerships_loaded,
                                                       points, tmp_path):
    path = tmp_path / "widok.gpkg"
    _gpkg_with_view(path, points, 10**12)
    assert "huge" in [str(name) for name, _ in pyogrio.list_layers(path)]
    before = object_counts(reference_engine)
    message = _in_child(lambda: import_projects(reference_engine, path, "P01",
                                                mapping={"title": "NAZWA"}))
    assert "layer 'huge' is an SQL view, not a table; views are refused" in message
    assert object_counts(reference_engine) == before


def test_a_stored_count_that_lies_stops_the_read_at_the_limit(reference_engine,
                                                              partnerships_loaded, points,
                                                              tmp_path, monkeypatch):
    monkeypatch.setattr(project_import, "MAX_FEATURES", 5)
    path = tmp_path / "p.gpkg"
    points.to_file(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE gpkg_ogr_contents SET feature_count = 1")
    assert pyogrio.read_info(path)["features"] == 1
    refused(reference_engine, path, "more than 5 features; at most 5 in one import",
            mapping={"title": "NAZWA"})


def test_dbf_with_fewer_records_than_the_shp_is_refused(reference_engine, partnerships_loaded,
                                                        points, tmp_path):
    points.to_file(tmp_path / "p.shp", encoding="utf-8")
    points.iloc[:-2].to_file(tmp_path / "short.shp", encoding="utf-8")
    (tmp_path / "p.dbf").write_bytes((tmp_path / "short.dbf").read_bytes())
    assert len(pyogrio.read_dataframe(tmp_path / "p.shp")) == len(points) - 2  # GDAL's way
    refused(reference_engine, tmp_path / "p.shp",
            f"the .dbf holds {len(points) - 2} records but the .shp {len(points)} shapes",
            mapping={"title": "NAZWA"})
    with zipfile.ZipFile(tmp_path / "p.zip", "w") as zf:
        for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            zf.write(tmp_path / f"p{suffix}", f"p{suffix}")
    refused(reference_engine, tmp_path / "p.zip", "records but the .shp",
            mapping={"title": "NAZWA"})


def test_bulk_import_keeps_versions_audit_and_gminas(reference_engine, partnerships_loaded,
                                                      tmp_path):
    """The bulk path keeps what one-by-one creation kept: gminas found, a version and an
    audit record per project, ids in file order."""
    with reference_engine.connect() as conn:
        frame = gpd.read_postgis(sa.text(
            "SELECT g.teryt, (ST_Dump(ST_GeneratePoints(g.geom, 50, 7))).geom AS geom"
            " FROM gmina g WHERE g.teryt LIKE '2013%' ORDER BY g.teryt"), conn,
            geom_col="geom")
    frame["tytul"] = [f"Punkt {i}" for i in range(len(frame))]
    path = tmp_path / "punkty.geojson"
    frame.to_crs(4326).to_file(path)
    done = import_projects(reference_engine, path, "P01", preview=False, author="importer")
    assert done["created"] == sorted(done["created"]) and len(done["created"]) == len(frame)
    with reference_engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT p.id, p.title, p.gminas, v.version, v.data->'gminas' AS vg, a.actor"
            " FROM project p JOIN object_version v ON v.object_kind = 'project'"
            " AND v.object_id = p.id JOIN audit_log a ON a.object_kind = 'project'"
            " AND a.object_id = p.id::text WHERE p.id = ANY(:ids) ORDER BY p.id"),
            {"ids": done["created"]}).all()
    assert len(rows) == len(frame)
    assert [r.title for r in rows] == list(frame["tytul"])
    assert all(r.gminas == [t] and r.vg == [t] and r.version == 1
               for r, t in zip(rows, frame["teryt"], strict=True))


def test_the_time_bound_catches_what_no_check_foresaw(reference_engine, partnerships_loaded,
                                                      points, tmp_path, monkeypatch):
    """Without the view check, the view would keep GDAL busy: the bounded read ends it."""
    from layers import vector

    monkeypatch.setattr(vector, "_refuse_views", lambda *args: None)
    monkeypatch.setenv("PARTNERSTWA_IMPORT_SECONDS", "3")
    path = tmp_path / "widok.gpkg"
    _gpkg_with_view(path, points, 10**12)
    refused(reference_engine, path, "reading the file took longer than 3 s; refused",
            mapping={"title": "NAZWA"})


@pytest.mark.parametrize(("written", "code"), [
    ("Program Fundusze Europejskie dla Podlaskiego 2021-2027", "fe_regional"),
    ("FEPZ 2021-2027, działanie 5.1", "fe_regional"), ("feŁ", "fe_regional"),
    ("FEŚ 21-27", "fe_regional"), ("Fundusze Europejskie dla Warmii i Mazur", "fe_regional"),
    ("FE dla Polski Wschodniej", "fe_national"), ("dofinansowanie z FENG", "fe_national"),
    ("Rządowy Fundusz Polski Ład: Program Inwestycji Strategicznych", "national"),
    ("WFOŚiGW w Białymstoku", "national"), ("srodki wlasne", "own"),
    ("środki własne i KPO", None), ("Fundusze Europejskie", None), ("", None)])
def test_funding_vocabulary(written, code):
    from services.planning.vocabularies import recognise

    assert recognise("funding_source", written) == code
