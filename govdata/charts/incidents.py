"""Incident trend charts: DataFrame (from govdata.queries.incidents) -> FigureSpec. Never imports streamlit.

Titles, subtitles and summaries are computed from the data handed in; spec.data is exactly that data.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from govdata import numbers, quarters, vocabulary
from govdata.charts.base import (
    OTHER_COLOUR,
    SERIES_COLOURS,
    figure_spec,
    frame_of,
    mark_series_breaks,
    queries_of,
    time_axis,
)
from govdata.figures import FigureSpec, Source
from govdata.queries.base import QueryResult
from govdata.queries.incidents import LEGACY_BREAKDOWNS, is_others

MEASURES = {"incidents": "Incidents", "share_pct": "Share of the period's incidents (%)"}
COUNT_NOTE = "Counts are incidents (distinct BI Reference within a quarter), not rows of the ICO file."
DASHES = ["solid", "dash", "dot", "dashdot"]


def scope_text(sectors: Sequence[str]) -> str:
    """'all sectors', 'the Health sector', or 'N sectors (A, B, C)' for subtitles and sentences."""
    sectors = list(sectors)
    if not sectors:
        return "all sectors"
    if len(sectors) == 1:
        return f"the {sectors[0]} sector"
    shown = ", ".join(sectors[:4]) + (", …" if len(sectors) > 4 else "")
    return f"{len(sectors)} sectors ({shown})"


def _colours(groups: list[str]) -> dict[str, tuple[str, str]]:
    """(colour, dash) per group: one palette colour per named group, grey for the folded 'All others' group.
    Queries fold to at most MAX_TOP named groups, so the dashes only distinguish a frame nobody folded."""
    named = [g for g in groups if not is_others(g)]
    styles = {
        g: (SERIES_COLOURS[i % len(SERIES_COLOURS)], DASHES[(i // len(SERIES_COLOURS)) % len(DASHES)])
        for i, g in enumerate(named)
    }
    styles.update({g: (OTHER_COLOUR, "solid") for g in groups if is_others(g)})
    return styles


def others_note(frame: pd.DataFrame, label: str) -> str | None:
    """What the folded group holds, e.g. "All others (16): the 16 incident types outside the 6 largest in 2024,
    summed." (None when nothing was folded)."""
    folded = [g for g in dict.fromkeys(frame["group"]) if is_others(g)] if not frame.empty else []
    if not folded:
        return None
    count = folded[0][folded[0].rfind("(") + 1 : -1]
    shown = frame["group"].nunique() - 1
    usable = frame[frame["complete"].astype(bool)] if "complete" in frame and frame["complete"].any() else frame
    latest = usable.sort_values("period_start")["period"].iloc[-1]
    return f"{folded[0]}: the {count} {label}s outside the {shown} largest in {latest}, summed."


def _change_phrase(current, previous, earlier: str) -> str:
    """'up 5.1% on Q4 2023' from the two counts (exact, rounded once); '' when there is no earlier base."""
    if numbers.missing(previous) or int(previous) == 0:
        return ""
    return numbers.change_words(int(current), int(previous), earlier, same_as="as")


def _hover_values(part: pd.DataFrame, measure: str) -> list[str]:
    """Hover text from govdata.numbers: counts with separators, shares as the rounded-once percentage."""
    if measure == "share_pct":
        return [numbers.share_text(int(n), int(t)) for n, t in zip(part["incidents"], part["period_total"])]
    return [numbers.count(v) for v in part[measure]]


