"""The BDL API client against a local server replaying the recorded real responses.

The recorded responses (``bdl_api/samples``) hold the results of real calls; the local server
wraps them in the API's paging envelope (``links.next``) one unit per page, answers 429 once,
and records every request, so paging, back-off, caching and headers are all exercised.
"""

import functools
import http.server
import json
import threading
from urllib.parse import parse_qs, urlparse

import pytest
import sqlalchemy as sa

from layers.bdl import BdlClient, Limits, RateLimiter, unit_to_teryt
from services.config import Settings
from services.indicators.bdl import fetch_variable


class Recorder(http.server.BaseHTTPRequestHandler):
    def __init__(self, samples, log, *args, **kwargs):
        self.samples, self.log = samples, log
        super().__init__(*args, **kwargs)

    def log_message(self, *args):
        pass

    def _send(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802
        url = urlparse(self.path)
        query = parse_qs(url.query)
        self.log.append((url.path, query, self.headers.get("X-ClientId")))
        if url.path.startswith("/api/v1/variables/"):
            return self._send(200, self.samples["variable"])
        if url.path.startswith("/api/v1/data/by-variable/"):
            results = self.samples["data"]
            page = int(query.get("page", ["0"])[0])
            if page == 1 and not self.samples.setdefault("refused_once", False):
                self.samples["refused_once"] = True
                return self._send(429, {"error": "too many requests"}, [("Retry-After", "0")])
            base = f"http://127.0.0.1:{self.server.server_port}{url.path}?{url.query}"
            body = {"totalRecords": len(results), "page": page, "pageSize": 1,
                    "links": {"self": base}, "results": results[page:page + 1]}
            if page + 1 < len(results):
                body["links"]["next"] = base.split("&page=")[0] + f"&page={page + 1}"
            return self._send(200, body)
        return self._send(404, {"error": "no such path"})


@pytest.fixture
def bdl_server(data_dir):
    folder = data_dir / "bdl_api" / "samples"
    samples = {
        "variable": json.loads((folder / "samples_raw_variables.json").read_text())["get_variable"],
        "data": json.loads((folder / "samples_raw_data.json").read_text())["get_data_by_variable"],
    }
    log = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Recorder, samples, log))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/api/v1", log, samples
    server.shutdown()


def test_unit_ids_map_to_teryt():
    assert unit_to_teryt("023016121132") == ("gmina", "3021132")  # README's example
    assert unit_to_teryt("011200000000") == ("voivodeship", "12")
    assert unit_to_teryt("000000000000") == ("country", "PL")
    assert unit_to_teryt("010000000000") is None  # a macroregion is no JST
    assert unit_to_teryt("023010000000") is None  # a region
    with pytest.raises(ValueError):
        unit_to_teryt("12")


def test_pages_back_off_cache_and_client_id(bdl_server, tmp_path):
    url, log, samples = bdl_server
    sleeps = []
    limiter = RateLimiter(Limits(5, 100), sleep=sleeps.append)
    client = BdlClient(tmp_path, base_url=url, client_id="abc", limiter=limiter)
    units = list(client.data_by_variable(10, [2023, 2024]))
    assert [u["id"] for u in units] == [u["id"] for u in samples["data"]]
    data_requests = [entry for entry in log if "by-variable" in entry[0]]
    assert len(data_requests) == 4  # three pages and one refused with 429
    assert all(entry[2] == "abc" for entry in log)
    first = data_requests[0][1]
    assert first["unit-level"] == ["6"] and first["year"] == ["2023", "2024"]
    assert first["page-size"] == ["100"]
    assert 0 in sleeps  # the server's Retry-After: 0 was honoured
    again = BdlClient(tmp_path, base_url=url, limiter=limiter)
    assert len(list(again.data_by_variable(10, [2023, 2024]))) == 3
    assert again.requests_sent == 0 and again.from_cache == 3


def test_rate_limiter_keeps_to_the_published_limits():
    now = [0.0]
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(Limits(5, 100), clock=lambda: now[0], sleep=sleep)
    for _ in range(101):
        limiter.wait()
    assert waits[0] == pytest.approx(0.2)
    assert now[0] >= 15 * 60  # the 101st request waited for the 15-minute window


def test_fetch_stores_the_variable(bdl_server, fresh_engine, fresh_db_url, boundaries_dir,
                                   tmp_path):
    from services.reference.boundaries import load_boundaries

    load_boundaries(fresh_engine, boundaries_dir / "gminy.geojson", "gmina", as_of="2020-01-01")
    url, _, samples = bdl_server
    report = fetch_variable(fresh_engine, Settings(database_url=fresh_db_url,
                                                   cache_dir=tmp_path), 10, [2023, 2024],
                            base_url=url)
    assert report["indicator"] == "bdl_10" and report["name"] == "ogółem – 25-29"
    assert report["skipped"] == {"not a gmina, powiat or voivodeship": 1}
    with fresh_engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT level, teryt, year, value FROM indicator_value WHERE indicator_code ="
            " 'bdl_10' AND year = 2024 ORDER BY level")).all()
    poland = next(u for u in samples["data"] if u["id"] == "000000000000")
    value_2024 = next(v["val"] for v in poland["values"] if v["year"] == "2024")
    assert ("country", "PL", 2024, value_2024) in [tuple(r) for r in rows]
    assert {r[0] for r in rows} == {"country", "voivodeship"}
