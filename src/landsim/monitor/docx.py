"""Word (.docx) export of the health-check report (``landsim report --out report.docx``).

Writes the blocks of :func:`landsim.monitor.report.report_blocks` with python-docx: A4
pages with 2 cm margins, a cover box, bilingual headings, tables of fixed column widths
that fit the 17 cm text width (header row repeated on each page, traffic-light cells
shaded), figures scaled to the page. Chinese text is set in SimSun / Microsoft YaHei (the
East-Asian font slot), so Word shows it on any Chinese Windows.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from landsim.presentation import is_numeric_text

if TYPE_CHECKING:
    from landsim.monitor.report import Block
    from landsim.outputs import Writer

__all__ = ["PAGE_MARGIN_CM", "TEXT_WIDTH_CM", "docx_and_html", "docx_writer", "write_docx"]

PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7
"""A4. [cm]"""
PAGE_MARGIN_CM = 2.0
"""Left, right, top and bottom margin. [cm]"""
TEXT_WIDTH_CM = PAGE_WIDTH_CM - 2 * PAGE_MARGIN_CM
"""Width tables and figures must fit. [cm]"""

_FILL = {"green": "1A9850", "yellow": "FDAE61", "red": "D73027", "no data": "FFFFFF"}
_HEADER_FILL = "EEF4F8"
_EAST_ASIA = "SimSun"


def _set_east_asian(run_or_style: Any, font: str = _EAST_ASIA) -> None:
    from docx.oxml.ns import qn

    # get_or_add_rFonts keeps the schema order of <w:rPr> (rFonts first), which Word checks
    run_or_style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _cell_text(cell: Any, text: str, size: float, bold: bool = False,
               right: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    para = cell.paragraphs[0]
    para.paragraph_format.space_after = Pt(0)
    if right:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = para.add_run(text)  # python-docx writes "\n" as a line break
    run.font.size = Pt(size)
    run.bold = bold
    _set_east_asian(run)


def _widths_cm(widths: Sequence[float] | None, n: int) -> list[float]:
    """Column widths [cm] summing to :data:`TEXT_WIDTH_CM`."""
    w = list(widths) if widths and len(widths) == n else [1.0] * n
    total = sum(w)
    return [TEXT_WIDTH_CM * x / total for x in w]


def _table(doc: Any, table: Any) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    frame = table.frame
    n = len(frame.columns)
    t = doc.add_table(rows=len(frame) + 1, cols=n)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False  # <w:tblLayout w:type="fixed"/>: the column widths below hold
    widths = _widths_cm(table.widths, n)
    header = t.rows[0]
    header_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_pr.append(repeat)
    for j, col in enumerate(frame.columns):
        cell = header.cells[j]
        _cell_text(cell, str(col), 8, bold=True)
        _shade(cell, _HEADER_FILL)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, (col, value) in enumerate(zip(frame.columns, row, strict=True)):
            cell = t.rows[i].cells[j]
            text = str(value)
            if col == table.light:
                from landsim.presentation import label

                _cell_text(cell, label(text), 8)
                _shade(cell, _FILL.get(text, "FFFFFF"))
            else:
                _cell_text(cell, text, 8, right=is_numeric_text(text))
    for row in t.rows:
        for j, cell in enumerate(row.cells):
            cell.width = Cm(widths[j])
    doc.add_paragraph()


def _cover(doc: Any, cover: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm, Pt

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(cover.title)
    run.bold = True
    run.font.size = Pt(18)
    _set_east_asian(run)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = sub.add_run(cover.subtitle)
    run.font.size = Pt(11)
    t = doc.add_table(rows=len(cover.rows), cols=2)
    t.style = "Table Grid"
    t.autofit = False
    for i, (key, value) in enumerate(cover.rows):
        _cell_text(t.rows[i].cells[0], key, 10.5, bold=True)
        _shade(t.rows[i].cells[0], _HEADER_FILL)
        _cell_text(t.rows[i].cells[1], value, 10.5)
        t.rows[i].cells[0].width = Cm(5.5)
        t.rows[i].cells[1].width = Cm(TEXT_WIDTH_CM - 5.5)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def build_document(blocks: Sequence[Block], title: str) -> Any:
    """The python-docx ``Document`` of ``blocks``."""
    import docx
    from docx.shared import Cm, Pt, RGBColor

    from landsim.monitor.report import Bullets, Cover, Heading, Paragraph, Picture, Table

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(PAGE_MARGIN_CM))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    _set_east_asian(normal)
    for level in (1, 2, 3):
        _set_east_asian(doc.styles[f"Heading {level}"], "Microsoft YaHei")
    doc.core_properties.title = title
    doc.core_properties.created = dt.datetime(2000, 1, 1)  # no wall clock in the file
    for b in blocks:
        if isinstance(b, Cover):
            _cover(doc, b)
        elif isinstance(b, Heading):
            doc.add_heading(f"{b.zh} · {b.en}" if b.en else b.zh, level=b.level)
        elif isinstance(b, Paragraph):
            para = doc.add_paragraph()
            run = para.add_run(b.text)
            _set_east_asian(run)
            if b.note:
                run.font.size = Pt(9)
                run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        elif isinstance(b, Bullets):
            for item in b.items:
                run = doc.add_paragraph(style="List Bullet").add_run(item)
                _set_east_asian(run)
        elif isinstance(b, Table):
            _table(doc, b)
        elif isinstance(b, Picture):
            doc.add_picture(io.BytesIO(b.png), width=Cm(min(b.width_cm, TEXT_WIDTH_CM)))
            if b.caption:
                run = doc.add_paragraph().add_run(b.caption)
                run.font.size = Pt(9)
                _set_east_asian(run)
    return doc


def write_docx(blocks: Sequence[Block], path: str | Path, title: str) -> Path:
    """Write ``blocks`` as a Word document at ``path``; return the path."""
    build_document(blocks, title).save(str(path))
    return Path(path)


def docx_writer(blocks: Sequence[Block], title: str) -> Writer:
    """Writer (for :func:`landsim.outputs.write_output`) of the Word document."""
    return lambda p: write_docx(blocks, p, title)


def docx_and_html(out: str | Path, blocks: Sequence[Block], title: str, what: str
                  ) -> tuple[Path, dict[str, Writer]]:
    """Folder and writers (for :func:`landsim.outputs.write_outputs`) of the Word document
    ``out`` and the same blocks as one web page beside it (``.html``).

    Raises
    ------
    InputError
        ``out`` does not end in ``.docx`` (``what`` names the document).
    """
    from landsim.errors import InputError
    from landsim.monitor.report import blocks_html, page_html
    from landsim.outputs import text_writer

    path = Path(out)
    if path.suffix.lower() != ".docx":
        msg = f"--out {out}: {what} is a Word file. Fix: give a name ending in .docx"
        raise InputError(msg)
    return path.parent, {path.name: docx_writer(blocks, title),
                         path.with_suffix(".html").name:
                         text_writer(page_html([blocks_html(blocks)], title))}
