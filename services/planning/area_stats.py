"""What a functional area holds: population, area, indicators, raster summaries.

Areas made of gminas add their gminas up. Drawn areas use area-weighted interpolation: each
gmina contributes the share of its area that lies inside.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
import rasterio.mask
import shapely
import sqlalchemy as sa
from pyproj import Transformer

from core.errors import InvalidInput, NotFound, Text
from layers.catalogue import (
    AREA_WEIGHTED_INDICATORS,
    EXTENSIVE_INDICATORS,
    RASTER_LABELS,
    RASTERS,
)
from services.access.rules import SYSTEM, Principal, require_read
from services.config import Settings
from services.db import database_errors

MIN_SHARE = 1e-6  # shares below this are boundary slivers of neighbouring gminas


def _shares(conn, area_id: int, actor: Principal) -> pd.Series:
    row = conn.execute(sa.text(
        "SELECT delineation, gminas, partnership_id FROM functional_area WHERE id = :id"
        " AND NOT deleted"), {"id": area_id}).first()
    if row is None:
        raise NotFound("no functional area %(area_id)s", area_id=area_id)
    require_read(conn, actor, row[2])
    if row[0] == "gminas":
        return pd.Series(1.0, index=list(row[1]))
    rows = conn.execute(sa.text(
        "SELECT g.teryt, ST_Area(ST_Intersection(g.geom, a.geom)) / ST_Area(g.geom)"
        " FROM gmina g JOIN functional_area a ON ST_Intersects(g.geom, a.geom)"
        " WHERE a.id = :id"), {"id": area_id}).all()
    shares = pd.Series({t: s for t, s in rows}, dtype=float)
    return shares[shares > MIN_SHARE]


def population_by_gmina(conn, year: int | None) -> tuple[pd.Series, int | None]:
    """Persons per gmina in ``year`` (or the latest year held): exact counts first."""
    held = ("SELECT {} FROM indicator_value WHERE level = 'gmina'"
            " AND indicator_code IN ('population', 'population_thousands')")
    years = list(conn.execute(sa.text(held.format("DISTINCT year") + " ORDER BY year")).scalars())
    if not years:
        return pd.Series(dtype=float), None
    chosen = year if year in years else max([y for y in years if year is None or y <= year]
                                            or years)
    # only the chosen year is read: every year of every gmina is ~70,000 rows
    rows = conn.execute(sa.text(held.format("indicator_code, teryt, value") + " AND year = :y"),
                        {"y": chosen}).all()
    frame = pd.DataFrame(rows, columns=["code", "teryt", "value"])
    frame.loc[frame["code"] == "population_thousands", "value"] *= 1000
    frame = frame.sort_values("code").drop_duplicates(["teryt"], keep="first")
    return frame.set_index("teryt")["value"], int(chosen)


def aggregate(code: str, values: pd.Series, shares: pd.Series, people: pd.Series,
              areas: pd.Series) -> dict | None:
    """One indicator over a set of gminas, each counted with its share (1 = whole gmina):
    counts and areas add up, densities are averaged with area weights, other rates with
    population weights."""
    covered = values.index.intersection(shares.index)
    if code in EXTENSIVE_INDICATORS:
        value = float((values[covered] * shares[covered]).sum())
        method = "sum"
    else:
        area_weighted = code in AREA_WEIGHTED_INDICATORS
        weights = shares[covered] * (areas if area_weighted else people).reindex(covered
                                                                                 ).fillna(0)
        method = "area-weighted mean" if area_weighted else "population-weighted mean"
        if weights.sum() == 0:
            return None
        value = float((values[covered] * weights).sum() / weights.sum())
    return {"value": value, "aggregation": method, "gminas_with_value": len(covered),
            "gminas": len(shares)}


def _in_crs(geom, crs):
    """An EPSG:2180 geometry in a raster's CRS."""
    if crs.to_epsg() == 2180:
        return geom
    transformer = Transformer.from_crs(2180, crs, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(
        transformer.transform(xy[:, 0], xy[:, 1])))


@functools.lru_cache(maxsize=32)
def _extent(path: Path, modified: float):
    """A raster's CRS and bounds (cached per file version: read once, asked per area)."""
    with rasterio.open(path) as src:
        return src.crs, shapely.box(*src.bounds)


def _overlaps(path: Path, geom) -> bool:
    """Whether an EPSG:2180 geometry meets the raster's extent (the test ``raster_stats``
    refuses by, so a raster offered for an area is never refused for not covering it)."""
    crs, box = _extent(path, path.stat().st_mtime)
    return box.intersects(_in_crs(geom, crs))


def covering_rasters(settings: Settings, geom) -> list[dict]:
    """The mirror's rasters whose extent meets ``geom`` (EPSG:2180), with their labels;
    none without a data mirror, since then none can be summarised."""
    if not settings.data_dir:
        return []
    out = []
    for name, (relative, kind) in RASTERS.items():
        path = Path(settings.data_dir) / relative
        if path.exists() and _overlaps(path, geom):
            out.append({"name": name, "kind": kind, "label_pl": RASTER_LABELS[name][0],
                        "label_en": RASTER_LABELS[name][1]})
    return out


