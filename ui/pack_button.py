"""The one-click briefing pack: a download button that builds the page's ZIP only when it is clicked.

Pages call `pack_download(specs, page_title)` with the FigureSpecs they show. Streamlit (>= 1.50) accepts a
callable as download data and runs it on click, off the script thread, so rendering images never slows a rerun.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from govdata import export
from govdata.figures import FigureSpec
from govdata.packs import build_pack, pack_file_name


def pack_download(specs: list[FigureSpec] | Callable[[], list[FigureSpec]], page_title: str, *,
                  key: str | None = None, is_sample: bool = False) -> None:
    """One download button for every chart on the page (PNG, SVG, CSV, citations, alt text, README).

    `specs` may be a callable that builds the charts on click (a page that shows one view at a time packs all of
    them); `is_sample` then names the file, since the charts are not there yet to say so.
    """
    if callable(specs):
        make = specs
    else:
        shown = list(specs)
        if not shown:
            return
        is_sample = any(s.is_sample for s in shown)
        make = lambda: shown  # noqa: E731
    help_text = "Every chart on this page as PNG and SVG, its data as CSV, citations, alt text and a README."
    if not export.images_available():
        help_text += " Images are not available on this server (no Chromium); the README says so."

    def build() -> bytes:
        return build_pack(make(), page_title, accessed_date=date.today())

    st.download_button(
        "Download briefing pack (ZIP)", data=build, file_name=pack_file_name(page_title, is_sample=is_sample),
        mime="application/zip", key=key or f"briefing-pack-{page_title}", help=help_text, icon=":material/folder_zip:",
        on_click="ignore",
    )
