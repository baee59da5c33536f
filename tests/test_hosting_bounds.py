"""Bounds on what a URL can ask for, and the smaller hosting points: stale build files, no server paths in the
warehouse, secrets.toml never committed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from govdata import scenarios as sc
from govdata import settings
from tests.conftest import ICO_FIXTURE

BASE = sc.ScenarioInputs("Local government", 0.5, 0.5, 1.0, 1.0)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"draws": 1_000_000}, "draws is 1,000,000"),
        ({"draws": sc.DEFAULT_DRAWS + 1}, "draws"),
        ({"years": 21}, "years is 21"),
        ({"ramp_years": 50}, "ramp years is 50"),
        ({"window_quarters": 41}, "window quarters is 41"),
        ({"seed": -1}, "seed is -1"),
        ({"sector": "x" * 200}, "sector name is 200 characters"),
    ],
)
def test_scenario_token_bounds(change, message):
    with pytest.raises(sc.ScenarioInputError, match=message):
        sc.ScenarioInputs.from_token(BASE.with_(**change).token())


def test_default_token_round_trips_within_the_bounds():
    assert sc.ScenarioInputs.from_token(BASE.token()) == BASE


def test_effect_overrides_are_bounded():
    defaults = sc.load_effects()
    with pytest.raises(sc.ScenarioInputError, match="edited twice"):
        sc.decode_effects("the:0,0.1,0.2;the:0,0.1,0.2", defaults)
    with pytest.raises(sc.ScenarioInputError, match="characters long"):
        sc.decode_effects("the:0,0.1,0.2;" * 100, defaults)
    with pytest.raises(sc.ScenarioInputError, match="characters long"):
        sc.ScenarioInputs.from_token(BASE.with_(effects="the:0,0.1,0.2;" * 60).token())


def test_stale_build_files_are_removed_by_the_next_build(tmp_path):
    from etl.build import remove_stale_build_files

    target = tmp_path / "warehouse.duckdb"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = [
        tmp_path / f".warehouse.duckdb.building-{dead.pid}-abcd1234",
        tmp_path / f".warehouse.duckdb.building-{dead.pid}-abcd1234.wal",
    ]
    for path in stale:
        path.write_bytes(b"left by a killed build")
    (tmp_path / f".warehouse.duckdb.building-{dead.pid}-abcd1234.spill").mkdir()
    running = tmp_path / f".warehouse.duckdb.building-{os.getpid()}-beef0001"  # a build still running: kept
    running.write_bytes(b"in progress")
    other = tmp_path / f".other.duckdb.building-{dead.pid}-abcd1234"  # another target's: kept
    other.write_bytes(b"not ours")
    removed = remove_stale_build_files(target)
    assert sorted(p.name for p in removed) == sorted([p.name for p in stale] + [stale[0].name + ".spill"])
    assert not any(p.exists() for p in stale) and running.exists() and other.exists()


def test_a_real_build_cleans_what_a_killed_build_left(tmp_path):
    from etl.build import build

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    target = tmp_path / "warehouse.duckdb"
    leftover = tmp_path / f".warehouse.duckdb.building-{dead.pid}-00ff00ff.wal"
    leftover.write_bytes(b"x" * 1000)
    build(warehouse=target, ico=ICO_FIXTURE, raw_dir=tmp_path / "noraw")
    assert target.exists() and not leftover.exists()
    assert not list(tmp_path.glob(".warehouse.duckdb.building-*"))


def test_warehouse_names_source_files_without_server_paths(tmp_path):
    """An ICO file outside the project (here a temporary folder) is recorded by its file name only."""
    import shutil

    from etl.build import build
    from govdata import warehouse

    outside = tmp_path / "deep" / "server" / "path"
    outside.mkdir(parents=True)
    ico = shutil.copy(ICO_FIXTURE, outside / ICO_FIXTURE.name)
    target = tmp_path / "warehouse.duckdb"
    build(warehouse=target, ico=ico, raw_dir=tmp_path / "noraw")
    con = warehouse.connect(target)
    rows = con.execute("SELECT file, load_report FROM provenance").fetchall()
    assert rows
    for file, report in rows:
        assert str(tmp_path) not in file and str(tmp_path) not in report, (file, report[:300])
        assert not file.startswith("/"), file
    assert (ICO_FIXTURE.name,) in [(f,) for f, _ in rows]


def test_real_secrets_file_is_git_ignored():
    result = subprocess.run(["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=settings.PROJECT_ROOT)
    assert result.returncode == 0, ".streamlit/secrets.toml is not git-ignored"
    example = subprocess.run(
        ["git", "check-ignore", "-q", ".streamlit/secrets.toml.example"], cwd=settings.PROJECT_ROOT
    )
    assert example.returncode == 1, "the example must stay committed"


@pytest.mark.parametrize("view", ["types", "trend"])
def test_sectors_small_multiples_with_every_sector_picked(view, sample_warehouse, monkeypatch):
    """Found by the worst-URL benchmark: every sector picked broke plotly's subplot spacing (12+ rows)."""
    import duckdb
    from apptest_helpers import assert_no_exception, open_page, page

    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        sectors = [r[0] for r in con.execute("SELECT DISTINCT sector FROM incident_facts").fetchall()]
    assert len(sectors) > 12
    at = open_page(
        page("sectors.py"),
        sample_warehouse,
        monkeypatch,
        {"sectors": sectors, "view": view, "top": "10", "q1_2019": "1"},
    )
    assert_no_exception(at)
    assert at.get("plotly_chart")
