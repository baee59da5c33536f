"""Trends: incidents per quarter or year, broken down and filtered, with the older quarterly tables for context."""
from __future__ import annotations

import streamlit as st

from govdata import vocabulary
from govdata.charts import incidents as charts
from govdata.queries import incidents as queries
from ui import data, layout, panel, state
from ui.pack_button import pack_download

TITLE = "Trends in personal data breach reports"

layout.page_setup(
    TITLE,
    "Incidents reported to the ICO over time. Q1 2019 is left out by default because the ICO recorded "
    "incidents differently before Q2 2019.", page="trends")

BREAKDOWN_OPTIONS = ["none", *vocabulary.BREAKDOWNS]
sector_options = list(data.cached_query(queries.sectors).data["sector"])

left, middle, right = st.columns(3)
period = state.choice("period", list(queries.PERIODS), "quarter", label="Period", horizontal=True, where=left,
                      format_func=lambda p: {"quarter": "Quarter", "year": "Year"}[p])
breakdown = state.choice("breakdown", BREAKDOWN_OPTIONS, "none", label="Break down by", where=middle,
                         format_func=lambda b: vocabulary.BREAKDOWNS.get(b, "No breakdown (total)"))
measure = state.choice("measure", list(charts.MEASURES), "incidents", label="Show", horizontal=True, where=right,
                       format_func=lambda m: {"incidents": "Counts", "share_pct": "Shares (%)"}[m])
sectors = state.multichoice("sector", sector_options, label="Sectors (leave empty for all sectors)")
left, right = st.columns(2)
comparable = state.flag("comparable", True, label="Comparable quarters only (from Q2 2019)", where=left)
rolling = state.flag("rolling", False, label="Show 4-quarter rolling average (quarterly counts)", where=right)

chosen = None if breakdown == "none" else breakdown
if measure == "share_pct" and chosen is None:
    st.caption("Shares need a breakdown: showing counts.")
    measure = "incidents"
if rolling and (period != "quarter" or measure != "incidents"):
    st.caption("The rolling average applies to quarterly counts only.")

trend = data.cached_query(queries.incident_trend, period, chosen, sectors, comparable,
                          rolling and period == "quarter")
# cached_chart: a rerun showing the same chart reuses its FigureSpec instead of rebuilding the figure
specs = [data.cached_chart(charts.trend_chart, trend, sources=data.sources("ico_rows"), period=period,
                           breakdown=chosen, measure=measure, rolling=rolling, sectors=sectors,
                           comparable_only=comparable)]
panel.show_figure(specs[-1])

legacy_sources = data.sources("ico_legacy")
legacy_sector_names = set(data.cached_query(queries.legacy_sectors).data["sector"])
if legacy_sector_names:
    st.subheader("Before the row-level release: the ICO's older quarterly tables")
    st.caption("Financial-year quarters by incident type and sector, as the ICO published them. They overlap the "
               "row-level data in time but use different labels, so they are shown separately, with their own "
               "source.")
    legacy_split = state.choice("legacy", list(queries.LEGACY_BREAKDOWNS), "incident_category",
                                label="Older tables: break down by",
                                format_func=lambda b: queries.LEGACY_BREAKDOWNS[b])
    missing = [s for s in sectors if s not in legacy_sector_names]
    if missing:
        st.caption(f"Not in the older tables: {state.escape(', '.join(missing), 200)}.")
    legacy_filter = [s for s in sectors if s in legacy_sector_names]
    if sectors and not legacy_filter:
        st.info("None of the chosen sectors appear in the older tables.")
    else:
        legacy = data.cached_query(queries.legacy_counts, legacy_split, legacy_filter)
        specs.append(data.cached_chart(charts.legacy_chart, legacy, sources=legacy_sources,
                                       breakdown=legacy_split, sectors=legacy_filter))
        panel.show_figure(specs[-1])

pack_download(specs, TITLE)
