"""Survey, poll and context figures (the committed reference tables), and the linked timeline beside incidents.

Filters are bound parameters; `NULL` means "all". A figure is placed in time at the middle of its fieldwork when
both fieldwork dates are known, else at its publication date; `date_basis` says which, and rows with neither are
left off the timeline (never given an invented date).
"""

from __future__ import annotations

import duckdb

from govdata.queries.base import QueryResult, run
from govdata.queries.registry import named_query

LOCAL_GOVERNMENT = "Local government"  # the ICO sector the linked view compares with council surveys


# Placing a figure in time: fieldwork midpoint, else published date.
def _when(t: str = "") -> str:
    """Placing a figure in time: fieldwork midpoint, else published date (`t` qualifies the columns)."""
    return f"""
    CASE WHEN {t}fieldwork_start IS NOT NULL AND {t}fieldwork_end IS NOT NULL
         THEN {t}fieldwork_start + CAST(date_diff('day', {t}fieldwork_start, {t}fieldwork_end) // 2 AS INTEGER)
         ELSE {t}published END"""


def _basis(t: str = "") -> str:
    return f"""
    CASE WHEN {t}fieldwork_start IS NOT NULL AND {t}fieldwork_end IS NOT NULL THEN 'fieldwork midpoint'
         WHEN {t}published IS NOT NULL THEN 'published date'
         ELSE 'date unknown' END"""


_WHEN, _BASIS = _when(), _basis()
# The columns a survey or poll figure (`r`) shares: its place in time, provenance and cited page (`s`).
_PLACED_AND_CITED = f"""CAST({_when("r.")} AS DATE) AS figure_date, {_basis("r.")} AS date_basis,
       r.population, r.source_url, r.licence, r.notes, r.source_line,
       -- the cited page of this figure (data/reference/sources.csv): its own citation, never a template
       s.publisher AS cite_publisher, s.author AS cite_author, s.title AS cite_title, s.published AS cite_published,
       s.accessed, s.licence AS cite_licence"""

SURVEY_SQL = f"""
SELECT r.survey_id, r.survey_name, r.publisher, r.topic, r.indicator, r.polarity, r.question, r.value_pct,
       r.value_count, r.base_n, r.value_text, r.fieldwork_start, r.fieldwork_end, r.published,
       {_PLACED_AND_CITED}
FROM survey_results r JOIN reference_sources s USING (source_url)
WHERE ($1::VARCHAR IS NULL OR r.topic = $1)
  AND ($2::VARCHAR IS NULL OR r.survey_id = $2)
ORDER BY figure_date NULLS LAST, r.survey_id, r.topic, r.indicator, r.source_line
"""


@named_query("survey_results", "Council survey figures, optionally for one topic and/or one survey", SURVEY_SQL)
def survey_results(
    con: duckdb.DuckDBPyConnection, topic: str | None = None, survey_id: str | None = None
) -> QueryResult:
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
SELECT r.poll_id, r.poll_name, r.publisher, r.pollster, r.organisation, r.organisation_type, r.question, r.response,
       r.value_pct, r.base_n, r.value_text, r.fieldwork_start, r.fieldwork_end, r.published,
       {_PLACED_AND_CITED}
FROM poll_results r JOIN reference_sources s USING (source_url)
WHERE ($1::VARCHAR IS NULL OR r.organisation_type = $1)
  AND ($2::VARCHAR IS NULL OR r.pollster = $2)
