"""Opening, changing, closing and reading consultations (experts of the partnership)."""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from core.errors import Conflict, InvalidInput, NotFound
from services.access.rules import SYSTEM, Principal, audit, require_read, require_write
from services.consultations.kinds import CATEGORIES, LIMITS, QUESTION_KINDS, STATUSES
from services.consultations.times import POLISH_TIME, day_end, moment_of, polish

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")
TEXTS = {"title": (1, 200), "introduction": (0, 4000), "controller": (1, 1000),
         "purpose": (1, 1000)}
DEFAULT_DAYS = 30
YEARS = (2000, 2100)  # dates of a consultation (a typo like 0001 or 9999 is refused)
COLUMNS = ("id, partnership_id, slug, title, introduction, controller, purpose, opens_at,"
           " closes_at, categories, questions, allow_lines, allow_areas, status, created_by,"
           " created_at, updated_at")


def slugify(text: str) -> str:
    """ASCII, lower case, words joined by '-', at most 50 characters."""
    ascii_text = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:50].strip("-")


def _text(data: dict, name: str, current: str | None = None) -> str:
    low, high = TEXTS[name]
    value = data.get(name, current if current is not None else "")
    if not isinstance(value, str):
        raise InvalidInput("%(name)s must be text", details={"field": name}, name=name)
    value = value.strip()
    if len(value) < low:
        raise InvalidInput("%(name)s must not be empty", details={"field": name}, name=name)
    if len(value) > high:
        raise InvalidInput("%(name)s is longer than %(limit)s characters (%(given)s given)",
                           details={"field": name}, name=name, limit=high, given=len(value))
    return value


def _moment(value, name: str, default: datetime) -> datetime:
    """A date means the whole Polish day (``times``): opening at its start, closing at its
    end; a time without an offset is Polish time."""
    if value is None or value == "":
        return default
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=POLISH_TIME)
    else:
        try:
            moment = moment_of(str(value), closing=name == "closes_at")
        except ValueError:
            raise InvalidInput("%(name)s must be a date or a date and time (YYYY-MM-DD or"
                               " YYYY-MM-DDTHH:MM), got %(value)r", details={"field": name},
                               name=name, value=str(value)[:40]) from None
        except OverflowError:  # the day after 9999-12-31, or 0001-01-01 00:00 Warsaw in UTC
            moment = None
    try:  # year 1 with a positive offset is before datetime.min in UTC: an OverflowError
        in_utc = moment.astimezone(UTC) if moment is not None else None
    except OverflowError:
        in_utc = None
    if in_utc is None or not YEARS[0] <= in_utc.year <= YEARS[1]:
        raise InvalidInput("%(name)s must be a date between the years %(first)s and %(last)s",
                           details={"field": name}, name=name, first=YEARS[0], last=YEARS[1])
    return moment


def _categories(codes) -> list[str]:
    if codes is None:
        return list(CATEGORIES)
    if not isinstance(codes, list) or not codes:
        raise InvalidInput("categories must be a non-empty list of %(categories)s",
                           details={"field": "categories"}, categories=", ".join(CATEGORIES))
    unknown = [str(c)[:40] for c in codes if c not in CATEGORIES]
    if unknown:
        raise InvalidInput("unknown category %(category)r; categories: %(categories)s",
                           details={"field": "categories"}, category=unknown[0],
                           categories=", ".join(CATEGORIES))
    return [c for c in CATEGORIES if c in codes]  # the table's order, no duplicates


def _questions(items) -> list[dict]:
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > LIMITS.questions:
        raise InvalidInput("questions must be a list of at most %(limit)s",
                           details={"field": "questions"}, limit=LIMITS.questions)
    out = []
    for number, item in enumerate(items, 1):
        where = f"questions.{number - 1}"
        if not isinstance(item, dict):
            raise InvalidInput("question %(n)s must be an object", details={"field": where},
                               n=number)
        text = item.get("text")
        kind = item.get("kind", "text")
        options = item.get("options") or []
        if not isinstance(text, str) or not 1 <= len(text.strip()) <= 200:
            raise InvalidInput("question %(n)s: the text must have 1 to 200 characters",
                               details={"field": where + ".text"}, n=number)
        if kind not in QUESTION_KINDS:
            raise InvalidInput("question %(n)s: kind must be one of %(kinds)s",
                               details={"field": where + ".kind"}, n=number,
                               kinds=", ".join(QUESTION_KINDS))
        if kind == "text":
            options = []
        elif (not isinstance(options, list) or not 2 <= len(options) <= LIMITS.options
              or not all(isinstance(o, str) and 1 <= len(o.strip()) <= 100 for o in options)
              or len({o.strip() for o in options}) != len(options)):
            raise InvalidInput("question %(n)s: a choice question needs 2 to %(limit)s"
                               " different options of 1 to 100 characters",
                               details={"field": where + ".options"}, n=number,
                               limit=LIMITS.options)
        out.append({"code": f"q{number}", "text": text.strip(), "kind": kind,
                    "options": [o.strip() for o in options]})
    return out


