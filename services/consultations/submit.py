"""A resident's answer to a consultation: places on the map, answers to the questions.

Everything is checked before anything is written, and written in one transaction. The
client's address is never stored: ``client_hash`` is HMAC-SHA256 of the address under a key
derived from the app's secret (PARTNERSTWA_SECRET_KEY, or the one the app generates into its
cache folder), kept only to count submissions per client (rate limit). The key is not in the
database, so a dump of it cannot be searched for addresses (all of IPv4 takes minutes to hash
once the key is known). A transaction-level advisory lock per consultation makes the counts
exact across gunicorn workers.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import math
from datetime import UTC, datetime

import sqlalchemy as sa

from core.errors import N_, Amount, BadRequest, Conflict, InvalidInput, NotFound, PartnerstwaError
from services.consultations.kinds import GEOMETRY_KINDS, HONEYPOT, KIND_OF_GEOJSON, LIMITS
from services.consultations.manage import COLUMNS, SLUG, _public_state, _row
from services.consultations.times import day_and_time

LOCK_SPACE = 11  # first key of pg_advisory_xact_lock(int, int): the consultations' space


class TooManySubmissions(PartnerstwaError):
    status = 429
    code = "too_many_requests"  # the stable code whose title the pages translate


def client_key(address: str) -> str:
    """The client an address stands for: an IPv6 address by its /64 network (one household
    or phone gets a whole /64 and can pick any address in it), IPv4 as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


HASH_PURPOSE = b"partnerstwa consultation client_hash v1"


def hash_key(secret: str | bytes) -> bytes:
    """The key of ``client_hash``: HMAC-SHA256 of the app's secret and this purpose, so that
    it is not the key that signs the cookies (nor tells anything about it)."""
    if not secret:
        raise ValueError("the app's secret key is empty; client addresses need a key")
    raw = secret.encode() if isinstance(secret, str) else bytes(secret)
    return hmac.new(raw, HASH_PURPOSE, hashlib.sha256).digest()


def client_hash(secret: str | bytes, address: str) -> str:
    """Hex HMAC-SHA256 of the client (``client_key``) under ``hash_key(secret)``."""
    return hmac.new(hash_key(secret), client_key(address).encode(), hashlib.sha256).hexdigest()


