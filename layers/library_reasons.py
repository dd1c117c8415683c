"""Our own words for the reasons libraries give most often (GDAL, SQLite, zipfile, json, the
operating system), which are English only: a Polish message must not end in an English
clause. The library's own text stays available as a detail (``details["library_detail"]``);
a reason not in the table is passed on as the library wrote it.
"""

from __future__ import annotations

import json
import re

from core.errors import N_, Text

# (what the library writes, searched case-insensitively; our sentence). The first match wins.
REASONS = (
    (r"not recognized as (being in )?a supported file format",
     N_("the file is in no format that can be read (GeoJSON, GeoPackage, Shapefile, ...)")),
    (r"file is not a database|database disk image is malformed",
     N_("the file is not a valid GeoPackage (SQLite) database")),
    (r"file is not a zip file|bad magic number for",
     N_("the file is not a valid zip archive")),
    (r"truncated|unexpected end of (file|data)", N_("the file is cut short")),
    (r"no such file or directory", N_("no such file or folder")),
    (r"permission denied", N_("no permission to read or write it")),
    (r"is a directory", N_("it is a folder, not a file")),
    (r"no space left on device", N_("no space left on the disk")),
    (r"layer .* could not be opened", N_("the layer cannot be opened")),
    (r"unknown encoding", N_("unknown text encoding")),
    (r"codec can't decode|invalid (start|continuation) byte",
     N_("the text is not in the expected encoding")),
    (r"error tokenizing data|expected \d+ fields", N_("the rows have different numbers of"
                                                       " columns")),
    (r"no columns to parse from file", N_("the file holds no table")),
)
_COMPILED = tuple((re.compile(pattern, re.I), template) for pattern, template in REASONS)


def library_text(exc: BaseException | str) -> str:
    """The library's own words: the first line of its message (or the exception's name)."""
    text = exc if isinstance(exc, str) else (
        exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc))
    text = text.strip()
    return text.splitlines()[0] if text else type(exc).__name__


def library_reason(exc: BaseException | str) -> str:
    """A ``Text`` of ours for a frequent reason, else the library's own first line."""
    if isinstance(exc, json.JSONDecodeError):
        return Text("the JSON is not valid (line %(line)s, column %(column)s)",
                    line=exc.lineno, column=exc.colno)
    text = library_text(exc)
    for pattern, template in _COMPILED:
        if pattern.search(text):
            return Text(template)
    return text


def library_detail(exc: BaseException | str) -> dict:
    """``details`` for an error whose reason came from a library."""
    return {"library_detail": library_text(exc)}
