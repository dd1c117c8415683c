"""The one list of the diagnosis's output formats: the CLI's choices, the API's enum and the
page's download buttons read it. Light on purpose: no drawing or PDF library is imported."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str
    mimetype: str
    extension: str
    writer: str  # the function of services.diagnosis.render that writes it


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("pdf", "application/pdf", "pdf", "pdf_document"),
    Format("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "docx", "docx_document"),
    Format("html", "text/html; charset=utf-8", "html", "html_document"),
)}

# The API also answers with the numbers themselves.
API_FORMATS = ("json", *FORMATS)
