"""What experts see of a consultation: places (with moderation), counts, hot spots, exports.

Moderation hides a place with a reason (who and when are recorded, and audited); unhiding
clears the reason. Nothing is deleted. Comments are returned as plain text: pages insert
them as text nodes, never as HTML.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow as pa
import shapely
import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput, NotFound
from services.access.rules import (
    SYSTEM,
    Principal,
    audit,
    can_write,
    require_read,
    require_write,
)
from services.cache import cached
from services.consultations.export_table import places_csv
from services.consultations.kinds import CATEGORIES, EXPORTS
from services.planning.exports import ARROW_TYPES, WRITERS, Field
from services.surveys.privacy import mask_personal_data

HEX_SIZE_M = 1000.0
REASON_MAX = 500

FIELDS = (
    Field("id", "ID", "int", "place id"),
    Field("submission_id", "SUBMISSION", "int", "submission id (one resident's answer)"),
    Field("category", "CATEGORY", "text", ", ".join(CATEGORIES)),
    Field("comment", "COMMENT", "text", "the resident's comment (cut to 254 bytes)"),
    Field("created_at", "CREATED", "text", "when it was sent (UTC, ISO 8601)"),
    Field("hidden", "HIDDEN", "int", "1 when hidden by moderation"),
    Field("hidden_reason", "HID_REASON", "text", "why it was hidden"),
    Field("answers", "ANSWERS", "text", "the submission's answers to the questions (JSON)"),
)
GTYPE_OF = {"ST_Point": "POINT", "ST_LineString": "LINESTRING", "ST_Polygon": "POLYGON",
            "ST_MultiPoint": "MULTIPOINT", "ST_MultiLineString": "MULTILINESTRING",
            "ST_MultiPolygon": "MULTIPOLYGON"}


def _consultation(conn, consultation_id: int, actor: Principal, *, write: bool = False,
                  partnership_id: str | None = None):
    """The consultation, if ``actor`` may read it (or change it: ``write``) and it belongs
    to ``partnership_id`` when given; else 404 (or 403 for readers asked to write)."""
    row = conn.execute(sa.text("SELECT id, partnership_id, slug, title, questions"
                               " FROM consultation WHERE id = :i"),
                       {"i": consultation_id}).first()
    if row is None or partnership_id not in (None, row.partnership_id):
        raise NotFound("no consultation %(id)s", id=consultation_id)
    try:
        (require_write if write else require_read)(conn, actor, row.partnership_id)
    except NotFound:
        raise NotFound("no consultation %(id)s", id=consultation_id) from None
    return row


def _masker(actor: Principal, partnership_id: str):
    """What the comments and open answers become for ``actor``: as written for the
    partnership's experts (who moderate them), with e-mails, phones and PESEL-like numbers
    masked for the other readers (marshal office, ministry), as survey open answers are."""
    if can_write(actor, partnership_id) or actor.role == "admin":
        return lambda text: text
    return lambda text: mask_personal_data(text) if isinstance(text, str) else text


def _answers_shown(answers, mask) -> dict:
    return {k: mask(v) for k, v in (answers or {}).items()}


def places(engine: sa.Engine, consultation_id: int, *, actor: Principal = SYSTEM,
           include_hidden: bool = True, partnership_id: str | None = None) -> dict:
    """The places as a GeoJSON FeatureCollection (EPSG:4326), each with its category,
    comment (plain text), answers and moderation state."""
    with engine.connect() as conn:
        found = _consultation(conn, consultation_id, actor, partnership_id=partnership_id)
        mask = _masker(actor, found.partnership_id)
        rows = conn.execute(sa.text(
            "SELECT p.id, p.submission_id, p.category, p.comment, p.hidden, p.hidden_reason,"
            " p.hidden_by, p.hidden_at, s.created_at, s.answers,"
            " ST_AsGeoJSON(ST_Transform(p.geom, 4326), 6) AS geometry"
            " FROM consultation_place p JOIN consultation_submission s ON s.id = p.submission_id"
            " WHERE p.consultation_id = :c AND (:all OR NOT p.hidden) ORDER BY p.id"),
            {"c": consultation_id, "all": include_hidden}).all()
    features = []
    for r in rows:
        features.append({"type": "Feature", "id": r.id, "geometry": json.loads(r.geometry),
                         "properties": {
                             "id": r.id, "submission_id": r.submission_id,
                             "category": r.category, "comment": mask(r.comment),
                             "hidden": r.hidden, "hidden_reason": r.hidden_reason,
                             "hidden_by": r.hidden_by,
                             "hidden_at": r.hidden_at.isoformat() if r.hidden_at else None,
                             "created_at": r.created_at.isoformat(),
                             "answers": _answers_shown(r.answers, mask)}})
    return {"type": "FeatureCollection", "features": features}


def moderate(engine: sa.Engine, place_id: int, *, hide: bool, reason: str = "",
             actor: Principal = SYSTEM, consultation_id: int | None = None,
             partnership_id: str | None = None) -> dict:
    """Hide a place (a reason is required) or show it again; audited."""
    reason = (reason or "").strip() if isinstance(reason, str) else None
    if reason is None:
        raise InvalidInput("reason must be text", details={"field": "reason"})
    if hide and not reason:
        raise InvalidInput("give a reason for hiding the place", details={"field": "reason"})
    if len(reason) > REASON_MAX:
        raise InvalidInput("the reason is longer than %(limit)s characters",
                           details={"field": "reason"}, limit=REASON_MAX)
    with engine.begin() as conn:
        found = conn.execute(sa.text(
            "SELECT consultation_id, hidden, hidden_reason FROM consultation_place"
            " WHERE id = :i FOR UPDATE"), {"i": place_id}).first()
        if found is None or consultation_id not in (None, found.consultation_id):
            raise NotFound("no place %(id)s", id=place_id)
        try:
            _consultation(conn, found.consultation_id, actor, write=True,
                          partnership_id=partnership_id)
        except NotFound:
            raise NotFound("no place %(id)s", id=place_id) from None
        row = conn.execute(sa.text(
            "UPDATE consultation_place SET hidden = :hide,"
            " hidden_reason = CASE WHEN :hide THEN :reason END,"
            " hidden_by = CASE WHEN :hide THEN :by END,"
            " hidden_at = CASE WHEN :hide THEN now() END WHERE id = :i"
            " RETURNING id, consultation_id, hidden, hidden_reason, hidden_by, hidden_at"),
            {"hide": hide, "reason": reason, "by": actor.label, "i": place_id}).one()
        after = {**row._mapping, "hidden_at": row.hidden_at.isoformat() if row.hidden_at
                 else None}
        audit(conn, actor, "hide" if hide else "unhide", "consultation_place", place_id,
              before={"hidden": found.hidden, "hidden_reason": found.hidden_reason},
              after=after)
    return after


def _frame(conn, consultation_id: int, *, visible_only: bool) -> gpd.GeoDataFrame:
    return gpd.read_postgis(sa.text(
        "SELECT id, category, hidden, ST_PointOnSurface(geom) AS geom FROM consultation_place"
        " WHERE consultation_id = :c AND (NOT :visible OR NOT hidden) ORDER BY id"),
        conn, geom_col="geom", params={"c": consultation_id, "visible": visible_only},
        crs="EPSG:2180")


def summary(engine: sa.Engine, consultation_id: int, *, actor: Principal = SYSTEM,
            hex_size: float = HEX_SIZE_M, permutations: int = 999, seed: int = 12345,
            top: int = 5, partnership_id: str | None = None) -> dict:
    """Counts per category (visible places), the hidden count, submissions, and the hot
    spots of visible places on a hexagon grid (Gi*, ``spatial.hexgrid``).

    Gi* with 999 permutations takes about a second for a few hundred places, so the answer
    is kept (``services.cache``) per version of the consultation's answers and moderation
    (``answers_version``) and per parameters: pages reloaded without a new answer or a
    moderation change are answered from memory. It holds no comment or answer text, so one
    answer serves every reader allowed to see the consultation (checked on every call).
    """
    with engine.connect() as conn:
        _consultation(conn, consultation_id, actor, partnership_id=partnership_id)
        version = (conn.engine.url.render_as_string(hide_password=False),
                   answers_version(conn, consultation_id))
    key = ("consultation-summary", consultation_id, float(hex_size), int(permutations),
           int(seed), int(top))
    # A copy: callers may change their answer; the kept one stays as computed.
    return copy.deepcopy(cached(key, version, lambda: _summary(
        engine, consultation_id, hex_size=hex_size, permutations=permutations, seed=seed,
        top=top)))


def answers_version(conn, consultation_id: int) -> tuple:
    """What a summary reads, in a few index lookups: the submissions (count and last id),
    the places (count and last id) and the set of hidden places (count and a digest of
    their ids). Answers are never deleted (triggers refuse it), but a removed one would
    change the counts too; a moderation changes the hidden set, a new answer the ids."""
    row = conn.execute(sa.text(
        "SELECT (SELECT count(*) FROM consultation_submission WHERE consultation_id = :c),"
        " (SELECT max(id) FROM consultation_submission WHERE consultation_id = :c),"
        " count(*), max(id), count(*) FILTER (WHERE hidden),"
        " md5(string_agg(id::text, ',' ORDER BY id) FILTER (WHERE hidden))"
        " FROM consultation_place WHERE consultation_id = :c"), {"c": consultation_id}).one()
    return tuple(row)


def _summary(engine: sa.Engine, consultation_id: int, *, hex_size: float, permutations: int,
             seed: int, top: int) -> dict:
    from spatial.hexgrid import count_points, hot_spots

    with engine.connect() as conn:
        submissions = conn.execute(sa.text(
            "SELECT count(*) FROM consultation_submission WHERE consultation_id = :c"),
            {"c": consultation_id}).scalar_one()
        frame = _frame(conn, consultation_id, visible_only=False)
    # An empty read gives an object column; as a mask it must be boolean, or pandas takes an
    # empty Series for a column selection and the consultation without answers fails.
    hidden = frame["hidden"].astype(bool)
    visible = frame.loc[~hidden]
    per_category = {code: int((visible["category"] == code).sum()) for code in CATEGORIES}
    out = {"submissions": int(submissions), "places": int(len(visible)),
           "hidden": int(hidden.sum()), "per_category": per_category,
           "hex_size_m": hex_size, "hexagons": None, "hot_spots": []}
    if len(visible):
        counts = count_points(visible.geometry, hex_size)
        spots = hot_spots(counts, permutations=permutations, seed=seed)
        occupied = spots[spots["count"] > 0].to_crs(4326)
        hexagons = json.loads(occupied.reset_index()[
            ["hex_id", "count", "z", "p_sim", "spot", "geometry"]].to_json(na="null"))
        out["hexagons"] = hexagons
        ranked = spots[spots["spot"] == "hot"].sort_values(["z", "count"], ascending=False)
        centres = ranked.geometry.centroid.to_crs(4326)
        out["hot_spots"] = [{"hex_id": key, "count": int(row["count"]),
                             "z": round(float(row["z"]), 3), "p_sim": float(row["p_sim"]),
                             "lon": round(centres[key].x, 5), "lat": round(centres[key].y, 5)}
                            for key, row in ranked.head(top).iterrows()]
    return out


def export(engine: sa.Engine, consultation_id: int, fmt: str, out: str | Path, *,
           actor: Principal = SYSTEM, partnership_id: str | None = None,
           lang: str = "pl") -> dict:
    """Every place (hidden ones flagged) in EPSG:2180 as GeoPackage or Shapefile zip (fields
    as codes, for GIS), or as a CSV for Polish Excel in ``lang`` (``export_table``)."""
    if fmt not in EXPORTS:
        raise BadRequest("format must be one of %(formats)s", formats=", ".join(EXPORTS))
    with engine.connect() as conn:
        found = _consultation(conn, consultation_id, actor, partnership_id=partnership_id)
        rows = conn.execute(sa.text(
            "SELECT p.id, p.submission_id, p.category, p.comment,"
            " to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
            " AS created_at, s.created_at AS sent_at, p.hidden::int AS hidden,"
            " p.hidden_reason, s.answers, ST_AsBinary(p.geom) AS wkb,"
            " ST_GeometryType(p.geom) AS gtype, ST_X(o) AS lon, ST_Y(o) AS lat"
            " FROM consultation_place p JOIN consultation_submission s ON s.id = p.submission_id,"
            " LATERAL ST_Transform(ST_PointOnSurface(p.geom), 4326) AS o"
            " WHERE p.consultation_id = :c ORDER BY p.id"), {"c": consultation_id}).all()
    mask = _masker(actor, found.partnership_id)
    name = f"konsultacja_{found.slug.replace('-', '_')}"[:40]
    if EXPORTS[fmt].writer == "csv":
        Path(out).write_bytes(places_csv(rows, found.questions or [], mask, lang))
        return {"path": str(out), "format": fmt, "features": len(rows), "layers": [name],
                "name": name}
    shown = {"comment": lambda r: mask(r.comment),
             "answers": lambda r: json.dumps(_answers_shown(r.answers, mask),
                                             ensure_ascii=False)}
    # The planning exports' column types, so both write the same field kinds alike.
    data = pa.table({f.source: pa.array([shown[f.source](r) if f.source in shown
                                         else getattr(r, f.source) for r in rows],
                                        ARROW_TYPES[f.kind])
                     for f in FIELDS} | {"gtype": pa.array([GTYPE_OF[r.gtype] for r in rows],
                                                           pa.string())})
    geoms = shapely.from_wkb([bytes(r.wkb) for r in rows]) if rows else np.array([],
                                                                                 dtype=object)
    kind = EXPORTS[fmt]
    out = Path(out)
    partial = out.with_name(out.stem + ".part" + out.suffix)
    try:
        layers = WRITERS[kind.writer](data, FIELDS, geoms, partial, name, kind)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return {"path": str(out), "format": fmt, "features": len(rows), "layers": layers,
            "name": name}


def export_bytes(engine: sa.Engine, consultation_id: int, fmt: str, *,
                 actor: Principal = SYSTEM, partnership_id: str | None = None,
                 lang: str = "pl") -> tuple[bytes, str]:
    """The export as bytes and its file name (for a download)."""
    with tempfile.TemporaryDirectory(prefix="partnerstwa-consultation-") as tmp:
        path = Path(tmp) / f"export{EXPORTS.get(fmt, EXPORTS['csv']).suffix}"
        written = export(engine, consultation_id, fmt, path, actor=actor,
                         partnership_id=partnership_id, lang=lang)
        return path.read_bytes(), written["name"] + EXPORTS[fmt].suffix


__all__ = ["places", "moderate", "summary", "export", "export_bytes"]
