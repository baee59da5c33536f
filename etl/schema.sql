-- Warehouse schema: the public interface researchers query (documented in README.md).
-- Tables hold what the loaders produce; the views named in the README are the stable contract.

-- ICO row-level release, exactly as read (one row per Data Subject Type x Data Type of a report).
CREATE TABLE ico_rows (
    source_row        INTEGER NOT NULL,   -- line number in the source file (header is line 1)
    incident_id       VARCHAR NOT NULL,   -- BI Reference + Year + Quarter, e.g. 'BI12345/2021/Q3'
    bi_reference      VARCHAR NOT NULL,
    year              INTEGER NOT NULL,
    quarter           INTEGER NOT NULL,   -- calendar quarter 1-4 ('Qtr 1'..'Qtr 4' in the file)
    data_subject_type VARCHAR NOT NULL,
    data_type         VARCHAR NOT NULL,
    decision          VARCHAR NOT NULL,
    incident_category VARCHAR NOT NULL,
    incident_type     VARCHAR NOT NULL,
    subjects_band     VARCHAR NOT NULL,
    sector            VARCHAR NOT NULL,
    time_to_report    VARCHAR NOT NULL
);

-- One row per incident; conflicting sector/category values resolved by the rule in etl/sources/ico_rows.py.
-- Keys are unique by construction (the loader groups by them; tests/test_etl_build.py checks it). They are not
-- declared as PRIMARY KEYs: DuckDB's key indexes cannot spill to disk and cost ~2 GB at 100x the ICO release.
CREATE TABLE incident_facts (
    incident_id       VARCHAR NOT NULL,   -- unique
    bi_reference      VARCHAR NOT NULL,
    year              INTEGER NOT NULL,
    quarter           INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    period_start      DATE NOT NULL,      -- first day of the calendar quarter
    comparable        BOOLEAN NOT NULL,   -- false for Q1 2019 (ICO: comparable from Q2 2019)
    sector            VARCHAR NOT NULL,
    incident_category VARCHAR NOT NULL,
    incident_type     VARCHAR NOT NULL,
    subjects_band     VARCHAR NOT NULL,
    time_to_report    VARCHAR NOT NULL,
    decision          VARCHAR NOT NULL,
    source_rows       INTEGER NOT NULL,   -- how many file rows the incident spans
    had_conflict      BOOLEAN NOT NULL    -- rows disagreed on a single-valued field
);

CREATE TABLE incident_data_subjects (
    incident_id       VARCHAR NOT NULL,
    data_subject_type VARCHAR NOT NULL   -- (incident_id, data_subject_type) unique
);

CREATE TABLE incident_data_types (
    incident_id VARCHAR NOT NULL,
    data_type   VARCHAR NOT NULL         -- (incident_id, data_type) unique
);

-- The ICO's older quarterly incident-type x sector tables (financial-year quarters).
CREATE TABLE legacy_incident_counts (
    fy_label          VARCHAR NOT NULL,   -- e.g. '2019-20'
    fy_quarter        INTEGER NOT NULL,   -- 1 = April-June
    year              INTEGER NOT NULL,   -- calendar year of the quarter
    quarter           INTEGER NOT NULL,   -- calendar quarter (FY Q1 2019-20 = 2019 Q2)
    period_start      DATE NOT NULL,
    sheet             VARCHAR NOT NULL,   -- worksheet the figure came from
    incident_type     VARCHAR NOT NULL,   -- as labelled in the sheet, e.g. 'Unauthorised access (cyber)'
    incident_category VARCHAR NOT NULL,   -- 'Cyber' or 'Non Cyber'
    sector            VARCHAR NOT NULL,
    incident_count    INTEGER NOT NULL
);

-- Every page a reference figure was read from, once (data/reference/sources.csv): the citation of each figure is
-- built from this row, joined on source_url.
CREATE TABLE reference_sources (
    source_url   VARCHAR NOT NULL,  -- as in the figure rows: an http(s) address or 'Citation: ...'
    publisher    VARCHAR NOT NULL,  -- who published the page (the outlet), not the survey's commissioner
    author       VARCHAR,
    title        VARCHAR NOT NULL,  -- the page's title as shown ('[...]' when the page shows none)
    published    VARCHAR,           -- YYYY, YYYY-MM or YYYY-MM-DD, as precise as the page says; NULL = not stated
    accessed     DATE NOT NULL,     -- when the figures were read from it
    licence      VARCHAR NOT NULL,  -- as the page states it, or 'Not stated ...'
    notes        VARCHAR,
    source_file  VARCHAR NOT NULL,
    source_line  INTEGER NOT NULL
);

