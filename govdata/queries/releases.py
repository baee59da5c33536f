"""What changed between ICO releases: the releases kept in the warehouse and, between any two of them, the
quarters added or removed, the quarters revised (old count, new count, difference, by sector, category or type)
and the sectors, categories and types that appeared or disappeared. Also the figure behind "revised from N in
the previous release" for a headline period.

Tables: ico_releases, ico_release_counts (etl/schema.sql, filled by etl/releases.py). Releases are named by
their sha256; every value is a bound parameter, and the breakdown column comes from the fixed DIMENSIONS.
A quarter is *revised* when any of its counts by sector x category x type differs between the two releases,
even if its total does not (an incident moved from one sector to another).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from govdata import quarters
from govdata import vocabulary as voc
from govdata.queries.base import QueryResult, run
from govdata.queries.registry import named_query, register

# Breakdown columns of ico_release_counts (allow-list: the only identifiers formatted into SQL) -> label.
DIMENSIONS = {"sector": "Sector", "incident_category": "Incident category", "incident_type": "Incident type"}
SHORT_ID = 12  # hex digits of the sha256 that name a release in URLs

ORDER = "runs_to_year, runs_to_quarter, coalesce(fetched_at, first_loaded_at), sha256"

RELEASES_SQL = f"""
SELECT sha256, file, runs_to, runs_to_year, runs_to_quarter, fetched_at, source_url, first_loaded_at,
       rows_read, incidents, is_sample, is_current
FROM ico_releases
ORDER BY {ORDER}
"""


def release_label(row) -> str:
    """'Q4 2024 release (fetched 2025-01-20)' / '... (loaded 2025-01-20)' for a row of releases()."""
    when = row["fetched_at"] if not pd.isna(row["fetched_at"]) else row["first_loaded_at"]
    how = "fetched" if not pd.isna(row["fetched_at"]) else "loaded"
    return (
        f"{quarters.label(row['runs_to_year'], row['runs_to_quarter'])} release ({how} {pd.Timestamp(when):%Y-%m-%d})"
    )


@named_query(
    "releases",
    "Every ICO release kept in the warehouse, oldest first (file, sha256, quarter it runs "
    "to, when fetched and first loaded, which one the dashboard shows)",
    RELEASES_SQL,
)
def releases(con: duckdb.DuckDBPyConnection) -> QueryResult:
    """The releases, oldest first, with `release_id` (short sha256, for URLs) and a readable `label`."""
    result = run(con, RELEASES_SQL)
    frame = result.data
    frame.insert(0, "release_id", frame["sha256"].str[:SHORT_ID])
    labels = [release_label(row) for _, row in frame.iterrows()]
    # Two releases to the same quarter fetched the same day: tell them apart by their sha256.
    frame["label"] = [
        f"{label} {sha[:8]}" if labels.count(label) > 1 else label for label, sha in zip(labels, frame["sha256"])
    ]
    return result


QUARTER_CHANGES_SQL = """
WITH cells AS (
    SELECT coalesce(o.year, n.year) AS year, coalesce(o.quarter, n.quarter) AS quarter,
           o.incidents AS old_n, n.incidents AS new_n
    FROM (SELECT * FROM ico_release_counts WHERE sha256 = $1) o
    FULL OUTER JOIN (SELECT * FROM ico_release_counts WHERE sha256 = $2) n
      ON o.year = n.year AND o.quarter = n.quarter AND o.sector = n.sector
     AND o.incident_category = n.incident_category AND o.incident_type = n.incident_type
), quarters AS (
    SELECT year, quarter, sum(old_n)::BIGINT AS old_incidents, sum(new_n)::BIGINT AS new_incidents,
           count(old_n) AS old_cells, count(new_n) AS new_cells,
           count(*) FILTER (WHERE old_n IS DISTINCT FROM new_n) AS cells_changed
    FROM cells GROUP BY year, quarter
)
SELECT year, quarter,
       CASE WHEN old_cells = 0 THEN 'added' WHEN new_cells = 0 THEN 'removed'
            WHEN cells_changed > 0 THEN 'revised' ELSE 'unchanged' END AS status,
       old_incidents, new_incidents,
       (coalesce(new_incidents, 0) - coalesce(old_incidents, 0))::BIGINT AS difference,
       cells_changed
