"""Importing indicator values into PostGIS, matched to the loaded gmina boundaries."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from functools import reduce
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from core.errors import InvalidInput, NotFound, Text
from layers.indicator_catalogue import (
    DIRECTIONS,
    KNOWN,
    IndicatorSpec,
    slug,
    source_label,
    unit_label,
)
from layers.indicator_formats import INDICATOR_FORMATS
from layers.indicator_readers import ReadResult, gmina_key, level_of
from services.db import database_errors

FORMATS = tuple(INDICATOR_FORMATS)
SHOW = 10


@dataclass
class ImportReport:
    load_id: int
    source: str
    source_format: str
    indicators: list[str]
    stored: int
    gminas_matched: int
    matched_on_6_digits: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    gminas_without_value: dict[str, int] = field(default_factory=dict)
    repaired_codes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def gmina_codes(conn) -> dict[str, str]:
    """Loaded gminas by their first six digits."""
    rows = conn.execute(sa.text("SELECT teryt6, teryt FROM gmina")).all()
    if not rows:
        raise InvalidInput("no gmina boundaries are loaded: run `partnerstwa load reference`"
                           " (or `load boundaries --level gmina`) first")
    return dict(rows)


def upsert_indicator(conn, spec: IndicatorSpec) -> None:
    conn.execute(sa.text(
        "INSERT INTO indicator (code, name_pl, name_en, unit, source, source_ref, direction,"
        " derived_from) VALUES (:code, :name_pl, :name_en, :unit, :source, :source_ref,"
        " :direction, CAST(:derived_from AS jsonb)) ON CONFLICT (code) DO UPDATE SET"
        " name_pl = EXCLUDED.name_pl, name_en = EXCLUDED.name_en, unit = EXCLUDED.unit,"
        " source = EXCLUDED.source, source_ref = EXCLUDED.source_ref,"
        " direction = EXCLUDED.direction, derived_from = EXCLUDED.derived_from"),
        {**asdict(spec), "derived_from": json.dumps(spec.derived_from)
         if spec.derived_from else None})


def store_values(conn, rows: pd.DataFrame, *, source: str, source_format: str,
                 report: dict) -> int:
    """Upsert tidy rows (indicator, level, teryt, year, value, source_code); returns load id."""
    load_id = conn.execute(sa.text(
        "INSERT INTO indicator_load (source, source_format, n_values, report)"
        " VALUES (:source, :fmt, :n, CAST(:report AS jsonb)) RETURNING id"),
        {"source": source, "fmt": source_format, "n": len(rows),
         "report": json.dumps(report, ensure_ascii=False)}).scalar_one()
    conn.execute(sa.text(
        "CREATE TEMP TABLE incoming (indicator_code text, level text, teryt varchar(7),"
        " year smallint, value double precision, source_code varchar(7)) ON COMMIT DROP"))
    cursor = conn.connection.driver_connection.cursor()
    with cursor, cursor.copy("COPY incoming FROM STDIN") as copy:
        for row in rows[["indicator", "level", "teryt", "year", "value", "source_code"]
                        ].itertuples(index=False):
            copy.write_row((row[0], row[1], row[2], int(row[3]), float(row[4]), row[5]))
    conn.execute(sa.text(
        "INSERT INTO indicator_value (indicator_code, level, teryt, year, value, source_code,"
        " load_id) SELECT indicator_code, level, teryt, year, value, source_code, :load_id"
        " FROM incoming ON CONFLICT (indicator_code, level, teryt, year) DO UPDATE SET"
        " value = EXCLUDED.value, source_code = EXCLUDED.source_code,"
        " load_id = EXCLUDED.load_id"), {"load_id": load_id})
    conn.execute(sa.text("DROP TABLE incoming"))
    return load_id


def _read(path: Path, fmt: str, *, code, name, unit, direction, year) -> ReadResult:
    kind = INDICATOR_FORMATS.get(fmt)
    if kind is None:
        raise InvalidInput("unknown format %(fmt)r; expected one of %(formats)s", fmt=fmt,
                           formats=', '.join(FORMATS))
    spec = None
    if kind.needs_spec:
        if not code or not name:
            raise InvalidInput("--format %(fmt)s needs --code and --name for the indicator",
                               fmt=fmt)
        if direction not in DIRECTIONS:
            raise InvalidInput("--direction must be one of %(directions)s",
                               directions=', '.join(DIRECTIONS))
        if slug(code) != code:
            raise InvalidInput("--code %(code)r must be lower-case ASCII with underscores,"
                               " e.g. %(value)r", code=code, value=slug(code))
        spec = KNOWN.get(code) or IndicatorSpec(code, name, name, unit or "", "user CSV",
                                                path.name, direction)
    return kind.read(path, year=year, spec=spec, max_year=dt.date.today().year + 1)


def _plain_name(text: str) -> str:
    """A unit's name for comparison: lower case, without GUS's '(2)', 'Powiat', 'm.'."""
    text = re.sub(r"\(\d\)", " ", text.casefold())
    text = re.sub(r"\b(powiat|m\.\s*st\.|m\.|miasto|gmina|od \d{4})", " ", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _known_names(conn) -> dict[str, str]:
    """Names of the loaded units by the 7-digit code a GUS file gives them (gminas also by
    their first six digits, for type digits changed since the boundaries' vintage)."""
    names = {"0000000": "Polska"}
    for sql in ("SELECT teryt || '00000', name FROM voivodeship",
                "SELECT teryt || '000', name FROM powiat", "SELECT teryt6, name FROM gmina"):
        names.update(dict(conn.execute(sa.text(sql)).all()))
    return names


def _check_repair(conn, result: ReadResult, repair: bool, where: str) -> list[str]:
    """Codes a spreadsheet shortened (201011 for 0201011): never joined as they stand.

    Repaired (padded with zeros) only on request and only when the padding explains the
    file: every shortened gmina code (parts and districts too) is a loaded gmina whose name
    matches the file's name column, or no loaded gmina at all (then it is reported as
    unmatched, as its 7-digit original would be), and most of them match. Powiat, voivodeship
    and country rows are kept at their level by code, as in unshortened files (names of
    powiats change, e.g. jeleniogórski -> karkonoski).
    """
    short = result.short_codes
    if not short:
        return []
    names = _known_names(conn)
    wrong, matched, gminas = [], 0, 0
    for padded, (written, file_name, line) in sorted(short.items()):
        level = level_of(padded)
        if level in ("country", "voivodeship", "powiat"):
            continue
        gminas += 1
        known = names.get(gmina_key(padded))
        if known is None:
            continue
        if f" {_plain_name(known)} " in f" {_plain_name(file_name)} ":
            matched += 1
        else:
            wrong.append(Text("line %(line)s: %(written)s -> %(padded)s is %(known)s, but the"
                              " file names it %(name)r", line=line, written=written,
                              padded=padded, known=known, name=file_name))
    written, name = short[min(short)][0], short[min(short)][1]
    head = Text("%(count)s codes have fewer than 7 digits (e.g. %(written)s for %(code)s"
                " %(name)s): a spreadsheet dropped their leading zeros", count=len(short),
                written=written, code=min(short), name=name)
    if wrong or matched * 2 < gminas:
        reasons = wrong[:SHOW] or [Text("only %(matched)s of %(gminas)s padded gmina codes are"
                                        " loaded gminas of the same name", matched=matched,
                                        gminas=gminas)]
        # One Text for the list, so that every reason is said in the user's language.
        joined = reduce(lambda a, b: Text("%(a)s; %(b)s", a=a, b=b), reasons)
        raise InvalidInput("%(head)s, and they cannot be repaired safely: %(reasons)s. Save"
                           " the code column as text and export again", where=where, head=head,
                           reasons=joined)
    if not repair:
        raise InvalidInput("%(head)s. Padded with zeros, each gmina code is a loaded gmina of"
                           " the same name: run again with --repair-codes to repair them",
                           where=where, head=head)
    return [f"{w}->{padded}" for padded, (w, _, _) in sorted(short.items())]


def _assign_codes(rows: pd.DataFrame, by6: dict[str, str]) -> tuple[pd.DataFrame, list, list]:
    """Codes of the loaded boundaries for each row; gminas matched on their first 6 digits."""
    rows = rows.copy()
    gmina = rows["level"] == "gmina"
    six = rows["source_code"].str[:6]
    rows.loc[gmina, "teryt"] = six[gmina].map(by6)
    rows.loc[rows["level"] == "powiat", "teryt"] = rows["source_code"].str[:4]
    rows.loc[rows["level"] == "voivodeship", "teryt"] = rows["source_code"].str[:2]
    rows.loc[rows["level"] == "country", "teryt"] = "PL"
    unmatched = sorted(set(rows.loc[gmina & rows["teryt"].isna(), "source_code"]))
    matched = rows[gmina & rows["teryt"].notna()]
    changed = sorted({f"{s}->{t}" for s, t in zip(matched["source_code"], matched["teryt"],
                                                 strict=True) if s[:7] != t})
    return rows[rows["teryt"].notna()], unmatched, changed


def import_indicators(engine: sa.Engine, path: str | Path, fmt: str, *, code: str | None = None,
                      name: str | None = None, unit: str | None = None,
                      direction: str = "neutral", year: int | None = None,
                      repair_codes: bool = False) -> ImportReport:
    """Import one file in one transaction; reports matched, unmatched and skipped rows.

    ``repair_codes``: codes whose leading zeros a spreadsheet dropped are padded back when
    every one is a loaded unit whose name matches the file's (see ``_check_repair``)."""
    path = Path(path)
    result = _read(path, fmt, code=code, name=name, unit=unit, direction=direction, year=year)
    with database_errors(), engine.begin() as conn:
        by6 = gmina_codes(conn)
        repaired = _check_repair(conn, result, repair_codes, str(path))
        rows, unmatched, changed = _assign_codes(result.rows, by6)
        if fmt == "csv" and unmatched:
            raise InvalidInput("%(count)s codes are not gminas of the loaded boundaries:"
                               " %(unmatched)s", where=str(path), count=len(unmatched),
                               unmatched=', '.join(unmatched[:SHOW]))
        gmina_rows = rows[rows["level"] == "gmina"]
        without = {
            f"{ind} {yr}": len(by6) - n
            for (ind, yr), n in gmina_rows.groupby(["indicator", "year"]).size().items()
            if n < len(by6)
        }
        for spec in result.indicators.values():
            upsert_indicator(conn, spec)
        report = {"skipped": result.skipped, "unmatched": unmatched,
                  "matched_on_6_digits": changed, "gminas_without_value": without,
                  "repaired_codes": repaired}
        load_id = store_values(conn, rows, source=str(path), source_format=result.source_format,
                               report=report)
    return ImportReport(
        load_id=load_id, source=str(path), source_format=result.source_format,
        indicators=sorted(result.indicators), stored=len(rows),
        gminas_matched=int(gmina_rows["teryt"].nunique()), matched_on_6_digits=changed,
        unmatched=unmatched, skipped=result.skipped, gminas_without_value=without,
        repaired_codes=repaired)


def list_indicators(engine: sa.Engine) -> list[dict]:
    """What is held: each indicator with its metadata, years and gminas covered."""
    from services.cache import cached, data_version

    with database_errors(), engine.connect() as conn:
        version = data_version(conn, "indicators", "boundaries")
    return cached(("indicators",), version, lambda: _list_indicators(engine))


def _list_indicators(engine: sa.Engine) -> list[dict]:
    with database_errors(), engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT i.code, i.name_pl, i.name_en, i.unit, i.source, i.source_ref, i.direction,"
            " i.derived_from, coalesce(array_agg(DISTINCT v.year ORDER BY v.year)"
            "   FILTER (WHERE v.year IS NOT NULL), '{}') AS years,"
            " coalesce(array_agg(DISTINCT v.level ORDER BY v.level)"
            "   FILTER (WHERE v.level IS NOT NULL), '{}') AS levels,"
            " count(DISTINCT v.teryt) FILTER (WHERE v.level = 'gmina') AS gminas"
            " FROM indicator i LEFT JOIN indicator_value v ON v.indicator_code = i.code"
            " GROUP BY i.code ORDER BY i.code")).mappings().all()
    names = {lang: {r["code"]: r[f"name_{lang}"] for r in rows} for lang in ("pl", "en")}
    return [_labelled(dict(r), names) for r in rows]