-- Council information-governance survey results (tidy: one figure per row, every row cited).
CREATE TABLE survey_results (
    survey_id          VARCHAR NOT NULL,
    survey_name        VARCHAR NOT NULL,
    publisher          VARCHAR NOT NULL,
    fieldwork_start    DATE,
    fieldwork_end      DATE,
    published          DATE,
    population         VARCHAR NOT NULL,
    base_n             INTEGER,
    topic              VARCHAR NOT NULL,  -- e.g. 'DPO', 'Training', 'PIA/DPIA', 'Data sharing'
    indicator          VARCHAR NOT NULL,  -- short label; its polarity says what value_pct is the share of
    polarity           VARCHAR NOT NULL,  -- 'positive' (has the practice), 'negative' (lacks it), 'neutral'
    question           VARCHAR NOT NULL,  -- question or indicator wording as published
    value_pct          DOUBLE,
    value_count        INTEGER,
    value_text         VARCHAR NOT NULL,  -- the figure as reported, verbatim
    source_url         VARCHAR NOT NULL,
    licence            VARCHAR NOT NULL,
    notes              VARCHAR,
    source_file        VARCHAR NOT NULL,
    source_line        INTEGER NOT NULL
);

-- Public-opinion poll results on trust in how organisations handle personal data.
CREATE TABLE poll_results (
    poll_id             VARCHAR NOT NULL,
    poll_name           VARCHAR NOT NULL,
    publisher           VARCHAR NOT NULL,  -- who commissioned / published it
    pollster            VARCHAR NOT NULL,
    fieldwork_start     DATE,
    fieldwork_end       DATE,
    published           DATE,
    population          VARCHAR NOT NULL,
    base_n              INTEGER,
    question            VARCHAR NOT NULL,
    organisation        VARCHAR NOT NULL,  -- whose handling of data is asked about
    organisation_type   VARCHAR NOT NULL,  -- e.g. 'Central government', 'Local government', 'NHS', 'Companies'
    response            VARCHAR NOT NULL,  -- e.g. 'trust', 'high (4-5 of 5)'
    value_pct           DOUBLE,
    value_text          VARCHAR NOT NULL,
    source_url          VARCHAR NOT NULL,
    licence             VARCHAR NOT NULL,
    notes               VARCHAR,
    source_file         VARCHAR NOT NULL,
    source_line         INTEGER NOT NULL
);

-- Other cited figures that give context (e.g. Big Brother Watch council breach counts 2011-14).
CREATE TABLE context_figures (
    figure_id       VARCHAR NOT NULL,
    publisher       VARCHAR NOT NULL,
    title           VARCHAR NOT NULL,
    period_start    DATE,
    period_end      DATE,
    population      VARCHAR NOT NULL,
    indicator       VARCHAR NOT NULL,
    category        VARCHAR,
    value           DOUBLE,
    unit            VARCHAR NOT NULL,
    value_text      VARCHAR NOT NULL,
    source_url      VARCHAR NOT NULL,
    licence         VARCHAR NOT NULL,
    notes           VARCHAR,
    source_file     VARCHAR NOT NULL,
    source_line     INTEGER NOT NULL
);

-- Socitm data-maturity checklist questions (reference, not results).
CREATE TABLE maturity_checklist (
    item_id     VARCHAR NOT NULL,
    theme       VARCHAR NOT NULL,
    question    VARCHAR NOT NULL,
    immature_example VARCHAR,         -- Socitm's 'immature example' answer
    mature_example   VARCHAR,         -- Socitm's 'mature example' answer
    source_url  VARCHAR NOT NULL,
    licence     VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_line INTEGER NOT NULL
);

