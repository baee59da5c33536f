"""Definitions the dashboard uses and the limitations the ICO states for its data, kept as data with citations.

Shown on the Sources and methods page; the wording of the ICO's limitations follows its landing page
(docs/ARCHITECTURE.md, "The ICO release", records what that page says).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from govdata import vocabulary


@dataclass(frozen=True)
class Note:
    topic: str
    text: str
    citation: str = ""
    url: str = ""


_ICO_PAGE = f"{vocabulary.ICO_PUBLISHER}, '{vocabulary.ICO_TITLE}' landing page"

ICO_LIMITATIONS: tuple[Note, ...] = (
    Note(
        "Start of the series",
        "The data starts at Q2 2019 because incidents were recorded differently before then. Q1 2019 rows are "
        "in the file and kept in the warehouse, but left out of totals and trends by default.",
        _ICO_PAGE,
        vocabulary.ICO_LANDING_PAGE,
    ),
    Note(
        "Best-fit categories",
        "Incident categories, incident types and sectors are the ICO's best fit for each report.",
        _ICO_PAGE,
        vocabulary.ICO_LANDING_PAGE,
    ),
    Note(
        "Changing input practice",
        "The way the ICO inputs data changes over time, so compare periods with caution.",
        _ICO_PAGE,
        vocabulary.ICO_LANDING_PAGE,
    ),
    Note(
        "Multiple characteristics",
        "Some reports hold multiple characteristics (several data subject types or data types), so the file has "
        "several rows for one incident; counting rows over-counts incidents.",
        _ICO_PAGE,
        vocabulary.ICO_LANDING_PAGE,
    ),
    Note(
        "Revisions",
        "The ICO replaces the whole file each quarter ('Data updated to ...'), and the way it inputs data changes "
        "over time, so a new release can change the counts for earlier quarters. Each build keeps every ICO "
        "release it has loaded, and the releases section of this page compares any two of them; with one release "
        "loaded there is nothing to compare yet.",
        _ICO_PAGE,
        vocabulary.ICO_LANDING_PAGE,
    ),
)

_within = " or ".join(f"'{band}'" for band in vocabulary.WITHIN_72_HOURS)
_first_year, _first_quarter = vocabulary.FIRST_COMPARABLE

DEFINITIONS: tuple[Note, ...] = (
    Note(
        "Incident",
        "One personal-data-breach report, keyed by BI Reference + Year + Quarter (e.g. 'BI12345/2021/Q3'). "
        "References are reused across quarters in some releases, so the reference alone is not unique. "
        "Every incident count on this dashboard is a count of distinct incidents, never of file rows.",
        _ICO_PAGE,
        vocabulary.ICO_LANDING_PAGE,
    ),
    Note(
        "Comparable period",
        f"From Q{_first_quarter} {_first_year} onwards, matching the ICO's own totals. Charts use comparable "
        "quarters only unless a page says otherwise.",
        _ICO_PAGE,
        vocabulary.ICO_LANDING_PAGE,
    ),
    Note(
        "Conflicting values",
        "When an incident's rows disagree on a single-valued field (sector, incident category, incident type, "
        "subjects affected, time to report, decision), the warehouse keeps the most frequent value across the "
        "incident's rows; ties go to the value on the earliest row. The number of such incidents per field is "
        "in each load report below.",
    ),
    Note(
        "Reported within 72 hours",
        f"Time Taken to Report is {_within}. The ICO publishes bands, not hours, so this is the closest "
        "measure to the UK GDPR Article 33 deadline of 72 hours after becoming aware of a breach.",
    ),
    Note(
        "Quarters",
        "The row-level release uses calendar quarters (Q1 = January to March). The ICO's older quarterly "
        "tables use financial-year quarters (Q1 2019-20 = April to June 2019); the warehouse stores both the "
        "financial quarter and the matching calendar quarter.",
    ),
    Note(
        "Change over time",
        "Year-on-year change compares the quarters of the chosen period with the same quarters a year earlier, "
        "using only quarters present in both, so a part year is compared with the same part of the year before.",
    ),
    Note(
        "Survey and poll intervals",
        "Shares from surveys and polls are shown with 95% Wilson score intervals computed from the published "
        "base n; where a base is not published, no interval is shown.",
    ),
    Note(
        "Sample data",
        "When the real ICO file has not been downloaded, the warehouse is built from a generated sample in the "
        "ICO's format. Every page then shows a banner, every chart says SAMPLE DATA and every export is labelled.",
    ),
)

# Short descriptions of the warehouse's tables and views (etl/schema.sql is the full definition).
SCHEMA_DESCRIPTIONS: dict[str, str] = {
    "incidents": "One row per incident: the view charts count from (stable public interface).",
    "incident_facts": "One row per incident with conflicts resolved, comparable flag and source-row count.",
    "incidents_quarterly": "Pre-aggregated incident counts per quarter and sector, in total and by each breakdown "
    "(dimension, value); built from incident_facts so pages stay fast at any file size.",
    "incidents_quarterly_mix": "Pre-aggregated incident counts per quarter and sector by incident category x incident "
    "type x time taken to report (headlines, sector volume, scenario baselines).",
    "ico_rows": "The ICO row-level file exactly as read: one row per data subject type x data type of a report.",
    "incident_data_subjects": "Bridge: each incident's data subject types.",
    "incident_data_types": "Bridge: each incident's data types.",
    "legacy_incident_counts": "The ICO's older quarterly incident type x sector tables (financial-year quarters).",
    "survey_results": "Council information-governance survey figures, one cited figure per row.",
    "poll_results": "Public-opinion poll figures on trust in data handling, one cited figure per row.",
    "context_figures": "Other cited figures that give context.",
    "maturity_checklist": "Socitm data-maturity checklist questions (reference, not results).",
    "provenance": "One row per source loaded by the last build: file, hash, row counts, licence, load report.",
    "warehouse_meta": "Build facts: schema version, build time, latest quarter, sample flag.",
    "ico_releases": "Every ICO release loaded by this or an earlier build: file, sha256, quarter it runs to, when "
    "fetched and first loaded, which one the pages show.",
    "ico_release_counts": "Each kept release's quarterly incidents by sector x incident category x incident type "
    "(what changed between releases).",
}


def describe_schema(frame: pd.DataFrame) -> pd.DataFrame:
    """schema_summary's rows with a short description column after the name (blank for unknown objects)."""
    out = frame.copy()
    out.insert(2, "description", [SCHEMA_DESCRIPTIONS.get(name, "") for name in out["name"]])
    return out
