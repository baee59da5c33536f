"""The frame every page shares around its govdata.views view: heading and URL-backed form, browser title, notes,
and the briefing downloads at the foot (a Word note and the pack, both built only when clicked)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import ModuleType

import streamlit as st

from govdata import export, views, warehouse
from govdata.briefing.note import MIME, build_note, note_file_name
from govdata.views.base import Direct, Note, PageView
from govdata.views.params import query_string
from ui import data, layout, panel, state
from ui.pack_button import pack_download

LOCAL_BASE = "http://localhost:8501"  # when the browser's address is unknown (tests), as `run.py dashboard` serves


def start(view: ModuleType) -> state.Form:
    """Page heading, sample banner and intro (ui.layout.page_setup), then the URL-backed form of `view`."""
    layout.page_setup(view.TITLE, view.INTRO, page=getattr(view, "PAGE", None))
    return state.Form(view, data.runner)


def build(view: ModuleType, form: state.Form) -> PageView:
    """The view for the form's values (cached queries and charts); sets the browser tab's title."""
    shown = view.build(data.runner, form.values)
    st.set_page_config(page_title=shown.browser_title)
    return shown


def show_notes(notes: list[Note]) -> None:
    """Notes as plain text (never Markdown from data): captions, or info boxes."""
    for note in notes:
        if note.kind == "info":
            st.info(state.escape(note.text, 1000))
        else:
            st.caption(state.escape(note.text, 1000))


def every_view(view: ModuleType, values: dict) -> Callable[[], PageView]:
    """A callable building the page with every view's charts, run only when a download is clicked: on a fresh
    read-only connection, because it runs outside the page's script run."""
    frozen = dict(values)

    def full() -> PageView:
        con = warehouse.connect()
        try:
            return view.build(Direct(con), frozen, everything=True)
        finally:
            con.close()

    return full


def page_link(view: ModuleType, values: dict) -> str:
    """The address that reopens this view, on the host the visitor is using."""
    here = st.context.url or LOCAL_BASE
    base = here.split("?", 1)[0].rstrip("/")
    tail = views.url_path(view.PAGE)
    if tail and base.endswith("/" + tail):
        base = base[: -len(tail) - 1]
    return views.link(base, view.PAGE, query_string(view.PARAMS, values))


def downloads(view: ModuleType, shown: PageView, form: state.Form, *, all_views: bool = False) -> None:
    """The briefing note (Word) and pack (ZIP) at the foot of the page: every view's charts when `all_views`."""
    if not shown.specs and not all_views:
        return
    full = every_view(view, form.values) if all_views else (lambda: shown)
    link = page_link(view, form.values)
    note_help = (
        "A Word briefing note: the headline sentences, every chart as a print-quality picture with alt "
        "text, caption, source and licence, the data behind each, numbered citations and this link."
    )
    if not export.images_available():
        note_help += " Images are not available on this server (no Chromium); the note says so."
    left, right = st.columns(2)
    panel.download(
        left,
        "Download briefing note (Word)",
        lambda: build_note(full(), link=link, accessed=date.today()),
        file_name=note_file_name(shown),
        mime=MIME,
        key=f"briefing-note-{view.PAGE}",
        help=note_help,
        icon=":material/description:",
    )
    with right:
        pack_download(lambda: full().specs, view.TITLE, is_sample=shown.is_sample)
