"""Writing a diagnosis: HTML, PDF (WeasyPrint, from the same HTML) and DOCX (python-docx)."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import sqlalchemy as sa
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from services.cache import cached
from services.db import database_errors
from services.diagnosis import maps
from services.diagnosis.compute import data_versions
from services.diagnosis.formats import Format
from services.diagnosis.texts import text
from services.diagnosis.view import Block, blocks

TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
    enabled_extensions=("html",), default_for_string=True))
WIDE = 17.4  # cm, the text width of an A4 page with the DOCX's margins


def pictures(engine: sa.Engine, model: dict, lang: str) -> dict[str, bytes | None]:
    """Maps and the chart, drawn once per data version, partnership and language."""
    pid = model["partnership"]["id"]
    with database_errors(), engine.connect() as conn:
        version = (engine.url.render_as_string(hide_password=False),
                   tuple(sorted(data_versions(conn, pid).items())))
    vintage = ", ".join(model["boundary_vintage"]) or "–"
    voivodeship = model["voivodeship"]["teryt"]

    drawn = cached(("diagnosis-maps", pid, voivodeship, lang), version, lambda: {
        "locator": maps.locator_map(engine, pid, voivodeship, lang, vintage),
        "members": maps.members_map(engine, pid, lang, vintage)})
    # The chart depends on the year asked for too, which the numbers' hash covers.
    trends = cached(("diagnosis-trends", pid, lang, model["numbers_hash"]), version,
                    lambda: maps.trend_chart(model["indicators"], lang))
    return {**drawn, "trends": trends}


def body_html(model: dict, lang: str, images: dict) -> Markup:
    """The document's body (escaped throughout), for the page and for the PDF."""
    encoded = {k: base64.b64encode(v).decode() for k, v in images.items() if v}
    return Markup(_env.get_template("body.html").render(
        blocks=blocks(model, lang, images), lang=lang, images=images, images_b64=encoded))


def stylesheet() -> Markup:
    return Markup((TEMPLATES / "diagnosis.css").read_text(encoding="utf-8"))


def html_document(model: dict, lang: str, images: dict) -> bytes:
    title = text("title", lang) + ": " + model["partnership"]["name"]
    return _env.get_template("document.html").render(
        lang=lang, title=title, css=stylesheet(), body=body_html(model, lang, images)
    ).encode("utf-8")


def pdf_document(model: dict, lang: str, images: dict) -> bytes:
    from weasyprint import HTML

    html = html_document(model, lang, images).decode("utf-8")
    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf(
        pdf_identifier=model["numbers_hash"][:32].encode())


def docx_document(model: dict, lang: str, images: dict) -> bytes:
    title = text("title", lang) + ": " + model["partnership"]["name"]
    return docx_from_blocks(blocks(model, lang, images), title, lang, images,
                            widths={"locator": 14.0, "members": 14.0})


def docx_from_blocks(doc_blocks: list[Block], title: str, lang: str, images: dict,
                     widths: dict[str, float] | None = None) -> bytes:
    """Blocks as DOCX: the diagnosis's and the strategy documents' (same page, fonts, tables).

    ``widths`` are the pictures' widths in cm by their key; the others span the text width.
    Paragraphs of css 'missing' or 'note' (the strategy's placeholders) are set in italics.
    """
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    widths = widths or {}
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(1.8)
    normal = doc.styles["Normal"]
    normal.font.name = "DejaVu Sans"
    normal.font.size = Pt(9.5)
    doc.core_properties.title = _clean(title)
    doc.core_properties.author = "partnerstwa"
    doc.core_properties.language = lang
    for block in doc_blocks:
        if block.kind in ("h1", "h2", "h3"):
            heading = doc.add_heading(_clean(block.text), level=int(block.kind[1]) - 1)
            for run in heading.runs:
                run.font.color.rgb = RGBColor(0x7F, 0x00, 0x00)
        elif block.kind == "meta":
            run = doc.add_paragraph().add_run(_clean(block.text))
            run.font.size = Pt(8.5)
            run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        elif block.kind == "p":
            paragraph = doc.add_paragraph(_clean(block.text))
            if block.css in ("missing", "note"):
                for run in paragraph.runs:
                    run.italic = True
        elif block.kind == "list":
            for item in block.items:
                doc.add_paragraph(_clean(item), style="List Bullet")
        elif block.kind == "image" and images.get(block.image):
            doc.add_picture(io.BytesIO(images[block.image]),
                            width=Cm(widths.get(block.image, WIDE)))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption = doc.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = caption.add_run(_clean(block.text))
            run.italic = True
            run.font.size = Pt(8.5)
        elif block.kind == "table":
            _docx_table(doc, block, Pt, WD_TABLE_ALIGNMENT, WD_ALIGN_PARAGRAPH)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_table(doc, block: Block, Pt, WD_TABLE_ALIGNMENT, WD_ALIGN_PARAGRAPH) -> None:
    with_head = any(block.head) and block.css != "facts"
    rows = ([block.head] if with_head else []) + block.rows
    if not rows:
        return
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Rows' cells fetched once per row: table.cell(r, c) walks the whole grid each time.
    for r, (row, cells) in enumerate(zip(rows, (t.cells for t in table.rows), strict=True)):
        for c, (value, cell) in enumerate(zip(row, cells, strict=True)):
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(_clean(value))
            run.font.size = Pt(8)
            run.bold = (with_head and r == 0) or (block.css == "facts" and c == 0)
            if c in block.numeric and not (with_head and r == 0):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(value) -> str:
    # XML 1.0 (inside DOCX) has no place for control characters.
    return _CONTROL.sub("", str(value))


def write(fmt: Format, model: dict, lang: str, images: dict) -> bytes:
    return globals()[fmt.writer](model, lang, images)
