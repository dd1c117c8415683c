"""Export of 10,000 project locations to a Shapefile zip, next to ogr2ogr from the same
PostGIS table in the same run.

The projects are points generated inside the real gminas (ST_GeneratePoints with a fixed
seed), titled with the gminas' real names. Ours runs in a new process and is timed after
interpreter start-up and imports (the time with imports is printed too); the baseline is
`ogr2ogr -f "ESRI Shapefile"` on the same columns, plus zipping its files the same way, timed
as a whole. Medians of REPEAT runs; the last line is the JSON summary.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import sqlalchemy as sa
from common import REPO, bench_database, data_dir

from services.config import Settings
from services.db import get_engine

N = 10_000
REPEAT = 5
GOAL = 1.5

OURS = """
import sys, time
t0 = time.perf_counter()
from services.db import get_engine
from services.planning.exports import export
t1 = time.perf_counter()
export(get_engine(sys.argv[1]), "projects", "shp", sys.argv[2])
t2 = time.perf_counter()
print(t2 - t1, t2 - t0)
"""

BASELINE_SQL = (
    'SELECT id AS "ID", partnership_id AS "PARTNER", title AS "TITLE",'
    ' cost_pln::float AS "COST_PLN", funding_source AS "FUNDING",'
    ' start_date AS "START_DATE", geom FROM project')


def seed(url: str, mirror: Path) -> None:
    from services.planning.partnerships import import_partnerships
    from services.reference.reference_data import load_reference_boundaries

    engine = get_engine(url)
    load_reference_boundaries(engine, Settings(database_url=url, data_dir=mirror),
                              show_progress=False)
    import_partnerships(engine, mirror / "partnerships" / "examples.csv")
    with engine.begin() as conn:
        conn.execute(sa.text("""
            INSERT INTO project (partnership_id, title, geom, cost_pln, funding_source,
                                 start_date, gminas)
            SELECT 'P01', 'Projekt ' || row_number() OVER () || ' – ' || g.name,
                   (ST_Dump(ST_GeneratePoints(g.geom, 5, 2024))).geom,
                   1000 * row_number() OVER (), 'fe_regional', DATE '2025-01-01',
                   ARRAY[g.teryt]
            FROM (SELECT * FROM gmina ORDER BY teryt LIMIT :k) g"""), {"k": N // 5})
        count = conn.execute(sa.text("SELECT count(*) FROM project")).scalar_one()
    if count != N:
        raise SystemExit(f"bench: expected {N} projects, made {count}")


def ours(url: str, out: Path) -> tuple[float, float]:
    result = subprocess.run([sys.executable, "-c", OURS, url, str(out)], check=True,
                            capture_output=True, text=True, cwd=REPO).stdout.split()
    return float(result[0]), float(result[1])


def baseline(pg: str, folder: Path) -> tuple[float, float]:
    start = time.perf_counter()
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", str(folder / "projects.shp"), pg,
                    "-sql", BASELINE_SQL, "-lco", "ENCODING=UTF-8",
                    "-nln", "projects"], check=True, capture_output=True)
    converted = time.perf_counter()
    with zipfile.ZipFile(folder / "projects.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.glob("projects.*")):
            if path.suffix != ".zip":
                zf.write(path, path.name)
    return time.perf_counter() - start, converted - start


def main() -> None:
    mirror = data_dir()
    with bench_database() as (rendered, pg):
        seed(rendered, mirror)
        get_engine(rendered).dispose()
        times, with_imports, base_times, ogr_only = [], [], [], []
        for _ in range(REPEAT):
            with tempfile.TemporaryDirectory() as tmp:
                a, b = ours(rendered, Path(tmp) / "projects.zip")
                times.append(a)
                with_imports.append(b)
            with tempfile.TemporaryDirectory() as tmp:
                c, d = baseline(pg, Path(tmp))
                base_times.append(c)
                ogr_only.append(d)
    ours_s, base_s = statistics.median(times), statistics.median(base_times)
    print(f"{N} projects: ours {ours_s:.3f} s ({statistics.median(with_imports):.3f} s with "
          f"imports); ogr2ogr + zip {base_s:.3f} s (ogr2ogr alone "
          f"{statistics.median(ogr_only):.3f} s); medians of {REPEAT}", flush=True)
    print(json.dumps({
        "metric": "export_10k_projects_shapefile_zip_seconds", "ours": round(ours_s, 3),
        "baseline": round(base_s, 3), "ratio": round(ours_s / base_s, 2), "goal": GOAL,
        "unit": "s", "ours_with_imports": round(statistics.median(with_imports), 3),
        "ogr2ogr_alone": round(statistics.median(ogr_only), 3),
        "ratio_to_ogr2ogr_alone": round(ours_s / statistics.median(ogr_only), 2),
    }))


if __name__ == "__main__":
    main()
