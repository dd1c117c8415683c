"""32 users on the map, its layers and the API for 60 s (locust, 127.0.0.1 only), then the
same users on one static file of the same server as the baseline; then 8 clients asking
natural breaks that are not cached while 24 browse and one asks /healthz twice a second.

The server is `partnerstwa serve` (gunicorn, 2 workers) on a throw-away database with the
real data. Reports errors, p95 latency and the peak memory of the server's processes (and,
for the mixed scenario, the p95 of the browsing requests, the natural breaks answered and
refused with Retry-After, and the slowest /healthz); the last line is the JSON summary.
"""

from __future__ import annotations

import csv
import json
import os
import statistics
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
GOAL_MIXED_BROWSE_P95_MS = 300
MIXED_USERS = 24 + 8 + 1  # browsing, uncached natural breaks, /healthz


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


def run_locust(url: str, mode: str, token: str, server_pid: int, users: int = USERS,
               env: dict | None = None) -> dict:
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
             "--headless", "-u", str(users), "-r", str(users), "-t", f"{SECONDS}s",
             "--host", url, "--csv", str(prefix), "--only-summary", "--stop-timeout", "5"],
            check=False, capture_output=True, env=dict(os.environ, BENCH_MODE=mode,
                                                       BENCH_TOKEN=token, **(env or {})),
            timeout=SECONDS * 3)
        with open(f"{prefix}_stats.csv", newline="") as fh:
            rows = {r["Name"]: r for r in csv.DictReader(fh)}
        with open(f"{prefix}_failures.csv", newline="") as fh:
            for failure in sorted(csv.DictReader(fh), key=lambda r: -int(r["Occurrences"]))[:5]:
                print(f"  {mode} failed: {failure['Name']}: {failure['Error'][:160]}"
                      f" ({failure['Occurrences']}x)", flush=True)
    done.set()
    for name, row in sorted(rows.items()):
        if name != "Aggregated":
            print(f"  {mode} {name}: {row['Request Count']} requests, p95 {row['95%']} ms",
                  flush=True)
    total = rows["Aggregated"]
    return {"requests": int(total["Request Count"]), "errors": int(total["Failure Count"]),
            "p95_ms": float(total["95%"]), "rps": float(total["Requests/s"]),
            "peak_rss_mb": round(peak[0], 1)}


def p95(times: list[float]) -> float:
    return float(statistics.quantiles(times, n=20)[-1]) if len(times) > 1 else float(
        times[0] if times else 0)


def run_mixed(url: str, tokens: list[str], server_pid: int) -> dict:
    """8 clients on natural breaks that are never cached, 24 browsing, 1 on /healthz."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "requests.jsonl"
        totals = run_locust(url, "mixed", "", server_pid, users=MIXED_USERS,
                            env={"BENCH_TOKENS": ",".join(tokens), "BENCH_OUT": str(out)})
        records = [json.loads(line) for line in out.read_text().splitlines()]
    breaks = [r for r in records if r["name"] == "natural breaks, not cached"]
    throttled = sum(r["type"] == "THROTTLED" for r in records)
    health = [r for r in records if r["name"] == "healthz"]
    browse = [r for r in records if r["type"] != "THROTTLED" and r["name"] not in (
        "natural breaks, not cached", "healthz", "breaks: catalogue")]
    return {
        "requests": len(records) - throttled, "errors": sum(r["failed"] for r in records),
        "browse_requests": len(browse), "browse_errors": sum(r["failed"] for r in browse),
        "browse_p95_ms": round(p95([r["ms"] for r in browse]), 1),
        "breaks_requests": len(breaks), "breaks_refused_retry_after": throttled,
        "breaks_answered": len(breaks) - throttled,
        "breaks_errors": sum(r["failed"] for r in breaks),
        "breaks_p95_ms": round(p95([r["ms"] for r in breaks]), 1),
        "healthz_requests": len(health), "healthz_errors": sum(r["failed"] for r in health),
        "healthz_max_ms": round(max((r["ms"] for r in health), default=0), 1),
        "peak_rss_mb": totals["peak_rss_mb"],
    }


def main() -> None:
    from services.access.accounts import add_user, create_token
    from services.db import get_engine

    mirror = data_dir()
    with bench_database() as (url, _pg):
        load_reference(url, mirror)
        engine = get_engine(url)
        add_user(engine, "load@bench.pl", "haslo-do-testu-obciazenia", "ministry")
        token = create_token(engine, "load@bench.pl", "load")
        # One token per client of the mixed scenario: the server's limits are per client.
        tokens = [create_token(engine, "load@bench.pl", f"client {i}")
                  for i in range(MIXED_USERS)]
        engine.dispose()
        with served(url) as (base, server):
            only = os.environ.get("BENCH_ONLY")  # e.g. "mixed": one scenario, to iterate
            app = static = {"requests": 0, "errors": 0, "p95_ms": 0.0, "rps": 0.0,
                            "peak_rss_mb": 0.0}
            if only in (None, "app"):
                app = run_locust(base, "app", token, server.pid)
            if only in (None, "static"):
                static = run_locust(base, "static", token, server.pid)
            mixed = run_mixed(base, tokens, server.pid)
    print(f"app: {app['requests']} requests, {app['errors']} errors, p95 {app['p95_ms']:.0f} ms,"
          f" {app['rps']:.0f}/s, peak {app['peak_rss_mb']:.0f} MB; static file: "
          f"{static['requests']} requests, {static['errors']} errors, p95 "
          f"{static['p95_ms']:.0f} ms, peak {static['peak_rss_mb']:.0f} MB", flush=True)
    print(f"mixed (8 uncached natural breaks, 24 browsing, /healthz): {mixed['requests']}"
          f" requests, {mixed['errors']} errors; browsing p95 {mixed['browse_p95_ms']:.0f} ms"
          f" over {mixed['browse_requests']}; natural breaks {mixed['breaks_answered']}"
          f" answered, {mixed['breaks_refused_retry_after']} refused with Retry-After"
          f" (p95 {mixed['breaks_p95_ms']:.0f} ms); /healthz {mixed['healthz_requests']}"
          f" answered, {mixed['healthz_errors']} errors, slowest {mixed['healthz_max_ms']:.0f}"
          " ms", flush=True)
    print(json.dumps({
        "metric": "load_p95_ms", "ours": app["p95_ms"], "baseline": static["p95_ms"],
        "ratio": round(app["p95_ms"] / max(static["p95_ms"], 1), 2), "goal": GOAL_P95_MS,
        "unit": "ms", "errors": app["errors"], "requests": app["requests"],
        "rps": round(app["rps"], 1), "peak_rss_mb": app["peak_rss_mb"],
        "baseline_errors": static["errors"], "baseline_requests": static["requests"],
        "baseline_peak_rss_mb": static["peak_rss_mb"], "users": USERS, "seconds": SECONDS,
        "mixed": mixed, "mixed_goal_browse_p95_ms": GOAL_MIXED_BROWSE_P95_MS,
    }))


if __name__ == "__main__":
    main()