def trend_chart(
    result: QueryResult | pd.DataFrame,
    *,
    sources: list[Source],
    period: str = "quarter",
    breakdown: str | None = None,
    measure: str = "incidents",
    rolling: bool = False,
    sectors: Sequence[str] = (),
    comparable_only: bool = True,
    key: str | None = None,
) -> FigureSpec:
    """Lines (quarterly) or bars (yearly) of incident counts or shares from incident_trend(); FigureSpec.

    Partial years (fewer than four quarters in the data) are marked as such; series breaks are drawn.
    """
    frame, queries = frame_of(result), queries_of(result)
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {list(MEASURES)}")
    split = vocabulary.BREAKDOWNS.get(breakdown or "", "")
    unit = "quarter" if period == "quarter" else "year"
    key = key or f"incidents-by-{unit}" + (f"-{breakdown.replace('_', '-')}" if breakdown else "") + (
        "-share" if measure == "share_pct" else ""
    )
    fig = go.Figure()
    if frame.empty:
        title = f"No incidents recorded for {scope_text(sectors)}"
        summary = f"There are no incidents for {scope_text(sectors)} with these filters."
        span = ""
    else:
        groups = list(dict.fromkeys(frame["group"]))
        order = vocabulary.KNOWN_VALUES.get(breakdown or "", ())
        groups.sort(key=lambda g: (is_others(g), order.index(g) if g in order else len(order), g))
        styles = _colours(groups)
        for name in groups:
            part = frame[frame["group"] == name]
            colour, dash = styles[name]
            x = part["period_start"] if period == "quarter" else part["period"]
            hover = part["period"]
            if period == "quarter":
                fig.add_trace(
                    go.Scatter(
                        x=x,
                        y=part[measure],
                        name=name,
                        mode="lines+markers",
                        customdata=hover,
                        legendgroup=name,
                        text=_hover_values(part, measure),
                        line=dict(color=colour, width=2, dash=dash),
                        marker=dict(size=5),
                        hovertemplate="%{customdata}: %{text}<extra>" + name + "</extra>",
                    )
                )
                if rolling and "rolling_mean_4q" in part and measure == "incidents":
                    # one legend entry per group: the dotted average toggles with its series (the note explains it)
                    fig.add_trace(
                        go.Scatter(
                            x=x,
                            y=part["rolling_mean_4q"],
                            name=f"{name}: 4-quarter average",
                            mode="lines",
                            line=dict(color=colour, width=1.5, dash="dot"),
                            customdata=hover,
                            legendgroup=name,
                            showlegend=False,
                            text=[numbers.estimate(v) for v in part["rolling_mean_4q"]],
                            hovertemplate="%{customdata}: %{text}<extra>4-quarter average</extra>",
                        )
                    )
            else:
                partial = ~part["complete"].astype(bool)
                fig.add_trace(
                    go.Bar(
                        x=x,
                        y=part[measure],
                        name=name,
                        marker=dict(color=colour, pattern=dict(shape=["/" if p else "" for p in partial])),
                        customdata=part["quarters_covered"],
                        text=_hover_values(part, measure),
                        textposition="none",
                        hovertemplate="%{x}: %{text} (%{customdata} quarters)<extra>" + name + "</extra>",
                    )
                )
        if period == "year":
            fig.update_layout(barmode="stack" if measure == "incidents" else "group")
            fig.update_xaxes(type="category")
        else:
            time_axis(fig)
            first, last = frame["period_start"].min(), frame["period_start"].max()
            mark_series_breaks(fig, str(pd.Timestamp(first).date()), str(pd.Timestamp(last).date()))
        span = f"{frame['period'].iloc[0]} to {frame['period'].iloc[-1]}"
        title, summary = _trend_words(frame, period, breakdown, sectors)
    fig.update_yaxes(title_text=MEASURES[measure], rangemode="tozero", tickformat=",")
    subtitle = (
        f"{'Personal data breach reports to the ICO' if measure == 'incidents' else 'Share of reports'} "
        f"per {unit}{', by ' + split.lower() if split else ''}, {scope_text(sectors)}, "
        f"{'comparable quarters ' if comparable_only else ''}{span}"
    ).rstrip(", ")
    notes = [COUNT_NOTE]
    folded = others_note(frame, split.lower()) if split else None
    if folded:
        notes.append(folded)
    if not comparable_only:
        notes.append("Includes Q1 2019, which the ICO does not treat as comparable (recorded differently).")
    if period == "year" and not frame.empty and not frame["complete"].all():
        partial = sorted(set(frame.loc[~frame["complete"].astype(bool), "period"]))
        notes.append(f"Hatched bars are partial years with fewer than four quarters of data: {', '.join(partial)}.")
    if rolling and period == "quarter" and measure == "incidents":
        notes.append("Dotted lines: 4-quarter average (mean of the quarter and the three before it).")
    alt_text = f"{'Line' if period == 'quarter' else 'Bar'} chart. {summary}"
    data_date = "" if frame.empty else str(frame["period"].iloc[-1])
    return figure_spec(
        key, title, subtitle, fig, frame, summary, sources, queries, notes, data_date=data_date, alt_text=alt_text
    )


