"""What-if scenario charts: model output frames -> FigureSpec (fan chart, avoided by class, tornado, comparison).

Titles and summaries are computed from the frames; every chart carries the note that the model is illustrative.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from govdata import numbers
from govdata.charts.base import NEUTRAL, PALETTE, Rows, apply_rows, figure_spec, listing, rows
from govdata.figures import FigureSpec, Source

MODEL_NOTE = (
    "Illustrative model, not a causal estimate: observed incidents rescaled by assumed effect sizes "
    "(see the methods note). Bands are Monte Carlo intervals for the expected annual number."
)
BASELINE_COLOUR, SCENARIO_COLOUR = NEUTRAL, PALETTE[0]


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"


def _n(value: float) -> str:
    """Every scenario number through the one formatter (one decimal: expected values, not counts)."""
    return numbers.estimate(value)


def fan_chart(
    projection: pd.DataFrame, *, sector: str, window_label: str, ramp_years: int, sources: list[Source], queries=None
) -> FigureSpec:
    """Baseline vs scenario incidents per year over the projection years, median with 50% and 90% bands."""
    fig = go.Figure()
    for series, colour in (("Baseline", BASELINE_COLOUR), ("Scenario", SCENARIO_COLOUR)):
        part = projection[projection["series"] == series].sort_values("year")
        x = part["year"].tolist()
        for lo, hi, alpha, band in (("p05", "p95", 0.15, "90%"), ("p25", "p75", 0.3, "50%")):
            fig.add_trace(
                go.Scatter(
                    x=x + x[::-1],
                    y=part[hi].tolist() + part[lo].tolist()[::-1],
                    fill="toself",
                    mode="lines",
                    fillcolor=_rgba(colour, alpha),
                    line=dict(width=0),
                    hoverinfo="skip",
                    name=f"{series} {band} interval",
                    legendgroup=series,
                    showlegend=False,
                )
            )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=part["median"],
                mode="lines+markers",
                name=f"{series} (median)",
                line=dict(color=colour, width=3, dash="dash" if series == "Baseline" else "solid"),
                legendgroup=series,
                text=[_n(v) for v in part["median"]],
                hovertemplate="%{x}: %{text} incidents a year<extra>" + series + "</extra>",
            )
        )
    last = projection[projection["year"] == projection["year"].max()].set_index("series")
    base, scen = last.loc["Baseline", "median"], last.loc["Scenario", "median"]
    year = int(projection["year"].max())
    first = int(projection["year"].min())
    # the headline: median (and 90% interval) of the incidents avoided, per draw, not a difference of medians
    avoided = last.loc["Scenario", "avoided_median"]
    band = f"90% interval {_n(last.loc['Scenario', 'avoided_p05'])} to {_n(last.loc['Scenario', 'avoided_p95'])}"
    if _n(abs(avoided)) == _n(0):
        title = f"{sector}: the scenario leaves incidents about unchanged by {year} ({band})"
    else:
        direction = "fewer" if avoided > 0 else "more"
        title = (
            f"{sector}: {_n(abs(avoided))} {direction} incidents a year by {year} under the scenario (median; {band})"
        )
    ramp = "immediately" if ramp_years == 0 else f"linearly over {ramp_years} year{'s' if ramp_years != 1 else ''}"
    subtitle = (
        f"Expected incidents reported to the ICO per year, median with 50% and 90% intervals; {first} = "
        f"baseline ({window_label}); coverage reaches the target {ramp}"
    )
    summary = (
        f"By {year} the model expects a median of {_n(scen)} incidents a year under the scenario "
        f"(90% interval {_n(last.loc['Scenario', 'p05'])} to {_n(last.loc['Scenario', 'p95'])}) against "
        f"{_n(base)} at the baseline rate (held flat)."
    )
    fig.update_layout(xaxis_title="Year", yaxis_title="Incidents per year", hovermode="x unified")
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(tickformat=",", rangemode="tozero")
    data = projection[
        [
            "year",
            "series",
            "training_coverage",
            "dpo_coverage",
            "median",
            "p25",
            "p75",
            "p05",
            "p95",
            "avoided_median",
            "avoided_p05",
            "avoided_p95",
        ]
    ]
    return _model_spec(
        "scenario-fan",
        title,
        subtitle,
        fig,
        data,
        summary,
        sources,
        queries,
        notes=["Baseline held at the window's rate: no trend is assumed."],
    )


def _model_spec(*spec, notes: Sequence[str] = (), layout: Rows | None = None) -> FigureSpec:
    """figure_spec(*spec) of a scenario chart: the model note first, then `notes`; a chart of rows (`layout`) is as
    tall as they need."""
    height = None if layout is None else apply_rows(spec[3], layout, extra_px=44)
    return figure_spec(*spec, notes=[MODEL_NOTE, *notes], height=height)


def _avoided_bars(frame: pd.DataFrame, labels: list[str], colour: str, **trace) -> tuple:
    """(rows layout, figure) of one horizontal bar per label: median incidents avoided a year, with whiskers to
    its 90% interval (p05 to p95); `trace` adds the chart's own text and hover."""
    layout = rows(labels)
    interval = dict(
        type="data",
        symmetric=False,
        array=frame["avoided_p95"] - frame["avoided_median"],
        arrayminus=frame["avoided_median"] - frame["avoided_p05"],
        color=NEUTRAL,
    )
    bar = go.Bar(
        y=layout.mark_y,
        x=frame["avoided_median"],
        orientation="h",
        width=layout.mark_height,
        marker_color=colour,
        error_x=interval,
        **trace,
    )
    return layout, go.Figure(bar)


