"""Provenance queries, chart source lines, schema summary, load-report rendering and the query registry."""

from __future__ import annotations

import hashlib
import json
import re

import duckdb
import pandas as pd
import pytest

from govdata import methods, settings, vocabulary
from govdata.figures import OGL_ATTRIBUTION
from govdata.queries import coverage, registry
from govdata.queries import provenance as p
from tests.conftest import ICO_FIXTURE


def test_provenance_describes_the_ico_load(con):
    table = p.provenance(con).data
    ico = table[table["source"] == p.ICO_SOURCE].iloc[0]
    assert ico["sha256"] == hashlib.sha256(ICO_FIXTURE.read_bytes()).hexdigest()
    lines = ICO_FIXTURE.read_text(encoding="utf-8").splitlines()
    assert ico["rows_read"] == len(lines) - 1  # every data line, header excluded
    assert (ico["rows_kept"], ico["rows_rejected"]) == (len(lines) - 3, 2)  # one blank, one exact duplicate
    assert not ico["is_sample"]
    assert ico["licence"] == vocabulary.OGL
    assert {"survey_results", "poll_results"} <= set(table["source"])


def test_warehouse_meta(con):
    meta = dict(coverage.warehouse_meta(con).data.itertuples(index=False))
    assert meta["is_sample"] == "false" and meta["latest_quarter"] == "2020-Q4"


def test_chart_sources_carry_publisher_licence_and_sample_flag(con, sample_warehouse):
    sources = p.to_sources(p.chart_sources(con))
    assert len(sources) == 1
    line = sources[0].line()
    assert line.startswith(f"Source: {vocabulary.ICO_PUBLISHER}") and OGL_ATTRIBUTION in line
    assert not sources[0].is_sample
    sample_con = duckdb.connect(str(sample_warehouse), read_only=True)
    try:
        assert all(s.is_sample for s in p.to_sources(p.chart_sources(sample_con)))
    finally:
        sample_con.close()
    assert p.to_sources(p.chart_sources(con, "no such source")) == []


def test_schema_summary_lists_every_object_in_schema_sql(con):
    summary = p.schema_summary(con).data
    declared = set(re.findall(r"CREATE (?:TABLE|VIEW) (\w+)", settings.SCHEMA_SQL.read_text()))
    assert declared <= set(summary["name"])
    incidents = summary.set_index("name").loc["incidents"]
    assert incidents["kind"] == "view" and incidents["columns"].startswith("incident_id VARCHAR")
    assert summary.set_index("name").loc["incident_facts", "rows"] == 36
    described = methods.describe_schema(summary)
    assert described.set_index("name").loc["incidents", "description"] == methods.SCHEMA_DESCRIPTIONS["incidents"]


def test_load_report_sections_are_readable(con):
    table = p.provenance(con).data
    report = table.loc[table["source"] == p.ICO_SOURCE, "load_report"].iloc[0]
    sections = dict(p.load_report_sections(report))
    assert sections["Incidents"] == 36
    conflicts = sections["Conflicts"]
    assert isinstance(conflicts, pd.DataFrame)
    assert conflicts.set_index("item")["value"].to_dict()["Sector"] == 1  # BI1010
    unknown = sections["Unknown values"]
    assert isinstance(unknown, pd.DataFrame) and "Supply chain compromise" in set(unknown["value"])
    assert isinstance(sections["Rejected"], pd.DataFrame) and sections["Rejected"]["rows"].sum() == 2


def test_load_report_that_is_not_json_is_shown_not_raised():
    assert p.load_report_sections("{not json") == [("Load report (not valid JSON, shown as stored)", "{not json")]
    assert p.load_report_sections(json.dumps({"empty": [], "none": None})) == [("Empty", "none"), ("None", "none")]


def test_catalogue_lists_every_query_module():
    failures = registry.discover()
    names = {entry.module for entry in registry.catalogue()}
    assert "govdata.queries.provenance" not in failures and "govdata.queries.sectors" not in failures
    assert {"govdata.queries.provenance", "govdata.queries.sectors"} <= names
    for entry in registry.catalogue():
        assert entry.sql and entry.description and entry.name


def test_registering_a_name_twice_with_other_sql_fails():
    registry.register("test_only_query", "a test", "SELECT 1", "tests")
    registry.register("test_only_query", "a test", "SELECT 1", "tests")  # same again is harmless
    with pytest.raises(ValueError, match="registered twice"):
        registry.register("test_only_query", "a test", "SELECT 2", "tests.other")
    registry._REGISTRY.pop("test_only_query")


def test_ico_limitations_are_cited():
    assert len(methods.ICO_LIMITATIONS) >= 4
    for note in methods.ICO_LIMITATIONS:
        assert note.citation and note.url.startswith("https://ico.org.uk/")
    text = " ".join(n.text for n in methods.ICO_LIMITATIONS)
    for phrase in ("Q2 2019", "best fit", "caution", "multiple characteristics"):
        assert phrase in text
