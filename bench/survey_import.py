"""Import of a LimeSurvey "Export responses" CSV of 20,000 responses × 40 questions, next to
a plain pandas.read_csv + executemany insert of the same rows in the same run.

The file is generated here with a fixed seed in LimeSurvey's own layout (every field quoted;
id, submitdate, lastpage, startlanguage, seed; list questions with answer codes, multiple
choice as Q[SQ001] ticks "Y", arrays as Q[SQ001] with 1-5, numbers, open texts) and the
respondents' gminas are the real TERYT codes of partnership P01. Nothing generated is kept.

Ours (``services.surveys.importer.import_survey``: reading, format and kind detection, gmina
resolution, checks of every cell, one transaction with COPY) runs in a new process, timed
after interpreter start-up and imports. The baseline reads the same file with pandas and
inserts (response id, gmina, answers as JSON) with executemany into a plain table, without
any check. Goal of issue 12: ≤ 10 s. The last line is the JSON summary.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from common import REPO, bench_database, data_dir

from services.config import Settings
from services.db import get_engine

N = 20_000
GOAL = 10.0
SINGLE, MULTIPLE, ARRAY, NUMBER, TEXT = 11, 4, 12, 5, 5  # + gmina, sex, age = 40 questions
WORDS = ["park", "chodnik", "autobus", "świetlica", "boisko", "ścieżka rowerowa",
         "oświetlenie", "biblioteka", "przychodnia", "plac zabaw", "rynek", "most", "szkoła"]

OURS = """
import sys, time
t0 = time.perf_counter()
from services.db import get_engine
from services.surveys.importer import import_survey
t1 = time.perf_counter()
done = import_survey(get_engine(sys.argv[1]), sys.argv[2], "P01", kind="residents",
                     title="bench")
t2 = time.perf_counter()
assert done["responses"] == int(sys.argv[3]) and done["questions"] == 37, done
print(t2 - t1, t2 - t0)
"""


def export(members: list[str], path: Path, seed: int = 12) -> None:
    rng = random.Random(seed)
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "gmina", "plec", "wiek"]
    header += [f"S{i}" for i in range(1, SINGLE + 1)]
    for i in range(1, MULTIPLE + 1):
        header += [f"M{i}[SQ00{k}]" for k in range(1, 6)]
    header += [f"A1[SQ{k:03d}]" for k in range(1, ARRAY + 1)]
    header += [f"N{i}" for i in range(1, NUMBER + 1)]
    header += [f"T{i}" for i in range(1, TEXT + 1)]
    start = dt.datetime(2024, 4, 2, 8)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        for n in range(1, N + 1):
            row = [n, (start + dt.timedelta(seconds=rng.randrange(3_000_000))).strftime(
                "%Y-%m-%d %H:%M:%S"), 5, "pl", rng.randrange(10**9), rng.choice(members),
                rng.choice("KM"), rng.randint(16, 90)]
            row += ["" if rng.random() < 0.04 else f"A{rng.randint(1, 5)}"
                    for _ in range(SINGLE)]
            for _ in range(MULTIPLE):
                row += ["Y" if rng.random() < 0.35 else "" for _ in range(5)]
            row += ["" if rng.random() < 0.06 else rng.randint(1, 5) for _ in range(ARRAY)]
            row += ["" if rng.random() < 0.1 else rng.randint(0, 12) for _ in range(NUMBER)]
            row += [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
                    if rng.random() < 0.3 else "" for _ in range(TEXT)]
            writer.writerow(row)


def baseline(url: str, path: Path) -> float:
    import pandas as pd
    import psycopg

    start = time.perf_counter()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    questions = [c for c in frame.columns if c not in ("id", "submitdate", "lastpage",
                                                        "startlanguage", "seed", "gmina")]
    rows = [(r["id"], r["gmina"], json.dumps({q: r[q] for q in questions if r[q]},
                                              ensure_ascii=False))
            for r in frame.to_dict("records")]
    with psycopg.connect(sa.make_url(url).set(drivername="postgresql").render_as_string(
            hide_password=False)) as conn, conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE plain (response_id text, gmina text, answers jsonb)")
        cur.executemany("INSERT INTO plain VALUES (%s, %s, %s)", rows)
        conn.commit()
    return time.perf_counter() - start


def main() -> None:
    mirror = data_dir()
    with bench_database() as (url, _pg), tempfile.TemporaryDirectory() as tmp:
        from services.planning.partnerships import import_partnerships
        from services.reference.reference_data import load_reference_boundaries

        engine = get_engine(url)
        load_reference_boundaries(engine, Settings(database_url=url, data_dir=mirror),
                                  show_progress=False)
        import_partnerships(engine, mirror / "partnerships" / "examples.csv")
        with engine.connect() as conn:
            members = conn.execute(sa.text(
                "SELECT gmina_teryt FROM partnership_gmina WHERE partnership_id = 'P01'"
                " ORDER BY 1")).scalars().all()
        path = Path(tmp) / "results-survey123456.csv"
        export(members, path)
        size = path.stat().st_size
        run = subprocess.run([sys.executable, "-c", OURS, url, str(path), str(N)],
                             capture_output=True, text=True, cwd=REPO, check=True)
        ours, with_start = (float(x) for x in run.stdout.split())
        with engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT count(*) FROM survey_response")).scalar_one()
        assert stored == N, stored
        base = baseline(url, path)
        engine.dispose()
    print(f"file: {N:,} responses × 40 questions, {size / 2**20:.1f} MB (LimeSurvey CSV)")
    print(f"ours: import {ours:.2f} s ({with_start:.2f} s with start-up and imports)")
    print(f"baseline: pandas.read_csv + executemany {base:.2f} s (no checks)")
    print(json.dumps({"metric": "survey_import_20000x40_seconds", "ours": round(ours, 3),
                      "baseline": round(base, 3), "ratio": round(ours / base, 3),
                      "goal": GOAL, "unit": "s"}))


if __name__ == "__main__":
    main()
