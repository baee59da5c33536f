"""Council survey, public-trust poll and linked-timeline charts: query results -> FigureSpec.

Percentages carry a 95% Wilson interval where the base n is published; where it is not, the point is drawn hollow
and the notes say so. Figures a source gives only in words ('a third', 'just under half') stay in the data table of
the query but are not plotted. Titles and summaries are computed from the data plotted.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from govdata import numbers, vocabulary
from govdata.charts.base import (
    NEUTRAL,
    OTHER_COLOUR,
    PALETTE,
    SERIES_COLOURS,
    apply_rows,
    empty_spec,
    figure_spec,
    frame_of,
    listing,
    panel_vline,
    rows,
    stacked_panels,
    time_axis,
)
from govdata.figures import FigureSpec, Source, sources_from
from govdata.queries.base import QueryResult
from govdata.stats import wilson_pct

POLARITY_COLOUR = {"negative": PALETTE[5], "positive": PALETTE[0], "neutral": NEUTRAL}
POLARITY_LABEL = {
    "negative": "Share lacking the practice",
    "positive": "Share with the practice",
    "neutral": "Share (no good/bad direction)",
}
# Responses that express trust or confidence (polls word this differently; distrust/oppose answers are left out).
TRUST_RESPONSES = ("trust", "high", "high trust", "high (4-5 of 5)", "very/moderately trustworthy")
NO_CI_NOTE = "Hollow points: the base n was not published, so no confidence interval can be drawn."
CI_NOTE = "Bars: 95% Wilson score intervals from the published base n (sampling error only)."
TIMELINE_PANELS_PX = (200, 170, 170)
TIMELINE_MARKS = {"survey": (PALETTE[2], "Council survey figure"), "poll": (PALETTE[3], "Trust poll figure")}


def _year(value) -> str:
    return "date unknown" if pd.isna(value) else str(pd.Timestamp(value).year)


def _with_ci(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    ci = wilson_pct(frame["value_pct"], frame["base_n"])
    frame["ci_low"] = numbers.rounded_column(ci["ci_low"], 1)
    frame["ci_high"] = numbers.rounded_column(ci["ci_high"], 1)
    return frame


def _short_survey(row) -> str:
    # 'ico_lg_ig_survey_2016' -> 'ICO 2016': the id's first word names the publisher briefly.
    return f"{str(row['survey_id']).split('_')[0].upper()} {_year(row['figure_date'])}"


CITE_COLUMNS = ["cite_publisher", "cite_author", "cite_title", "cite_published", "accessed", "cite_licence"]
# every published figure's value, interval, date and citation, after the columns naming its survey or poll
FIGURE_COLUMNS = [
    "value_pct",
    "base_n",
    "ci_low",
    "ci_high",
    "value_text",
    "figure_date",
    "date_basis",
    "source_url",
    "notes",
    *CITE_COLUMNS,
]
RESPONSE_TOPIC = "Response"  # response counts and rates: shares of all authorities, not of respondents


def _data_date(frame: pd.DataFrame) -> str:
    """What the figures shown run to, ISO: the latest end of fieldwork, else publication date, else the date a
    figure is placed at (timeline rows)."""
    when = pd.to_datetime(frame["figure_date"])
    for column in ("published", "fieldwork_end"):  # later columns take precedence
        if column in frame:
            when = pd.to_datetime(frame[column]).fillna(when)
    when = when.dropna()
    return "" if when.empty else str(when.max().date())


def part_with_n_empty(frame: pd.DataFrame, polarity: str) -> bool:
    """True when no figure of this polarity has a base n (its hollow points then carry the legend entry)."""
    return not (frame["base_n"].notna() & (frame["polarity"] == polarity)).any()


def _spec(key, title, subtitle, fig, data, summary, frame: pd.DataFrame, result, notes, **kw) -> FigureSpec:
    """figure_spec for a chart of published figures only: sourced and dated from the figures in `frame`."""
    sources, date = sources_from(frame), _data_date(frame)
    return figure_spec(key, title, subtitle, fig, data, summary, sources, result, notes, data_date=date, **kw)


def _ci_error(frame: pd.DataFrame, value: str = "value_pct", *, thickness: float = 1.5, width: int = 4) -> dict:
    """Error bars from each point's `value` to its 95% interval (none where the interval is unknown)."""
    return dict(
        type="data",
        symmetric=False,
        array=(frame["ci_high"] - frame[value]).fillna(0).tolist(),
        arrayminus=(frame[value] - frame["ci_low"]).fillna(0).tolist(),
        thickness=thickness,
        width=width,
    )


