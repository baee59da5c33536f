"""Survey, trust and timeline charts and the reference queries behind them, on a real in-memory DuckDB built from
the schema, the committed reference CSVs (through the real loader) and a few hand-written incidents."""

from __future__ import annotations

import io

import duckdb
import pandas as pd
import pytest

from etl.sources.reference import load_reference
from govdata import export, settings
from govdata.charts import surveys as charts
from govdata.figures import Source
from govdata.queries import reference as queries
from govdata.stats import wilson_interval

INCIDENTS = [  # (id, year, quarter, comparable, sector)
    ("BI1/2019/Q1", 2019, 1, False, "Local government"),
    *[(f"BI{10 + q}/2020/Q{q}", 2020, q, True, "Local government") for q in (1, 2, 3, 4)],
    ("BI20/2020/Q4", 2020, 4, True, "Local government"),
    ("BI30/2021/Q1", 2021, 1, True, "Local government"),
    ("BI40/2020/Q2", 2020, 2, True, "Health"),
]


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute(settings.SCHEMA_SQL.read_text())
    for table, frame in load_reference(settings.REFERENCE_DIR).items():
        con.register("frame", frame)
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame").fetchall()
        con.unregister("frame")
    for incident_id, year, quarter, comparable, sector in INCIDENTS:
        con.execute(
            "INSERT INTO incident_facts VALUES (?, ?, ?, ?, make_date(?, ?, 1), ?, ?, 'Cyber', 'Phishing', "
            "'1 to 9', 'Less than 24 hours', 'No Further Action', 1, false)",
            [incident_id, incident_id.split("/")[0], year, quarter, year, quarter * 3 - 2, comparable, sector],
        ).fetchall()
    yield con
    con.close()


def test_queries_bind_filters_as_parameters(con):
    result = queries.survey_results(con, "DPO")
    assert result.params == ("DPO", None)
    assert "'DPO'" not in result.sql
    assert set(result.data["topic"]) == {"DPO"}
    # UKAuthority's 'a quarter' is words only (no value); 26% from PublicTechnology, Pinsent Masons and Idox
    assert sorted(result.data["value_pct"].dropna()) == [26.0, 26.0, 26.0]
    injected = queries.survey_results(con, "DPO' OR '1'='1")
    assert injected.data.empty


def test_poll_filters_and_dates(con):
    frame = queries.poll_results(con, "Local government").data
    assert sorted(frame["value_pct"]) == [31.0, 34.0, 41.0]
    odi17 = frame[frame["poll_id"] == "odi_yougov_2017"].iloc[0]
    assert str(odi17["figure_date"])[:10] == "2017-11-28" and odi17["date_basis"] == "fieldwork midpoint"
    odi19 = frame[frame["poll_id"] == "odi_yougov_2019"].iloc[0]
    assert odi19["date_basis"] == "published date"
    by_pollster = queries.poll_results(con, None, "YouGov").data
    assert set(by_pollster["pollster"]) == {"YouGov"}


def test_timeline_counts_comparable_incidents_per_year(con):
    frame = queries.timeline(con).data
    inc = frame[(frame["panel"] == "incidents") & frame["comparable"]].set_index("label")
    assert inc["value"].to_dict() == {"2020": 5.0, "2021 (1 of 4 quarters)": 1.0}  # Q1 2019 not comparable
    earlier = frame[(frame["panel"] == "incidents") & ~frame["comparable"]]
    assert earlier["value"].tolist() == [234.0]
    assert set(frame.loc[frame["panel"] == "poll", "value"]) == {31.0, 34.0, 41.0}
    health = queries.timeline(con, "Health").data
    assert health.loc[health["panel"] == "incidents", "value"].tolist() == [1.0]


def test_survey_chart_intervals_and_title(con):
    spec = charts.survey_chart(queries.survey_results(con, "DPO"), topic="DPO")
    data = spec.data
    ico = data[data["value_pct"] == 26].iloc[0]
    low, high = wilson_interval(0.26, 173)
    assert ico["ci_low"] == pytest.approx(low * 100, abs=0.05)
    assert ico["ci_high"] == pytest.approx(high * 100, abs=0.05)
    assert spec.title.startswith("No data protection officer: 26.0%")
    assert "disagree" not in spec.summary  # defect 8: no false '25% vs 26%' disagreement
    assert any("in words" in n for n in spec.notes)  # 'a quarter', 'just over a quarter' are not plotted
    assert len(spec.figure.data) >= 1 and spec.queries


def test_survey_chart_says_when_base_n_is_missing(con):
    spec = charts.survey_chart(queries.survey_results(con, "Policies"), topic="Policies")
    assert spec.data["base_n"].isna().any()
    assert charts.NO_CI_NOTE in spec.notes
    assert spec.data.loc[spec.data["base_n"].isna(), "ci_low"].isna().all()
    assert "have no published base" in spec.summary


def test_trust_chart_finding_from_data(con):
    spec = charts.trust_chart(queries.poll_results(con, "Companies and organisations"), "Companies and organisations")
    assert spec.title == (
        "Trust in companies and organisations fell from 32.0% (2019) to 27.0% (2021) in the "
        "Information Commissioner's Office series (Harris Interactive)"
    )
    assert set(spec.data["response"]) <= set(charts.TRUST_RESPONSES)
    local = charts.trust_chart(queries.poll_results(con, "Local government"), "Local government")
    assert local.title.startswith("Published trust figures for local government range from 31.0%")
    assert "41.0%" in local.title


