"""Preview and import of 20,000 project locations from a GeoJSON (EPSG:4326), next to
`ogr2ogr -f PostgreSQL` of the same file into the same PostGIS in the same run.

The points are generated inside the real gminas (ST_GeneratePoints, fixed seed) and carry
titles from the gminas' real names, costs and funding written as people write it ("KPO",
"FEPZ 2021-2027", "środki własne", ...). Ours runs in a new process each time and is timed
after interpreter start-up and imports; the baseline (reprojection to EPSG:2180 included) is
timed as a whole. Goals of issue 9: preview ≤ 3 s, import ≤ 10 s. Medians of REPEAT runs; the
last line is the JSON summary.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import sqlalchemy as sa
from common import REPO, bench_database, data_dir

from services.config import Settings
from services.db import get_engine

N = 20_000
REPEAT = 3
GOAL_PREVIEW, GOAL_IMPORT = 3.0, 10.0
FUNDING = ("KPO", "FEPZ 2021-2027", "środki własne", "FEnIKS", "budżet państwa",
           "Fundusze Europejskie dla Podlaskiego", "RFRD", "Polski Ład", "Interreg", "grant")

OURS = """
import sys, time
t0 = time.perf_counter()
from services.db import get_engine
from services.planning.project_import import import_projects
t1 = time.perf_counter()
result = import_projects(get_engine(sys.argv[1]), sys.argv[2], "P01",
                         preview=sys.argv[3] == "preview")
t2 = time.perf_counter()
assert result["features"] == int(sys.argv[4]), result["features"]
assert len(result["created"]) == (0 if sys.argv[3] == "preview" else int(sys.argv[4]))
print(t2 - t1, t2 - t0)
"""


def seed(url: str, mirror: Path, path: Path) -> None:
    from services.planning.partnerships import import_partnerships
    from services.reference.reference_data import load_reference_boundaries

    engine = get_engine(url)
    load_reference_boundaries(engine, Settings(database_url=url, data_dir=mirror),
                              show_progress=False)
    import_partnerships(engine, mirror / "partnerships" / "examples.csv")
    with engine.connect() as conn:
        frame = gpd.read_postgis(sa.text(
            "SELECT g.name, (ST_Dump(ST_GeneratePoints(g.geom, 10, 2024))).geom AS geom"
            " FROM (SELECT * FROM gmina ORDER BY teryt LIMIT :k) g"), conn, geom_col="geom",
            params={"k": N // 10})
    frame["tytul"] = [f"Projekt {i + 1} – {name}" for i, name in enumerate(frame.pop("name"))]
    frame["koszt"] = [1000.0 * (i + 1) for i in range(len(frame))]
    frame["funding"] = [FUNDING[i % len(FUNDING)] for i in range(len(frame))]
    frame.to_crs(4326).to_file(path, driver="GeoJSON")
    if len(frame) != N:
        raise SystemExit(f"bench: expected {N} points, made {len(frame)}")
    engine.dispose()


def ours(url: str, path: Path, mode: str) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", OURS, url, str(path), mode, str(N)],
                         check=True, capture_output=True, text=True, cwd=REPO).stdout.split()
    return float(out[0]), float(out[1])


def baseline(pg: str, path: Path, layer: str) -> float:
    start = time.perf_counter()
    subprocess.run(["ogr2ogr", "-f", "PostgreSQL", pg, str(path), "-nln", layer,
                    "-t_srs", "EPSG:2180", "-lco", "GEOMETRY_NAME=geom"], check=True,
                   capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    mirror = data_dir()
    with tempfile.TemporaryDirectory() as tmp, bench_database() as (url, pg):
        path = Path(tmp) / "projekty.geojson"
        seed(url, mirror, path)
        size = path.stat().st_size
        previews, imports, with_imports, bases = [], [], [], []
        for run in range(REPEAT):
            previews.append(ours(url, path, "preview")[0])
            a, b = ours(url, path, "import")
            imports.append(a)
            with_imports.append(b)
            bases.append(baseline(pg, path, f"baseline_{run}"))
    preview_s, import_s = statistics.median(previews), statistics.median(imports)
    base_s = statistics.median(bases)
    print(f"{N} points ({size / 1e6:.1f} MB GeoJSON): preview {preview_s:.2f} s, import "
          f"{import_s:.2f} s ({statistics.median(with_imports):.2f} s with imports); "
          f"ogr2ogr into PostGIS {base_s:.2f} s; medians of {REPEAT}", flush=True)
    print(json.dumps({
        "metric": "import_20k_projects_geojson_seconds", "ours": round(import_s, 3),
        "baseline": round(base_s, 3), "ratio": round(import_s / base_s, 2),
        "goal": GOAL_IMPORT, "unit": "s", "preview": round(preview_s, 3),
        "preview_goal": GOAL_PREVIEW,
        "ours_with_imports": round(statistics.median(with_imports), 3)}))


if __name__ == "__main__":
    main()
