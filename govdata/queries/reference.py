"""Survey, poll and context figures (the committed reference tables), and the linked timeline beside incidents.

Filters are bound parameters; `NULL` means "all". A figure is placed in time at the middle of its fieldwork when
both fieldwork dates are known, else at its publication date; `date_basis` says which, and rows with neither are
left off the timeline (never given an invented date).
"""
from __future__ import annotations

import duckdb

from govdata.queries.base import QueryResult, run
from govdata.queries.registry import named_query

LOCAL_GOVERNMENT = "Local government"   # the ICO sector the linked view compares with council surveys

# Placing a figure in time: fieldwork midpoint, else published date.
_WHEN = """
    CASE WHEN fieldwork_start IS NOT NULL AND fieldwork_end IS NOT NULL
         THEN fieldwork_start + CAST(date_diff('day', fieldwork_start, fieldwork_end) // 2 AS INTEGER)
         ELSE published END"""
_BASIS = """
    CASE WHEN fieldwork_start IS NOT NULL AND fieldwork_end IS NOT NULL THEN 'fieldwork midpoint'
         WHEN published IS NOT NULL THEN 'published date'
         ELSE 'date unknown' END"""

SURVEY_SQL = f"""
SELECT survey_id, survey_name, publisher, topic, indicator, polarity, question, value_pct, value_count, base_n,
       value_text, fieldwork_start, fieldwork_end, published,
       CAST({_WHEN} AS DATE) AS figure_date, {_BASIS} AS date_basis,
       population, source_url, licence, notes, source_line
FROM survey_results
WHERE ($1::VARCHAR IS NULL OR topic = $1)
  AND ($2::VARCHAR IS NULL OR survey_id = $2)
ORDER BY figure_date NULLS LAST, survey_id, topic, indicator, source_line
"""


@named_query("survey_results", "Council survey figures, optionally for one topic and/or one survey", SURVEY_SQL)
def survey_results(con: duckdb.DuckDBPyConnection, topic: str | None = None,
                   survey_id: str | None = None) -> QueryResult:
    return run(con, SURVEY_SQL, (topic, survey_id))


SURVEY_TOPICS_SQL = """
SELECT topic, count(*) AS figures, count(value_pct) AS with_percentage
FROM survey_results
GROUP BY topic
ORDER BY topic
"""


@named_query("survey_topics", "Topics of the council survey figures, with how many figures each", SURVEY_TOPICS_SQL)
def survey_topics(con: duckdb.DuckDBPyConnection) -> QueryResult:
    return run(con, SURVEY_TOPICS_SQL)


SURVEYS_SQL = """
SELECT survey_id, any_value(survey_name) AS survey_name, any_value(publisher) AS publisher,
       min(fieldwork_start) AS fieldwork_start, max(fieldwork_end) AS fieldwork_end, max(published) AS published,
       max(base_n) AS base_n, count(*) AS figures
FROM survey_results
GROUP BY survey_id
ORDER BY min(coalesce(fieldwork_start, published)) NULLS LAST, survey_id
"""


@named_query("survey_list", "The council surveys held, with dates, base and number of figures", SURVEYS_SQL)
def surveys(con: duckdb.DuckDBPyConnection) -> QueryResult:
    return run(con, SURVEYS_SQL)


POLL_SQL = f"""
SELECT poll_id, poll_name, publisher, pollster, organisation, organisation_type, question, response, value_pct,
       base_n, value_text, fieldwork_start, fieldwork_end, published,
       CAST({_WHEN} AS DATE) AS figure_date, {_BASIS} AS date_basis,
       population, source_url, licence, notes, source_line
FROM poll_results
WHERE ($1::VARCHAR IS NULL OR organisation_type = $1)
  AND ($2::VARCHAR IS NULL OR pollster = $2)
ORDER BY figure_date NULLS LAST, poll_id, organisation, response, source_line
"""


@named_query("poll_results", "Poll figures on trust in data handling, by organisation type and pollster", POLL_SQL)
def poll_results(con: duckdb.DuckDBPyConnection, organisation_type: str | None = None,
                 pollster: str | None = None) -> QueryResult:
    return run(con, POLL_SQL, (organisation_type, pollster))


POLL_VOCAB_SQL = """
SELECT 'organisation_type' AS field, organisation_type AS value, count(*) AS figures
FROM poll_results GROUP BY organisation_type
UNION ALL
SELECT 'pollster', pollster, count(*) FROM poll_results GROUP BY pollster
ORDER BY field, value
"""


@named_query("poll_vocabulary", "Organisation types and pollsters present in the poll figures", POLL_VOCAB_SQL)
def poll_vocabulary(con: duckdb.DuckDBPyConnection) -> QueryResult:
    return run(con, POLL_VOCAB_SQL)


CONTEXT_SQL = """
SELECT figure_id, publisher, title, period_start, period_end, population, indicator, category, value, unit,
       value_text, source_url, licence, notes
FROM context_figures
ORDER BY period_start NULLS LAST, figure_id
"""


