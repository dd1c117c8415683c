"""Users of the map, its data and the API (bench/load.py runs this with locust).

BENCH_MODE "app": 32 users browse (pages, layers, indicator maps, the API); "static": the same
users on one static file (the baseline); "mixed": 8 clients ask natural breaks that are not
cached (another indicator, year, k or voivodeship each time) while the others browse and one
asks /healthz twice a second. In "mixed" every request's time goes to BENCH_OUT (JSON lines).
"""

import itertools
import json
import os
import random

from locust import HttpUser, between, events, task

TOKEN = os.environ.get("BENCH_TOKEN", "")
TOKENS = [t for t in os.environ.get("BENCH_TOKENS", "").split(",") if t]
MODE = os.environ.get("BENCH_MODE", "app")
AUTH = {"Authorization": f"Bearer {TOKEN}"} if TOKEN else {}
_next_token = itertools.count()


class MapUser(HttpUser):
    wait_time = between(0.05, 0.2)
    abstract = MODE == "mixed"

    def on_start(self):
        self.client.headers.update({"Accept-Encoding": "gzip, deflate"})
        self.auth = AUTH
        if TOKENS:  # each user its own client (sessions, tokens): limits are per client
            token = TOKENS[next(_next_token) % len(TOKENS)]
            self.auth = {"Authorization": f"Bearer {token}"}
            self.client.headers.update(self.auth)

    @task(3)
    def overview(self):
        if MODE == "static":
            return self.static()
        self.client.get("/", name="page /")

    @task(6)
    def layer(self):
        if MODE == "static":
            return self.static()
        self.client.get("/api/v1/layers/gmina?zoom=6", name="layer zoom 6")
        self.client.get("/api/v1/layers/gmina?zoom=10&voivodeship=20", name="layer zoom 10")

    @task(6)
    def values(self):
        if MODE == "static":
            return self.static()
        self.client.get("/api/v1/indicators/marginalisation_risk/map?method=natural_breaks",
                        name="indicator map")

    @task(4)
    def api(self):
        if MODE == "static":
            return self.static()
        self.client.get("/api/v1/partnerships", headers=self.auth, name="partnerships")
        self.client.get("/api/v1/projects?partnership=P01", headers=self.auth, name="projects")
        self.client.get("/api/v1/comparison/20", headers=self.auth, name="comparison")

    @task(1)
    def static(self):
        self.client.get("/static/vendor/leaflet/leaflet.js", name="static leaflet.js")


class BreaksUser(HttpUser):
    """Natural breaks no one asked for before: each one is computed."""

    wait_time = between(0, 0.05)
    fixed_count = 8
    abstract = MODE != "mixed"

    def on_start(self):
        MapUser.on_start(self)
        held = self.client.get("/api/v1/indicators", name="breaks: catalogue").json()
        self.choices = [(i["code"], year) for i in held if "gmina" in i["levels"]
                        for year in i["years"]]

    @task
    def uncached(self):
        code, year = random.choice(self.choices)
        scope = random.choice([""] * 8 + [f"&voivodeship={2 * random.randint(1, 16):02d}"])
        url = (f"/api/v1/indicators/{code}/map?method=natural_breaks&year={year}"
               f"&k={random.randint(2, 9)}{scope}")
        with self.client.get(url, name="natural breaks, not cached",
                             catch_response=True) as response:
            if response.status_code in (429, 503) and response.headers.get("Retry-After"):
                response.success()  # the bound at work: counted apart, not an error
                events.request.fire(request_type="THROTTLED", name="natural breaks throttled",
                                    response_time=0, response_length=0, exception=None,
                                    context={})
            elif response.status_code == 422:
                response.success()  # fewer distinct values than classes in that scope


class HealthUser(HttpUser):
    wait_time = between(0.5, 0.5)
    fixed_count = 1
    abstract = MODE != "mixed"

    @task
    def healthz(self):
        self.client.get("/healthz", name="healthz", timeout=10)


class BrowseUser(MapUser):
    abstract = MODE != "mixed"


_records = []


@events.request.add_listener
def _record(request_type, name, response_time, exception, context=None, **_kw):
    if MODE == "mixed":
        _records.append((request_type, name, response_time, exception is not None))


@events.quitting.add_listener
def _write(environment, **_kw):
    out = os.environ.get("BENCH_OUT")
    if out and MODE == "mixed":
        with open(out, "w") as fh:
            for request_type, name, ms, failed in _records:
                fh.write(json.dumps({"type": request_type, "name": name, "ms": ms,
                                     "failed": failed}) + "\n")
