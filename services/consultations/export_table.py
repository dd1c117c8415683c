"""A consultation's places as a table for Polish Excel: the consultation's CSV.

Written as the comparison's and the surveys' CSVs are (``core.table_files.excel_csv``: ``;``,
decimal commas, a byte-order mark), with headers, categories and yes/no in words, the time
sent in Polish time, and one column per question headed by its text (never the codes q1, q2
or a JSON of the answers). Text that starts like a formula is escaped. GIS users take the
GeoPackage or the Shapefile, whose fields stay codes (``results.FIELDS``); here a place is
located by the longitude and latitude of a point on it.
"""

from __future__ import annotations

from core.csv_cells import safe_cell
from core.table_files import excel_csv
from services.consultations.kinds import CATEGORIES
from services.consultations.times import polish

# (Polish, English) words, by the language's index (``_i``).
HEADERS = (("Nr miejsca", "Place no."), ("Nr odpowiedzi", "Answer no."),
           ("Kategoria", "Category"), ("Kształt", "Shape"), ("Komentarz", "Comment"),
           ("Wysłano (czas polski)", "Sent (Polish time)"), ("Ukryte", "Hidden"),
           ("Powód ukrycia", "Reason for hiding"),
           ("Długość geograficzna", "Longitude"), ("Szerokość geograficzna", "Latitude"))
QUESTION_HEADER = ("Pytanie %(n)s: %(text)s", "Question %(n)s: %(text)s")
SHAPES = {"ST_Point": ("punkt", "point"), "ST_LineString": ("linia", "line"),
          "ST_Polygon": ("obszar", "area")}
YES_NO = {True: ("tak", "yes"), False: ("nie", "no")}
CHOICES_JOINED = "; "  # the options a resident ticked, in one cell


def _i(lang: str) -> int:
    return 1 if lang == "en" else 0


def _answer(value) -> str:
    if isinstance(value, list):
        return CHOICES_JOINED.join(str(v) for v in value)
    return "" if value is None else str(value)


def table(rows, questions: list[dict], mask, lang: str = "pl") -> tuple[list[str], list[list]]:
    """The header and one row per place. ``rows`` carry id, submission_id, category, comment,
    sent_at (aware), hidden, hidden_reason, answers, gtype, lon, lat; ``mask`` is what the
    reader may see of a comment or an answer (``results._masker``)."""
    i = _i(lang)
    header = [h[i] for h in HEADERS] + [
        safe_cell(QUESTION_HEADER[i] % {"n": n, "text": q["text"]})
        for n, q in enumerate(questions, 1)]
    out = []
    for r in rows:
        category = CATEGORIES.get(r.category)
        answers = r.answers or {}
        out.append([
            r.id, r.submission_id, category.label(lang) if category else r.category,
            SHAPES.get(r.gtype, (r.gtype, r.gtype))[i], safe_cell(mask(r.comment) or ""),
            polish(r.sent_at).strftime("%Y-%m-%d %H:%M"), YES_NO[bool(r.hidden)][i],
            safe_cell(r.hidden_reason or ""), round(float(r.lon), 6), round(float(r.lat), 6),
            *[safe_cell(mask(_answer(answers.get(q["code"])))) for q in questions]])
    return header, out


def places_csv(rows, questions: list[dict], mask, lang: str = "pl") -> bytes:
    return excel_csv(*table(rows, questions, mask, lang)).encode("utf-8")
