"""Trends: incidents per quarter or year, broken down and filtered, with the older quarterly tables for context."""

from __future__ import annotations

from typing import Any

from govdata import vocabulary
from govdata.charts import incidents as charts
from govdata.queries import incidents as queries
from govdata.views.base import SECTOR_FILTER, Note, PageView, Runner, describe, meta, page_view, sources
from govdata.views.params import Param, bounded

PAGE = "trends"
NAV_TITLE = "Trends"
TITLE = "Trends in personal data breach reports"
INTRO = (
    "Incidents reported to the ICO over time. Q1 2019 is left out by default because the ICO recorded "
    "incidents differently before Q2 2019."
)
NO_BREAKDOWN = "none"
LEGACY = "legacy"  # the place of the older tables' section on the page
PERIOD_LABELS = {"quarter": "Quarter", "year": "Year"}
MEASURE_LABELS = {"incidents": "Counts", "share_pct": "Shares (%)"}
PERIOD_OPTIONS = {p: PERIOD_LABELS[p] for p in queries.PERIODS}
MEASURE_OPTIONS = {m: MEASURE_LABELS[m] for m in charts.MEASURES}
BREAKDOWN_OPTIONS = {NO_BREAKDOWN: "No breakdown (total)", **vocabulary.BREAKDOWNS}
TOP_RANGE = (1, queries.MAX_TOP)


def _legacy_options(runner: Runner, values) -> dict[str, str]:
    return dict(queries.LEGACY_BREAKDOWNS)


PARAMS = (
    Param("period", "choice", "Period", options=PERIOD_OPTIONS, default="quarter", widget="radio"),
    Param("breakdown", "choice", "Break down by", options=BREAKDOWN_OPTIONS, default=NO_BREAKDOWN),
    Param("measure", "choice", "Show", options=MEASURE_OPTIONS, default="incidents", widget="radio"),
    SECTOR_FILTER,
    Param("comparable", "flag", "Comparable quarters only (from Q2 2019)", default=True),
    Param("rolling", "flag", "Show 4-quarter rolling average (quarterly counts)", default=False),
    Param("legacy", "choice", "Older tables: break down by", options=_legacy_options, default="incident_category"),
    # Many groups (incident types): the largest N in colour, the rest summed as "All others"; N in the URL
    bounded("top", "Groups shown (the rest summed as 'All others')", queries.DEFAULT_TOP, TOP_RANGE),
    bounded(
        "legacy_top", "Older tables: types shown (the rest summed as 'All others')", queries.DEFAULT_TOP, TOP_RANGE
    ),
)


def folds(breakdown: str | None) -> bool:
    """True when the breakdown has more groups than a chart has colours (so 'Groups shown' applies)."""
    return queries.folds(None if breakdown == NO_BREAKDOWN else breakdown)


def legacy_folds(split: str) -> bool:
    return split == "incident_type"


def _top(fold: bool, chosen: int) -> int:
    # a breakdown with few groups still gets the colour limit, so an unexpected extra value never repeats a colour
    return int(chosen) if fold else queries.MAX_TOP


def legacy_sectors(runner: Runner) -> set[str]:
    """Sectors in the ICO's older quarterly tables (empty when the warehouse has none: no such section)."""
    return set(runner.query(queries.legacy_sectors).data["sector"])


def view_title(values: dict[str, Any]) -> str:
    scope = ", ".join(values["sector"]) if values["sector"] else "All sectors"
    split = vocabulary.BREAKDOWNS.get(values["breakdown"])
    return f"{NAV_TITLE}: {scope}" + (f" by {split.lower()}" if split else "")


def build(runner: Runner, values: dict[str, Any], *, everything: bool = False) -> PageView:
    """The Trends page for `values`: the main trend chart and, when the warehouse has them, the older tables."""
    info = meta(runner)
    period, breakdown, measure = values["period"], values["breakdown"], values["measure"]
    sectors, comparable, rolling = list(values["sector"]), values["comparable"], values["rolling"]
    chosen = None if breakdown == NO_BREAKDOWN else breakdown
    notes = []
    if measure == "share_pct" and chosen is None:
        notes.append(Note("Shares need a breakdown: showing counts."))
        measure = "incidents"
    if rolling and (period != "quarter" or measure != "incidents"):
        notes.append(Note("The rolling average applies to quarterly counts only."))
    trend = runner.query(
        queries.incident_trend,
        period,
        chosen,
        sectors,
        comparable,
        rolling and period == "quarter",
        _top(folds(breakdown), values["top"]),
    )
    specs = {
        "trend": runner.chart(
            charts.trend_chart,
            trend,
            sources=sources(runner, "ico_rows"),
            period=period,
            breakdown=chosen,
            measure=measure,
            rolling=rolling,
            sectors=sectors,
            comparable_only=comparable,
        )
    }

    legacy_names = legacy_sectors(runner)
    if legacy_names:
        missing = [s for s in sectors if s not in legacy_names]
        if missing:
            notes.append(Note(f"Not in the older tables: {', '.join(missing)}.", LEGACY))
        legacy_filter = [s for s in sectors if s in legacy_names]
        if sectors and not legacy_filter:
            notes.append(Note("None of the chosen sectors appear in the older tables.", LEGACY, "info"))
        else:
            legacy = runner.query(
                queries.legacy_counts,
                values["legacy"],
                legacy_filter,
                _top(legacy_folds(values["legacy"]), values["legacy_top"]),
            )
            specs["legacy"] = runner.chart(
                charts.legacy_chart,
                legacy,
                sources=sources(runner, "ico_legacy"),
                breakdown=values["legacy"],
                sectors=legacy_filter,
            )
    hidden = tuple(
        name
        for name, off in (
            ("legacy", not legacy_names),
            ("legacy_top", not legacy_names or not legacy_folds(values["legacy"])),
            ("top", not folds(breakdown)),
        )
        if off
    )
    filters = describe(PARAMS, runner, values, hidden=hidden)
    extra = {"legacy_available": bool(legacy_names)}
    return page_view(PAGE, TITLE, view_title(values), info, figures=specs, notes=notes, filters=filters, extra=extra)
