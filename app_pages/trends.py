"""Trends: incidents per quarter or year, broken down and filtered, with the older quarterly tables for context."""

from __future__ import annotations

import streamlit as st

from govdata.views import trends as view
from ui import panel
from ui import view as frame

form = frame.start(view)
left, middle, right = st.columns(3)
form.widget("period", where=left)
form.widget("breakdown", where=middle)
form.widget("measure", where=right)
form.widget("sector")
if view.folds(form.values["breakdown"]):
    form.widget("top")
left, right = st.columns(2)
form.widget("comparable", where=left)
form.widget("rolling", where=right)
notes = st.container()
main = st.container()
legacy = st.container()
with legacy:
    if view.legacy_sectors(form.runner):
        st.header("Before the row-level release: the ICO's older quarterly tables")
        st.caption(
            "Financial-year quarters by incident type and sector, as the ICO published them. They overlap the "
            "row-level data in time but use different labels, so they are shown separately, with their own "
            "source."
        )
        form.widget("legacy")
        if view.legacy_folds(form.values["legacy"]):
            form.widget("legacy_top")
form.commit()
shown = frame.build(view, form)

with notes:
    frame.show_notes(shown.notes_at(""))
with main:
    panel.show_figure(shown.figures["trend"])
with legacy:
    frame.show_notes(shown.notes_at(view.LEGACY))
    if "legacy" in shown.figures:
        panel.show_figure(shown.figures["legacy"])

frame.downloads(view, shown, form)
