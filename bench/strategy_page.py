"""The strategy page of a partnership with hundreds of projects: time until it is usable.

A new database gets the demo's real data; P01 gets PROJECTS projects (seeded points inside its
real gminas, every fifth with a schedule and a budget) through the services. Headless
Chromium (Debian's, through Playwright) then opens the page and is timed until a person can
work on one project: the project's card found, its "Add a task" clicked. Ours: the page as it
is (collapsed cards, a filter, the card's forms built on opening). Baseline: the page as it was
at BASELINE (every project a card with all its forms; its template and script are kept in
bench/baseline/), in
the same run, against the same database, taking turns. Prints a line per size and, last, the
JSON summary for the largest size (goal: ≤ 5 s for 560 projects).

    PARTNERSTWA_DATA_DIR=/work/shared/data .venv/bin/python bench/strategy_page.py [300 560]
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

from common import REPO, bench_database, data_dir, load_reference

PID = "P01"
SEED = 7
SIZES = (300, 560)
GOAL = 5.0
BASELINE = "5d689f872afe44b3a43e3abe4abe5b4268b65417"  # the strategy page before collapsing
EMAIL, PASSWORD = "bench@example.pl", "hasło-pomiarowe-123"
THEMES = ("transport", "usługi społeczne", "rewitalizacja", "edukacja", "turystyka",
          "energia", "woda i ścieki", "kultura")
WORDS = ("Przebudowa drogi", "Żłobek", "Ścieżka rowerowa", "Termomodernizacja szkoły",
         "Rewitalizacja rynku", "Świetlica wiejska", "Kanalizacja", "Fotowoltaika na dachu",
         "Centrum usług społecznych", "Boisko")


def populate(engine, count: int, seed: int = SEED, start: int = 0) -> list[int]:
    """``count`` projects in P01 through the services; every fifth with a plan."""
    import sqlalchemy as sa

    from services.planning.projects import create_project
    from services.strategy.plans import update_plan

    rng = random.Random(seed + start)
    with engine.connect() as conn:
        gminas = conn.execute(sa.text(
            "SELECT g.teryt, ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)"
            " FROM partnership_gmina m JOIN gmina g ON g.teryt = m.gmina_teryt,"
            " LATERAL ST_Transform(ST_Envelope(g.geom), 4326) b"
            " WHERE m.partnership_id = :p ORDER BY g.teryt"), {"p": PID}).all()
    ids = []
    for n in range(start, start + count):
        with engine.connect() as conn:
            while True:  # a point of the box that lies in the gmina
                teryt, x0, y0, x1, y1 = rng.choice(gminas)
                lon, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
                if conn.execute(sa.text(
                        "SELECT ST_Contains(geom, ST_Transform(ST_SetSRID(ST_Point(:x, :y),"
                        " 4326), 2180)) FROM gmina WHERE teryt = :t"),
                        {"x": lon, "y": lat, "t": teryt}).scalar_one():
                    break
        project = create_project(engine, PID, {
            "title": f"{rng.choice(WORDS)} nr {n + 1}", "theme": rng.choice(THEMES),
            "funding_source": rng.choice(("fe_regional", "kpo", "feniks", "national")),
            "cost_pln": f"{rng.randrange(100_000, 20_000_000)}.00",
            "geometry": {"type": "Point", "coordinates": [lon, lat]}})
        ids.append(project["id"])
        if n % 5 == 0:
            update_plan(engine, PID, project["id"], {
                "version": 1, "cofinancing_rate": "0.85",
                "tasks": [{"name": f"Zadanie {i + 1}", "start": f"{2027 + i}-01-01",
                           "end": f"{2027 + i}-10-31"} for i in range(3)],
                "lines": [{"year": 2027 + y, "category": "works", "total": "100000.00",
                           "eligible": "90000.00"} for y in range(2)]})
    return ids


def old_page(app) -> None:
    """The page as it was at BASELINE, served at /bench-old/<pid> (template and script kept in
    bench/baseline/; the model it read is still ``strategy_model``)."""
    from flask import Response, g, render_template_string

    from services.strategy.indicators import available
    from services.strategy.kinds import for_page
    from services.strategy.model import strategy_model
    from services.strategy.versions import plain
    from web import get_engine_for

    kept = REPO / "bench" / "baseline"  # the two files as they were at BASELINE
    template = (kept / "strategy_page_5d689f8.html").read_text(encoding="utf-8").replace(
        "{{ url_for('static', filename='js/strategy.js') }}", "/bench-old/strategy.js")
    script = (kept / "strategy_page_5d689f8.js").read_text(encoding="utf-8")

    def page(pid: str):
        engine = get_engine_for(app)
        kinds = for_page(getattr(g, "lang", "pl"))
        model = strategy_model(engine, pid, g.principal)
        indicators = available(engine, pid, actor=g.principal)
        return render_template_string(template, pid=pid, model=model, kinds=kinds,
                                      page_data=plain({"pid": pid, "kinds": kinds,
                                                       "indicators": indicators}))

    app.add_url_rule("/bench-old/<pid>", "bench_old_page", page)
    app.add_url_rule("/bench-old/strategy.js", "bench_old_script",
                     lambda: Response(script, mimetype="text/javascript"))


def usable_new(page, base: str, project_id: int, title: str) -> float:
    start = time.perf_counter()
    page.goto(f"{base}/partnerships/{PID}/strategy", timeout=600_000)
    page.fill("#project-filter", title)
    card = page.locator(f"#project-{project_id}")
    card.locator("summary").first.click()
    card.locator(".add-task").click(timeout=600_000)
    return time.perf_counter() - start


def usable_old(page, base: str, project_id: int, _title: str) -> float:
    start = time.perf_counter()
    page.goto(f"{base}/bench-old/{PID}", timeout=600_000)
    page.locator(f"#project-{project_id} .add-task").click(timeout=600_000)
    return time.perf_counter() - start


def controls(page) -> int:
    return page.evaluate("document.querySelectorAll('input, select, textarea, button').length")


def main() -> None:
    sizes = tuple(int(a) for a in sys.argv[1:]) or SIZES
    mirror = data_dir()
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    with bench_database() as (url, _pg):
        print("loading the demo's data (boundaries, indicators, partnerships)…", file=sys.stderr)
        load_reference(url, mirror)
        from services.access.accounts import add_user
        from services.db import get_engine
        from web import create_app

        engine = get_engine(url)
        add_user(engine, EMAIL, PASSWORD, "admin")
        import logging

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
        app = create_app({"DATABASE_URL": url})
        old_page(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        import threading

        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        results, made = [], []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--headless", "--no-sandbox", "--disable-gpu"])
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                page.goto(base + "/login")
                page.fill("input[name=email]", EMAIL)
                page.fill("input[name=password]", PASSWORD)
                page.click("form.form button[type=submit]")
                page.wait_for_url(base + "/", timeout=60_000)
                for size in sorted(sizes):
                    print(f"adding projects up to {size}…", file=sys.stderr)
                    made += populate(engine, size - len(made), start=len(made))
                    # a project near the end of the list (the last page of the old one)
                    target = made[-3]
                    title = f"nr {len(made) - 2}"
                    usable_new(page, base, target, title)  # warm-up (server caches)
                    ours = usable_new(page, base, target, title)
                    ours_controls = controls(page)
                    theirs = usable_old(page, base, target, title)
                    theirs_controls = controls(page)
                    results.append((size, ours, theirs, ours_controls, theirs_controls))
                    print(f"{size} projects: usable in {ours:.2f} s (controls in the page:"
                          f" {ours_controls}); the old page {theirs:.2f} s ({theirs_controls})")
                browser.close()
        finally:
            server.shutdown()
            engine.dispose()
    size, ours, theirs, _, _ = results[-1]
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(json.dumps({"metric": f"strategy page of {size} projects usable (s)",
                      "ours": round(ours, 2), "baseline": round(theirs, 2),
                      "ratio": round(ours / theirs, 3), "goal": GOAL, "unit": "s"}))


if __name__ == "__main__":
    main()
