"""Pre-aggregated incident counts, written by the build after incident_facts is filled.

incident_facts holds one row per incident, so counts are additive: every count a page shows is a sum over these
small tables instead of a scan of millions of incidents (at 100x a full release: ~0.5-1 s per query -> tens of ms).
Both tables are defined in etl/schema.sql and rebuilt from scratch by every build.

- incidents_quarterly: one GROUPING SETS pass; per (year, quarter, sector) the total and the counts by each
  breakdown column (`dimension` names the column, `value` its value; value is NULL for dimension 'total').
- incidents_quarterly_mix: per (year, quarter, sector) the counts by incident category x incident type x time to
  report, for the headline figures, the sector volume ranking and the scenario baseline (columns needed together).
"""

from __future__ import annotations

import duckdb

# The breakdown columns of incidents_quarterly (fixed allow-list: these identifiers are the only ones in the SQL).
DIMENSIONS = ("incident_category", "incident_type", "subjects_band", "time_to_report", "decision")
KEYS = "year, quarter, period_start, comparable, sector"


def _counts_sql() -> str:
    sets = ", ".join([f"({KEYS})", *(f"({KEYS}, {column})" for column in DIMENSIONS)])
    # In each grouping set exactly one breakdown column is grouped (the others are NULL; the facts are NOT NULL),
    # so grouping() names the dimension and coalesce() picks its value.
    dimension = " ".join(f"WHEN grouping({column}) = 0 THEN '{column}'" for column in DIMENSIONS)
    return f"""
        INSERT INTO incidents_quarterly (year, quarter, period_start, comparable, sector, dimension, value,
                                         incidents)
        SELECT {KEYS}, CASE {dimension} ELSE 'total' END, coalesce({", ".join(DIMENSIONS)}), count(*)
        FROM incident_facts
        GROUP BY GROUPING SETS ({sets})
        ORDER BY year, quarter, sector
    """


MIX_SQL = f"""
    INSERT INTO incidents_quarterly_mix (year, quarter, period_start, comparable, sector, incident_category,
                                         incident_type, time_to_report, incidents)
    SELECT {KEYS}, incident_category, incident_type, time_to_report, count(*)
    FROM incident_facts
    GROUP BY ALL
    ORDER BY year, quarter, sector
"""


def create_aggregates(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Fill incidents_quarterly and incidents_quarterly_mix from incident_facts (tables in etl/schema.sql).

    Returns each table's row count. Called by etl.build inside the build connection, after ico_rows.load.
    """
    con.execute("DELETE FROM incidents_quarterly")
    con.execute("DELETE FROM incidents_quarterly_mix")
    con.execute(_counts_sql())
    con.execute(MIX_SQL)
    return {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # table from this fixed pair
        for table in ("incidents_quarterly", "incidents_quarterly_mix")
    }
