"""200 simulated residents answering a map consultation within 60 s on 127.0.0.1.

`partnerstwa serve` (gunicorn, 2 workers) on a new database with the real boundaries and the
example partnerships; a consultation of P01 is opened. Each resident sends one answer of 1-3
points (drawn inside P01 by PostGIS, seed 2026) and an answer to the question, from its own
address: the server is started with ``PARTNERSTWA_PROXY_HOPS=1`` (as behind a reverse proxy)
and each resident sends its own ``X-Forwarded-For``, so the per-client limit applies to each
as it would in production. Arrivals are evenly spread over 60 s, sent by 16 threads.

Baseline, in the same run and under the same schedule: GET of the consultation's public page
(which reads the consultation and its gminas). Goal: 0 errors and p95 of the submissions
<= 300 ms. The last line is the JSON summary.
"""

from __future__ import annotations

import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from common import bench_database, data_dir, served

RESIDENTS = 200
SECONDS = 60.0
THREADS = 16
GOAL_P95_MS = 300.0
SLUG = "bench-konsultacja"


def prepare(url: str) -> list[list[float]]:
    """Boundaries and partnerships from the mirror, the consultation, points inside P01."""
    import sqlalchemy as sa

    from services.config import Settings
    from services.consultations.manage import open_consultation
    from services.db import get_engine
    from services.reference.reference_data import (
        load_reference_boundaries,
        load_reference_partnerships,
    )

    settings = Settings(database_url=url, data_dir=data_dir())
    engine = get_engine(url)
    load_reference_boundaries(engine, settings, show_progress=False)
    load_reference_partnerships(engine, settings)
    open_consultation(engine, "P01", {
        "title": "Benchmark", "controller": "bench", "purpose": "pomiar wydajności",
        "slug": SLUG, "questions": [{"text": "Czy zostaniesz?", "kind": "single",
                                     "options": ["tak", "nie"]}]})
    with engine.connect() as conn:
        points = conn.execute(sa.text(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform((ST_Dump(ST_GeneratePoints("
            "geom, :n, 2026))).geom, 4326) AS p FROM partnership WHERE id = 'P01') s"),
            {"n": RESIDENTS * 3}).all()
    engine.dispose()
    return [[round(x, 6), round(y, 6)] for x, y in points]


def timed(request: urllib.request.Request) -> tuple[float, int]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = 0
    return (time.perf_counter() - started) * 1000, status


def run(make_request) -> tuple[list[float], list[int]]:
    """RESIDENTS requests evenly spread over SECONDS; latencies (ms) and statuses."""
    results: list[tuple[float, int]] = [(0.0, 0)] * RESIDENTS
    start = time.perf_counter() + 0.5
    lock = threading.Lock()

    def one(i: int) -> None:
        delay = start + i * SECONDS / RESIDENTS - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        outcome = timed(make_request(i))
        with lock:
            results[i] = outcome

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(one, range(RESIDENTS)))
    return [r[0] for r in results], [r[1] for r in results]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    os.environ["PARTNERSTWA_PROXY_HOPS"] = "1"  # the server trusts one proxy's header
    rng = random.Random(2026)
    with bench_database() as (url, _pg):
        points = prepare(url)
        with served(url) as (base, _server):
            page_url = f"{base}/k/{SLUG}"

            def page(i: int) -> urllib.request.Request:
                return urllib.request.Request(page_url, headers={
                    "X-Forwarded-For": f"10.1.{i // 250}.{i % 250 + 1}"})

            # Bodies drawn before the run, in order (seeded), not by the threads.
            bodies = [{"places": [{"category": rng.choice(["problem", "idea", "valued_place"]),
                                   "comment": f"uwaga {i}",
                                   "geometry": {"type": "Point", "coordinates": xy}}
                                  for xy in points[3 * i: 3 * i + rng.randint(1, 3)]],
                       "answers": {"q1": rng.choice(["tak", "nie"])}} for i in range(RESIDENTS)]

            def answer(i: int) -> urllib.request.Request:
                return urllib.request.Request(
                    f"{page_url}/submissions", data=json.dumps(bodies[i]).encode(),
                    method="POST",
                    headers={"Content-Type": "application/json", "Accept": "application/json",
                             "X-Forwarded-For": f"10.2.{i // 250}.{i % 250 + 1}"})

            timed(page(0))  # warm-up: one page and nothing else
            base_ms, base_status = run(page)
            ours_ms, ours_status = run(answer)
    errors = sum(1 for s in ours_status if s != 201)
    base_errors = sum(1 for s in base_status if s != 200)
    print(f"submissions: {RESIDENTS} in {SECONDS:.0f} s, errors {errors}, p50 "
          f"{sorted(ours_ms)[len(ours_ms) // 2]:.1f} ms, p95 {p95(ours_ms):.1f} ms, max "
          f"{max(ours_ms):.1f} ms")
    print(f"public page: {RESIDENTS} in {SECONDS:.0f} s, errors {base_errors}, p95 "
          f"{p95(base_ms):.1f} ms")
    summary = {"metric": "consultation_submission_p95_200_residents_60s",
               "ours": round(p95(ours_ms), 1), "baseline": round(p95(base_ms), 1),
               "ratio": round(p95(ours_ms) / p95(base_ms), 3), "goal": GOAL_P95_MS,
               "unit": "ms", "errors": errors, "baseline_errors": base_errors,
               "statuses": sorted(set(ours_status))}
    print(json.dumps(summary))
    sys.exit(0 if errors == 0 and p95(ours_ms) <= GOAL_P95_MS else 1)


if __name__ == "__main__":
    main()
