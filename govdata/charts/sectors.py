"""Sector comparison charts: query results -> FigureSpec. Titles and summaries are computed from the data.

Ranked charts show every sector with the picked ones in colour; mixes and trends show the picked sectors only.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from govdata import vocabulary
from govdata.charts.base import (NEUTRAL, PALETTE, SERIES_BREAKS, SERIES_COLOURS, apply_rows, rows, stacked_panels,
                                 style)
from govdata.figures import FigureSpec, Source
from govdata.queries.base import QueryResult
from govdata.queries.sectors import Period, quarter_index, quarter_label

PICKED = PALETTE[0]
OTHER = "#BBBBBB"
MEASURES = {  # ranked measure -> (axis label, numerator column shown beside it, is a percentage)
    "incidents": ("Incidents", None, False),
    "cyber_pct": ("Cyber incidents, % of the sector's incidents", "cyber_incidents", True),
    "within_72h_pct": ("Reported within 72 hours, % of the sector's incidents", "within_72h", True),
}
MEASURE_WORDS = {
    "incidents": ("reported the most incidents", "Distinct incidents"),
    "cyber_pct": ("had the highest cyber share", "Cyber incidents, % of each sector's incidents"),
    "within_72h_pct": ("reported the largest share within 72 hours", "Reported within 72 hours, % of each sector's"),
}


def _scope(period: Period, comparable_only: bool) -> str:
    return "comparable quarters" if comparable_only else "incl. Q1 2019 (not comparable)"


def _subtitle(measure: str, period: Period, comparable_only: bool) -> str:
    return f"{measure}, {period.span}, {_scope(period, comparable_only)}"


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def _frame(result: QueryResult | pd.DataFrame) -> pd.DataFrame:
    return result.data if isinstance(result, QueryResult) else result


def _queries(result) -> list:
    return [result] if isinstance(result, QueryResult) else []


def _spec(key: str, title: str, subtitle: str, fig: go.Figure, data: pd.DataFrame, summary: str,
          sources: list[Source], result, notes: list[str] | None = None, height: int | None = None,
          margin: dict | None = None) -> FigureSpec:
    spec = FigureSpec(key=key, title=title, subtitle=subtitle, figure=fig, data=data.reset_index(drop=True),
                      summary=summary, sources=list(sources), queries=_queries(result), notes=list(notes or []),
                      alt_text=f"{title}. {summary}")
    return style(spec, **({"height": height} if height else {}), margin=margin)


def _value_axis(fig: go.Figure, low: float, high: float, *, pad: float = 0.22) -> None:
    """An x axis for directly labelled bars: no ticks or grid (each bar carries its value), room for the labels
    outside the bar ends."""
    span = (high - low) or 1.0
    fig.update_xaxes(range=[low - (pad * span if low < 0 else 0), high + (pad * span if high > 0 else 0)],
                     showticklabels=False, showgrid=False, zeroline=False, title_text="")


def _empty(key: str, title: str, subtitle: str, data: pd.DataFrame, sources: list[Source], result) -> FigureSpec:
    fig = go.Figure()
    fig.add_annotation(text=title, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=16, color=NEUTRAL))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _spec(key, title, subtitle, fig, data, title + ".", sources, result, height=160)


def _every(n: int) -> str:
    return "both" if n == 2 else f"all {n}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ---------------------------------------------------------------------------------------------- ranked bars

def ranked(result: QueryResult | pd.DataFrame, measure: str, period: Period, sources: list[Source], *,
           comparable_only: bool = True) -> FigureSpec:
    """Every sector ranked on `measure` (a column of sector_volume), picked sectors highlighted."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; expected one of {', '.join(MEASURES)}")
    axis, numerator, is_pct = MEASURES[measure]
    verb, measure_text = MEASURE_WORDS[measure]
    frame = _frame(result)
    columns = ["sector", "selected", "incidents"] + ([numerator, measure] if numerator else [])
    data = frame[columns].sort_values([measure, "sector"], ascending=[False, True]).reset_index(drop=True)
    key = f"sectors-ranked-{measure.replace('_', '-')}"
    subtitle = _subtitle(measure_text + ", picked sectors in colour", period, comparable_only)
    if data.empty:
        return _empty(key, f"No incidents in {period.label}", subtitle, data, sources, result)

    fmt = _pct if is_pct else (lambda v: f"{int(v):,}")
    picked = data[data["selected"]]
    total = int(data["incidents"].sum())
    if measure == "incidents":
        top = data.iloc[0]
        title = f"{top.sector} {verb} in {period.label}: {int(top.incidents):,}"
        summary = (f"{len(data)} sectors reported {total:,} incidents in {period.label}; "
                   f"{top.sector} reported {int(top.incidents):,} ({_pct(100 * top.incidents / total)} of them).")
    else:
        pool = picked if not picked.empty else data
        top = pool.iloc[0]
        who = "Of the sectors picked, " if not picked.empty else ""
        title = f"{who}{top.sector} {verb} in {period.label}: {fmt(top[measure])}"
        overall = 100 * data[numerator].sum() / total
        summary = (f"{top.sector}: {int(top[numerator]):,} of {int(top.incidents):,} incidents "
                   f"({fmt(top[measure])}), against {_pct(overall)} across all sectors.")
    if not picked.empty:
        ranks = {s: i + 1 for i, s in enumerate(data["sector"])}
        listed = "; ".join(f"{sector} {_ordinal(ranks[sector])} ({fmt(value)})"
                           for sector, value in zip(picked["sector"], picked[measure]))
        summary += f" Ranks of the sectors picked, of {len(data)}: {listed}."

    layout = rows(list(data["sector"]))
    fig = go.Figure(go.Bar(
        x=data[measure], y=layout.mark_y, orientation="h", width=layout.mark_height,
        marker_color=[PICKED if s else OTHER for s in data["selected"]],
        text=[fmt(v) for v in data[measure]], textposition="outside", cliponaxis=False,
        customdata=data["sector"], hovertemplate="%{customdata}: %{text}<extra></extra>",
    ))
    _value_axis(fig, 0.0, float(data[measure].max()))
    return _spec(key, title, subtitle, fig, data, summary, sources, result, height=apply_rows(fig, layout))


