"""Surveys and polls: council information-governance surveys, public trust in data handling, and both beside the
ICO's incident counts for local government on one time axis."""

from __future__ import annotations

from typing import Any

from govdata.charts import surveys as charts
from govdata.queries import reference as queries
from govdata.views.base import PageView, Runner, describe, meta, page_view, sources
from govdata.views.params import Param

PAGE = "surveys"
NAV_TITLE = "Surveys"
TITLE = "Surveys and polls"
INTRO = (
    "What councils said about their own data-protection practice, and what the public says about trusting "
    "organisations with personal data. Figures are transcribed from published reports, each with its source; "
    "intervals come from the published base n where there is one."
)
ALL = "all"
HEADINGS = {
    "survey": "Council information-governance surveys",
    "trust": "Public trust in how organisations handle personal data",
    "timeline": "Linked view: incidents, surveys and trust on one time axis",
}


def _topics(runner: Runner, values) -> dict[str, str]:
    return {ALL: "All topics", **{t: t for t in runner.query(queries.survey_topics).data["topic"]}}


def _vocabulary(field: str, everything: str):
    def options(runner: Runner, values) -> dict[str, str]:
        vocab = runner.query(queries.poll_vocabulary).data
        return {ALL: everything, **{v: v for v in vocab.loc[vocab["field"] == field, "value"]}}

    return options


PARAMS = (
    Param("topic", "choice", "Survey topic", options=_topics, default=ALL),
    Param(
        "org",
        "choice",
        "Poll: organisation type",
        options=_vocabulary("organisation_type", "All organisation types"),
        default=lambda runner, values, options: (
            queries.LOCAL_GOVERNMENT if queries.LOCAL_GOVERNMENT in options else ALL
        ),
    ),
    Param("pollster", "choice", "Poll: pollster", options=_vocabulary("pollster", "All pollsters"), default=ALL),
)


def _chosen(value: str) -> str | None:
    return None if value == ALL else value


def view_title(values: dict[str, Any]) -> str:
    topic = _chosen(values["topic"])
    return f"{NAV_TITLE}: {topic}" if topic else NAV_TITLE


def build(runner: Runner, values: dict[str, Any], *, everything: bool = False) -> PageView:
    """Three charts: council surveys (one topic or all), public trust (filtered polls), and the linked view."""
    info = meta(runner)
    topic, org, pollster = _chosen(values["topic"]), _chosen(values["org"]), _chosen(values["pollster"])
    specs = {
        "survey": runner.chart(charts.survey_chart, runner.query(queries.survey_results, topic), topic=topic),
        "trust": runner.chart(
            charts.trust_chart,
            runner.query(queries.poll_results, org, pollster),
            organisation_type=org,
            pollster=pollster,
        ),
    }
    timeline = runner.query(queries.timeline, queries.LOCAL_GOVERNMENT, topic, org, pollster)
    specs["timeline"] = runner.chart(
        charts.timeline_chart, timeline, queries.LOCAL_GOVERNMENT, incident_sources=sources(runner, "ico_rows")
    )
    filters = describe(PARAMS, runner, values)
    return page_view(
        PAGE, TITLE, view_title(values), info, figures=specs, filters=filters, extra={"headings": HEADINGS}
    )
