"""Overview: headline figures for the latest comparable quarter and complete year, the trend, paste-ready sentences.

The sentences come after the chart so a phone reaches the first chart sooner (they restate the cards above).
"""
from __future__ import annotations

import streamlit as st

from govdata.figures import SAMPLE_LABEL
from govdata.views import overview as view
from ui import panel, view as frame

form = frame.start(view)
form.widget("sector")
form.commit()
shown = frame.build(view, form)

for heading, row in shown.extra["cards"]:
    st.header(heading)
    for column, item in zip(st.columns(len(row)), row):
        column.metric(item.label, item.value, item.delta, delta_color="off", border=True)

st.header("Trend")
for spec in shown.specs:
    panel.show_figure(spec)

st.header("Headline sentences")
st.caption("Each sentence is computed from the same query as the figures above; copy with the button at the "
           "top right of the box.")
st.code("\n".join(shown.headlines) or "No figures for this selection.", language=None, wrap_lines=True)
for source in shown.extra["sources"]:
    st.caption((SAMPLE_LABEL + " " if source.is_sample else "") + source.line())
with st.expander("Show query behind the headline figures"):
    st.code(shown.extra["headline_query"].sql_with_params(), language="sql")

frame.downloads(view, shown, form)
