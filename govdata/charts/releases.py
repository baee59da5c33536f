"""What changed between two ICO releases, as tables, one summary paragraph and a chart of the revised quarters.
Built from govdata.queries.releases results; never imports Streamlit. Counts are written by govdata.numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from govdata import numbers, quarters
from govdata.charts.base import PALETTE, listing, style
from govdata.figures import FigureSpec, Source
from govdata.queries.base import QueryResult
from govdata.queries.releases import DIMENSIONS

UP, DOWN = PALETTE[0], PALETTE[5]  # blue: more incidents in the later release; vermilion: fewer


@dataclass
class ReleaseComparison:
    """Everything the "what changed" view shows for one pair of releases. Frames keep raw column names (labels come
    from govdata.tables when shown): year + quarter, old_incidents ("from" release), new_incidents, difference."""

    old_label: str
    new_label: str
    summary: str  # one paragraph, every figure from the frames below
    added: pd.DataFrame  # year, quarter, incidents
    removed: pd.DataFrame  # year, quarter, incidents
    revised: pd.DataFrame  # year, quarter, difference, old_incidents, new_incidents
    breakdown: pd.DataFrame  # year, quarter, <dimension>, difference, old_incidents, new_incidents
    vocabulary: pd.DataFrame  # dimension (label), value, change ('appeared'/'disappeared'), incidents
    chart: FigureSpec | None = None  # differences per revised quarter; None when nothing was revised
    queries: list[QueryResult] = field(default_factory=list)


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


def _chart(
    revised: pd.DataFrame, old_label: str, new_label: str, sources: list[Source], queries: list[QueryResult]
) -> FigureSpec:
    labels = [quarters.label(y, q) for y, q in zip(revised["year"], revised["quarter"])]
    differences = [int(v) for v in revised["difference"]]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=differences,
            marker_color=[UP if d > 0 else DOWN for d in differences],
            text=[signed(d) for d in differences],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [numbers.count(o), numbers.count(n)] for o, n in zip(revised["old_incidents"], revised["new_incidents"])
            ],
            hovertemplate="%{x}: %{customdata[0]} → %{customdata[1]} (%{text})<extra></extra>",
        )
    )
    fig.update_layout(showlegend=False, bargap=0.5)
    fig.update_xaxes(type="category", title_text="Quarter revised")
    fig.update_yaxes(title_text="Difference in incidents", zeroline=True, zerolinecolor="#444")
    up, down = sum(d > 0 for d in differences), sum(d < 0 for d in differences)
    total = sum(differences)
    title = f"{_plural(len(labels), 'quarter')} revised, net {signed(total)}"
    summary = (
        f"{_plural(len(labels), 'quarter')} revised from the {old_label} to the {new_label}: "
        f"{up} up, {down} down, {len(labels) - up - down} with the same total but incidents moved between "
        f"sectors, categories or types; net change {signed(total)} incidents."
    )
    spec = FigureSpec(
        key="release-revisions",
        title=title,
        subtitle=f"Incidents per quarter in the {new_label} minus the {old_label}; revised quarters only",
        figure=fig,
        data=revised.copy(),
        summary=summary,
        sources=sources,
        queries=queries,
        notes=["A quarter is revised when any of its counts by sector x incident category x incident type differs."],
        alt_text=summary,
    )
    return style(spec, height=420)


def _summary(
    old: str,
    new: str,
    old_label: str,
    new_label: str,
    added: pd.DataFrame,
    removed: pd.DataFrame,
    revised: pd.DataFrame,
    vocab: pd.DataFrame,
) -> str:
    parts = []
    if old == new:
        parts.append("the same release is chosen twice, so nothing changed")
    for frame, words in ((added, "added"), (removed, "no longer in the later release")):
        if len(frame):
            parts.append(
                f"{_plural(len(frame), 'quarter')} {words} ("
                + _listing(
                    [
                        f"{quarters.label(y, q)}: {_incidents(n)}"
                        for y, q, n in zip(frame["year"], frame["quarter"], frame["incidents"])
                    ]
                )
                + ")"
            )
    if len(revised):
        parts.append(
            f"{_plural(len(revised), 'quarter')} revised ("
            + _listing(
                [
                    f"{quarters.label(y, q)}: {numbers.count(o)} to {numbers.count(n)}, {signed(d)}"
                    for y, q, o, n, d in zip(
                        revised["year"],
                        revised["quarter"],
                        revised["old_incidents"],
                        revised["new_incidents"],
                        revised["difference"],
                    )
                ]
            )
            + ")"
        )
    elif old != new:
        parts.append("no quarter revised")
    if len(vocab):
        groups = dict.fromkeys(zip(vocab["dimension"], vocab["change"]))
        parts.append(
            "; ".join(
                f"{DIMENSIONS[d].lower()} {c}: "
                + ", ".join(vocab.loc[(vocab["dimension"] == d) & (vocab["change"] == c), "value"])
                for d, c in groups
            )
        )
    elif old != new:
        parts.append("no sector, incident category or incident type appeared or disappeared")
    return listing(f"From the {old_label} to the {new_label}: ", parts)


def comparison(
    releases: QueryResult,
    changes: QueryResult,
    breakdown: QueryResult,
    vocabulary: QueryResult,
    *,
    old: str,
    new: str,
    dimension: str,
    sources: list[Source],
) -> ReleaseComparison:
    """The view for releases `old` -> `new` (sha256s) from releases(), quarter_changes(), revisions(dimension)
    and vocabulary_changes() results."""
    old_label, new_label = _labels(releases.data, old, new)
    changed = changes.data

    def part(status: str, columns: dict[str, str]) -> pd.DataFrame:
        rows = changed[changed["status"] == status]
        out = pd.DataFrame({"year": rows["year"], "quarter": rows["quarter"]})
        for name, source in columns.items():
            out[name] = rows[source].astype("int64")
        return out.reset_index(drop=True)

    added = part("added", {"incidents": "new_incidents"})
    removed = part("removed", {"incidents": "old_incidents"})
    # The difference first: on a phone it is the column still in view.
    revised = part(
        "revised", {"difference": "difference", "old_incidents": "old_incidents", "new_incidents": "new_incidents"}
    )
    rows = breakdown.data
    detail = pd.DataFrame(
        {
            "year": rows["year"],
            "quarter": rows["quarter"],
            dimension: rows["value"],
            "difference": rows["difference"].astype("int64"),
            "old_incidents": rows["old_incidents"].astype("int64"),
            "new_incidents": rows["new_incidents"].astype("int64"),
        }
    ).reset_index(drop=True)
    vocab = vocabulary.data.reset_index(drop=True)
    words = pd.DataFrame(
        {
            "dimension": [DIMENSIONS[d] for d in vocab["dimension"]],
            "value": vocab["value"],
            "change": vocab["change"],
            "incidents": vocab["incidents"].astype("int64"),
        }
    )
    queries = [changes, breakdown, vocabulary]
    chart = _chart(revised, old_label, new_label, sources, queries) if len(revised) else None
    return ReleaseComparison(
        old_label=old_label,
        new_label=new_label,
        summary=_summary(old, new, old_label, new_label, added, removed, revised, vocab),
        added=added,
        removed=removed,
        revised=revised,
        breakdown=detail,
        vocabulary=words,
        chart=chart,
        queries=queries,
    )


def releases_table(releases: QueryResult) -> pd.DataFrame:
    """The kept releases (raw names, labelled by govdata.tables), the short columns first (phones): label, shown
    now, incidents, fetched, first loaded, file, sha256. (The label names the quarter each runs to.)"""
    frame = releases.data
    columns = ["label", "is_current", "incidents", "fetched_at", "first_loaded_at", "file", "sha256"]
    return frame[columns].reset_index(drop=True)
