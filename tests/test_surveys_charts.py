"""Survey, trust and timeline charts and the reference queries behind them, on a real in-memory DuckDB built from
the schema, the committed reference CSVs (through the real loader) and a few hand-written incidents."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from etl.sources.reference import load_reference
from govdata import settings
from govdata.charts import surveys as charts
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
        con.execute("INSERT INTO incident_facts VALUES (?, ?, ?, ?, make_date(?, ?, 1), ?, ?, 'Cyber', 'Phishing', "
                    "'1 to 9', 'Less than 24 hours', 'No Further Action', 1, false)",
                    [incident_id, incident_id.split("/")[0], year, quarter, year, quarter * 3 - 2, comparable,
                     sector]).fetchall()
    yield con
    con.close()


def test_queries_bind_filters_as_parameters(con):
    result = queries.survey_results(con, "DPO")
    assert result.params == ("DPO", None)
    assert "'DPO'" not in result.sql
    assert set(result.data["topic"]) == {"DPO"}
    assert sorted(result.data["value_pct"].dropna()) == [25.0, 26.0]
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
    assert inc["value"].to_dict() == {"2020": 5.0, "2021 (1 of 4 quarters)": 1.0}   # Q1 2019 not comparable
    earlier = frame[(frame["panel"] == "incidents") & ~frame["comparable"]]
    assert earlier["value"].tolist() == [234.0]
    assert set(frame.loc[frame["panel"] == "poll", "value"]) == {31.0, 34.0, 41.0}
    health = queries.timeline(con, "Health").data
    assert health.loc[health["panel"] == "incidents", "value"].tolist() == [1.0]


def test_survey_chart_intervals_and_title(con):
    spec = charts.survey_chart(queries.survey_results(con, "DPO"), topic="DPO")
    data = spec.data
    ico = data[data["value_pct"] == 25].iloc[0]
    low, high = wilson_interval(0.25, 173)
    assert ico["ci_low"] == pytest.approx(low * 100, abs=0.05)
    assert ico["ci_high"] == pytest.approx(high * 100, abs=0.05)
    assert spec.title.startswith("No data protection officer: 26%")
    assert "25% vs 26%" in spec.summary
    assert any("in words" in n for n in spec.notes)          # 'just over a quarter' is not plotted
    assert len(spec.figure.data) >= 1 and spec.queries


def test_survey_chart_says_when_base_n_is_missing(con):
    spec = charts.survey_chart(queries.survey_results(con, "Policies"), topic="Policies")
    assert spec.data["base_n"].isna().any()
    assert charts.NO_CI_NOTE in spec.notes
    assert spec.data.loc[spec.data["base_n"].isna(), "ci_low"].isna().all()
    assert "have no published base" in spec.summary


def test_trust_chart_finding_from_data(con):
    spec = charts.trust_chart(queries.poll_results(con, "Companies and organisations"), "Companies and organisations")
    assert spec.title == ("Trust in companies and organisations fell from 32% (2019) to 27% (2021) in the "
                          "Information Commissioner's Office series (Harris Interactive)")
    assert set(spec.data["response"]) <= set(charts.TRUST_RESPONSES)
    local = charts.trust_chart(queries.poll_results(con, "Local government"), "Local government")
    assert local.title.startswith("Published trust figures for local government range from 31%")
    assert "41%" in local.title


def test_timeline_chart_shares_the_x_axis_and_labels_sample(con):
    spec = charts.timeline_chart(queries.timeline(con), is_sample=True)
    assert spec.is_sample and "SAMPLE DATA" in spec.source_text()
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
