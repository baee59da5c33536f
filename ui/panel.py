"""One chart panel: figure, one-sentence summary, data table, downloads (CSV, XLSX, PNG, SVG), citation, query."""
from __future__ import annotations

import streamlit as st

from govdata import export
from govdata.figures import FigureSpec
from ui import tables
from ui.state import escape


def plotly_config(spec: FigureSpec) -> dict:
    """Plotly toolbar settings: the camera button saves a PNG named and sized like the server-side export."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": "png",
            "filename": export.file_stem(spec),
            "width": export.WIDTH,
            "height": int(spec.figure.layout.height or export.HEIGHT),
            "scale": 2,
        },
    }


def _image_maker(spec: FigureSpec, fmt: str):
    # Called only when the button is clicked (deferred download), so a page render does not pay for rendering.
    return lambda: export.to_image(spec, fmt)


def _file_maker(spec: FigureSpec, writer):
    # Deferred like the images: Streamlit (>= 1.50) runs a callable `data` only on click, so a rerun does not
    # write a workbook (or CSV) per chart that nobody downloads.
    return lambda: writer(spec)


def show_figure(spec: FigureSpec, *, key: str | None = None) -> None:
    """Show `spec`: chart (title/subtitle/source printed on it), summary, data table, downloads, citation, query.

    `key` (default spec.key) must be unique on the page. CSV/XLSX hold exactly spec.data (plus a data_status
    column for sample data); PNG/SVG are rendered on the server with kaleido when Chromium is present,
    otherwise the note points to the chart toolbar's camera button.
    """
    key = key or spec.key
    # theme=None: the house style applies on screen too, so the screen matches the exported image
    st.plotly_chart(spec.figure, key=f"chart-{key}", config=plotly_config(spec), theme=None,
                    alt=spec.alt_text or spec.summary)
    st.markdown(escape(spec.summary, 2000))
    stem = export.file_stem(spec)
    sample = " (sample data)" if spec.is_sample else ""
    with st.expander(f"Data table{sample}"):
        # labelled and formatted for reading; the CSV/XLSX below hold the raw columns
        tables.show_table(spec.data, key=f"table-{key}", caption=f"Data behind the chart: {spec.title}")
    cols = st.columns(4)
    cols[0].download_button("CSV", _file_maker(spec, export.to_csv), file_name=f"{stem}.csv", mime="text/csv",
                            key=f"csv-{key}", on_click="ignore", icon=":material/download:",
                            help=f"The data behind this chart{sample}")
    cols[1].download_button("XLSX", _file_maker(spec, export.to_xlsx), file_name=f"{stem}.xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            key=f"xlsx-{key}", on_click="ignore", icon=":material/download:",
                            help="Data sheet plus an 'about' sheet with title, source, notes and query")
    if export.images_available():
        cols[2].download_button("PNG", _image_maker(spec, "png"), file_name=f"{stem}.png", mime="image/png",
                                key=f"png-{key}", on_click="ignore", icon=":material/image:",
                                help="The chart with its title and source line printed on it")
        cols[3].download_button("SVG", _image_maker(spec, "svg"), file_name=f"{stem}.svg", mime="image/svg+xml",
                                key=f"svg-{key}", on_click="ignore", icon=":material/image:",
                                help="The chart as a vector image, with title and source line")
    else:
        cols[2].caption("Image export is not available on this server: use the camera button in the chart's "
                        "toolbar to save a PNG with its title and source.")
    with st.expander("Cite this chart"):
        st.code(export.citations(spec), language=None, wrap_lines=True)
    if spec.queries:
        with st.expander("Show query"):
            for result in spec.queries:
                st.code(result.sql_with_params(), language="sql")
