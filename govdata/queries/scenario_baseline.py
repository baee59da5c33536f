"""Baseline counts for the what-if model: a sector's incidents over the last N comparable quarters.

The window is the last N comparable quarters present in the warehouse as a whole (not per sector), so a sector with
no incidents in a quarter still has that quarter counted in the annualisation. Counts are sums over the ETL's
pre-aggregated incidents_quarterly / incidents_quarterly_mix tables (etl/aggregates.py), identical to counting incidents.
"""
from __future__ import annotations

import duckdb

from govdata.queries.base import QueryResult, run
from govdata.queries.registry import named_query

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

@named_query("scenario_baseline_counts", "A sector's incidents in the last N comparable quarters, by incident type, category and time to report", BASELINE_SQL)
def baseline_counts(con: duckdb.DuckDBPyConnection, sector: str, quarters: int) -> QueryResult:
    """Incidents of `sector` in the window, by incident type, category and time taken to report."""
    return run(con, BASELINE_SQL, (sector, int(quarters)))