def _checked(data: dict, current: dict | None = None) -> dict:
    now = datetime.now(UTC)
    current = current or {}
    fields = {name: _text(data, name, current.get(name)) for name in TEXTS}
    opens = _moment(data.get("opens_at"), "opens_at", current.get("opens_at") or now)
    # By default open for DEFAULT_DAYS whole days after the opening one (Polish days).
    closes = _moment(data.get("closes_at"), "closes_at", current.get("closes_at") or day_end(
        polish(opens).date() + timedelta(days=DEFAULT_DAYS)))
    if closes <= opens:
        raise InvalidInput("closes_at must be after opens_at", details={"field": "closes_at"})
    categories = _categories(data.get("categories", [c["code"] for c in current.get(
        "categories", [])] or None))
    questions = _questions(data["questions"]) if "questions" in data else current.get(
        "questions", [])
    flags = {}
    for flag in ("allow_lines", "allow_areas"):
        value = data.get(flag, current.get(flag, False))
        if not isinstance(value, bool):
            raise InvalidInput("%(name)s must be true or false", details={"field": flag},
                               name=flag)
        flags[flag] = value
    kinds = ["point"] + (["line"] if flags["allow_lines"] else []) + (
        ["area"] if flags["allow_areas"] else [])
    stored = [{"code": c, "label_pl": CATEGORIES[c].label_pl,
               "label_en": CATEGORIES[c].label_en, "kinds": kinds} for c in categories]
    return {**fields, "opens_at": opens, "closes_at": closes, "categories": stored,
            "questions": questions, **flags}


def _row(row) -> dict:
    item = dict(row._mapping)
    for key in ("opens_at", "closes_at", "created_at", "updated_at"):
        item[key] = item[key].isoformat() if item.get(key) else None
    return item


def _public_state(item: dict, now: datetime | None = None) -> str:
    """'open', 'not_yet_open' or 'closed', from the status and the dates."""
    now = now or datetime.now(UTC)
    if item["status"] == "closed" or now >= datetime.fromisoformat(item["closes_at"]):
        return "closed"
    if now < datetime.fromisoformat(item["opens_at"]):
        return "not_yet_open"
    return "open"


def open_consultation(engine: sa.Engine, partnership_id: str, data: dict, *,
                      actor: Principal = SYSTEM) -> dict:
    """A new consultation of ``partnership_id``; with the slug of an existing consultation
    of the same partnership and the same title, that one is returned unchanged (idempotent),
    with another it is a 409."""
    checked = _checked(data)
    slug = data.get("slug") or f"{slugify(checked['title']) or 'konsultacja'}-" \
                               f"{secrets.token_hex(3)}"
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise InvalidInput("slug must be 3 to 60 lower-case letters, digits and '-',"
                           " starting and ending with a letter or digit",
                           details={"field": "slug"})
    with engine.begin() as conn:
        require_write(conn, actor, partnership_id)
        found = conn.execute(sa.text(f"SELECT {COLUMNS} FROM consultation WHERE slug = :s"),
                             {"s": slug}).first()
        if found is not None:
            if found.partnership_id == partnership_id and found.title == checked["title"]:
                return {**_row(found), "created": False}
            raise Conflict("the address /k/%(slug)s is taken; choose another slug",
                           details={"field": "slug"}, slug=slug)
        row = conn.execute(sa.text(
            "INSERT INTO consultation (partnership_id, slug, title, introduction, controller,"
            " purpose, opens_at, closes_at, categories, questions, allow_lines, allow_areas,"
            " created_by) VALUES (:pid, :slug, :title, :introduction, :controller, :purpose,"
            " :opens_at, :closes_at, CAST(:categories AS jsonb), CAST(:questions AS jsonb),"
            f" :allow_lines, :allow_areas, :by) RETURNING {COLUMNS}"),
            {**checked, "pid": partnership_id, "slug": slug, "by": actor.label,
             "categories": json.dumps(checked["categories"], ensure_ascii=False),
             "questions": json.dumps(checked["questions"], ensure_ascii=False)}).one()
        item = _row(row)
        audit(conn, actor, "create", "consultation", item["id"], after=item)
    return {**item, "created": True}


def _locked(conn, consultation_id: int) -> sa.Row:
    row = conn.execute(sa.text(f"SELECT {COLUMNS} FROM consultation WHERE id = :i FOR UPDATE"),
                       {"i": consultation_id}).first()
    if row is None:
        raise NotFound("no consultation %(id)s", id=consultation_id)
    return row