def avoided_chart(
    by_class: pd.DataFrame, *, sector: str, sources: list[Source], total: dict | None = None, queries=None
) -> FigureSpec:
    """Incidents avoided per year by incident class (median bar, 90% interval whiskers).

    `total`: the summary's avoided_total row (median, p05, p95), the one figure for all classes together; class
    medians are never summed (a sum of medians is not the median of the sum).
    """
    frame = by_class.copy()
    # class names above their bars: full width on a phone
    layout, fig = _avoided_bars(
        frame,
        list(frame["class"]),
        PALETTE[2],
        customdata=frame["class"],
        text=[
            f"{_n(m)} ({_n(lo)} to {_n(hi)})"
            for m, lo, hi in zip(frame["avoided_median"], frame["avoided_p05"], frame["avoided_p95"])
        ],
        textposition="none",
        hovertemplate="%{customdata}: %{text} a year<extra></extra>",
        name="Incidents avoided per year",
    )
    top = frame.sort_values("avoided_median", ascending=False).iloc[0]
    total_text = (
        f"{_n(total['median'])} a year (90% interval {_n(total['p05'])} to {_n(total['p95'])})" if total else ""
    )
    if all(_n(abs(v)) == _n(0) for v in frame["avoided_median"]):
        title = f"{sector}: the scenario avoids no incidents"
        summary = "With these inputs the scenario changes no class of incident."
    else:
        verb = "avoided" if top["avoided_median"] > 0 else "added"
        title = f"{sector}: the most incidents {verb} would be {top['class']}: {_n(top['avoided_median'])} a year"
        if total:
            title += f" of {_n(total['median'])} in all"
        summary = (
            f"The largest class is {top['class']} with a median of {_n(top['avoided_median'])} a year (90% "
            f"interval {_n(top['avoided_p05'])} to {_n(top['avoided_p95'])})"
            + (f"; all classes together: {total_text}." if total else ".")
        )
    fig.update_layout(xaxis_title="Incidents avoided per year (median; lines: 90% interval)", showlegend=False)
    fig.update_xaxes(tickformat=",", zeroline=True, zerolinecolor=NEUTRAL)
    data = frame[
        [
            "class",
            "incidents_in_window",
            "baseline_per_year_median",
            "scenario_per_year_median",
            "avoided_median",
            "avoided_p05",
            "avoided_p95",
            "avoided_at_most_likely_values",
        ]
    ]
    return _model_spec(
        "scenario-avoided-by-class",
        title,
        "Incidents avoided per year by class, Monte Carlo median with 90% interval",
        fig,
        data,
        summary,
        sources,
        queries,
        notes=[
            "Each bar is that class's own median: class medians need not "
            "add up to the median of the total, which is stated on its own."
        ],
        layout=layout,
    )


