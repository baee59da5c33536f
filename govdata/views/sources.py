"""Sources and methods: what was loaded and how, and what changed between the ICO releases kept in the warehouse
(the only charted part; the provenance, schema and query tables are drawn by the page)."""

from __future__ import annotations

from typing import Any

from govdata.charts import releases as release_views
from govdata.queries import releases
from govdata.views.base import PageView, Runner, meta, page_view, sources
from govdata.views.params import Param

PAGE = "sources"
NAV_TITLE = "Sources"
TITLE = "Sources and methods"
INTRO = (
    "Every source the warehouse was built from, what each load kept and rejected, what changed between the "
    "ICO releases loaded, the limitations the ICO states for its data, the definitions this dashboard uses, "
    "and the SQL behind each chart."
)
RELEASES = "releases"  # the place of the "what changed" section on the page


def _release_options(runner: Runner, values) -> dict[str, str]:
    history = runner.query(releases.releases).data
    return dict(zip(history["release_id"], history["label"]))


def _current(runner: Runner) -> tuple[list[str], int]:
    history = runner.query(releases.releases).data
    ids = list(history["release_id"])
    shown = history.index[history["is_current"]]
    return ids, int(shown[0]) if len(shown) else len(ids) - 1


def _default_to(runner: Runner, values, options) -> str | None:
    ids, position = _current(runner)
    return ids[position] if ids else None


def _default_from(runner: Runner, values, options) -> str | None:
    """The release before the one shown (or after it, when the one shown is the oldest)."""
    ids, position = _current(runner)
    if len(ids) < 2:
        return ids[0] if ids else None
    return ids[position - 1] if position > 0 else ids[1]


PARAMS = (
    Param("from_release", "choice", "From release", options=_release_options, default=_default_from),
    Param("to_release", "choice", "To release", options=_release_options, default=_default_to),
    Param(
        "revised_by",
        "choice",
        "Break revisions down by",
        options=dict(releases.DIMENSIONS),
        default="sector",
        widget="radio",
    ),
)


def build(runner: Runner, values: dict[str, Any], *, everything: bool = False) -> PageView:
    info = meta(runner)
    shown = page_view(PAGE, TITLE, TITLE, info, extra={"meta": info})
    kept = runner.query(releases.releases)
    shown.extra["releases"] = kept
    ids = dict(zip(kept.data["release_id"], kept.data["sha256"]))
    if len(ids) >= 2 and values.get("from_release") in ids and values.get("to_release") in ids:
        old, new, dimension = ids[values["from_release"]], ids[values["to_release"]], values["revised_by"]
        comparison = runner.chart(
            release_views.comparison,
            kept,
            runner.query(releases.quarter_changes, old, new),
            runner.query(releases.revisions, old, new, dimension),
            runner.query(releases.vocabulary_changes, old, new),
            old=old,
            new=new,
            dimension=dimension,
            sources=sources(runner, "ico_rows"),
        )
        shown.extra["comparison"] = comparison
        if comparison.chart is not None:
            shown.figures["revisions"] = comparison.chart
    return shown
