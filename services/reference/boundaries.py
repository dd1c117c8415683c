"""Loading administrative boundaries into PostGIS: validate everything, then write in one
transaction (all or nothing)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa
from pyproj import CRS
from pyproj.exceptions import CRSError

from core.errors import Amount, InvalidInput, Text
from layers.catalogue import (
    CODE_FIELD_CANDIDATES,
    LEVELS,
    NAME_FIELD_CANDIDATES,
    VOIVODESHIP_CODES,
    Level,
)
from layers.catalogue import (
    level as get_level,
)
from layers.vector import VectorSource, read_vector
from services.db import database_errors
from services.reference.boundary_store import SHOW, listing, write_units
from spatial.boundaries import (
    EPSG_PUWG1992,
    POLAND_BOX_2180,
    axes_look_swapped,
    normalise_codes,
    outside_box,
    repair_polygons,
    to_puwg1992,
)
from spatial.coverage import coverage_report

CODE_PATTERNS = {
    "voivodeship": re.compile(r"^\d{2}$"),
    "powiat": re.compile(r"^\d{4}$"),
    "gmina": re.compile(r"^\d{6}[123]$"),
}

Progress = Callable[[str], None]


@dataclass
class LoadSummary:
    load_id: int
    level: str
    source: str
    as_of: str
    rows: int
    repaired: int
    replaced: int
    archived: int
    coverage: str
    area_km2: float
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _pick_field(frame: pd.DataFrame, given: str | None, candidates: tuple[str, ...], what: str,
                option: str, where: str) -> str:
    fields = [c for c in frame.columns if c != frame.geometry.name]
    if given:
        if given not in fields:
            raise InvalidInput("no field %(given)r for the %(what)s; fields: %(value)s",
                               where=where, given=given, what=what, value=listing(fields))
        return given
    for name in candidates:
        if name in fields:
            return name
    raise InvalidInput(
        "no %(what)s field found (tried %(candidates)s); name it with %(option)s; "
        "fields: %(value)s", where=where, what=what, candidates=', '.join(candidates),
                       option=option, value=listing(fields))


def _check_codes(codes: pd.Series, lvl: Level, where: str) -> None:
    pattern = CODE_PATTERNS[lvl.name]
    bad = [c for c in codes if not pattern.match(c) or c[:2] not in VOIVODESHIP_CODES]
    if bad:
        lengths = {len(c) for c in bad}
        hint = ""
        for other in LEVELS.values():
            if other.name != lvl.name and lengths == {other.code_length}:
                hint = Text("; they look like %(level)s codes: check --level",
                            level=other.name)
        if lvl.name == "gmina" and all(len(c) == 7 and c[6] in "4589" for c in bad):
            hint = Text("; type digits 4/5 are town and rural parts, 8/9 districts, not gminas")
        raise InvalidInput(
            "%(count)s %(name)s codes are not valid TERYT (%(code_length)s digits "
            "expected): %(value)s%(hint)s", where=where, count=len(bad), name=lvl.name,
                           code_length=lvl.code_length, value=listing(repr(c) for c in bad),
                           hint=hint)
    duplicated = codes[codes.duplicated(keep=False)]
    if len(duplicated):
        raise InvalidInput(
            "duplicate %(name)s codes: %(value)s", where=where, name=lvl.name,
                           value=listing(sorted(set(duplicated))))


def _resolve_crs(source: VectorSource, crs: str | None) -> CRS:
    if crs:
        try:
            return CRS.from_user_input(crs)
        except CRSError as exc:
            raise InvalidInput("unknown CRS %(crs)r", where=source.name, crs=crs) from exc
    if source.frame.crs is None:
        raise InvalidInput(
            "the dataset has no coordinate reference system (a Shapefile without .prj?); "
            "if you know it, name it with --crs, e.g. --crs EPSG:2180",
            where=source.name,
        )
    return source.frame.crs


def _as_of(source: VectorSource, as_of: str | dt.date | None) -> tuple[dt.date, str | None]:
    if isinstance(as_of, dt.date):
        return as_of, None
    if as_of:
        try:
            return dt.date.fromisoformat(as_of), None
        except ValueError:
            raise InvalidInput("--as-of %(as_of)r is not a date YYYY-MM-DD", as_of=as_of) from None
    if "IIP_WERSJA" in source.frame.columns:  # PRG: version time of each object
        versions = pd.to_datetime(source.frame["IIP_WERSJA"], errors="coerce", utc=True)
        if versions.notna().any():
            day = versions.max().date()
            return day, Text("vintage %(day)s taken from the newest IIP_WERSJA (PRG object"
                             " version)", day=day.isoformat())
    today = dt.date.today()
    return today, Text("vintage %(day)s (today); give --as-of to state the boundaries' date",
                       day=today.isoformat())


def coverage_warnings(geoms: np.ndarray, codes: np.ndarray) -> list[str]:
    """Overlaps and gaps among the units, as warnings."""
    report = coverage_report(geoms)
    warnings = []
    for i, j, area in report.overlaps[:SHOW]:
        warnings.append(Text("overlap of %(area)s m² between %(a)s and %(b)s",
                             area=Amount(round(area)), a=codes[i], b=codes[j]))
    if len(report.overlaps) > SHOW:
        warnings.append(Text("%(count)s more overlaps", count=len(report.overlaps) - SHOW))
    if report.gaps:
        area, east, north = report.gaps[0][:3]
        warnings.append(Text("%(count)s gaps inside the covered area, largest %(area)s m² near"
                             " E %(east)s N %(north)s (EPSG:2180)", count=len(report.gaps),
                             area=Amount(round(area)), east=Amount(round(east)),
                             north=Amount(round(north))))
    if report.small_overlaps or report.small_gaps:
        warnings.append(Text("%(overlaps)s overlaps and %(gaps)s gaps of at most 1 m²"
                             " (digitising slivers) ignored", overlaps=report.small_overlaps,
                             gaps=report.small_gaps))
    return warnings


def prepare_units(source: VectorSource, lvl: Level, *, code_field: str | None = None,
                  name_field: str | None = None, crs: str | None = None
                  ) -> tuple[pd.DataFrame, int, list[str]]:
    """Validate and normalise a source into rows ``teryt, name, geom`` (EPSG:2180).

    Returns the rows, how many geometries were repaired, and warnings. Raises
    ``InvalidInput`` for anything that would store wrong data.
    """
    where = source.name
    frame = source.frame
    warnings: list[str] = []
    code_col = _pick_field(frame, code_field, CODE_FIELD_CANDIDATES, "code", "--code-field", where)
    name_col = _pick_field(frame, name_field, NAME_FIELD_CANDIDATES, "name", "--name-field", where)
    codes, padded = normalise_codes(frame[code_col], lvl.code_length)
    if padded:
        warnings.append(Text("%(count)s numeric codes were zero-padded to %(digits)s digits",
                             count=padded, digits=lvl.code_length))
    _check_codes(codes, lvl, where)
    names = frame[name_col].astype("string").str.strip()
    if names.isna().any() or (names == "").any():
        missing = codes[(names.isna() | (names == "")).to_numpy()]
        raise InvalidInput("units without a name in %(name_col)r: %(value)s",
                           where=where, name_col=name_col, value=listing(missing))

    geoms = np.asarray(frame.geometry.array, dtype=object)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        raise InvalidInput("units without geometry: %(value)s", where=where,
                           value=listing(codes[empty]))
    kinds = shapely.get_type_id(geoms)
    not_polygonal = ~np.isin(kinds, (3, 6))
    if not_polygonal.any():
        raise InvalidInput(
            "boundaries must be polygons; %(value)s are not", where=where,
                           value=listing(codes[not_polygonal]))

    source_crs = _resolve_crs(source, crs)
    projected = to_puwg1992(frame.set_crs(source_crs, allow_override=True))
    geoms2180 = np.asarray(projected.geometry.array, dtype=object)
    outside = outside_box(geoms2180, POLAND_BOX_2180)
    if outside.any():
        hint = ""
        if source_crs.is_geographic and axes_look_swapped(geoms):
            hint = Text("; the axes look swapped (latitude given as x): write longitude first")
        elif not source_crs.is_geographic and axes_look_swapped(geoms2180):
            hint = Text("; the coordinates look like degrees: is the CRS right?")
        raise InvalidInput(
            "coordinates outside Poland for %(value)s units: "
            "%(value2)s (CRS %(value3)s)%(hint)s", where=where, value=outside.sum(),
                           value2=listing(codes[outside]), value3=source_crs.to_string(), hint=hint)
    repaired_geoms, was_invalid = repair_polygons(geoms2180)
    collapsed = shapely.is_empty(repaired_geoms)
    if collapsed.any():
        raise InvalidInput(
            "geometries with no area left after repair: %(value)s",
            where=where, value=listing(codes[collapsed]),
        )
    if was_invalid.any():
        warnings.append(Text("repaired %(count)s invalid geometries: %(codes)s",
                             count=int(was_invalid.sum()), codes=listing(codes[was_invalid])))
    code_list = codes.to_numpy()
    rows = pd.DataFrame({"teryt": code_list, "name": names.to_numpy(dtype=object),
                         "geom": repaired_geoms})
    return rows, int(was_invalid.sum()), warnings


def load_boundaries(engine: sa.Engine, path: str | Path, level: str, *,
                    code_field: str | None = None, name_field: str | None = None,
                    as_of: str | dt.date | None = None, encoding: str | None = None,
                    layer: str | None = None, crs: str | None = None,
                    progress: Progress | None = None) -> LoadSummary:
    """Load one level of boundaries from a file; all or nothing.

    Reloading the same vintage replaces it; a load of another vintage moves the units it
    replaces to ``boundary_history``.
    """
    say = progress or (lambda _msg: None)
    lvl = get_level(level)
    say(Text("reading %(path)s", path=str(path)))
    source = read_vector(path, layer=layer, encoding=encoding,
                         preferred_layers=(lvl.prg_layer,))
    day, note = _as_of(source, as_of)
    say(Text("validating %(count)s units of level %(level)s", count=Amount(len(source.frame)),
             level=lvl.name))
    rows, repaired, warnings = prepare_units(source, lvl, code_field=code_field,
                                             name_field=name_field, crs=crs)
    if note:
        warnings.insert(0, note)
    say(Text("checking overlaps and gaps; writing to PostGIS (EPSG:%(epsg)s)",
             epsg=EPSG_PUWG1992))
    # The coverage check only warns, and shapely releases the GIL: it runs while PostgreSQL
    # works, and its warnings join the load's record before the commit.
    with ThreadPoolExecutor(max_workers=1) as pool:
        coverage = pool.submit(coverage_warnings, rows["geom"].to_numpy(),
                               rows["teryt"].to_numpy())
        with database_errors(), engine.begin() as conn:
            written = write_units(conn, lvl, rows, as_of=day, source=str(source.name),
                                  source_format=source.driver, repaired=repaired,
                                  warnings=warnings, late_warnings=coverage.result)
    return LoadSummary(
        load_id=written["load_id"], level=lvl.name, source=str(source.name),
        as_of=day.isoformat(), rows=len(rows), repaired=repaired, replaced=written["replaced"],
        archived=written["archived"], coverage=written["coverage"],
        area_km2=round(written["area_km2"], 3), warnings=written["warnings"],
    )