FROM quarters
ORDER BY year, quarter
"""


@named_query(
    "release_quarter_changes",
    "Per quarter between two releases ($1 old, $2 new sha256): added, "
    "removed, revised or unchanged, with both totals and the difference",
    QUARTER_CHANGES_SQL,
)
def quarter_changes(con: duckdb.DuckDBPyConnection, old: str, new: str) -> QueryResult:
    """One row per quarter in either release: status, old_incidents, new_incidents, difference (new - old),
    cells_changed (sector x category x type counts that differ)."""
    return run(con, QUARTER_CHANGES_SQL, (old, new))


def _revisions_sql(dimension: str) -> str:
    column = _column(dimension)
    return f"""
WITH old AS (SELECT year, quarter, {column} AS value, sum(incidents)::BIGINT AS incidents
             FROM ico_release_counts WHERE sha256 = $1 GROUP BY ALL),
     new AS (SELECT year, quarter, {column} AS value, sum(incidents)::BIGINT AS incidents
             FROM ico_release_counts WHERE sha256 = $2 GROUP BY ALL),
     shared AS (SELECT DISTINCT o.year, o.quarter FROM old o JOIN new n USING (year, quarter))
SELECT * FROM (
    SELECT coalesce(o.year, n.year) AS year, coalesce(o.quarter, n.quarter) AS quarter,
           coalesce(o.value, n.value) AS value,
           coalesce(o.incidents, 0) AS old_incidents, coalesce(n.incidents, 0) AS new_incidents,
           coalesce(n.incidents, 0) - coalesce(o.incidents, 0) AS difference
    FROM old o FULL OUTER JOIN new n ON o.year = n.year AND o.quarter = n.quarter AND o.value = n.value
) d
WHERE difference <> 0 AND EXISTS (SELECT 1 FROM shared s WHERE s.year = d.year AND s.quarter = d.quarter)
ORDER BY year, quarter, value
"""


def _column(dimension: str) -> str:
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {list(DIMENSIONS)}, not {dimension!r}")
    return dimension


for _dimension in DIMENSIONS:
    register(
        f"release_revisions_by_{_dimension}",
        f"Revised quarters between two releases ($1 old, $2 new "
        f"sha256) broken down by {DIMENSIONS[_dimension].lower()}: old and new count and the difference, "
        "only where they differ",
        _revisions_sql(_dimension),
        __name__,
    )


def revisions(con: duckdb.DuckDBPyConnection, old: str, new: str, dimension: str = "sector") -> QueryResult:
    """In quarters both releases cover: each (year, quarter, value of `dimension`) whose count differs, with
    old_incidents, new_incidents and difference. `dimension` is one of DIMENSIONS."""
    return run(con, _revisions_sql(dimension), (old, new))


VOCABULARY_CHANGES_SQL = """
WITH present AS (
    SELECT 'sector' AS dimension, sector AS value, sha256, sum(incidents) AS incidents
    FROM ico_release_counts WHERE sha256 IN ($1, $2) GROUP BY ALL
    UNION ALL
    SELECT 'incident_category', incident_category, sha256, sum(incidents)
    FROM ico_release_counts WHERE sha256 IN ($1, $2) GROUP BY ALL
    UNION ALL
    SELECT 'incident_type', incident_type, sha256, sum(incidents)
    FROM ico_release_counts WHERE sha256 IN ($1, $2) GROUP BY ALL
)
SELECT dimension, value,
       CASE WHEN bool_or(sha256 = $2) THEN 'appeared' ELSE 'disappeared' END AS change,
       sum(incidents)::BIGINT AS incidents
