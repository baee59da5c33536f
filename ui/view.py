"""The frame every page shares around its govdata.views view: heading and URL-backed form, browser title, notes,
and the briefing downloads at the foot."""
from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import streamlit as st

from govdata import warehouse
from govdata.figures import FigureSpec
from govdata.views.base import Direct, Note, PageView
from ui import data, layout, state
from ui.pack_button import pack_download


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


def every_view(view: ModuleType, values: dict) -> Callable[[], list[FigureSpec]]:
    """A callable building every chart of the page (all views), run only when a download is clicked: on a fresh
    read-only connection, because it runs outside the page's script run."""
    frozen = dict(values)

    def specs() -> list[FigureSpec]:
        con = warehouse.connect()
        try:
            return view.build(Direct(con), frozen, everything=True).specs
        finally:
            con.close()
    return specs


def downloads(view: ModuleType, shown: PageView, form: state.Form, *, all_views: bool = False) -> None:
    """The briefing pack at the foot of the page (every view's charts when `all_views`, built on click)."""
    specs = every_view(view, form.values) if all_views else shown.specs
    pack_download(specs, view.TITLE, is_sample=shown.is_sample)