# ---------------------------------------------------------------------------------------------- trend

PANEL_PX = 130  # one sector's panel of quarterly incidents


def quarterly_multiples(result: QueryResult | pd.DataFrame, period: Period, sources: list[Source], *,
                        comparable_only: bool = True) -> FigureSpec:
    """Small multiples: one panel per picked sector, incidents per quarter, shared y axis, period shaded."""
    frame = _frame(result)
    data = frame[["sector", "year", "quarter", "period_start", "incidents"]].copy()
    key = "sectors-quarterly-trend"
    first = quarter_label(int(quarter_index(*data.iloc[0][["year", "quarter"]]))) if not data.empty else ""
    last = quarter_label(period.last)
    subtitle = (f"Incidents per quarter, {first} to {last}, same scale; shaded: {period.span}; "
                f"{_scope(period, comparable_only)}")
    if data.empty:
        return _empty(key, "No sectors picked", subtitle, data, sources, result)

    sectors = list(dict.fromkeys(data["sector"]))
    latest = data[(data["year"] * 4 + data["quarter"] - 1) == data["year"].mul(4).add(data["quarter"] - 1).max()]
    latest = latest.sort_values(["incidents", "sector"], ascending=[False, True])
    lead = latest.iloc[0]
    latest_label = f"{int(lead.year)} Q{int(lead.quarter)}"
    title = (f"{lead.sector} reported the most incidents of the sectors picked in {latest_label}: "
             f"{int(lead.incidents):,}" if len(sectors) > 1 else
             f"{lead.sector} reported {int(lead.incidents):,} incidents in {latest_label}")
    parts = []
    for sector in sectors:
        series = data[data["sector"] == sector]
        low = series.loc[series["incidents"].idxmin()]
        high = series.loc[series["incidents"].idxmax()]
        parts.append(f"{sector} from {int(low.incidents):,} ({int(low.year)} Q{int(low.quarter)}) to "
                     f"{int(high.incidents):,} ({int(high.year)} Q{int(high.quarter)})")
    summary = f"Quarterly incidents {first} to {last} ranged: " + "; ".join(parts) + "."

    fig, height, margin = stacked_panels(sectors, PANEL_PX)
    start = pd.Timestamp(f"{period.first // 4}-{3 * (period.first % 4) + 1:02d}-01")
    end = pd.Timestamp(f"{period.last // 4}-{3 * (period.last % 4) + 1:02d}-01") + pd.offsets.QuarterEnd(0)
    x_min = str(pd.Timestamp(data["period_start"].min()).date())
    x_max = str(pd.Timestamp(data["period_start"].max()).date())
    shapes: list[dict] = []
    for i, sector in enumerate(sectors):
        rows_of = data[data["sector"] == sector]
        fig.add_trace(go.Scatter(x=rows_of["period_start"], y=rows_of["incidents"], mode="lines+markers",
                                 name=sector, line=dict(color=PICKED, width=2), marker=dict(size=4),
                                 showlegend=False,
                                 hovertemplate=f"{sector}, %{{x|%Y}} Q%{{customdata}}: %{{y:,}}<extra></extra>",
                                 customdata=rows_of["quarter"]), row=i + 1, col=1)
        axis = "" if i == 0 else str(i + 1)
        # shapes as plain dicts, set once below: add_vrect/add_vline per panel are slow in plotly
        shapes.append(dict(type="rect", xref=f"x{axis}", yref=f"y{axis} domain", x0=start, x1=end, y0=0, y1=1,
                           fillcolor=PALETTE[1], opacity=0.12, line_width=0, layer="below"))
        shapes.extend(dict(type="line", xref=f"x{axis}", yref=f"y{axis} domain", x0=when, x1=when, y0=0, y1=1,
                           line=dict(color=NEUTRAL, dash="dash", width=1))
                      for when, _ in SERIES_BREAKS if x_min < when <= x_max)  # only breaks inside the range
    fig.update_layout(shapes=shapes)
    fig.update_yaxes(rangemode="tozero", matches="y", tickformat=",", nticks=4)  # one scale, so sizes compare
    notes = [f"Dashed line: {label}." for when, label in SERIES_BREAKS if x_min < when <= x_max]
    return _spec(key, title, subtitle, fig, data, summary, sources, result, notes=notes, height=height,
                 margin=margin)


