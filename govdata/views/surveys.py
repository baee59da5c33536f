"""Surveys and polls: council information-governance surveys, public trust in data handling, and both beside the
ICO's incident counts for local government on one time axis.

One view at a time, chosen in the URL (`view`), so a page load draws one chart; the briefing note and pack build
every view."""

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
VIEWS = {"survey": "Council surveys", "trust": "Public trust", "timeline": "Linked view"}
HEADINGS = {
    "survey": "Council information-governance surveys",
    "trust": "Public trust in how organisations handle personal data",
    "timeline": "Linked view: incidents, surveys and trust on one time axis",
}
# The filters each view uses (the page draws only these; the linked view uses all three)
FILTERS = {"survey": ("topic",), "trust": ("org", "pollster"), "timeline": ("topic", "org", "pollster")}


def _topics(runner: Runner, values) -> dict[str, str]:
    return {ALL: "All topics", **{t: t for t in runner.query(queries.survey_topics).data["topic"]}}


def _vocabulary(field: str, everything: str):
    def options(runner: Runner, values) -> dict[str, str]:
        vocab = runner.query(queries.poll_vocabulary).data
        return {ALL: everything, **{v: v for v in vocab.loc[vocab["field"] == field, "value"]}}

    return options


PARAMS = (
    Param("view", "choice", "View", options=VIEWS, default="survey", widget="radio"),
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


def view_title(values: dict[str, Any], *, everything: bool = False) -> str:
    """'Surveys: Council surveys, Training' for a view; 'Surveys' (with the topic, if one) for every view."""
    topic = _chosen(values["topic"]) if everything or "topic" in FILTERS[values["view"]] else None
    named = ([] if everything else [VIEWS[values["view"]]]) + ([topic] if topic else [])
    return f"{NAV_TITLE}: {', '.join(named)}" if named else NAV_TITLE


def _chart(runner: Runner, view: str, topic: str | None, org: str | None, pollster: str | None):
    if view == "survey":
        return runner.chart(charts.survey_chart, runner.query(queries.survey_results, topic), topic=topic)
    if view == "trust":
        polls = runner.query(queries.poll_results, org, pollster)
        return runner.chart(charts.trust_chart, polls, organisation_type=org, pollster=pollster)
    timeline = runner.query(queries.timeline, queries.LOCAL_GOVERNMENT, topic, org, pollster)
    return runner.chart(
        charts.timeline_chart, timeline, queries.LOCAL_GOVERNMENT, incident_sources=sources(runner, "ico_rows")
    )


def build(runner: Runner, values: dict[str, Any], *, everything: bool = False) -> PageView:
    """The chosen view's chart (every view's when `everything`, as in the briefing note and pack): council surveys
    (one topic or all), public trust (filtered polls), or the linked view of both beside the ICO's counts."""
    info = meta(runner)
    topic, org, pollster = _chosen(values["topic"]), _chosen(values["org"]), _chosen(values["pollster"])
    shown = list(VIEWS) if everything else [values["view"]]
    specs = {name: _chart(runner, name, topic, org, pollster) for name in shown}
    used = {name for view in shown for name in FILTERS[view]}
    hidden = tuple(p.name for p in PARAMS if p.name != "view" and p.name not in used)
    filters = describe(PARAMS, runner, values, hidden=hidden + (("view",) if everything else ()))
    return page_view(
        PAGE,
        TITLE,
        view_title(values, everything=everything),
        info,
        figures=specs,
        filters=filters,
        extra={"headings": HEADINGS, "views": VIEWS},
    )
