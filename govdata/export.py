"""FigureSpec -> CSV / XLSX / PNG / SVG bytes and citation text (no Streamlit).

Decisions (documented for the README):
- CSV is exactly `spec.data` (no header lines above it), so "the CSV equals the query result" stays checkable.
  For sample data one column is appended, `data_status` = 'SAMPLE (simulated)' on every row, so a sample export
  is visibly labelled wherever its rows end up. Metadata (title, subtitle, source, notes, query) is in the XLSX
  "about" sheet and in citations().
- Images are laid out for a named print size (PRINT_SIZES: "report", 16 cm wide, the default; "slide", 16:9) by
  govdata.printing, independently of the screen: title, subtitle, notes and source line set around the plot, every
  text at least 9 pt and titles at least 12 pt at that size, PNGs at 300 dpi with the dpi stored in the file, SVGs
  with <title> and <desc> (the alt text). A chart too tall for the page is cut into parts (to_images).
- Plots are rendered by kaleido 1.x with an installed Chromium. One renderer (kaleido's sync server) is started
  on first use and kept alive for the life of the process: the first image costs a few seconds, later ones less.
"""

from __future__ import annotations

import atexit
import io
import logging
import os
import shutil
import threading
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd

from govdata import printing, spreadsheet_cells, workbook
from govdata.figures import FigureSpec
from govdata.printing import DEFAULT_SIZE, PRINT_SIZES, PrintSize

__all__ = [
    "DEFAULT_SIZE",
    "PRINT_SIZES",
    "PrintSize",
    "IMAGE_FORMATS",
    "ImageExportUnavailable",
    "to_image",
    "to_images",
    "image_download",
    "image_name",
    "to_csv",
    "to_xlsx",
    "citations",
    "file_stem",
    "images_available",
]

log = logging.getLogger(__name__)

SAMPLE_STATUS_COLUMN = "data_status"
SAMPLE_STATUS = "SAMPLE (simulated)"
IMAGE_FORMATS = ("png", "svg")
CHROMIUM_ENV = "CHROMIUM_PATH"
_DEFAULT_CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


class ImageExportUnavailable(RuntimeError):
    """No Chromium to render images with; the message says how to get one."""


def export_frame(spec: FigureSpec) -> pd.DataFrame:
    """The table written to CSV/XLSX: spec.data, plus the data_status column when the data is a sample, with
    text cells that could start a formula neutralised (govdata.spreadsheet_cells).

    A chart whose rows mix simulated and real figures (e.g. the linked timeline) carries its own per-row
    data_status, built from each row's provenance; it is kept as is, so real figures are never labelled simulated.
    """
    frame = spec.data.copy()
    if spec.is_sample and SAMPLE_STATUS_COLUMN not in frame.columns:
        frame[SAMPLE_STATUS_COLUMN] = SAMPLE_STATUS
    return spreadsheet_cells.neutralise_frame(frame)


def file_stem(spec: FigureSpec) -> str:
    """Download file name without extension, e.g. 'trends-by-category' or 'SAMPLE-trends-by-category'."""
    return ("SAMPLE-" if spec.is_sample else "") + spec.key


def to_csv(spec: FigureSpec) -> bytes:
    """The chart's data as UTF-8 CSV (no index)."""
    return spreadsheet_cells.csv_bytes(export_frame(spec))


def about_rows(spec: FigureSpec, accessed: str | None = None) -> list[tuple[str, str]]:
    """(field, text) pairs describing a chart: title, subtitle, summary, sources, notes, citation, queries."""
    rows = [("Title", spec.title), ("Subtitle", spec.subtitle), ("Summary", spec.summary)]
    if spec.data_date:
        rows.append(("Data date", f"the data shown runs to {spec.data_date}"))
    if spec.is_sample:
        rows.append(("Data status", spec.sample_label()))
    rows.append(("Source", spec.source_text()))
    rows += [("Note", n) for n in spec.notes]
    rows.append(("Citation", citations(spec, accessed)))
    rows += [(f"Query {i}", q.sql_with_params()) for i, q in enumerate(spec.queries, 1)]
    return rows


def to_xlsx(spec: FigureSpec, accessed: str | None = None) -> bytes:
    """A workbook: sheet 'data' (as the CSV) and sheet 'about' (title, subtitle, source, notes, sample label, query)."""
    buffer = io.BytesIO()
    # in_memory: xlsxwriter otherwise assembles the workbook through temporary files (about half the time)
    # strings_to_formulas/urls off: a text cell is written as text, never as a live formula or hyperlink
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        data, cut_notes = spreadsheet_cells.fit_excel(export_frame(spec), "data")
        percent = workbook.write_data(writer, data, "data")  # header, widths, number formats (govdata.workbook)
        rows = about_rows(spec, accessed) + [("Cut text", note) for note in cut_notes]
        about = spreadsheet_cells.neutralise_frame(pd.DataFrame(rows, columns=["field", "text"]))
        about, more = spreadsheet_cells.fit_excel(about, "about")
        if more:
            about = pd.concat([about, pd.DataFrame([("Cut text", n) for n in more], columns=["field", "text"])])
        workbook.write_about(writer, list(about.itertuples(index=False, name=None)), data, percent, "about")
        workbook.set_properties(writer, spec.title, spec.subtitle, spec.source_text())
    return buffer.getvalue()


