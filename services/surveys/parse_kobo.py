"""KoboToolbox's CSV (";"-separated by default) and XLSX exports.

Headers are XML names, with group paths ("grupa/pytanie") when groups are included;
select_multiple answers are space-separated option names in the question's column plus one
0/1 column per option ("grupa/pytanie/opcja"); a geopoint "lok" adds "_lok_latitude",
"_lok_longitude", "_lok_altitude", "_lok_precision"; the server adds "_id", "_uuid",
"_submission_time" (UTC), "_geolocation", "_index" and other "_" columns.
"""

from __future__ import annotations

import re

from services.surveys.layout import Candidate, Layout, flag_columns, option, unique_codes

META = ("start", "end", "today", "deviceid", "username", "simserial", "subscriberid",
        "phonenumber", "audit", "__version__", "meta/instanceid", "meta/rootuuid",
        "meta/deprecatedid", "formhub/uuid", "meta/instancename")
GEO_PART = re.compile(r"^_(?P<path>.+)_(?P<part>latitude|longitude|altitude|precision)$")


def detect(columns: list[str]) -> int:
    names = {c.strip().lower() for c in columns}
    return sum(2 for n in ("_uuid", "_submission_time", "_index", "_id", "_geolocation")
               if n in names)


def layout(table) -> Layout:
    columns = table.columns
    lower = {c.lower(): c for c in columns}
    metadata = [c for c in columns if c.lower() in META or (c.startswith("_") and not
                                                            GEO_PART.match(c))]
    geo = {}
    for c in columns:
        match = GEO_PART.match(c)
        if match:
            geo.setdefault(match["path"], {})[match["part"]] = c
            metadata.append(c)
    point_path = next((p for p, parts in geo.items()
                       if "latitude" in parts and "longitude" in parts), None)
    geopoint_columns = {c for c in columns if c in geo}  # "lok" holding "lat lon alt acc"
    metadata += sorted(geopoint_columns)
    rest = [c for c in columns if c not in metadata]
    # select_multiple: "q" followed by 0/1 columns "q/option".
    flagged: dict[str, list[str]] = {}
    for c in rest:
        parent, _, leaf = c.rpartition("/")
        if parent and leaf and parent in rest:
            flagged.setdefault(parent, []).append(c)
    flagged = {p: cs for p, cs in flagged.items() if flag_columns(table, cs)}
    flag_set = {c for cs in flagged.values() for c in cs}
    paths = [c for c in rest if c not in flag_set]
    codes = unique_codes([p.rpartition("/")[2] for p in paths])
    if len(set(codes)) != len(codes):
        codes = paths
    questions = []
    for code, path in zip(codes, paths, strict=True):
        if path in flagged:
            options = [option(c.rpartition("/")[2]) for c in flagged[path]]
            # The answer is read from the question's own column; the 0/1 columns name the
            # options (an answer naming another option is outside them).
            questions.append(Candidate(code, path, [path, *flagged[path]], kind="multiple",
                                       options=options, separator=" "))
        else:
            questions.append(Candidate(code, path, [path]))
    return Layout(questions, id_column=lower.get("_id") or lower.get("_uuid"),
                  submitted_column=lower.get("_submission_time"), submitted_utc=True,
                  latitude=geo[point_path]["latitude"] if point_path else None,
                  longitude=geo[point_path]["longitude"] if point_path else None,
                  geolocation=None if point_path else lower.get("_geolocation"),
                  metadata=metadata)

