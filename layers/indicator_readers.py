"""Readers of indicator files in their original formats, into tidy rows.

Every reader returns a frame with columns ``source_code`` (7-digit TERYT as in the file),
``level``, ``indicator`` (catalogue code), ``year``, ``value``, the specs of the indicators it
found, and counts of what it skipped and why. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import N_, InvalidInput, Text
from layers.indicator_catalogue import KNOWN, IndicatorSpec, bdl_indicator

MISSING_MARKS = {"", "-", "x", "X", ".", "…", "b.d."}
PART_TYPES = {"4": N_("town part of an urban-rural gmina"),
              "5": N_("rural part of an urban-rural gmina"),
              "8": N_("district of Warsaw"), "9": N_("delegatura of a city")}


def _part_type(digit: str) -> Text:
    """Why a 7-digit code with this type digit is not a gmina, as a skip reason."""
    if digit in PART_TYPES:
        return Text(PART_TYPES[digit])
    return Text("unknown type digit %(digit)s", digit=digit)


@dataclass
class ReadResult:
    rows: pd.DataFrame
    indicators: dict[str, IndicatorSpec]
    skipped: dict[str, int] = field(default_factory=dict)
    source_format: str = ""
    # Codes a spreadsheet shortened (leading zeros lost), by the 7-digit code they were read
    # as: (code as written, the file's name of the unit, line).
    short_codes: dict[str, tuple[str, str, int]] = field(default_factory=dict)

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n


def level_of(code: str) -> str | None:
    """The level of a 7-digit TERYT code as GUS writes it, or None for parts and districts."""
    if code == "0000000":
        return "country"
    if code[2:] == "00000":
        return "voivodeship"
    if code[4:] == "000":
        return "powiat"
    if code[6] in "123":
        return "gmina"
    return None


def gmina_key(code: str) -> str:
    """First six digits of the gmina a 7-digit code belongs to.

    Town and rural parts (4, 5) share their gmina's six digits; districts of Warsaw (8) and
    delegatury (9) belong to their city, the only gmina of a city powiat (WWPP01).
    """
    if code[6:] in ("8", "9"):
        return code[:4] + "01"
    return code[:6]


def parse_number(text: str, *, decimal_comma: bool) -> float | None:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if text in MISSING_MARKS:
        return None
    if decimal_comma:
        text = text.replace(",", ".")
    return float(text)  # ValueError for anything else


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise InvalidInput("no such file", where=str(path))
    raw = path.read_bytes()
    if not raw.strip():
        raise InvalidInput("the file is empty", where=str(path))
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("the file is neither UTF-8 nor CP1250 text", where=str(path))


HEADER = re.compile(r"^(?P<name>.*?)[;,](?P<year>\d{4})[;,]\[(?P<unit>[^\]]*)\]$")


def read_bdl_csv(path: Path, **_) -> ReadResult:
    """A CSV exported from GUS's Bank Danych Lokalnych, in either dialect."""
    where = str(path)
    text = _read_text(path)
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    decimal_comma = delimiter == ";"
    records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [h.strip() for h in records[0]]
    if len(header) < 3 or header[0].lower() != "kod" or header[1].lower() != "nazwa":
        raise InvalidInput("not a BDL export: the header must start with Kod and Nazwa",
                           where=where)
    table_match = re.match(r"([A-Z]{4}_\d+)", path.name)
    table = table_match.group(1) if table_match else path.stem
    file_year = re.search(r"_(\d{4})(?:\.csv)?$", path.name)
    columns: list[tuple[int, IndicatorSpec, int]] = []
    for index, cell in enumerate(header[2:], start=2):
        if not cell:
            continue
        match = HEADER.match(cell)
        if match:
            name, year, unit = match["name"], int(match["year"]), match["unit"]
        elif file_year:  # older exports name only the variable; the year is in the file name
            name, year, unit = cell, int(file_year.group(1)), ""
        else:
            raise InvalidInput("column %(value)s (%(cell)r) names no year; expected a header"
                               " like 'ogółem;2024;[osoba]'", where=where, value=index + 1,
                               cell=cell)
        columns.append((index, bdl_indicator(table, name, unit), year))
    if not columns:
        raise InvalidInput("the export has no data columns", where=where)

    result = ReadResult(pd.DataFrame(), {spec.code: spec for _, spec, _ in columns},
                        source_format="bdl-csv")
    out = {"source_code": [], "level": [], "indicator": [], "year": [], "value": []}
    seen: dict[tuple[str, str, int], tuple[float, int]] = {}
    for line_no, record in enumerate(records[1:], start=2):
        if not record or not any(c.strip() for c in record):
            continue
        code = record[0].strip()
        if not re.fullmatch(r"\d{1,7}", code):
            raise InvalidInput("line %(line_no)s: %(code)r is not a 7-digit TERYT code",
                               where=where, line_no=line_no, code=code)
        if len(code) < 7:
            # A spreadsheet read the code as a number. Kept as written until the import
            # decides, against the loaded units and their names, whether to repair it.
            written, code = code, code.zfill(7)
            result.short_codes.setdefault(code, (written, record[1].strip() if len(record) > 1
                                                 else "", line_no))
        level = level_of(code)
        if level is None:
            result.skip(_part_type(code[6]))
            continue
        for index, spec, year in columns:
            cell = record[index] if index < len(record) else ""
            try:
                value = parse_number(cell, decimal_comma=decimal_comma)
            except ValueError:
                raise InvalidInput(
                    "line %(line_no)s, column %(value)s (%(header)s): %(cell)r is not"
                    " a number", where=where, line_no=line_no, value=index + 1,
                                   header=header[index], cell=cell) from None
            if value is None:
                result.skip(Text("no value (%(level)s)", level=Text(level)))
                continue
            key = (code, spec.code, year)
            if key in seen:
                # GUS repeats some units under two names (Warsaw as 'M.st.Warszawa od 2002'
                # and 'Warszawa'); identical repeats are harmless, conflicting ones are not.
                if seen[key][0] != value:
                    raise InvalidInput(
                        "line %(line_no)s: %(code)s appears again (first on line %(seen)s)"
                        " with another value for %(header)s", where=where, line_no=line_no,
                                       code=code, seen=seen[key][1], header=header[index])
                result.skip(Text("repeated row of the same unit (%(code)s)", code=code))
                continue
            seen[key] = (value, line_no)
            out["source_code"].append(code)
            out["level"].append(level)
            out["indicator"].append(spec.code)
            out["year"].append(year)
            out["value"].append(value)
    result.rows = pd.DataFrame(out)
    return result


