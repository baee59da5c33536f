"""Overview: headline figures for the latest comparable quarter and complete year, the trend, paste-ready sentences.

The sentences come after the chart so a phone reaches the first chart sooner (they restate the cards above).
"""

from __future__ import annotations

import streamlit as st

from govdata.figures import SAMPLE_LABEL
from govdata.views import overview as view
from ui import panel, state
from ui import view as frame

form = frame.start(view)
form.widget("sector")
form.commit()
shown = frame.build(view, form)

with st.container(key="cards"):  # three to a row on a phone too (ui/style.py)
    for heading, row in shown.extra["cards"]:
        st.header(heading)
        for column, item in zip(st.columns(len(row)), row):
            column.metric(item.label, item.value, item.delta, delta_color="off", border=True)

st.header("Trend")
for spec in shown.specs:
    panel.show_figure(spec)

st.header("Headline sentences")
st.caption(
    "Each sentence is computed from the same query as the figures above. To paste them elsewhere, open "
    "'Copy the sentences' and use the copy button at the top right of its box."
)
st.markdown("\n".join(f"- {state.escape(line, 2000)}" for line in shown.headlines) or "No figures for this selection.")
copy = panel.lazy_expander("Copy the sentences", key="headlines-copy-open")
if copy:
    copy.code("\n".join(shown.headlines) or "No figures for this selection.", language=None, wrap_lines=True)
for source in shown.extra["sources"]:
    st.caption((SAMPLE_LABEL + " " if source.is_sample else "") + source.line())
query = panel.lazy_expander("Show query behind the headline figures", key="headline-query-open")
if query:
    query.code(shown.extra["headline_query"].sql_with_params(), language="sql")

frame.downloads(view, shown, form)
