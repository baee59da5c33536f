"""A page view as a Word briefing note (.docx, python-docx): ready to paste from or send as it is.

Contents, in order: the page title and view; the sample-data warning (and, on every page, in the header); the date
the data runs to and the link that reopens the view; what the view shows (its filters); the headline sentences;
each chart as a print-resolution picture whose alt text is set on the drawing (wp:docPr descr), with a numbered
caption (subtitle, source line with licence, citation number), its one-sentence summary, notes and the data behind
it as a table (long tables go to an appendix); then the numbered citations. No Streamlit.
"""

from __future__ import annotations

import inspect
import io
from dataclasses import dataclass
from datetime import date

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from govdata import export, quarters, tables
from govdata.figures import OGL_ATTRIBUTION, SAMPLE_LABEL, FigureSpec, Source, simulated_on
from govdata.packs import alt_text
from govdata.views.base import SITE_TITLE, PageView

PICTURE_WIDTH_CM = 16.0  # a normal report column (A4 with 2.5 cm margins)
INLINE_TABLE_ROWS = 12  # longer tables go to the appendix
MAX_TABLE_ROWS = 2_000  # beyond this a table is cut, and the note says where the full data is
BODY_PT, TABLE_PT, SMALL_PT = 11, 9, 8
WARNING_RGB = RGBColor(0xB0, 0x00, 0x20)
NUMERIC_KINDS = (tables.COUNT, tables.PCT, tables.PROPORTION, tables.ESTIMATE, tables.NUMBER)
MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Picture:
    png: bytes | None
    problem: str = ""
    parts: tuple[bytes, ...] = ()  # a chart too long for one page prints as several images (png is the first)


def picture(spec: FigureSpec) -> Picture:
    """The chart as a PNG for print: govdata.export's report size where it offers one, else its standard PNG."""
    if not export.images_available():
        return Picture(
            None,
            "Chart images could not be drawn on the computer that made this note (no Chromium); "
            "each chart's data table and summary are included.",
        )
    try:
        if hasattr(export, "to_images"):  # one picture per printed part, each fitting the page
            parts = tuple(export.to_images(spec, "png", size="report"))
            return Picture(parts[0], parts=parts)
        if "size" in inspect.signature(export.to_image).parameters:
            return Picture(export.to_image(spec, "png", size="report"))
        return Picture(export.to_image(spec, "png"))
    except Exception as exc:  # a renderer failure must not lose the rest of the note; the note says so
        first = (str(exc).splitlines() or [""])[0][:200]
        return Picture(None, f"The chart image could not be drawn ({type(exc).__name__}: {first}).")


# ---------------------------------------------------------------------------------------------- low-level helpers


def _hyperlink(paragraph, url: str, text: str | None = None) -> None:
    """A clickable link (python-docx has no API for it: a w:hyperlink with an external relationship)."""
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0B57A4")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.extend([style, colour, underline])
    run.append(props)
    label = OxmlElement("w:t")
    label.text = text or url
    label.set(qn("xml:space"), "preserve")
    run.append(label)
    link.append(run)
    paragraph._p.append(link)