ORDER BY figure_date NULLS LAST, r.poll_id, r.organisation, r.response, r.source_line
"""


@named_query("poll_results", "Poll figures on trust in data handling, by organisation type and pollster", POLL_SQL)
def poll_results(
    con: duckdb.DuckDBPyConnection, organisation_type: str | None = None, pollster: str | None = None
) -> QueryResult:
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


@named_query(
    "context_figures", "Cited context figures (earlier breach counts, fines, data-sharing events)", CONTEXT_SQL
)
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
), ico AS (
    -- who the incident counts come from: the provenance row of the data actually loaded (a sample says so)
    SELECT publisher, coalesce(source_url, '') AS source_url, is_sample FROM provenance WHERE source = 'ico_rows'
    LIMIT 1
)
SELECT 'incidents' AS panel, 'ICO reports: ' || $1 AS series, make_date(year, 7, 1) AS figure_date,
       'calendar year' AS date_basis, CAST(incidents AS DOUBLE) AS value, 'incidents' AS unit,
       CAST(year AS VARCHAR) || CASE WHEN quarters < 4 THEN ' (' || quarters || ' of 4 quarters)' ELSE '' END AS label,
       CAST(NULL AS INTEGER) AS base_n, quarters, TRUE AS comparable,
       ico.publisher, ico.source_url,
       CASE WHEN ico.is_sample THEN 'SAMPLE (simulated)' WHEN ico.is_sample IS NULL THEN 'source not recorded'
            ELSE 'published data' END AS data_status,
       CAST(NULL AS VARCHAR) AS cite_publisher, CAST(NULL AS VARCHAR) AS cite_author,
       CAST(NULL AS VARCHAR) AS cite_title, CAST(NULL AS VARCHAR) AS cite_published,
       CAST(NULL AS DATE) AS accessed, CAST(NULL AS VARCHAR) AS cite_licence
FROM incident_years LEFT JOIN ico ON TRUE
UNION ALL
SELECT 'incidents', 'Earlier published counts (not comparable)',
       CAST(c.period_start + CAST(date_diff('day', c.period_start, c.period_end) // 2 AS INTEGER) AS DATE),
       'middle of period', c.value, c.unit, c.title || ': ' || c.value_text, NULL, NULL, FALSE, c.publisher,
       c.source_url, 'published figure (transcribed)',
       s.publisher, s.author, s.title, s.published, s.accessed, s.licence
FROM context_figures c JOIN reference_sources s USING (source_url)
WHERE $1 = '{LOCAL_GOVERNMENT}' AND c.unit = 'breaches' AND c.value IS NOT NULL
  AND c.period_start IS NOT NULL AND c.period_end IS NOT NULL AND date_diff('day', c.period_start, c.period_end) <= 366
  AND (c.population ILIKE '%local authorit%' OR c.population ILIKE '%council%')
UNION ALL
SELECT 'survey', r.survey_name, CAST({_when("r.")} AS DATE), {_basis("r.")}, r.value_pct, '% of respondents',
       r.indicator || ' (' || r.polarity || ')', r.base_n, NULL, TRUE, r.publisher, r.source_url,
       'published figure (transcribed)', s.publisher, s.author, s.title, s.published, s.accessed, s.licence
FROM survey_results r JOIN reference_sources s USING (source_url)
WHERE r.value_pct IS NOT NULL AND r.polarity <> 'neutral' AND r.topic <> 'Response'
  AND ($2::VARCHAR IS NULL OR r.topic = $2) AND {_when("r.")} IS NOT NULL
UNION ALL
SELECT 'poll', CASE WHEN r.pollster = 'Not stated' THEN r.publisher ELSE r.pollster || ' for ' || r.publisher END,
       CAST({_when("r.")} AS DATE), {_basis("r.")}, r.value_pct, '% of respondents',
       r.organisation || ': ' || r.response, r.base_n, NULL, TRUE, r.publisher, r.source_url,
       'published figure (transcribed)', s.publisher, s.author, s.title, s.published, s.accessed, s.licence
FROM poll_results r JOIN reference_sources s USING (source_url)
WHERE r.value_pct IS NOT NULL AND ($3::VARCHAR IS NULL OR r.organisation_type = $3)
  AND ($4::VARCHAR IS NULL OR r.pollster = $4) AND {_when("r.")} IS NOT NULL
ORDER BY panel, figure_date, series, label
"""


@named_query(
    "reference_timeline",
    "Incidents per year for a sector beside council survey and poll figures on one time axis",
    TIMELINE_SQL,
)
def timeline(
    con: duckdb.DuckDBPyConnection,
    sector: str = LOCAL_GOVERNMENT,
    topic: str | None = None,
    organisation_type: str | None = LOCAL_GOVERNMENT,
    pollster: str | None = None,
) -> QueryResult:
    return run(con, TIMELINE_SQL, (sector, topic, organisation_type, pollster))
