"""Baseline counts for the what-if model: a sector's incidents over a window of comparable quarters.

The window (the last N comparable quarters in the warehouse as a whole, from govdata.queries.coverage.quarters) is
a range of quarter indexes (govdata.quarters.index), so a sector with no incidents in a quarter still has that
quarter counted in the annualisation. Counts are sums over the ETL's pre-aggregated incidents_quarterly_mix table
(etl/aggregates.py), identical to counting incidents.
"""

from __future__ import annotations

import duckdb

from govdata.queries.base import QueryResult, run
from govdata.queries.registry import named_query

BASELINE_SQL = """
SELECT incident_type, incident_category, time_to_report, CAST(sum(incidents) AS BIGINT) AS incidents
FROM incidents_quarterly_mix
WHERE sector = $1 AND comparable AND year * 4 + quarter - 1 BETWEEN $2 AND $3
GROUP BY incident_type, incident_category, time_to_report
ORDER BY incident_type, incident_category, time_to_report
"""


@named_query(
    "scenario_baseline_counts",
    "A sector's incidents in a window of comparable quarters, by incident type, category and time to report",
    BASELINE_SQL,
)
def baseline_counts(con: duckdb.DuckDBPyConnection, sector: str, first: int, last: int) -> QueryResult:
    """Incidents of `sector` in the quarters with index `first` to `last` (govdata.quarters.index), by incident
    type, category and time taken to report."""
    return run(con, BASELINE_SQL, (sector, int(first), int(last)))
