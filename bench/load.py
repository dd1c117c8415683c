"""32 users on the map, its layers and the API for 60 s (locust, 127.0.0.1 only), then the
same users on one static file of the same server as the baseline.

The server is `partnerstwa serve` (gunicorn, 2 workers) on a throw-away database with the
real data. Reports errors, p95 latency and the peak memory of the server's processes; the
last line is the JSON summary.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import REPO, bench_database, data_dir, load_reference, served

USERS = 32
SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
GOAL_P95_MS = 500


def rss_mb(pid: int) -> float:
    """Memory of a process and its children (gunicorn's workers), as proportional set size:
    pages shared between the forked workers are counted once, not once per process."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            status = (proc / "status").read_text()
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if proc.name == str(pid) or fields.get("PPid", "").strip() == str(pid):
                rollup = (proc / "smaps_rollup").read_text()
                pss = next(line for line in rollup.splitlines() if line.startswith("Pss:"))
                total += int(pss.split()[1])
        except (OSError, StopIteration):
            continue
    return total / 1024


def run_locust(url: str, mode: str, token: str, server_pid: int) -> dict:
    peak = [0.0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(server_pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "stats"
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(REPO / "bench" / "locustfile.py"),
             "--headless", "-u", str(USERS), "-r", str(USERS), "-t", f"{SECONDS}s",
             "--host", url, "--csv", str(prefix), "--only-summary", "--stop-timeout", "5"],
            check=False, capture_output=True, env=dict(os.environ, BENCH_MODE=mode,
                                                       BENCH_TOKEN=token), timeout=SECONDS * 3)
        with open(f"{prefix}_stats.csv", newline="") as fh:
            rows = {r["Name"]: r for r in csv.DictReader(fh)}
    done.set()
    for name, row in sorted(rows.items()):
        if name != "Aggregated":
            print(f"  {mode} {name}: {row['Request Count']} requests, p95 {row['95%']} ms",
                  flush=True)
    total = rows["Aggregated"]
    return {"requests": int(total["Request Count"]), "errors": int(total["Failure Count"]),
            "p95_ms": float(total["95%"]), "rps": float(total["Requests/s"]),
            "peak_rss_mb": round(peak[0], 1)}


def main() -> None:
    from services.access.accounts import add_user, create_token
    from services.db import get_engine

    mirror = data_dir()
    with bench_database() as (url, _pg):
        load_reference(url, mirror)
        engine = get_engine(url)
        add_user(engine, "load@bench.pl", "haslo-do-testu-obciazenia", "ministry")
        token = create_token(engine, "load@bench.pl", "load")
        engine.dispose()
        with served(url) as (base, server):
            app = run_locust(base, "app", token, server.pid)
            static = run_locust(base, "static", token, server.pid)
    print(f"app: {app['requests']} requests, {app['errors']} errors, p95 {app['p95_ms']:.0f} ms,"
          f" {app['rps']:.0f}/s, peak {app['peak_rss_mb']:.0f} MB; static file: "
          f"{static['requests']} requests, {static['errors']} errors, p95 "
          f"{static['p95_ms']:.0f} ms, peak {static['peak_rss_mb']:.0f} MB", flush=True)
    print(json.dumps({
        "metric": "load_p95_ms", "ours": app["p95_ms"], "baseline": static["p95_ms"],
        "ratio": round(app["p95_ms"] / max(static["p95_ms"], 1), 2), "goal": GOAL_P95_MS,
        "unit": "ms", "errors": app["errors"], "requests": app["requests"],
        "rps": round(app["rps"], 1), "peak_rss_mb": app["peak_rss_mb"],
        "baseline_errors": static["errors"], "baseline_requests": static["requests"],
        "baseline_peak_rss_mb": static["peak_rss_mb"], "users": USERS, "seconds": SECONDS,
    }))


if __name__ == "__main__":
    main()
