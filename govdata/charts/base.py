"""House style for the plot itself: palette, fonts, legend below the plot, axes that make room for their labels,
labelled rows for horizontal bar and dot charts, the sample-data watermark and series breaks.

A FigureSpec's figure holds the plot only. Its title, subtitle, notes and source line are text AROUND the plot:
ui.panel shows them as page text (wrapping at any screen width, selectable, read by screen readers) and
govdata.printing lays them out for a named print size. So nothing here depends on the width the plot is shown at:
legends sit below the plot and wrap, axes reserve their own room (automargin), and long category labels sit above
their bars (see `rows`), which keeps a 390 px phone screen readable without a second layout.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from govdata import plain_text
from govdata.charts import text
from govdata.figures import FigureSpec, Source
from govdata.queries.base import QueryResult

# Okabe-Ito: distinguishable with the common colour-vision deficiencies. The last (grey) is kept for "Other"
# and context, so a chart has at most len(SERIES_COLOURS) coloured series.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999"]
SERIES_COLOURS = PALETTE[:-1]
OTHER_COLOUR = PALETTE[-1]
NEUTRAL = "#6b6b6b"
FONT = "DejaVu Sans, Arial, sans-serif"
FONT_PX = 13  # body text of the plot on screen
SMALL_PX = 12  # tick labels, legend, row labels, annotations: never smaller (9 pt at 16 cm print width)

# Series breaks drawn on time axes (x as the first day of a quarter).
SERIES_BREAKS = [
    ("2018-05-25", "GDPR in force (25 May 2018)"),
    ("2019-04-01", "Row-level data comparable from Q2 2019"),
]

WIDTH = 1000  # a desktop width, used only where a width must be assumed (the toolbar's camera button)
HEIGHT = 400  # default height of the plot area plus its axes, legend excluded
LEGEND_ROW_PX = 22  # room added per legend row expected on a phone (entries wrap one or two to a row there)
# Row labels are wrapped to this width so they fit above their bars on a 390 px phone (plot about 340 px wide).
LABEL_WRAP_PX = 300
LEGEND_WRAP_PX = 250  # a legend entry's text: its symbol takes the rest of the phone's width
MARGIN = dict(l=8, r=12, t=12, b=8)

LEGEND_BELOW = dict(
    orientation="h",
    yref="container",
    y=0,
    yanchor="bottom",
    x=0,
    xanchor="left",
    title_text="",
    font=dict(size=SMALL_PX),
    traceorder="normal",
)


def _watermark() -> dict:
    """ "SAMPLE DATA" as an image scaled to the plot area, so it fits a phone and a print page alike."""
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 400 200'>"
        "<text x='200' y='115' text-anchor='middle' font-family='DejaVu Sans, Arial, sans-serif' "
        "font-size='44' font-weight='bold' fill='#D55E00' fill-opacity='0.16' transform='rotate(-12 200 100)'>"
        "SAMPLE DATA</text></svg>"
    )
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return dict(
        source=uri,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        sizex=1,
        sizey=1,
        xanchor="center",
        yanchor="middle",
        sizing="contain",
        layer="above",
        name="sample-watermark",
    )


def legend_entries(fig: go.Figure) -> int:
    """How many entries the legend will show (traces sharing a legend group count once)."""
    if fig.layout.showlegend is False:
        return 0
    shown = [t for t in fig.data if t.showlegend is not False and (t.name or "")]
    entries = len({t.legendgroup or f"trace-{i}" for i, t in enumerate(shown)})
    return entries if entries > 1 or fig.layout.showlegend else 0


def style(spec: FigureSpec, *, height: int = HEIGHT, margin: dict | None = None) -> FigureSpec:
    """Apply the house style to spec.figure (the plot only). `height`: the plot with its axes, in px; room for the
    legend below it is added. `margin` overrides parts of the small default margins. Returns spec."""
    fig = spec.figure
    plain_text.sanitize_figure(fig)  # data strings in traces are drawn as written, never as links or markup
    for trace in fig.data:  # legend entries wrap to fit a phone (plotly never wraps them)
        if trace.name and "<br>" not in trace.name and text.width(trace.name, SMALL_PX) > LEGEND_WRAP_PX:
            trace.name = text.wrap_html(trace.name, LEGEND_WRAP_PX, SMALL_PX)
    entries = legend_entries(fig)
    legend_px = LEGEND_ROW_PX * ((entries + 1) // 2) + 8 if entries else 0
    fig.update_layout(
        template="plotly_white",
        colorway=PALETTE,
        font=dict(family=FONT, size=FONT_PX, color="#222"),
        title=None,
        margin={**MARGIN, **(margin or {})},
        height=height + legend_px,
        width=None,
        legend=LEGEND_BELOW,
        showlegend=entries > 0,
        hoverlabel=dict(font_family=FONT),
        meta={**dict(fig.layout.meta or {}), "plot_px": height, "legend_entries": entries},
    )
    fig.update_xaxes(automargin=True, tickfont_size=SMALL_PX, title_font_size=SMALL_PX)
    fig.update_yaxes(automargin=True, tickfont_size=SMALL_PX, title_font_size=SMALL_PX)
    rows_axis = (fig.layout.meta or {}).get("rows", {}).get("axis")
    if rows_axis:  # labels inside the plot need no margin (plotly would reserve one as if they were outside)
        fig.layout[rows_axis].automargin = False
    fig.for_each_xaxis(_wrap_title)
    for annotation in fig.layout.annotations:  # nothing smaller than the house minimum
        if annotation.font.size is not None and annotation.font.size < SMALL_PX:
            annotation.font.size = SMALL_PX
    if spec.is_sample:
        fig.add_layout_image(_watermark())
    return spec


# ---------------------------------------------------------------------------------------------- building a spec
# Every chart builder takes a QueryResult (its SQL is kept for "show query") or a bare DataFrame.


def frame_of(result: QueryResult | pd.DataFrame) -> pd.DataFrame:
    """The rows a chart is drawn from (the frame itself, not a copy: builders that change it copy first)."""
    return result.data if isinstance(result, QueryResult) else result


def queries_of(result: QueryResult | pd.DataFrame | Sequence[QueryResult] | None) -> list[QueryResult]:
    """The queries behind a chart: the result's own, a list handed in, or none for a bare DataFrame."""
    if isinstance(result, QueryResult):
        return [result]
    if isinstance(result, (list, tuple)):
        return list(result)
    return []