def citations(spec: FigureSpec, accessed: str | None = None) -> str:
    """Harvard-style citations for each source of the chart, one per line (sample data says so first)."""
    accessed = accessed or date.today().isoformat()
    lines = list(dict.fromkeys(s.harvard(accessed) for s in spec.sources))  # one line per distinct citation
    if spec.is_sample:
        lines.insert(0, spec.sample_label())
    return "\n".join(lines)


def chromium_path() -> str | None:
    """$CHROMIUM_PATH when set, else Debian's /usr/bin/chromium (or another common location, or on PATH)."""
    configured = os.environ.get(CHROMIUM_ENV, "").strip()
    if configured:
        return configured if Path(configured).exists() else None
    for candidate in _DEFAULT_CHROMIUM:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def images_available() -> bool:
    """True when a Chromium is present, so PNG/SVG can be rendered on the server."""
    return chromium_path() is not None


_renderer_lock = threading.Lock()
_renderer_started = False


def _ensure_renderer() -> None:
    """Start kaleido's single, persistent renderer on first use (later calls reuse it)."""
    global _renderer_started
    import kaleido

    if _renderer_started:
        return
    path = chromium_path()
    if path is None:
        raise ImageExportUnavailable(
            "PNG/SVG export needs Chromium: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH."
        )
    # mathjax=False: no CDN fetch (no network in production; the charts use no LaTeX).
    kaleido.start_sync_server(path=path, mathjax=False, silence_warnings=True)
    atexit.register(kaleido.stop_sync_server, silence_warnings=True)
    _renderer_started = True


def _render(figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    """The plot alone, rendered by the single long-lived kaleido renderer."""
    import kaleido

    opts = {"format": fmt, "width": width, "height": height, "scale": scale if fmt == "png" else 1}
    # The renderer serves one request at a time; the lock keeps concurrent sessions from interleaving start-up.
    with _renderer_lock:
        _ensure_renderer()
        return kaleido.calc_fig_sync(figure, opts=opts)


def to_images(
    spec: FigureSpec, fmt: str = "png", *, size: str | PrintSize = DEFAULT_SIZE, max_parts: int | None = None
) -> list[bytes]:
    """The chart laid out for print size `size` ("report": 16 cm wide; "slide": 16:9), as one PNG (300 dpi) or SVG
    per printed part: one for most charts, several for a chart too tall for the page (cut at row or panel edges,
    each part titled "part i of n"); `max_parts` renders only the first parts. Raises ImageExportUnavailable when
    there is no Chromium."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format must be one of {IMAGE_FORMATS}, not {fmt!r}")
    size = printing.print_size(size)
    images = []
    for part in printing.layout(spec, size)[:max_parts]:
        plot = _render(part.figure, fmt, part.width, part.plot_height, size.scale)
        if fmt == "png":
            images.append(printing.compose_png(spec, part, size, plot))
        else:
            images.append(
                printing.compose_svg(spec, part, size, plot.decode("utf-8") if isinstance(plot, bytes) else plot)
            )
    return images


def to_image(spec: FigureSpec, fmt: str = "png", *, size: str | PrintSize = DEFAULT_SIZE) -> bytes:
    """The chart as ONE PNG or SVG laid out for print size `size` (see to_images). A chart that prints in several
    parts comes back as its parts stacked in one image, so nothing is left out; to place a long chart on pages,
    use to_images. Raises ImageExportUnavailable when there is no Chromium."""
    images = to_images(spec, fmt, size=size)
    return images[0] if len(images) == 1 else printing.stack(images, fmt)


def image_name(spec: FigureSpec, fmt: str = "png", *, size: str | PrintSize = DEFAULT_SIZE) -> tuple[str, str]:
    """(file name, MIME type) of a chart's image download, known before anything is rendered: the image, or a
    ZIP of its parts when the chart prints in several (printing.part_count)."""
    size = printing.print_size(size)
    stem = file_stem(spec) + ("" if size.name == DEFAULT_SIZE else f"-{size.name}")
    parts = printing.part_count(spec, size)
    if parts > 1:
        return f"{stem}-{parts}-parts.zip", "application/zip"
    return f"{stem}.{fmt}", "image/png" if fmt == "png" else "image/svg+xml"


def image_download(
    spec: FigureSpec, fmt: str = "png", *, size: str | PrintSize = DEFAULT_SIZE
) -> tuple[bytes, str, str]:
    """(data, file name, MIME type) for a chart's image download: the image itself, or a ZIP of its parts
    ('<stem>-part1.png', ...) when it prints in several."""
    name, mime = image_name(spec, fmt, size=size)
    images = to_images(spec, fmt, size=size)
    if len(images) == 1:
        return images[0], name, mime
    stem = name.rsplit("-", 2)[0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for i, image in enumerate(images, 1):
            zf.writestr(f"{stem}-part{i}.{fmt}", image)
    return buffer.getvalue(), name, mime
