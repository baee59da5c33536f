"""The atomic build: provenance and build facts, the sample fallback, and the old warehouse surviving every failure."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.errors import SourceError
from govdata import settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ICO = FIXTURES / "ico" / "ico_rows_small.csv"
LEGACY = FIXTURES / "legacy" / "legacy_small.xlsx"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def query(path: Path, sql: str, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("good") / "warehouse.duckdb"
    build(path, ico=ICO, legacy_ico=LEGACY, raw_dir=tmp_path_factory.mktemp("noraw"))
    return path


def test_build_fills_every_table(good):
    counts = dict(
        query(
            good,
            """
        SELECT 'incident_facts', count(*) FROM incident_facts UNION ALL SELECT 'ico_rows', count(*) FROM ico_rows
        UNION ALL SELECT 'legacy', count(*) FROM legacy_incident_counts
        UNION ALL SELECT 'incidents_view', count(*) FROM incidents
        UNION ALL SELECT 'survey_results', count(*) FROM survey_results""",
        )
    )
    assert counts["incident_facts"] == counts["incidents_view"] == 36
    assert counts["ico_rows"] == 58
    assert counts["legacy"] == 60
    assert counts["survey_results"] > 0


def test_provenance_records_each_source_with_its_hash(good):
    rows = {
        r[0]: r[1:]
        for r in query(
            good,
            "SELECT source, file, sha256, rows_read, rows_kept, rows_rejected, "
            "licence, is_sample, load_report, loaded_at FROM provenance",
        )
    }
    assert set(rows) == {
        "ico_rows",
        "ico_legacy",
        "reference_sources",
        "survey_results",
        "poll_results",
        "context_figures",
        "maturity_checklist",
    }
    file, digest, read, kept, rejected, licence, is_sample, report, loaded_at = rows["ico_rows"]
    assert file == "tests/fixtures/ico/ico_rows_small.csv"
    assert digest == sha256(ICO)
    assert (read, kept, rejected, is_sample) == (60, 58, 2, False)
    assert licence == "Open Government Licence v3.0"
    details = json.loads(report)
    assert details["incidents"] == 36
    assert details["conflicts"]["Sector"] == 1
    assert details["unknown_values"] == [{"column": "Incident Type", "value": "Supply chain compromise", "rows": 2}]
    assert rows["ico_legacy"][1] == sha256(LEGACY)
    assert rows["survey_results"][1] == sha256(settings.REFERENCE_DIR / "council_survey_results.csv")


def test_warehouse_meta(good):
    meta = dict(query(good, "SELECT key, value FROM warehouse_meta"))
    assert meta["schema_version"] == settings.SCHEMA_VERSION
    assert meta["latest_quarter"] == "2020-Q4"
    assert meta["latest_comparable_year"] == "2020"  # 2019 lacks a comparable Q1
    assert meta["is_sample"] == "false"
    assert meta["built_at"].endswith("Z")


def test_legacy_is_optional(tmp_path):
    path = tmp_path / "w.duckdb"
    build(path, ico=ICO, raw_dir=tmp_path / "raw")
    assert query(path, "SELECT count(*) FROM legacy_incident_counts") == [(0,)]
    assert query(path, "SELECT count(*) FROM provenance WHERE source = 'ico_legacy'") == [(0,)]


def test_newest_raw_file_is_used_when_no_ico_given(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    older, newer = raw / "older.csv", raw / "data-security-incidents-trends-q1-2019-to-q4-2020.csv"
    earlier_release = raw / "data-security-incidents-trends-q1-2019-to-q3-2020.csv"
    for path in (older, newer, earlier_release):
        shutil.copyfile(ICO, path)
    (raw / (newer.name + ".sha256")).write_text("sidecar, not a release\n")
    os.utime(older, (1_600_000_000, 1_600_000_000))
    os.utime(newer, (1_600_000_100, 1_600_000_100))  # the release name outranks a later copy time
    path = tmp_path / "w.duckdb"
    report = build(path, raw_dir=raw, sample_path=tmp_path / "never.csv")
    assert not report.is_sample
    assert query(path, "SELECT file FROM provenance WHERE source = 'ico_rows'") == [(newer.name,)]  # no server path
    assert not (tmp_path / "never.csv").exists()


def test_sample_is_generated_and_labelled_when_nothing_else(tmp_path):
    sample = tmp_path / "sample" / "ico_sample.csv"
    path = tmp_path / "w.duckdb"
    report = build(path, raw_dir=tmp_path / "empty_raw", sample_path=sample, sample_rows=3000)
    assert report.is_sample and sample.is_file()
    assert query(path, "SELECT value FROM warehouse_meta WHERE key = 'is_sample'") == [("true",)]
    assert query(
        path, "SELECT is_sample, rows_kept, title LIKE '%simulated%' FROM provenance WHERE source = 'ico_rows'"
    ) == [(True, 3000, True)]
    # a sample is credited to no publisher, licence or address of the ICO (issue 10, defect 4)
    publisher, licence, url = query(
        path, "SELECT publisher, licence, source_url FROM provenance WHERE source = 'ico_rows'"
    )[0]
    assert "Information Commissioner" not in publisher and "Open Government" not in licence and url is None


# ------------------------------------------------------------------------------ failures leave the old file alone


def _bad_ico(tmp_path: Path) -> Path:
    lines = ICO.read_text().splitlines()
    lines[20] = lines[20].replace(",2019,", ",2o19,")
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _bad_legacy(tmp_path: Path) -> Path:
    path = tmp_path / "bad_legacy.xlsx"
    path.write_bytes(LEGACY.read_bytes()[:3000])
    return path


def _bad_reference(tmp_path: Path) -> Path:
    ref = tmp_path / "reference"
    shutil.copytree(settings.REFERENCE_DIR, ref)
    target = ref / "poll_results.csv"
    lines = target.read_text(encoding="utf-8").splitlines()
    target.write_text("\n".join(lines[:1] + ["not,enough,fields"] + lines[1:]) + "\n", encoding="utf-8")
    return ref


@pytest.mark.parametrize("case", ["bad_ico", "bad_legacy", "bad_reference", "missing_ico"])
def test_failed_build_leaves_old_warehouse_byte_for_byte(tmp_path, good, case):
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(good, path)
    before = sha256(path)
    kwargs = {"ico": ICO, "raw_dir": tmp_path / "raw"}
    if case == "bad_ico":
        kwargs["ico"] = _bad_ico(tmp_path)
    elif case == "bad_legacy":
        kwargs["legacy_ico"] = _bad_legacy(tmp_path)
    elif case == "bad_reference":
        kwargs["reference_dir"] = _bad_reference(tmp_path)
    else:
        kwargs["ico"] = tmp_path / "absent.csv"
    with pytest.raises(SourceError) as info:
        build(path, **kwargs)
    assert sha256(path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # temp file cleaned
    if case == "bad_ico":
        assert info.value.row == 21 and info.value.column == "Year" and info.value.value == "2o19"
    assert query(path, "SELECT count(*) FROM incident_facts") == [(36,)]


def test_successful_rebuild_replaces_the_file(tmp_path, good):
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(good, path)
    build(path, ico=ICO, raw_dir=tmp_path / "raw")  # no legacy this time
    assert query(path, "SELECT count(*) FROM legacy_incident_counts") == [(0,)]
    assert [p.name for p in tmp_path.iterdir()] == ["warehouse.duckdb"]


def test_incident_keys_are_unique_without_declared_primary_keys(tiny_warehouse, sample_warehouse):
    # The schema declares no PRIMARY KEYs (their indexes cost ~2 GB at 100x); the loader must keep keys unique.
    import duckdb

    checks = {
        "incident_facts": "incident_id",
        "incident_data_subjects": "incident_id, data_subject_type",
        "incident_data_types": "incident_id, data_type",
    }
    for path in (tiny_warehouse, sample_warehouse):
        con = duckdb.connect(str(path), read_only=True)
        try:
            for table, key in checks.items():
                total, distinct = con.execute(f"SELECT count(*), count(DISTINCT ({key})) FROM {table}").fetchone()
                assert total > 0 and total == distinct, (path, table, total, distinct)
        finally:
            con.close()
