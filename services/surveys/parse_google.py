"""Google Forms' "Download responses (.csv)".

The first column is the submission time ("Timestamp", in Polish "Sygnatura czasowa"), then
one column per question headed by its full text; checkbox answers are joined by ", ";
grid questions have a column per row, "Question [Row]"; with e-mail collection on, an
"Email Address" column, which is never imported.
"""

from __future__ import annotations

from services.surveys.layout import Candidate, Layout

TIMESTAMPS = ("timestamp", "sygnatura czasowa", "znacznik czasu", "data i godzina")
META = ("email address", "adres e-mail", "adres email", "score", "wynik", "punkty")


def detect(columns: list[str]) -> int:
    return 4 if columns and columns[0].strip().lower() in TIMESTAMPS else 0


def layout(table) -> Layout:
    first = table.columns[0]
    submitted = first if first.strip().lower() in TIMESTAMPS else None
    metadata = [c for c in table.columns if c.strip().lower() in META]
    questions = []
    for j, column in enumerate(table.columns):
        if column == submitted or column in metadata:
            continue
        questions.append(Candidate(f"q{j}", column, [column], separator=", ",
                                   scale_hint="[" in column and column.endswith("]")))
    return Layout(questions, submitted_column=submitted, metadata=metadata)
