"""FigureSpec -> CSV / XLSX / PNG / SVG bytes and citation text (no Streamlit).

Decisions (documented for the README):
- CSV is exactly `spec.data` (no header lines above it), so "the CSV equals the query result" stays checkable.
  For sample data one column is appended, `data_status` = 'SAMPLE (simulated)' on every row, so a sample export
  is visibly labelled wherever its rows end up. Metadata (title, subtitle, source, notes, query) is in the XLSX
  "about" sheet and in citations().
- Images are rendered by kaleido 1.x with an installed Chromium. One renderer (kaleido's sync server) is started
  on first use and kept alive for the life of the process: the first image costs a few seconds, later ones less.
"""
from __future__ import annotations

import atexit
import io
import logging
import os
import shutil
import threading
from datetime import date
from pathlib import Path

import pandas as pd

from govdata.charts.base import HEIGHT, WIDTH
from govdata import spreadsheet_cells
from govdata.figures import FigureSpec

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
        data.to_excel(writer, sheet_name="data", index=False)
        rows = about_rows(spec, accessed) + [("Cut text", note) for note in cut_notes]
        about = spreadsheet_cells.neutralise_frame(pd.DataFrame(rows, columns=["field", "text"]))
        about, more = spreadsheet_cells.fit_excel(about, "about")
        if more:
            about = pd.concat([about, pd.DataFrame([("Cut text", n) for n in more], columns=["field", "text"])])
        about.to_excel(writer, sheet_name="about", index=False)
        sheet = writer.sheets["about"]
        sheet.set_column(0, 0, 14)
        sheet.set_column(1, 1, 120, writer.book.add_format({"text_wrap": True, "valign": "top"}))
    return buffer.getvalue()


def citations(spec: FigureSpec, accessed: str | None = None) -> str:
    """Harvard-style citations for each source of the chart, one per line (sample data says so first)."""
    accessed = accessed or date.today().isoformat()
    lines = list(dict.fromkeys(s.harvard(accessed) for s in spec.sources))   # one line per distinct citation
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
            "PNG/SVG export needs Chromium: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.")
    # mathjax=False: no CDN fetch (no network in production; the charts use no LaTeX).
    kaleido.start_sync_server(path=path, mathjax=False, silence_warnings=True)
    atexit.register(kaleido.stop_sync_server, silence_warnings=True)
    _renderer_started = True


def to_image(spec: FigureSpec, fmt: str = "png", *, width: int = WIDTH, scale: float = 2.0) -> bytes:
    """The figure as PNG or SVG bytes, with title, subtitle, notes and source line printed on it (as on screen).

    Raises ImageExportUnavailable when there is no Chromium.
    """
    import kaleido

    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format must be one of {IMAGE_FORMATS}, not {fmt!r}")
    height = int(spec.figure.layout.height or HEIGHT)
    opts = {"format": fmt, "width": width, "height": height, "scale": scale if fmt == "png" else 1}
    # The renderer serves one request at a time; the lock keeps concurrent sessions from interleaving start-up.
    with _renderer_lock:
        _ensure_renderer()
        return kaleido.calc_fig_sync(spec.figure, opts=opts)
