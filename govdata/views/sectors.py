"""Sector comparison: one view at a time (volume, trend, cyber share, types, timing, decisions, change).

The page builds only the view chosen (URL parameter `view`); the briefing pack and note build every view.
"""

from __future__ import annotations

from typing import Any

from govdata.charts import sectors as charts
from govdata.queries import coverage
from govdata.queries import sectors as queries
from govdata.views.base import Note, PageView, Runner, describe, meta, page_view, sources
from govdata.views.params import Param

PAGE = "sectors"
NAV_TITLE = "Sectors"
TITLE = "Sector comparison"
INTRO = (
    "Compare sectors' personal-data breach reports to the ICO: how many, how many cyber, which types, how fast "
    "they were reported, what the ICO decided, and how that changed on a year earlier. Counts are distinct "
    "incidents; the sectors are the ICO's best fit for each report."
)
DEFAULT_PICKS = 4  # how many of the largest sectors are picked when the URL names none
VIEWS = {
    "volume": "Volume",
    "trend": "Quarterly trend",
    "cyber": "Cyber share",
    "types": "Incident types",
    "timing": "Time to report",
    "decisions": "Decisions",
    "change": "Change on a year earlier",
}
TOP_TYPES = (1, 5, 10)  # incident types per sector: fewest, default, most


def periods(runner: Runner, comparable_only: bool) -> dict[str, queries.Period]:
    return queries.periods(runner.query(coverage.quarters, comparable_only))


def _period_options(runner: Runner, values) -> dict[str, str]:
    choices = periods(runner, not values["q1_2019"])
    return {
        key: (f"Last {p.quarters} quarters ({p.span})" if key == queries.LAST_FOUR else p.label)
        for key, p in choices.items()
    }


def _sector_options(runner: Runner, values) -> dict[str, str]:
    return {s: s for s in runner.query(coverage.sectors, not values["q1_2019"]).data["sector"]}


PARAMS = (
    Param(
        "q1_2019",
        "flag",
        "Include Q1 2019 (not comparable)",
        default=False,
        help="The ICO treats Q2 2019 as the first comparable quarter: incidents were recorded differently before.",
    ),
    Param("period", "choice", "Period", options=_period_options, default=queries.LAST_FOUR),
    Param(
        "sectors",
        "multi",
        "Sectors to compare",
        options=_sector_options,
        default=lambda runner, values, options: list(options)[:DEFAULT_PICKS],
        help="Sectors are listed from most to fewest incidents.",
        describe=lambda v: ", ".join(v) if v else "none picked (the rankings show every sector)",
    ),
    Param("view", "choice", "View", options=VIEWS, default="volume", widget="radio"),
    Param(
        "top", "number", "Incident types per sector", default=TOP_TYPES[1], minimum=TOP_TYPES[0], maximum=TOP_TYPES[2]
    ),
)


def view_title(values: dict[str, Any], period_label: str = "") -> str:
    return f"{NAV_TITLE}: {VIEWS[values['view']]}" + (f", {period_label}" if period_label else "")


def _charts(runner: Runner, view: str, values, period, picked, comparable_only, ico, volume) -> tuple[dict, list]:
    """The charts (role -> spec) and notes of one view."""
    options = {"comparable_only": comparable_only}
    need = "Pick sectors to see {}."
    if view == "volume":
        return {"volume": runner.chart(charts.ranked, volume(), "incidents", period, ico, **options)}, []
    if view == "cyber":
        return {"cyber": runner.chart(charts.ranked, volume(), "cyber_pct", period, ico, **options)}, []
    if view == "change":
        change = runner.query(queries.sector_change, period, picked, comparable_only)
        return {"change": runner.chart(charts.year_on_year, change, period, ico, **options)}, []
    if view == "timing":
        specs = {"within_72h": runner.chart(charts.ranked, volume(), "within_72h_pct", period, ico, **options)}
        if picked:
            timing = runner.query(queries.sector_time_to_report, period, picked, comparable_only)
            specs["time_to_report"] = runner.chart(charts.time_to_report, timing, period, ico, **options)
        return specs, []
    if not picked:
        what = {
            "trend": "their quarterly trend",
            "types": "their most common incident types",
            "decisions": "the ICO's decisions on their reports",
        }[view]
        return {}, [Note(need.format(what), view)]
    if view == "trend":
        trend = runner.query(queries.sector_quarterly, period, picked, comparable_only)
        return {"trend": runner.chart(charts.quarterly_multiples, trend, period, ico, **options)}, []
    if view == "types":
        types = runner.query(queries.sector_top_types, period, picked, int(values["top"]), comparable_only)
        return {"types": runner.chart(charts.top_types, types, period, ico, **options)}, []
    decided = runner.query(queries.sector_decisions, period, picked, comparable_only)
    return {"decisions": runner.chart(charts.decisions, decided, period, ico, **options)}, []


def build(runner: Runner, values: dict[str, Any], *, everything: bool = False) -> PageView:
    """The chosen view's charts (every view's when `everything`, as in the briefing pack and note)."""
    info = meta(runner)
    comparable_only = not values["q1_2019"]
    choices = periods(runner, comparable_only)
    view = page_view(PAGE, TITLE, view_title(values), info, extra={"views": VIEWS, "empty": not choices})
    if not choices:
        view.notes.append(Note("The warehouse holds no incidents to compare.", "", "info"))
        return view
    period = choices[values["period"]]
    picked = list(values["sectors"])
    ico = sources(runner)
    volume_result = []

    def volume():  # one query serves three views: run it once, and only when one of them is built
        if not volume_result:
            volume_result.append(runner.query(queries.sector_volume, period, picked, comparable_only))
        return volume_result[0]

    if not picked:
        view.notes.append(
            Note("Pick one or more sectors above to compare them; the ranking below shows every sector.", "", "info")
        )
    for name in VIEWS if everything else [values["view"]]:
        specs, notes = _charts(runner, name, values, period, picked, comparable_only, ico, volume)
        view.figures.update(specs)
        view.notes += notes
    # The page names the view shown; a note or pack of every view names the period only.
    view.view_title = f"{NAV_TITLE}: {period.label}" if everything else view_title(values, period.label)
    view.headlines = [s.summary for s in view.figures.values()]
    hidden = ("view",) if everything else ()
    if not (everything or values["view"] == "types"):
        hidden += ("top",)
    view.filters = describe(PARAMS, runner, values, hidden=hidden)
    return view