FROM present
WHERE $1 <> $2
GROUP BY dimension, value
HAVING count(DISTINCT sha256) = 1
ORDER BY dimension, change, value
"""


@named_query(
    "release_vocabulary_changes",
    "Sectors, incident categories and incident types found in only one "
    "of two releases ($1 old, $2 new sha256): appeared or disappeared, with their incidents",
    VOCABULARY_CHANGES_SQL,
)
def vocabulary_changes(con: duckdb.DuckDBPyConnection, old: str, new: str) -> QueryResult:
    return run(con, VOCABULARY_CHANGES_SQL, (old, new))


PERIOD_REVISION_SQL = f"""
WITH ordered AS (
    SELECT sha256, file, runs_to, runs_to_year, runs_to_quarter, fetched_at, first_loaded_at, is_current,
           row_number() OVER (ORDER BY {ORDER}) AS position
    FROM ico_releases
), current_release AS (SELECT * FROM ordered WHERE is_current),
previous_release AS (
    SELECT o.* FROM ordered o, current_release c
    WHERE o.position = c.position - 1
      AND o.runs_to_year * 4 + o.runs_to_quarter >= $1 * 4 + coalesce($2::INTEGER, 4)   -- it covered the whole period
),
period AS (
    SELECT sha256, sum(incidents)::BIGINT AS incidents FROM ico_release_counts
    WHERE year = $1 AND ($2::INTEGER IS NULL OR quarter = $2::INTEGER)
      AND year * 4 + quarter >= $4 * 4 + $5                                  -- comparable quarters only
      AND (len($3::VARCHAR[]) = 0 OR list_contains($3::VARCHAR[], sector))
    GROUP BY sha256
)
SELECT p.sha256 AS previous_sha256, p.file AS previous_file, p.runs_to AS previous_runs_to,
       p.fetched_at AS previous_fetched_at, p.first_loaded_at AS previous_first_loaded_at,
       coalesce((SELECT incidents FROM period WHERE sha256 = p.sha256), 0) AS previous_incidents,
       coalesce((SELECT incidents FROM period WHERE sha256 = c.sha256), 0) AS current_incidents
FROM previous_release p, current_release c
"""


@named_query(
    "release_period_revision",
    "A period's incidents ($1 year, $2 quarter or NULL for the year, $3 "
    "sectors or none for all) in the release shown and in the release before it, when that one "
    "covered the whole period",
    PERIOD_REVISION_SQL,
)
def period_revision(
    con: duckdb.DuckDBPyConnection, year: int, quarter: int | None = None, sectors: tuple[str, ...] | list[str] = ()
) -> QueryResult:
    """No row when there is no earlier release covering the period; else previous_incidents and
    current_incidents (comparable quarters only, as the headline figures count)."""
    first_year, first_quarter = voc.FIRST_COMPARABLE
    return run(
        con,
        PERIOD_REVISION_SQL,
        (int(year), None if quarter is None else int(quarter), list(sectors), first_year, first_quarter),
    )


def revised_from(result: QueryResult) -> int | None:
    """The previous release's count when the current release revised it (None: not revised, or no earlier
    release covering the period): the N of "revised from N in the previous release"."""
    frame = result.data
    if frame.empty:
        return None
    row = frame.iloc[0]
    previous, current = int(row["previous_incidents"]), int(row["current_incidents"])
    return previous if previous != current else None


def headline_revisions(query, figures: QueryResult, sectors=()) -> dict[str, tuple[int, str]]:
    """{kind: (count in the previous release, the quarter that release ran to)} for each headline_figures() row
    whose figure the release shown revised. `query` runs a query function (a views runner's `query`, or
    functools.partial(fn, con)-style callables: query(fn, *args))."""
    out: dict[str, tuple[int, str]] = {}
    for row in figures.data.itertuples(index=False):
        result = query(period_revision, int(row.year), int(row.quarter) or None, list(sectors))
        previous = revised_from(result)
        if previous is not None:
            out[row.kind] = (previous, str(result.data.iloc[0]["previous_runs_to"]))
    return out
