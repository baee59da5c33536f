"""Sector comparison: volume, cyber share, top incident types, time to report, decisions and change over time.

Every count is of distinct incidents (one row per BI Reference + Year + Quarter), never of file rows: the queries
sum the ETL's pre-aggregated incidents_quarterly / incidents_quarterly_mix tables, built from incident_facts by
etl/aggregates.py. Periods are ranges of calendar quarters written as an index `year * 4 + quarter - 1`, so a range
is two bound parameters. Q1 2019 is outside the comparable series and left out unless `comparable_only` is False.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from govdata import numbers, quarters, vocabulary
from govdata.queries.base import QueryResult, insert_after, run
from govdata.queries.registry import named_query
from govdata.stats import small_base

LAST_FOUR = "last4"
ALL_SECTORS = "All sectors"


@dataclass(frozen=True)
class Period:
    """A run of calendar quarters present in the warehouse."""

    key: str  # 'last4' or a year such as '2024' (the URL value)
    first: int  # quarters.index of the first quarter
    last: int  # quarters.index of the last quarter
    quarters: int  # quarters with data inside [first, last]

    @property
    def span(self) -> str:
        return (
            quarters.label_at(self.first)
            if self.first == self.last
            else f"{quarters.label_at(self.first)} to {quarters.label_at(self.last)}"
        )

    @property
    def label(self) -> str:
        """Wording for titles: '2024', '2019 (Q2 to Q4)' or 'the last 4 quarters (Q1 2024 to Q4 2024)'."""
        if self.key == LAST_FOUR:
            return f"the last {self.quarters} quarters ({self.span})"
        if self.quarters == 4:
            return self.key
        first, last = (f"Q{quarters.at(i).quarter}" for i in (self.first, self.last))
        return f"{self.key} ({first})" if first == last else f"{self.key} ({first} to {last})"


# ---------------------------------------------------------------------------------------------- vocabularies


def periods(present: QueryResult) -> dict[str, Period]:
    """The period choices offered for coverage.quarters(): the last four quarters, then each year, newest first."""
    frame = present.data
    if frame.empty:
        return {}
    index = sorted(quarters.index(y, q) for y, q in zip(frame["year"], frame["quarter"]))
    last4 = index[-4:]
    choices = {LAST_FOUR: Period(LAST_FOUR, last4[0], last4[-1], len(last4))}
    for year in sorted({i // 4 for i in index}, reverse=True):
        inside = [i for i in index if i // 4 == year]
        choices[str(year)] = Period(str(year), inside[0], inside[-1], len(inside))
    return choices


# ---------------------------------------------------------------------------------------------- measures

VOLUME_SQL = """
WITH scope AS (
    SELECT sector, incident_category, time_to_report, year, quarter, incidents
    FROM incidents_quarterly_mix
    WHERE year * 4 + quarter - 1 BETWEEN $1 AND $2 AND (comparable OR NOT $3)
), quarters AS (
    SELECT count(DISTINCT (year, quarter)) AS n FROM scope
), per_sector AS (
    SELECT sector,
           CAST(sum(incidents) AS BIGINT) AS incidents,
           CAST(coalesce(sum(incidents) FILTER (WHERE incident_category = $5), 0) AS BIGINT) AS cyber_incidents,
           CAST(coalesce(sum(incidents) FILTER (WHERE list_contains($6, time_to_report)), 0) AS BIGINT) AS within_72h
    FROM scope
    GROUP BY sector
)
-- counts only: incidents_per_quarter, cyber_pct and within_72h_pct are added from them by govdata.numbers
SELECT sector,
       list_contains($4, sector) AS selected,
       incidents,
       (SELECT n FROM quarters) AS quarters_in_period,
       cyber_incidents,
       within_72h,
       rank() OVER (ORDER BY incidents DESC) AS rank
