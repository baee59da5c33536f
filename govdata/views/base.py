"""What a page shows, computed without Streamlit: PageView, and the runners that fetch its data.

A page's `build(runner, values)` asks a runner for query results and charts. The dashboard passes a caching runner
(ui.data: results cached per warehouse file and arguments, charts per view), the briefing command line a Direct
runner on a read-only connection, so the page, its briefing note and the command line show the same figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from govdata.figures import FigureSpec, Source
from govdata.views.params import Param

SITE_TITLE = "UK data-governance statistics"


class Runner(Protocol):
    """Where a view's data and charts come from."""

    def query(self, fn: Callable, *args, **kwargs) -> Any:
        """`fn(cursor, *args, **kwargs)`: a govdata.queries (or headlines / scenarios) function."""

    def chart(self, builder: Callable, *args, **kwargs) -> FigureSpec:
        """`builder(*args, **kwargs)`: a govdata.charts function returning a FigureSpec."""


class Direct:
    """Runs queries on one connection and builds charts as asked: no caching (the briefing command line)."""

    def __init__(self, con) -> None:
        self.con = con

    def query(self, fn: Callable, *args, **kwargs) -> Any:
        return fn(self.con, *args, **kwargs)

    def chart(self, builder: Callable, *args, **kwargs) -> FigureSpec:
        return builder(*args, **kwargs)


@dataclass(frozen=True)
class Note:
    """A caveat or hint about the view, shown as plain text at `place` on the page (and in the briefing note)."""

    text: str
    place: str = ""  # where the page shows it: a figure role or a section name ('' = under the filters)
    kind: str = "caption"  # 'caption' or 'info'


@dataclass
class PageView:
    """Everything one view of a page states: headings, sentences, charts and notes, plus page-specific extras."""

    page: str  # the page's URL path, e.g. 'trends' ('' is not used)
    title: str  # the page heading
    view_title: str  # page and view, e.g. 'Trends: Local government'
    headlines: list[str] = field(default_factory=list)  # paste-ready sentences
    figures: dict[str, FigureSpec] = field(default_factory=dict)  # role -> chart, in page order
    notes: list[Note] = field(default_factory=list)
    filters: list[tuple[str, str]] = field(default_factory=list)  # (label, chosen value in words)
    data_to: str = ""  # the latest quarter in the warehouse, e.g. '2024-Q4'
    is_sample: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # page-specific material (cards, tables, results)

    @property
    def specs(self) -> list[FigureSpec]:
        return list(self.figures.values())

    @property
    def browser_title(self) -> str:
        return f"{self.view_title} · {SITE_TITLE}"

    def notes_at(self, place: str) -> list[Note]:
        return [n for n in self.notes if n.place == place]


def page_view(
    page: str, title: str, view_title: str, info: dict[str, str], *, headlines: list[str] | None = None, **fields
) -> PageView:
    """A PageView dated by the warehouse's latest quarter (`info`: `meta`) and flagged when the warehouse holds
    sample data; its headlines are its figures' summaries unless given."""
    from govdata.queries import coverage

    figures = fields.get("figures", {})
    return PageView(
        page,
        title,
        view_title,
        headlines=[s.summary for s in figures.values()] if headlines is None else headlines,
        data_to=info.get("latest_quarter", ""),
        is_sample=coverage.is_sample(info),
        **fields,
    )


def meta(runner: Runner) -> dict[str, str]:
    """warehouse_meta as a dict (schema_version, built_at, latest_quarter, latest_comparable_year, is_sample)."""
    from govdata.queries import coverage

    return coverage.meta_values(runner.query(coverage.warehouse_meta))


def sources(runner: Runner, source: str | None = None) -> list[Source]:
    """Chart Source objects for a provenance source (default: the ICO row-level release)."""
    from govdata.queries import provenance

    args = () if source is None else (source,)
    return provenance.to_sources(runner.query(provenance.chart_sources, *args))


def describe(params, runner: Runner, values: dict[str, Any], *, hidden: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(label, value in words) for each parameter, for the briefing note's description of the view."""
    return [
        (p.label, p.words(values[p.name], p.choices(runner, values)))
        for p in params
        if p.name in values and p.name not in hidden
    ]


def sector_options(runner: Runner, values) -> dict[str, str]:
    """Every sector in the warehouse, each its own label."""
    from govdata.queries import coverage

    return {s: s for s in runner.query(coverage.sectors).data["sector"]}


# The pages that narrow every figure to some sectors share one URL parameter.
SECTOR_FILTER = Param(
    "sector",
    "multi",
    "Sectors (leave empty for all sectors)",
    options=sector_options,
    default=(),
    describe=lambda v: ", ".join(v) if v else "all sectors",
)
