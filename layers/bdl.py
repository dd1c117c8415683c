"""A client of the GUS Bank Danych Lokalnych API (https://bdl.stat.gov.pl/api/v1).

Pages through ``links.next``, keeps to the published limits (anonymous: 5 requests a second
and 100 in 15 minutes; more with an X-ClientId), backs off on 429 and server errors, and caches
every page on disk so that a repeated fetch sends nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import requests

from core.errors import PartnerstwaError

BASE_URL = "https://bdl.stat.gov.pl/api/v1"
PAGE_SIZE = 100


class BdlError(PartnerstwaError):
    status = 502
    code = "bdl_unavailable"


@dataclass
class Limits:
    per_second: float
    per_window: int
    window_s: float = 15 * 60

    @classmethod
    def for_client(cls, client_id: str | None) -> Limits:
        # Published limits: anonymous 5/s and 100 per 15 min; registered 10/s and 1,000.
        return cls(10, 1000) if client_id else cls(5, 100)


@dataclass
class RateLimiter:
    limits: Limits
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    sent: deque = field(default_factory=deque)

    def wait(self) -> None:
        now = self.clock()
        while self.sent and now - self.sent[0] >= self.limits.window_s:
            self.sent.popleft()
        delay = 0.0
        if self.sent:
            delay = max(delay, self.sent[-1] + 1.0 / self.limits.per_second - now)
        if len(self.sent) >= self.limits.per_window:
            delay = max(delay, self.sent[0] + self.limits.window_s - now)
        if delay > 0:
            self.sleep(delay)
        self.sent.append(self.clock())


def unit_to_teryt(unit_id: str) -> tuple[str, str] | None:
    """(level, TERYT) of a 12-character BDL unit id, or None for non-JST levels.

    Layout: macroregion [0:2], voivodeship [2:4], region [4], subregion [5:7], powiat [7:9],
    gmina [9:11], type [11]; e.g. 023016121132 -> gmina 3021132.
    """
    if len(unit_id) != 12 or not unit_id.isdigit():
        raise ValueError(f"not a BDL unit id: {unit_id!r}")
    if unit_id == "0" * 12:
        return "country", "PL"
    if unit_id[9:11] != "00":
        return "gmina", unit_id[2:4] + unit_id[7:11] + unit_id[11]
    if unit_id[7:9] != "00":
        return "powiat", unit_id[2:4] + unit_id[7:9]
    if unit_id[2:4] != "00" and unit_id[4:] == "0" * 8:
        return "voivodeship", unit_id[2:4]
    return None  # macroregion, region or subregion


class BdlClient:
    def __init__(self, cache_dir: Path, *, base_url: str = BASE_URL,
                 client_id: str | None = None, session: requests.Session | None = None,
                 limiter: RateLimiter | None = None, retries: int = 5,
                 timeout: float = 30.0):
        self.cache_dir = cache_dir
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.session = session or requests.Session()
        self.limiter = limiter or RateLimiter(Limits.for_client(client_id))
        self.retries = retries
        self.timeout = timeout
        self.requests_sent = 0
        self.from_cache = 0

    def _cache_path(self, url: str) -> Path:
        return self.cache_dir / "bdl" / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".json")

    def get(self, url: str) -> dict:
        cached = self._cache_path(url)
        if cached.exists():
            self.from_cache += 1
            return json.loads(cached.read_text())
        headers = {"Accept": "application/json"}
        if self.client_id:
            headers["X-ClientId"] = self.client_id
        delay = 1.0
        for attempt in range(self.retries + 1):
            self.limiter.wait()
            try:
                response = self.session.get(url, headers=headers, timeout=self.timeout)
            except requests.RequestException as exc:
                if attempt == self.retries:
                    raise BdlError("the BDL API did not answer (%(kind)s) for"
                                   " %(url)s", kind=type(exc).__name__, url=url) from exc
                self.limiter.sleep(delay)
                delay *= 2
                continue
            self.requests_sent += 1
            if response.status_code == 429 or response.status_code >= 500:
                if attempt == self.retries:
                    break
                retry_after = response.headers.get("Retry-After", "")
                wait = float(retry_after) if retry_after.replace(".", "", 1).isdigit() else delay
                self.limiter.sleep(wait)
                delay *= 2
                continue
            if response.status_code == 404:
                raise BdlError("the BDL API has no such resource: %(url)s", url=url)
            if not response.ok:
                raise BdlError("the BDL API answered %(status_code)s for %(url)s",
                               status_code=response.status_code, url=url)
            data = response.json()
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(".part")
            tmp.write_text(json.dumps(data))
            tmp.replace(cached)
            return data
        raise BdlError("the BDL API kept refusing (429/5xx) after %(retries)s retries: %(url)s",
                       retries=self.retries, url=url)

    def pages(self, path: str, params: list[tuple[str, str]]) -> Iterator[dict]:
        """Every page of a listing, following ``links.next``."""
        url = f"{self.base_url}/{path.lstrip('/')}?" + urlencode(
            params + [("page-size", str(PAGE_SIZE)), ("format", "json")])
        while url:
            page = self.get(url)
            yield page
            url = (page.get("links") or {}).get("next")

    def variable(self, variable_id: int) -> dict:
        return self.get(f"{self.base_url}/variables/{int(variable_id)}?format=json")

    def data_by_variable(self, variable_id: int, years: list[int], *, unit_level: int = 6
                         ) -> Iterator[dict]:
        params = [("unit-level", str(unit_level))] + [("year", str(y)) for y in years]
        for page in self.pages(f"data/by-variable/{int(variable_id)}", params):
            yield from page.get("results", [])