def _points(size: int, colour, has_n) -> dict:
    """Point markers: solid where the base n is published, hollow where it is not."""
    return dict(size=size, color=colour, line=dict(width=2), symbol=["circle" if h else "circle-open" for h in has_n])


# ------------------------------------------------------------------------------------------ council surveys


def survey_chart(result: QueryResult | pd.DataFrame, topic: str | None = None) -> FigureSpec:
    """Dot chart of council survey percentages by indicator, coloured by polarity, with Wilson 95% intervals."""
    raw = frame_of(result).copy()
    words_only = int(raw["value_pct"].isna().sum())
    is_response = raw["topic"] == RESPONSE_TOPIC if "topic" in raw else pd.Series(False, index=raw.index)
    responses = int((raw["value_pct"].notna() & is_response).sum())
    frame = raw[raw["value_pct"].notna() & ~is_response]
    if frame.empty:
        return empty_spec(
            "surveys-results",
            "No council survey percentages match these filters",
            "Choose another filter value",
            pd.DataFrame(),
            [],
            result,
        )
    frame = _with_ci(frame)
    frame["survey"] = frame.apply(_short_survey, axis=1)
    frame["label"] = frame["indicator"] + " (" + frame["survey"] + ")"
    frame = frame.sort_values(["figure_date", "polarity", "value_pct"], ascending=[True, True, True])
    # One row per figure, its label above its dot: the dots get the plot's full width on a phone.
    layout = rows(list(frame["label"]))
    frame["row_y"] = layout.mark_y

    fig = go.Figure()
    for polarity in ("negative", "positive", "neutral"):
        for has_n in (True, False):
            part = frame[(frame["polarity"] == polarity) & (frame["base_n"].notna() == has_n)]
            if part.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=part["value_pct"],
                    y=part["row_y"],
                    mode="markers",
                    # one legend entry per colour; the notes explain hollow points (base n not published)
                    name=POLARITY_LABEL[polarity],
                    legendgroup=polarity,
                    showlegend=has_n or part_with_n_empty(frame, polarity),
                    marker=dict(
                        size=11,
                        color=POLARITY_COLOUR[polarity],
                        symbol="circle" if has_n else "circle-open",
                        line=dict(width=2),
                    ),
                    error_x=_ci_error(part) if has_n else None,
                    customdata=part[["value_text", "source_url", "base_n", "label"]].astype(str).values,
                    hovertemplate="%{customdata[3]}<br><b>%{x}%</b> (n=%{customdata[2]})<br>“%{customdata[0]}”"
                    "<br>%{customdata[1]}<extra></extra>",
                )
            )
    fig.update_xaxes(title_text="% of respondents", range=[0, 100], ticksuffix="%", side="top")
    height = apply_rows(fig, layout, extra_px=44)

    gaps = frame[frame["polarity"] == "negative"]
    if not gaps.empty:
        latest = gaps[gaps["figure_date"] == gaps["figure_date"].max()]
        top = latest.loc[latest["value_pct"].idxmax()]
        title = (
            f"{top['indicator']}: {numbers.pct_text(top['value_pct'])} of respondents in the {top['survey']} survey, "
            f"the largest reported gap in its latest survey"
        )
    else:
        top = frame.loc[frame["value_pct"].idxmax()]
        title = (
            f"{top['indicator']}: {numbers.pct_text(top['value_pct'])} of respondents ({top['survey']}), "
            "the highest figure shown"
        )
    # The same indicator reported with different values by different outlets.
    disagree = frame.groupby(["survey_id", "indicator"])["value_pct"].agg(lambda s: sorted(set(s)))
    disagree = disagree[disagree.map(len) > 1]
    with_ci = int(frame["ci_low"].notna().sum())
    surveys = frame.drop_duplicates("survey_id")
    summary = (
        f"{len(frame)} published percentages from {len(surveys)} survey(s) "
        f"({', '.join(surveys['survey'])}){' on ' + topic if topic else ''}; {with_ci} carry a 95% interval "
        f"from the base n and {len(frame) - with_ci} have no published base."
    )
    if len(disagree):
        summary += listing(
            " Outlets disagree on ",
            (f"'{ind}' ({' vs '.join(numbers.pct_text(v) for v in vals)})" for (_, ind), vals in disagree.items()),
        )
    notes = [CI_NOTE]
    if with_ci < len(frame):
        notes.append(NO_CI_NOTE)
    if words_only:
        notes.append(
            f"{words_only} figure(s) reported only in words (e.g. 'a third') are in the data table, not plotted."
        )
    if responses:
        notes.append(
            f"{responses} response rate(s) (shares of all authorities, not of respondents) are in the data "
            "table, not plotted on this axis."
        )
    notes.append("Question wordings marked 'Paraphrase' are reconstructed from press coverage, not the survey's own.")
    notes.append(
        "Survey results were transcribed from press and blog coverage of each survey; check the primary "
        "report before quoting."
    )
    data = frame[
        [
            "survey_id",
            "survey_name",
            "publisher",
            "topic",
            "indicator",
            "polarity",
            "question",
            *FIGURE_COLUMNS,
        ]
    ]
    subtitle = (
        f"Council information-governance survey results{' — ' + topic if topic else ''}, % of responding "
        f"councils or staff, {_year(frame['figure_date'].min())}-{_year(frame['figure_date'].max())}"
    )
    return _spec("surveys-results", title, subtitle, fig, data, summary, frame, result, notes, height=height)


