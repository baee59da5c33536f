"""Tables for people: a data frame in its display form, with no Streamlit.

Every table the app shows (chart data tables, context figures, the checklist, provenance, load reports, the schema,
scenario results) goes through `display_table`: column labels come from one vocabulary (COLUMNS), internal ids and
bookkeeping columns are left out, a year + quarter pair becomes one period ("Q4 2024", or "2024" for whole years),
true/false reads "Yes"/"No", and blanks are shown as BLANK. Values are not rounded here: counts are shown whole
with thousands separators and shares/estimates with the places the one number module rounds them to. The raw
columns stay in the CSV/XLSX downloads (govdata.export writes spec.data, never this form).

A DisplayTable keeps typed values (so a sortable grid sorts numbers as numbers and dates as dates) plus a Column
per shown column; `text()` gives the same cells as strings for static tables and documents. ui/tables.py turns the
Columns into Streamlit column settings.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import pandas as pd

from govdata import numbers, quarters
from govdata.stats import MIN_BASE

BLANK = "–"  # en dash: what an empty cell shows

# Kinds of column and how each is written. Places for shares and estimates come from govdata.numbers, where they
# are rounded (once); a display never rounds to fewer places than that.
TEXT, COUNT, PCT, PROPORTION, ESTIMATE, NUMBER, DATE, DATETIME, QUARTER, YEAR, FLAG = (
    "text",
    "count",
    "pct",
    "proportion",
    "estimate",
    "number",
    "date",
    "datetime",
    "quarter",
    "year",
    "flag",
)
NUMERIC_KINDS = frozenset({COUNT, PCT, PROPORTION, ESTIMATE, NUMBER})
MAX_AUTO_PLACES = 2  # NUMBER columns (e.g. a 4-quarter mean, a cited figure): whole if all whole, else up to this


@dataclass(frozen=True)
class Column:
    """How one column is shown: its label, its kind (above) and an optional tooltip."""

    label: str
    kind: str = TEXT
    help: str = ""
    places: int | None = None  # decimals for PCT / PROPORTION / ESTIMATE / NUMBER (None: the kind's default)

    def decimals(self) -> int:
        if self.places is not None:
            return self.places
        if self.kind in (PCT, PROPORTION):
            return numbers.PCT_PLACES
        if self.kind == ESTIMATE:
            return numbers.ESTIMATE_PLACES
        return 0


# The one vocabulary of column labels. A column missing here is shown with its name in sentence case (and the
# vocabulary test lists it, so it gets a proper label).
COLUMNS: dict[str, Column] = {
    # periods and incidents
    "period": Column("Period"),
    "fy_label": Column("Financial year"),
    "fy_quarter": Column("Financial-year quarter"),
    "quarters_covered": Column("Quarters covered", COUNT),
    "complete": Column("Complete year", FLAG),
    "comparable": Column("Comparable with the ICO's series", FLAG, "No for Q1 2019: the ICO counts from Q2 2019"),
    "group": Column("Series"),
    "series": Column("Series"),
    "sector": Column("Sector"),
    "sheet": Column("Sheet"),
    "incident_category": Column("Incident category"),
    "incident_type": Column("Incident type"),
    "subjects_band": Column("Data subjects affected"),
    "time_to_report": Column("Time taken to report"),
    "decision": Column("ICO decision"),
    "data_subject_type": Column("Data subject type"),
    "data_type": Column("Data type"),
    "incidents": Column("Incidents", COUNT),
    "incident_count": Column("Incidents", COUNT),
    "period_total": Column("All incidents in the period", COUNT),
    "share_pct": Column("Share of the period (%)", PCT),
    "incidents_year_earlier": Column("Incidents a year earlier", COUNT),
    "change_pct": Column("Change on a year earlier (%)", PCT),
    "rolling_mean_4q": Column("4-quarter average", NUMBER),
    "cyber_incidents": Column("Cyber incidents", COUNT),
    "cyber_pct": Column("Cyber share (%)", PCT),
    "within_72h": Column("Reported within 72 hours", COUNT),
    "within_72h_pct": Column("Reported within 72 hours (%)", PCT),
    "pct_of_sector": Column("Share of the sector's incidents (%)", PCT),
    "rank": Column("Rank", COUNT),
    "current": Column("Incidents, latest period", COUNT),
    "previous": Column("Incidents, a year earlier", COUNT),
    "change": Column("Change", COUNT),
    "pct_change": Column("Change (%)", PCT),
    "quarters_compared": Column("Quarters compared", COUNT),
    "small_base": Column("Small base", FLAG, f"Yes: fewer than {MIN_BASE} incidents, so shares are unreliable"),
    # surveys, polls, context figures, checklist
    "survey_name": Column("Survey"),
    "poll_name": Column("Poll"),
    "publisher": Column("Publisher"),
    "pollster": Column("Pollster"),
    "topic": Column("Topic"),
    "indicator": Column("Indicator"),
    "question": Column("Question"),
    "organisation": Column("Organisation (as worded)"),
    "organisation_type": Column("Organisation type"),
    "response": Column("Response"),
    "population": Column("Population"),
    "value_pct": Column("Value (%)", PCT),
    "value_count": Column("Value (count)", COUNT),
    "base_n": Column("Base (respondents)", COUNT),
    "ci_low": Column("95% interval, low (%)", PCT),
    "ci_high": Column("95% interval, high (%)", PCT),
    "value_text": Column("Published wording"),
    "figure_date": Column("Date", DATE),
    "date_basis": Column("Date is the"),
    "fieldwork_start": Column("Fieldwork from", DATE),
    "fieldwork_end": Column("Fieldwork to", DATE),
    "published": Column("Published", DATE),
    "accessed": Column("Accessed", DATE),  # when a cited page was read (a date; blank for ICO rows)
    "title": Column("Title"),
    "period_start": Column("From", DATE),
    "period_end": Column("To", DATE),
    "category": Column("Category"),
    "value": Column("Value", NUMBER),
    "unit": Column("Unit"),
    "label": Column("Label"),
    "quarters": Column("Quarters", COUNT),
    "source_url": Column("Source"),
    "licence": Column("Licence"),
    "notes": Column("Notes"),
    "theme": Column("Theme"),
    "immature_example": Column("A less mature answer"),
    "mature_example": Column("A mature answer"),
    # provenance, load reports, schema
    "source": Column("Source"),
    "file": Column("File"),
    "sha256": Column("SHA-256"),
    "rows_read": Column("Rows read", COUNT),
    "rows_kept": Column("Rows kept", COUNT),
    "rows_rejected": Column("Rows rejected", COUNT),
    "loaded_at": Column("Loaded at", DATETIME),
    "release_date": Column("Publication date", DATE),
    "is_sample": Column("Sample data", FLAG),
    # ICO releases kept and what changed between two of them (govdata/queries/releases.py)
    "runs_to": Column("Data to"),
    "fetched_at": Column("Fetched (UTC)", DATETIME, "Blank: a file loaded by hand, not fetched"),
    "first_loaded_at": Column("First loaded (UTC)", DATETIME),
    "is_current": Column("Shown on the pages", FLAG),
    "old_incidents": Column("From release", COUNT, "Incidents in the release chosen as 'From release'"),
    "new_incidents": Column("To release", COUNT, "Incidents in the release chosen as 'To release'"),
    "difference": Column("Difference", COUNT, "Incidents in the 'To' release minus those in the 'From' release"),
    "dimension": Column("Breakdown"),
    "item": Column("Item"),
    "column": Column("Column"),
    "first_row": Column("First row", COUNT),
    "reason": Column("Reason"),
    "row": Column("Row", COUNT),
    "name": Column("Table or view"),
    "kind": Column("Kind"),
    "description": Column("Description"),
    "rows": Column("Rows", COUNT),
    "column_count": Column("Columns", COUNT),
    "columns": Column("Column names and types"),
    # scenarios
    "intervention": Column("Intervention"),
    "outcome": Column("Outcome"),
    "low": Column("Low", NUMBER),
    "mode": Column("Most likely", NUMBER),
    "high": Column("High", NUMBER),
    "basis": Column("Basis"),
    "rationale": Column("Rationale"),
    "most_likely": Column("Most likely", ESTIMATE),
    "median": Column("Median", ESTIMATE),
    "p05": Column("5th percentile", ESTIMATE),
    "p25": Column("25th percentile", ESTIMATE),
    "p75": Column("75th percentile", ESTIMATE),
    "p95": Column("95th percentile", ESTIMATE),
    "training_coverage": Column("Training coverage (%)", PROPORTION),
    "dpo_coverage": Column("DPO coverage (%)", PROPORTION),
    "class": Column("Incident class"),
    "incidents_in_window": Column("Incidents in the window", COUNT),
    "baseline_per_year": Column("A year now", ESTIMATE),
    "scenario_per_year": Column("A year, scenario", ESTIMATE),
    "avoided_most_likely": Column("Avoided a year, most likely", ESTIMATE),
    "avoided_median": Column("Avoided a year, median", ESTIMATE),
    "avoided_p05": Column("Avoided a year, 5th percentile", ESTIMATE),
    "avoided_p95": Column("Avoided a year, 95th percentile", ESTIMATE),
    "assumption": Column("Assumption"),
    "measure": Column("Measure"),
    "input_low": Column("Assumption at low", NUMBER),
    "input_high": Column("Assumption at high", NUMBER),
    "headline_at_low": Column("Incidents avoided at low", ESTIMATE),
    "headline_at_high": Column("Incidents avoided at high", ESTIMATE),
    "central": Column("Incidents avoided, central", ESTIMATE),
    "swing": Column("Swing", ESTIMATE),
}

# Internal ids and bookkeeping never shown in a table (they stay in the CSV/XLSX): row ids, flags that only drive
# the chart's styling, and machine keys whose readable twin is shown beside them.
HIDDEN = frozenset(
    {
        "survey_id",
        "poll_id",
        "figure_id",
        "incident_id",
        "bi_reference",
        "metric",
        "polarity",
        "selected",
        "is_total",
        "panel",
        "source_file",
        "source_line",
        "load_report",
        "item_id",
        "data_status",
    }
)

# Per-row units (the scenario summary): rows whose unit is a proportion are written as percentages.
_PROPORTION_UNITS = frozenset({"share", "proportion"})


@dataclass
class DisplayTable:
    """A frame ready to show: typed values under their display labels, and how each column is written."""

    data: pd.DataFrame  # columns renamed to labels; values typed (numbers, dates) or text
    columns: dict[str, Column]  # label -> Column

    def text(self) -> pd.DataFrame:
        """Every cell as the text a reader sees (for static tables and documents)."""
        out = pd.DataFrame(index=self.data.index)
        for label, column in self.columns.items():
            out[label] = [format_value(v, column) for v in self.data[label]]
        return out


# ---------------------------------------------------------------------------------------------- values


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_value(value, column: Column) -> str:
    """One cell as text: BLANK for missing values, counts whole with thousands separators, dates as dates."""
    if is_blank(value):
        return BLANK
    kind = column.kind
    if kind == FLAG:
        return "Yes" if bool(value) else "No"
    if kind == COUNT:
        number = float(value)
        return f"{int(number):,}" if number.is_integer() else f"{number:,}"
    if kind in (PCT, PROPORTION, ESTIMATE, NUMBER):
        number = float(value)
        if not math.isfinite(number):
            return BLANK
        return f"{number:,.{column.decimals()}f}"
    if kind in (DATE, DATETIME, QUARTER, YEAR):
        stamp = pd.Timestamp(value)
        if kind == QUARTER:
            return quarters.label(stamp.year, stamp.quarter)
        if kind == YEAR:
            return str(stamp.year)
        text = f"{stamp.day} {stamp:%b %Y}"
        if kind == DATETIME and (stamp.hour, stamp.minute) != (0, 0):
            text += f", {stamp:%H:%M}"
        return text
    return quarters.text(str(value))


def label_for(name: str) -> Column:
    """The vocabulary's Column for `name`, or a sentence-case label for an unknown column."""
    if name in COLUMNS:
        return COLUMNS[name]
    return Column(str(name).replace("_", " ").strip().capitalize() or str(name))