def area_stats(engine: sa.Engine, area_id: int, *, year: int | None = None,
               indicators: list[str] | None = None, actor: Principal = SYSTEM,
               settings: Settings | None = None) -> dict:
    """Population, area and indicator values of a functional area; with ``settings``, the
    rasters of the data mirror its outline meets (without, every raster of the catalogue)."""
    with database_errors(), engine.connect() as conn:
        shares = _shares(conn, area_id, actor)
        area_km2, wkb = conn.execute(sa.text(
            "SELECT ST_Area(geom) / 1e6, ST_AsBinary(geom) FROM functional_area"
            " WHERE id = :id"), {"id": area_id}).one()
        people, people_year = population_by_gmina(conn, year)
        codes = indicators or conn.execute(sa.text(
            "SELECT DISTINCT indicator_code FROM indicator_value WHERE level = 'gmina'"
            " ORDER BY 1")).scalars().all()
        values = pd.DataFrame(conn.execute(sa.text(
            "SELECT indicator_code, year, teryt, value FROM indicator_value"
            " WHERE level = 'gmina' AND indicator_code = ANY(:codes) AND teryt = ANY(:t)"),
            {"codes": list(codes), "t": list(shares.index)}).all(),
            columns=["code", "year", "teryt", "value"])
        units = conn.execute(sa.text(
            "SELECT teryt, name, ST_Area(geom) FROM gmina WHERE teryt = ANY(:t)"),
            {"t": list(shares.index)}).all()
        names = {t: n for t, n, _ in units}
        areas = pd.Series({t: a for t, _, a in units}, dtype=float)
    out_indicators = {}
    for code in codes:
        held = values[values["code"] == code]
        if held.empty:
            continue
        chosen = year if year in set(held["year"]) else int(held["year"].max())
        series = held[held["year"] == chosen].set_index("teryt")["value"]
        result = aggregate(code, series, shares, people, areas)
        if result is not None:
            out_indicators[code] = {"year": chosen, **result}
    population = None
    if people_year is not None:
        population = {"year": people_year,
                      "value": float((people.reindex(shares.index).fillna(0) * shares).sum())}
    return {
        "area_id": area_id, "area_km2": float(area_km2), "population": population,
        "indicators": out_indicators,
        "gminas": [{"teryt": t, "name": names.get(t), "share": round(float(s), 6)}
                   for t, s in shares.sort_index().items()],
        # the rasters of the mirror it can be summarised over (GET .../rasters/{name})
        "rasters": covering_rasters(settings, shapely.from_wkb(bytes(wkb))) if settings else [
            {"name": name, "kind": kind, "label_pl": RASTER_LABELS[name][0],
             "label_en": RASTER_LABELS[name][1]} for name, (_, kind) in RASTERS.items()],
    }


def raster_stats(engine: sa.Engine, settings: Settings, area_id: int, raster: str, *,
                 actor: Principal = SYSTEM) -> dict:
    """Summary of a mirror raster inside the area (cells whose centre lies inside)."""
    if raster not in RASTERS:
        raise NotFound("no raster %(raster)r; rasters: %(rasters)s", raster=raster,
                       rasters=', '.join(RASTERS))
    if not settings.data_dir:
        raise InvalidInput("rasters come from the data mirror: set PARTNERSTWA_DATA_DIR")
    relative, kind = RASTERS[raster]
    path = Path(settings.data_dir) / relative
    with database_errors(), engine.connect() as conn:
        found = conn.execute(sa.text(
            "SELECT ST_AsBinary(geom), partnership_id FROM functional_area WHERE id = :id"
            " AND NOT deleted"), {"id": area_id}).first()
        if found is None:
            raise NotFound("no functional area %(area_id)s", area_id=area_id)
        require_read(conn, actor, found[1])
    wkb = found[0]
    geom = shapely.from_wkb(bytes(wkb))
    # rasterio 1.4 multiplies affine transforms with '*', which affine 3 flags as pending
    # deprecation on every call: not actionable here.
    with warnings.catch_warnings(), rasterio.open(path) as src:
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        geom = _in_crs(geom, src.crs)
        if not shapely.box(*src.bounds).intersects(geom):
            # The raster by its title (a Text: shown in the reader's language), not its key.
            raise InvalidInput("the area does not overlap the raster %(raster)s",
                               raster=Text(RASTER_LABELS[raster][1]))
        data, transform = rasterio.mask.mask(src, [geom], crop=True, filled=False)
        band = data[0]
        cell_area = abs(transform.a * transform.e) if src.crs.is_projected else None
    cells = band.compressed()
    result = {"raster": raster, "cells": int(cells.size), "kind": kind,
              "covered_km2": cell_area * cells.size / 1e6 if cell_area else None}
    if cells.size == 0:
        return result
    if kind == "categorical":
        classes, counts = np.unique(cells, return_counts=True)
        result["classes"] = {str(int(c)): round(float(n) / cells.size, 6)
                             for c, n in zip(classes, counts, strict=True)}
    else:
        result.update(mean=float(cells.mean()), min=float(cells.min()),
                      max=float(cells.max()), std=float(cells.std()))
    return result
