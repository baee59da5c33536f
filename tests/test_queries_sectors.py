"""Sector comparison queries against the tiny warehouse, checked against counts computed independently with pandas
from the fixture file (and a few by hand from tests/fixtures/ico/make_ico_rows_small.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from govdata import numbers, quarters, vocabulary
from govdata.queries import coverage, registry
from govdata.queries import sectors as q
from tests.conftest import ICO_FIXTURE

LG, HE, ED = "Local government", "Health", "Education and childcare"
PICKED = [LG, HE, ED]


def fixture_incidents() -> pd.DataFrame:
    """One row per incident from the fixture CSV, independently of the ETL: blank and duplicate rows dropped,
    single-valued fields resolved to the most frequent value (ties: the value on the earliest row)."""
    rows = pd.read_csv(ICO_FIXTURE, dtype=str, keep_default_na=False)
    rows = rows[(rows != "").any(axis=1)].drop_duplicates().reset_index(drop=True)
    rows["year"] = rows["Year"].astype(int)
    rows["quarter"] = rows["Quarter"].str[-1].astype(int)
    rows["incident_id"] = rows["BI Reference"] + "/" + rows["Year"] + "/Q" + rows["quarter"].astype(str)
    fields = {
        "Sector": "sector",
        "Incident Category": "incident_category",
        "Incident Type": "incident_type",
        "Time Taken to Report": "time_to_report",
        "Decision Taken": "decision",
    }
    out = []
    for incident_id, group in rows.groupby("incident_id", sort=False):
        record = {"incident_id": incident_id, "year": group["year"].iloc[0], "quarter": group["quarter"].iloc[0]}
        for column, name in fields.items():
            counts = group[column].value_counts(sort=False)  # first-seen order, so ties keep the earliest row
            record[name] = counts.index[counts.argmax()]
        out.append(record)
    frame = pd.DataFrame(out)
    frame["comparable"] = ~((frame["year"] == 2019) & (frame["quarter"] == 1))
    frame["q"] = frame["year"] * 4 + frame["quarter"] - 1
    return frame


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    return fixture_incidents()


@pytest.fixture(scope="module")
def choices(con):
    return q.periods(coverage.quarters(con))


def _in(frame: pd.DataFrame, period: q.Period, comparable_only: bool = True) -> pd.DataFrame:
    inside = frame[(frame["q"] >= period.first) & (frame["q"] <= period.last)]
    return inside[inside["comparable"]] if comparable_only else inside


def test_fixture_expectations_match_the_design(expected):
    # by hand from make_ico_rows_small.py: 36 incidents, 3,5,4,6 / 4,5,3,6 per quarter, BI1010 resolved to Health
    assert len(expected) == 36
    assert expected.groupby(["year", "quarter"]).size().tolist() == [3, 5, 4, 6, 4, 5, 3, 6]
    assert expected.set_index("incident_id").loc["BI1010/2019/Q2", "sector"] == HE
    assert expected.set_index("incident_id").loc["BI1020/2019/Q4", "incident_category"] == "Non Cyber"


def test_periods_are_the_last_four_quarters_then_each_year(con, choices):
    assert list(choices) == [q.LAST_FOUR, "2020", "2019"]
    last4 = choices[q.LAST_FOUR]
    assert (last4.first, last4.last, last4.quarters) == (quarters.index(2020, 1), quarters.index(2020, 4), 4)
    assert last4.label == "the last 4 quarters (Q1 2020 to Q4 2020)"
    y2019 = choices["2019"]
    assert (y2019.first, y2019.quarters, y2019.label) == (quarters.index(2019, 2), 3, "2019 (Q2 to Q4)")
    with_q1 = q.periods(coverage.quarters(con, comparable_only=False))["2019"]
    assert (with_q1.first, with_q1.quarters, with_q1.label) == (quarters.index(2019, 1), 4, "2019")


def test_sector_list_counts_distinct_incidents(con, expected):
    result = coverage.sectors(con).data
    want = expected[expected["comparable"]].groupby("sector").size()
    assert dict(zip(result["sector"], result["incidents"])) == want.to_dict()
    assert result["incidents"].is_monotonic_decreasing
    assert result["sector"].iloc[0] == LG  # 25 file rows, 14 comparable incidents


def test_volume_matches_independent_counts(con, expected, choices):
    period = choices["2020"]
    result = q.sector_volume(con, period, [HE]).data.set_index("sector")
    scope = _in(expected, period)
    counts = scope.groupby("sector").size()
    assert result["incidents"].to_dict() == counts.to_dict()
    assert result.loc[LG, "incidents"] == 7 and result.loc[HE, "incidents"] == 6  # by hand
    cyber = scope[scope["incident_category"] == "Cyber"].groupby("sector").size().reindex(counts.index, fill_value=0)
    assert result["cyber_incidents"].to_dict() == cyber.to_dict()
    within = scope[scope["time_to_report"].isin(vocabulary.WITHIN_72_HOURS)].groupby("sector").size()
    within = within.reindex(counts.index, fill_value=0)
    assert result["within_72h"].to_dict() == within.to_dict()
    assert result.loc[HE, "within_72h_pct"] == float(numbers.percent(within[HE], counts[HE]))  # rounded once
    assert result.loc[LG, "incidents_per_quarter"] == 1.8  # 7 / 4 = 1.75, half up
    assert result["small_base"].all()  # the fixture has fewer than 100 incidents in every sector
    assert result["selected"].to_dict() == {s: s == HE for s in result.index}
    assert result.loc[LG, "rank"] == 1 and result.loc[HE, "rank"] == 2


def test_volume_counts_incidents_not_file_rows(con, choices):
    rows = pd.read_csv(ICO_FIXTURE, dtype=str, keep_default_na=False)
    lg_rows_2020 = ((rows["Sector"] == LG) & (rows["Year"] == "2020")).sum()
    result = q.sector_volume(con, choices["2020"], []).data.set_index("sector")
    assert lg_rows_2020 > result.loc[LG, "incidents"] == 7


def test_q1_2019_only_with_comparable_off(con, expected):
    on = q.periods(coverage.quarters(con, comparable_only=False))["2019"]
    result = q.sector_volume(con, on, [], comparable_only=False).data
    assert result["incidents"].sum() == len(expected[expected["year"] == 2019]) == 18
    comparable = q.sector_volume(con, on, [], comparable_only=True).data
    assert comparable["incidents"].sum() == 15


def test_quarterly_is_zero_filled_per_picked_sector(con, expected, choices):
    result = q.sector_quarterly(con, choices["2020"], [ED, HE]).data
    assert len(result) == 2 * 7  # 7 comparable quarters, 2019 Q2 .. 2020 Q4
    ed = result[result["sector"] == ED].set_index(["year", "quarter"])["incidents"]
    want = expected[expected["comparable"] & (expected["sector"] == ED)].groupby(["year", "quarter"]).size()
    assert ed[ed > 0].to_dict() == want.to_dict()
    assert ed.loc[(2019, 2)] == 0  # no Education incident that quarter: shown as zero, not missing
    # the trend stops at the end of the chosen period
    assert q.sector_quarterly(con, choices["2019"], [ED]).data["year"].max() == 2019


def test_top_types_rank_within_each_sector(con, expected, choices):
    period = choices["2020"]
    result = q.sector_top_types(con, period, [LG, HE], top=2).data
    assert result.groupby("sector").size().to_dict() == {HE: 2, LG: 2}
    scope = _in(expected, period)
    for sector in (LG, HE):
        counts = scope[scope["sector"] == sector].groupby("incident_type").size().reset_index(name="n")
        counts = counts.sort_values(["n", "incident_type"], ascending=[False, True]).head(2)
        got = result[result["sector"] == sector]
        assert got["incident_type"].tolist() == counts["incident_type"].tolist()
        assert got["incidents"].tolist() == counts["n"].tolist()
    lg_first = result[(result["sector"] == LG) & (result["rank"] == 1)].iloc[0]
    assert (lg_first["incident_type"], lg_first["incidents"], lg_first["pct_of_sector"]) == (
        "Data emailed to incorrect recipient",
        2,
        28.6,
    )


def test_time_to_report_has_every_band_in_order(con, expected, choices):
    period = choices[q.LAST_FOUR]
    result = q.sector_time_to_report(con, period, [HE, ED]).data
    for sector in (ED, HE):
        got = result[result["sector"] == sector]
        assert got["time_to_report"].tolist() == list(vocabulary.TIME_TO_REPORT)
        want = _in(expected, period).query("sector == @sector").groupby("time_to_report").size()
        assert (
            got.set_index("time_to_report")["incidents"].to_dict()
            == want.reindex(vocabulary.TIME_TO_REPORT, fill_value=0).to_dict()
        )
        assert got["pct_of_sector"].sum() == pytest.approx(100, abs=0.2)


def test_decisions_match(con, expected, choices):
    period = choices["2020"]
    result = q.sector_decisions(con, period, [LG]).data
    want = _in(expected, period).query("sector == @LG").groupby("decision").size()
    got = result.set_index("decision")["incidents"]
    assert got[got > 0].to_dict() == want.to_dict()
    assert list(result["decision"]) == list(vocabulary.DECISIONS)


def test_year_on_year_compares_like_with_like(con, expected, choices):
    period = choices["2020"]
    result = q.sector_change(con, period, [LG, HE]).data.set_index("sector")
    # 2019 Q1 is not comparable, so 2020 is compared on Q2..Q4 against 2019 Q2..Q4
    assert set(result["quarters_compared"]) == {3}
    comparable = expected[expected["comparable"]]
    for sector in (LG, HE):
        current = len(comparable.query("sector == @sector and year == 2020 and quarter >= 2"))
        previous = len(comparable.query("sector == @sector and year == 2019"))
        assert (result.loc[sector, "current"], result.loc[sector, "previous"]) == (current, previous)
        assert result.loc[sector, "pct_change"] == float(numbers.change_percent(current, previous))
    total = result.loc[q.ALL_SECTORS]
    assert bool(total["is_total"]) and (total["current"], total["previous"]) == (14, 15)
    assert set(result.index) == {LG, HE, q.ALL_SECTORS}


def test_year_on_year_without_an_earlier_year(con, choices):
    result = q.sector_change(con, choices["2019"], [LG]).data
    assert set(result["quarters_compared"]) == {0}
    assert result["pct_change"].isna().all()


def test_hostile_sector_values_are_only_data(con, choices):
    hostile = ["'; DROP TABLE incident_facts; --", "<script>alert(1)</script>", "x" * 5000]
    result = q.sector_volume(con, choices["2020"], hostile).data
    assert not result["selected"].any()
    assert q.sector_top_types(con, choices["2020"], hostile).data.empty
    assert con.execute("SELECT count(*) FROM incident_facts").fetchone()[0] == 36


def test_mix_columns_come_from_an_allow_list(con, choices):
    with pytest.raises(ValueError, match="allowed"):
        q._mix(con, "sector; DROP TABLE incidents", choices["2020"], [LG], True)


def test_every_sector_query_is_registered():
    names = {entry.name for entry in registry.catalogue() if entry.module == q.__name__}
    assert names == {
        "sector_volume",
        "sector_quarterly",
        "sector_top_incident_types",
        "sector_time_to_report",
        "sector_decisions",
        "sector_year_on_year",
    }
    by_name = {entry.name: entry for entry in registry.catalogue()}
    assert by_name["sector_volume"].sql == q.VOLUME_SQL.strip()