def _auto_places(values: pd.Series) -> int:
    """NUMBER columns: 0 when every value is whole, else the decimals the values carry (at most MAX_AUTO_PLACES)."""
    places = 0
    for value in values.dropna():
        number = float(value)
        if not math.isfinite(number) or number.is_integer():
            continue
        decimals = len(repr(number).split(".")[1]) if "." in repr(number) and "e" not in repr(number) else 9
        places = max(places, min(decimals, MAX_AUTO_PLACES))
    return places


# ---------------------------------------------------------------------------------------------- frames


def _period(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Column]]:
    """Year + quarter (calendar, 0 = whole year) -> one 'Quarter' or 'Year' column typed as the period's start date.

    The raw 'period' text, year, quarter and period_start are then dropped (the CSV keeps them). Financial-year
    tables keep their own label ('2019-20 Q1') as the period.
    """
    extra: dict[str, Column] = {}
    if not {"year", "quarter"} <= set(frame.columns):
        return frame, extra
    year = pd.to_numeric(frame["year"], errors="coerce")
    quarter = pd.to_numeric(frame["quarter"], errors="coerce")
    if year.isna().any() or quarter.isna().any():
        return frame, extra
    whole_years = bool((quarter == 0).all())
    if not whole_years and not quarter.between(1, 4).all():
        return frame, extra
    starts = pd.to_datetime(
        {"year": year.astype(int), "month": 1 if whole_years else (quarter.astype(int) - 1) * 3 + 1, "day": 1}
    )
    frame = frame.copy()
    position = list(frame.columns).index("year")
    drop = ["year", "quarter"]
    if "fy_label" in frame.columns:  # the older tables: the financial-year label is the period; calendar kept
        name = "calendar_period"
        extra[name] = Column("Calendar quarter", QUARTER)
    else:
        name = "period_display"
        extra[name] = Column("Year" if whole_years else "Quarter", YEAR if whole_years else QUARTER)
        drop += [c for c in ("period", "period_start") if c in frame.columns]
        if whole_years or "quarters_covered" not in frame.columns:
            pass
        elif (pd.to_numeric(frame["quarters_covered"], errors="coerce") == 1).all():
            drop += [c for c in ("quarters_covered", "complete") if c in frame.columns]  # always 1 / yes
    frame.insert(position, name, starts.to_numpy())
    return frame.drop(columns=drop), extra


