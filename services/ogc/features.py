"""Feature queries of OGC API – Features, answered by PostGIS.

PostGIS filters (bbox, properties, dates, access), pages, reprojects and writes the GeoJSON
text of each feature; Python only joins the page into a FeatureCollection.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from core.errors import NotFound
from services.access.rules import ANONYMOUS, Principal, readable_filter, require_login, require_read
from services.cache import WORKING_DATA, cached, data_version
from services.db import database_errors
from services.ogc.collections import (
    ANALYSIS_PREFIX,
    COLLECTIONS,
    CRS84,
    Collection,
    analysis_collection,
)
from services.ogc.params import Bbox, OgcInvalidParameter, OgcNotFound, cast_value

# Decimal digits of the coordinates written: about 1 cm in CRS84; in EPSG:2180 a micrometre,
# so that areas computed by a client agree with PostGIS to 1e-9.
DIGITS = {CRS84: 7, "http://www.opengis.net/def/crs/EPSG/0/2180": 6}
MAX_RUNS_LISTED = 50


def _run(conn, run_id_text: str, actor: Principal) -> Collection:
    if not re.fullmatch(r"[0-9]{1,12}", run_id_text):
        raise OgcNotFound("no collection %(analysis_prefix)s%(run_id_text)r",
                          analysis_prefix=ANALYSIS_PREFIX, run_id_text=run_id_text[:40])
    run = conn.execute(sa.text(
        "SELECT id, kind, indicator_code AS indicator, year, scope, i.name_pl, i.name_en"
        " FROM analysis_run LEFT JOIN indicator i ON i.code = indicator_code WHERE id = :id"), {"id": int(run_id_text)}).mappings().first()
    if run is None:
        raise OgcNotFound("no collection %(analysis_prefix)s%(run_id_text)s",
                          analysis_prefix=ANALYSIS_PREFIX, run_id_text=run_id_text)
    if run["scope"].startswith("partnership:"):  # a partnership's working analysis
        try:
            require_read(conn, actor, run["scope"].split(":", 1)[1])
        except NotFound:
            raise OgcNotFound("no collection %(analysis_prefix)s%(run_id_text)s",
                              analysis_prefix=ANALYSIS_PREFIX, run_id_text=run_id_text) from None
    return analysis_collection(run)


def resolve(engine: sa.Engine, collection_id: str, actor: Principal = ANONYMOUS) -> Collection:
    """The collection, if ``actor`` may read it (working data need a sign-in or a token)."""
    if collection_id.startswith(ANALYSIS_PREFIX):
        with database_errors(), engine.connect() as conn:
            return _run(conn, collection_id[len(ANALYSIS_PREFIX):], actor)
    collection = COLLECTIONS.get(collection_id)
    if collection is None:
        raise OgcNotFound("no collection %(collection_id)r; see /ogc/collections",
                          collection_id=collection_id[:60])
    if collection.access == "working":
        require_login(actor)
    return collection


def list_collections(engine: sa.Engine, actor: Principal = ANONYMOUS) -> list[Collection]:
    """The collections ``actor`` may read: working ones only when signed in."""
    out = [c for c in COLLECTIONS.values() if c.access != "working" or actor.authenticated]
    allowed, params = (readable_filter(actor, "substr(scope, 13)") if actor.authenticated
                       else ("FALSE", {}))
    with database_errors(), engine.connect() as conn:
        runs = conn.execute(sa.text(
            "SELECT id, kind, indicator_code AS indicator, year, i.name_pl, i.name_en"
            " FROM analysis_run LEFT JOIN indicator i ON i.code = indicator_code"
            f" WHERE scope NOT LIKE 'partnership:%' OR ({allowed}) ORDER BY id DESC"
            " LIMIT :n"), {"n": MAX_RUNS_LISTED, **params}).mappings().all()
    return out + [analysis_collection(r) for r in runs]


def _access(collection: Collection, actor: Principal) -> tuple[str, dict]:
    if collection.access == "working":
        return readable_filter(actor, "s.partnership_id")
    return "TRUE", {}


def _scope_key(actor: Principal) -> tuple:
    return (actor.role, actor.voivodeship, tuple(sorted(actor.partnerships)))


def extent(engine: sa.Engine, collection: Collection, actor: Principal = ANONYMOUS) -> dict:
    """Spatial extent in CRS84 and, for dated collections, the temporal extent."""
    with database_errors(), engine.connect() as conn:
        version = data_version(conn, *WORKING_DATA)
    return cached(("ogc-extent", collection.id, _scope_key(actor)), version,
                  lambda: _extent(engine, collection, actor))


def _extent(engine: sa.Engine, collection: Collection, actor: Principal) -> dict:
    allowed, params = _access(collection, actor)
    temporal = ("NULL::date AS t0, NULL::date AS t1" if collection.temporal is None else
                f"min(s.{collection.temporal[0]}) AS t0, max(s.{collection.temporal[1]}) AS t1")
    with database_errors(), engine.connect() as conn:
        row = conn.execute(sa.text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), t0, t1 FROM ("
            " SELECT ST_Transform(ST_SetSRID(ST_Extent(s.geom)::geometry, 2180), 4326) AS e,"
            f" {temporal} FROM ({collection.source}) s WHERE {allowed}) x"),
            {**collection.params, **params}).one()
    out: dict = {}
    if row[0] is not None:
        out["spatial"] = {"bbox": [[round(v, 6) for v in row[:4]]], "crs": CRS84}
    if collection.temporal is not None:
        out["temporal"] = {"interval": [[row[4].isoformat() + "T00:00:00Z" if row[4] else None,
                                         row[5].isoformat() + "T00:00:00Z" if row[5] else None]]}
    return out


def _geometry_sql(crs: str) -> str:
    if crs == CRS84:
        return f"ST_AsGeoJSON(ST_Transform(s.geom, 4326), {DIGITS[CRS84]}, 0)"
    # EPSG:2180 is written in its authority's axis order: northing, easting.
    return f"ST_AsGeoJSON(ST_FlipCoordinates(s.geom), {DIGITS[crs]}, 0)"


def _feature_sql(collection: Collection, crs: str) -> str:
    props = ", ".join(f"'{name}', s.{name}" for name in collection.properties)
    return ("'{\"type\":\"Feature\",\"id\":' || to_json(s.fid)::text || ',\"geometry\":' ||"
            f" {_geometry_sql(crs)} || ',\"properties\":' || json_build_object({props})::text"
            " || '}'")


def _where(collection: Collection, actor: Principal, bbox: Bbox | None,
           filters: dict[str, str], datetime: tuple | None) -> tuple[str, dict]:
    allowed, params = _access(collection, actor)
    conditions = [allowed]
    params = {**collection.params, **params}
    if bbox is not None:
        if bbox.srid == 2180:
            envelope = "ST_MakeEnvelope(:bx1, :by1, :bx2, :by2, 2180)"
        else:  # edges of a lon/lat box are curves in EPSG:2180
            envelope = ("ST_Transform(ST_Segmentize(ST_MakeEnvelope(:bx1, :by1, :bx2, :by2,"
                        " 4326), 0.05), 2180)")
        conditions.append(f"ST_Intersects(s.geom, {envelope})")
        params.update(bx1=bbox.xmin, by1=bbox.ymin, bx2=bbox.xmax, by2=bbox.ymax)
    for i, (name, raw) in enumerate(sorted(filters.items())):
        if name not in collection.queryables:
            raise OgcInvalidParameter("unknown parameter %(name)r; filters of this"
                                      " collection: %(queryables)s", name=name[:40],
                                      queryables=', '.join(collection.queryables))
        conditions.append(f"s.{name} = :q{i}")
        params[f"q{i}"] = cast_value(raw, collection.properties[name], name)
    if datetime is not None:
        if collection.temporal is None:
            raise OgcInvalidParameter("collection %(id)s has no dates to filter by"
                                      " datetime", id=collection.id)
        start, end = collection.temporal
        conditions.append(
            f"coalesce(s.{start}, s.{end}) IS NOT NULL"
            f" AND (CAST(:t1 AS date) IS NULL OR s.{start} IS NULL OR s.{start} <= :t1)"
            f" AND (CAST(:t0 AS date) IS NULL OR s.{end} IS NULL OR s.{end} >= :t0)")
        params.update(t0=datetime[0], t1=datetime[1])
    return " AND ".join(conditions), params


def query_items(engine: sa.Engine, collection: Collection, actor: Principal = ANONYMOUS, *,
                crs: str = CRS84, bbox: Bbox | None = None, limit: int = 10, offset: int = 0,
                filters: dict[str, str] | None = None, datetime: tuple | None = None
                ) -> tuple[str, int, int]:
    """(features as a JSON array's inner text, numberMatched, numberReturned)."""
    where, params = _where(collection, actor, bbox, filters or {}, datetime)
    with database_errors(), engine.connect() as conn:
        matched = conn.execute(sa.text(
            f"SELECT count(*) FROM ({collection.source}) s WHERE {where}"), params).scalar_one()
        if offset >= matched:
            return "", matched, 0
        text, returned = conn.execute(sa.text(
            "SELECT coalesce(string_agg(feature, ',' ORDER BY k), ''), count(*) FROM ("
            f" SELECT s.fid AS k, {_feature_sql(collection, crs)} AS feature"
            f" FROM ({collection.source}) s WHERE {where} ORDER BY s.fid"
            " LIMIT :limit OFFSET :offset) q"),
            {**params, "limit": limit, "offset": offset}).one()
    return text, matched, returned


def get_item(engine: sa.Engine, collection: Collection, feature_id: str,
             actor: Principal = ANONYMOUS, *, crs: str = CRS84) -> str:
    """One feature's GeoJSON text; unknown and hidden look the same (404)."""
    if collection.id_type == "integer":
        if not re.fullmatch(r"[0-9]{1,18}", feature_id):
            raise OgcNotFound("no feature %(feature_id)r in %(id)s", feature_id=feature_id[:40],
                              id=collection.id)
        key = int(feature_id)
    else:
        key = feature_id[:40]
    allowed, params = _access(collection, actor)
    with database_errors(), engine.connect() as conn:
        text = conn.execute(sa.text(
            f"SELECT {_feature_sql(collection, crs)} FROM ({collection.source}) s"
            f" WHERE s.fid = :fid AND {allowed}"),
            {**collection.params, **params, "fid": key}).scalar_one_or_none()
    if text is None:
        raise OgcNotFound("no feature %(feature_id)r in %(id)s", feature_id=feature_id[:40],
                          id=collection.id)
    return text
