"""What the warehouse holds: its sectors, its calendar quarters and its build facts (warehouse_meta).

The one home of these three questions: filter choices, period pickers, the what-if model and the sample banner all
ask here. Counts are sums over the ETL's pre-aggregated incidents_quarterly table (etl/aggregates.py).
"""

from __future__ import annotations

import duckdb

from govdata.queries.base import QueryResult, run
from govdata.queries.registry import named_query

SECTORS_SQL = """
SELECT sector, CAST(sum(incidents) AS BIGINT) AS incidents
FROM incidents_quarterly
WHERE dimension = 'total' AND (comparable OR NOT $1)
GROUP BY sector
ORDER BY incidents DESC, sector
"""


@named_query(
    "sectors", "Sectors with incidents (comparable quarters unless asked) and their counts, largest first", SECTORS_SQL
)
def sectors(con: duckdb.DuckDBPyConnection, comparable_only: bool = True) -> QueryResult:
    """Every sector with incidents in scope (comparable quarters only unless `comparable_only` is False), with its
    incident count, largest first."""
    return run(con, SECTORS_SQL, (bool(comparable_only),))


QUARTERS_SQL = """
SELECT year, quarter, min(period_start) AS period_start, bool_and(comparable) AS comparable,
       CAST(sum(incidents) AS BIGINT) AS incidents
FROM incidents_quarterly
WHERE dimension = 'total' AND (comparable OR NOT $1)
GROUP BY year, quarter
ORDER BY year, quarter
"""


@named_query("quarters", "Calendar quarters present (comparable only unless asked), with incident counts", QUARTERS_SQL)
def quarters(con: duckdb.DuckDBPyConnection, comparable_only: bool = True) -> QueryResult:
    """Each calendar quarter in scope, oldest first: year, quarter, period_start, comparable, incidents."""
    return run(con, QUARTERS_SQL, (bool(comparable_only),))


META_SQL = "SELECT key, value FROM warehouse_meta ORDER BY key"


@named_query("warehouse_meta", "Build facts: schema version, build time, latest quarter, sample flag", META_SQL)
def warehouse_meta(con: duckdb.DuckDBPyConnection) -> QueryResult:
    return run(con, META_SQL)


def meta_values(result: QueryResult) -> dict[str, str]:
    """warehouse_meta as a dict (schema_version, built_at, latest_quarter, latest_comparable_year, is_sample)."""
    return dict(zip(result.data["key"], result.data["value"]))


def is_sample(meta: dict[str, str]) -> bool:
    """True when the build facts say the incidents are simulated (the sample banner and labels follow)."""
    return str(meta.get("is_sample", "false")).lower() == "true"