def display_table(
    frame: pd.DataFrame, labels: dict[str, str] | None = None, hide: tuple[str, ...] = ()
) -> DisplayTable:
    """`frame` in its display form. `labels` overrides the vocabulary's label for a column on this table only;
    `hide` leaves out further columns. The input frame is not changed."""
    frame, extra = _period(frame.reset_index(drop=True))
    if "period" in frame.columns:  # a period written '2024-Q4' reads 'Q4 2024'
        frame = frame.copy()
        frame["period"] = [quarters.text(v) for v in frame["period"]]
    per_row_pct = "unit" in frame.columns and bool(frame["unit"].isin(_PROPORTION_UNITS).any())
    if per_row_pct:
        hide = (*hide, "unit")  # each value carries its own unit ('%' on shares)
    data = {}
    columns: dict[str, Column] = {}
    for name in frame.columns:
        if name in HIDDEN or name in hide:
            continue
        column = extra.get(name) or label_for(name)
        if labels and name in labels:
            column = replace(column, label=labels[name])
        values = frame[name]
        if column.kind in NUMERIC_KINDS and not _numeric(values):
            column = replace(column, kind=TEXT)  # e.g. a load report's 'value' holding category names
        if column.kind == FLAG:
            values = values.map(lambda v: BLANK if is_blank(v) else ("Yes" if bool(v) else "No"))
            column = replace(column, kind=TEXT)
        elif column.kind == PROPORTION:
            values = pd.to_numeric(values, errors="coerce") * 100
        elif column.kind in (DATE, DATETIME) and not pd.api.types.is_datetime64_any_dtype(values):
            values = pd.to_datetime(values, errors="coerce")
        elif column.kind == NUMBER:
            values = pd.to_numeric(values, errors="coerce")
            column = replace(column, places=_auto_places(values) if column.places is None else column.places)
        elif column.kind == TEXT and not pd.api.types.is_numeric_dtype(values):
            # all text: a column mixing e.g. dates with blanks cannot be sent to the browser as one Arrow type
            values = values.map(lambda v: BLANK if is_blank(v) else v if isinstance(v, str) else str(v))
        if per_row_pct and column.kind == ESTIMATE:
            # A summary with per-row units (incidents and shares): each row written in its own unit, as text.
            values = [_per_row(v, unit, column) for v, unit in zip(values, frame["unit"])]
            column = replace(column, kind=TEXT)
        label = column.label
        while label in columns:  # two raw columns with the same label: keep both, tell them apart
            label += " "
        data[label] = list(values) if not isinstance(values, pd.Series) else values.to_numpy()
        columns[label] = replace(column, label=label)
    return DisplayTable(pd.DataFrame(data, index=frame.index), columns)


def _numeric(values: pd.Series) -> bool:
    """True when every non-blank value is a number (bools are not numbers here)."""
    if pd.api.types.is_bool_dtype(values):
        return False
    if pd.api.types.is_numeric_dtype(values):
        return True
    present = [v for v in values if not is_blank(v)]
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present)


def _per_row(value, unit: str, column: Column) -> str:
    if unit in _PROPORTION_UNITS and not is_blank(value):
        return format_value(float(value) * 100, replace(column, kind=PROPORTION)) + "%"
    return format_value(value, column)


def facts_table(pairs: list[tuple[str, object]], kinds: dict[str, str] | None = None) -> pd.DataFrame:
    """Label/value pairs (a provenance record, a load report's short facts) as a two-column text table."""
    rows = []
    for label, value in pairs:
        kind = (kinds or {}).get(label)
        if kind is None:
            kind = (
                FLAG
                if isinstance(value, bool)
                else COUNT
                if isinstance(value, int)
                else DATETIME
                if isinstance(value, (pd.Timestamp, dt.datetime))
                else DATE
                if isinstance(value, dt.date)
                else TEXT
            )
        rows.append((label, format_value(value, Column(label, kind))))
    return pd.DataFrame(rows, columns=["Item", "Value"])