def _finite_pairs(coords, depth: int) -> list:
    """``coords`` nested ``depth`` levels down to [lon, lat] pairs of finite numbers."""
    if depth == 0:
        if (not isinstance(coords, list) or len(coords) not in (2, 3)
                or not all(isinstance(v, int | float) and not isinstance(v, bool)
                           and math.isfinite(v) for v in coords)):
            raise ValueError(N_("place %(n)s: a position must be [longitude, latitude]"))
        lon, lat = coords[0], coords[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(N_("place %(n)s: longitude and latitude must be degrees"
                                " (EPSG:4326)"))
        return [float(lon), float(lat)]
    if not isinstance(coords, list) or not coords:
        raise ValueError(N_("place %(n)s: the coordinates are empty"))
    return [_finite_pairs(c, depth - 1) for c in coords]


DEPTH = {"Point": 0, "LineString": 1, "Polygon": 2}


def _place(item, number: int, consultation: dict) -> dict:
    where = f"places.{number - 1}"
    if not isinstance(item, dict):
        raise InvalidInput("place %(n)s must be an object", details={"field": where}, n=number)
    codes = {c["code"]: c for c in consultation["categories"]}
    category = item.get("category")
    if category not in codes:
        raise InvalidInput("place %(n)s: category must be one of %(categories)s",
                           details={"field": where + ".category"}, n=number,
                           categories=", ".join(codes))
    comment = item.get("comment", "")
    if not isinstance(comment, str):
        raise InvalidInput("place %(n)s: the comment must be text",
                           details={"field": where + ".comment"}, n=number)
    comment = comment.strip()
    if len(comment) > LIMITS.comment:
        raise InvalidInput("place %(n)s: the comment is longer than %(limit)s characters"
                           " (it has %(given)s)", details={"field": where + ".comment"},
                           n=number, limit=Amount(LIMITS.comment), given=Amount(len(comment)))
    geometry = item.get("geometry")
    gtype = geometry.get("type") if isinstance(geometry, dict) else None
    kind = KIND_OF_GEOJSON.get(gtype)
    allowed = [k for k in GEOMETRY_KINDS.values()
               if k.flag is None or consultation.get(k.flag)]
    if kind is None or GEOMETRY_KINDS[kind] not in allowed:
        names = ", ".join(t for k in allowed for t in k.geojson)
        raise InvalidInput("place %(n)s: the geometry must be a GeoJSON %(types)s",
                           details={"field": where + ".geometry"}, n=number, types=names)
    try:
        coordinates = _finite_pairs(geometry.get("coordinates"), DEPTH[gtype])
    except ValueError as exc:
        # The problem's own template (with the place's number), translated as a whole.
        raise InvalidInput(str(exc), details={"field": where + ".geometry"}, n=number) from None
    vertices = 1 if gtype == "Point" else (len(coordinates) if gtype == "LineString"
                                           else sum(len(r) for r in coordinates))
    if vertices > LIMITS.vertices:
        raise InvalidInput("place %(n)s: at most %(limit)s vertices (%(given)s given)",
                           details={"field": where + ".geometry"}, n=number,
                           limit=LIMITS.vertices, given=vertices)
    if gtype == "LineString" and len(coordinates) < 2:
        raise InvalidInput("place %(n)s: a line needs at least 2 positions",
                           details={"field": where + ".geometry"}, n=number)
    if gtype == "Polygon":
        if len(coordinates) != 1 or len(coordinates[0]) < 4 or coordinates[0][0] != \
                coordinates[0][-1]:
            raise InvalidInput("place %(n)s: an area is one closed ring of at least 4"
                               " positions (the last equal to the first), without holes",
                               details={"field": where + ".geometry"}, n=number)
    return {"category": category, "comment": comment, "kind": kind,
            "geojson": json.dumps({"type": gtype, "coordinates": coordinates})}


def _answers(raw, consultation: dict) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidInput("answers must be an object keyed by question code",
                           details={"field": "answers"})
    questions = {q["code"]: q for q in consultation["questions"]}
    unknown = [str(k)[:20] for k in raw if k not in questions]
    if unknown:
        raise InvalidInput("answers: no question %(code)r",
                           details={"field": "answers." + unknown[0]}, code=unknown[0])
    out = {}
    for code, value in raw.items():
        question, where = questions[code], f"answers.{code}"
        if value in (None, "", []):
            continue
        # Residents read the question's number and its text, never its code.
        named = {"n": list(questions).index(code) + 1, "question": _short(question["text"])}
        if question["kind"] == "text":
            if not isinstance(value, str):
                raise InvalidInput("question %(n)s (“%(question)s”): the answer must be text",
                                   details={"field": where}, **named)
            if len(value.strip()) > LIMITS.answer:
                raise InvalidInput("question %(n)s (“%(question)s”): the answer is longer than"
                                   " %(limit)s characters (it has %(given)s)",
                                   details={"field": where}, limit=Amount(LIMITS.answer),
                                   given=Amount(len(value.strip())), **named)
            out[code] = value.strip()
        elif question["kind"] == "single":
            if value not in question["options"]:
                raise InvalidInput("question %(n)s (“%(question)s”): choose one of its"
                                   " options", details={"field": where}, **named)
            out[code] = value
        else:
            if (not isinstance(value, list) or any(v not in question["options"] for v in value)
                    or len(set(value)) != len(value)):
                raise InvalidInput("question %(n)s (“%(question)s”): choose among its options,"
                                   " each at most once", details={"field": where}, **named)
            out[code] = value
    return out


def _short(text: str, limit: int = 60) -> str:
    """A question's text as a message quotes it: at most ``limit`` characters."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def submit(engine: sa.Engine, slug: str, body: dict, address: str, *, secret: str | bytes,
           now: datetime | None = None) -> dict:
    """Store one resident's submission; returns ``{"id", "places"}``. ``secret`` is the app's
    secret key (``client_hash``).

    Refused (nothing written) with a message naming the field: a filled honeypot, a closed
    or not yet open consultation, no place or too many, an unknown category, a comment or
    answer too long, a geometry of a kind not allowed or outside the partnership, and 429
    when the client or the consultation is over its rate limit.
    """
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise NotFound("no consultation at this address")
    if not isinstance(body, dict):
        raise BadRequest("the body is not a JSON object")
    if body.get(HONEYPOT):
        raise BadRequest("the hidden field %(name)r must stay empty; it is filled in by"
                         " programs, not people", details={"field": HONEYPOT}, name=HONEYPOT)
    places = body.get("places")
    if not isinstance(places, list) or not places:
        raise InvalidInput("mark at least one place on the map", details={"field": "places"})
    if len(places) > LIMITS.places:
        raise InvalidInput("at most %(limit)s places in one submission (%(given)s given)",
                           details={"field": "places"}, limit=LIMITS.places, given=len(places))
    with engine.begin() as conn:
        row = conn.execute(sa.text(f"SELECT {COLUMNS} FROM consultation WHERE slug = :s"),
                           {"s": slug}).first()
        if row is None:
            raise NotFound("no consultation at this address")
        consultation = _row(row)
        state = _public_state(consultation, now or datetime.now(UTC))
        if state == "closed":
            raise Conflict("this consultation is closed; answers are no longer accepted")
        if state == "not_yet_open":
            raise Conflict("this consultation opens on %(opens)s (Polish time); answers are"
                           " accepted from then",
                           opens=" ".join(day_and_time(consultation["opens_at"])))
        checked = [_place(item, n, consultation) for n, item in enumerate(places, 1)]
        answers = _answers(body.get("answers"), consultation)
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:space, :id)"),
                     {"space": LOCK_SPACE, "id": consultation["id"]})
        client = client_hash(secret, address or "?")
        _rate_limits(conn, consultation["id"], client)
        outside = conn.execute(sa.text(
            "WITH g AS (SELECT ordinality AS n, ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON("
            "  value), 4326), 2180) AS geom FROM jsonb_array_elements_text(CAST(:geoms AS jsonb))"
            "  WITH ORDINALITY)"
            " SELECT g.n, ST_IsValid(g.geom) AS valid, ST_DWithin(p.geom, g.geom, :tol)"
            "   AND (ST_Dimension(g.geom) = 0 OR ST_Covers(p.geom, g.geom)"
            "        OR (ST_Dimension(g.geom) = 1"
            "            AND ST_Length(ST_Difference(g.geom, p.geom)) <= :tol)"
            "        OR (ST_Dimension(g.geom) = 2 AND ST_IsValid(g.geom)"
            "            AND ST_Area(ST_Difference(g.geom, p.geom))"
            "                <= :tol * ST_Perimeter(g.geom))) AS inside"
            " FROM g, partnership p WHERE p.id = :pid ORDER BY g.n"),
            {"geoms": json.dumps([p["geojson"] for p in checked]), "tol": LIMITS.tolerance_m,
             "pid": consultation["partnership_id"]}).all()
        for number, valid, inside in outside:
            field = {"field": f"places.{number - 1}.geometry"}
            if not valid and checked[number - 1]["kind"] == "line":
                raise InvalidInput("place %(n)s: the line has no length; draw it again",
                                   details=field, n=number)
            if not valid:
                raise InvalidInput("place %(n)s: the area crosses itself; draw it again",
                                   details=field, n=number)
            if not inside:
                raise InvalidInput("place %(n)s lies outside the partnership's area; only"
                                   " places inside it can be marked", details=field, n=number)
        submission = conn.execute(sa.text(
            "INSERT INTO consultation_submission (consultation_id, client_hash, answers)"
            " VALUES (:c, :h, CAST(:a AS jsonb)) RETURNING id"),
            {"c": consultation["id"], "h": client,
             "a": json.dumps(answers, ensure_ascii=False)}).scalar_one()
        conn.execute(sa.text(
            "INSERT INTO consultation_place (submission_id, consultation_id, category,"
            " comment, geom) VALUES (:s, :c, :category, :comment,"
            " ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(:geojson), 4326), 2180))"),
            [{**p, "s": submission, "c": consultation["id"]} for p in checked])
    return {"id": submission, "places": len(checked)}


def _rate_limits(conn, consultation_id: int, client: str) -> None:
    mine, everybody = conn.execute(sa.text(
        "SELECT count(*) FILTER (WHERE client_hash = :h"
        "        AND created_at > now() - make_interval(secs => :client_window)),"
        " count(*) FILTER (WHERE created_at > now() - make_interval(secs => :all_window))"
        " FROM consultation_submission WHERE consultation_id = :c"
        " AND created_at > now() - make_interval(secs => greatest(:client_window,"
        "                                                          :all_window))"),
        {"h": client, "c": consultation_id, "client_window": LIMITS.per_client_window_s,
         "all_window": LIMITS.per_consultation_window_s}).one()
    if mine >= LIMITS.per_client:
        raise TooManySubmissions(
            N_("this device has sent %(count)s answers within %(minutes)s minutes; please try"
               " again later"), details={"retry_after": LIMITS.per_client_window_s},
            count=LIMITS.per_client, minutes=LIMITS.per_client_window_s // 60)
    if everybody >= LIMITS.per_consultation:
        raise TooManySubmissions(
            N_("the consultation receives very many answers right now; please try again in a"
               " few minutes"), details={"retry_after": 60})
