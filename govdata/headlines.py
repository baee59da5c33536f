"""Headline figures and paste-ready sentences, each computed from the same QueryResult as the figure it states.

Input: govdata.queries.incidents.headline_figures() (counts; one row per kind: 'quarter' = latest comparable
quarter, 'year' = latest complete year). Output: Headline objects carrying the number shown on the page, its delta
and the sentence. The card and the sentence state the same text, made once by govdata.numbers from the counts
(exact ratio, rounded once, half up), so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from govdata import numbers, quarters
from govdata.charts.incidents import scope_text
from govdata.queries.base import QueryResult
from govdata.stats import MIN_BASE, small_base

SAMPLE_PREFIX = "[SAMPLE DATA: simulated, not real figures] "
WITHIN_72H_WORDS = "were reported within 72 hours (Time Taken to Report under 24 hours or 24 to 72 hours)"
SMALL_BASE_WORDS = f"; fewer than {MIN_BASE} reports, so treat the share with caution"


@dataclass(frozen=True)
class Headline:
    """One headline figure: metric label, displayed value, delta text (or None) and a paste-ready sentence."""

    key: str  # e.g. 'year-incidents', 'quarter-cyber-share'
    label: str
    value: str
    delta: str | None
    sentence: str


def _from_sectors(sectors: Sequence[str]) -> str:
    return "" if not sectors else f" from organisations in {scope_text(sectors)}"


def _revised(revision: tuple[int, str] | None) -> str:
    """' (revised from 3,150 in the previous release, data to Q4 2024)' or ''."""
    if revision is None:
        return ""
    previous, runs_to = revision
    return f" (revised from {numbers.count(previous)} in the previous release, data to {quarters.text(runs_to)})"


def headlines(
    result: QueryResult | pd.DataFrame,
    *,
    sectors: Sequence[str] = (),
    is_sample: bool = False,
    revised: Mapping[str, tuple[int, str]] | None = None,
) -> list[Headline]:
    """Headlines for each row of headline_figures(): reports (with change on a year earlier), cyber share and
    share reported within 72 hours. Sentences start with a sample label when `is_sample`. `revised` (from
    govdata.queries.releases.headline_revisions) adds "revised from N in the previous release" to a kind's
    report count when the release shown changed it."""
    frame = result.data if isinstance(result, QueryResult) else result
    prefix = SAMPLE_PREFIX if is_sample else ""
    out: list[Headline] = []
    for row in frame.itertuples(index=False):
        when = row.period
        earlier = row.previous_period
        incidents = int(row.incidents)
        source = _from_sectors(sectors)
        previous = None if numbers.missing(row.incidents_year_earlier) else int(row.incidents_year_earlier)
        change = numbers.change_words(incidents, previous, earlier) if previous else ""
        sentence = (
            f"In {when} the ICO received {numbers.count(incidents)} personal data breach reports{source}"
            + _revised((revised or {}).get(row.kind))
        )
        if change:
            sentence += f", {change} ({numbers.count(previous)})"
        out.append(
            Headline(
                key=f"{row.kind}-incidents",
                label=f"Reports in {when}",
                value=numbers.count(incidents),
                delta=f"{numbers.change_text(incidents, previous)} on {earlier}" if change else None,
                sentence=prefix + sentence + ".",
            )
        )
        if incidents == 0:
            continue
        caution = SMALL_BASE_WORDS if small_base(incidents) else ""
        cyber, within = int(row.cyber), int(row.within_72h)
        cyber_share, within_share = numbers.share_text(cyber, incidents), numbers.share_text(within, incidents)
        cyber_sentence = (
            f"{prefix}Cyber incidents made up {cyber_share} of the personal data breach reports the ICO "
            f"received{source} in {when} ({numbers.count(cyber)} of {numbers.count(incidents)}{caution})."
        )
        within_sentence = (
            f"{prefix}In {when}, {within_share} of personal data breach reports to the ICO{source} "
            f"({numbers.count(within)} of {numbers.count(incidents)}{caution}) {WITHIN_72H_WORDS}."
        )
        # shares carry no change on the year (delta None)
        out.append(Headline(f"{row.kind}-cyber-share", f"Cyber share, {when}", cyber_share, None, cyber_sentence))
        label = f"Reported within 72 hours, {when}"
        out.append(Headline(f"{row.kind}-within-72h", label, within_share, None, within_sentence))
    return out
