"""Importing project locations from Shapefile (.zip), GeoPackage or GeoJSON uploads.

First a preview: which fields map to which attributes, how many projects of each geometry
type, the first records, how the values of the vocabulary fields (funding, feasibility,
priority) were recognised, and every problem found; a preview never fails on values. Then, on
request, all are created in one transaction, or none.

The whole file is handled as arrays: one coordinate transformation and one validity check
for all geometries, one COPY and a few set-based statements for all projects.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa

from core.errors import BadRequest, InvalidInput, Text
from layers.bounded import run_bounded
from layers.vector import read_all
from services.access.rules import SYSTEM, Principal, require_write
from services.config import Settings
from services.db import database_errors
from services.planning.projects import clean_attributes
from services.planning.versioning import author_of
from services.planning.vocabularies import FALLBACK, VOCABULARIES, normalise, recognise
from spatial.geometry_input import FAMILIES, check_many

MAX_FEATURES = 20_000
SHOW = 20  # problems and values listed in a preview
TARGETS = ("title", "description", "theme", "cost_pln", "funding_source", "start_date",
           "end_date", "feasibility", "priority")
# Field names recognised without a mapping, including those of our own Shapefile export.
ALIASES = {
    "title": ("title", "tytul", "tytuł", "nazwa", "name"),
    "description": ("description", "descr", "opis"),
    "theme": ("theme", "temat", "obszar"),
    "cost_pln": ("cost_pln", "koszt", "cost", "koszt_pln"),
    "funding_source": ("funding_source", "funding", "zrodlo", "źródło", "finansowanie",
                       "zrodlo_finansowania", "źródło_finansowania"),
    "start_date": ("start_date", "poczatek", "początek", "start"),
    "end_date": ("end_date", "koniec", "end"),
    "feasibility": ("feasibility", "feasibil", "wykonalnosc", "wykonalność"),
    "priority": ("priority", "priorytet"),
}


def _mapping(columns: list[str], given: dict[str, str]) -> dict[str, str]:
    unknown_targets = sorted(set(given) - set(TARGETS))
    if unknown_targets:
        raise BadRequest("cannot map to %(unknown)s; attributes: %(targets)s",
                         unknown=", ".join(unknown_targets), targets=", ".join(TARGETS))
    missing = sorted({s for s in given.values() if s not in columns})
    if missing:
        raise InvalidInput("no such fields in the file: %(missing)s; fields: %(fields)s",
                           missing=", ".join(missing), fields=", ".join(columns))
    mapping = dict(given)
    lower = {c.lower(): c for c in columns}
    for target in TARGETS:
        if target not in mapping:
            found = next((lower[a] for a in ALIASES[target] if a in lower), None)
            if found:
                mapping[target] = found
    if "title" not in mapping:
        raise InvalidInput("no field holds the title: map one with title=FIELD; fields:"
                           " %(fields)s", fields=", ".join(columns))
    return mapping


def _target_of(name: str) -> str | None:
    key = name.strip().lower()
    if key in VOCABULARIES:
        return key
    return next((t for t in VOCABULARIES if key in ALIASES[t]), None)


def parse_value_maps(items) -> dict[str, dict[str, str]]:
    """``FIELD:VALUE=CODE`` items (the CLI's --map-value, the upload's map_value) or a JSON
    object ``{field: {value: code}}``, as {attribute: {normalised value: code}}.

    FIELD is an attribute (funding_source, feasibility, priority) or one of its usual field
    names (funding, zrodlo, ...); the attribute a file's field is mapped to is resolved
    later, see ``_resolve_value_maps``.
    """
    pairs: list[tuple[str, str, str]] = []
    if isinstance(items, dict):
        for field, values in items.items():
            if not isinstance(values, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
                raise BadRequest("map_value must be {field: {value: code}}")
            pairs += [(field, k, v) for k, v in values.items()]
    else:
        for item in items or []:
            field, sep, rest = str(item).partition(":")
            value, sep2, code = rest.rpartition("=")
            if not sep or not sep2 or not field or not code:
                raise BadRequest("--map-value %(item)r: write FIELD:VALUE=CODE, e.g."
                                 ' funding:"FEPZ 2021-2027"=fe_regional', item=item)
            pairs.append((field, value.strip().strip('"\''), code.strip()))
    out: dict[str, dict[str, str]] = {}
    for field, value, code in pairs:
        out.setdefault(field.strip(), {})[normalise(value) or value] = code
    return out


def _resolve_value_maps(given: dict[str, dict[str, str]], fields: dict[str, str]
                        ) -> dict[str, dict[str, str]]:
    by_source = {source.lower(): target for target, source in fields.items()}
    out: dict[str, dict[str, str]] = {}
    for field, values in given.items():
        target = by_source.get(field.lower()) if by_source.get(field.lower()) in \
            VOCABULARIES else _target_of(field)
        if target is None:
            raise BadRequest("--map-value %(field_name)s: values can be decided for"
                             " %(targets)s (or the file's fields mapped to them)",
                             field_name=field, targets=", ".join(VOCABULARIES))
        codes = [t.code for t in VOCABULARIES[target]]
        for value, code in values.items():
            if code not in codes:
                raise BadRequest("--map-value %(field_name)s:%(value)s=%(code)s: %(code_value)r"
                                 " is not a %(target)s; choose one of %(codes)s", field_name=field,
                                 value=value, code=code, code_value=code, target=target,
                                 codes=', '.join(codes))
        out.setdefault(target, {}).update(values)
    return out


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


class _Values:
    """How the written values of the vocabulary fields were read, for the preview."""

    def __init__(self, decided: dict[str, dict[str, str]]):
        self.decided = decided
        self.seen: dict[str, dict[str, dict]] = {t: {} for t in VOCABULARIES}

    def code(self, target: str, raw) -> str | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        text = str(raw).strip()
        known = self.seen[target].get(text)
        if known is not None:  # lists repeat few values many times
            known["count"] += 1
            return known["as"]
        decided = self.decided.get(target, {}).get(normalise(text) or text)
        code = decided or recognise(target, text)
        entry = self.seen[target].setdefault(text, {
            "value": text, "as": code or FALLBACK[target],
            "how": "decided" if decided else "recognised" if code else "not recognised",
            "count": 0})
        entry["count"] += 1
        return entry["as"]

    def report(self) -> tuple[dict, dict, list[str]]:
        unmapped = {t: [e for e in seen.values() if e["how"] == "not recognised"][:SHOW]
                    for t, seen in self.seen.items()}
        unmapped = {t: v for t, v in unmapped.items() if v}
        values = {t: sorted(seen.values(), key=lambda e: -e["count"])[:SHOW]
                  for t, seen in self.seen.items() if seen}
        warnings = [
            Text("%(target)s: %(count)s × %(value)r not recognised, taken as %(code)r; decide"
                 " with --map-value %(target)s:\"%(written)s\"=CODE", target=t,
                 count=e["count"], value=e["value"], code=e["as"], written=e["value"])
            for t, entries in unmapped.items() for e in entries]
        return unmapped, values, warnings


def _attributes(rows: list[dict], fields: dict[str, str], values: _Values, label, problems
                ) -> list[dict | None]:
    out = []
    for i, row in enumerate(rows):
        attrs, bad = {}, None
        for target, field_name in fields.items():
            try:
                attrs[target] = _value(row[field_name])
            except TypeError as exc:
                bad = Text("field %(field_name)r holds %(kind)s values, which cannot become"
                           " %(target)s; leave it unmapped", field_name=field_name, kind=str(exc),
                           target=target)
                break
        if bad is None:
            raw_funding = attrs.get("funding_source")
            for target in VOCABULARIES:
                if target in attrs:
                    attrs[target] = values.code(target, attrs[target])
            if raw_funding is not None and str(raw_funding).strip():
                attrs["funding_label"] = str(raw_funding).strip()[:200]
            try:
                funding_label = attrs.pop("funding_label", None)
                attrs = {**clean_attributes(attrs), "funding_label": funding_label}
            except BadRequest as exc:
                bad = Text(exc.template, **exc.params)
        if bad is not None:
            problems.append(Text("%(feature)s: %(problem)s", feature=label(i), problem=bad))
            attrs = None
        out.append(attrs)
    return out


def read_projects(path: str | Path, *, mapping: dict[str, str] | None = None,
                  value_maps: dict[str, dict[str, str]] | None = None,
                  encoding: str | None = None, crs: str | None = None) -> dict:
    """Parse and check a file: records (attributes + EPSG:2180 geometry), a summary, and the
    problems found (``problems``, each naming its feature). Raises ``InvalidInput`` only for
    what makes the whole file unreadable (no CRS, no title field, too many features)."""
    settings = Settings.from_env()
    sources = run_bounded(read_all, path, encoding=encoding, max_features=MAX_FEATURES,
                          seconds=settings.import_seconds,
                          memory_bytes=settings.import_memory_mb * 2**20, where=str(path))
    records, families, columns, fields = [], {"point": 0, "line": 0, "polygon": 0}, [], {}
    problems: list[str] = []
    values = _Values({})
    for source in sources:
        frame, where = source.frame, source.name
        if frame.crs is None and not crs:
            raise InvalidInput("the file states no coordinate system (a Shapefile without"
                               " .prj?); say which it is, e.g. crs=EPSG:2180", where=where)
        columns = [c for c in frame.columns if c != frame.geometry.name]
        fields = _mapping(columns, mapping or {})
        values.decided = _resolve_value_maps(value_maps or {}, fields)
        prefix = f"{where}: " if len(sources) > 1 else ""

        def label(i: int, prefix=prefix) -> str:
            return Text("%(prefix)sfeature %(number)s", prefix=prefix, number=i + 1)

        geoms = np.asarray(frame.geometry.values, dtype=object)
        projected, geometry_problems = check_many(geoms, crs or frame.crs)
        rows = frame[sorted(set(fields.values()))].to_dict("records")
        attributes = _attributes(rows, fields, values, label, problems)
        for i in np.flatnonzero(geometry_problems != None):  # noqa: E711
            reason = geometry_problems[i]
            problems.append(Text("%(feature)s has no geometry", feature=label(i))
                            if reason == "the geometry is empty"
                            else Text("%(feature)s: %(problem)s", feature=label(i), problem=reason))
        for attrs, geom, problem in zip(attributes, projected, geometry_problems,
                                        strict=True):
            if attrs is not None and problem is None:
                families[FAMILIES[geom.geom_type]] += 1
                records.append((attrs, geom))
    problems.sort(key=_feature_order)
    unmapped, seen, warnings = values.report()
    return {"source": str(path), "driver": sources[-1].driver, "fields": columns,
            "mapping": fields, "features": len(records), "by_geometry": families,
            "values": seen, "unmapped": unmapped, "warnings": warnings,
            "problems": problems[:SHOW], "problem_count": len(problems), "records": records}


def _feature_order(problem: str) -> tuple:
    head, _, rest = problem.partition("feature ")
    number = rest.split(" ", 1)[0].split(":", 1)[0]
    return (head, int(number) if number.isdigit() else 0)


COLUMNS = ("seq", "title", "description", "theme", "cost_pln", "funding_source",
           "funding_label", "start_date", "end_date", "feasibility", "priority", "data", "geom",
           "id")


def _insert_all(conn, partnership: str, records: list, *, author: str, comment: str,
                actor: Principal) -> list[int]:
    """Create every project with a few set-based statements: COPY into a temporary table,
    ids drawn in file order, gminas found by one spatial join, one version and one audit
    record each (as ``versioning.accept`` writes them)."""
    conn.execute(sa.text(
        "CREATE TEMP TABLE incoming_project (seq int, title text, description text, theme text,"
        " cost_pln numeric, funding_source text, funding_label text, start_date date,"
        " end_date date, feasibility text, priority smallint, data jsonb, geom geometry,"
        " id bigint) ON COMMIT DROP"))
    ids = conn.execute(sa.text(
        "SELECT nextval(pg_get_serial_sequence('project', 'id')) AS id"
        " FROM generate_series(1, :n) ORDER BY id"), {"n": len(records)}).scalars().all()
    cursor = conn.connection.driver_connection.cursor()
    wkb = shapely.to_wkb(shapely.set_srid(np.array([g for _, g in records], dtype=object),
                                          2180), hex=True, include_srid=True)
    with cursor, cursor.copy(f"COPY incoming_project ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for seq, ((attrs, _), geom, pid) in enumerate(zip(records, wkb, ids, strict=True)):
            copy.write_row((seq, attrs["title"], attrs["description"], attrs["theme"],
                            attrs["cost_pln"], attrs["funding_source"], attrs["funding_label"],
                            attrs["start_date"], attrs["end_date"], attrs["feasibility"],
                            attrs["priority"], json.dumps(attrs, ensure_ascii=False,
                                                          default=str), geom, pid))
    conn.execute(sa.text(
        "INSERT INTO project (id, partnership_id, title, description, theme, cost_pln,"
        " funding_source, funding_label, start_date, end_date, feasibility, priority, gminas,"
        " geom, updated_by) SELECT i.id, :pid, i.title, i.description, i.theme, i.cost_pln,"
        " i.funding_source, i.funding_label, i.start_date, i.end_date, i.feasibility,"
        " i.priority, ARRAY(SELECT g.teryt FROM gmina g WHERE ST_Intersects(g.geom, i.geom)"
        " ORDER BY g.teryt), i.geom, :author FROM incoming_project i ORDER BY i.seq"),
        {"pid": partnership, "author": author})
    conn.execute(sa.text(
        "INSERT INTO object_version (object_kind, object_id, version, outcome, action, author,"
        " comment, data, geom) SELECT 'project', p.id, 1, 'accepted', 'create', :author,"
        " :comment, i.data || jsonb_build_object('gminas', to_jsonb(p.gminas)), p.geom"
        " FROM incoming_project i JOIN project p ON p.id = i.id ORDER BY i.seq"),
        {"author": author, "comment": comment})
    conn.execute(sa.text(
        "INSERT INTO audit_log (actor, action, object_kind, object_id, before, after)"
        " SELECT :actor, 'create', 'project', p.id::text, NULL, i.data"
        " || jsonb_build_object('partnership', CAST(:pid AS text), 'gminas', to_jsonb(p.gminas))"
        " FROM incoming_project i JOIN project p ON p.id = i.id ORDER BY i.seq"),
        {"actor": actor.label, "pid": partnership})
    conn.execute(sa.text("DROP TABLE incoming_project"))
    return list(ids)


def import_projects(engine: sa.Engine, path: str | Path, partnership: str, *,
                    mapping: dict[str, str] | None = None,
                    value_maps: dict[str, dict[str, str]] | None = None,
                    encoding: str | None = None, crs: str | None = None, preview: bool = True,
                    author: str = "", actor: Principal = SYSTEM) -> dict:
    """Preview (default) or create the projects of a file for one partnership.

    A preview lists the problems; an import refuses the file at the first one, naming it.
    """
    with database_errors(), engine.connect() as conn:
        require_write(conn, actor, partnership)
    parsed = read_projects(path, mapping=mapping, value_maps=value_maps, encoding=encoding,
                           crs=crs)
    records = parsed.pop("records")
    parsed["sample"] = [{**attrs, "geometry_type": geom.geom_type}
                        for attrs, geom in records[:5]]
    if preview:
        return {**parsed, "created": []}
    if parsed["problems"]:
        if parsed["problem_count"] > 1:
            raise InvalidInput("%(problem)s (and %(more)s more problems)", where=str(path),
                               problem=parsed["problems"][0], more=parsed["problem_count"] - 1)
        raise InvalidInput("%(problem)s", where=str(path), problem=parsed["problems"][0])
    with database_errors(), engine.begin() as conn:
        require_write(conn, actor, partnership)
        created = _insert_all(conn, partnership, records, author=author_of(actor, author),
                              comment=f"imported from {Path(path).name}", actor=actor)
    return {**parsed, "created": created}
