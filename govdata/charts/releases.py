"""What changed between two ICO releases, as tables, one summary paragraph and a chart of the revised quarters.
Built from govdata.queries.releases results; never imports Streamlit. Counts are written by govdata.numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from govdata import numbers
from govdata.charts.base import PALETTE, style
from govdata.figures import FigureSpec, Source
from govdata.queries.base import QueryResult
from govdata.queries.releases import DIMENSIONS

UP, DOWN = PALETTE[0], PALETTE[5]   # blue: more incidents in the later release; vermilion: fewer
FROM, TO = "From release", "To release"   # count columns (the summary and subtitle name the two releases)
CHANGE_WORDS = {"appeared": "appeared", "disappeared": "disappeared"}


@dataclass
class ReleaseComparison:
    """Everything the "what changed" view shows for one pair of releases."""
    old_label: str
    new_label: str
    summary: str                        # one paragraph, every figure from the tables below
    added: pd.DataFrame                 # Quarter, Incidents
    removed: pd.DataFrame               # Quarter, Incidents
    revised: pd.DataFrame               # Quarter, From release, To release, Difference
    breakdown: pd.DataFrame             # Quarter, <dimension>, From release, To release, Difference
    vocabulary: pd.DataFrame            # Breakdown, Value, Change, Incidents
    chart: FigureSpec | None = None     # differences per revised quarter; None when nothing was revised
    queries: list[QueryResult] = field(default_factory=list)


def _quarter(year, quarter) -> str:
    return f"Q{int(quarter)} {int(year)}"


def signed(value) -> str:
    """'+3', '-2', '0' (ASCII minus, thousands separated)."""
    value = int(value)
    return ("+" if value > 0 else "") + numbers.count(value)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _incidents(n) -> str:
    return f"{numbers.count(n)} incident{'' if int(n) == 1 else 's'}"


def _listing(items: list[str], limit: int = 6) -> str:
    shown = items[:limit]
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return "; ".join(shown) + more


def _labels(releases: pd.DataFrame, old: str, new: str) -> tuple[str, str]:
    labels = dict(zip(releases["sha256"], releases["label"]))
    old_label, new_label = labels.get(old, old[:12]), labels.get(new, new[:12])
    if old_label == new_label:
        new_label += " (same release)"
    return old_label, new_label


def _chart(revised: pd.DataFrame, old_label: str, new_label: str, sources: list[Source],
           queries: list[QueryResult]) -> FigureSpec:
    quarters = revised["Quarter"].tolist()
    differences = [int(v) for v in revised["Difference"]]
    fig = go.Figure(go.Bar(
        x=quarters, y=differences, marker_color=[UP if d > 0 else DOWN for d in differences],
        text=[signed(d) for d in differences], textposition="outside", cliponaxis=False,
        customdata=[[numbers.count(o), numbers.count(n)] for o, n in zip(revised[FROM], revised[TO])],
        hovertemplate="%{x}: %{customdata[0]} → %{customdata[1]} (%{text})<extra></extra>"))
    fig.update_layout(showlegend=False, bargap=0.5)
    fig.update_xaxes(type="category", title_text="Quarter revised")
    fig.update_yaxes(title_text="Difference in incidents", zeroline=True, zerolinecolor="#444")
    up, down = sum(d > 0 for d in differences), sum(d < 0 for d in differences)
    total = sum(differences)
    title = f"{_plural(len(quarters), 'quarter')} revised: net {signed(total)} incidents"
    summary = (f"{_plural(len(quarters), 'quarter')} revised from the {old_label} to the {new_label}: "
               f"{up} up, {down} down, {len(quarters) - up - down} with the same total but moved between "
               f"sectors, categories or types; net change {signed(total)} incidents.")
    spec = FigureSpec(
        key="release-revisions", title=title,
        subtitle=f"Incidents per quarter in the {new_label} minus the {old_label}; revised quarters only",
        figure=fig, data=revised.copy(), summary=summary, sources=sources, queries=queries,
        notes=["A quarter is revised when any of its counts by sector x incident category x incident type differs."],
        alt_text=summary)
    return style(spec, height=420)


def comparison(releases: QueryResult, changes: QueryResult, breakdown: QueryResult, vocabulary: QueryResult, *,
               old: str, new: str, dimension: str, sources: list[Source]) -> ReleaseComparison:
    """The view for releases `old` -> `new` (sha256s) from releases(), quarter_changes(), revisions(dimension)
    and vocabulary_changes() results."""
    old_label, new_label = _labels(releases.data, old, new)
    dimension_label = DIMENSIONS[dimension]
    quarters = changes.data.copy()
    quarters["Quarter"] = [_quarter(y, q) for y, q in zip(quarters["year"], quarters["quarter"])]

    def pick(status: str, column: str) -> pd.DataFrame:
        part = quarters[quarters["status"] == status]
        return pd.DataFrame({"Quarter": part["Quarter"], "Incidents": part[column].astype("int64")})

    added, removed = pick("added", "new_incidents"), pick("removed", "old_incidents")
    part = quarters[quarters["status"] == "revised"]
    revised = pd.DataFrame({"Quarter": part["Quarter"], FROM: part["old_incidents"].astype("int64"),
                            TO: part["new_incidents"].astype("int64"),
                            "Difference": part["difference"].astype("int64")})
    rows = breakdown.data
    detail = pd.DataFrame({"Quarter": [_quarter(y, q) for y, q in zip(rows["year"], rows["quarter"])],
                           dimension_label: rows["value"], FROM: rows["old_incidents"].astype("int64"),
                           TO: rows["new_incidents"].astype("int64"),
                           "Difference": rows["difference"].astype("int64")})
    vocab = vocabulary.data
    words = pd.DataFrame({"Breakdown": [DIMENSIONS[d] for d in vocab["dimension"]], "Value": vocab["value"],
                          "Change": [CHANGE_WORDS[c] for c in vocab["change"]],
                          "Incidents": vocab["incidents"].astype("int64")})
    added, removed, revised, detail, words = (frame.reset_index(drop=True)
                                              for frame in (added, removed, revised, detail, words))

    parts = []
    if old == new:
        parts.append("the same release is chosen twice, so nothing changed")
    if len(added):
        parts.append(f"{_plural(len(added), 'quarter')} added (" + _listing(
            [f"{q}: {_incidents(n)}" for q, n in zip(added["Quarter"], added["Incidents"])]) + ")")
    if len(removed):
        parts.append(f"{_plural(len(removed), 'quarter')} no longer in the later release (" + _listing(
            [f"{q}: {_incidents(n)}" for q, n in zip(removed["Quarter"], removed["Incidents"])]) + ")")
    if len(revised):
        parts.append(f"{_plural(len(revised), 'quarter')} revised (" + _listing(
            [f"{q}: {numbers.count(o)} to {numbers.count(n)}, {signed(d)}" for q, o, n, d in
             zip(revised["Quarter"], revised[FROM], revised[TO], revised["Difference"])]) + ")")
    elif old != new:
        parts.append("no quarter revised")
    if len(words):
        parts.append("; ".join(f"{DIMENSIONS[d].lower()} {c}: " + ", ".join(vocab.loc[
            (vocab["dimension"] == d) & (vocab["change"] == c), "value"]) for d, c in
            dict.fromkeys(zip(vocab["dimension"], vocab["change"]))))
    elif old != new:
        parts.append("no sector, incident category or incident type appeared or disappeared")
    summary = f"From the {old_label} to the {new_label}: " + "; ".join(parts) + "."
    queries = [changes, breakdown, vocabulary]
    chart = _chart(revised, old_label, new_label, sources, queries) if len(revised) else None
    return ReleaseComparison(old_label=old_label, new_label=new_label, summary=summary, added=added,
                             removed=removed, revised=revised, breakdown=detail, vocabulary=words, chart=chart,
                             queries=queries)


def releases_table(releases: QueryResult) -> pd.DataFrame:
    """The kept releases for people: label, file, data to, fetched, first loaded, incidents, shown now."""
    frame = releases.data
    return pd.DataFrame({
        "Release": frame["label"], "File": frame["file"], "Data to": frame["runs_to"],
        "Fetched (UTC)": [("" if pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d %H:%M}") for v in frame["fetched_at"]],
        "First loaded (UTC)": [f"{pd.Timestamp(v):%Y-%m-%d %H:%M}" for v in frame["first_loaded_at"]],
        "Incidents": frame["incidents"].astype("int64"),
        "Shown now": ["yes" if v else "" for v in frame["is_current"]],
        "SHA-256": frame["sha256"],
    })