# ---------------------------------------------------------------------------------------------- top types

def top_types(result: QueryResult | pd.DataFrame, period: Period, sources: list[Source], *,
              comparable_only: bool = True) -> FigureSpec:
    """One panel per picked sector: its most frequent incident types as a share of its incidents."""
    frame = _frame(result)
    data = frame[["sector", "incident_type", "incidents", "pct_of_sector", "rank"]].copy()
    key = "sectors-top-incident-types"
    top_n = int(data["rank"].max()) if not data.empty else 0
    subtitle = _subtitle(f"Top {top_n} incident types, % of each sector's incidents", period, comparable_only)
    if data.empty:
        return _empty(key, f"No incidents in the sectors picked in {period.label}", subtitle, data, sources,
                      result)
    sectors = list(dict.fromkeys(data["sector"]))
    firsts = data[data["rank"] == 1]
    leaders = firsts["incident_type"].value_counts()
    common, count = leaders.index[0], int(leaders.iloc[0])
    if len(sectors) == 1:
        lead = firsts.iloc[0]
        title = f"{common} was {lead.sector}'s most common incident type in {period.label}: {_pct(lead.pct_of_sector)}"
    elif count == len(sectors):
        title = f"{common} was the most common incident type in {_every(count)} sectors picked, {period.label}"
    elif count == 1:
        title = f"The most common incident type differed across the {len(sectors)} sectors picked in {period.label}"
    else:
        title = (f"{common} was the most common incident type in {count} of the {len(sectors)} sectors picked, "
                 f"{period.label}")
    summary = "Most common type: " + "; ".join(
        f"{r.sector}, {r.incident_type} ({_pct(r.pct_of_sector)}, {int(r.incidents):,} incidents)"
        for r in firsts.itertuples(index=False)) + "."

    # One list, each sector a bold header row over its types: type names sit above their bars (full width on a
    # phone); one colour, as the labels name the types (no more colours than the palette however many types).
    ordered = data.sort_values(["rank"]).sort_values("sector", key=lambda c: c.map(sectors.index), kind="stable")
    labels, headers, marks = [], [], []
    for sector in sectors:
        labels.append(sector)
        headers.append(True)
        for row in ordered[ordered["sector"] == sector].itertuples(index=False):
            labels.append(row.incident_type)
            headers.append(False)
            marks.append(row)
    layout = rows(labels, headers=headers)
    mark_y = [y for y in layout.mark_y if y is not None]
    fig = go.Figure(go.Bar(
        x=[r.pct_of_sector for r in marks], y=mark_y, orientation="h", width=layout.mark_height,
        marker_color=PICKED, text=[_pct(r.pct_of_sector) for r in marks], textposition="outside", cliponaxis=False,
        customdata=[[r.sector, r.incident_type, f"{int(r.incidents):,}"] for r in marks],
        hovertemplate="%{customdata[0]}, %{customdata[1]}: %{text} (%{customdata[2]})<extra></extra>"))
    _value_axis(fig, 0.0, float(data["pct_of_sector"].max()))
    return _spec(key, title, subtitle, fig, data, summary, sources, result, height=apply_rows(fig, layout))


