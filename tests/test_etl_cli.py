"""`python -m etl ...` as a user runs it: exit codes, the printed load report, one-paragraph errors."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from govdata import settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ICO = FIXTURES / "ico" / "ico_rows_small.csv"
LEGACY = FIXTURES / "legacy" / "legacy_small.xlsx"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run from an unrelated directory: paths must not depend on the working directory."""
    env = dict(os.environ, PYTHONPATH=str(settings.PROJECT_ROOT))
    env.pop(settings.WAREHOUSE_ENV, None)
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("cli")
    warehouse = root / "warehouse.duckdb"
    done = run("build", "--ico", str(ICO), "--legacy-ico", str(LEGACY), "--warehouse", str(warehouse), cwd=root)
    return warehouse, done


def test_build_prints_the_load_report(built):
    warehouse, done = built
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "rows read 60, kept 58, rejected 2" in out
    assert "incidents kept 36" in out
    assert "rejected: 1 x blank row (first at row 15)" in out
    assert "rejected: 1 x exact duplicate of an earlier row (first at row 61)" in out
    assert "Sector: 1 incidents; Incident Category: 1 incidents" in out
    assert "Incident Type = 'Supply chain compromise': 2 rows" in out
    assert "Q1 2019-2020 (calendar Q2 2019): grand total 40, cells sum to 40" in out
    assert "Build time:" in out
    assert warehouse.is_file()


def test_bad_input_exits_1_with_one_paragraph_and_keeps_warehouse(built, tmp_path):
    warehouse, _ = built
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    bad = tmp_path / "bad.csv"
    lines = ICO.read_text().splitlines()
    lines[4] = lines[4].replace("Qtr 1", "Qtr 9")
    bad.write_text("\n".join(lines) + "\n")
    done = run("build", "--ico", str(bad), "--warehouse", str(warehouse), cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    message = done.stderr.strip()
    assert message.startswith("Error: Unknown quarter label") and "\n" not in message
    assert f"file {bad}" in message and "row 5" in message and "column 'Quarter'" in message and "'Qtr 9'" in message
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before


def test_missing_file_exits_1(tmp_path):
    done = run("build", "--ico", str(tmp_path / "absent.xlsx"), "--warehouse", str(tmp_path / "w.duckdb"), cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "File not found" in done.stderr and "absent.xlsx" in done.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_unwritable_warehouse_location_exits_1(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    done = run("build", "--ico", str(ICO), "--warehouse", str(blocker / "w.duckdb"), cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr and done.stderr.startswith("Error:")


def test_sample_command(tmp_path):
    out = tmp_path / "s.csv"
    done = run("sample", "--rows", "500", "--out", str(out), "--seed", "7", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "SIMULATED" in done.stdout
    assert len(out.read_text().splitlines()) == 501
    bad = run("sample", "--rows", "0", "--out", str(tmp_path / "z.csv"), cwd=tmp_path)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and bad.stderr.startswith("Error:")


def test_export_parquet_writes_every_table_and_a_manifest(built, tmp_path):
    warehouse, _ = built
    out = tmp_path / "parquet"
    done = run("export-parquet", "--warehouse", str(warehouse), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    names = {t["name"]: t for t in manifest["tables"]}
    assert {"incident_facts", "incidents", "ico_rows", "legacy_incident_counts", "provenance", "warehouse_meta"} <= set(
        names
    )
    assert names["incidents"]["kind"] == "view"
    con = duckdb.connect()
    for entry in manifest["tables"]:
        path = out / entry["file"]
        assert con.execute("SELECT count(*) FROM read_parquet($1)", [str(path)]).fetchall()[0][0] == entry["rows"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    assert names["incident_facts"]["rows"] == 36
    assert manifest["warehouse_meta"]["latest_quarter"] == "2020-Q4"


def test_export_without_warehouse_exits_1(tmp_path):
    done = run(
        "export-parquet", "--warehouse", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "o"), cwd=tmp_path
    )
    assert done.returncode == 1 and "No warehouse to export" in done.stderr and "Traceback" not in done.stderr


def test_unknown_command_exits_nonzero(tmp_path):
    done = run("frobnicate", cwd=tmp_path)
    assert done.returncode != 0 and "Traceback" not in done.stderr
