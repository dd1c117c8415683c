"""Importing project locations from Shapefile (.zip), GeoPackage or GeoJSON uploads.

First a preview: which fields map to which attributes, how many projects of each geometry
type, the first records, and every problem found. Then, on request, all are created in one
transaction, or none.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput
from layers.vector import read_all
from services.access.rules import SYSTEM, Principal, require_write
from services.db import database_errors
from services.planning.projects import clean_attributes, insert_project
from spatial.geometry_input import FAMILIES, GeometryProblem, to_puwg1992

MAX_FEATURES = 20_000
TARGETS = ("title", "description", "theme", "cost_pln", "funding_source", "start_date",
           "end_date", "feasibility", "priority")
# Field names recognised without a mapping, including those of our own Shapefile export.
ALIASES = {
    "title": ("title", "tytul", "tytuł", "nazwa", "name"),
    "description": ("description", "descr", "opis"),
    "theme": ("theme", "temat", "obszar"),
    "cost_pln": ("cost_pln", "koszt", "cost", "koszt_pln"),
    "funding_source": ("funding_source", "funding", "zrodlo", "źródło"),
    "start_date": ("start_date", "poczatek", "początek", "start"),
    "end_date": ("end_date", "koniec", "end"),
    "feasibility": ("feasibility", "feasibil", "wykonalnosc"),
    "priority": ("priority", "priorytet"),
}


def _mapping(columns: list[str], given: dict[str, str]) -> dict[str, str]:
    unknown_targets = sorted(set(given) - set(TARGETS))
    if unknown_targets:
        raise BadRequest(f"cannot map to {', '.join(unknown_targets)}; attributes: "
                         + ", ".join(TARGETS))
    missing = sorted({s for s in given.values() if s not in columns})
    if missing:
        raise InvalidInput(f"no such fields in the file: {', '.join(missing)}; fields: "
                           + ", ".join(columns))
    mapping = dict(given)
    lower = {c.lower(): c for c in columns}
    for target in TARGETS:
        if target not in mapping:
            found = next((lower[a] for a in ALIASES[target] if a in lower), None)
            if found:
                mapping[target] = found
    if "title" not in mapping:
        raise InvalidInput("no field holds the title: map one with title=FIELD; fields: "
                           + ", ".join(columns))
    return mapping


def _value(raw):
    if raw is None or (isinstance(raw, float) and np.isnan(raw)) or raw is pd.NaT:
        return None
    if isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError("binary")
    if isinstance(raw, list | tuple | np.ndarray | dict):
        raise TypeError("list")
    if isinstance(raw, pd.Timestamp | dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, np.generic):
        return raw.item()
    return raw


def _record(i: int, geom, row, fields: dict, crs, where: str):
    label = f"feature {i}"
    if geom is None or geom.is_empty:
        raise InvalidInput(f"{label} has no geometry", where=where)
    if geom.geom_type not in FAMILIES:
        raise InvalidInput(f"{label}: geometry type {geom.geom_type} cannot be a project"
                           " location", where=where)
    try:
        projected = to_puwg1992(shapely.force_2d(geom), crs)
    except GeometryProblem as exc:
        raise InvalidInput(f"{label}: {exc}", where=where) from None
    attrs = {}
    for target, field_name in fields.items():
        try:
            attrs[target] = _value(row[field_name])
        except TypeError as exc:
            raise InvalidInput(f"{label}: field {field_name!r} holds {exc} values, which"
                               f" cannot become {target}; leave it unmapped",
                               where=where) from None
    try:
        clean_attributes(attrs)
    except BadRequest as exc:
        raise InvalidInput(f"{label}: {exc.message}", where=where) from None
    return attrs, projected


def read_projects(path: str | Path, *, mapping: dict[str, str] | None = None,
                  encoding: str | None = None, crs: str | None = None) -> dict:
    """Parse and check a file; returns records (attributes + EPSG:2180 geometry) and a
    summary. Raises ``InvalidInput`` naming the first problem."""
    sources = read_all(path, encoding=encoding)
    total = sum(len(s.frame) for s in sources)
    if total > MAX_FEATURES:
        raise InvalidInput(f"{total} features; at most {MAX_FEATURES} in one import",
                           where=str(path))
    records, families, columns, fields = [], {"point": 0, "line": 0, "polygon": 0}, [], {}
    for source in sources:
        frame, where = source.frame, source.name
        if frame.crs is None and not crs:
            raise InvalidInput("the file states no coordinate system (a Shapefile without"
                               " .prj?); say which it is, e.g. crs=EPSG:2180", where=where)
        columns = [c for c in frame.columns if c != frame.geometry.name]
        fields = _mapping(columns, mapping or {})
        for i, (geom, (_, row)) in enumerate(zip(frame.geometry.array, frame.iterrows(),
                                                 strict=True), start=1):
            attrs, projected = _record(i, geom, row, fields, crs or frame.crs, where)
            families[FAMILIES[projected.geom_type]] += 1
            records.append((attrs, projected))
    where = str(path)
    return {"source": where, "driver": source.driver, "fields": columns, "mapping": fields,
            "features": len(records), "by_geometry": families, "records": records}


def import_projects(engine: sa.Engine, path: str | Path, partnership: str, *,
                    mapping: dict[str, str] | None = None, encoding: str | None = None,
                    crs: str | None = None, preview: bool = True, author: str = "",
                    actor: Principal = SYSTEM) -> dict:
    """Preview (default) or create the projects of a file for one partnership."""
    with database_errors(), engine.connect() as conn:
        require_write(conn, actor, partnership)
    parsed = read_projects(path, mapping=mapping, encoding=encoding, crs=crs)
    records = parsed.pop("records")
    parsed["sample"] = [{**attrs, "geometry_type": geom.geom_type}
                        for attrs, geom in records[:5]]
    with database_errors(), engine.begin() as conn:
        require_write(conn, actor, partnership)
        if preview:
            return {**parsed, "created": []}
        created = [insert_project(conn, partnership,
                                  {**attrs, "crs": "EPSG:2180",
                                   "geometry": shapely.geometry.mapping(geom),
                                   "comment": f"imported from {Path(path).name}"},
                                  author or actor.label, actor)
                   for attrs, geom in records]
    return {**parsed, "created": created}
