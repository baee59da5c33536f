"""Sector comparison charts: query results -> FigureSpec. Titles and summaries are computed from the data.

Ranked charts show every sector with the picked ones in colour; mixes and trends show the picked sectors only.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from govdata import numbers, quarters, vocabulary
from govdata.charts.base import (
    NEUTRAL,
    PALETTE,
    SERIES_BREAKS,
    SERIES_COLOURS,
    apply_rows,
    empty_spec,
    figure_spec,
    frame_of,
    listing,
    panel_shape,
    panel_vline,
    rows,
    stacked_panels,
    time_axis,
)
from govdata.figures import FigureSpec, Source
from govdata.queries.base import QueryResult
from govdata.queries.sectors import Period
from govdata.stats import MIN_BASE, min_base_rule, small_base

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


def _scope(comparable_only: bool) -> str:
    return "comparable quarters" if comparable_only else "incl. Q1 2019 (not comparable)"


def _subtitle(measure: str, period: Period, comparable_only: bool) -> str:
    return f"{measure}, {period.span}, {_scope(comparable_only)}"


def _value_axis(fig: go.Figure, low: float, high: float, *, pad: float = 0.22) -> None:
    """An x axis for directly labelled bars: no ticks or grid (each bar carries its value), room for the labels
    outside the bar ends."""
    span = (high - low) or 1.0
    fig.update_xaxes(
        range=[low - (pad * span if low < 0 else 0), high + (pad * span if high > 0 else 0)],
        showticklabels=False,
        showgrid=False,
        zeroline=False,
        title_text="",
    )


def _incidents(n) -> str:
    return f"{int(n):,} incident{'' if int(n) == 1 else 's'}"


def _small_label(sector: str, base, small: bool) -> str:
    """A sector's name, with its base when it is below the minimum base (flagged wherever it is drawn)."""
    return f"{sector} (n={int(base):,}, small base)" if small else sector


def _not_ranked_label(sector: str, base, small: bool) -> str:
    return f"{sector} (n={int(base):,}, small base: not ranked)" if small else sector


def _small_note(frame: pd.DataFrame, base_column: str) -> list[str]:
    small = frame[frame["small_base"]].drop_duplicates("sector")
    if small.empty:
        return []
    listed = ", ".join(f"{s} ({_incidents(n)})" for s, n in zip(small["sector"], small[base_column]))
    return [f"Small base: {listed}. " + min_base_rule()]


def _spec(key, title, subtitle, fig, data, summary, sources, result, period: Period, *, height, notes=None, **kw):
    """figure_spec as every sector chart calls it: data dated to the period's last quarter, and by default the note
    on picked sectors with a small base of incidents."""
    notes = _small_note(data, "sector_incidents") if notes is None else notes
    date = quarters.label_at(period.last)
    return figure_spec(key, title, subtitle, fig, data, summary, sources, result, notes, height, data_date=date, **kw)


def _every(n: int) -> str:
    return "both" if n == 2 else f"all {n}"


def _most_common_title(named: str, what: str, count: int, picked: int, period: Period, single: str) -> str:
    """The title of a chart of each picked sector's most common `what` (e.g. 'decision'): `named` (as the title
    writes it) comes first in `count` of the `picked` sectors; `single` is the title when one sector is picked."""
    if picked == 1:
        return single
    if count == picked:
        return f"{named} was the most common {what} in {_every(count)} sectors picked, {period.label}"
    if count == 1:
        return f"The most common {what} differed across the {picked} sectors picked in {period.label}"
    return f"{named} was the most common {what} in {count} of the {picked} sectors picked, {period.label}"


def _type_item(r) -> str:
    """A sector's most common incident type, for the summary."""
    small = f" of {int(r.sector_incidents):,}: small base" if r.small_base else ""
    return f"{r.sector}, {r.incident_type} ({numbers.pct_text(r.pct_of_sector)}, {_incidents(r.incidents)}{small})"


def _decision_item(r) -> str:
    """A sector's most common decision, for the summary."""
    small = f" of {_incidents(r.sector_incidents)}: small base" if r.small_base else ""
    return f"{r.sector}, {r.decision} ({numbers.pct_text(r.pct_of_sector)}{small})"


def _no_incidents(key: str, subtitle: str, data: pd.DataFrame, sources, result, period: Period) -> FigureSpec:
    """The chart in place of one whose picked sectors had no incidents in the period."""
    return empty_spec(key, f"No incidents in the sectors picked in {period.label}", subtitle, data, sources, result)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ---------------------------------------------------------------------------------------------- ranked bars