def _labelled(row: dict, names: dict) -> dict:
    """An indicator with its unit from the catalogue (units held from before a catalogue fix
    are corrected) and, in both languages, the unit and the source in words."""
    if row["code"] in KNOWN:
        row["unit"] = KNOWN[row["code"]].unit
    row["unit_en"] = unit_label(row["unit"], "en")
    row["source_label_pl"] = source_label(row, "pl", names["pl"])
    row["source_label_en"] = source_label(row, "en", names["en"])
    row.pop("derived_from", None)
    return row


def gmina_values(conn, code: str, year: int) -> pd.Series:
    """One indicator's gmina values of one year, indexed by TERYT."""
    exists = conn.execute(sa.text("SELECT 1 FROM indicator WHERE code = :c"), {"c": code}).first()
    if not exists:
        raise NotFound("no indicator %(code)r; see `partnerstwa indicators list`", code=code)
    rows = conn.execute(sa.text(
        "SELECT teryt, value FROM indicator_value WHERE indicator_code = :c AND year = :y"
        " AND level = 'gmina' ORDER BY teryt"), {"c": code, "y": year}).all()
    if not rows:
        years = conn.execute(sa.text(
            "SELECT array_agg(DISTINCT year ORDER BY year) FROM indicator_value"
            " WHERE indicator_code = :c AND level = 'gmina'"), {"c": code}).scalar_one()
        raise InvalidInput("indicator %(code)r has no gmina values for %(year)s;"
                           " years held: %(value)s", code=code, year=year,
                           value=', '.join(map(str, years or [])) or 'none')
    return pd.Series({t: v for t, v in rows}, name=code, dtype=float)
