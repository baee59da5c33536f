"""House style shared by every chart: palette, fonts, title/subtitle/source printed on the figure, series breaks.

Titles and source lines are part of the figure itself so that a PNG or SVG exported from it carries them.
"""
from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from govdata import plain_text
from govdata.figures import FigureSpec

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999"]
NEUTRAL = "#6b6b6b"
FONT = "DejaVu Sans, Arial, sans-serif"

# Series breaks drawn on time axes (x as the first day of a quarter).
SERIES_BREAKS = [
    ("2018-05-25", "GDPR in force (25 May 2018)"),
    ("2019-04-01", "Row-level data comparable from Q2 2019"),
]

WIDTH, HEIGHT = 1000, 560


def _wrap(text: str, width: int) -> str:
    # Each line made inert for plotly (a title or note can carry data text: a sector, a scenario name).
    return "<br>".join(plain_text.for_plotly(line) for line in textwrap.wrap(text, width)) if text else ""


def style(spec: FigureSpec, *, height: int = HEIGHT) -> FigureSpec:
    """Apply the house style and print title, subtitle, notes and source line on the figure. Returns spec."""
    fig = spec.figure
    plain_text.sanitize_figure(fig)   # data strings in traces are drawn as written, never as links or markup
    source = spec.source_text()
    footer_lines = [_wrap(n, 115) for n in spec.notes] + [_wrap(source, 115)]
    footer = "<br>".join(line for line in footer_lines if line)
    n_footer = footer.count("<br>") + 1 if footer else 0
    title = _wrap(spec.title, 90)
    subtitle = _wrap(spec.subtitle, 120)
    # Plotly lays a multi-line title out downwards from a top anchor but does not reserve room for it:
    # the top margin is computed here from the line counts (title ~24 px a line, subtitle ~18 px, legend row 30 px).
    title_px = 24 * (title.count("<br>") + 1) + (18 * (subtitle.count("<br>") + 1) if subtitle else 0)
    top = 14 + title_px + 44
    total_height = height + 15 * n_footer
    fig.update_layout(
        template="plotly_white",
        colorway=PALETTE,
        font=dict(family=FONT, size=13, color="#222"),
        title=dict(
            text=f"<b>{title}</b>",
            subtitle=dict(text=subtitle, font=dict(size=13, color=NEUTRAL)),
            x=0, xref="container", xanchor="left", y=1 - 14 / total_height, yref="container", yanchor="top",
            pad=dict(l=16),
        ),
        margin=dict(l=70, r=30, t=top, b=70 + 15 * n_footer),
        height=total_height,
        width=None,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0, title_text=""),
        hoverlabel=dict(font_family=FONT),
    )
    if footer:
        fig.add_annotation(
            text=f"<span style='font-size:11px;color:{NEUTRAL}'>{footer}</span>",
            xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
            yshift=-45, showarrow=False, align="left",
        )
    if spec.is_sample:
        fig.add_annotation(
            text="SAMPLE DATA", xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
            font=dict(size=60, color="rgba(213,94,0,0.12)"), textangle=-20,
        )
    return spec


def mark_series_breaks(fig: go.Figure, x_min: str, x_max: str) -> None:
    """Dashed vertical lines for the series breaks that fall inside [x_min, x_max] (ISO dates)."""
    for when, label in SERIES_BREAKS:
        if x_min <= when <= x_max:
            fig.add_vline(x=when, line=dict(color=NEUTRAL, dash="dash", width=1))
            fig.add_annotation(x=when, y=1, yref="paper", text=label, showarrow=False, xanchor="left",
                               yanchor="top", font=dict(size=11, color=NEUTRAL), xshift=4)
