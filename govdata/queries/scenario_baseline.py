"""Baseline counts for the what-if model: a sector's incidents over the last N comparable quarters.

The window is the last N comparable quarters present in the warehouse as a whole (not per sector), so a sector with
no incidents in a quarter still has that quarter counted in the annualisation. Counts are sums over the ETL's
pre-aggregated incidents_quarterly / incidents_quarterly_mix tables (etl/aggregates.py), identical to counting incidents.
"""
from __future__ import annotations

import duckdb

from govdata.queries.base import QueryResult, run
from govdata.queries.registry import named_query

WINDOW_SQL = """
SELECT DISTINCT year, quarter
FROM incidents_quarterly
WHERE comparable
ORDER BY year DESC, quarter DESC
LIMIT $1
"""

BASELINE_SQL = """
WITH window_quarters AS (
    SELECT DISTINCT year, quarter
    FROM incidents_quarterly
    WHERE comparable
    ORDER BY year DESC, quarter DESC
    LIMIT $2
)
SELECT i.incident_type, i.incident_category, i.time_to_report, CAST(sum(i.incidents) AS BIGINT) AS incidents
FROM incidents_quarterly_mix AS i
JOIN window_quarters AS w ON i.year = w.year AND i.quarter = w.quarter
WHERE i.sector = $1 AND i.comparable
GROUP BY i.incident_type, i.incident_category, i.time_to_report
ORDER BY i.incident_type, i.incident_category, i.time_to_report
"""

SECTORS_SQL = """
SELECT sector, CAST(sum(incidents) AS BIGINT) AS incidents
FROM incidents_quarterly
WHERE dimension = 'total' AND comparable
GROUP BY sector
ORDER BY sector
"""


@named_query("scenario_baseline_window", "The last N comparable quarters in the warehouse", WINDOW_SQL)
def baseline_window(con: duckdb.DuckDBPyConnection, quarters: int) -> QueryResult:
    """The last `quarters` comparable quarters in the warehouse (year, quarter), newest first."""
    return run(con, WINDOW_SQL, (int(quarters),))


@named_query("scenario_baseline_counts", "A sector's incidents in the last N comparable quarters, by incident type, category and time to report", BASELINE_SQL)
def baseline_counts(con: duckdb.DuckDBPyConnection, sector: str, quarters: int) -> QueryResult:
    """Incidents of `sector` in the window, by incident type, category and time taken to report."""
    return run(con, BASELINE_SQL, (sector, int(quarters)))


@named_query("scenario_sectors", "Sectors with comparable incidents and their counts", SECTORS_SQL)
def sectors(con: duckdb.DuckDBPyConnection) -> QueryResult:
    """Every sector with comparable incidents, and how many (all comparable quarters)."""
    return run(con, SECTORS_SQL)

META_SQL = "SELECT value FROM warehouse_meta WHERE key = $1"


@named_query("scenario_meta_value", "One warehouse_meta value", META_SQL)
def meta_value(con: duckdb.DuckDBPyConnection, key: str) -> QueryResult:
    """One warehouse_meta value (e.g. 'is_sample', 'latest_quarter'); empty frame when absent."""
    return run(con, META_SQL, (key,))
