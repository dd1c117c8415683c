"""The diagnosis of a partnership as PDF and DOCX, one partnership and the whole demo batch.

A new database gets the demo's real data (boundaries, GUS indicators, derived indicators, the
risk index, a national LISA and Gi* run, the six example partnerships). In one process, after
interpreter start-up and imports: the first PDF (national values read and maps drawn: the
cold start), then REPEAT PDFs and DOCXs of P01 (numbers and maps cached per data version;
medians), then every demo partnership as PDF and DOCX. Baselines in the same run, taking turns
with ours: WeasyPrint rendering the same HTML alone, and saving an empty python-docx document.
The last line is the JSON summary.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time

from common import bench_database, data_dir, load_reference

PID = "P01"
REPEAT = 5
GOAL_PDF, GOAL_DOCX = 5.0, 3.0


def pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        info = subprocess.run(["pdfinfo", fh.name], check=True, capture_output=True,
                              text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines()
                    if line.startswith("Pages:")))


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    mirror = data_dir()
    with bench_database() as (url, _pg):
        print("loading the demo's data (boundaries, indicators, analyses)…", file=sys.stderr)
        load_reference(url, mirror)
        from services.analysis.runs import run_analysis
        from services.db import get_engine

        engine = get_engine(url)
        run_analysis(engine, "lisa", "marginalisation_risk", 2024, seed=2024, permutations=999)
        run_analysis(engine, "gi", "marginalisation_risk", 2024, seed=2024)
        engine.dispose()
        script = BENCH.replace("@URL@", url).replace("@PID@", PID).replace(
            "@REPEAT@", str(REPEAT))
        out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                             text=True, cwd=str(__import__("common").REPO))
        result = json.loads(out.stdout.strip().splitlines()[-1])
    result["pdf_pages"] = pages(bytes.fromhex(result.pop("pdf_hex")))
    print(f"imports {result['imports']:.2f} s")
    print(f"{PID} PDF, first after start-up (reads national values, draws maps): "
          f"{result['pdf_cold']:.2f} s")
    print(f"{PID} PDF, warm (median of {REPEAT}): {result['pdf']:.2f} s, "
          f"{result['pdf_pages']} pages, {result['pdf_bytes']:,} bytes "
          f"(goal ≤ {GOAL_PDF} s)")
    print(f"{PID} DOCX, warm (median of {REPEAT}): {result['docx']:.2f} s, "
          f"{result['docx_bytes']:,} bytes (goal ≤ {GOAL_DOCX} s)")
    print(f"baseline: WeasyPrint on the same HTML alone {result['weasy']:.2f} s; empty "
          f"python-docx document {result['docx_empty']:.3f} s")
    print(f"batch: {result['batch_n']} partnerships × PDF+DOCX in {result['batch']:.2f} s "
          f"({result['batch_bytes']:,} bytes)")
    for pid, pdf_s, docx_s in result["batch_each"]:
        print(f"  {pid}: PDF {pdf_s:.2f} s, DOCX {docx_s:.2f} s")
    print(json.dumps({"metric": "diagnosis_pdf_seconds", "ours": round(result["pdf"], 3),
                      "baseline": round(result["weasy"], 3),
                      "ratio": round(result["pdf"] / result["weasy"], 3), "goal": GOAL_PDF,
                      "unit": "s", "docx_seconds": round(result["docx"], 3),
                      "docx_goal": GOAL_DOCX, "pdf_cold_seconds": round(result["pdf_cold"], 3),
                      "batch_seconds": round(result["batch"], 3)}))


BENCH = r'''
import io, json, statistics, time
t0 = time.perf_counter()
from weasyprint import HTML
from docx import Document
from services.db import get_engine
from services.diagnosis.compute import diagnose
from services.diagnosis.documents import generate
from services.diagnosis.render import html_document, pictures
import sqlalchemy as sa
imports = time.perf_counter() - t0
engine = get_engine("@URL@")

def clock(fn):
    t = time.perf_counter(); value = fn(); return time.perf_counter() - t, value

cold, first = clock(lambda: generate(engine, "@PID@", "pdf"))
model = diagnose(engine, "@PID@")
html = html_document(model, "pl", pictures(engine, model, "pl")).decode()
def empty():
    out = io.BytesIO(); Document().save(out); return out
# Ours and the baselines take turns, so that both meet the same load of a shared machine.
pdf, docx, weasy, docx_empty = [], [], [], []
for _ in range(@REPEAT@):
    pdf.append(clock(lambda: generate(engine, "@PID@", "pdf")))
    weasy.append(clock(lambda: HTML(string=html).write_pdf())[0])
    docx.append(clock(lambda: generate(engine, "@PID@", "docx")))
    docx_empty.append(clock(empty)[0])
weasy, docx_empty = statistics.median(weasy), statistics.median(docx_empty)
with engine.connect() as conn:
    ids = list(conn.execute(sa.text("SELECT id FROM partnership ORDER BY id")).scalars())
each, size = [], 0
start = time.perf_counter()
for pid in ids:
    a, p = clock(lambda: generate(engine, pid, "pdf"))
    b, d = clock(lambda: generate(engine, pid, "docx"))
    each.append((pid, a, b)); size += len(p.content) + len(d.content)
batch = time.perf_counter() - start
print(json.dumps({"imports": imports, "pdf_cold": cold,
                  "pdf": statistics.median(t for t, _ in pdf),
                  "pdf_bytes": len(pdf[-1][1].content), "pdf_hex": pdf[-1][1].content.hex(),
                  "docx": statistics.median(t for t, _ in docx),
                  "docx_bytes": len(docx[-1][1].content), "weasy": weasy,
                  "docx_empty": docx_empty, "batch": batch, "batch_n": len(ids),
                  "batch_each": each, "batch_bytes": size}))
'''

if __name__ == "__main__":
    main()
