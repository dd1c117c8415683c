"""Reading vector datasets (GeoJSON, GeoPackage, Shapefile folder or .zip) through pyogrio."""

from __future__ import annotations

import codecs
import sqlite3
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pyogrio
import pyogrio.errors

from core.errors import InvalidInput
from layers.archive import safe_extract
from layers.library_reasons import library_detail, library_reason

DATASET_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".fgb")
# GDAL falls back to this when a Shapefile has neither a .cpg nor a code page byte in its .dbf.
GDAL_SHAPEFILE_FALLBACK = "ISO-8859-1"


@dataclass
class VectorSource:
    frame: gpd.GeoDataFrame
    name: str  # how messages refer to the source
    driver: str
    layer: str | None
    encoding: str | None


def _candidates(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.suffix.lower() in DATASET_SUFFIXES and p.is_file()
    )


def _pick(candidates: list[Path], layer: str | None, preferred: tuple[str, ...], where: str
          ) -> Path:
    if not candidates:
        raise InvalidInput(
            "no vector dataset found (looked for .shp, .gpkg, .geojson, .json, .fgb)", where=where
        )
    wanted = [layer] if layer else list(preferred)
    for name in wanted:
        hits = [p for p in candidates if p.stem.lower() == name.lower()]
        if hits:
            return hits[0]
    if layer:
        raise InvalidInput(
            "no dataset named %(layer)r; found: %(values)s",
            where=where, layer=layer, values=', '.join(p.name for p in candidates),
        )
    if len(candidates) == 1:
        return candidates[0]
    raise InvalidInput(
        "several datasets found; choose one with --layer: %(datasets)s",
        where=where, datasets=", ".join(p.stem for p in candidates[:20]),
    )


def _shapefile_counts(path: Path, where: str) -> None:
    """Refuse a Shapefile whose .dbf holds another number of records than its .shp shapes
    (GDAL would read the smaller count silently)."""
    def sibling(suffix: str) -> Path | None:
        return next((p for p in (path.with_suffix(suffix), path.with_suffix(suffix.upper()))
                     if p.exists()), None)

    shx, dbf = sibling(".shx"), sibling(".dbf")
    if shx is None or dbf is None:
        return
    shapes = max(shx.stat().st_size - 100, 0) // 8
    with open(dbf, "rb") as fh:
        header = fh.read(8)
    if len(header) < 8:
        raise InvalidInput("the .dbf file is truncated (no header)", where=where)
    records = struct.unpack("<I", header[4:8])[0]
    if records != shapes:
        raise InvalidInput(
            "the .dbf holds %(records)s records but the .shp %(shapes)s shapes: the files do not"
            " belong together or one was cut; refused", where=where, records=records, shapes=shapes)


SQLITE_MAGIC = b"SQLite format 3\x00"