def tornado_chart(tornado: pd.DataFrame, *, sector: str, sources: list[Source], top: int = 10) -> FigureSpec:
    """Each assumption low -> high with the rest at most likely: the headline's range, widest at the top."""
    frame = tornado.head(top).reset_index(drop=True)  # widest first: the top row
    layout = rows(list(frame["assumption"]))  # full assumption names above their bars
    central = float(tornado["central"].iloc[0])
    headline = str(tornado["headline"].iloc[0])
    lo = frame[["headline_at_low", "headline_at_high"]].min(axis=1)
    hi = frame[["headline_at_low", "headline_at_high"]].max(axis=1)
    fig = go.Figure()
    for column, name, word, colour in (
        ("headline_at_low", "Median with this input at its low value", "low", PALETTE[1]),
        ("headline_at_high", "Median with this input at its high value", "high", PALETTE[0]),
    ):
        fig.add_trace(
            go.Bar(
                y=layout.mark_y,
                x=frame[column] - central,
                base=central,
                width=layout.mark_height,
                orientation="h",
                name=name,
                marker_color=colour,
                hovertemplate="%{customdata[0]}<br>" + word + " input: %{customdata[1]}<extra></extra>",
                customdata=[[a, _n(v)] for a, v in zip(frame["assumption"], frame[column])],
            )
        )
    fig.add_vline(x=central, line=dict(color=NEUTRAL, dash="dot"))
    fig.update_layout(barmode="overlay", xaxis_title=headline)
    fig.update_xaxes(tickformat=",")
    first = tornado.iloc[0]
    title = (
        f"{sector}: '{first['assumption']}' moves the answer most"
        if first["swing"] > 0
        else f"{sector}: no single assumption moves the answer"
    )
    summary = (
        f"{headline}: median {_n(central)} with every input drawn; fixing "
        f"{first['assumption'].lower()} at its low or high value moves the median from {_n(lo.iloc[0])} "
        f"to {_n(hi.iloc[0])}."
    )
    data = tornado[["assumption", "input_low", "input_high", "headline_at_low", "headline_at_high", "central", "swing"]]
    return _model_spec(
        "scenario-tornado",
        title,
        f"{headline}, Monte Carlo median ({_n(central)}, dotted line): each assumption fixed at its "
        "low and high value, every other input drawn as in the Monte Carlo",
        fig,
        data,
        summary,
        sources,
        layout=layout,
    )


def comparison_chart(comparison: pd.DataFrame, *, sources: list[Source]) -> FigureSpec:
    """Saved scenarios side by side: incidents avoided per year (median, 90% interval)."""
    frame = comparison.copy()
    layout, fig = _avoided_bars(
        frame,
        list(frame["scenario"]),
        PALETTE[0],
        text=[_n(v) for v in frame["avoided_median"]],
        textposition="none",
        customdata=[
            [name, f"{_n(lo)} to {_n(hi)}"]
            for name, lo, hi in zip(frame["scenario"], frame["avoided_p05"], frame["avoided_p95"])
        ],
        hovertemplate="%{customdata[0]}: %{text} avoided a year (90% interval %{customdata[1]})<extra></extra>",
    )
    best = frame.sort_values("avoided_median", ascending=False).iloc[0]
    title = (
        f"'{best['scenario']}' avoids the most incidents of the {len(frame)} scenarios compared: "
        f"{_n(best['avoided_median'])} a year (median)"
        if len(frame) > 1
        else f"'{best['scenario']}' avoids {_n(best['avoided_median'])} incidents a year (median); save scenarios "
        "to compare them"
    )
    summary = listing(
        "",
        (
            f"{r.scenario}: {_n(r.avoided_median)} avoided a year (90% interval {_n(r.avoided_p05)} to "
            f"{_n(r.avoided_p95)})"
            for r in frame.itertuples()
        ),
    )
    fig.update_layout(xaxis_title="Incidents avoided per year (median; lines: 90% interval)", showlegend=False)
    fig.update_xaxes(tickformat=",", zeroline=True, zerolinecolor=NEUTRAL)
    return _model_spec(
        "scenario-comparison",
        title,
        "Incidents avoided per year, Monte Carlo median with 90% interval",
        fig,
        frame,
        summary,
        sources,
        layout=layout,
    )
