"""Sector charts built from real query results on the tiny warehouse: titles, data, summaries, sources, queries."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from govdata import numbers, vocabulary, warehouse
from govdata.charts import sectors as charts
from govdata.charts.base import PALETTE, has_sample_watermark, row_labels
from govdata.figures import OGL_ATTRIBUTION, SAMPLE_LABEL
from govdata.queries import coverage, provenance
from govdata.queries import sectors as q
from govdata.stats import MIN_BASE

LG, HE, ED = "Local government", "Health", "Education and childcare"


@pytest.fixture(scope="module")
def choices(con):
    return q.periods(coverage.quarters(con))


@pytest.fixture(scope="module")
def sources(con):
    return provenance.to_sources(provenance.chart_sources(con))


def test_ranked_volume_title_states_the_leader_from_the_data(con, choices, sources):
    result = q.sector_volume(con, choices["2020"], [HE, ED])
    spec = charts.ranked(result, "incidents", choices["2020"], sources)
    assert spec.title == "Local government reported the most incidents in 2020: 7"  # by hand from the fixture
    assert "Q1 2020 to Q4 2020" in spec.subtitle and "comparable quarters" in spec.subtitle
    assert spec.data[["sector", "selected", "incidents"]].equals(result.data[["sector", "selected", "incidents"]])
    assert list(spec.data["rank"]) == list(range(1, len(spec.data) + 1))
    assert spec.summary.startswith("6 sectors reported 18 incidents in 2020")
    assert "Health 2nd (6)" in spec.summary and "Education and childcare 3rd (2)" in spec.summary
    bar = spec.figure.data[0]
    colours = dict(zip(row_labels(spec.figure), bar.marker.color))  # one row (label above its bar) per sector
    assert colours[HE] == colours[ED] == charts.PICKED and colours[LG] == charts.OTHER
    assert row_labels(spec.figure) == list(spec.data["sector"])  # largest at the top
    assert spec.queries == [result]
    assert OGL_ATTRIBUTION in spec.source_text() and not spec.is_sample
    assert not spec.figure.layout.title.text  # the figure is the plot; title and source are laid out around it


@pytest.mark.parametrize("measure, column", [("cyber_pct", "cyber_incidents"), ("within_72h_pct", "within_72h")])
def test_ranked_shares_name_the_best_picked_sector(medium_warehouse, measure, column):
    cursor = warehouse.connect(medium_warehouse)
    choices = q.periods(coverage.quarters(cursor))
    volume = q.sector_volume(cursor, choices["2024"], []).data
    big = list(volume.loc[volume["incidents"] >= MIN_BASE, "sector"][:3])
    result = q.sector_volume(cursor, choices["2024"], big)
    spec = charts.ranked(result, measure, choices["2024"], provenance.to_sources(provenance.chart_sources(cursor)))
    picked = result.data[result.data["selected"]].sort_values([measure, "sector"], ascending=[False, True])
    best = picked.iloc[0]
    assert spec.title.startswith(f"Of the sectors picked, {best['sector']}")
    assert spec.title.endswith(numbers.share_text(int(best[column]), int(best["incidents"])))
    assert list(spec.data.columns) == ["sector", "selected", "incidents", column, measure, "small_base", "rank"]


@pytest.mark.parametrize("measure", ["cyber_pct", "within_72h_pct"])
def test_small_bases_are_flagged_and_never_ranked_on_the_tiny_warehouse(con, choices, sources, measure):
    spec = charts.ranked(q.sector_volume(con, choices["2020"], [LG, HE]), measure, choices["2020"], sources)
    assert spec.data["small_base"].all() and spec.data["rank"].isna().all()  # every sector has < 100 incidents
    assert spec.title == f"No sector had {MIN_BASE} or more incidents in 2020: shares are shown but not ranked"
    assert list(spec.figure.data[0].marker.pattern.shape) == ["/"] * len(spec.data)
    assert all("small base: not ranked" in label for label in row_labels(spec.figure))
    assert any(f"fewer than {MIN_BASE} incidents" in n for n in spec.notes)


def test_defect_3_a_group_of_two_incidents_does_not_top_a_share_ranking():
    """Issue 10, defect 3: 'Unknown' (2 of 2 on time = 100%) topped 'reported within 72 hours'."""
    frame = pd.DataFrame(
        {
            "sector": ["Health", "Local government", "Unknown"],
            "selected": [False] * 3,
            "incidents": [2023, 983, 2],
            "within_72h": [1540, 741, 2],
        }
    )
    frame["within_72h_pct"] = numbers.percent_column(frame["within_72h"], frame["incidents"])
    period = q.Period("2024", 2024 * 4, 2024 * 4 + 3, 4)
    spec = charts.ranked(frame, "within_72h_pct", period, [])
    assert spec.title == "Health reported the largest share within 72 hours in 2024: 76.1%"
    assert list(spec.data["sector"]) == ["Health", "Local government", "Unknown"]
    assert list(spec.data["rank"].astype("float")[:2]) == [1, 2] and pd.isna(spec.data["rank"].iloc[2])
    assert "Unknown (2)" in spec.summary and "not ranked" in spec.summary


def test_ranked_rejects_unknown_measure(con, choices, sources):
    with pytest.raises(ValueError, match="unknown measure"):
        charts.ranked(q.sector_volume(con, choices["2020"], []), "sector; --", choices["2020"], sources)


def test_quarterly_multiples_one_panel_per_sector(con, choices, sources):
    result = q.sector_quarterly(con, choices[q.LAST_FOUR], [LG, HE, ED])
    spec = charts.quarterly_multiples(result, choices[q.LAST_FOUR], sources)
    assert [trace.name for trace in spec.figure.data] == [ED, HE, LG]
    # Q4 2020 by hand: Local government 3 (BI1033-1035), Health 2, Education 1
    assert spec.title == "Local government reported the most incidents of the sectors picked in Q4 2020: 3"
    assert spec.data.equals(result.data)
    lg = spec.figure.data[2]
    assert list(lg.y) == result.data[result.data["sector"] == LG]["incidents"].tolist()
    assert not spec.notes  # comparable quarters only: no series break inside the range


def test_quarterly_multiples_mark_the_break_when_q1_2019_is_shown(con, sources):
    period = q.periods(coverage.quarters(con, comparable_only=False))[q.LAST_FOUR]
    result = q.sector_quarterly(con, period, [LG], comparable_only=False)
    spec = charts.quarterly_multiples(result, period, sources, comparable_only=False)
    assert spec.notes == ["Dashed line: Row-level data comparable from Q2 2019."]
    assert "not comparable" in spec.subtitle


def test_top_types_title_counts_sectors_sharing_a_leader(con, choices, sources):
    result = q.sector_top_types(con, choices["2020"], [LG, HE], top=3)
    spec = charts.top_types(result, choices["2020"], sources)
    firsts = result.data[result.data["rank"] == 1]
    assert set(firsts["incident_type"]) == {"Data emailed to incorrect recipient"}  # LG 2 of 7, Health 2 of 6
    assert spec.title == (
        "Data emailed to incorrect recipient was the most common incident type in both sectors picked, 2020"
    )
    assert "Local government, Data emailed to incorrect recipient (28.6%, 2 incidents of 7: small base)" in spec.summary
    assert "Local government (n=7, small base)" in row_labels(spec.figure)  # the sector's header row
    assert (
        len(
            set(
                spec.figure.data[0].marker.color
                if isinstance(spec.figure.data[0].marker.color, tuple)
                else [spec.figure.data[0].marker.color]
            )
        )
        == 1
    )  # one colour: the labels name the types
    assert "Top 3 incident types" in spec.subtitle


def test_time_to_report_title_uses_counts_within_72_hours(con, choices, sources):
    result = q.sector_time_to_report(con, choices["2020"], [LG, HE])
    spec = charts.time_to_report(result, choices["2020"], sources)
    frame = result.data
    within = frame[frame["time_to_report"].isin(vocabulary.WITHIN_72_HOURS)].groupby("sector")["incidents"].sum()
    totals = frame.groupby("sector")["incidents"].sum()
    # both sectors have fewer than 100 incidents: flagged, not ranked, each share stated from its counts
    assert spec.title == (
        f"None of the sectors picked had {MIN_BASE} or more incidents in 2020: shares within 72 "
        "hours are shown but not ranked"
    )
    for sector in (LG, HE):
        assert (
            f"{sector} {numbers.share_text(int(within[sector]), int(totals[sector]))} of {int(totals[sector])} "
            "(small base, not ranked)"
        ) in spec.summary
    assert [trace.name for trace in spec.figure.data] == list(vocabulary.TIME_TO_REPORT)
    assert spec.data.equals(
        frame[["sector", "time_to_report", "incidents", "sector_incidents", "pct_of_sector", "small_base"]]
    )


def test_decisions_title(con, choices, sources):
    result = q.sector_decisions(con, choices["2020"], [HE])
    spec = charts.decisions(result, choices["2020"], sources)
    # Health 2020: BI1022, 1027, 1001, 1036 No Further Action (4 of 6); BI1023, 1037 Investigation Pursued
    assert spec.title == "'No Further Action' was the most common decision for Health in 2020: 66.7%"


def test_year_on_year_notes_part_year_comparison(con, choices, sources):
    result = q.sector_change(con, choices["2020"], [LG, HE])
    spec = charts.year_on_year(result, choices["2020"], sources)
    assert spec.notes[0] == "Compared on the 3 of 4 quarters that also have data a year earlier (like with like)."
    assert spec.notes[1].startswith("Small base: ")  # fewer than 100 incidents a year earlier: not ranked
    rows = result.data.set_index("sector")
    assert spec.title.startswith(f"None of the sectors picked had {MIN_BASE} or more incidents a year earlier")
    total = rows.loc[q.ALL_SECTORS]
    assert f"all sectors {numbers.change_text(int(total['current']), int(total['previous']))}" in spec.summary


def test_year_on_year_without_earlier_data_says_so(con, choices, sources):
    spec = charts.year_on_year(q.sector_change(con, choices["2019"], [LG]), choices["2019"], sources)
    assert spec.title == "No comparable quarters a year before 2019 (Q2 to Q4) to compare with"


@pytest.mark.parametrize(
    "build, query",
    [
        (charts.quarterly_multiples, q.sector_quarterly),
        (charts.top_types, q.sector_top_types),
        (charts.time_to_report, q.sector_time_to_report),
        (charts.decisions, q.sector_decisions),
    ],
)
def test_no_sectors_picked_gives_an_explained_empty_chart(con, choices, sources, build, query):
    spec = build(query(con, choices["2020"], []), choices["2020"], sources)
    assert spec.data.empty and spec.title.startswith("No ") and spec.summary == spec.title + "."


def test_sample_sources_label_every_chart(sample_warehouse):
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    try:
        period = q.periods(coverage.quarters(con))[q.LAST_FOUR]
        sources = provenance.to_sources(provenance.chart_sources(con))
        picked = coverage.sectors(con).data["sector"].head(3).tolist()
        spec = charts.ranked(q.sector_volume(con, period, picked), "incidents", period, sources)
    finally:
        con.close()
    assert spec.is_sample and spec.source_text().startswith(SAMPLE_LABEL)
    assert has_sample_watermark(spec.figure)
    colours = dict(zip(row_labels(spec.figure), spec.figure.data[0].marker.color))
    assert {colours[s] for s in picked} == {PALETTE[0]}  # the picked sectors in the palette's first colour