def ranked(
    result: QueryResult | pd.DataFrame,
    measure: str,
    period: Period,
    sources: list[Source],
    *,
    comparable_only: bool = True,
) -> FigureSpec:
    """Every sector ranked on `measure` (a column of sector_volume), picked sectors highlighted.

    Shares follow the small-base rule (govdata.stats.MIN_BASE): sectors with fewer incidents are drawn hatched
    below the ranked ones, labelled with their base, and never ranked or named as the leader.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; expected one of {', '.join(MEASURES)}")
    axis, numerator, is_pct = MEASURES[measure]
    verb, measure_text = MEASURE_WORDS[measure]
    frame = frame_of(result)
    columns = ["sector", "selected", "incidents"] + ([numerator, measure] if numerator else [])
    data = frame[columns].copy()
    if is_pct:
        data["small_base"] = [small_base(n) for n in data["incidents"]]
        data = data.sort_values(["small_base", measure, "sector"], ascending=[True, False, True])
        ranked_rows = ~data["small_base"]
        data["rank"] = pd.array([pd.NA] * len(data), dtype="Int64")
        data.loc[ranked_rows, "rank"] = range(1, int(ranked_rows.sum()) + 1)
    else:
        data = data.sort_values([measure, "sector"], ascending=[False, True])
        data["rank"] = range(1, len(data) + 1)
    data = data.reset_index(drop=True)
    key = f"sectors-ranked-{measure.replace('_', '-')}"
    subtitle = _subtitle(measure_text + ", picked sectors in colour", period, comparable_only)
    if data.empty:
        return empty_spec(key, f"No incidents in {period.label}", subtitle, data, sources, result)

    fmt = numbers.pct_text if is_pct else (lambda v: f"{int(v):,}")
    picked = data[data["selected"]]
    total = int(data["incidents"].sum())
    notes: list[str] = []
    if measure == "incidents":
        top = data.iloc[0]
        title = f"{top.sector} {verb} in {period.label}: {int(top.incidents):,}"
        summary = (
            f"{len(data)} sectors reported {total:,} incidents in {period.label}; "
            f"{top.sector} reported {int(top.incidents):,} ({numbers.share_text(int(top.incidents), total)} "
            "of them)."
        )
    else:
        rankable = data[~data["small_base"]]
        pool = rankable[rankable["selected"]] if not rankable[rankable["selected"]].empty else rankable
        overall = numbers.share_text(int(data[numerator].sum()), total)
        if pool.empty:
            title = f"No sector had {MIN_BASE} or more incidents in {period.label}: shares are shown but not ranked"
            summary = f"Across all sectors: {int(data[numerator].sum()):,} of {total:,} incidents ({overall})."
        else:
            top = pool.iloc[0]
            who = "Of the sectors picked, " if pool["selected"].all() and not picked.empty else ""
            title = f"{who}{top.sector} {verb} in {period.label}: {fmt(top[measure])}"
            summary = (
                f"{top.sector}: {int(top[numerator]):,} of {int(top.incidents):,} incidents "
                f"({fmt(top[measure])}), against {overall} across all sectors."
            )
        small = data[data["small_base"]]
        if not small.empty:
            summary += (
                f" {len(small)} sector(s) with fewer than {MIN_BASE} incidents are shown hatched and not "
                f"ranked: {', '.join(f'{s} ({int(n):,})' for s, n in zip(small['sector'], small['incidents']))}."
            )
        notes.append(min_base_rule())
    if not picked.empty:
        listed = "; ".join(
            f"{row['sector']} {'not ranked' if pd.isna(row['rank']) else _ordinal(int(row['rank']))} "
            f"({fmt(row[measure])}" + (f", {_incidents(row['incidents'])}" if pd.isna(row["rank"]) else "") + ")"
            for _, row in picked.iterrows()
        )
        summary += f" Ranks of the sectors picked, of {int(data['rank'].notna().sum())} ranked: {listed}."

    # Sector names above their bars (the bars get the full width on a phone), the value at each bar's end; the
    # small-base flag goes with the name, so the value label stays short enough to fit beside the bar.
    small_rows = data["small_base"] if is_pct else pd.Series(False, index=data.index)
    layout = rows([_not_ranked_label(s, n, b) for s, n, b in zip(data["sector"], data["incidents"], small_rows)])
    fig = go.Figure(
        go.Bar(
            x=data[measure],
            y=layout.mark_y,
            orientation="h",
            width=layout.mark_height,
            marker=dict(
                color=[PICKED if s else OTHER for s in data["selected"]],
                pattern=dict(shape=["/" if s else "" for s in small_rows]),
            ),
            text=[fmt(v) for v in data[measure]],
            textposition="outside",
            cliponaxis=False,
            customdata=data["sector"],
            hovertemplate="%{customdata}: %{text}<extra></extra>",
        )
    )
    _value_axis(fig, 0.0, float(data[measure].max()))
    return _spec(
        key, title, subtitle, fig, data, summary, sources, result, period, height=apply_rows(fig, layout), notes=notes
    )


# ---------------------------------------------------------------------------------------------- trend

PANEL_PX = 130  # one sector's panel of quarterly incidents


def quarterly_multiples(
    result: QueryResult | pd.DataFrame, period: Period, sources: list[Source], *, comparable_only: bool = True
) -> FigureSpec:
    """Small multiples: one panel per picked sector, incidents per quarter, shared y axis, period shaded."""
    frame = frame_of(result)
    data = frame[["sector", "year", "quarter", "period_start", "incidents"]].copy()
    key = "sectors-quarterly-trend"
    first = quarters.label(*data.iloc[0][["year", "quarter"]]) if not data.empty else ""
    last = quarters.label_at(period.last)
    subtitle = f"Incidents per quarter, {first} to {last}, same scale; shaded: {period.span}; {_scope(comparable_only)}"
    if data.empty:
        return empty_spec(key, "No sectors picked", subtitle, data, sources, result)

    sectors = list(dict.fromkeys(data["sector"]))
    latest = data[(data["year"] * 4 + data["quarter"] - 1) == data["year"].mul(4).add(data["quarter"] - 1).max()]
    latest = latest.sort_values(["incidents", "sector"], ascending=[False, True])
    lead = latest.iloc[0]
    latest_label = quarters.label(lead.year, lead.quarter)
    title = (
        f"{lead.sector} reported the most incidents of the sectors picked in {latest_label}: {int(lead.incidents):,}"
        if len(sectors) > 1
        else f"{lead.sector} reported {int(lead.incidents):,} incidents in {latest_label}"
    )
    parts = []
    for sector in sectors:
        series = data[data["sector"] == sector]
        low = series.loc[series["incidents"].idxmin()]
        high = series.loc[series["incidents"].idxmax()]
        parts.append(
            f"{sector} from {int(low.incidents):,} ({quarters.label(low.year, low.quarter)}) to "
            f"{int(high.incidents):,} ({quarters.label(high.year, high.quarter)})"
        )
    summary = listing(f"Quarterly incidents {first} to {last} ranged: ", parts)

    fig, height, margin = stacked_panels(sectors, PANEL_PX)  # one column: readable on a phone and in print
    start = quarters.at(period.first).start_time
    end = quarters.at(period.last).end_time.normalize()
    x_min = str(pd.Timestamp(data["period_start"].min()).date())
    x_max = str(pd.Timestamp(data["period_start"].max()).date())
    shapes: list[dict] = []
    for i, sector in enumerate(sectors):
        series = data[data["sector"] == sector]
        fig.add_trace(
            go.Scatter(
                x=series["period_start"],
                y=series["incidents"],
                mode="lines+markers",
                name=sector,
                line=dict(color=PICKED, width=2),
                marker=dict(size=4),
                showlegend=False,
                hovertemplate=f"{sector}, %{{x|%Y}} Q%{{customdata}}: %{{y:,}}<extra></extra>",
                customdata=series["quarter"],
            ),
            row=i + 1,
            col=1,
        )
        axis = "" if i == 0 else str(i + 1)
        # shapes as plain dicts, set once below: add_vrect/add_vline per panel are slow in plotly
        shapes.append(
            panel_shape("rect", axis, start, end, fillcolor=PALETTE[1], opacity=0.12, line_width=0, layer="below")
        )
        shapes.extend(
            panel_vline(axis, when) for when, _ in SERIES_BREAKS if x_min < when <= x_max
        )  # only breaks inside the range
    fig.update_layout(shapes=shapes)
    fig.update_yaxes(rangemode="tozero", matches="y", tickformat=",", nticks=4)  # one scale, so sizes compare
    time_axis(fig)
    notes = [f"Dashed line: {label}." for when, label in SERIES_BREAKS if x_min < when <= x_max]
    return _spec(
        key, title, subtitle, fig, data, summary, sources, result, period, height=height, notes=notes, margin=margin
    )


# ---------------------------------------------------------------------------------------------- top types


def top_types(
    result: QueryResult | pd.DataFrame, period: Period, sources: list[Source], *, comparable_only: bool = True
) -> FigureSpec:
    """One panel per picked sector: its most frequent incident types as a share of its incidents."""
    frame = frame_of(result)
    data = frame[
        ["sector", "incident_type", "incidents", "sector_incidents", "pct_of_sector", "small_base", "rank"]
    ].copy()
    key = "sectors-top-incident-types"
    top_n = int(data["rank"].max()) if not data.empty else 0
    subtitle = _subtitle(f"Top {top_n} incident types, % of each sector's incidents", period, comparable_only)
    if data.empty:
        return _no_incidents(key, subtitle, data, sources, result, period)
    sectors = list(dict.fromkeys(data["sector"]))
    firsts = data[data["rank"] == 1]
    leaders = firsts["incident_type"].value_counts()
    common, count = leaders.index[0], int(leaders.iloc[0])
    lead = firsts.iloc[0]
    single = (
        f"{common} was {lead.sector}'s most common incident type in {period.label}: "
        f"{numbers.pct_text(lead.pct_of_sector)}"
    )
    title = _most_common_title(common, "incident type", count, len(sectors), period, single)
    summary = listing("Most common type: ", map(_type_item, firsts.itertuples(index=False)))

    # One list, each sector a bold header row over its types: type names sit above their bars (full width on a
    # phone); one colour, as the labels name the types (no more colours than the palette however many types).
    bases = data.drop_duplicates("sector").set_index("sector")
    ordered = data.sort_values("rank").sort_values("sector", key=lambda c: c.map(sectors.index), kind="stable")
    labels, headers, marks = [], [], []
    for sector in sectors:
        labels.append(
            _small_label(sector, bases.loc[sector, "sector_incidents"], bool(bases.loc[sector, "small_base"]))
        )
        headers.append(True)
        for row in ordered[ordered["sector"] == sector].itertuples(index=False):
            labels.append(row.incident_type)
            headers.append(False)
            marks.append(row)
    layout = rows(labels, headers=headers)
    fig = go.Figure(
        go.Bar(
            x=[r.pct_of_sector for r in marks],
            y=[y for y in layout.mark_y if y is not None],
            orientation="h",
            width=layout.mark_height,
            marker_color=PICKED,
            text=[numbers.pct_text(r.pct_of_sector) for r in marks],
            textposition="outside",
            cliponaxis=False,
            customdata=[[r.sector, r.incident_type, f"{int(r.incidents):,}"] for r in marks],
            hovertemplate="%{customdata[0]}, %{customdata[1]}: %{text} (%{customdata[2]})<extra></extra>",
        )
    )
    _value_axis(fig, 0.0, float(data["pct_of_sector"].max()))
    return _spec(key, title, subtitle, fig, data, summary, sources, result, period, height=apply_rows(fig, layout))


# ---------------------------------------------------------------------------------------------- mixes


def _mix(
    result, column: str, period: Period, comparable_only: bool, measure: str
) -> tuple[pd.DataFrame, go.Figure | None, str, int]:
    frame = frame_of(result)
    data = frame[["sector", column, "incidents", "sector_incidents", "pct_of_sector", "small_base"]].copy()
    subtitle = _subtitle(measure, period, comparable_only)
    if data.empty:
        return data, None, subtitle, 0
    sectors = list(dict.fromkeys(data["sector"]))
    bases = data.drop_duplicates("sector").set_index("sector")
    labels = {s: _small_label(s, bases.loc[s, "sector_incidents"], bool(bases.loc[s, "small_base"])) for s in sectors}
    values = list(dict.fromkeys(data[column]))  # already in the ICO's order (value_order): at most 5 values
    layout = rows([labels[s] for s in sectors])
    fig = go.Figure()
    for i, value in enumerate(values):
        part = data[data[column] == value].set_index("sector").reindex(sectors)
        fig.add_trace(
            go.Bar(
                x=part["pct_of_sector"].fillna(0),
                y=layout.mark_y,
                orientation="h",
                name=value,
                width=layout.mark_height,
                marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)],
                customdata=[
                    [s, "–" if pd.isna(p) else f"{numbers.pct_text(p)} ({int(n):,})"]
                    for s, p, n in zip(sectors, part["pct_of_sector"], part["incidents"].fillna(0))
                ],
                hovertemplate=f"%{{customdata[0]}}, {value}: %{{customdata[1]}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="% of the sector's incidents", range=[0, 100.5], ticksuffix="%")
    return data, fig, subtitle, apply_rows(fig, layout, extra_px=44)


def _mix_chart(key, column, measure, words, result, period: Period, sources, comparable_only: bool) -> FigureSpec:
    """A 100% stacked bar of `column` per picked sector; `words(data, period)` gives its title and summary."""
    data, fig, subtitle, height = _mix(result, column, period, comparable_only, measure)
    if fig is None:
        return _no_incidents(key, subtitle, data, sources, result, period)
    title, summary = words(data, period)
    return _spec(key, title, subtitle, fig, data, summary, sources, result, period, height=height)


def time_to_report(
    result: QueryResult | pd.DataFrame, period: Period, sources: list[Source], *, comparable_only: bool = True
) -> FigureSpec:
    """The full Time Taken to Report mix per picked sector; the title ranks the share within 72 hours."""
    measure = "Time taken to report, % of each sector's incidents"
    key = "sectors-time-to-report"
    return _mix_chart(key, "time_to_report", measure, _timing_words, result, period, sources, comparable_only)


def _timing_words(data: pd.DataFrame, period: Period) -> tuple[str, str]:
    within = data[data["time_to_report"].isin(vocabulary.WITHIN_72_HOURS)].groupby("sector")["incidents"].sum()
    totals = data.groupby("sector")["incidents"].sum()
    within = within.reindex(totals.index, fill_value=0)
    # exact shares for ordering; the text is rounded once by govdata.numbers
    order = sorted(totals.index, key=lambda s: (small_base(totals[s]), -numbers.ratio(within[s], totals[s]), s))
    share = {s: numbers.share_text(int(within[s]), int(totals[s])) for s in order}
    rankable = [s for s in order if not small_base(totals[s])]
    if len(order) == 1:
        lead = order[0]
        title = f"{lead} reported {share[lead]} of its incidents within 72 hours in {period.label}" + (
            f" (small base: {_incidents(totals[lead])})" if small_base(totals[lead]) else ""
        )
    elif rankable:
        lead = rankable[0]
        title = (
            f"{lead} reported the largest share within 72 hours of the sectors picked, {period.label}: {share[lead]}"
        )
    else:
        title = (
            f"None of the sectors picked had {MIN_BASE} or more incidents in {period.label}: shares within "
            "72 hours are shown but not ranked"
        )
    summary = listing(
        "Reported within 72 hours: ",
        (
            f"{s} {share[s]} of {int(totals[s]):,}" + (" (small base, not ranked)" if small_base(totals[s]) else "")
            for s in order
        ),
    )
    return title, summary


def decisions(
    result: QueryResult | pd.DataFrame, period: Period, sources: list[Source], *, comparable_only: bool = True
) -> FigureSpec:
    """The ICO's decisions per picked sector as a 100% stacked bar."""
    measure = "Decision taken by the ICO, % of each sector's incidents"
    key = "sectors-decisions"
    return _mix_chart(key, "decision", measure, _decision_words, result, period, sources, comparable_only)