@named_query("context_figures", "Cited context figures (earlier breach counts, fines, data-sharing events)",
             CONTEXT_SQL)
def context_figures(con: duckdb.DuckDBPyConnection) -> QueryResult:
    return run(con, CONTEXT_SQL)


CHECKLIST_SQL = """
SELECT item_id, theme, question, immature_example, mature_example, source_url, licence
FROM maturity_checklist
ORDER BY CAST(regexp_extract(item_id, '[0-9]+') AS INTEGER) NULLS LAST, item_id
"""


@named_query("maturity_checklist", "Socitm data-maturity checklist questions", CHECKLIST_SQL)
def maturity_checklist(con: duckdb.DuckDBPyConnection) -> QueryResult:
    return run(con, CHECKLIST_SQL)


# One long table on a shared time axis. panel: 'incidents' | 'survey' | 'poll'.
# - ICO incidents for the sector per calendar year, comparable quarters only; `quarters` says how many of the
#   year's quarters are present so a part year is never read as a fall.
# - Earlier published breach counts for councils covering at most a year (context_figures), flagged not comparable.
# - Council survey percentages with a practice polarity (optionally one topic), and poll percentages (optionally
#   one organisation type / pollster), each at its figure date.
TIMELINE_SQL = f"""
WITH incident_years AS (
    -- one row per incident, so count(*) (a distinct count would only add a hash of every id)
    SELECT year, count(*) AS incidents, count(DISTINCT quarter) AS quarters
    FROM incidents
    WHERE comparable AND sector = $1
    GROUP BY year
)
SELECT 'incidents' AS panel, 'ICO reports: ' || $1 AS series, make_date(year, 7, 1) AS figure_date,
       'calendar year' AS date_basis, CAST(incidents AS DOUBLE) AS value, 'incidents' AS unit,
       CAST(year AS VARCHAR) || CASE WHEN quarters < 4 THEN ' (' || quarters || ' of 4 quarters)' ELSE '' END AS label,
       CAST(NULL AS INTEGER) AS base_n, quarters, TRUE AS comparable,
       'Information Commissioner''s Office' AS publisher, 'ICO data security incident trends' AS source_url
FROM incident_years
UNION ALL
SELECT 'incidents', 'Earlier published counts (not comparable)',
       CAST(period_start + CAST(date_diff('day', period_start, period_end) // 2 AS INTEGER) AS DATE), 'middle of period', value, unit,
       title || ': ' || value_text, NULL, NULL, FALSE, publisher, source_url
FROM context_figures
WHERE $1 = '{LOCAL_GOVERNMENT}' AND unit = 'breaches' AND value IS NOT NULL
  AND period_start IS NOT NULL AND period_end IS NOT NULL AND date_diff('day', period_start, period_end) <= 366
  AND (population ILIKE '%local authorit%' OR population ILIKE '%council%')
UNION ALL
SELECT 'survey', survey_name, CAST({_WHEN} AS DATE), {_BASIS}, value_pct, '% of respondents',
       indicator || ' (' || polarity || ')', base_n, NULL, TRUE, publisher, source_url
FROM survey_results
WHERE value_pct IS NOT NULL AND polarity <> 'neutral' AND ($2::VARCHAR IS NULL OR topic = $2)
  AND {_WHEN} IS NOT NULL
UNION ALL
SELECT 'poll', CASE WHEN pollster = 'Not stated' THEN publisher ELSE pollster || ' for ' || publisher END, CAST({_WHEN} AS DATE), {_BASIS}, value_pct, '% of respondents',
       organisation || ': ' || response, base_n, NULL, TRUE, publisher, source_url
FROM poll_results
WHERE value_pct IS NOT NULL AND ($3::VARCHAR IS NULL OR organisation_type = $3)
  AND ($4::VARCHAR IS NULL OR pollster = $4) AND {_WHEN} IS NOT NULL
ORDER BY panel, figure_date, series, label
"""


@named_query("reference_timeline",
             "Incidents per year for a sector beside council survey and poll figures on one time axis",
             TIMELINE_SQL)
def timeline(con: duckdb.DuckDBPyConnection, sector: str = LOCAL_GOVERNMENT, topic: str | None = None,
             organisation_type: str | None = LOCAL_GOVERNMENT, pollster: str | None = None) -> QueryResult:
    return run(con, TIMELINE_SQL, (sector, topic, organisation_type, pollster))


INCIDENT_META_SQL = """
SELECT key, value FROM warehouse_meta WHERE key IN ('is_sample', 'latest_quarter', 'built_at')
"""


@named_query("reference_incident_meta", "Whether the incident data is a sample, and its latest quarter",
             INCIDENT_META_SQL)
def incident_meta(con: duckdb.DuckDBPyConnection) -> QueryResult:
    return run(con, INCIDENT_META_SQL)
