"""Incident queries against the tiny warehouse; expectations hand-computed from tests/fixtures/ico/ico_rows_small.csv
(36 incidents, Q1 2019..Q4 2020: 3, 5, 4, 6, 4, 5, 3, 6 per quarter; Q1 2019 not comparable)."""

from __future__ import annotations

import pandas as pd
import pytest

from govdata import vocabulary
from govdata.queries import coverage
from govdata.queries import incidents as q


def _series(frame: pd.DataFrame, group: str, column: str = "incidents") -> dict[str, object]:
    part = frame[frame["group"] == group]
    return dict(zip(part["period"], part[column]))


def test_quarterly_totals_comparable_only(con):
    frame = q.incident_trend(con, "quarter").data
    assert list(frame["period"]) == ["Q2 2019", "Q3 2019", "Q4 2019", "Q1 2020", "Q2 2020", "Q3 2020", "Q4 2020"]
    assert list(frame["incidents"]) == [5, 4, 6, 4, 5, 3, 6]
    assert set(frame["group"]) == {q.ALL_INCIDENTS}
    # change on the same quarter a year earlier: Q2 2020 5 vs Q2 2019 5; Q3 2020 3 vs 4; Q4 2020 6 vs 6
    changes = dict(zip(frame["period"], frame["change_pct"]))
    assert changes["Q2 2020"] == 0 and changes["Q3 2020"] == -25.0 and changes["Q4 2020"] == 0
    assert pd.isna(changes["Q1 2020"])  # Q1 2019 is not comparable, so not in the comparable series


def test_including_q1_2019(con):
    frame = q.incident_trend(con, "quarter", comparable_only=False).data
    assert frame["period"].iloc[0] == "Q1 2019" and frame["incidents"].iloc[0] == 3
    assert frame["incidents"].sum() == 36


def test_yearly_partial_year_is_marked_and_not_compared(con):
    frame = q.incident_trend(con, "year").data
    rows = frame.set_index("period")
    assert rows.loc["2019", "incidents"] == 15 and rows.loc["2019", "quarters_covered"] == 3
    assert not rows.loc["2019", "complete"] and rows.loc["2020", "complete"]
    assert rows.loc["2020", "incidents"] == 18
    assert pd.isna(rows.loc["2020", "change_pct"])  # 3 quarters vs 4: not comparable
    full = q.incident_trend(con, "year", comparable_only=False).data.set_index("period")
    assert full.loc["2019", "incidents"] == 18 and full.loc["2020", "change_pct"] == 0


def test_breakdown_with_sector_filter_fills_zeros(con):
    frame = q.incident_trend(con, "quarter", "incident_category", ["Local government"]).data
    cyber, non_cyber = _series(frame, "Cyber"), _series(frame, "Non Cyber")
    # BI1010 resolves to Health, so Local government Q2 2019 = BI1004 (Non Cyber) + BI1005 (Cyber)
    assert cyber["Q2 2019"] == 1 and non_cyber["Q2 2019"] == 1
    assert cyber["Q3 2019"] == 0 and non_cyber["Q3 2019"] == 1  # zero rows are present
    assert cyber["Q4 2020"] == 1 and non_cyber["Q4 2020"] == 2
    assert _series(frame, "Cyber", "change_pct")["Q2 2020"] == -100.0
    assert _series(frame, "Non Cyber", "change_pct")["Q2 2020"] == 100.0
    shares = frame[frame["period"] == "Q4 2020"]
    assert shares["share_pct"].sum() == pytest.approx(100.0)
    assert set(shares["period_total"]) == {3}


def test_rolling_mean(con):
    frame = q.incident_trend(con, "quarter", rolling=True).data
    rolling = dict(zip(frame["period"], frame["rolling_mean_4q"]))
    assert pd.isna(rolling["Q4 2019"])
    assert rolling["Q1 2020"] == 4.8  # (5 + 4 + 6 + 4) / 4 = 4.75, rounded once, half up
    assert rolling["Q4 2020"] == 4.5  # (4 + 5 + 3 + 6) / 4


def test_breakdown_allow_list(con):
    for bad in ("sector; DROP TABLE incidents", "bi_reference", "Incident Type"):
        with pytest.raises(ValueError):
            q.incident_trend(con, "quarter", bad)
    with pytest.raises(ValueError):
        q.incident_trend(con, "month")
    with pytest.raises(ValueError):
        q.legacy_counts(con, "sector")


def test_sector_values_are_bound_not_formatted(con):
    hostile = "Health') OR 1=1 --"
    result = q.incident_trend(con, "quarter", None, [hostile])
    assert result.data["incidents"].sum() == 0
    assert hostile not in result.sql and result.params[2] == [hostile]


