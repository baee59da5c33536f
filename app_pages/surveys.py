"""Surveys and polls: council information-governance surveys, public trust in data handling, and both beside the
ICO's incident counts for local government on one time axis."""
from __future__ import annotations

import streamlit as st

from govdata.charts import surveys as charts
from govdata.queries import reference as queries
from ui import data, layout, panel, state
from ui.pack_button import pack_download

ALL = "all"
TITLE = "Surveys and polls"

meta = layout.page_setup(
    TITLE,
    "What councils said about their own data-protection practice, and what the public says about trusting "
    "organisations with personal data. Figures are transcribed from published reports, each with its source; "
    "intervals come from the published base n where there is one.", page="surveys")

topics = list(data.cached_query(queries.survey_topics).data["topic"])
vocab = data.cached_query(queries.poll_vocabulary).data
org_types = list(vocab.loc[vocab["field"] == "organisation_type", "value"])
pollsters = list(vocab.loc[vocab["field"] == "pollster", "value"])

left, middle, right = st.columns(3)
topic = state.choice("topic", [ALL, *topics], ALL, label="Survey topic", where=left,
                     format_func=lambda t: "All topics" if t == ALL else t)
org_type = state.choice("org", [ALL, *org_types], queries.LOCAL_GOVERNMENT if queries.LOCAL_GOVERNMENT in org_types
                        else ALL, label="Poll: organisation type", where=middle,
                        format_func=lambda t: "All organisation types" if t == ALL else t)
pollster = state.choice("pollster", [ALL, *pollsters], ALL, label="Poll: pollster", where=right,
                        format_func=lambda p: "All pollsters" if p == ALL else p)
chosen_topic = None if topic == ALL else topic
chosen_org = None if org_type == ALL else org_type
chosen_pollster = None if pollster == ALL else pollster

st.subheader("Council information-governance surveys")
# cached_chart: a rerun showing the same chart reuses its FigureSpec instead of rebuilding the figure
specs = [data.cached_chart(charts.survey_chart, data.cached_query(queries.survey_results, chosen_topic),
                           topic=chosen_topic)]
panel.show_figure(specs[-1])

st.subheader("Public trust in how organisations handle personal data")
specs.append(data.cached_chart(charts.trust_chart, data.cached_query(queries.poll_results, chosen_org,
                                                                     chosen_pollster),
                               organisation_type=chosen_org, pollster=chosen_pollster))
panel.show_figure(specs[-1])

st.subheader("Linked view: incidents, surveys and trust on one time axis")
st.caption("The ICO's incident counts for local government (comparable quarters only) above the council survey and "
           "poll figures chosen by the filters. The three measure different things; the view shows what evidence "
           "exists when.")
timeline = data.cached_query(queries.timeline, queries.LOCAL_GOVERNMENT, chosen_topic, chosen_org, chosen_pollster)
specs.append(data.cached_chart(charts.timeline_chart, timeline, queries.LOCAL_GOVERNMENT,
                               incident_sources=data.sources("ico_rows")))
panel.show_figure(specs[-1])

st.subheader("Context figures")
st.caption("Other published figures: earlier council breach counts, fines and data-sharing milestones, as cited.")
context = data.cached_query(queries.context_figures).data
st.dataframe(context, hide_index=True, key="context-table")

with st.expander("Socitm data-maturity checklist (questions a council can ask itself)"):
    checklist = data.cached_query(queries.maturity_checklist).data
    st.dataframe(checklist, hide_index=True, key="checklist-table")

pack_download(specs, TITLE)
