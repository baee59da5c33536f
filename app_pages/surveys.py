"""Surveys and polls: council information-governance surveys, public trust in data handling, and both beside the
ICO's incident counts for local government on one time axis.

One view at a time, chosen in the URL (`view`), with the filters that view uses: a load draws one chart, and the
briefing note and pack build every view when clicked.
"""

from __future__ import annotations

import streamlit as st

from govdata.queries import reference as queries
from govdata.views import surveys as view
from ui import data, panel, tables
from ui import view as frame

form = frame.start(view)
form.widget("view")
filters = view.FILTERS[form.values["view"]]
for name, column in zip(filters, st.columns(len(filters))):
    form.widget(name, where=column)
form.commit()
shown = frame.build(view, form)

for role, spec in shown.figures.items():
    st.header(shown.extra["headings"][role])
    if role == "timeline":
        st.caption(
            "The ICO's incident counts for local government (comparable quarters only) above the council "
            "survey and poll figures chosen by the filters. The three measure different things; the view "
            "shows what evidence exists when."
        )
    panel.show_figure(spec)

st.header("Context figures")
st.caption("Other published figures: earlier council breach counts, fines and data-sharing milestones, as cited.")
# A wide table of long citations: built once opened, so a first visit loads no data-grid JavaScript
context = panel.lazy_expander("Show the context figures, with their sources", key="context-open")
if context:
    tables.show_table(
        data.cached_query(queries.context_figures).data, key="context-table", caption="Context figures", where=context
    )

checklist = panel.lazy_expander(
    "Socitm data-maturity checklist (questions a council can ask itself)", key="checklist-open"
)
if checklist:
    tables.show_table(
        data.cached_query(queries.maturity_checklist).data,
        key="checklist-table",
        caption="Socitm data-maturity checklist",
        where=checklist,
    )

frame.downloads(view, shown, form, all_views=True)