def _field(paragraph, instruction: str) -> None:
    """A Word field (e.g. PAGE), updated by the word processor when the page is laid out."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _set_alt_text(shape, description: str, title: str) -> None:
    """Alt text on the drawing itself (wp:docPr descr / title), which Word and screen readers read."""
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", description)
    doc_pr.set("title", title)


def _table(document, frame: pd.DataFrame, *, font_pt: int = TABLE_PT) -> int:
    """The frame in its display form (govdata.tables: labelled columns, periods as 'Q4 2024', separators, '–' for
    blanks, no internal ids) as a table with a bold, repeated header row and numbers right-aligned. Returns the
    rows shown."""
    shown = tables.display_table(frame.head(MAX_TABLE_ROWS))
    cells_text = shown.text()
    right = [column.kind in NUMERIC_KINDS for column in shown.columns.values()]
    table = document.add_table(rows=1, cols=len(shown.columns))
    table.style = "Table Grid"
    header = table.rows[0]
    _repeat_header(header)
    for cell, label, align in zip(header.cells, shown.columns, right):
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(label)
        run.bold = True
        run.font.size = Pt(font_pt)
        if align:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for record in cells_text.itertuples(index=False):
        cells = table.add_row().cells
        for cell, text, align in zip(cells, record, right):
            paragraph = cell.paragraphs[0]
            paragraph.add_run(text).font.size = Pt(font_pt)
            if align:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return len(cells_text)


def _para(
    document,
    text: str,
    *,
    style: str | None = None,
    bold: bool = False,
    size: int | None = None,
    colour: RGBColor | None = None,
):
    paragraph = document.add_paragraph(style=style)
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour
    return paragraph


# ---------------------------------------------------------------------------------------------- the note


def citations(specs: list[FigureSpec]) -> list[Source]:
    """Every source of the charts, once each, in order of first use (their numbers are positions + 1)."""
    seen: list[Source] = []
    for spec in specs:
        for source in spec.sources:
            if source not in seen:
                seen.append(source)
    return seen


def _header_footer(document, view: PageView) -> None:
    section = document.sections[0]
    header = section.header.paragraphs[0]
    if view.is_sample:
        run = header.add_run(SAMPLE_LABEL)
        run.bold = True
        run.font.size = Pt(SMALL_PT + 1)
        run.font.color.rgb = WARNING_RGB
    else:
        header.add_run(f"{SITE_TITLE}: briefing note").font.size = Pt(SMALL_PT)
    footer = section.footer.paragraphs[0]
    footer.add_run(f"{view.view_title} · data to {_quarter(view.data_to)} · page ").font.size = Pt(SMALL_PT)
    _field(footer, "PAGE")


def _quarter(text: str) -> str:
    """'2024-Q4' -> 'Q4 2024' (as everything else writes quarters)."""
    return quarters.text(text) if text else "an unknown quarter"


def build_note(view: PageView, *, link: str, accessed: date | str | None = None) -> bytes:
    """The briefing note for one page view, as .docx bytes."""
    accessed_text = (accessed.isoformat() if isinstance(accessed, date) else accessed) or date.today().isoformat()
    specs = view.specs
    if not specs:
        raise ValueError(f"the {view.title} page has no charts to brief on")
    sources = citations(specs)
    number = {source: i for i, source in enumerate(sources, 1)}

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    section.top_margin = section.bottom_margin = Cm(2.0)
    document.styles["Normal"].font.name = "Liberation Sans"
    document.styles["Normal"].font.size = Pt(BODY_PT)
    properties = document.core_properties
    properties.title = f"{view.view_title}: briefing note"
    properties.subject = SITE_TITLE
    properties.author = f"{SITE_TITLE} dashboard"
    properties.comments = link
    _header_footer(document, view)

    document.add_heading(view.title, level=0)
    _para(document, view.view_title, style="Subtitle")
    if view.is_sample:
        _para(
            document,
            f"{SAMPLE_LABEL} {simulated_on(view.page)} Do not quote the simulated figures.",
            bold=True,
            colour=WARNING_RGB,
        )
    facts = document.add_paragraph()
    facts.add_run("Data to: ").bold = True
    facts.add_run(f"{_quarter(view.data_to)} (the latest quarter in the data). ")
    facts.add_run("Note made: ").bold = True
    facts.add_run(f"{accessed_text}.")
    reopen = document.add_paragraph()
    reopen.add_run("Reopen this view: ").bold = True
    _hyperlink(reopen, link)

    if view.filters:
        document.add_heading("What this view shows", level=1)
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in view.filters:
            cells = table.add_row().cells
            cells[0].paragraphs[0].add_run(label).bold = True
            cells[1].paragraphs[0].add_run(value)
    document.add_heading("Headline sentences", level=1)
    for sentence in view.headlines:
        document.add_paragraph(sentence, style="List Bullet")
    page_notes = [note.text for note in view.notes]
    if page_notes:
        document.add_heading("Notes", level=1)
        for text in page_notes:
            document.add_paragraph(text, style="List Bullet")

    appendix: list[tuple[int, FigureSpec]] = []
    document.add_heading("Charts", level=1)
    for i, spec in enumerate(specs, 1):
        document.add_heading(f"Figure {i}: {_plain(spec.title)}", level=2)
        image = picture(spec)
        if image.png:
            for png in image.parts or (image.png,):
                run = document.add_paragraph().add_run()
                shape = run.add_picture(io.BytesIO(png), width=Cm(PICTURE_WIDTH_CM))
                _set_alt_text(shape, alt_text(spec), _plain(spec.title))
        else:
            _para(document, image.problem, bold=True)
        cited = " ".join(f"[{number[s]}]" for s in spec.sources)
        caption = f"Figure {i}. {_plain(spec.subtitle)}. {spec.source_text()}"
        _para(document, caption + (f" {cited}" if cited else ""), style="Caption")
        document.add_paragraph(spec.summary)
        for note in spec.notes:
            _para(document, f"Note: {note}", size=TABLE_PT)
        rows = len(spec.data)
        if rows <= INLINE_TABLE_ROWS:
            _para(document, f"Table {i}: the data behind figure {i}", bold=True, size=TABLE_PT)
            _table(document, spec.data)
        else:
            appendix.append((i, spec))
            _para(
                document, f"The data behind figure {i} ({rows:,} rows) is in Appendix A{len(appendix)}.", size=TABLE_PT
            )

    document.add_heading("Sources", level=1)
    for source in sources:
        document.add_paragraph(f"[{number[source]}] {source.harvard(accessed_text)}")
    if any(s.licence == "Open Government Licence v3.0" and not s.is_sample for s in sources):
        document.add_paragraph(OGL_ATTRIBUTION)
    if view.is_sample:
        _para(document, SAMPLE_LABEL, bold=True, colour=WARNING_RGB)

    for n, (i, spec) in enumerate(appendix, 1):
        document.add_page_break()
        document.add_heading(f"Appendix A{n}: the data behind figure {i}", level=1)
        _para(document, _plain(spec.title), size=TABLE_PT)
        shown = _table(document, spec.data, font_pt=SMALL_PT)
        if shown < len(spec.data):
            _para(
                document,
                f"First {shown:,} of {len(spec.data):,} rows; every row is in the chart's CSV "
                "download and the briefing pack.",
                bold=True,
                size=TABLE_PT,
            )

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _plain(text: str) -> str:
    """Chart titles carry plotly's <b>/<br> markup: the note wants the words."""
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(text))).strip()


def note_file_name(view: PageView, *, today: date | None = None) -> str:
    """e.g. 'briefing-note-sectors-2025-01-31.docx' (prefixed 'SAMPLE-' for sample data)."""
    stamp = (today or date.today()).isoformat()
    return f"{'SAMPLE-' if view.is_sample else ''}briefing-note-{view.page}-{stamp}.docx"
