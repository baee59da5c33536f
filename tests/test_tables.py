"""Tables for people (govdata.tables): labels, periods, separators, blanks, no internal ids, raw data untouched."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from govdata import tables
from govdata.charts import incidents as incident_charts
from govdata.charts import sectors as sector_charts
from govdata.queries import coverage, provenance, reference
from govdata.queries import incidents as incident_queries
from govdata.queries import sectors as sector_queries


def test_quarterly_trend_reads_as_quarters_with_separators(con):
    result = incident_queries.incident_trend(con, "quarter", None, [], True, False)
    raw = result.data.copy()
    display = tables.display_table(result.data)
    text = display.text()
    assert list(text.columns)[:1] == ["Quarter"]
    assert all(q.startswith("Q") and q[1] in "1234" and len(q) == 7 for q in text["Quarter"])
    for hidden in ("year", "quarter", "period_start", "period", "quarters_covered", "complete"):
        assert hidden not in text.columns
    assert "Incidents" in text.columns and "Series" in text.columns
    cells = " ".join(text.to_numpy().ravel().astype(str))
    assert "00:00:00" not in cells and "None" not in cells and "nan" not in cells.lower()
    pd.testing.assert_frame_equal(result.data, raw)  # the raw frame (what the CSV holds) is unchanged


def test_whole_years_read_as_years_not_quarter_zero():
    frame = pd.DataFrame(
        {
            "period": ["2019", "2020"],
            "period_start": pd.to_datetime(["2019-04-01", "2020-01-01"]),
            "year": [2019, 2020],
            "quarter": [0, 0],
            "quarters_covered": [3, 4],
            "complete": [False, True],
            "incidents": [8083, 12193],
        }
    )
    text = tables.display_table(frame).text()
    assert text["Year"].tolist() == ["2019", "2020"]
    assert text["Quarters covered"].tolist() == ["3", "4"]  # partial years stay visible
    assert text["Complete year"].tolist() == ["No", "Yes"]
    assert text["Incidents"].tolist() == ["8,083", "12,193"]
    assert not any("Q0" in c or "quarter 0" in c.lower() for c in text.to_numpy().ravel())


def test_counts_have_no_decimals_and_blanks_are_dashes():
    frame = pd.DataFrame(
        {
            "sector": ["Health", None],
            "incidents": [1133.0, 2.0],
            "incidents_year_earlier": pd.array([1000, None], dtype="Int64"),
            "change_pct": [13.3, math.nan],
        }
    )
    text = tables.display_table(frame).text()
    assert text["Sector"].tolist() == ["Health", tables.BLANK]
    assert text["Incidents"].tolist() == ["1,133", "2"]
    assert text["Incidents a year earlier"].tolist() == ["1,000", tables.BLANK]
    assert text["Change on a year earlier (%)"].tolist() == ["13.3", tables.BLANK]


def test_dates_are_dates_and_times_only_when_they_carry_one():
    frame = pd.DataFrame(
        {
            "figure_date": pd.to_datetime(["2017-07-02", None]),
            "loaded_at": pd.to_datetime(["2026-12-04 18:05:51", "2026-12-04 00:00:00"]),
        }
    )
    text = tables.display_table(frame).text()
    assert text["Date"].tolist() == ["2 Jul 2017", tables.BLANK]
    assert text["Loaded at"].tolist() == ["4 Dec 2026, 18:05", "4 Dec 2026"]


def test_context_figures_hide_ids_and_label_every_column(con):
    context = reference.context_figures(con).data
    display = tables.display_table(context)
    assert "figure_id" not in display.data.columns and "Figure id" not in display.data.columns
    assert all(" " in label or label[0].isupper() for label in display.columns)
    assert not any("_" in label for label in display.columns), list(display.columns)


def test_scenario_summary_writes_shares_as_percentages():
    summary = pd.DataFrame(
        {
            "metric": ["baseline_total", "share72_baseline"],
            "label": ["Incidents a year", "Share"],
            "unit": ["incidents", "share"],
            "most_likely": [1133.0, 0.7502206531332745],
            "p05": [1078.0435796289692, 0.7289807682084387],
        }
    )
    text = tables.display_table(summary).text()
    assert "metric" not in text.columns and "Unit" not in text.columns
    assert text["Most likely"].tolist() == ["1,133.0", "75.0%"]
    assert text["5th percentile"].tolist() == ["1,078.0", "72.9%"]


def test_facts_table_formats_by_value_type():
    facts = tables.facts_table(
        [
            ("Rows read", 169166),
            ("Sample data", True),
            ("Release date", None),
            ("Loaded at", pd.Timestamp("2026-12-04 18:05:51")),
            ("Day", dt.date(2024, 1, 5)),
        ]
    )
    assert facts["Value"].tolist() == ["169,166", "Yes", tables.BLANK, "4 Dec 2026, 18:05", "5 Jan 2024"]


@pytest.mark.parametrize("frame_of", ["trend_by_type", "year_on_year", "load_report", "provenance"])
def test_every_shown_column_has_a_label_from_the_vocabulary(con, frame_of):
    """A column the vocabulary does not know would be shown with a made-up label: every real table's columns are
    either labelled or deliberately hidden."""
    if frame_of == "trend_by_type":
        result = incident_queries.incident_trend(con, "year", "incident_type", [], True, False)
        frame = incident_charts.trend_chart(result, sources=[], period="year", breakdown="incident_type").data
    elif frame_of == "year_on_year":
        period = next(iter(sector_queries.periods(coverage.quarters(con)).values()))
        result = sector_queries.sector_change(con, period, [], True)
        frame = sector_charts.year_on_year(result, period, []).data
    elif frame_of == "provenance":
        frame = provenance.provenance(con).data
    else:
        report = provenance.provenance(con).data["load_report"].iloc[0]
        frames = [v for _, v in provenance.load_report_sections(report) if isinstance(v, pd.DataFrame)]
        frame = pd.concat(frames) if frames else pd.DataFrame()
    unknown = [
        c for c in frame.columns if c not in tables.COLUMNS and c not in tables.HIDDEN and c not in ("year", "quarter")
    ]
    assert not unknown, f"columns without a label in govdata.tables.COLUMNS: {unknown}"


def test_static_tables_keep_numbers_and_short_words_whole_and_let_long_words_break():
    from ui.tables import whole_word_columns

    frame = pd.DataFrame(
        {
            "outcome": ["phishing/social engineering", "late reporting"],  # a 15-character word: may break
            "mode": [0.1, 0.05],  # a number: never breaks
            "basis": ["assumption", "published"],  # short words: stay whole
            "source": ["https://ico.org.uk/action-weve-taken/data-security-incident-trends/", None],  # may break
        }
    )
    display = tables.display_table(frame)
    labels = {name: tables.label_for(name).label for name in frame.columns}
    assert whole_word_columns(display, display.text()) == [labels["mode"], labels["basis"]]
