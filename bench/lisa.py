"""LISA, ours against esda.Moran_Local, each measured in a new process.

1. The 2,477 gminas (unemployed per 1,000 residents, 2024; queen; 9,999 permutations): cold =
   importing the statistic's module and the first call in a fresh interpreter (esda compiles
   its numba kernels there); warm = a second call in the same process.
2. Wide distance bands over the whole country (70 km and 100 km, up to 365 neighbours;
   9,999 permutations), after a small warm-up call (esda's compilation is not counted).
3. A synthetic queen lattice of 100,172 units (316 x 317) with 9,999 permutations: time, the
   resident memory before the call and its peak during the call (sampled every 5 ms), and the
   process's peak (``ru_maxrss``, which includes building the weights). esda runs with ``keep_simulations=False`` and ``n_jobs=1`` (one process, so its
   peak is measurable; with simulations kept it would hold units x permutations floats).

Weights and data are prepared before any clock starts, the same for both. The last line is the
JSON summary.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PERMUTATIONS = 9999
SEED = 12345
BANDS = (70_000, 100_000)
LATTICE = (316, 317)

PREPARE = """
import sys, time, json, resource, warnings
warnings.filterwarnings("ignore")
import geopandas as gpd, pandas as pd, numpy as np
sys.path.insert(0, {repo!r})
from spatial.weights import build_weights
data = {data!r}
gminas = gpd.read_file(data + "/boundaries/gminy.geojson").to_crs(2180).set_index("terc")
table = pd.read_csv(data + "/indicators/gmina_indicators_2477.csv",
                    dtype={{"teryt_boundary": str}}).set_index("teryt_boundary")
y = table["unemployed_per_1000_2024"]
weights = build_weights(gminas, {kind!r}, threshold={threshold!r})
graph = weights.graph
yy = y.reindex(graph.unique_ids).to_numpy()
small = pd.Series(np.arange(5.0), index=list("abcde"))
"""

OURS = PREPARE + """
t0 = time.perf_counter()
from spatial.lisa import moran_local
if {warm_up}:
    from libpysal.graph import Graph
    moran_local(small, Graph.from_arrays(list("abcde"), list("bcdea"), [1.0] * 5),
                permutations=9, seed=1)
    t0 = time.perf_counter()
first = moran_local(y, weights, permutations={p}, seed={seed})
t1 = time.perf_counter()
moran_local(y, weights, permutations={p}, seed={seed})
t2 = time.perf_counter()
print(json.dumps({{"cold": t1 - t0, "warm": t2 - t1, "p": first.p_sim.tolist(),
                   "q": first.quadrant.tolist()}}))
"""

ESDA = PREPARE + """
t0 = time.perf_counter()
import esda
if {warm_up}:
    from libpysal.graph import Graph
    esda.Moran_Local(small.to_numpy(), Graph.from_arrays(list("abcde"), list("bcdea"),
                     [1.0] * 5), permutations=9, seed=1)
    t0 = time.perf_counter()
first = esda.Moran_Local(yy, graph, permutations={p}, seed={seed}, keep_simulations=False)
t1 = time.perf_counter()
if not {warm_up}:
    esda.Moran_Local(yy, graph, permutations={p}, seed={seed}, keep_simulations=False)
t2 = time.perf_counter()
print(json.dumps({{"cold": t1 - t0, "warm": t2 - t1, "p": first.p_sim.tolist(),
                   "q": first.q.tolist()}}))
"""

LATTICE_PREPARE = """
import sys, time, json, resource, warnings
warnings.filterwarnings("ignore")
import numpy as np, pandas as pd
sys.path.insert(0, {repo!r})
from libpysal.graph import Graph
rows, cols = {rows}, {cols}
cells = np.arange(rows * cols).reshape(rows, cols)
heads, tails = [], []
for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):  # queen: every pair once, then both ways
    a = cells[max(0, -dr):rows - max(0, dr), max(0, -dc):cols - max(0, dc)]
    b = cells[max(0, dr):rows + min(0, dr) or None, max(0, dc):cols + min(0, dc) or None]
    heads += [a.ravel(), b.ravel()]
    tails += [b.ravel(), a.ravel()]
graph = Graph.from_arrays(np.concatenate(heads), np.concatenate(tails),
                          np.ones(sum(len(h) for h in heads))).transform("r")
y = pd.Series(np.random.default_rng(1).normal(size=rows * cols), index=np.arange(rows * cols))
yy = y.reindex(graph.unique_ids).to_numpy()
import gc, os, threading
gc.collect()
PAGE = os.sysconf("SC_PAGE_SIZE")
def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE / 2**20
before = rss()
during = [before]
stop = threading.Event()
def watch():  # resident memory sampled every 5 ms while the statistic runs
    while not stop.is_set():
        during[0] = max(during[0], rss())
        stop.wait(0.005)
watcher = threading.Thread(target=watch, daemon=True)
"""

LATTICE_OURS = LATTICE_PREPARE + """
from spatial.lisa import moran_local
watcher.start()
t0 = time.perf_counter()
result = moran_local(y, graph, permutations={p}, seed={seed})
seconds = time.perf_counter() - t0
stop.set(); watcher.join()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "before_mb": before, "peak_mb": max(during[0], rss()),
                   "process_peak_mb": peak,
                   "units": len(y), "significant": int((result.p_sim <= 0.05).sum())}}))
