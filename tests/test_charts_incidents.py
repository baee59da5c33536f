"""Trend and legacy charts built from real query results on the tiny and sample warehouses."""

from __future__ import annotations

from govdata import warehouse
from govdata.charts import incidents as charts
from govdata.charts.base import has_sample_watermark
from govdata.figures import SAMPLE_LABEL
from govdata.queries import incidents as q
from govdata.queries import provenance


def _sources(con, source="ico_rows"):
    return provenance.to_sources(provenance.chart_sources(con, source))


def test_total_trend_words_come_from_the_data(con):
    result = q.incident_trend(con, "quarter")
    spec = charts.trend_chart(result, sources=_sources(con))
    assert spec.data is result.data and spec.queries == [result]
    assert spec.title == "6 personal data breach reports in Q4 2020, the same as Q4 2019"
    assert spec.summary == (
        "In Q4 2020 the ICO received 6 personal data breach reports from all sectors, the same as Q4 2019."
    )
    assert "Q2 2019 to Q4 2020" in spec.subtitle
    assert "Open Government Licence v3.0" in spec.source_text() and SAMPLE_LABEL not in spec.source_text()
    # series break at Q2 2019 is drawn; the figure holds the plot only (title and source are laid out around it,
    # on screen by ui.panel and in print by govdata.printing), with its legend below the plot
    assert any(shape.x0 == "2019-04-01" for shape in spec.figure.layout.shapes)
    assert not spec.figure.layout.title.text
    assert spec.figure.layout.legend.orientation == "h" and spec.figure.layout.legend.yref == "container"


def test_breakdown_trend_names_the_largest_group(con):
    result = q.incident_trend(con, "quarter", "incident_category", ["Local government"])
    spec = charts.trend_chart(
        result, sources=_sources(con), breakdown="incident_category", sectors=["Local government"]
    )
    # Q4 2020 Local government: 2 Non Cyber (BI1033, BI1034) of 3
    assert spec.title == "Non Cyber was the largest incident category group in Q4 2020: 66.7% of reports"
    assert "2 of the 3 reports from the Local government sector (66.7%)" in spec.summary
    assert {t.name for t in spec.figure.data} == {"Cyber", "Non Cyber"}


def test_yearly_chart_marks_partial_years(con):
    spec = charts.trend_chart(q.incident_trend(con, "year"), sources=_sources(con), period="year")
    assert spec.title.startswith("18 personal data breach reports in 2020")
    assert any("partial years" in n and "2019" in n for n in spec.notes)
    assert list(spec.figure.data[0].marker.pattern.shape) == ["/", ""]


def test_rolling_and_share_variants(con):
    spec = charts.trend_chart(q.incident_trend(con, "quarter", rolling=True), sources=_sources(con), rolling=True)
    assert any("4-quarter average" in t.name for t in spec.figure.data)
    share = charts.trend_chart(
        q.incident_trend(con, "year", "time_to_report"),
        sources=_sources(con),
        period="year",
        breakdown="time_to_report",
        measure="share_pct",
    )
    assert share.key == "incidents-by-year-time-to-report-share"
    assert share.figure.layout.yaxis.title.text.startswith("Share")


def test_empty_selection_gives_a_clear_title(con):
    result = q.incident_trend(con, "quarter", None, ["No such sector"])
    spec = charts.trend_chart(result, sources=_sources(con), sectors=["No such sector"])
    assert spec.data["incidents"].sum() == 0
    assert len(spec.data) == 7 and spec.title.startswith("0 personal data breach reports in Q4 2020")


def test_legacy_chart_has_its_own_source(con):
    spec = charts.legacy_chart(q.legacy_counts(con), sources=_sources(con, "ico_legacy"))
    assert spec.title == "Older ICO quarterly tables: 92 incidents, 2019-20 Q1 to 2019-20 Q4"
    assert "busiest quarter was 2019-20 Q1 with 40" in spec.summary
    assert spec.sources and all(s.title != _sources(con)[0].title for s in spec.sources)


def test_sample_charts_are_labelled(sample_warehouse):
    cursor = warehouse.connect(sample_warehouse)
    spec = charts.trend_chart(q.incident_trend(cursor, "quarter"), sources=_sources(cursor))
    assert spec.is_sample and spec.source_text().startswith(SAMPLE_LABEL)
    assert has_sample_watermark(spec.figure)


def test_incident_type_breakdown_never_repeats_a_colour(sample_warehouse):
    """The 22-way breakdown shows the largest six in six palette colours and 'All others' in grey, and says so."""
    from govdata.charts.base import OTHER_COLOUR, PALETTE

    cursor = warehouse.connect(sample_warehouse)
    result = q.incident_trend(cursor, "quarter", "incident_type", top=6)
    spec = charts.trend_chart(result, sources=_sources(cursor), breakdown="incident_type", rolling=True)
    lines = [t for t in spec.figure.data if t.showlegend is not False]
    colours = [t.line.color for t in lines]
    assert len(lines) == 7 and len(set(colours)) == 7 and set(colours) <= set(PALETTE)
    assert q.is_others(lines[-1].name) and lines[-1].line.color == OTHER_COLOUR
    assert any(n.startswith(lines[-1].name + ": the 16 incident types outside the 6 largest") for n in spec.notes)
    assert "All others" not in spec.title  # the finding names a real type
