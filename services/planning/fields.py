"""The kinds and limits of what users type into partnerships, areas, projects and comments.

One table each: the services check with them, the OpenAPI document turns them into enums and
``maxLength``/``maxItems``, and the workspace lists the kinds from them. A text that is too long
is refused with the field and the limit in the message, never cut.
"""

from __future__ import annotations

from core.errors import BadRequest

# Kinds of functional area (code -> English label; the UI translates the label).
AREA_KINDS = {
    "fua": "functional urban area",
    "tourism": "tourism",
    "river_valley": "river valley",
    "other": "other",
}
# How an area's outline was made: the union of chosen gminas, or drawn on the map (a
# regionalisation proposal accepted as an area is a set of gminas).
DELINEATIONS = {
    "gminas": "union of gminas",
    "drawn": "drawn on the map",
}

# Longest text, in characters, per field ("object.field"); the database holds the same
# bounds where it has them (partnership.name, functional_area.name, project.title).
TEXT_LIMITS = {
    "partnership.name": 300,
    "area.name": 300,
    "area.description": 10_000,
    "project.title": 500,
    "project.description": 10_000,
    "project.theme": 200,
    "milestone.name": 300,
    "change.comment": 2_000,   # the note kept with a version in the history
    "comment.body": 5_000,
    "comment.object_id": 20,
    "crs": 100,
    "teryt": 7,
}
# Longest lists per field.
LIST_LIMITS = {
    "gminas": 2_500,
    "area_ids": 1_000,
    "milestones": 200,
    "members": 3_000,
}
MAX_VERSION = 2**31 - 1  # object versions are PostgreSQL integers


def text(value, field: str, limit_key: str, *, required: bool = False) -> str:
    """``value`` as stripped text within its limit; numbers from files become text."""
    limit = TEXT_LIMITS[limit_key]
    if value is None:
        value = ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadRequest(f"{field} must be text", details={"field": field})
    value = str(value).strip()
    if len(value) > limit:
        raise BadRequest(f"{field} is longer than {limit:,} characters ({len(value):,} given)",
                         details={"field": field, "limit": limit})
    printable(value, field)
    if required and not value:
        raise BadRequest(f"{field} must not be empty", details={"field": field})
    return value


def printable(value: str, field: str) -> None:
    """Text PostgreSQL can store: no NUL and no unpaired UTF-16 surrogate."""
    if "\x00" in value:
        raise BadRequest(f"{field} holds a NUL character", details={"field": field})
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest(f"{field} holds an unpaired surrogate (\\ud800-\\udfff), which is"
                         " not a character", details={"field": field}) from None


def whole_number(value, field: str, *, low: int = 1, high: int = MAX_VERSION) -> int:
    """A whole number in [low, high]: an int, or text of digits; never a bool or 1.5."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        digits = value.strip().lstrip("0") or "0"
        value = int(digits) if len(digits) <= 19 else high + 1  # no 4,300-digit parsing
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{field} must be a whole number, got {short(value)}",
                         details={"field": field})
    if not low <= value <= high:
        raise BadRequest(f"{field} must be between {low} and {high:,}",
                         details={"field": field})
    return value


def id_list(value, field: str) -> list[int]:
    """A list of ids (whole numbers, no booleans) within its length limit."""
    value = value or []
    if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 2**63 - 1
            for v in value):
        raise BadRequest(f"{field} must be a list of ids (whole numbers)",
                         details={"field": field})
    limited(value, field)
    return sorted(set(value))


def limited(value: list, field: str) -> None:
    limit = LIST_LIMITS[field]
    if len(value) > limit:
        raise BadRequest(f"{field} holds more than {limit:,} items ({len(value):,} given)",
                         details={"field": field, "limit": limit})


def crs(value, field: str = "crs") -> str:
    """A coordinate reference system pyproj knows (default EPSG:4326)."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    if value is None or value == "":
        raise BadRequest(f"{field} must be a coordinate system such as EPSG:2180, not empty",
                         details={"field": field})
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be text such as EPSG:2180, got {short(value)}",
                         details={"field": field})
    text(value, field, "crs")
    try:
        CRS.from_user_input(value)
    except CRSError:
        raise BadRequest(f"{field} {short(value)} is not a coordinate system; use e.g."
                         " EPSG:2180 or EPSG:4326", details={"field": field}) from None
    return value


def short(value) -> str:
    """A value shown in a message, cut to 40 characters (messages never echo a long input)."""
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."