def _decision_words(data: pd.DataFrame, period: Period) -> tuple[str, str]:
    ranked_rows = data.sort_values(["sector", "incidents", "decision"], ascending=[True, False, True])
    firsts = ranked_rows.groupby("sector", sort=False).head(1)
    counts = firsts["decision"].value_counts()
    common, n = counts.index[0], int(counts.iloc[0])
    sectors = firsts["sector"].tolist()
    single = (
        f"'{common}' was the most common decision for {sectors[0]} in {period.label}: "
        f"{numbers.pct_text(firsts.iloc[0].pct_of_sector)}"
    )
    title = _most_common_title(f"'{common}'", "decision", n, len(sectors), period, single)
    summary = listing("Most common decision: ", map(_decision_item, firsts.itertuples(index=False)))
    return title, summary


# ---------------------------------------------------------------------------------------------- change


def year_on_year(
    result: QueryResult | pd.DataFrame, period: Period, sources: list[Source], *, comparable_only: bool = True
) -> FigureSpec:
    """% change against the same quarters a year earlier, per picked sector, with all sectors for reference.

    A sector whose earlier count is below the minimum base (govdata.stats.MIN_BASE) is drawn hatched and flagged,
    and never named as the sector that rose or fell most.
    """
    frame = frame_of(result)
    data = frame[
        ["sector", "is_total", "current", "previous", "change", "pct_change", "quarters_compared", "small_base"]
    ].copy()
    key = "sectors-year-on-year"
    compared = int(data["quarters_compared"].max()) if not data.empty else 0
    subtitle = _subtitle("% change in incidents against the same quarters a year earlier", period, comparable_only)
    if compared == 0 or data.empty:
        return empty_spec(
            key, f"No comparable quarters a year before {period.label} to compare with", subtitle, data, sources, result
        )

    def change(row) -> str:
        return numbers.change_text(int(row["current"]), int(row["previous"]))

    sectors = data[~data["is_total"]].dropna(subset=["pct_change"])
    rankable = sectors[~sectors["small_base"]]
    total = data[data["is_total"]].iloc[0]
    total_text = (
        f"all sectors {change(total)} ({int(total['previous']):,} to {int(total['current']):,})"
        if pd.notna(total["pct_change"])
        else "all sectors: no earlier incidents"
    )
    if sectors.empty:
        title = f"Incidents across all sectors changed by {change(total)} in {period.label} on a year earlier"
    elif len(sectors) == 1:
        lead = sectors.iloc[0]
        value = float(lead["pct_change"])
        verb = "rose" if value > 0 else "fell" if value < 0 else "were unchanged"
        title = (
            f"{lead['sector']}'s incidents {verb}"
            + (f" {change(lead).lstrip('+-')}" if value else "")
            + f" in {period.label} on a year earlier"
            + (f" (small base: {_incidents(lead['previous'])} a year earlier)" if lead["small_base"] else "")
        )
    elif rankable.empty:
        title = (
            f"None of the sectors picked had {MIN_BASE} or more incidents a year earlier: changes in "
            f"{period.label} are shown but not ranked"
        )
    else:
        # exact changes decide the order; ties broken by name
        lead = min(
            rankable.to_dict("records"),
            key=lambda r: (-numbers.ratio(int(r["current"]) - int(r["previous"]), int(r["previous"])), r["sector"]),
        )
        value = float(lead["pct_change"])
        verb = "rose most" if value > 0 else "fell least" if value < 0 else "changed least"
        title = (
            f"Of the sectors picked, incidents {verb} in {lead['sector']}: {change(lead)} "
            f"in {period.label} on a year earlier"
        )
    summary = (
        "Change on the same quarters a year earlier: "
        + "; ".join(
            f"{r['sector']} {change(r)} ({int(r['previous']):,} to {int(r['current']):,}"
            + (", small base, not ranked" if r["small_base"] else "")
            + ")"
            for _, r in sectors.iterrows()
        )
        + (f"; {total_text}." if not sectors.empty else f"{total_text}.")
    )
    notes = []
    if compared < period.quarters:
        notes.append(
            f"Compared on the {compared} of {period.quarters} quarters that also have data a year "
            "earlier (like with like)."
        )
    notes += _small_note(data[~data["is_total"]], "previous")
    shown = data.dropna(subset=["pct_change"])  # the query orders by change, largest first: the top row
    small_rows = shown["small_base"] & ~shown["is_total"]
    layout = rows([_small_label(s, p, b) for s, p, b in zip(shown["sector"], shown["previous"], small_rows)])
    fig = go.Figure(
        go.Bar(
            x=shown["pct_change"],
            y=layout.mark_y,
            orientation="h",
            width=layout.mark_height,
            marker=dict(
                color=[
                    OTHER if t else (PALETTE[5] if v > 0 else PALETTE[0])
                    for t, v in zip(shown["is_total"], shown["pct_change"])
                ],
                pattern=dict(shape=["/" if b else "" for b in small_rows]),
            ),
            text=[change(r) for _, r in shown.iterrows()],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [s, f"{int(p):,} to {int(c):,}"]
                for s, p, c in zip(shown["sector"], shown["previous"], shown["current"])
            ],
            hovertemplate="%{customdata[0]}: %{text} (%{customdata[1]})<extra></extra>",
        )
    )
    fig.add_vline(x=0, line=dict(color=NEUTRAL, width=1))
    _value_axis(fig, min(0.0, float(shown["pct_change"].min())), max(0.0, float(shown["pct_change"].max())), pad=0.3)
    return _spec(
        key, title, subtitle, fig, data, summary, sources, result, period, height=apply_rows(fig, layout), notes=notes
    )
