"""Reading an export file into a table of text cells: size first, then encoding, delimiter.

Every cell stays text here; what it means is decided by the format's layout and by the
question kinds (``detect.py``). Nothing in a cell is ever evaluated.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import InvalidInput, Text

MAX_BYTES = 50 * 1024 * 1024  # as the web app's MAX_CONTENT_LENGTH
MAX_ROWS = 200_000
MAX_COLUMNS = 2_000
MAX_CELL = 10_000  # characters of one answer
DELIMITERS = (",", ";", "\t")
ENCODINGS = ("utf-8", "cp1250")


@dataclass
class Table:
    """The cells of a file: ``rows[i][j]`` under ``columns[j]``; ``lines[i]`` is the line
    (1-based, the header is line 1) where row i starts, for messages."""

    columns: list[str]
    rows: list[list[str]]
    lines: list[int]
    encoding: str = "utf-8"
    delimiter: str | None = None
    warnings: list[str] = field(default_factory=list)

    def where(self, i: int, column: str | None = None) -> Text:
        """Where row i (and its cell in ``column``) is, for messages: "line 5, column 'Q1'"."""
        line = self.lines[i] if self.lines else i + 2
        if column is None:
            return Text("line %(line)s", line=line)
        return Text("line %(line)s, column %(column)r", line=line, column=column)


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, refused by its size before anything is parsed."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InvalidInput("the file has %(size)s MB; surveys up to %(limit)s MB are imported",
                           size=f"{size / 2**20:,.1f}", limit=MAX_BYTES // 2**20,
                           where=path.name)
    if size == 0:
        raise InvalidInput("the file is empty", where=path.name)
    return path.read_bytes()


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Text and the encoding read: UTF-8 (with or without BOM), UTF-16 with its BOM, else
    Windows-1250 (Excel's Polish CSV). A stated encoding that does not fit is an error, not a
    guess."""
    if encoding:
        try:
            return data.decode("utf-8-sig" if encoding.lower() in ("utf-8", "utf8")
                               else encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InvalidInput("the file is not in %(encoding)s: %(reason)s", encoding=encoding,
                               reason=str(exc)[:200]) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return data.decode("cp1250"), "cp1250"
    except UnicodeDecodeError:
        raise InvalidInput("the file is neither UTF-8 nor Windows-1250 text (byte %(byte)s);"
                           " save it as CSV UTF-8", byte=utf8_error.start + 1) from None


def _header_line(text: str) -> str:
    """The first record's text (a header may hold quoted line breaks)."""
    quoted, end = False, len(text)
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch in "\r\n" and not quoted:
            end = i
            break
    return text[:end]


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header into most columns (outside quotes)."""
    header = _header_line(text)
    counts = {}
    for delimiter in DELIMITERS:
        try:
            counts[delimiter] = len(next(csv.reader([header], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            counts[delimiter] = 0
    return max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))


def read_csv(data: bytes, *, encoding: str | None = None, delimiter: str | None = None,
             where: str = "") -> Table:
    text, used = decode(data, encoding)
    if "\x00" in text:
        raise InvalidInput("the file holds NUL characters: it is not a CSV text file"
                           " (an XLSX? upload it with the .xlsx extension)", where=where)
    if not text.strip():
        raise InvalidInput("the file is empty", where=where)
    if delimiter and delimiter not in DELIMITERS:
        raise InvalidInput("the delimiter must be one of , ; or a tab, not %(value)r",
                           value=delimiter)
    chosen = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=chosen, strict=False)
    try:
        columns = [c.strip() for c in next(reader)]
    except StopIteration:
        raise InvalidInput("the file is empty", where=where) from None
    except csv.Error as exc:
        raise InvalidInput("line 1: %(reason)s", reason=str(exc), where=where) from None
    if len(columns) == 1:
        others = [d for d in DELIMITERS if d != chosen and d in columns[0]]
        if others:
            raise InvalidInput("line 1: the header has one column; it seems separated by"
                               " %(other)r, not %(chosen)r", other=others[0], chosen=chosen,
                               where=where)
        raise InvalidInput("line 1: the header has one column; a survey export has a column"
                           " per question", where=where)
    if len(columns) > MAX_COLUMNS:
        raise InvalidInput("line 1: %(given)s columns; at most %(limit)s", given=len(columns),
                           limit=MAX_COLUMNS, where=where)
    table = Table(columns, [], [], used, chosen)
    if used != "utf-8":
        table.warnings.append(Text("the file is not UTF-8; read as %(encoding)s", encoding=used))
    width = len(columns)
    line = reader.line_num + 1
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                line = reader.line_num + 1
                continue
            if len(row) != width:
                raise InvalidInput(
                    "line %(line)s: %(given)s cells, the header has %(count)s columns (a wrong"
                    " delimiter or an unclosed quote?)", line=line, given=len(row),
                    count=width, where=where)
            table.rows.append(row)
            table.lines.append(line)
            if len(table.rows) > MAX_ROWS:
                raise InvalidInput("more than %(limit)s responses", limit=MAX_ROWS, where=where)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput("line %(line)s: %(reason)s", line=line, reason=str(exc),
                           where=where) from None
    _check_columns(table, where)
    return table


def read_xlsx(data: bytes, *, where: str = "") -> Table:
    """The first sheet of a workbook (KoboToolbox's XLSX export), every cell as text."""
    import datetime as dt
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput("not a readable XLSX workbook (%(reason)s)",
                           reason=type(exc).__name__, where=where) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise InvalidInput("the workbook's first sheet is empty", where=where)
        columns = [("" if c is None else str(c)).strip() for c in header]
        while columns and not columns[-1]:
            columns.pop()
        width = len(columns)
        if width > MAX_COLUMNS:
            raise InvalidInput("line 1: %(given)s columns; at most %(limit)s", given=width,
                               limit=MAX_COLUMNS, where=where)
        table = Table(columns, [], [], "xlsx", None)

        def text(value) -> str:
            if value is None:
                return ""
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            if isinstance(value, dt.datetime):
                return value.isoformat()
            return str(value)

        for number, row in enumerate(rows, start=2):
            cells = [text(v) for v in row[:width]]
            cells += [""] * (width - len(cells))
            if any(row[width:]) if len(row) > width else False:
                raise InvalidInput("line %(line)s: cells beyond the header's %(count)s columns",
                                   line=number, count=width, where=where)
            if not any(c.strip() for c in cells):
                continue
            table.rows.append(cells)
            table.lines.append(number)
            if len(table.rows) > MAX_ROWS:
                raise InvalidInput("more than %(limit)s responses", limit=MAX_ROWS, where=where)
    finally:
        book.close()
    _check_columns(table, where)
    return table


def _check_columns(table: Table, where: str) -> None:
    seen: dict[str, int] = {}
    for j, name in enumerate(table.columns):
        if not name:
            raise InvalidInput("line 1: column %(number)s has no name", number=j + 1,
                               where=where)
        if name in seen:
            raise InvalidInput("line 1: column %(column)r appears twice (columns %(first)s and"
                               " %(second)s)", column=name, first=seen[name] + 1,
                               second=j + 1, where=where)
        seen[name] = j
    if not table.rows:
        raise InvalidInput("the file has a header but no responses", where=where)
    for i, row in enumerate(table.rows):
        if max(map(len, row)) <= MAX_CELL and "\x00" not in "".join(row):
            continue
        for j, cell in enumerate(row):
            if len(cell) > MAX_CELL:
                raise InvalidInput("%(where_)s: %(given)s characters; an answer holds at most"
                                   " %(limit)s", where_=table.where(i, table.columns[j]),
                                   given=len(cell), limit=MAX_CELL, where=where)
            if "\x00" in cell:
                raise InvalidInput("%(where_)s: a NUL character",
                                   where_=table.where(i, table.columns[j]), where=where)
