"""Sector comparison: sectors side by side on volume, cyber share, incident types, time to report, decisions, change."""
from __future__ import annotations

import streamlit as st

from govdata.charts import sectors as charts
from govdata.queries import provenance
from govdata.queries import sectors as queries
from ui import data, layout, panel, state
from ui.pack_button import pack_download

DEFAULT_PICKS = 4  # how many of the largest sectors are picked when the URL names none

TITLE = "Sector comparison"

layout.page_setup(
    TITLE,
    "Compare sectors' personal-data breach reports to the ICO: how many, how many cyber, which types, how fast "
    "they were reported, what the ICO decided, and how that changed on a year earlier. Counts are distinct "
    "incidents; the sectors are the ICO's best fit for each report.", page="sectors")

include_q1_2019 = state.flag(
    "q1_2019", False, label="Include Q1 2019 (not comparable)",
    help="The ICO treats Q2 2019 as the first comparable quarter: incidents were recorded differently before.")
comparable_only = not include_q1_2019

choices = queries.periods(data.cached_query(queries.available_quarters, comparable_only))
if not choices:
    st.info("The warehouse holds no incidents to compare.")
    st.stop()
sector_counts = data.cached_query(queries.sector_list, comparable_only).data
sector_options = list(sector_counts["sector"])


def _period_label(key: str) -> str:
    period = choices[key]
    return f"Last {period.quarters} quarters ({period.span})" if key == queries.LAST_FOUR else period.label


left, right = st.columns([1, 2])
period_key = state.choice("period", list(choices), queries.LAST_FOUR, label="Period", format_func=_period_label,
                          where=left)
picked = state.multichoice("sectors", sector_options, sector_options[:DEFAULT_PICKS], label="Sectors to compare",
                           help="Sectors are listed from most to fewest incidents.", where=right)
period = choices[period_key]
sources = provenance.to_sources(data.cached_query(provenance.chart_sources))
options = {"comparable_only": comparable_only}

volume = data.cached_query(queries.sector_volume, period, picked, comparable_only)
if not picked:
    st.info("Pick one or more sectors above to compare them; the ranking below shows every sector.")

specs = []


def show(builder, *args, **kwargs) -> None:
    """Build (or reuse: cached per view) and show one chart, keeping it for the briefing pack."""
    specs.append(data.cached_chart(builder, *args, **kwargs))
    panel.show_figure(specs[-1])


tabs = st.tabs(["Volume", "Quarterly trend", "Cyber share", "Incident types", "Time to report", "Decisions",
                "Change on a year earlier"])
with tabs[0]:
    show(charts.ranked, volume, "incidents", period, sources, **options)
with tabs[1]:
    if picked:
        trend = data.cached_query(queries.sector_quarterly, period, picked, comparable_only)
        show(charts.quarterly_multiples, trend, period, sources, **options)
    else:
        st.caption("Pick sectors to see their quarterly trend.")
with tabs[2]:
    show(charts.ranked, volume, "cyber_pct", period, sources, **options)
with tabs[3]:
    if picked:
        top = state.number("top", 5, label="Incident types per sector", min_value=1, max_value=10)
        types = data.cached_query(queries.sector_top_types, period, picked, top, comparable_only)
        show(charts.top_types, types, period, sources, **options)
    else:
        st.caption("Pick sectors to see their most common incident types.")
with tabs[4]:
    show(charts.ranked, volume, "within_72h_pct", period, sources, **options)
    if picked:
        timing = data.cached_query(queries.sector_time_to_report, period, picked, comparable_only)
        show(charts.time_to_report, timing, period, sources, **options)
with tabs[5]:
    if picked:
        decided = data.cached_query(queries.sector_decisions, period, picked, comparable_only)
        show(charts.decisions, decided, period, sources, **options)
    else:
        st.caption("Pick sectors to see the ICO's decisions on their reports.")
with tabs[6]:
    change = data.cached_query(queries.sector_change, period, picked, comparable_only)
    show(charts.year_on_year, change, period, sources, **options)

pack_download(specs, TITLE)
