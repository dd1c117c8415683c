"""Time to load the 2,477 gminas and the full-resolution PRG extract, next to ogr2ogr.

Ours runs in a new process, once per process (no warm caches), and is timed from after
interpreter start-up and imports: connecting, reading, validation (codes, parents, overlaps,
gaps), repair and the transactional write all count. The same run also reports the time with
the imports (geopandas, pyogrio, SQLAlchemy, psycopg: about half a second on this machine).
The baseline is `ogr2ogr -f PostgreSQL` loading the same files into the same database,
reprojected to EPSG:2180, timed as a whole command. Each is run REPEAT times; medians count.
The last line is the JSON summary.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import REPO, bench_database, data_dir

REPEAT = 5
GOAL = 3.0

OURS = """
import time, sys
t0 = time.perf_counter()
from services.reference.boundaries import load_boundaries
from services.db import get_engine
t1 = time.perf_counter()
summary = load_boundaries(get_engine(sys.argv[1]), sys.argv[2], sys.argv[3], as_of=sys.argv[4])
t2 = time.perf_counter()
print(t2 - t1, t2 - t0, summary.rows, summary.repaired)
"""


def ours(url: str, path: Path, level: str, as_of: str) -> tuple[float, float, int, int]:
    """(seconds after imports, seconds including imports, rows, repaired) in a new process."""
    out = subprocess.run([sys.executable, "-c", OURS, url, str(path), level, as_of],
                         check=True, capture_output=True, text=True, cwd=REPO).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]), int(out[3])


def ogr2ogr(pg: str, path: Path, table: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        ["ogr2ogr", "-f", "PostgreSQL", pg, str(path), "-nln", table, "-overwrite",
         "-t_srs", "EPSG:2180", "-nlt", "PROMOTE_TO_MULTI", "-lco", "GEOMETRY_NAME=geom",
         "-lco", "SPATIAL_INDEX=GIST"],
        check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    boundaries = data_dir() / "boundaries"
    with bench_database() as (rendered, pg):
        ours(rendered, boundaries / "wojewodztwa.geojson", "voivodeship", "2020-01-01")
        ours(rendered, boundaries / "powiaty.geojson", "powiat", "2020-01-01")
        cases = {
            "gminas": (boundaries / "gminy.geojson", "gmina", "2020-01-01"),
            "prg_fullres": (boundaries / "prg_powiaty_wielkopolskie_fullres.gpkg", "powiat",
                            "2024-09-05"),
        }
        results = {}
        for name, (path, level, as_of) in cases.items():
            ours_times, with_imports, base_times = [], [], []
            for _ in range(REPEAT):
                seconds, total, rows, repaired = ours(rendered, path, level, as_of)
                ours_times.append(seconds)
                with_imports.append(total)
                base_times.append(ogr2ogr(pg, path, f"ogr_{name}"))
            results[name] = (statistics.median(ours_times), statistics.median(base_times),
                             statistics.median(with_imports))
            print(f"{name}: {rows} units, {repaired} repaired; ours {results[name][0]:.3f} s "
                  f"({results[name][2]:.3f} s with imports), ogr2ogr {results[name][1]:.3f} s "
                  f"(medians of {REPEAT})", flush=True)
    ours_s, base_s, ours_imports = results["gminas"]
    prg_ours, prg_base, prg_imports = results["prg_fullres"]
    print(json.dumps({
        "metric": "load_gminas_seconds", "ours": round(ours_s, 3), "baseline": round(base_s, 3),
        "ratio": round(ours_s / base_s, 2), "goal": GOAL, "unit": "s",
        "prg_fullres_ours": round(prg_ours, 3), "prg_fullres_baseline": round(prg_base, 3),
        "prg_fullres_ratio": round(prg_ours / prg_base, 2),
        "ours_with_imports": round(ours_imports, 3),
        "ratio_with_imports": round(ours_imports / base_s, 2),
        "prg_fullres_ours_with_imports": round(prg_imports, 3),
    }))


if __name__ == "__main__":
    main()
