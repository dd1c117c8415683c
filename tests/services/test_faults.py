"""PostgreSQL restarted in the middle of a boundary load and of an edit: nothing is left
half-written, the work succeeds when repeated, and the app answers again by itself.

These tests restart the local PostgreSQL cluster (as root, with Debian's pg_ctlcluster),
as CI's machine allows."""

import shutil
import subprocess
import time

import pytest
import sqlalchemy as sa

from core.errors import DatabaseUnavailable
from services.planning import versioning
from services.reference import boundary_store
from services.reference.boundaries import load_boundaries
from tests.conftest import fingerprint


def restart_postgres() -> None:
    if not shutil.which("pg_ctlcluster"):
        pytest.fail("pg_ctlcluster is missing: these tests need Debian's PostgreSQL")
    version = subprocess.run(["ls", "/usr/lib/postgresql"], capture_output=True, text=True,
                             check=True).stdout.split()[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart",
                    "-m", "fast"], check=True, capture_output=True)
    for _ in range(100):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
            return
        time.sleep(0.1)
    raise AssertionError("PostgreSQL did not come back")


def test_restart_during_a_boundary_load_leaves_nothing_half_written(fresh_engine,
                                                                    boundaries_dir,
                                                                    monkeypatch):
    load_boundaries(fresh_engine, boundaries_dir / "wojewodztwa.geojson", "voivodeship",
                    as_of="2020-01-01")
    load_boundaries(fresh_engine, boundaries_dir / "powiaty.geojson", "powiat",
                    as_of="2020-01-01")
    load_boundaries(fresh_engine, boundaries_dir / "gminy.geojson", "gmina", as_of="2020-01-01")
    before = fingerprint(fresh_engine)
    real = boundary_store.shapely.to_wkb
    calls = []

    def crash_then_encode(*args, **kwargs):
        # Runs after the old gminas were deleted inside the transaction, before the COPY.
        if not calls:
            calls.append(1)
            restart_postgres()
        return real(*args, **kwargs)

    monkeypatch.setattr(boundary_store.shapely, "to_wkb", crash_then_encode)
    with pytest.raises(DatabaseUnavailable):
        load_boundaries(fresh_engine, boundaries_dir / "gminy.geojson", "gmina",
                        as_of="2021-01-01")
    assert calls == [1]
    assert fingerprint(fresh_engine) == before  # rolled back: the old gminas are all there
    again = load_boundaries(fresh_engine, boundaries_dir / "gminy.geojson", "gmina",
                            as_of="2021-01-01")
    assert again.rows == 2477 and again.archived == 2477


def test_restart_during_an_edit_and_the_app_recovers(fresh_db_url, fresh_engine,
                                                     boundaries_dir, data_dir, monkeypatch):
    from services.planning.areas import create_area
    from services.planning.partnerships import import_partnerships
    from web import create_app

    load_boundaries(fresh_engine, boundaries_dir / "powiaty.geojson", "powiat",
                    as_of="2020-01-01")
    load_boundaries(fresh_engine, boundaries_dir / "gminy.geojson", "gmina", as_of="2020-01-01")
    import_partnerships(fresh_engine, data_dir / "partnerships" / "examples.csv")
    area = create_area(fresh_engine, "P01", {"name": "Przed awarią", "kind": "other",
                                             "gminas": ["2013011"]})
    from services.planning.areas import update_area

    real = versioning.accept
    calls = []

    def crash_then_accept(*args, **kwargs):
        if not calls:
            calls.append(1)
            restart_postgres()
        return real(*args, **kwargs)

    # The crash comes inside the accepted-change step that every edit goes through.
    monkeypatch.setattr("services.planning.versioning.accept", crash_then_accept)
    with pytest.raises(DatabaseUnavailable):
        update_area(fresh_engine, area["id"], {"version": 1, "name": "W trakcie awarii"})
    assert calls == [1]
    with fresh_engine.connect() as conn:
        name, version = conn.execute(sa.text(
            "SELECT name, version FROM functional_area WHERE id = :i"), {"i": area["id"]}).one()
        log = conn.execute(sa.text("SELECT count(*) FROM object_version WHERE object_id = :i"),
                           {"i": area["id"]}).scalar_one()
    assert (name, version, log) == ("Przed awarią", 1, 1)  # all or nothing
    done = update_area(fresh_engine, area["id"], {"version": 1, "name": "Po awarii"})
    assert done["version"] == 2

    # The app's pooled connections die with the server; the next requests still work.
    app = create_app({"DATABASE_URL": fresh_db_url})
    client = app.test_client()
    assert client.get("/api/v1/layers/gmina?zoom=6").status_code == 200
    restart_postgres()
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/indicators").status_code == 200


def test_long_statements_time_out_cleanly(fresh_db_url, fresh_engine, boundaries_dir):
    from web import create_app

    load_boundaries(fresh_engine, boundaries_dir / "gminy.geojson", "gmina", as_of="2020-01-01")
    app = create_app({"DATABASE_URL": fresh_db_url, "STATEMENT_TIMEOUT_MS": 1})
    response = app.test_client().get("/api/v1/units/gmina?tolerance=0&lang=en")
    assert response.status_code == 503
    body = response.get_json()
    assert "timed out" in body["detail"] and "127.0.0.1" not in body["detail"]