def test_every_breakdown_runs(con):
    for column in vocabulary.BREAKDOWNS:
        frame = q.incident_trend(con, "year", column).data
        assert frame.groupby("period")["incidents"].sum().to_dict() == {"2019": 15, "2020": 18}


def test_headline_figures(con):
    rows = q.headline_figures(con).data.set_index("kind")
    year, quarter = rows.loc["year"], rows.loc["quarter"]
    assert (year["period"], year["incidents"], year["cyber"], year["within_72h"]) == ("2020", 18, 7, 13)
    assert pd.isna(year["incidents_year_earlier"])  # 2019 is partial
    assert (quarter["period"], quarter["incidents"], quarter["incidents_year_earlier"]) == ("Q4 2020", 6, 6)
    assert quarter["cyber"] == 2 and quarter["within_72h"] == 4
    # counts only: no share or change is rounded in SQL (govdata.numbers rounds once, from these counts)
    assert not [c for c in rows.columns if c.endswith("_pct")]


def test_headline_figures_for_a_sector(con):
    rows = q.headline_figures(con, ["Health"]).data.set_index("kind")
    assert rows.loc["year", "incidents"] == 6
    assert (rows.loc["quarter", "incidents"], rows.loc["quarter", "incidents_year_earlier"]) == (2, 1)


def test_filter_vocabularies(con):
    sectors = coverage.sectors(con).data
    assert sectors.iloc[0]["sector"] == "Local government" and sectors["incidents"].sum() == 33
    assert list(coverage.quarters(con, comparable_only=False).data["comparable"]) == [False] + [True] * 7


def test_legacy_counts(con):
    frame = q.legacy_counts(con).data
    totals = frame.groupby("period", sort=False)["incidents"].sum()
    assert totals.to_dict() == {"2019-20 Q1": 40, "2019-20 Q2": 29, "2019-20 Q4": 23}
    assert set(frame["group"]) <= {"Cyber", "Non Cyber"}
    by_type = q.legacy_counts(con, "incident_type").data
    assert by_type["incidents"].sum() == 92
    assert not q.legacy_sectors(con).data.empty


def test_many_groups_fold_into_all_others_in_sql(sample_warehouse):
    """22 incident types: the 6 largest in the latest complete year stay, the other 16 are summed into one group
    whose shares and changes are computed from its own counts like any other group's."""
    from govdata import numbers, warehouse

    con = warehouse.connect(sample_warehouse)
    full = q.incident_trend(con, "year", "incident_type").data
    folded_result = q.incident_trend(con, "year", "incident_type", top=6)
    folded = folded_result.data
    n_types = full["group"].nunique()
    assert n_types > 9
    others = q.others_label(n_types - 6)
    assert folded["group"].nunique() == 7 and others in set(folded["group"])
    # the kept six are the largest in the latest complete year (ties by total, then name)
    latest = full[full["complete"]]["period"].max()
    ranked = full[full["period"] == latest].sort_values(["incidents", "group"], ascending=[False, True])
    assert set(folded["group"]) - {others} == set(ranked["group"].head(6))
    # nothing lost: per period, the folded counts add up to the same totals, and "All others" is the rest
    assert folded.groupby("period")["incidents"].sum().equals(full.groupby("period")["incidents"].sum())
    kept = set(ranked["group"].head(6))
    rest = full[~full["group"].isin(kept)].groupby("period")["incidents"].sum()
    mine = folded[folded["group"] == others].set_index("period")
    assert mine["incidents"].to_dict() == rest.to_dict()
    for _, row in mine.iterrows():
        assert (
            row["share_pct"]
            == numbers.percent_column(pd.Series([row["incidents"]]), pd.Series([row["period_total"]])).iloc[0]
        )
    # the shown SQL and parameters reproduce the folded rows (show query stays exact)
    assert folded_result.params[3] == sorted(kept, key=list(ranked["group"]).index)
    assert folded_result.params[4] == others
    # few groups, or no `top`: nothing is folded
    assert q.incident_trend(con, "year", "incident_category", top=1).data["group"].nunique() == 2
    assert not any(q.is_others(g) for g in full["group"])
    for bad in (0, 9, True, "6"):
        with pytest.raises(ValueError):
            q.incident_trend(con, "year", "incident_type", top=bad)
    assert q.folds("incident_type") and not q.folds("decision") and not q.folds(None)


def test_legacy_types_fold_too(con):
    by_type = q.legacy_counts(con, "incident_type").data
    folded = q.legacy_counts(con, "incident_type", top=1).data
    if by_type["group"].nunique() <= 2:
        pytest.fail("the legacy fixture needs more than two incident types to test folding")
    assert folded["group"].nunique() == 2
    assert folded.groupby("period")["incidents"].sum().equals(by_type.groupby("period")["incidents"].sum())