-- One row per source loaded by a build.
CREATE TABLE provenance (
    source        VARCHAR NOT NULL,  -- e.g. 'ico_rows', 'ico_legacy', 'survey_results'
    title         VARCHAR NOT NULL,
    publisher     VARCHAR NOT NULL,
    file          VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    rows_read     INTEGER NOT NULL,
    rows_kept     INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    loaded_at     TIMESTAMP NOT NULL,
    licence       VARCHAR NOT NULL,
    release_date  DATE,              -- the publisher's release date where known
    source_url    VARCHAR,
    is_sample     BOOLEAN NOT NULL,  -- simulated data: the app shows a banner
    load_report   VARCHAR NOT NULL   -- JSON: rejections, conflicts, unknown values, incident counts
);

-- Every ICO release this warehouse or an earlier build loaded (one row each): a new build copies the previous
-- warehouse's rows forward and adds the release it loads, so no release's figures are lost (etl/releases.py).
CREATE TABLE ico_releases (
    sha256          VARCHAR PRIMARY KEY,  -- of the release file: what identifies a release
    file            VARCHAR NOT NULL,     -- file name only, e.g. 'data-security-incidents-trends-q1-2019-to-q4-2024.xlsx'
    runs_to         VARCHAR NOT NULL,     -- latest quarter in the file, e.g. '2024-Q4'
    runs_to_year    INTEGER NOT NULL,
    runs_to_quarter INTEGER NOT NULL CHECK (runs_to_quarter BETWEEN 1 AND 4),
    fetched_at      TIMESTAMP,            -- when etl fetch/refresh downloaded it, UTC (NULL: a file given by hand)
    source_url      VARCHAR,              -- the address it was downloaded from (NULL: a file given by hand)
    first_loaded_at TIMESTAMP NOT NULL,   -- the first build that loaded it, UTC
    rows_read       BIGINT NOT NULL,
    incidents       BIGINT NOT NULL,      -- distinct BI Reference + Year + Quarter in the release
    is_sample       BOOLEAN NOT NULL,     -- simulated (never mixed with real releases in one warehouse)
    is_current      BOOLEAN NOT NULL      -- the release the incident tables above were built from
);

-- Each release's quarterly incident counts by sector x incident category x incident type (sector and category
-- resolved by the same rule as incident_facts). Sum over the other columns for totals by one of them.
CREATE TABLE ico_release_counts (
    sha256            VARCHAR NOT NULL,   -- ico_releases.sha256
    year              INTEGER NOT NULL,
    quarter           INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    sector            VARCHAR NOT NULL,
    incident_category VARCHAR NOT NULL,
    incident_type     VARCHAR NOT NULL,
    incidents         BIGINT NOT NULL,
    PRIMARY KEY (sha256, year, quarter, sector, incident_category, incident_type)
);

-- Build facts: schema version, build time, latest comparable quarter.
CREATE TABLE warehouse_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- Pre-aggregated counts written by etl/aggregates.py after incident_facts (counts are additive: one row per
-- incident). The dashboard's count queries sum these instead of scanning every incident.
CREATE TABLE incidents_quarterly (
    year        INTEGER NOT NULL,
    quarter     INTEGER NOT NULL,
    period_start DATE NOT NULL,
    comparable  BOOLEAN NOT NULL,
    sector      VARCHAR NOT NULL,
    dimension   VARCHAR NOT NULL,   -- 'total' or a breakdown column: incident_category, incident_type,
                                    -- subjects_band, time_to_report, decision
    value       VARCHAR,            -- the breakdown column's value (NULL for 'total')
    incidents   BIGINT NOT NULL
);

-- Incident category x incident type x time to report per quarter and sector (headlines, sector volume, scenarios).
CREATE TABLE incidents_quarterly_mix (
    year              INTEGER NOT NULL,
    quarter           INTEGER NOT NULL,
    period_start      DATE NOT NULL,
    comparable        BOOLEAN NOT NULL,
    sector            VARCHAR NOT NULL,
    incident_category VARCHAR NOT NULL,
    incident_type     VARCHAR NOT NULL,
    time_to_report    VARCHAR NOT NULL,
    incidents         BIGINT NOT NULL
);

CREATE VIEW incidents AS
SELECT incident_id, year, quarter, period_start, comparable, sector, incident_category,
       incident_type, subjects_band, time_to_report, decision
FROM incident_facts;
