"""The kinds and limits of what users type into partnerships, areas, projects and comments.

One table each: the services check with them, the OpenAPI document turns them into enums and
``maxLength``/``maxItems``, and the workspace lists the kinds from them. A text that is too long
is refused with the field and the limit in the message, never cut.
"""

from __future__ import annotations

from core.errors import N_, Amount, BadRequest

# Kinds of functional area (code -> English label; the UI translates the label).
AREA_KINDS = {
    "fua": N_("functional urban area"),
    "tourism": N_("tourism"),
    "river_valley": N_("river valley"),
    "other": N_("other"),
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
# Project costs in PLN: above "confirm" the form asks the user to confirm the amount (a
# slipped zero is likelier than such a project); above "max" the server refuses it.
COST_LIMITS = {
    "confirm": 10_000_000_000,
    "max": 100_000_000_000,
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
        raise BadRequest("%(field_name)s must be text", details={"field": field}, field_name=field)
    value = str(value).strip()
    if len(value) > limit:
        raise BadRequest("%(field_name)s is longer than %(limit)s characters (%(count)s given)",
                         details={"field": field, "limit": limit}, field_name=field,
                         limit=Amount(limit), count=Amount(len(value)))
    printable(value, field)
    if required and not value:
        raise BadRequest("%(field_name)s must not be empty", details={"field": field},
                         field_name=field)
    return value


def printable(value: str, field: str) -> None:
    """Text PostgreSQL can store: no NUL and no unpaired UTF-16 surrogate."""
    if "\x00" in value:
        raise BadRequest("%(field_name)s holds a NUL character", details={"field": field},
                         field_name=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("%(field_name)s holds an unpaired surrogate (\\ud800-\\udfff), which is"
                         " not a character", details={"field": field}, field_name=field) from None


def whole_number(value, field: str, *, low: int = 1, high: int = MAX_VERSION) -> int:
    """A whole number in [low, high]: an int, or text of digits; never a bool or 1.5."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        digits = value.strip().lstrip("0") or "0"
        value = int(digits) if len(digits) <= 19 else high + 1  # no 4,300-digit parsing
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest("%(field_name)s must be a whole number, got %(value)s",
                         details={"field": field}, field_name=field, value=short(value))
    if not low <= value <= high:
        raise BadRequest("%(field_name)s must be between %(low)s and %(high)s",
                         details={"field": field}, field_name=field, low=low, high=Amount(high))
    return value


def id_list(value, field: str) -> list[int]:
    """A list of ids (whole numbers, no booleans) within its length limit."""
    value = value or []
    if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 2**63 - 1
            for v in value):
        raise BadRequest("%(field_name)s must be a list of ids (whole numbers)",
                         details={"field": field}, field_name=field)
    limited(value, field)
    return sorted(set(value))


def limited(value: list, field: str) -> None:
    limit = LIST_LIMITS[field]
    if len(value) > limit:
        raise BadRequest("%(field_name)s holds more than %(limit)s items (%(count)s given)",
                         details={"field": field, "limit": limit}, field_name=field,
                         limit=Amount(limit), count=Amount(len(value)))


def crs(value, field: str = "crs") -> str:
    """A coordinate reference system pyproj knows (default EPSG:4326)."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    if value is None or value == "":
        raise BadRequest("%(field_name)s must be a coordinate system such as EPSG:2180, not empty",
                         details={"field": field}, field_name=field)
    if not isinstance(value, str):
        raise BadRequest("%(field_name)s must be text such as EPSG:2180, got %(value)s",
                         details={"field": field}, field_name=field, value=short(value))
    text(value, field, "crs")
    try:
        CRS.from_user_input(value)
    except CRSError:
        raise BadRequest("%(field_name)s %(value)s is not a coordinate system; use e.g."
                         " EPSG:2180 or EPSG:4326", details={"field": field}, field_name=field,
                         value=short(value)) from None
    return value


def short(value) -> str:
    """A value shown in a message, cut to 40 characters (messages never echo a long input)."""
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."
