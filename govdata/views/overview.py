"""Overview: headline figures for the latest comparable quarter and complete year, their sentences, and the trend."""

from __future__ import annotations

from typing import Any

from govdata.charts import incidents as charts
from govdata.headlines import headlines
from govdata.queries import coverage, releases
from govdata.queries import incidents as queries
from govdata.views.base import SECTOR_FILTER, PageView, Runner, describe, meta, page_view, sources

PAGE = "overview"
NAV_TITLE = "Overview"
TITLE = "Personal data breaches reported to the ICO"
INTRO = (
    "Headline figures from the ICO's *Data security incident trends* release, for the latest comparable "
    "quarter and the latest complete year. Choose sectors to narrow every figure on this page."
)
CARD_ROWS = (("year", "Latest complete year"), ("quarter", "Latest comparable quarter"))


PARAMS = (SECTOR_FILTER,)


def view_title(values: dict[str, Any]) -> str:
    return f"{NAV_TITLE}: {', '.join(values['sector'])}" if values["sector"] else NAV_TITLE


def build(runner: Runner, values: dict[str, Any], *, everything: bool = False) -> PageView:
    """The Overview for `values` (everything: the page has no hidden views, so the same)."""
    info = meta(runner)
    sectors = list(values["sector"])
    ico = sources(runner, "ico_rows")
    figures = runner.query(queries.headline_figures, sectors)
    revised = releases.headline_revisions(runner.query, figures, sectors)  # "revised from N in the last release"
    items = headlines(figures, sectors=sectors, is_sample=coverage.is_sample(info), revised=revised)
    trend = runner.query(queries.incident_trend, "quarter", None, sectors, True, True)
    by_category = runner.query(queries.incident_trend, "year", "incident_category", sectors, True, False)
    specs = {
        "trend": runner.chart(charts.trend_chart, trend, sources=ico, period="quarter", rolling=True, sectors=sectors),
        "by_category": runner.chart(
            charts.trend_chart, by_category, sources=ico, period="year", breakdown="incident_category", sectors=sectors
        ),
    }
    cards = [(heading, [h for h in items if h.key.startswith(kind + "-")]) for kind, heading in CARD_ROWS]
    return page_view(
        PAGE,
        TITLE,
        view_title(values),
        info,
        headlines=[h.sentence for h in items],
        figures=specs,
        filters=describe(PARAMS, runner, values),
        extra={"cards": [(heading, row) for heading, row in cards if row], "sources": ico, "headline_query": figures},
    )
