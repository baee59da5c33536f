"""Where the numbers come from: the provenance table, build facts, chart source lines and the schema summary."""

from __future__ import annotations

import json
from datetime import date, datetime

import duckdb
import pandas as pd

from govdata import quarters
from govdata.figures import Source
from govdata.queries.base import QueryResult, run
from govdata.queries.registry import named_query

ICO_SOURCE = "ico_rows"  # the provenance.source of the ICO row-level release (real or sample)

PROVENANCE_SQL = """
SELECT source, title, publisher, licence, release_date, source_url, file, sha256,
       rows_read, rows_kept, rows_rejected, loaded_at, is_sample, load_report
FROM provenance
ORDER BY source, file
"""


@named_query(
    "provenance", "Every source loaded by the last build, with file hash, row counts and load report", PROVENANCE_SQL
)
def provenance(con: duckdb.DuckDBPyConnection) -> QueryResult:
    return run(con, PROVENANCE_SQL)


SOURCES_SQL = """
SELECT publisher, title, coalesce(source_url, '') AS source_url, licence, release_date, is_sample,
       -- what the data runs to (never presented as a release date)
       CASE source
           WHEN 'ico_rows' THEN (SELECT value FROM warehouse_meta WHERE key = 'latest_quarter')   -- '2024-Q4'
           WHEN 'ico_legacy' THEN (SELECT fy_label || ' Q' || fy_quarter || ' (financial year)'
                                   FROM legacy_incident_counts ORDER BY period_start DESC LIMIT 1)
       END AS data_to
FROM provenance
WHERE source = $1
ORDER BY file
"""


@named_query(
    "chart_sources",
    "Publisher, title, licence, publication date, the period the data runs to and the "
    "sample flag of one source, for the source line printed on charts",
    SOURCES_SQL,
)
def chart_sources(con: duckdb.DuckDBPyConnection, source: str = ICO_SOURCE) -> QueryResult:
    return run(con, SOURCES_SQL, (source,))


def _date_text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_sources(result: QueryResult) -> list[Source]:
    """The chart Source objects for the rows of chart_sources()."""
    return [
        Source(
            publisher=row.publisher,
            title=row.title,
            url=row.source_url,
            licence=row.licence,
            release_date=_date_text(row.release_date),
            is_sample=bool(row.is_sample),
            data_to=quarters.text(_date_text(getattr(row, "data_to", None))),
        )
        for row in result.data.itertuples(index=False)
    ]


SCHEMA_SUMMARY_SQL = """
SELECT t.table_name AS name, 'table' AS kind, t.estimated_size AS rows, t.column_count AS column_count,
       (SELECT string_agg(c.column_name || ' ' || c.data_type, ', ' ORDER BY c.column_index)
        FROM duckdb_columns() c
        WHERE c.schema_name = t.schema_name AND c.table_name = t.table_name) AS columns
FROM duckdb_tables() t
WHERE t.schema_name = 'main' AND NOT t.internal AND NOT t.temporary
UNION ALL
SELECT v.view_name, 'view', NULL, v.column_count,
       (SELECT string_agg(c.column_name || ' ' || c.data_type, ', ' ORDER BY c.column_index)
        FROM duckdb_columns() c
        WHERE c.schema_name = v.schema_name AND c.table_name = v.view_name)
FROM duckdb_views() v
WHERE v.schema_name = 'main' AND NOT v.internal AND NOT v.temporary
ORDER BY kind DESC, name
"""


@named_query(
    "schema_summary", "Tables and views in the warehouse with their columns and row counts", SCHEMA_SUMMARY_SQL
)
def schema_summary(con: duckdb.DuckDBPyConnection) -> QueryResult:
    return run(con, SCHEMA_SUMMARY_SQL)


# ---------------------------------------------------------------------------------------------- load reports


def load_report_sections(text: str) -> list[tuple[str, object]]:
    """A load report (JSON text) as (heading, value) pairs ready to show: value is a scalar or a DataFrame.

    Scalars stay as they are (numbers and flags typed, for the page to format), lists of records and dicts become
    tables; a report that is not valid JSON is returned as one raw-text section rather than failing the page.
    """
    try:
        report = json.loads(text) if text else {}
    except (TypeError, ValueError):
        return [("Load report (not valid JSON, shown as stored)", str(text))]
    if not isinstance(report, dict):
        return [("Load report", json.dumps(report, indent=1))]
    sections: list[tuple[str, object]] = []
    for key, value in report.items():
        heading = key.replace("_", " ").capitalize()
        sections.append((heading, _readable(value)))
    return sections


def _readable(value) -> object:
    if value is None:
        return "none"
    if isinstance(value, (int, float, bool)):
        return value  # kept typed: the page writes counts with separators and flags as Yes/No
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        if not value:
            return "none"
        if all(isinstance(v, dict) for v in value):
            return pd.DataFrame([{k: _cell(v) for k, v in item.items()} for item in value])
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        if not value:
            return "none"
        if all(isinstance(v, dict) for v in value.values()):  # e.g. rejected: reason -> {rows, first_row}
            return pd.DataFrame([{"item": k, **{kk: _cell(vv) for kk, vv in v.items()}} for k, v in value.items()])
        return pd.DataFrame({"item": list(value), "value": [_cell(v) for v in value.values()]})
    return str(value)


def _cell(value) -> object:
    return value if isinstance(value, (str, int, float, bool)) or value is None else json.dumps(value)
