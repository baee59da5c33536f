"""One chart panel: title, subtitle, figure, notes and source line, one-sentence summary, data table, downloads
(CSV, XLSX, PNG, SVG, slide: behind one "Download" button), citation, query.

The figure holds the plot only; its title, subtitle, notes and source line (with the sample-data label) are page
text around it, so they wrap at any screen width, can be selected and are read by screen readers. The PNG/SVG
downloads lay the same text out on the image for print (govdata.export.to_image).
"""

from __future__ import annotations

import streamlit as st

from govdata import export
from govdata.figures import FigureSpec
from ui import tables
from ui.state import escape

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA_ICON, IMAGE_ICON = ":material/download:", ":material/image:"


def plotly_config(spec: FigureSpec) -> dict:
    """Plotly toolbar settings. The toolbar's buttons are keyboard stops (8 per chart); with server-side images
    the downloads below the chart do its one job that matters (the camera), so it is switched off. Without them only
    the camera button stays (one stop), saving the plot named like the downloads."""
    if export.images_available():
        return {"displayModeBar": False, "displaylogo": False}
    return {
        "displaylogo": False,
        "modeBarButtons": [["toImage"]],
        "toImageButtonOptions": {"format": "png", "filename": export.file_stem(spec), "scale": 2},
    }


def download(where, label: str, data, *, file_name: str, mime: str, key: str, help: str, icon: str, **extra) -> None:
    """A download button in `where` (st or a container). A click does not rerun the page: the file is already
    held, or built on demand by `data` when it is a function."""
    where.download_button(
        label, data, file_name=file_name, mime=mime, key=key, on_click="ignore", icon=icon, help=help, **extra
    )


def lazy_expander(label: str, *, key: str):
    """An expander whose content is built only once it is opened (opening reruns the page): while closed it sends
    nothing, so a first visit loads no data-grid or code-highlighting code (~2 MB of JavaScript) for tables and
    code boxes nobody opened. Returns the open expander to fill, or None while it is closed."""
    box = st.expander(label, key=key, on_change="rerun")
    return box if box.open else None


def _above(spec: FigureSpec) -> None:
    """Title (the finding) and subtitle (measure and period) above the plot, as text that wraps."""
    st.markdown(f"**{escape(spec.title, 400)}**")
    if spec.subtitle:
        st.caption(escape(spec.subtitle, 400))


def _below(spec: FigureSpec) -> None:
    """Notes, then the source line (led by the sample-data label when the data is simulated), below the plot."""
    lines = [escape(note, 600) for note in spec.notes]
    source = spec.source_text()
    label = spec.sample_label() if spec.is_sample else ""
    if label and source.startswith(label):
        lines.append(f"**{escape(label, 400)}** {escape(source[len(label) :].strip(), 1200)}")
    else:
        lines.append(escape(source, 1200))
    st.caption("  \n".join(lines))


def show_chart(spec: FigureSpec, *, key: str) -> None:
    """The chart itself: title and subtitle, the plot, notes and source line, in one container (CSS class
    `st-key-figure-<key>`, which the browser tests measure)."""
    with st.container(key=f"figure-{key}"):
        _above(spec)
        # theme=None: the house style (govdata.charts.base) applies on screen as in the exported images
        st.plotly_chart(
            spec.figure, key=f"chart-{key}", config=plotly_config(spec), theme=None, alt=spec.alt_text or spec.summary
        )
        _below(spec)


def _image_maker(spec: FigureSpec, fmt: str, size: str = export.DEFAULT_SIZE):
    # Called only when the button is clicked (deferred download), so a page render does not pay for rendering.
    return lambda: export.image_download(spec, fmt, size=size)[0]


def _file_maker(spec: FigureSpec, writer):
    # Deferred like the images: Streamlit (>= 1.50) runs a callable `data` only on click, so a rerun does not
    # write a workbook (or CSV) per chart that nobody downloads.
    return lambda: writer(spec)


def show_figure(spec: FigureSpec, *, key: str | None = None) -> None:
    """Show `spec`: chart with its title, subtitle and source line, summary, data table, downloads, citation, query.

    `key` (default spec.key) must be unique on the page. CSV/XLSX hold exactly spec.data (plus a data_status
    column for sample data); PNG/SVG are rendered on the server with kaleido when Chromium is present,
    otherwise the note points to the chart toolbar's camera button.
    """
    key = key or spec.key
    show_chart(spec, key=key)
    st.markdown(escape(spec.summary, 2000))
    stem = export.file_stem(spec)
    sample = " (sample data)" if spec.is_sample else ""
    table = lazy_expander(f"Data table{sample}", key=f"table-open-{key}")
    if table:
        with table:
            # labelled and formatted for reading; the CSV/XLSX below hold the raw columns
            tables.show_table(spec.data, key=f"table-{key}", caption=f"Data behind the chart: {spec.title}")
    # One "Download" button per chart. Its panel is drawn only when opened (no rerun: the files are built on click),
    # so a first view renders one element here instead of five: each download button is a labelled, styled element
    # the browser builds before it draws the first chart (bench --browser: time to first chart).
    box = st.popover("Download", icon=DATA_ICON, key=f"downloads-{key}")  # its panel says what each file is
    data_line = f"The data behind this chart{sample}"
    box.caption(data_line)
    row = box.container(horizontal=True, key=f"data-files-{key}")
    data_files = (
        ("csv", export.to_csv, "text/csv", data_line),
        ("xlsx", export.to_xlsx, XLSX_MIME, "Data sheet plus an 'about' sheet with title, source, notes and query"),
    )
    for fmt, writer, mime, tip in data_files:
        file_name, made = f"{stem}.{fmt}", _file_maker(spec, writer)
        download(row, fmt.upper(), made, file_name=file_name, mime=mime, key=f"{fmt}-{key}", help=tip, icon=DATA_ICON)
    if export.images_available():
        box.caption("The chart with its title, notes and source line, for a report page (16 cm wide) or a slide")
        row = box.container(horizontal=True, key=f"image-files-{key}")
        for fmt, icon_help in (("png", "300 dpi"), ("svg", "vector")):
            name, mime = export.image_name(spec, fmt)
            parts = "" if not name.endswith(".zip") else " (a ZIP of its parts: too long for one page)"
            tip = (
                f"The chart laid out for a report page, 16 cm wide ({icon_help}), with its "
                f"title, notes and source line{parts}"
            )
            made = _image_maker(spec, fmt)
            download(row, fmt.upper(), made, file_name=name, mime=mime, key=f"{fmt}-{key}", help=tip, icon=IMAGE_ICON)
        name, mime = export.image_name(spec, "png", size="slide")
        download(
            row,
            "Slide",
            _image_maker(spec, "png", "slide"),
            file_name=name,
            mime=mime,
            key=f"slide-{key}",
            icon=":material/slideshow:",
            help="The chart laid out for a 16:9 slide (PNG, 300 dpi), with its title and source "
            "line" + (" (a ZIP of its parts)" if name.endswith(".zip") else ""),
        )
    else:
        box.caption(
            "Image export is not available on this server: the camera button in the chart's toolbar "
            "saves the plot alone; copy its title and source line from above and below it."
        )
    cite = lazy_expander("Cite this chart", key=f"cite-open-{key}")
    if cite:
        cite.code(export.citations(spec), language=None, wrap_lines=True)
    query = lazy_expander("Show query", key=f"query-open-{key}") if spec.queries else None
    if query:
        for result in spec.queries:
            query.code(result.sql_with_params(), language="sql")
