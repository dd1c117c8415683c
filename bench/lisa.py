"""LISA on the 2,477 gminas (unemployed per 1,000 residents, 2024; queen; 9,999 permutations):
ours against esda.Moran_Local, each in a new process.

Cold = importing the statistic's module and the first call in a fresh interpreter (esda
compiles its numba kernels there); warm = a second call in the same process. The weights and
data are prepared before the clock starts, the same for both. The last line is the JSON
summary.
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

PREPARE = """
import sys, time, json
import geopandas as gpd, pandas as pd, numpy as np
sys.path.insert(0, {repo!r})
from spatial.weights import build_weights
data = {data!r}
gminas = gpd.read_file(data + "/boundaries/gminy.geojson").to_crs(2180).set_index("terc")
table = pd.read_csv(data + "/indicators/gmina_indicators_2477.csv",
                    dtype={{"teryt_boundary": str}}).set_index("teryt_boundary")
y = table["unemployed_per_1000_2024"]
graph = build_weights(gminas).graph
"""

OURS = PREPARE + """
t0 = time.perf_counter()
from spatial.lisa import moran_local
first = moran_local(y, graph, permutations={p}, seed={seed})
t1 = time.perf_counter()
moran_local(y, graph, permutations={p}, seed={seed})
t2 = time.perf_counter()
print(json.dumps({{"cold": t1 - t0, "warm": t2 - t1, "p": first.p_sim.tolist(),
                   "q": first.quadrant.tolist()}}))
"""

ESDA = PREPARE + """
yy = y.reindex(graph.unique_ids).to_numpy()
t0 = time.perf_counter()
import esda
first = esda.Moran_Local(yy, graph, permutations={p}, seed={seed})
t1 = time.perf_counter()
esda.Moran_Local(yy, graph, permutations={p}, seed={seed})
t2 = time.perf_counter()
print(json.dumps({{"cold": t1 - t0, "warm": t2 - t1, "p": first.p_sim.tolist(),
                   "q": first.q.tolist()}}))
"""


def run(template: str, data: str) -> dict:
    code = template.format(repo=str(REPO), data=data, p=PERMUTATIONS, seed=SEED)
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", code], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    data = os.environ.get("PARTNERSTWA_DATA_DIR") or str(REPO.parent / "shared" / "data")
    if not Path(data, "boundaries", "gminy.geojson").is_file():
        sys.exit(f"bench: error: no data mirror at {data}; set PARTNERSTWA_DATA_DIR")
    ours = run(OURS, data)
    esda = run(ESDA, data)
    same_quadrants = sum(a == b for a, b in zip(ours["q"], esda["q"], strict=True))
    agree = sum((a <= 0.05) == (b <= 0.05) for a, b in zip(ours["p"], esda["p"], strict=True))
    n = len(ours["p"])
    print(f"ours: cold {ours['cold']:.3f} s, warm {ours['warm']:.3f} s; "
          f"esda: cold {esda['cold']:.3f} s, warm {esda['warm']:.3f} s", flush=True)
    print(f"quadrants equal for {same_quadrants}/{n}; significance at 0.05 agrees for "
          f"{agree}/{n} ({agree / n:.1%})", flush=True)
    print(json.dumps({
        "metric": "lisa_seconds_cold", "ours": round(ours["cold"], 3),
        "baseline": round(esda["cold"], 3), "ratio": round(ours["cold"] / esda["cold"], 4),
        "goal": 3.0, "unit": "s",
        "ours_cold": round(ours["cold"], 3), "ours_warm": round(ours["warm"], 3),
        "esda_cold": round(esda["cold"], 3), "esda_warm": round(esda["warm"], 3),
        "goal_warm": 0.5, "significance_agreement": round(agree / n, 4),
    }))


if __name__ == "__main__":
    main()
