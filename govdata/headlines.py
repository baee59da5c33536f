"""Headline figures and paste-ready sentences, each computed from the same QueryResult as the figure it states.

Input: govdata.queries.incidents.headline_figures() (one row per kind: 'quarter' = latest comparable quarter,
'year' = latest complete year). Output: Headline objects carrying the number shown on the page, its delta and
the sentence, so the metric and the sentence cannot disagree.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from govdata.charts.incidents import quarter_label, scope_text
from govdata.queries.base import QueryResult

SAMPLE_PREFIX = "[SAMPLE DATA: simulated, not real figures] "
WITHIN_72H_WORDS = "were reported within 72 hours (Time Taken to Report under 24 hours or 24 to 72 hours)"


@dataclass(frozen=True)
class Headline:
    """One headline figure: metric label, displayed value, delta text (or None) and a paste-ready sentence."""

    key: str            # e.g. 'year-incidents', 'quarter-cyber-share'
    label: str
    value: str
    delta: str | None
    sentence: str


def _whole(value: float) -> str:
    return f"{abs(value):.0f}%"


def _change(change: float, earlier: str) -> str:
    if round(change) == 0:
        return f"about the same as in {earlier}"
    return f"{'up' if change > 0 else 'down'} {_whole(change)} on {earlier}"


def _from_sectors(sectors: Sequence[str]) -> str:
    return "" if not sectors else f" from organisations in {scope_text(sectors)}"


def headlines(result: QueryResult | pd.DataFrame, *, sectors: Sequence[str] = (),
              is_sample: bool = False) -> list[Headline]:
    """Headlines for each row of headline_figures(): reports (with change on a year earlier), cyber share and
    share reported within 72 hours. Sentences start with a sample label when `is_sample`."""
    frame = result.data if isinstance(result, QueryResult) else result
    prefix = SAMPLE_PREFIX if is_sample else ""
    out: list[Headline] = []
    for row in frame.itertuples(index=False):
        when = quarter_label(row.period)
        earlier = quarter_label(row.previous_period)
        incidents = int(row.incidents)
        source = _from_sectors(sectors)
        has_change = pd.notna(row.change_pct) and pd.notna(row.incidents_year_earlier)
        sentence = f"In {when} the ICO received {incidents:,} personal data breach reports{source}"
        if has_change:
            sentence += f", {_change(row.change_pct, earlier)} ({int(row.incidents_year_earlier):,})"
        out.append(Headline(
            key=f"{row.kind}-incidents", label=f"Reports in {when}", value=f"{incidents:,}",
            delta=f"{row.change_pct:+.1f}% on {earlier}" if has_change else None,
            sentence=prefix + sentence + "."))
        if incidents == 0:
            continue
        out.append(Headline(
            key=f"{row.kind}-cyber-share", label=f"Cyber share, {when}", value=f"{row.cyber_share_pct:.1f}%",
            delta=None,
            sentence=(f"{prefix}Cyber incidents made up {row.cyber_share_pct:.0f}% of the personal data breach "
                      f"reports the ICO received{source} in {when} ({int(row.cyber):,} of {incidents:,}).")))
        out.append(Headline(
            key=f"{row.kind}-within-72h", label=f"Reported within 72 hours, {when}",
            value=f"{row.within_72h_share_pct:.1f}%", delta=None,
            sentence=(f"{prefix}In {when}, {row.within_72h_share_pct:.0f}% of personal data breach reports to the "
                      f"ICO{source} ({int(row.within_72h):,} of {incidents:,}) {WITHIN_72H_WORDS}.")))
    return out