# --------------------------------------------------------------------------------------------- trust polls


def trust_chart(
    result: QueryResult | pd.DataFrame, organisation_type: str | None = None, pollster: str | None = None
) -> FigureSpec:
    """Trust in organisations' handling of personal data over time: one line per poll series (same publisher,
    pollster, question, organisation and answer), coloured by organisation type, Wilson intervals where n known."""
    raw = frame_of(result).copy()
    frame = raw[raw["value_pct"].notna() & raw["response"].isin(TRUST_RESPONSES)]
    undated = int(frame["figure_date"].isna().sum())
    frame = frame[frame["figure_date"].notna()]
    if frame.empty:
        return empty_spec(
            "surveys-trust",
            "No dated trust figures match these filters",
            "Choose another filter value",
            pd.DataFrame(),
            [],
            result,
        )
    frame = _with_ci(frame)
    frame["figure_date"] = pd.to_datetime(frame["figure_date"])
    frame["series"] = (
        frame["organisation"]
        + " — "
        + frame["pollster"].where(frame["pollster"] != "Not stated", "pollster not stated")
        + " for "
        + frame["publisher"]
        + " ("
        + frame["response"]
        + ")"
    )
    # One colour per organisation type, for the types with most figures; any beyond the palette share grey
    # (named in a note), so the chart never repeats a colour. Picking one type above shows it alone.
    counts = frame["organisation_type"].value_counts()
    types = sorted(counts.index, key=lambda t: (-int(counts[t]), t))
    coloured = types[: len(SERIES_COLOURS)]
    grey = sorted(types[len(SERIES_COLOURS) :])
    grey_label = f"Other organisation types ({len(grey)})"
    legend_name = {t: (t if t in coloured else grey_label) for t in types}
    colour = {t: (SERIES_COLOURS[coloured.index(t)] if t in coloured else OTHER_COLOUR) for t in types}
    frame["legend_order"] = frame["organisation_type"].map(lambda t: types.index(t) if t in coloured else len(types))
    frame = frame.sort_values(["legend_order", "organisation_type", "series", "figure_date"])

    fig = go.Figure()
    shown_types: set[str] = set()
    for (otype, _series, _question), part in frame.groupby(["organisation_type", "series", "question"], sort=False):
        has_n = part["base_n"].notna()
        name = legend_name[otype]
        fig.add_trace(
            go.Scatter(
                x=part["figure_date"],
                y=part["value_pct"],
                mode="lines+markers" if len(part) > 1 else "markers",
                name=name,
                legendgroup=name,
                showlegend=name not in shown_types,
                line=dict(color=colour[otype], width=2),
                marker=_points(10, colour[otype], has_n),
                error_y=_ci_error(part, thickness=1.2, width=3),
                customdata=part[
                    ["organisation", "pollster", "publisher", "question", "response", "value_text", "date_basis"]
                ]
                .astype(str)
                .values,
                hovertemplate="<b>%{customdata[0]}</b>: %{y}% (%{customdata[4]})<br>%{customdata[1]} for "
                "%{customdata[2]}<br>%{customdata[3]}<br>“%{customdata[5]}”<br>"
                "dated by %{customdata[6]}<extra>" + otype + "</extra>",
            )
        )
        shown_types.add(name)
    fig.update_yaxes(title_text="% of adults", range=[0, 100], ticksuffix="%")
    fig.update_xaxes(title_text="")
    time_axis(fig)

    keys = ["series", "question"]
    changes = []
    for _, part in frame.groupby(keys):
        if part["figure_date"].nunique() > 1:
            first, last = part.iloc[0], part.iloc[-1]
            changes.append((abs(last["value_pct"] - first["value_pct"]), first, last))
    scope = (organisation_type or "organisations").lower() if organisation_type else "organisations"
    if changes:
        _, first, last = max(changes, key=lambda c: c[0])
        verb = (
            "fell"
            if last["value_pct"] < first["value_pct"]
            else "rose"
            if last["value_pct"] > first["value_pct"]
            else "held"
        )
        title = (
            f"Trust in {first['organisation']} {verb} from {numbers.pct_text(first['value_pct'])} "
            f"({_year(first['figure_date'])}) to {numbers.pct_text(last['value_pct'])} ({_year(last['figure_date'])}) "
            f"in the {first['publisher']} series ({first['pollster']})"
        )
    else:
        top = frame.loc[frame["value_pct"].idxmax()]
        low = frame.loc[frame["value_pct"].idxmin()]
        title = (
            f"Published trust figures for {scope} range from {numbers.pct_text(low['value_pct'])} "
            f"({low['organisation']}, "
            f"{_year(low['figure_date'])}) to {numbers.pct_text(top['value_pct'])} ({top['organisation']}, "
            f"{_year(top['figure_date'])})"
        )
    summary = (
        f"{len(frame)} dated trust figures from {frame['publisher'].nunique()} publisher(s) and "
        f"{frame['pollster'].nunique()} pollster label(s) between {_year(frame['figure_date'].min())} and "
        f"{_year(frame['figure_date'].max())}"
        f"{' for ' + organisation_type if organisation_type else ''}"
        f"{' by ' + pollster if pollster else ''}; {int(frame['ci_low'].notna().sum())} have a published base n."
    )
    notes = [
        "Lines join only the same question, answer and organisation from the same publisher; wording differs "
        "between pollsters, so compare levels across pollsters with care.",
        CI_NOTE,
    ]
    if frame["ci_low"].isna().any():
        notes.append(NO_CI_NOTE)
    if undated:
        notes.append(f"{undated} trust figure(s) whose date the source does not give are not plotted.")
    if grey:
        notes.append(
            f"Grey: {', '.join(grey)} (the {len(SERIES_COLOURS)} organisation types with most figures "
            "have a colour each; choose an organisation type to see one alone)."
        )
    notes.append("Points sit at the fieldwork midpoint, else the publication date; year-only sources at mid-year.")
    data = frame[
        [
            "poll_id",
            "poll_name",
            "publisher",
            "pollster",
            "organisation",
            "organisation_type",
            "question",
            "response",
            *FIGURE_COLUMNS,
        ]
    ]
    subtitle = (
        "Share of adults who trust or have high confidence in an organisation's handling of personal data, "
        f"{_year(frame['figure_date'].min())}-{_year(frame['figure_date'].max())}"
    )
    return _spec("surveys-trust", title, subtitle, fig, data, summary, frame, result, notes)


