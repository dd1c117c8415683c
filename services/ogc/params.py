"""Checking the query parameters of OGC API – Features: bbox, crs, datetime, limit, offset.

Every check raises ``OgcInvalidParameter`` (400) with the reason; nothing reaches SQL unchecked.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from core.errors import BadRequest, NotFound
from services.ogc.collections import CRS84, EPSG2180

# Spellings clients use for the two CRSs we serve, mapped to the canonical URI.
CRS_ALIASES = {
    CRS84: CRS84, "CRS84": CRS84, "OGC:CRS84": CRS84, "[OGC:CRS84]": CRS84,
    "http://www.opengis.net/def/crs/OGC/0/CRS84": CRS84,
    EPSG2180: EPSG2180, "EPSG:2180": EPSG2180, "[EPSG:2180]": EPSG2180,
    "http://www.opengis.net/def/crs/EPSG/0/2180/": EPSG2180,
}
SRID = {CRS84: 4326, EPSG2180: 2180}

# Poland with a margin, per CRS: (min axis 1, min axis 2, max axis 1, max axis 2) in the CRS's
# own axis order (CRS84: lon, lat; EPSG:2180: northing, easting).
POLAND = {CRS84: (13.5, 48.5, 24.8, 55.5), EPSG2180: (90_000, 130_000, 820_000, 900_000)}
DEFAULT_LIMIT = 10


class OgcInvalidParameter(BadRequest):
    code = "InvalidParameterValue"


class OgcNotFound(NotFound):
    code = "NotFound"


@dataclass(frozen=True)
class Bbox:
    """A box in EPSG:2180 or CRS84 in PostGIS order (x = easting / longitude)."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float
    srid: int


def parse_crs(raw: str | None, name: str = "crs") -> str:
    if raw is None or raw == "":
        return CRS84
    uri = CRS_ALIASES.get(raw.strip())
    if uri is None:
        raise OgcInvalidParameter("%(name)s %(raw)r is not offered; use %(crs84)s or"
                                  " %(epsg2180)s", name=name, raw=raw[:80], crs84=CRS84,
                                  epsg2180=EPSG2180)
    return uri


def parse_bbox(raw: str | None, bbox_crs: str | None = None) -> Bbox | None:
    if raw is None:
        return None
    crs = parse_crs(bbox_crs, "bbox-crs")
    parts = raw.split(",")
    if len(parts) not in (4, 6):
        raise OgcInvalidParameter("bbox needs 4 numbers (or 6 with heights): minx,miny,maxx,maxy")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise OgcInvalidParameter("bbox holds something that is not a number: %(raw)r", raw=raw[:80]
                                  ) from None
    if not all(math.isfinite(n) for n in numbers):
        raise OgcInvalidParameter("bbox numbers must be finite")
    if len(numbers) == 6:  # heights are ignored: the data are two-dimensional
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    a1, a2, b1, b2 = numbers
    if crs == CRS84:
        if not (-180 <= a1 <= 180 and -180 <= b1 <= 180 and -90 <= a2 <= 90 and -90 <= b2 <= 90):
            raise OgcInvalidParameter("bbox in CRS84 needs longitudes in [-180, 180] and"
                                      " latitudes in [-90, 90]")
        if a1 > b1:
            raise OgcInvalidParameter("a bbox across the antimeridian (minx > maxx) is not"
                                      " supported: the data lie in Poland")
    if a2 > b2 or a1 > b1:
        raise OgcInvalidParameter("bbox minimum is above its maximum")
    p1, p2, q1, q2 = POLAND[crs]
    if b1 < p1 or a1 > q1 or b2 < p2 or a2 > q2:
        raise OgcInvalidParameter("bbox lies outside Poland; no data there")
    # Clipped to Poland: reprojecting a world-wide box to EPSG:2180 would not be finite.
    a1, a2, b1, b2 = max(a1, p1), max(a2, p2), min(b1, q1), min(b2, q2)
    if crs == EPSG2180:  # axis order of EPSG:2180 is northing, easting
        return Bbox(a2, a1, b2, b1, 2180)
    return Bbox(a1, a2, b1, b2, 4326)


def parse_int(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise OgcInvalidParameter("%(name)s must be a whole number, got %(raw)r", name=name,
                                  raw=raw[:40]) from None
    if not low <= value <= high:
        raise OgcInvalidParameter("%(name)s must be between %(low)s and %(high)s, got %(value)s",
                                  name=name, low=low, high=high, value=value)
    return value


def _instant(text: str, end: bool) -> dt.date | None:
    if text in ("..", ""):
        return None
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        raise OgcInvalidParameter("datetime %(text)r is not an RFC 3339 date or"
                                  " date-time", text=text[:40]) from None


def parse_datetime(raw: str | None) -> tuple[dt.date | None, dt.date | None] | None:
    """An instant or an interval ``start/end`` (``..`` open) as inclusive dates."""
    if raw is None:
        return None
    if "/" in raw:
        start_text, _, end_text = raw.partition("/")
        start, end = _instant(start_text, False), _instant(end_text, True)
        if start and end and start > end:
            raise OgcInvalidParameter("datetime interval ends before it starts")
        return start, end
    day = _instant(raw, False)
    if day is None:
        raise OgcInvalidParameter("datetime needs a date, a date-time or an interval")
    return day, day


def cast_value(raw: str, kind: str, name: str):
    """A property filter's value in the property's type."""
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            value = float(raw)
            if not math.isfinite(value):
                raise ValueError
            return value
        if kind == "boolean":
            if raw.lower() not in ("true", "false"):
                raise ValueError
            return raw.lower() == "true"
        if kind == "date":
            return dt.date.fromisoformat(raw)
    except ValueError:
        raise OgcInvalidParameter("%(name)s must be of type %(kind)s, got %(raw)r", name=name,
                                  kind=kind, raw=raw[:40]) from None
    if "\x00" in raw or len(raw) > 300:
        raise OgcInvalidParameter("%(name)s is too long or holds a NUL character", name=name)
    return raw
