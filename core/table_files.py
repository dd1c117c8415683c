"""Tables as files people open in Polish spreadsheets: CSV for Excel (``;``, decimal commas, a
byte-order mark) and XLSX workbooks; one kinds table of these formats per kind of answer."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class TableFormat:
    """A way to answer with a table: ``write`` is None for the JSON answer itself."""

    code: str
    mimetype: str
    label: str
    write: Callable[[dict, str], bytes] | None


def table_formats(csv_writer: Callable[[dict, str], bytes],
                  xlsx_writer: Callable[[dict, str], bytes]) -> dict[str, TableFormat]:
    """JSON, CSV and XLSX, keyed by code, in the order the UI offers them."""
    return {f.code: f for f in (TableFormat("json", "application/json", "JSON", None),
                                TableFormat("csv", CSV_MIMETYPE, "CSV", csv_writer),
                                TableFormat("xlsx", XLSX_MIMETYPE, "XLSX", xlsx_writer))}


def polish_number(value):
    """A number as Polish Excel reads it (``0,25``); other cells unchanged, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return ("0" if text == "-0" else text).replace(".", ",")


def excel_csv(header: Sequence[str], rows: Sequence[Sequence]) -> str:
    """``;``-separated, decimal commas, with a byte-order mark: opens as a table in Excel."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([polish_number(cell) for cell in row])
    return out.getvalue()


def workbook(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence]]]) -> bytes:
    """An XLSX of ``(title, header, rows)`` sheets: bold frozen header, columns fitted."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    for i, (title, header, rows) in enumerate(sheets):
        sheet = book.active if i == 0 else book.create_sheet()
        sheet.title = title
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(list(row))
        sheet.freeze_panes = "A2"
        for col, text in enumerate(header, start=1):
            width = max([len(str(text))] + [len(str(r[col - 1] or "")) for r in rows])
            sheet.column_dimensions[get_column_letter(col)].width = min(max(10, width + 2), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