def _refuse_views(path: Path, layer_names: list[str], where: str) -> None:
    """A GeoPackage (SQLite) layer that is an SQL view can compute any number of rows from a
    small file: refuse views, before GDAL reads or counts anything."""
    with open(path, "rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            return
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            views = {str(name).lower() for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'view'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise InvalidInput("cannot read as a GeoPackage: %(exc)s", where=where,
                           exc=library_reason(exc), details=library_detail(exc)) from None
    hit = [n for n in layer_names if n.lower() in views]
    if hit:
        raise InvalidInput(
            "layer %(hit)r is an SQL view, not a table; views are refused because they can"
            " compute any number of rows: save the layer as a table (e.g. ogr2ogr -f GPKG"
            " out.gpkg in.gpkg) and import that", where=where, hit=hit[0])


def _gdal_message(exc: Exception) -> str:
    """GDAL's reason in our words when it is a frequent one (layers/library_reasons.py)."""
    return library_reason(exc)


def _shapefile_encoding(path: Path, encoding: str | None, where: str) -> str | None:
    """Decide how to decode a Shapefile's .dbf, refusing to guess between code pages."""
    if encoding or path.suffix.lower() != ".shp":
        return encoding
    if any(path.with_suffix(s).exists() for s in (".cpg", ".CPG")):
        return None
    if pyogrio.read_info(path).get("encoding") != GDAL_SHAPEFILE_FALLBACK:
        return None  # the .dbf names its code page itself
    frame = pyogrio.read_dataframe(path, read_geometry=False, encoding="latin1")
    text = frame.select_dtypes(include=["object", "string"])
    raw = [str(v).encode("latin1") for col in text for v in text[col].dropna()]
    non_ascii = [b for b in raw if any(ch > 0x7F for ch in b)]
    if not non_ascii:
        return None
    try:
        for b in non_ascii:
            b.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(
            "the Shapefile has no .cpg file and its text is not UTF-8; Polish data is usually "
            "CP1250: run again with --encoding cp1250 (or ISO-8859-2)",
            where=where,
        ) from None
    return "utf-8"


def _read(path: Path, layer: str | None, encoding: str | None, preferred: tuple[str, ...],
          where: str, max_features: int | None = None) -> VectorSource:
    try:
        layers = pyogrio.list_layers(path)
        layer_names = [str(row[0]) for row in layers]
        chosen_layer = None
        if len(layer_names) > 1:
            wanted = [layer] if layer else list(preferred)
            chosen_layer = next((n for n in layer_names for w in wanted if n.lower() == w.lower()),
                                None)
            if chosen_layer is None:
                raise InvalidInput(
                    "several layers; choose one with --layer: %(layers)s",
                    where=where, layers=", ".join(layer_names),
                )
        _refuse_views(path, [chosen_layer] if chosen_layer else layer_names, where)
        if path.suffix.lower() == ".shp":
            _shapefile_counts(path, where)
        encoding = _shapefile_encoding(path, encoding, where)
        info = pyogrio.read_info(path, layer=chosen_layer, encoding=encoding)
        kwargs = {"layer": chosen_layer}
        if encoding:
            kwargs["encoding"] = encoding
        if max_features is not None:
            # Count before reading; then read no more than one past the limit, in case the
            # stored count lies.
            if info.get("features", -1) > max_features:
                raise InvalidInput("%(features)s features; at most %(max_features)s in one"
                                   " import", where=where, features=info['features'],
                                   max_features=max_features)
            kwargs["max_features"] = max_features + 1
        frame = pyogrio.read_dataframe(path, use_arrow=True, **kwargs)
    except InvalidInput:
        raise
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError, pyogrio.errors.GeometryError,
            pyogrio.errors.CRSError, RuntimeError, ValueError) as exc:
        raise InvalidInput("cannot read as a vector dataset: %(value)s",
                           where=where, value=_gdal_message(exc),
                           details=library_detail(exc)) from exc
    if max_features is not None and len(frame) > max_features:
        raise InvalidInput("more than %(max_features)s features; at most %(max_features)s in one"
                           " import", where=where, max_features=max_features)
    if len(frame) == 0:
        raise InvalidInput("the dataset has no features", where=where)
    return VectorSource(frame, where, info.get("driver", "?"), chosen_layer, encoding)


def read_vector(path: str | Path, *, layer: str | None = None, encoding: str | None = None,
                preferred_layers: tuple[str, ...] = ()) -> VectorSource:
    """Read one vector layer from a file, a folder or a .zip into a GeoDataFrame.

    Parameters name the layer (file stem or GeoPackage layer) when the source holds several,
    and the text encoding of Shapefiles without a .cpg. Any failure is an ``InvalidInput``
    naming the source.
    """
    path = Path(path)
    where = str(path)
    _check_file(path, encoding, where)
    if path.is_dir():
        target = _pick(_candidates(path), layer, preferred_layers, where)
        return _read(target, layer if target.suffix.lower() == ".gpkg" else None, encoding,
                     preferred_layers, f"{where}/{target.relative_to(path)}")
    if path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory(prefix="partnerstwa-zip-") as tmp:
            safe_extract(path, Path(tmp))
            target = _pick(_candidates(Path(tmp)), layer, preferred_layers, where)
            return _read(target, layer if target.suffix.lower() == ".gpkg" else None, encoding,
                         preferred_layers, f"{where}!{target.relative_to(tmp)}")
    return _read(path, layer, encoding, preferred_layers, where)


def _check_file(path: Path, encoding: str | None, where: str) -> None:
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InvalidInput("unknown encoding %(encoding)r; e.g. cp1250, iso-8859-2, utf-8",
                               where=where, encoding=encoding) from None
    if not path.exists():
        raise InvalidInput("no such file or folder", where=where)
    if path.is_file() and path.stat().st_size == 0:
        raise InvalidInput("the file is empty", where=where)
    if path.suffix.lower() == ".shp":
        missing = [s for s in (".shx", ".dbf") if not path.with_suffix(s).exists()
                   and not path.with_suffix(s.upper()).exists()]
        if missing:
            raise InvalidInput("the Shapefile lacks its %(missing)s file",
                               where=where, missing=' and '.join(missing))


def read_all(path: str | Path, *, encoding: str | None = None,
             max_features: int | None = None) -> list[VectorSource]:
    """Every vector layer of a file, folder or .zip (e.g. one Shapefile per geometry type).

    With ``max_features``, the layers together may hold no more: counted before reading, and
    reading stops past the limit.
    """
    path = Path(path)
    where = str(path)
    if not path.exists():
        raise InvalidInput("no such file or folder", where=where)
    if path.is_file() and path.stat().st_size == 0:
        raise InvalidInput("the file is empty", where=where)

    def layers_of(files: list[Path], root: Path | None) -> list[VectorSource]:
        if not files:
            raise InvalidInput("no vector dataset found (looked for .shp, .gpkg, .geojson,"
                               " .json, .fgb)", where=where)
        out, left = [], max_features
        for file in files:
            name = f"{where}!{file.relative_to(root)}" if root else str(file)
            try:
                names = [str(row[0]) for row in pyogrio.list_layers(file)]
            except (pyogrio.errors.DataSourceError, RuntimeError) as exc:
                raise InvalidInput("cannot read as a vector dataset: %(value)s",
                                   where=name, value=_gdal_message(exc),
                                   details=library_detail(exc)) from exc
            _refuse_views(file, names, name)
            for layer in names if len(names) > 1 else [None]:
                source = _read(file, layer, encoding, (), name, left)
                out.append(source)
                if left is not None:
                    left -= len(source.frame)
        return out

    if path.is_dir():
        return layers_of(_candidates(path), path)
    if path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory(prefix="partnerstwa-zip-") as tmp:
            safe_extract(path, Path(tmp), max_total_bytes=512 * 1024**2)
            return layers_of(_candidates(Path(tmp)), Path(tmp))
    _check_file(path, encoding, where)
    return layers_of([path], None)
