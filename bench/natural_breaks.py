"""Natural breaks: ours (spatial/classify.py) against mapclassify.FisherJenks.

Time: one call on the 2,477 gminas of the risk index, each in a fresh Python process (cold:
the first call after import), for k=5 and k=7; mapclassify as installed (pure Python unless
numba is there; the JSON says which). Equality of the breaks: every indicator-year of the
real data, k=3..7, nationally against the breaks mapclassify gave (stored in
tests/services/data/, written by `--write-reference`) and, live, on one voivodeship's gminas
each. The last line is the JSON summary.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from common import REPO, bench_database, data_dir, load_reference

GOAL_MS = 50
INDICATOR, YEAR = "marginalisation_risk", 2024
KS = range(3, 8)
REFERENCE = REPO / "tests" / "services" / "data" / "fisher_jenks_mapclassify.json"

TIMER = """
import sys, time, warnings
import numpy as np
values = np.load(sys.argv[1]); k = int(sys.argv[2])
warnings.simplefilter("ignore")
if sys.argv[3] == "ours":
    from spatial.classify import fisher_jenks_breaks as classify
else:
    import mapclassify
    classify = lambda values, k: mapclassify.FisherJenks(values, k=k).bins
start, cpu = time.perf_counter(), time.process_time()
bins = classify(values, k)
print((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000, *bins.tolist())
"""
COLD_RUNS = 5


def fingerprint(values: np.ndarray) -> str:
    return hashlib.sha256(np.sort(values).astype("<f8").tobytes()).hexdigest()[:16]


def cold(values: np.ndarray, k: int, which: str, runs: int = 1) -> tuple[float, float, list]:
    """(wall ms, CPU ms, breaks) of the first call in a new process; medians of ``runs``.
    CPU time is what the call costs; wall time also holds what other processes of a busy
    machine took meanwhile."""
    walls, cpus = [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "values.npy"
        np.save(path, values)
        for _ in range(runs):
            out = subprocess.run([sys.executable, "-c", TIMER, str(path), str(k), which],
                                 cwd=REPO, check=True, capture_output=True, text=True
                                 ).stdout.split()
            walls.append(float(out[0]))
            cpus.append(float(out[1]))
    return statistics.median(walls), statistics.median(cpus), [float(b) for b in out[2:]]


def mapclassify_breaks(values: np.ndarray, k: int) -> list[float]:
    import mapclassify

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mapclassify.FisherJenks(values, k=k).bins.tolist()


def held_values(url: str) -> dict[tuple[str, int], tuple[list[str], np.ndarray]]:
    import sqlalchemy as sa

    from services.db import get_engine

    engine = get_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT indicator_code, year, array_agg(teryt ORDER BY teryt),"
            " array_agg(value ORDER BY teryt) FROM indicator_value WHERE level = 'gmina'"
            " GROUP BY 1, 2 ORDER BY 1, 2")).all()
    engine.dispose()
    return {(code, int(year)): (codes, np.array(values, dtype=float))
            for code, year, codes, values in rows}


def write_reference(held) -> None:
    import mapclassify
    from mapclassify.classifiers import HAS_NUMBA

    entries = []
    for (code, year), (_, values) in held.items():
        for k in KS:
            if len(np.unique(values)) >= k:
                entries.append({"indicator": code, "year": year, "k": k,
                                "values": fingerprint(values),
                                "breaks": mapclassify_breaks(values, k)})
        print(f"  {code} {year}", flush=True)
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    made_by = (f"mapclassify {mapclassify.__version__} FisherJenks"
               f" ({'numba' if HAS_NUMBA else 'pure Python'}), bench/natural_breaks.py"
               " --write-reference")
    lines = ",\n".join(json.dumps(e) for e in entries)
    REFERENCE.write_text(f'{{"made_by": {json.dumps(made_by)},\n"entries": [\n{lines}\n]}}\n')
    print(f"wrote {len(entries)} breaks to {REFERENCE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-reference", action="store_true",
                        help="store mapclassify's national breaks for the tests and stop")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from mapclassify.classifiers import HAS_NUMBA

    from spatial.classify import fisher_jenks_breaks

    with bench_database() as (url, _pg):
        load_reference(url, data_dir())
        held = held_values(url)
    if args.write_reference:
        return write_reference(held)

    values = held[(INDICATOR, YEAR)][1]
    ours = {k: cold(values, k, "ours", COLD_RUNS) for k in (5, 7)}
    theirs_ms, theirs_cpu, theirs_breaks = cold(values, 5, "mapclassify")
    timed_equal = ours[5][2] == theirs_breaks
    print(f"{len(values)} values of {INDICATOR} {YEAR}, first call in a new process (median"
          f" of {COLD_RUNS}): ours k=5 {ours[5][0]:.1f} ms ({ours[5][1]:.1f} ms CPU), k=7"
          f" {ours[7][0]:.1f} ms ({ours[7][1]:.1f} ms CPU); mapclassify.FisherJenks k=5"
          f" {theirs_ms:.0f} ms ({theirs_cpu:.0f} ms CPU,"
          f" {'numba' if HAS_NUMBA else 'pure Python'}); same breaks: {timed_equal}",
          flush=True)

    stored = {(e["indicator"], e["year"], e["k"]): e
              for e in json.loads(REFERENCE.read_text())["entries"]}
    national = national_equal = 0
    missing = []
    for (code, year), (_, vals) in held.items():
        for k in KS:
            entry = stored.get((code, year, k))
            if len(np.unique(vals)) < k:
                continue
            if entry is None or entry["values"] != fingerprint(vals):
                missing.append(f"{code} {year} k={k}")
                continue
            national += 1
            national_equal += fisher_jenks_breaks(vals, k).tolist() == entry["breaks"]
    live = live_equal = 0
    start = time.perf_counter()
    for i, (codes, vals) in enumerate(held.values()):
        voivodeship = f"{2 * (i % 16) + 2:02d}"
        part = vals[[c.startswith(voivodeship) for c in codes]]
        for k in KS:
            if len(np.unique(part)) >= k:
                live += 1
                live_equal += fisher_jenks_breaks(part, k).tolist() == mapclassify_breaks(part, k)
    print(f"national, against mapclassify's stored breaks: {national_equal}/{national} equal"
          + (f" ({len(missing)} not stored: {', '.join(missing[:5])})" if missing else ""))
    print(f"one voivodeship each, live: {live_equal}/{live} equal"
          f" ({time.perf_counter() - start:.0f} s)", flush=True)
    print(json.dumps({
        "metric": "natural_breaks_cold_ms_2477", "ours": round(ours[5][0], 1),
        "baseline": round(theirs_ms, 1), "ratio": round(ours[5][0] / theirs_ms, 5),
        "goal": GOAL_MS, "unit": "ms", "ours_cpu_ms": round(ours[5][1], 1),
        "baseline_cpu_ms": round(theirs_cpu, 1), "ours_k7_ms": round(ours[7][0], 1),
        "ours_k7_cpu_ms": round(ours[7][1], 1),
        "baseline_numba": HAS_NUMBA, "same_breaks_timed": timed_equal,
        "national_equal": national_equal, "national_compared": national,
        "national_not_stored": len(missing), "live_equal": live_equal, "live_compared": live,
    }))


if __name__ == "__main__":
    main()