# ------------------------------------------------------------------------------------------ linked timeline


def timeline_chart(
    result: QueryResult | pd.DataFrame, sector: str = "Local government", *, incident_sources: list[Source] = ()
) -> FigureSpec:
    """Three panels on one shared time axis: ICO incidents per year for `sector`, council survey figures, polls.

    `incident_sources`: the provenance Source(s) of the incident counts (a sample says so). Survey, poll and
    earlier-count figures are cited from their own pages; only the incident panel can be simulated, and the
    label, watermark and per-row data_status say exactly that."""
    frame = frame_of(result).copy()
    if frame.empty:
        return empty_spec(
            "surveys-timeline",
            "No incident, survey or poll figures match these filters",
            "Choose another filter value",
            pd.DataFrame(),
            [],
            result,
        )
    frame["figure_date"] = pd.to_datetime(frame["figure_date"])
    fig, height, margin = stacked_panels(
        (
            f"ICO incident reports, {sector}, per calendar year",
            "Council information-governance surveys, % of respondents",
            "Public trust polls, % of adults",
        ),
        TIMELINE_PANELS_PX,
    )
    inc = frame[(frame["panel"] == "incidents") & frame["comparable"].astype(bool)]
    earlier = frame[(frame["panel"] == "incidents") & ~frame["comparable"].astype(bool)]
    if not inc.empty:
        full = inc["quarters"].fillna(4) >= 4
        fig.add_trace(
            go.Bar(
                x=inc["figure_date"],
                y=inc["value"],
                name="ICO incidents (comparable quarters)",
                marker=dict(color=[PALETTE[0] if f else "rgba(0,114,178,0.35)" for f in full]),
                text=inc["label"],
                textposition="none",
                customdata=[numbers.count(int(v)) for v in inc["value"]],
                hovertemplate="%{text}: %{customdata} incidents<extra></extra>",
                width=1000 * 3600 * 24 * 250,
            ),
            row=1,
            col=1,
        )
    if not earlier.empty:
        fig.add_trace(
            go.Scatter(
                x=earlier["figure_date"],
                y=earlier["value"],
                mode="markers",
                name="Earlier published count (not comparable)",
                marker=dict(symbol="diamond-open", size=12, color=NEUTRAL),
                text=earlier["label"],
                hovertemplate="%{text}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    for panel, row in (("survey", 2), ("poll", 3)):
        part = frame[frame["panel"] == panel].copy()
        if part.empty:
            continue
        part["value_pct"] = part["value"]
        part = _with_ci(part)
        # One colour per panel and one legend entry: a panel can hold dozens of series (the hover and the data
        # table name each), and a legend of every series name would bury the plot on a phone.
        colour, legend = TIMELINE_MARKS[panel]
        for i, (series, points) in enumerate(part.groupby("series", sort=False)):
            has_n = points["base_n"].notna()
            fig.add_trace(
                go.Scatter(
                    x=points["figure_date"],
                    y=points["value"],
                    mode="markers",
                    name=legend,
                    legendgroup=panel,
                    showlegend=i == 0,
                    marker=_points(9, colour, has_n),
                    error_y=_ci_error(points, "value", thickness=1, width=2),
                    text=points["label"],
                    hovertemplate="%{text}: %{y}%<extra>" + series[:40] + "</extra>",
                ),
                row=row,
                col=1,
            )
        fig.update_yaxes(range=[0, 100], ticksuffix="%", row=row, col=1)
    fig.update_yaxes(title_text="incidents", rangemode="tozero", row=1, col=1)
    gdpr = pd.Timestamp(vocabulary.GDPR_START)
    fig.update_layout(shapes=[panel_vline(a, gdpr) for a in ("", "2", "3")])
    time_axis(fig)
    fig.update_xaxes(
        range=[frame["figure_date"].min() - pd.Timedelta(days=200), frame["figure_date"].max() + pd.Timedelta(days=200)]
    )

    surveys = frame[frame["panel"] == "survey"]
    polls = frame[frame["panel"] == "poll"]
    full_years = inc[inc["quarters"].fillna(0) >= 4]
    parts = []
    if not full_years.empty:
        last = full_years.iloc[-1]
        parts.append(
            f"{sector} reported {numbers.count(int(last['value']))} incidents to the ICO in {last['figure_date'].year}"
        )
    elif not inc.empty:
        parts.append(f"{sector} incident reports cover only part years ({', '.join(inc['label'])})")
    else:
        parts.append(f"No comparable ICO incident reports for {sector}")
    if not surveys.empty:
        parts.append(f"the latest council survey figures date from {surveys['figure_date'].max().year}")
    if not polls.empty:
        parts.append(f"the latest trust poll from {polls['figure_date'].max().year}")
    title = parts[0] + ("; " + " and ".join(parts[1:]) if len(parts) > 1 else "")
    span = lambda f: f"{f['figure_date'].min().year}-{f['figure_date'].max().year}" if not f.empty else "none"  # noqa: E731
    summary = (
        f"On one time axis: {len(inc)} year(s) of comparable ICO incident counts ({span(inc)}), "
        f"{len(surveys)} council survey figures ({span(surveys)}) and {len(polls)} poll figures ({span(polls)}); "
        "they measure different things, so the view shows what evidence exists when, not cause and effect."
    )
    notes = [
        "Incidents: distinct ICO reports from comparable quarters (from Q2 2019); pale bars are part years.",
        "Earlier published counts (e.g. ICO April 2013-March 2014) used a different recording system.",
        "Dashed line: GDPR in force (25 May 2018).",
        CI_NOTE,
    ]
    incident_sources = list(incident_sources) if not inc.empty else []
    sources = incident_sources + sources_from(frame)
    sample_part = "the incident panel (top)" if any(s.is_sample for s in incident_sources) else ""
    data = frame[
        [
            "panel",
            "series",
            "figure_date",
            "date_basis",
            "value",
            "unit",
            "label",
            "base_n",
            "quarters",
            "comparable",
            "data_status",
            "publisher",
            "source_url",
        ]
        + CITE_COLUMNS
    ]
    notes.append(
        "Hollow points: base n not published (no interval). Each point's series is named in the data "
        "table (and on screen when you point at it)."
    )
    spec = figure_spec(
        "surveys-timeline",
        title,
        f"{sector}: ICO incident reports beside council survey and public-trust figures, on one time axis",
        fig,
        data,
        summary,
        sources,
        result,
        notes,
        height=height,
        margin=margin,
        data_date=_data_date(frame),
        sample_part=sample_part,
    )
    if sample_part:
        # the "SAMPLE DATA" watermark belongs on the simulated panel only: the survey and poll panels are real
        for image in spec.figure.layout.images:
            if image.name == "sample-watermark":
                image.update(xref="x domain", yref="y domain")
    return spec
