"""The survey export formats: one table that the command line, the OpenAPI document and the
upload page read; reading and laying out a file dispatch through it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.errors import BadRequest, InvalidInput
from services.surveys import parse_google, parse_kobo, parse_limesurvey
from services.surveys.reading import Table, read_csv, read_xlsx


@dataclass(frozen=True)
class SurveyFormat:
    code: str
    label_pl: str
    label_en: str
    extensions: tuple[str, ...]
    detector: Callable[[list[str]], int]  # how strongly a header looks like this format
    layout: Callable[[Table], object]     # -> services.surveys.layout.Layout

    def label(self, locale: str = "pl") -> str:
        return self.label_pl if locale == "pl" else self.label_en


SURVEY_FORMATS = {f.code: f for f in (
    SurveyFormat("limesurvey", "LimeSurvey (eksport odpowiedzi CSV)",
                 "LimeSurvey (responses export, CSV)", (".csv",),
                 parse_limesurvey.detect, parse_limesurvey.layout),
    SurveyFormat("google_forms", "Formularze Google (CSV)", "Google Forms (CSV)", (".csv",),
                 parse_google.detect, parse_google.layout),
    SurveyFormat("kobo", "KoboToolbox (CSV lub XLSX)", "KoboToolbox (CSV or XLSX)",
                 (".csv", ".xlsx"), parse_kobo.detect, parse_kobo.layout),
)}
EXTENSIONS = tuple(sorted({e for f in SURVEY_FORMATS.values() for e in f.extensions}))


def read_table(data: bytes, file_name: str, *, encoding: str | None = None,
               delimiter: str | None = None) -> Table:
    suffix = Path(file_name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise BadRequest("upload a survey export (%(extensions)s), not %(value)s",
                         extensions=", ".join(EXTENSIONS), value=suffix or "?", field="file")
    if suffix == ".xlsx":
        return read_xlsx(data, where=file_name)
    return read_csv(data, encoding=encoding, delimiter=delimiter, where=file_name)


def choose_format(table: Table, stated: str | None, file_name: str) -> SurveyFormat:
    """The stated format, or the one whose detector scores the header highest."""
    if stated:
        if stated not in SURVEY_FORMATS:
            raise BadRequest("format must be one of %(choices)s, not %(value)r",
                             choices=", ".join(SURVEY_FORMATS), value=stated, field="format")
        return SURVEY_FORMATS[stated]
    suffix = Path(file_name).suffix.lower()
    scores = {code: fmt.detector(table.columns) for code, fmt in SURVEY_FORMATS.items()
              if suffix in fmt.extensions}
    best = max(scores, key=scores.get)
    if scores[best] == 0:
        raise InvalidInput(
            "line 1: the header looks like no known export (LimeSurvey: id, submitdate;"
            " Google Forms: Timestamp / Sygnatura czasowa first; KoboToolbox: _id, _uuid,"
            " _submission_time); state the format", where=file_name)
    return SURVEY_FORMATS[best]
