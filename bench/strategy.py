"""The strategy's documents and who projects serve.

A new database gets the demo's real data (boundaries, GUS indicators, the six example
partnerships); P01 gets a strategy through the strategy services (three goals with catalogue
and typed indicators, directions, four projects with schedules, feasibility and budgets, the
texts and an area of strategic intervention). Measured in this process after a warm-up:
the strategy DOCX (goal ≤ 3 s) and one project's application DOCX (goal ≤ 2 s), medians of
REPEAT; then the population within 5, 10 and 20 km of 1,000 project locations (seeded random
points inside real gminas; goal ≤ 2 s): ours, the PostGIS statement run side by side on
``reach.WORKERS`` connections (one share of the locations each), and the same statement on one
connection, against the same buffers and areal interpolation in Python with shapely/geopandas
(vectorised, with a spatial index, one process), taking turns; all must agree within 0.1%.
The last line is the JSON summary.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time

from common import bench_database, data_dir, load_reference

PID = "P01"
REPEAT = 5
LOCATIONS = 1000
SEED = 13
GOAL_STRATEGY, GOAL_APPLICATION, GOAL_REACH = 3.0, 2.0, 2.0
NEXT_YEAR = dt.date.today().year + 1


def clock(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def build_strategy(engine) -> list[int]:
    """A strategy of P01 with every part filled, through the strategy services."""
    from services.planning.areas import create_area
    from services.planning.projects import create_project
    from services.strategy.goals import create_goal
    from services.strategy.plans import update_plan
    from services.strategy.texts import update_texts

    specs = [("Ścieżka rowerowa Wysokie Mazowieckie – Ciechanowiec", "transport", "kpo",
              {"type": "LineString", "coordinates": [[22.517, 52.918], [22.601, 52.876],
                                                     [22.731, 52.681]]}),
             ("Żłobek gminny w Czyżewie", "usługi społeczne", "fe_regional",
              {"type": "Point", "coordinates": [22.311, 52.797]}),
             ("Rewitalizacja rynku w Ciechanowcu", "rewitalizacja", "fe_regional",
              {"type": "Polygon", "coordinates": [[[22.505, 52.679], [22.512, 52.679],
                                                   [22.512, 52.684], [22.505, 52.684],
                                                   [22.505, 52.679]]]}),
             ("Centrum usług społecznych w Szepietowie", "usługi społeczne", "national",
              {"type": "Point", "coordinates": [22.545, 52.868]})]
    ids = [create_project(engine, PID, {"title": t, "theme": th, "funding_source": f,
                                        "geometry": g})["id"] for t, th, f, g in specs]
    area = create_area(engine, PID, {"name": "Dolina Nurca", "kind": "river_valley",
                                     "gminas": ["2013023", "2013033"]})
    texts = {k: f"{k}: tekst przykładowy do pomiaru czasu." for k in (
        "diagnosis_conclusions", "spatial_policy", "implementation_system", "financial_frame",
        "partners_involvement")}
    update_texts(engine, PID, {"version": 1, **texts, "intervention_areas": [
        {"area_id": area["id"], "rationale": "odpływ ludności"}]})
    for position, (dimension, code) in enumerate((("social", "population"),
                                                  ("economic", "population_thousands"),
                                                  ("spatial", "population")), 1):
        create_goal(engine, PID, {
            "title": f"Cel {position}", "dimension": dimension, "position": position,
            "indicators": [{"indicator": code, "baseline_year": 2023 if "th" in code else 2022,
                            "target_value": "50", "target_year": NEXT_YEAR + 5},
                           {"name": f"Wskaźnik wpisany {position}", "unit": "szt.",
                            "baseline_year": 2024, "baseline_value": "10",
                            "baseline_source": "gminy", "target_value": "20",
                            "target_year": NEXT_YEAR + 3}],
            "directions": [{"title": f"Kierunek {position}", "project_ids": ids}]})
    for project_id in ids:
        update_plan(engine, PID, project_id, {
            "version": 1, "cofinancing_rate": "0.85", "split_method": "population",
            "tasks": [{"name": f"Zadanie {i}", "start": f"{NEXT_YEAR + i // 3}-0{1 + i % 3 * 3}-01",
                       "end": f"{NEXT_YEAR + i // 3}-0{3 + i % 3 * 3}-28", "milestone": i == 5}
                      for i in range(6)],
            "feasibility": [{"item": "land_ownership", "status": "obtained",
                             "date": f"{NEXT_YEAR - 1}-01-15"}],
            "lines": [{"year": NEXT_YEAR + y, "category": c, "total": "123456.78",
                       "eligible": "100000.00"} for y in range(2)
                      for c in ("documentation", "works", "promotion")]})
    return ids


def locations(engine):
    """LOCATIONS seeded points, each inside a randomly drawn real gmina (EPSG:2180)."""
    import geopandas as gpd
    import numpy as np
    import shapely

    with engine.connect() as conn:
        gminas = gpd.read_postgis("SELECT teryt, geom FROM gmina ORDER BY teryt", conn,
                                  geom_col="geom")
    rng = np.random.default_rng(SEED)
    points = []
    for index in rng.choice(len(gminas), LOCATIONS):
        shape = gminas.geometry.iloc[index]
        x0, y0, x1, y1 = shape.bounds
        while True:
            point = shapely.Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
            if shape.contains(point):
                points.append(point)
                break
    return points


def python_reach(engine, points, radii=(5, 10, 20)):
    """The baseline: the same buffers and interpolation with shapely/geopandas."""
    import geopandas as gpd
    import numpy as np
    import shapely

    from services.strategy.reach import QUAD_SEGS, population_source

    with engine.connect() as conn:
        code, year, factor = population_source(conn)
        gminas = gpd.read_postgis(
            "SELECT g.teryt, g.geom, v.value * %(f)s AS persons FROM gmina g LEFT JOIN"
            " indicator_value v ON v.teryt = g.teryt AND v.level = 'gmina' AND"
            " v.indicator_code = %(c)s AND v.year = %(y)s ORDER BY g.teryt", conn,
            geom_col="geom", params={"f": factor, "c": code, "y": year})
    areas = gminas.geometry.area.to_numpy()
    people = gminas["persons"].fillna(0).to_numpy()
    tree = gminas.sindex
    out = {}
    for km in radii:
        buffers = shapely.buffer(np.array(points, dtype=object), km * 1000.0,
                                 quad_segs=QUAD_SEGS)
        left, right = tree.query(buffers, predicate="intersects")
        parts = shapely.area(shapely.intersection(gminas.geometry.values[right],
                                                  buffers[left]))
        totals = np.bincount(left, weights=people[right] * parts / areas[right],
                             minlength=len(points))
        out[km] = totals
    return out


def main() -> None:
    mirror = data_dir()
    with bench_database() as (url, _pg):
        print("loading the demo's data (boundaries, indicators, partnerships)…", file=sys.stderr)
        load_reference(url, mirror)
        import shapely

        from services.db import get_engine
        from services.strategy.documents import application_document, strategy_document
        from services.strategy.reach import WORKERS, population_within

        engine = get_engine(url)
        ids = build_strategy(engine)
        cold, first = clock(lambda: strategy_document(engine, PID, "docx"))
        strategy = [clock(lambda: strategy_document(engine, PID, "docx"))[0]
                    for _ in range(REPEAT)]
        application = [clock(lambda: application_document(engine, PID, ids[0], "docx"))[0]
                       for _ in range(REPEAT)]
        strategy_pdf = clock(lambda: strategy_document(engine, PID, "pdf"))[0]

        points = locations(engine)
        wkb = {i: shapely.to_wkb(p) for i, p in enumerate(points)}
        ours, single, theirs = [], [], []
        for _ in range(3):  # taking turns, so that all meet the same load
            with engine.connect() as conn:
                seconds, found = clock(lambda conn=conn: population_within(
                    conn, None, wkb, detail=False))
            ours.append(seconds)
            with engine.connect() as conn:
                seconds, found_single = clock(lambda conn=conn: population_within(
                    conn, None, wkb, detail=False, workers=1))
            single.append(seconds)
            seconds, baseline = clock(lambda: python_reach(engine, points))
            theirs.append(seconds)
        worst = 0.0
        for answer in (found, found_single):
            for key, buffers in answer["by_key"].items():
                for b in buffers:
                    expected = baseline[b["radius_km"]][key]
                    worst = max(worst, abs(b["population"] - expected) / max(expected, 1.0))
        engine.dispose()

    ours_s, base_s = statistics.median(ours), statistics.median(theirs)
    single_s = statistics.median(single)
    load = os.getloadavg()[0]
    strategy_s, application_s = statistics.median(strategy), statistics.median(application)
    print(f"strategy DOCX of {PID}: first {cold:.2f} s, then median of {REPEAT}"
          f" {strategy_s:.2f} s, {len(first.content):,} bytes (goal ≤ {GOAL_STRATEGY} s);"
          f" PDF {strategy_pdf:.2f} s")
    print(f"application DOCX (project {ids[0]}): median of {REPEAT} {application_s:.2f} s"
          f" (goal ≤ {GOAL_APPLICATION} s)")
    print(f"population within 5/10/20 km of {LOCATIONS} locations: PostGIS on {WORKERS}"
          f" connection(s) side by side {ours_s:.2f} s, on one connection {single_s:.2f} s,"
          f" shapely/geopandas in one process {base_s:.2f} s (medians of 3; goal ≤"
          f" {GOAL_REACH} s; {os.cpu_count()} CPUs, load average {load:.1f});"
          f" largest relative difference {worst:.2e}")
    if worst > 1e-3:
        sys.exit("bench: error: PostGIS and shapely disagree by more than 0.1%")
    print(json.dumps({"metric": "reach_1000_locations_seconds", "ours": round(ours_s, 3),
                      "baseline": round(base_s, 3), "ratio": round(ours_s / base_s, 3),
                      "goal": GOAL_REACH, "unit": "s", "workers": WORKERS,
                      "one_connection_seconds": round(single_s, 3),
                      "load_average": round(load, 2),
                      "strategy_docx_seconds": round(strategy_s, 3),
                      "strategy_docx_goal": GOAL_STRATEGY,
                      "application_docx_seconds": round(application_s, 3),
                      "application_docx_goal": GOAL_APPLICATION,
                      "max_relative_difference": worst}))


if __name__ == "__main__":
    main()