"""

LATTICE_ESDA = LATTICE_PREPARE + """
import esda
watcher.start()
t0 = time.perf_counter()
result = esda.Moran_Local(yy, graph, permutations={p}, seed={seed}, keep_simulations=False,
                          n_jobs=1)
seconds = time.perf_counter() - t0
stop.set(); watcher.join()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "before_mb": before, "peak_mb": max(during[0], rss()),
                   "process_peak_mb": peak,
                   "units": len(yy), "significant": int((result.p_sim <= 0.05).sum())}}))
"""


def run(template: str, **values) -> dict:
    code = template.format(repo=str(REPO), p=PERMUTATIONS, seed=SEED, **values)
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", code], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def agreement(ours: dict, esda: dict) -> tuple[int, int, int]:
    same_quadrants = sum(a == b for a, b in zip(ours["q"], esda["q"], strict=True))
    agree = sum((a <= 0.05) == (b <= 0.05) for a, b in zip(ours["p"], esda["p"], strict=True))
    return same_quadrants, agree, len(ours["p"])


def main() -> None:
    data = os.environ.get("PARTNERSTWA_DATA_DIR") or str(REPO.parent / "shared" / "data")
    if not Path(data, "boundaries", "gminy.geojson").is_file():
        sys.exit(f"bench: error: no data mirror at {data}; set PARTNERSTWA_DATA_DIR")
    queen = {"data": data, "kind": "queen", "threshold": None, "warm_up": False}
    ours = run(OURS, **queen)
    esda = run(ESDA, **queen)
    same, agree, n = agreement(ours, esda)
    print(f"queen: ours cold {ours['cold']:.3f} s, warm {ours['warm']:.3f} s; "
          f"esda cold {esda['cold']:.3f} s, warm {esda['warm']:.3f} s", flush=True)
    print(f"  quadrants equal for {same}/{n}; significance at 0.05 agrees for "
          f"{agree}/{n} ({agree / n:.1%})", flush=True)
    bands = {}
    for threshold in BANDS:
        band = {"data": data, "kind": "distance", "threshold": threshold, "warm_up": True}
        o, e = run(OURS, **band), run(ESDA, **band)
        same_b, agree_b, _ = agreement(o, e)
        bands[threshold] = (o["cold"], e["cold"], agree_b / n)
        print(f"band {threshold // 1000} km: ours {o['cold']:.3f} s, esda {e['cold']:.3f} s; "
              f"quadrants equal {same_b}/{n}; significance agrees {agree_b}/{n}", flush=True)
    rows, cols = LATTICE
    lattice_ours = run(LATTICE_OURS, rows=rows, cols=cols)
    print(f"lattice {lattice_ours['units']:,} x {PERMUTATIONS}: ours "
          f"{lattice_ours['seconds']:.2f} s, peak RSS during the call "
          f"{lattice_ours['peak_mb']:.0f} MB ({lattice_ours['before_mb']:.0f} MB before it; "
          f"process peak {lattice_ours['process_peak_mb']:.0f} MB)", flush=True)
    lattice_esda = run(LATTICE_ESDA, rows=rows, cols=cols)
    print(f"lattice {lattice_esda['units']:,} x {PERMUTATIONS}: esda "
          f"{lattice_esda['seconds']:.2f} s, peak RSS during the call "
          f"{lattice_esda['peak_mb']:.0f} MB ({lattice_esda['before_mb']:.0f} MB before it; "
          f"process peak {lattice_esda['process_peak_mb']:.0f} MB)", flush=True)
    print(json.dumps({
        "metric": "lisa_seconds_cold", "ours": round(ours["cold"], 3),
        "baseline": round(esda["cold"], 3), "ratio": round(ours["cold"] / esda["cold"], 4),
        "goal": 3.0, "unit": "s",
        "ours_cold": round(ours["cold"], 3), "ours_warm": round(ours["warm"], 3),
        "esda_cold": round(esda["cold"], 3), "esda_warm": round(esda["warm"], 3),
        "goal_warm": 0.5, "significance_agreement": round(agree / n, 4),
        **{f"band_{t // 1000}km_{who}": round(v, 3) for t, (o, e, _) in bands.items()
           for who, v in (("ours", o), ("esda", e))},
        **{f"band_{t // 1000}km_agreement": round(a, 4) for t, (_, _, a) in bands.items()},
        "goal_band": 3.0,
        "lattice_units": lattice_ours["units"], "lattice_permutations": PERMUTATIONS,
        "lattice_ours_seconds": round(lattice_ours["seconds"], 2),
        "lattice_ours_peak_mb": round(lattice_ours["peak_mb"]),
        "lattice_ours_process_peak_mb": round(lattice_ours["process_peak_mb"]),
        "lattice_esda_seconds": round(lattice_esda["seconds"], 2),
        "lattice_esda_peak_mb": round(lattice_esda["peak_mb"]),
        "lattice_esda_process_peak_mb": round(lattice_esda["process_peak_mb"]),
        "goal_lattice_peak_mb": 1024, "goal_lattice_seconds": 30.0,
    }))


if __name__ == "__main__":
    main()