# ---------------------------------------------------------------------------------------------- mixes

def _mix(result, column: str, period: Period, sources: list[Source], comparable_only: bool, key: str,
         measure: str) -> tuple[pd.DataFrame, go.Figure | None, str, int]:
    frame = _frame(result)
    data = frame[["sector", column, "incidents", "pct_of_sector"]].copy()
    subtitle = _subtitle(measure, period, comparable_only)
    if data.empty:
        return data, None, subtitle, 0
    sectors = list(dict.fromkeys(data["sector"]))
    values = list(dict.fromkeys(data[column]))  # already in the ICO's order (value_order): at most 5 values
    layout = rows(sectors)
    fig = go.Figure()
    for i, value in enumerate(values):
        part = data[data[column] == value].set_index("sector").reindex(sectors)
        fig.add_trace(go.Bar(x=part["pct_of_sector"].fillna(0), y=layout.mark_y, orientation="h", name=value,
                             width=layout.mark_height, marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)],
                             customdata=list(zip(sectors, part["incidents"].fillna(0).astype(int))),
                             hovertemplate=f"%{{customdata[0]}}, {value}: %{{x:.1f}}% "
                                           f"(%{{customdata[1]:,}})<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="% of the sector's incidents", range=[0, 100.5], ticksuffix="%")
    return data, fig, subtitle, apply_rows(fig, layout, extra_px=44)


def time_to_report(result: QueryResult | pd.DataFrame, period: Period, sources: list[Source], *,
                   comparable_only: bool = True) -> FigureSpec:
    """The full Time Taken to Report mix per picked sector; the title ranks the share within 72 hours."""
    key = "sectors-time-to-report"
    data, fig, subtitle, height = _mix(result, "time_to_report", period, sources, comparable_only, key,
                               "Time taken to report, % of each sector's incidents")
    if fig is None:
        return _empty(key, f"No incidents in the sectors picked in {period.label}", subtitle, data, sources, result)
    within = data[data["time_to_report"].isin(vocabulary.WITHIN_72_HOURS)].groupby("sector")["incidents"].sum()
    totals = data.groupby("sector")["incidents"].sum()
    share = (100 * within.reindex(totals.index, fill_value=0) / totals).round(1)
    share = share.sort_values(ascending=False, kind="stable")
    lead = share.index[0]
    if len(share) > 1:
        title = (f"{lead} reported the largest share within 72 hours of the sectors picked, {period.label}: "
                 f"{_pct(share.iloc[0])}")
    else:
        title = f"{lead} reported {_pct(share.iloc[0])} of its incidents within 72 hours in {period.label}"
    summary = "Reported within 72 hours: " + "; ".join(
        f"{s} {_pct(v)} of {int(totals[s]):,}" for s, v in share.items()) + "."
    return _spec(key, title, subtitle, fig, data, summary, sources, result, height=height)


def decisions(result: QueryResult | pd.DataFrame, period: Period, sources: list[Source], *,
              comparable_only: bool = True) -> FigureSpec:
    """The ICO's decisions per picked sector as a 100% stacked bar."""
    key = "sectors-decisions"
    data, fig, subtitle, height = _mix(result, "decision", period, sources, comparable_only, key,
                               "Decision taken by the ICO, % of each sector's incidents")
    if fig is None:
        return _empty(key, f"No incidents in the sectors picked in {period.label}", subtitle, data, sources, result)
    ranked_rows = data.sort_values(["sector", "incidents", "decision"], ascending=[True, False, True])
    firsts = ranked_rows.groupby("sector", sort=False).head(1)
    counts = firsts["decision"].value_counts()
    common, n = counts.index[0], int(counts.iloc[0])
    sectors = firsts["sector"].tolist()
    if len(sectors) == 1:
        title = f"'{common}' was the most common decision for {sectors[0]} in {period.label}: " \
                f"{_pct(firsts.iloc[0].pct_of_sector)}"
    elif n == len(sectors):
        title = f"'{common}' was the most common decision in {_every(n)} sectors picked, {period.label}"
    elif n == 1:
        title = f"The most common decision differed across the {len(sectors)} sectors picked in {period.label}"
    else:
        title = f"'{common}' was the most common decision in {n} of the {len(sectors)} sectors picked, {period.label}"
    summary = "Most common decision: " + "; ".join(
        f"{r.sector}, {r.decision} ({_pct(r.pct_of_sector)})" for r in firsts.itertuples(index=False)) + "."
    return _spec(key, title, subtitle, fig, data, summary, sources, result, height=height)