def update_consultation(engine: sa.Engine, consultation_id: int, data: dict, *,
                        actor: Principal = SYSTEM, partnership_id: str | None = None) -> dict:
    """Change texts, dates, questions or status ('open'/'closed'); the slug stays."""
    with engine.begin() as conn:
        row = _locked(conn, consultation_id)
        try:
            require_write(conn, actor, row.partnership_id)
        except NotFound:
            raise NotFound("no consultation %(id)s", id=consultation_id) from None
        if partnership_id not in (None, row.partnership_id):
            raise NotFound("no consultation %(id)s", id=consultation_id)
        before = _row(row)
        current = dict(row._mapping)
        checked = _checked(data, current)
        status = data.get("status", row.status)
        if status not in STATUSES:
            raise InvalidInput("status must be one of %(statuses)s",
                               details={"field": "status"}, statuses=", ".join(STATUSES))
        if row.questions != checked["questions"]:
            answered = conn.execute(sa.text(
                "SELECT count(*) FROM consultation_submission WHERE consultation_id = :i"),
                {"i": consultation_id}).scalar_one()
            if answered:
                raise Conflict("the questions cannot change once residents have answered"
                               " (%(count)s submissions)", details={"field": "questions"},
                               count=answered)
        after = conn.execute(sa.text(
            "UPDATE consultation SET title = :title, introduction = :introduction,"
            " controller = :controller, purpose = :purpose, opens_at = :opens_at,"
            " closes_at = :closes_at, categories = CAST(:categories AS jsonb),"
            " questions = CAST(:questions AS jsonb), allow_lines = :allow_lines,"
            " allow_areas = :allow_areas, status = :status, updated_at = now()"
            f" WHERE id = :i RETURNING {COLUMNS}"),
            {**checked, "i": consultation_id, "status": status,
             "categories": json.dumps(checked["categories"], ensure_ascii=False),
             "questions": json.dumps(checked["questions"], ensure_ascii=False)}).one()
        item = _row(after)
        audit(conn, actor, "update", "consultation", consultation_id, before=before,
              after=item)
    return item


def close_consultation(engine: sa.Engine, consultation_id: int, *,
                       actor: Principal = SYSTEM) -> dict:
    return update_consultation(engine, consultation_id, {"status": "closed"}, actor=actor)


def list_consultations(engine: sa.Engine, partnership_id: str, *,
                       actor: Principal = SYSTEM) -> list[dict]:
    with engine.connect() as conn:
        require_read(conn, actor, partnership_id)
        rows = conn.execute(sa.text(
            f"SELECT {COLUMNS}, (SELECT count(*) FROM consultation_submission s"
            "  WHERE s.consultation_id = c.id) AS submissions,"
            " (SELECT count(*) FROM consultation_place p WHERE p.consultation_id = c.id)"
            " AS places, (SELECT count(*) FROM consultation_place p"
            "  WHERE p.consultation_id = c.id AND p.hidden) AS hidden"
            " FROM consultation c WHERE partnership_id = :pid ORDER BY id"),
            {"pid": partnership_id}).all()
    return [{**_row(r), "state": _public_state(_row(r))} for r in rows]


def get_consultation(engine: sa.Engine, consultation_id: int, *,
                     actor: Principal = SYSTEM, partnership_id: str | None = None) -> dict:
    """One consultation, for those who read its partnership (others: 404)."""
    with engine.connect() as conn:
        row = conn.execute(sa.text(f"SELECT {COLUMNS} FROM consultation WHERE id = :i"),
                           {"i": consultation_id}).first()
        if row is None or partnership_id not in (None, row.partnership_id):
            raise NotFound("no consultation %(id)s", id=consultation_id)
        try:
            require_read(conn, actor, row.partnership_id)
        except NotFound:
            raise NotFound("no consultation %(id)s", id=consultation_id) from None
    item = _row(row)
    return {**item, "state": _public_state(item)}


def public_consultation(engine: sa.Engine, slug: str) -> dict:
    """What the public page shows: texts, categories, questions, dates, the state and the
    partnership's name and bounds (EPSG:4326). Nobody's answers."""
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise NotFound("no consultation at this address")
    with engine.connect() as conn:
        row = conn.execute(sa.text(
            f"SELECT {', '.join('c.' + c.strip() for c in COLUMNS.split(','))},"
            " p.name AS partnership_name,"
            " ST_AsGeoJSON(ST_Transform(ST_Envelope(p.geom), 4326), 6) AS bounds,"
            " ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(p.geom, 200), 4326), 5)"
            " AS outline"
            " FROM consultation c JOIN partnership p ON p.id = c.partnership_id"
            " WHERE c.slug = :s"), {"s": slug}).first()
        if row is None:
            raise NotFound("no consultation at this address")
        gminas = conn.execute(sa.text(
            "SELECT g.teryt, g.name, ST_X(c) AS lon, ST_Y(c) AS lat,"
            " ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(g.geom, 100), 4326), 5)"
            " AS geometry FROM partnership_gmina pg JOIN gmina g ON g.teryt = pg.gmina_teryt,"
            " LATERAL ST_Transform(ST_PointOnSurface(g.geom), 4326) AS c"
            " WHERE pg.partnership_id = :pid ORDER BY g.name, g.teryt"),
            {"pid": row.partnership_id}).all()
    item = _row(row)
    item["gminas"] = [{"teryt": g.teryt, "name": g.name, "lon": round(g.lon, 5),
                       "lat": round(g.lat, 5), "geometry": json.loads(g.geometry)}
                      for g in gminas]
    item["bounds"] = json.loads(item["bounds"]) if item["bounds"] else None
    item["outline"] = json.loads(item["outline"]) if item["outline"] else None
    for key in ("created_by", "created_at", "updated_at"):
        item.pop(key, None)
    return {**item, "state": _public_state(item)}
