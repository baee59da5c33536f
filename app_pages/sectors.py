"""Sector comparison: sectors side by side on volume, cyber share, incident types, time to report, decisions, change.

One view at a time, chosen in the URL (`view`), so a rerun builds only the chart shown; the briefing pack builds
every view when it is clicked.
"""

from __future__ import annotations

import streamlit as st

from govdata.views import sectors as view
from ui import panel
from ui import view as frame

form = frame.start(view)
form.widget("q1_2019")
if not form.params["period"].choices(form.runner, form.values):
    st.info("The warehouse holds no incidents to compare.")
    st.stop()
left, right = st.columns([1, 2])
form.widget("period", where=left)
form.widget("sectors", where=right)
notes = st.container()
form.widget("view")
if form.values["view"] == "types" and form.values["sectors"]:
    form.widget("top")
form.commit()
shown = frame.build(view, form)

with notes:
    frame.show_notes(shown.notes_at(""))
frame.show_notes(shown.notes_at(form.values["view"]))
for spec in shown.specs:
    panel.show_figure(spec)

frame.downloads(view, shown, form, all_views=True)