def _trend_words(frame: pd.DataFrame, period: str, breakdown: str | None, sectors: Sequence[str]) -> tuple[str, str]:
    """Title stating the finding and a one-sentence summary, both from the latest (complete) period."""
    usable = frame[frame["complete"].astype(bool)] if period == "year" else frame
    if usable.empty:
        usable = frame
    latest_period = usable["period"].iloc[-1]
    latest = usable[usable["period"] == latest_period]
    when = latest_period
    earlier = quarters.label(int(latest["year"].iloc[0]) - 1, int(latest["quarter"].iloc[0]))
    total = int(latest["period_total"].iloc[0])
    scope = scope_text(sectors)
    if not breakdown:
        row = latest.iloc[0]
        change = _change_phrase(row["incidents"], row["incidents_year_earlier"], earlier)
        title = f"{total:,} personal data breach reports in {when}" + (f", {change}" if change else "")
        summary = (
            f"In {when} the ICO received {total:,} personal data breach reports from {scope}"
            + (f", {change}" if change else "")
            + "."
        )
        return title, summary
    named = latest[~latest["group"].map(is_others)]
    top = (named if not named.empty else latest).sort_values(["incidents", "group"], ascending=[False, True]).iloc[0]
    share_text = numbers.share_text(int(top["incidents"]), total)
    label = vocabulary.BREAKDOWNS[breakdown].lower()
    title = f"{top['group']} was the largest {label} group in {when}: {share_text} of reports"
    change = _change_phrase(top["incidents"], top["incidents_year_earlier"], earlier)
    summary = (
        f"In {when}, {int(top['incidents']):,} of the {total:,} reports from {scope} ({share_text}) "
        f"had {label} '{top['group']}'" + (f", {change}" if change else "") + "."
    )
    return title, summary


def legacy_chart(
    result: QueryResult | pd.DataFrame,
    *,
    sources: list[Source],
    breakdown: str = "incident_category",
    sectors: Sequence[str] = (),
) -> FigureSpec:
    """The ICO's older quarterly tables (financial-year quarters) as stacked bars, with their own source line."""
    frame, queries = frame_of(result), queries_of(result)
    label = LEGACY_BREAKDOWNS.get(breakdown, "group").lower()
    fig = go.Figure()
    groups = sorted(dict.fromkeys(frame["group"]), key=is_others) if not frame.empty else []
    styles = _colours(groups)
    for name in groups:
        part = frame[frame["group"] == name]
        # on a date axis (the quarter's first day): plotly then picks as many labels as fit the width
        fig.add_trace(
            go.Bar(
                x=part["period_start"],
                y=part["incidents"],
                name=name,
                customdata=part["period"],
                xperiod="M3",
                xperiodalignment="start",
                marker=dict(color=styles[name][0], pattern=dict(shape="" if styles[name][1] == "solid" else ".")),
                hovertemplate="%{customdata}: %{y:,}<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="Financial-year quarters (Q1 = April to June), by calendar date")
    time_axis(fig)
    fig.update_yaxes(title_text="Incidents", tickformat=",", rangemode="tozero")
    scope = scope_text(sectors)
    if frame.empty:
        title = f"The older quarterly tables hold no figures for {scope}"
        summary = title + "."
        span = ""
    else:
        totals = frame.groupby("period", sort=False)["incidents"].sum()
        span = f"{totals.index[0]} to {totals.index[-1]}"
        peak = totals.idxmax()
        title = f"Older ICO quarterly tables: {int(totals.sum()):,} incidents, {span}"
        summary = (
            f"The ICO's older quarterly tables record {int(totals.sum()):,} incidents for {scope} "
            f"from {totals.index[0]} to {totals.index[-1]}; the busiest quarter was {peak} "
            f"with {int(totals.max()):,}."
        )
    notes = [
        "Financial-year quarters from the ICO's earlier published tables; incident types as labelled there, "
        "which differ from the row-level release. Shown for context, not joined to the row-level series."
    ]
    folded = others_note(frame, label.replace(" (as labelled)", "")) if not frame.empty else None
    if folded:
        notes.append(folded)
    key = f"legacy-incidents-by-{breakdown.replace('_', '-')}"
    subtitle = f"Incidents per financial-year quarter by {label}, {scope}, {span}".rstrip(", ")
    data_date = "" if frame.empty else f"{frame['period'].iloc[-1]} (financial year)"
    alt_text = f"Stacked bar chart. {summary}"
    return figure_spec(
        key, title, subtitle, fig, frame, summary, sources, queries, notes, data_date=data_date, alt_text=alt_text
    )
