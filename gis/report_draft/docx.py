"""The draft as a Word file, laid out per 党政机关公文格式 (GB/T 9704-2012).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title 2号 (22 pt)
方正小标宋简体, centred; body 3号 (16 pt) 仿宋_GB2312 with a two-character first-line
indent and a fixed 28 pt line pitch; first-level headings 黑体 3号, second-level
楷体_GB2312 3号. Fonts are named for the East Asian script too (``w:eastAsia``), so the
file looks right on the committee's office PCs.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from gis.report_draft import figures, text

TITLE_FONT, TITLE_PT = "方正小标宋简体", 22
BODY_FONT, BODY_PT = "仿宋_GB2312", 16
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINE_PT = 28

_FONTS = {
    "title": (TITLE_FONT, TITLE_PT),
    "sample": (H1_FONT, BODY_PT),
    "note": (H2_FONT, BODY_PT),
    "h1": (H1_FONT, BODY_PT),
    "h2": (H2_FONT, BODY_PT),
    "p": (BODY_FONT, BODY_PT),
}


def set_font(target, name: str, size_pt: float) -> None:
    """Name ``name`` for every script (ASCII, East Asian, complex) on a run or style."""
    target.font.name = name
    target.font.size = Pt(size_pt)
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def write(blocks: list[tuple[str, str]]) -> bytes:
    """The .docx bytes of :func:`gis.report_draft.text.blocks`' output."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    normal = document.styles["Normal"]
    set_font(normal, BODY_FONT, BODY_PT)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(LINE_PT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    for kind, words in blocks:
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        if kind in ("title", "note", "sample"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            fmt.first_line_indent = Pt(2 * BODY_PT)  # two characters
        if kind == "title":
            fmt.line_spacing = Pt(36)
            fmt.space_before = Pt(LINE_PT)
            fmt.space_after = Pt(LINE_PT)
        if kind == "p":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        run = paragraph.add_run(words)
        name, size = _FONTS[kind]
        set_font(run, name, size)
        if kind == "sample":
            run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_docx(
    frames: Mapping,
    period: str | figures.Period,
    as_of: date,
    *,
    park_name: str = "",
    is_sample: bool = False,
    lang: str = "zh",
) -> bytes:
    """The report draft for ``period`` as of ``as_of`` as .docx bytes."""
    chosen = period if isinstance(period, figures.Period) else figures.parse_period(period)
    data = figures.compute(frames, chosen, as_of, park_name=park_name, is_sample=is_sample)
    return write(text.blocks(data, lang))


__all__ = ["BODY_FONT", "H1_FONT", "H2_FONT", "MARGINS_MM", "TITLE_FONT", "report_docx", "write"]