# ---------------------------------------------------------------------------------------------- change

def year_on_year(result: QueryResult | pd.DataFrame, period: Period, sources: list[Source], *,
                 comparable_only: bool = True) -> FigureSpec:
    """% change against the same quarters a year earlier, per picked sector, with all sectors for reference."""
    frame = _frame(result)
    data = frame[["sector", "is_total", "current", "previous", "change", "pct_change", "quarters_compared"]].copy()
    key = "sectors-year-on-year"
    compared = int(data["quarters_compared"].max()) if not data.empty else 0
    subtitle = _subtitle("% change in incidents against the same quarters a year earlier", period, comparable_only)
    if compared == 0 or data.empty:
        return _empty(key, f"No comparable quarters a year before {period.label} to compare with", subtitle, data,
                      sources, result)
    sectors = data[~data["is_total"]].dropna(subset=["pct_change"])
    total = data[data["is_total"]].iloc[0]
    total_text = (f"all sectors {total['pct_change']:+.1f}% ({int(total['previous']):,} to "
                  f"{int(total['current']):,})" if pd.notna(total["pct_change"]) else
                  "all sectors: no earlier incidents")
    if sectors.empty:
        title = (f"Incidents across all sectors changed by {total['pct_change']:+.1f}% in {period.label} "
                 "on a year earlier")
    else:
        lead = sectors.iloc[0]  # query orders by pct_change, largest first
        change = float(lead["pct_change"])
        if len(sectors) == 1:
            verb = "rose" if change > 0 else "fell" if change < 0 else "were unchanged"
            title = (f"{lead['sector']}'s incidents {verb}" + (f" {abs(change):.1f}%" if change else "")
                     + f" in {period.label} on a year earlier")
        else:
            verb = "rose most" if change > 0 else "fell least" if change < 0 else "changed least"
            title = (f"Of the sectors picked, incidents {verb} in {lead['sector']}: {change:+.1f}% "
                     f"in {period.label} on a year earlier")
    summary = ("Change on the same quarters a year earlier: " + "; ".join(
        f"{r.sector} {r.pct_change:+.1f}% ({int(r.previous):,} to {int(r.current):,})"
        for r in sectors.itertuples(index=False)) + (f"; {total_text}." if not sectors.empty else f"{total_text}."))
    notes = []
    if compared < period.quarters:
        notes.append(f"Compared on the {compared} of {period.quarters} quarters that also have data a year "
                     "earlier (like with like).")
    shown = data.dropna(subset=["pct_change"])
    layout = rows(list(shown["sector"]))
    fig = go.Figure(go.Bar(
        x=shown["pct_change"], y=layout.mark_y, orientation="h", width=layout.mark_height,
        marker_color=[OTHER if t else (PALETTE[5] if v > 0 else PALETTE[0])
                      for t, v in zip(shown["is_total"], shown["pct_change"])],
        text=[f"{v:+.1f}%" for v in shown["pct_change"]], textposition="outside", cliponaxis=False,
        customdata=shown[["sector", "previous", "current"]].to_numpy(),
        hovertemplate="%{customdata[0]}: %{text} (%{customdata[1]:,} to %{customdata[2]:,})<extra></extra>",
    ))
    fig.add_vline(x=0, line=dict(color=NEUTRAL, width=1))
    _value_axis(fig, min(0.0, float(shown["pct_change"].min())), max(0.0, float(shown["pct_change"].max())),
                pad=0.3)
    return _spec(key, title, subtitle, fig, data, summary, sources, result, notes=notes,
                 height=apply_rows(fig, layout))
