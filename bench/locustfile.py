"""Users of the map, its data and the API (bench/load.py runs this with locust)."""

import os

from locust import HttpUser, between, task

TOKEN = os.environ.get("BENCH_TOKEN", "")
MODE = os.environ.get("BENCH_MODE", "app")
AUTH = {"Authorization": f"Bearer {TOKEN}"} if TOKEN else {}


class MapUser(HttpUser):
    wait_time = between(0.05, 0.2)

    def on_start(self):
        self.client.headers.update({"Accept-Encoding": "gzip, deflate"})

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
        self.client.get("/api/v1/partnerships", headers=AUTH, name="partnerships")
        self.client.get("/api/v1/projects?partnership=P01", headers=AUTH, name="projects")
        self.client.get("/api/v1/comparison/20", headers=AUTH, name="comparison")

    @task(1)
    def static(self):
        self.client.get("/static/vendor/leaflet/leaflet.js", name="static leaflet.js")