FROM per_sector
ORDER BY incidents DESC, sector
"""


@named_query(
    "sector_volume",
    "Every sector's incidents in the period, per quarter, cyber share and share reported within 72 hours, "
    "ranked; `selected` marks the sectors picked for comparison",
    VOLUME_SQL,
)
def sector_volume(
    con: duckdb.DuckDBPyConnection, period: Period, selected: list[str], comparable_only: bool = True
) -> QueryResult:
    """Every sector's counts in the period, plus incidents_per_quarter, cyber_pct, within_72h_pct (computed from
    the counts by govdata.numbers, rounded once) and small_base (fewer than stats.MIN_BASE incidents)."""
    result = run(
        con,
        VOLUME_SQL,
        (period.first, period.last, comparable_only, list(selected), "Cyber", list(vocabulary.WITHIN_72_HOURS)),
    )
    frame, incidents = result.data, result.data["incidents"]
    quarters_in = frame["quarters_in_period"]
    insert_after(frame, "quarters_in_period", "incidents_per_quarter", numbers.ratio_column(incidents, quarters_in))
    for count, pct in (("cyber_incidents", "cyber_pct"), ("within_72h", "within_72h_pct")):
        insert_after(frame, count, pct, numbers.percent_column(frame[count], incidents))
    frame["small_base"] = [small_base(n) for n in incidents]
    return result


def _add_pct_of_sector(result: QueryResult) -> QueryResult:
    frame, base = result.data, result.data["sector_incidents"]
    insert_after(frame, "sector_incidents", "pct_of_sector", numbers.percent_column(frame["incidents"], base))
    frame["small_base"] = [small_base(n) for n in base]
    return result


QUARTERLY_SQL = """
WITH scope AS (
    SELECT sector, year, quarter, period_start, incidents
    FROM incidents_quarterly
    WHERE dimension = 'total' AND year * 4 + quarter - 1 <= $2 AND (comparable OR NOT $3)
), quarters AS (
    SELECT DISTINCT year, quarter, period_start FROM scope
), picked AS (
    SELECT DISTINCT unnest($1::VARCHAR[]) AS sector
), counts AS (
    SELECT sector, year, quarter, CAST(sum(incidents) AS BIGINT) AS incidents
    FROM scope
    WHERE list_contains($1, sector)
    GROUP BY sector, year, quarter
)
SELECT p.sector, q.year, q.quarter, q.period_start, coalesce(c.incidents, 0) AS incidents
FROM picked p
CROSS JOIN quarters q
LEFT JOIN counts c ON c.sector = p.sector AND c.year = q.year AND c.quarter = q.quarter
ORDER BY p.sector, q.year, q.quarter
"""


@named_query(
    "sector_quarterly",
    "Incidents per quarter for the picked sectors, up to the end of the period (zero where none)",
    QUARTERLY_SQL,
)
def sector_quarterly(
    con: duckdb.DuckDBPyConnection, period: Period, selected: list[str], comparable_only: bool = True
) -> QueryResult:
    return run(con, QUARTERLY_SQL, (list(selected), period.last, comparable_only))


TOP_TYPES_SQL = """
WITH counts AS (
    SELECT sector, value AS incident_type, CAST(sum(incidents) AS BIGINT) AS incidents
    FROM incidents_quarterly
    WHERE dimension = 'incident_type' AND year * 4 + quarter - 1 BETWEEN $1 AND $2 AND (comparable OR NOT $3)
      AND list_contains($4, sector)
    GROUP BY sector, incident_type
)
-- pct_of_sector is added from incidents / sector_incidents by govdata.numbers (exact, rounded once)
SELECT sector, incident_type, incidents,
       CAST(sum(incidents) OVER (PARTITION BY sector) AS BIGINT) AS sector_incidents,
       row_number() OVER (PARTITION BY sector ORDER BY incidents DESC, incident_type) AS rank
FROM counts
QUALIFY rank <= $5
ORDER BY sector, rank
"""


@named_query(
    "sector_top_incident_types",
    "The most frequent incident types in each picked sector, with their share of the sector's incidents",
    TOP_TYPES_SQL,
)
def sector_top_types(
    con: duckdb.DuckDBPyConnection, period: Period, selected: list[str], top: int = 5, comparable_only: bool = True
) -> QueryResult:
    return _add_pct_of_sector(
        run(con, TOP_TYPES_SQL, (period.first, period.last, comparable_only, list(selected), int(top)))
    )


# One template, two columns: the identifier comes only from this fixed allow-list.
_MIX_TEMPLATE = """
WITH scope AS (
    SELECT sector, value, incidents
    FROM incidents_quarterly
    WHERE dimension = '{column}' AND year * 4 + quarter - 1 BETWEEN $1 AND $2 AND (comparable OR NOT $3)
      AND list_contains($4, sector)
), known AS (
    -- the published values in the ICO's order first, then any new value the ICO has added
    SELECT value, ordinal AS value_order
    FROM (SELECT unnest($5::VARCHAR[]) AS value, generate_subscripts($5::VARCHAR[], 1) AS ordinal)
    UNION ALL
    SELECT DISTINCT value, 1000 AS value_order FROM scope WHERE NOT list_contains($5, value)
), picked AS (
    SELECT DISTINCT sector FROM scope
), counts AS (
    SELECT sector, value, CAST(sum(incidents) AS BIGINT) AS incidents FROM scope GROUP BY sector, value
)
-- pct_of_sector is added from incidents / sector_incidents by govdata.numbers (exact, rounded once)
SELECT p.sector, k.value AS {column}, k.value_order, coalesce(c.incidents, 0) AS incidents,
       CAST(sum(coalesce(c.incidents, 0)) OVER (PARTITION BY p.sector) AS BIGINT) AS sector_incidents
