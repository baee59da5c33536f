"""Overview: headline figures for the latest comparable quarter and complete year, paste-ready sentences, trend."""
from __future__ import annotations

import streamlit as st

from govdata.charts import incidents as charts
from govdata.figures import SAMPLE_LABEL
from govdata.headlines import headlines
from govdata.queries import incidents as queries
from ui import data, layout, panel, state
from ui.pack_button import pack_download

TITLE = "Personal data breaches reported to the ICO"

meta = layout.page_setup(
    TITLE,
    "Headline figures from the ICO's *Data security incident trends* release, for the latest comparable quarter "
    "and the latest complete year. Choose sectors to narrow every figure on this page.", page="overview")
sample = meta.get("is_sample", "false").lower() == "true"

sector_options = list(data.cached_query(queries.sectors).data["sector"])
sectors = state.multichoice("sector", sector_options, label="Sectors (leave empty for all sectors)")
sources = data.sources("ico_rows")

figures = data.cached_query(queries.headline_figures, sectors)
items = headlines(figures, sectors=sectors, is_sample=sample)
for kind, heading in (("year", "Latest complete year"), ("quarter", "Latest comparable quarter")):
    row = [h for h in items if h.key.startswith(kind + "-")]
    if not row:
        continue
    st.subheader(heading)
    for column, item in zip(st.columns(len(row)), row):
        column.metric(item.label, item.value, item.delta, delta_color="off", border=True)

st.subheader("Headline sentences")
st.caption("Each sentence is computed from the same query as the figures above; copy with the button at the "
           "top right of the box.")
st.code("\n".join(h.sentence for h in items) or "No figures for this selection.", language=None, wrap_lines=True)
for source in sources:
    st.caption((SAMPLE_LABEL + " " if source.is_sample else "") + source.line())
with st.expander("Show query behind the headline figures"):
    st.code(figures.sql_with_params(), language="sql")

st.subheader("Trend")
trend = data.cached_query(queries.incident_trend, "quarter", None, sectors, True, True)
# cached_chart: a rerun showing the same chart reuses its FigureSpec instead of rebuilding the figure
specs = [data.cached_chart(charts.trend_chart, trend, sources=sources, period="quarter", rolling=True,
                           sectors=sectors)]
panel.show_figure(specs[-1])
by_category = data.cached_query(queries.incident_trend, "year", "incident_category", sectors, True, False)
specs.append(data.cached_chart(charts.trend_chart, by_category, sources=sources, period="year",
                               breakdown="incident_category", sectors=sectors))
panel.show_figure(specs[-1])

pack_download(specs, TITLE)
