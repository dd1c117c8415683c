"""The checks of what users type into the strategy and the project package.

Every refusal names its field (``field=``, e.g. ``indicators[0].target_year``) and is an
English template with placeholders that web/translations turns into Polish. Money is Decimal,
never float: amounts with more than two decimals are refused, not rounded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from core.errors import BadRequest, InvalidInput
from services.planning.fields import printable, short

MAX_MONEY = Decimal("1e14")  # numeric(16, 2)
MAX_VALUE = Decimal("1e16")  # numeric(20, 4)
MIN_YEAR, MAX_YEAR = 1950, 2100
TEXT_LIMITS = {"title": 500, "name": 300, "description": 10_000, "note": 2_000,
               "unit": 100, "source": 1_000, "rationale": 10_000, "comment": 2_000}
MAX_ITEMS = 200  # indicators, directions, tasks, budget lines, shares of one object


def text(value, field: str, limit: str, *, required: bool = False, long: int | None = None
         ) -> str:
    size = long or TEXT_LIMITS[limit]
    if value is None:
        value = ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadRequest("%(name)s must be text", field=field, name=field)
    value = str(value).strip()
    if len(value) > size:
        raise InvalidInput("%(name)s is longer than %(limit)s characters", field=field, name=field,
                           limit=size)
    printable(value, field)
    if required and not value:
        raise InvalidInput("%(name)s must not be empty", field=field, name=field)
    return value


def items(value, field: str) -> list:
    value = [] if value is None else value
    if not isinstance(value, list):
        raise BadRequest("%(name)s must be a list", field=field, name=field)
    if len(value) > MAX_ITEMS:
        raise InvalidInput("%(name)s holds more than %(limit)s items", field=field, name=field,
                           limit=MAX_ITEMS)
    if not all(isinstance(v, dict) for v in value):
        raise BadRequest("%(name)s must be a list of objects", field=field, name=field)
    return value


def only(item: dict, allowed: set, field: str) -> None:
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise BadRequest("%(name)s: unknown field %(unknown)s; fields: %(allowed)s",
                         field=field, name=field, unknown=", ".join(unknown),
                         allowed=", ".join(sorted(allowed)))


def choice(value, codes, field: str) -> str:
    if not isinstance(value, str) or value not in codes:
        raise InvalidInput("%(name)s must be one of %(codes)s, not %(value)s", field=field,
                           name=field,
                           codes=", ".join(codes), value=short(value))
    return value


def number(value, field: str, *, required: bool = True) -> Decimal | None:
    """A decimal number (numbers, or text with a decimal comma or point)."""
    if value is None or value == "":
        if required:
            raise InvalidInput("%(name)s must not be empty", field=field, name=field)
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise InvalidInput("%(name)s must be a number, not %(value)s", field=field, name=field,
                           value=short(value))
    raw = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        out = Decimal(raw)
    except InvalidOperation:
        raise InvalidInput("%(name)s must be a number, not %(value)s", field=field, name=field,
                           value=short(value)) from None
    if not out.is_finite() or abs(out) >= MAX_VALUE:
        raise InvalidInput("%(name)s must be a number, not %(value)s", field=field, name=field,
                           value=short(value))
    if out.as_tuple().exponent < -4:
        raise InvalidInput("%(name)s has more than four decimal places", field=field, name=field)
    return out


def money(value, field: str) -> Decimal:
    """An amount in PLN: not negative, at most two decimal places (grosze)."""
    out = number(value, field)
    if out < 0:
        raise InvalidInput("%(name)s must not be negative", field=field, name=field)
    if out.as_tuple().exponent < -2:
        raise InvalidInput("%(name)s has more than two decimal places (grosze)", field=field,
                           name=field)
    if out >= MAX_MONEY:
        raise InvalidInput("%(name)s is too large", field=field, name=field)
    return out.quantize(Decimal("0.01"))


def year(value, field: str, *, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            raise InvalidInput("%(name)s must not be empty", field=field, name=field)
        return None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 4:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not (
            MIN_YEAR <= value <= MAX_YEAR):
        raise InvalidInput("%(name)s must be a year between %(low)s and %(high)s, not"
                           " %(value)s", field=field, name=field, low=MIN_YEAR, high=MAX_YEAR,
                           value=short(value))
    return value


def date(value, field: str, *, required: bool = True) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise InvalidInput("%(name)s must not be empty", field=field, name=field)
        return None
    if isinstance(value, dt.date):
        return value
    try:
        out = dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 \
            else None
    except ValueError:
        out = None
    if out is None or not MIN_YEAR <= out.year <= MAX_YEAR:
        raise InvalidInput("%(name)s must be a date YYYY-MM-DD, not %(value)s", field=field,
                           name=field,
                           value=short(value))
    return out


def flag(value, field: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadRequest("%(name)s must be true or false", field=field, name=field)
    return value


def identifier(value, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**63 - 1:
        raise BadRequest("%(name)s must be an id (a whole number)", field=field, name=field)
    return value


def ids(value, field: str) -> list[int]:
    value = [] if value is None else value
    if not isinstance(value, list) or len(value) > 1000:
        raise BadRequest("%(name)s must be a list of ids", field=field, name=field)
    return sorted({identifier(v, field) for v in value})
