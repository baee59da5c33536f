"""What every chart carries: finding title, subtitle, source line, the data plotted, a summary and its query.

A FigureSpec is built by the core package (no Streamlit) and rendered by ui/ on screen, by govdata.export into
files, and by the briefing pack into a ZIP: one object, so the screen and every export say the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

OGL_ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
SAMPLE_LABEL = "SAMPLE DATA: simulated rows shaped like the ICO release; not real incidents."


@dataclass(frozen=True)
class Source:
    """One cited source for a chart."""

    publisher: str
    title: str
    url: str = ""
    licence: str = ""              # e.g. "Open Government Licence v3.0"
    release_date: str = ""         # as the publisher states it, e.g. "2024-11-21" or "March 2017"
    is_sample: bool = False

    def line(self) -> str:
        parts = [f"Source: {self.publisher}, {self.title}"]
        if self.release_date:
            parts.append(f"released {self.release_date}")
        text = ", ".join(parts) + "."
        if self.licence == "Open Government Licence v3.0":
            text += " " + OGL_ATTRIBUTION
        elif self.licence:
            text += f" Licence: {self.licence}."
        return text

    def harvard(self, accessed: str) -> str:
        """Harvard-style citation."""
        year = self.release_date[:4] if self.release_date[:4].isdigit() else "n.d."
        text = f"{self.publisher} ({year}) {self.title}."
        if self.url:
            text += f" Available at: {self.url} (Accessed: {accessed})."
        return text


@dataclass
class FigureSpec:
    """A chart and everything shown or exported with it."""

    key: str                        # stable id, used in file names: 'trends-by-category'
    title: str                      # states the finding, computed from `data`
    subtitle: str                   # measure and period
    figure: go.Figure
    data: pd.DataFrame              # exactly the data plotted
    summary: str                    # one sentence, computed from `data`
    sources: list[Source] = field(default_factory=list)
    queries: list = field(default_factory=list)   # QueryResult objects behind the chart ("show query")
    notes: list[str] = field(default_factory=list)  # series breaks, caveats
    alt_text: str = ""

    @property
    def is_sample(self) -> bool:
        return any(s.is_sample for s in self.sources)

    def source_text(self) -> str:
        lines = [s.line() for s in self.sources]
        if self.is_sample:
            lines.insert(0, SAMPLE_LABEL)
        return " ".join(lines)