T21_CODE = re.compile(r"^(\d{6}) (\d)$")


def read_gus_t21(path: Path, year: int | None = None, **_) -> ReadResult:
    """GUS 'Powierzchnia i ludność w przekroju terytorialnym', table 21 (gminas).

    The edition year E comes from the file name or ``year``: areas are as of 1 January E
    (stored as year E), population as of 31 December E-1 (stored as year E-1).
    """
    where = str(path)
    text = _read_text(path)
    records = list(csv.reader(io.StringIO(text), delimiter=";"))
    if not records or not records[0] or not records[0][0].startswith("TABL. 21"):
        raise InvalidInput("not GUS table 21 (the title must start with 'TABL. 21')",
                           where=where)
    if year is None:
        found = re.search(r"(\d{4})", path.stem.split("tabl21")[-1]) or \
            re.search(r"(?<!\d)(20\d{2})(?!\d)", path.stem)
        if not found:
            raise InvalidInput("the edition year is not in the file name; give --year",
                               where=where)
        year = int(found.group(1))
    specs = {c: KNOWN[c] for c in ("area_ha", "population", "density")}
    result = ReadResult(pd.DataFrame(), specs, source_format="gus-t21")
    out = {"source_code": [], "level": [], "indicator": [], "year": [], "value": []}
    fields = (("area_ha", 2, year), ("population", 5, year - 1), ("density", 7, year - 1))
    for line_no, record in enumerate(records, start=1):
        match = T21_CODE.match(record[0].strip()) if record else None
        if not match:
            continue
        code = match.group(1) + match.group(2)
        if code[6] not in "123":
            result.skip(_part_type(code[6]))
            continue
        for indicator, column, value_year in fields:
            cell = record[column] if column < len(record) else ""
            try:
                value = parse_number(cell, decimal_comma=True)
            except ValueError:
                raise InvalidInput("line %(line_no)s, column %(value)s: %(cell)r is not a"
                                   " number", where=where, line_no=line_no, value=column + 1,
                                   cell=cell) from None
            if value is None:
                result.skip(Text("no value (%(level)s)", level=Text("gmina")))
                continue
            out["source_code"].append(code)
            out["level"].append("gmina")
            out["indicator"].append(indicator)
            out["year"].append(value_year)
            out["value"].append(value)
    if not out["value"]:
        raise InvalidInput("no gmina rows found (codes like '020101 1')", where=where)
    result.rows = pd.DataFrame(out)
    return result


def read_plain_csv(path: Path, spec: IndicatorSpec, *, max_year: int, **_) -> ReadResult:
    """A CSV with columns teryt, year, value (gmina codes of 6 or 7 digits)."""
    where = str(path)
    text = _read_text(path)
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False)
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = {"teryt", "year", "value"} - set(frame.columns)
    if missing:
        raise InvalidInput("missing columns: %(missing)s (expected teryt,"
                           " year, value)", where=where, missing=', '.join(sorted(missing)))
    codes = frame["teryt"].str.strip()
    bad = frame.index[~codes.str.fullmatch(r"\d{6}[123]?")]
    if len(bad):
        raise InvalidInput("line %(value)s: %(codes)r is not a gmina TERYT code",
                           where=where, value=bad[0] + 2, codes=codes[bad[0]])
    years = pd.to_numeric(frame["year"].str.strip(), errors="coerce")
    bad = frame.index[years.isna() | (years % 1 != 0) | (years < 1950) | (years > max_year)]
    if len(bad):
        raise InvalidInput("line %(value)s: year %(year)r is not a year"
                           " between 1950 and %(max_year)s", where=where, value=bad[0] + 2,
                           year=frame['year'][bad[0]], max_year=max_year)
    decimal_comma = delimiter == ";"
    values = []
    for i, cell in enumerate(frame["value"]):
        try:
            values.append(parse_number(cell, decimal_comma=decimal_comma))
        except ValueError:
            raise InvalidInput("line %(value)s: value %(cell)r is not a number",
                               where=where, value=i + 2, cell=cell) from None
    result = ReadResult(pd.DataFrame(), {spec.code: spec}, source_format="csv")
    keep = np.array([v is not None for v in values])
    result.skip(Text("no value (%(level)s)", level=Text("gmina")), int((~keep).sum()))
    result.rows = pd.DataFrame({
        "source_code": codes[keep].str.ljust(7, "?").to_numpy(), "level": "gmina",
        "indicator": spec.code, "year": years[keep].astype(int).to_numpy(),
        "value": np.array([v for v in values if v is not None], dtype=float)})
    return result