def figure_spec(
    key: str,
    title: str,
    subtitle: str,
    fig: go.Figure,
    data: pd.DataFrame,
    summary: str,
    sources: Sequence[Source],
    result=None,
    notes: Sequence[str] | None = None,
    height: int | None = None,
    margin: dict | None = None,
    *,
    data_date: str = "",
    sample_part: str = "",
    alt_text: str | None = None,
) -> FigureSpec:
    """The styled FigureSpec of a chart: `result` (QueryResult, list of them or None) gives its queries, and the
    alt text is the title and the one-sentence summary unless given. `data` is numbered from 0 (a frame that is
    already is kept, not copied)."""
    spec = FigureSpec(
        key=key,
        title=title,
        subtitle=subtitle,
        figure=fig,
        data=data if data.index.equals(pd.RangeIndex(len(data))) else data.reset_index(drop=True),
        summary=summary,
        sources=list(sources),
        queries=queries_of(result),
        notes=list(notes or []),
        alt_text=f"{title}. {summary}" if alt_text is None else alt_text,
        data_date=data_date,
        sample_part=sample_part,
    )
    return style(spec, **({"height": height} if height else {}), margin=margin)


EMPTY_HEIGHT = 160


def empty_spec(
    key: str, title: str, subtitle: str, data: pd.DataFrame, sources: Sequence[Source], result=None
) -> FigureSpec:
    """A chart with nothing to plot: the title says why, in the middle of a short blank plot."""
    fig = go.Figure()
    fig.add_annotation(
        text=title, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font=dict(size=16, color=NEUTRAL)
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return figure_spec(key, title, subtitle, fig, data, title + ".", sources, result, height=EMPTY_HEIGHT)


def _wrap_title(axis) -> None:
    # plotly never wraps an axis title: break it so it fits the narrowest plot (a phone's)
    if axis.title.text and "<br>" not in axis.title.text:
        axis.title.text = text.wrap_html(axis.title.text, LABEL_WRAP_PX, SMALL_PX)


def listing(lead: str, parts: Iterable[str]) -> str:
    """A summary sentence: `lead` (with its own ": " or space) then the parts joined by "; " and a full stop."""
    return lead + "; ".join(parts) + "."


def panel_shape(kind: str, axis: str, x0, x1, **style) -> dict:
    """A layout shape from x0 to x1 spanning the full height of the panel on axis suffix `axis` ("", "2", ...): a
    plain dict, because add_vrect/add_vline per panel are slow in plotly."""
    return dict(type=kind, xref=f"x{axis}", yref=f"y{axis} domain", x0=x0, x1=x1, y0=0, y1=1, **style)


def panel_vline(axis: str, x) -> dict:
    """A dashed vertical line at `x` across the panel on axis suffix `axis`."""
    return panel_shape("line", axis, x, x, line=dict(color=NEUTRAL, dash="dash", width=1))


def mark_series_breaks(fig: go.Figure, x_min: str, x_max: str) -> None:
    """Dashed vertical lines for the series breaks that fall inside [x_min, x_max] (ISO dates), each labelled at
    the top of the plot. The labels are stacked (one line each) so two breaks close together never overlap."""
    inside = [(when, label) for when, label in SERIES_BREAKS if x_min <= when <= x_max]
    for i, (when, label) in enumerate(inside):
        fig.add_vline(x=when, line=dict(color=NEUTRAL, dash="dash", width=1))
        fig.add_annotation(
            x=when,
            y=1,
            yref="paper",
            text=label,
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font=dict(size=SMALL_PX, color=NEUTRAL),
            xshift=4,
            yshift=-i * SMALL_PX * text.LINE_HEIGHT,
            bgcolor="rgba(255,255,255,0.8)",
        )


def time_axis(fig: go.Figure) -> None:
    """Date x axes labelled in the middle of each period (a year's label sits mid-year), which keeps the first
    label clear of the y axis's bottom label in the corner; plotly still picks how many labels fit the width."""
    fig.update_xaxes(ticklabelmode="period")


# ------------------------------------------------------------------------------------------ labelled rows

MARK_UNITS = 1.6  # room for a bar or dot below its label, in label lines (the bar fills 70% of it)
GAP_UNITS = 0.5  # space between one row's mark and the next row's label
HEADER_GAP_UNITS = 0.3
HEADER_SPACE_UNITS = 0.9  # extra space above a header row that starts a new group
TOP_PAD_UNITS = 0.8  # above the first label, clear of an x axis drawn at the top
UNIT_PX = SMALL_PX * text.LINE_HEIGHT  # one label line on screen


@dataclass(frozen=True)
class Rows:
    """Where each row of a labelled-rows chart sits on a numeric y axis running from 0 (bottom) to `total`.

    `mark_y` is the centre of each row's bar or dot (None for a header row), `tickvals`/`ticktext` place the labels,
    `bounds` holds the y of every row's top edge and the bottom (0), so a part of the chart can be cut at a row edge.
    """

    mark_y: list
    tickvals: list[float]
    ticktext: list[str]
    bounds: list[float]
    total: float
    labels: tuple[str, ...] = ()
    headers: tuple[bool, ...] = ()

    @property
    def mark_height(self) -> float:
        return MARK_UNITS * 0.7


def rows(
    labels: Sequence[str],
    *,
    headers: Sequence[bool] | None = None,
    wrap_px: float = LABEL_WRAP_PX,
    size_px: float = SMALL_PX,
) -> Rows:
    """Rows from top to bottom, each a label (wrapped to `wrap_px` at font size `size_px`) with its mark below it;
    header rows (bold, no mark) start a group. Labels sit above their bars, so bars use the plot's full width on
    any screen. Heights are in label lines, so the same rows fit any font size."""
    headers = list(headers) if headers is not None else [False] * len(labels)
    wrapped = [text.wrap(label, wrap_px, size_px, bold=h) or [""] for label, h in zip(labels, headers)]
    heights = [
        len(lines) + (HEADER_GAP_UNITS + (HEADER_SPACE_UNITS if h and i else 0) if h else MARK_UNITS + GAP_UNITS)
        for i, (lines, h) in enumerate(zip(wrapped, headers))
    ]
    total = float(sum(heights))
    top = total
    mark_y, tickvals, ticktext, bounds = [], [], [], []
    for i, (lines, is_header, h) in enumerate(zip(wrapped, headers, heights)):
        bounds.append(top)
        if is_header and i:
            top -= HEADER_SPACE_UNITS
        # plotly puts an "inside top" label's first line just above the tick and further lines below it
        tickvals.append(top - 1)
        body = "<br>".join(plain_text.for_plotly(line) for line in lines)  # labels are data: drawn as written
        ticktext.append(f"<b>{body}</b>" if is_header else body)
        mark_y.append(None if is_header else top - len(lines) - MARK_UNITS / 2)
        top -= h - (HEADER_SPACE_UNITS if is_header and i else 0)
    bounds.append(0.0)
    return Rows(mark_y, tickvals, ticktext, bounds, total, tuple(labels), tuple(headers))


def apply_rows(fig: go.Figure, layout: Rows, *, axis: str = "yaxis", extra_px: int = 40) -> int:
    """Put the row labels on `axis` (inside the plot, above each mark) and return the plot height in px.

    `extra_px` is the room below the rows for the x axis (ticks and title). The layout is kept in layout.meta so
    the print layout can cut a long chart into parts at row edges and rescale it for its own font size."""
    fig.update_layout(
        {
            axis: dict(
                tickmode="array",
                tickvals=layout.tickvals,
                ticktext=layout.ticktext,
                ticklabelposition="inside top",
                ticklabeloverflow="allow",
                ticks="",
                showgrid=False,
                zeroline=False,
                showline=False,
                range=[0, layout.total + TOP_PAD_UNITS],
                fixedrange=True,
                title_text="",
                automargin=False,
            )
        }
    )
    meta = dict(fig.layout.meta or {})
    meta["rows"] = dict(
        axis=axis,
        bounds=layout.bounds,
        total=layout.total,
        extra_px=extra_px,
        labels=list(layout.labels),
        headers=list(layout.headers),
        mark_y=layout.mark_y,
    )
    fig.update_layout(meta=meta)
    return math.ceil((layout.total + TOP_PAD_UNITS) * UNIT_PX) + MARGIN["t"] + MARGIN["b"] + extra_px


# ------------------------------------------------------------------------------------------ small multiples

PANEL_GAP_PX = 58  # between stacked panels: one panel's x tick labels, then the next panel's title
PANEL_TITLE_PX = 24  # room above the first panel for its title
PANEL_AXIS_PX = 28  # room below the last panel for its x tick labels


def stacked_panels(titles: Sequence[str], panel_px: int | Sequence[int]) -> tuple[go.Figure, int, dict]:
    """One column of small multiples (one panel per title, each titled at its top left, x tick labels on every
    panel). One column reads on a phone and in print alike; a long stack is cut into parts for print by panel.
    `panel_px`: one height for every panel, or one per panel. Returns (figure, height in px, margin for style())."""
    n = max(1, len(titles))
    heights = [panel_px] * n if isinstance(panel_px, int) else list(panel_px)
    wrapped = [
        "<br>".join(plain_text.for_plotly(line) for line in text.wrap(t, LABEL_WRAP_PX, FONT_PX, bold=True))
        for t in titles
    ]
    extra = [math.ceil(w.count("<br>") * FONT_PX * text.LINE_HEIGHT) for w in wrapped]  # titles over two lines
    gaps = [PANEL_GAP_PX + e for e in extra[1:]]
    plot_px = sum(heights) + sum(gaps)
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=n,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0,
        row_heights=[h / plot_px for h in heights] if n > 1 else None,
    )
    top = plot_px
    for i, (title, h) in enumerate(zip(wrapped, heights), 1):  # domains by hand: gaps differ with the titles
        suffix = "" if i == 1 else str(i)
        fig.layout[f"yaxis{suffix}"].domain = [(top - h) / plot_px, top / plot_px]
        top -= h + (gaps[i - 1] if i - 1 < len(gaps) else 0)
        fig.add_annotation(
            text=f"<b>{title}</b>",
            xref=f"x{suffix} domain",
            yref=f"y{suffix} domain",
            x=0,
            y=1,
            xanchor="left",
            yanchor="bottom",
            yshift=4,
            showarrow=False,
            align="left",
            font=dict(size=FONT_PX),
            name="panel-title",
        )
    fig.update_xaxes(showticklabels=True)
    fig.update_layout(meta={"panels": dict(count=n, heights=heights, gaps=gaps)})
    margin = dict(t=MARGIN["t"] + PANEL_TITLE_PX + extra[0], b=MARGIN["b"] + PANEL_AXIS_PX)
    return fig, plot_px + margin["t"] + margin["b"], margin


# ------------------------------------------------------------------------------------------ reading a figure back


def row_labels(fig: go.Figure, axis: str = "yaxis") -> list[str]:
    """The row labels of a labelled-rows chart, top to bottom, as plain text (tags and line breaks removed)."""
    import html

    ticks = fig.layout[axis].ticktext or ()
    return [html.unescape(" ".join(text.TAGS.sub(" ", t).split())) for t in ticks]


def has_sample_watermark(fig: go.Figure) -> bool:
    return any(image.name == "sample-watermark" for image in fig.layout.images)