def test_timeline_chart_shares_the_x_axis_and_labels_sample(con):
    spec = charts.timeline_chart(queries.timeline(con), incident_sources=[SAMPLE_SOURCE])
    assert spec.is_sample and "SAMPLE DATA in the incident panel (top)" in spec.source_text()
    layout = spec.figure.layout
    assert layout.xaxis.matches == layout.xaxis2.matches == "x3" and layout.xaxis3.matches is None  # shared x
    # one column of panels, each with its own year labels and its title at its top left (readable on a phone)
    assert layout.xaxis.showticklabels and layout.xaxis2.showticklabels
    titles = [a.text for a in layout.annotations if a.name == "panel-title"]
    assert len(titles) == 3 and all(a.xanchor == "left" for a in layout.annotations if a.name == "panel-title")
    assert spec.title.startswith("Local government reported 5 incidents to the ICO in 2020")
    assert "latest council survey figures date from 2017" in spec.title


def test_empty_results_do_not_crash():
    empty = pd.DataFrame(columns=["value_pct", "base_n", "polarity", "response", "figure_date"])
    spec = charts.survey_chart(empty)
    assert spec.title.startswith("No ")
    assert charts.trust_chart(empty).title.startswith("No ")
    assert charts.timeline_chart(pd.DataFrame()).title.startswith("No ")


SAMPLE_SOURCE = Source(
    publisher="this dashboard's sample generator (etl.sample)",
    title="simulated incidents laid out like the ICO's row-level release (not ICO data)",
    licence="none (simulated sample)",
    is_sample=True,
    data_to="Q1 2021",
)


def _sample_provenance(con):
    con.execute("DELETE FROM provenance WHERE source = 'ico_rows'")
    con.execute(
        "INSERT INTO provenance (source, title, publisher, file, sha256, rows_read, rows_kept, rows_rejected, "
        "loaded_at, licence, release_date, source_url, is_sample, load_report) VALUES ('ico_rows', ?, ?, "
        "'data/sample/ico_sample.csv', 'x', 9, 9, 0, now(), ?, NULL, NULL, TRUE, '{}')",
        [SAMPLE_SOURCE.title, SAMPLE_SOURCE.publisher, SAMPLE_SOURCE.licence],
    )


def test_defect_4_simulated_incidents_are_never_credited_to_the_ico_or_the_ogl(con):
    """Issue 10, defect 4: the linked timeline credited sample counts to the ICO under the OGL, 'released 2024-Q4'."""
    _sample_provenance(con)
    result = queries.timeline(con)
    incidents = result.data[(result.data["panel"] == "incidents") & result.data["comparable"]]
    assert set(incidents["publisher"]) == {SAMPLE_SOURCE.publisher}  # from the provenance row
    assert set(incidents["data_status"]) == {"SAMPLE (simulated)"}
    spec = charts.timeline_chart(result, incident_sources=[SAMPLE_SOURCE])
    incident_line = spec.sources[0].line()
    assert "Open Government Licence" not in incident_line and "Information Commissioner's Office" not in incident_line
    assert "released" not in spec.source_text()  # a quarter is never a release date
    cite = export.citations(spec, "2026-12-04").splitlines()
    assert cite[0].startswith("SAMPLE DATA in the incident panel") and cite[1].startswith("Not for citation")
    csv = pd.read_csv(io.BytesIO(export.to_csv(spec)))
    sample_rows = csv[csv["data_status"] == "SAMPLE (simulated)"]
    assert set(sample_rows["panel"]) == {"incidents"}
    assert not (sample_rows["publisher"] == "Information Commissioner's Office").any()


def test_defect_5_real_survey_and_poll_figures_are_never_labelled_simulated(con):
    _sample_provenance(con)
    spec = charts.timeline_chart(queries.timeline(con), incident_sources=[SAMPLE_SOURCE])
    csv = pd.read_csv(io.BytesIO(export.to_csv(spec)))
    real = csv[csv["panel"].isin(["survey", "poll"])]
    assert len(real) > 20 and set(real["data_status"]) == {"published figure (transcribed)"}
    # the watermark sits on the incident panel only
    marks = [i for i in spec.figure.layout.images if i.name == "sample-watermark"]
    assert len(marks) == 1 and marks[0].yref == "y domain" and marks[0].xref == "x domain"
    # the survey and trust charts carry no sample label at all
    assert not charts.survey_chart(queries.survey_results(con)).is_sample
    assert not charts.trust_chart(queries.poll_results(con)).is_sample


def test_defect_6_every_figure_is_cited_from_its_own_page(con):
    spec = charts.survey_chart(queries.survey_results(con, "DPO"), topic="DPO")
    urls = set(spec.data["source_url"])
    assert {s.url for s in spec.sources} == urls  # one citation per page shown
    cites = export.citations(spec, "2026-12-04").splitlines()
    assert len(cites) == len(urls)
    public_tech = next(c for c in cites if "publictechnology" in c)
    assert public_tech == (
        "Rebecca Hill (2017) ICO: Councils need to sharpen up on data protection ahead of GDPR. "
        "PublicTechnology. Available at: https://www.publictechnology.net/articles/news/"
        "ico-councils-need-sharpen-data-protection-ahead-gdpr (Accessed: 2026-12-04)."
    )
    assert not any(" figures as published" in c for c in cites)  # never 'ICO (2021) 12 figures'
    trust = charts.trust_chart(queries.poll_results(con))
    assert len({s.url for s in trust.sources}) == len(set(trust.data["source_url"]))
    assert trust.data_date and spec.data_date == "2016-12-31"  # the data date: fieldwork ran to end-2016


def test_defect_10_response_rates_are_not_plotted_as_shares_of_respondents(con):
    spec = charts.survey_chart(queries.survey_results(con, "Response"), topic="Response")
    assert spec.title.startswith("No ")  # nothing to plot on a '% of respondents' axis
    full = charts.survey_chart(queries.survey_results(con))
    assert "Response" not in set(full.data["topic"])
    assert any("response rate" in n for n in full.notes)