FROM picked p
CROSS JOIN known k
LEFT JOIN counts c ON c.sector = p.sector AND c.value = k.value
ORDER BY p.sector, k.value_order, k.value
"""
MIX_COLUMNS = ("time_to_report", "decision")
MIX_SQL = {column: _MIX_TEMPLATE.format(column=column) for column in MIX_COLUMNS}


def _mix(
    con: duckdb.DuckDBPyConnection, column: str, period: Period, selected: list[str], comparable_only: bool
) -> QueryResult:
    if column not in MIX_SQL:
        raise ValueError(f"no mix query for column {column!r}; allowed: {', '.join(MIX_COLUMNS)}")
    return _add_pct_of_sector(
        run(
            con,
            MIX_SQL[column],
            (period.first, period.last, comparable_only, list(selected), list(vocabulary.KNOWN_VALUES[column])),
        )
    )


@named_query(
    "sector_time_to_report",
    "Each picked sector's incidents by time taken to report (every band, zero where none)",
    MIX_SQL["time_to_report"],
)
def sector_time_to_report(
    con: duckdb.DuckDBPyConnection, period: Period, selected: list[str], comparable_only: bool = True
) -> QueryResult:
    return _mix(con, "time_to_report", period, selected, comparable_only)


@named_query("sector_decisions", "Each picked sector's incidents by the ICO's decision taken", MIX_SQL["decision"])
def sector_decisions(
    con: duckdb.DuckDBPyConnection, period: Period, selected: list[str], comparable_only: bool = True
) -> QueryResult:
    return _mix(con, "decision", period, selected, comparable_only)


CHANGE_SQL = """
WITH scope AS (
    SELECT sector, year * 4 + quarter - 1 AS q, incidents
    FROM incidents_quarterly
    WHERE dimension = 'total' AND (comparable OR NOT $3)
), present AS (
    SELECT DISTINCT q FROM scope
), pairs AS (
    -- quarters of the period whose quarter a year earlier is also in the data: like is compared with like
    SELECT p.q FROM present p JOIN present earlier ON earlier.q = p.q - 4
    WHERE p.q BETWEEN $1 AND $2
), flagged AS (
    SELECT sector, incidents, q IN (SELECT q FROM pairs) AS is_current, q + 4 IN (SELECT q FROM pairs) AS is_previous
    FROM scope
), totals AS (
    SELECT coalesce(sector, $5) AS sector,
           grouping(sector) = 1 AS is_total,
           CAST(coalesce(sum(incidents) FILTER (WHERE is_current), 0) AS BIGINT) AS current,
           CAST(coalesce(sum(incidents) FILTER (WHERE is_previous), 0) AS BIGINT) AS previous
    FROM flagged
    GROUP BY GROUPING SETS ((sector), ())
    HAVING grouping(sector) = 1 OR list_contains($4, sector)
)
-- pct_change is added from current / previous by govdata.numbers (exact, rounded once)
SELECT sector, is_total, current, previous, current - previous AS change,
       (SELECT count(*) FROM pairs) AS quarters_compared
FROM totals
ORDER BY is_total DESC, CASE WHEN previous > 0 THEN (current - previous) / previous END DESC NULLS LAST, sector
"""


@named_query(
    "sector_year_on_year",
    "Incidents in the period against the same quarters a year earlier, per picked sector and all sectors",
    CHANGE_SQL,
)
def sector_change(
    con: duckdb.DuckDBPyConnection, period: Period, selected: list[str], comparable_only: bool = True
) -> QueryResult:
    """Current vs previous counts per picked sector and all sectors, with pct_change (govdata.numbers, rounded
    once; NULL without an earlier base) and small_base (previous below stats.MIN_BASE: not ranked)."""
    result = run(con, CHANGE_SQL, (period.first, period.last, comparable_only, list(selected), ALL_SECTORS))
    frame = result.data
    frame.insert(
        frame.columns.get_loc("change") + 1, "pct_change", numbers.change_column(frame["current"], frame["previous"])
    )
    frame["small_base"] = [small_base(n) for n in frame["previous"]]
    return result
