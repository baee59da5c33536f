"""Real data first and every release kept, against an ICO-like site on 127.0.0.1 (tests/ico_site.py):

- the first run (`run.py`'s build step) fetches the newest release and builds from it;
- `etl refresh` with the same release changes nothing (the warehouse stays byte-identical);
- `etl refresh` after the page links a second release (made by `etl sample --revise`, adding a quarter) builds,
  keeps both, and the revisions view lists exactly the revised quarters;
- every failure (offline, page changed, file invalid, a release that does not load, a refresh already running) is
  one paragraph with the address, the reason and a command that works as printed; exit 1; warehouse unchanged.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from apptest_helpers import assert_no_exception, open_page, page
from ico_site import IcoSite, make_release, one_incident_workbook, sha256
from support import read_rows

from govdata import settings
from govdata import vocabulary as voc
from govdata.queries import releases

ROOT = settings.PROJECT_ROOT
LEGACY_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "legacy" / "legacy_small.xlsx"
FIRST = "data-security-incidents-trends-q1-2019-to-q3-2024.xlsx"
SECOND = "data-security-incidents-trends-q1-2019-to-q4-2024.xlsx"
REVISED = {(2021, 1): 3, (2023, 2): -2}  # what the second release revises, and by how many incidents


@pytest.fixture(scope="module")
def release_files(tmp_path_factory):
    """Two successive releases: the first runs to Q3 2024; the second adds Q4 2024 and revises two quarters."""
    folder = tmp_path_factory.mktemp("releases")
    first = make_release(folder / FIRST, "--to", "2024Q3")
    second = make_release(
        folder / SECOND, *[a for (y, q), n in REVISED.items() for a in ("--revise", f"{y}Q{q}={n:+d}")]
    )
    return first, second


@pytest.fixture()
def site(tmp_path):
    server = IcoSite(tmp_path / "www")
    yield server
    server.stop()


@pytest.fixture()
def places(tmp_path, site, monkeypatch):
    """Environment pointing fetch/refresh/run.py at the local site, a private raw folder and warehouse."""
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse.duckdb"
    values = {
        settings.LANDING_URL_ENV: site.landing_url,
        settings.LEGACY_URL_ENV: site.legacy_url,
        settings.RAW_DIR_ENV: str(raw),
        settings.WAREHOUSE_ENV: str(warehouse),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return raw, warehouse


def etl(*args: str) -> subprocess.CompletedProcess:
    """`python -m etl ARGS` as an operator types it (environment as set by the test)."""
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def _run_py():
    spec = importlib.util.spec_from_file_location("run_py_under_test", ROOT / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def _one_paragraph(text: str) -> str:
    text = text.strip()
    assert text.count("\n") == 0, text
    assert "Traceback" not in text
    return text


def _command_in(message: str, after: str) -> str:
    return message.split(after, 1)[1].strip()


# ---------------------------------------------------------------------------------------------- the whole story


def test_first_run_then_refresh_keeps_every_release(site, places, release_files, monkeypatch, capfd):
    raw, warehouse = places
    first, second = release_files
    site.publish(first, legacy=LEGACY_FIXTURE)

    # 1. A new user's first `python3 run.py dashboard`: no warehouse, nothing in data/raw -> fetch and build.
    _run_py().build_if_needed()
    out = capfd.readouterr().out
    assert f"No ICO release in {raw}: fetching the newest from {site.landing_url} (at most 30 s)" in out
    assert f"Fetched ICO release q1-2019-to-q3-2024 from {site.url_of(first)}" in out
    assert f"Older quarterly tables from {site.legacy_url}" in out
    assert out.strip().splitlines()[-1] == (
        f"Built from a file marked as a SIMULATED SAMPLE {FIRST}, fetched just now from {site.url_of(first)}."
    )
    assert (raw / FIRST).read_bytes() == first.read_bytes()
    assert (raw / (FIRST + ".sha256")).read_text() == f"{sha256(first)}  {FIRST}\n"
    assert (raw / "legacy" / "categories.xlsx").read_bytes() == LEGACY_FIXTURE.read_bytes()
    rows = read_rows(
        warehouse, "SELECT file, sha256, runs_to, is_current, source_url, fetched_at, first_loaded_at FROM ico_releases"
    )
    assert [r[:5] for r in rows] == [(FIRST, sha256(first), "2024-Q3", True, site.url_of(first))]
    assert rows[0][5] is not None
    first_loaded = rows[0][6]
    assert read_rows(warehouse, "SELECT sha256, source_url FROM provenance WHERE source = 'ico_legacy'") == [
        (sha256(LEGACY_FIXTURE), site.legacy_url)
    ]
    counts_first = read_rows(warehouse, "SELECT * FROM ico_release_counts ORDER BY ALL")

    # 2. The next start does not fetch again; it reminds that the data are a sample (these releases are samples).
    _run_py().build_if_needed()
    reminder = capfd.readouterr().out
    assert "holds the SIMULATED SAMPLE; to load the real ICO release run: " in reminder
    assert "-m etl refresh" in reminder and "Fetched" not in reminder

    # 3. `etl refresh` with the same release: nothing changes, byte for byte.
    before = (warehouse.read_bytes(), warehouse.stat().st_mtime_ns)
    same = etl("refresh")
    assert same.returncode == 0, same.stderr
    assert same.stdout.startswith(f"ICO release q1-2019-to-q3-2024 from {site.url_of(first)} is already kept")
    assert (
        f"No new release: {FIRST} (sha256 {sha256(first)}, data to Q3 2024) is already in {warehouse}" in same.stdout
        and "The warehouse was not touched." in same.stdout
    )
    assert (warehouse.read_bytes(), warehouse.stat().st_mtime_ns) == before and not same.stderr

    # 4. The page now links a second release: refresh builds it in while a reader holds the old file open.
    from govdata import warehouse as reader

    open_cursor = reader.connect(warehouse)
    site.publish(first, second, legacy=LEGACY_FIXTURE)
    new = etl("refresh")
    assert new.returncode == 0, new.stderr
    assert f"Fetched ICO release q1-2019-to-q4-2024 from {site.url_of(second)}" in new.stdout
    assert "releases kept in the warehouse: 2 (this one runs to Q4 2024; carried forward: 1;" in new.stdout
    assert new.stdout.strip().splitlines()[-1] == (
        f"Refreshed: {warehouse} now holds {SECOND} (data to Q4 2024); 2 release(s) kept for comparison."
    )
    assert open_cursor.execute("SELECT count(*) FROM ico_releases").fetchone() == (1,)  # its old, complete file
    open_cursor.close()
    assert sorted(p.name for p in raw.iterdir() if p.suffix == ".xlsx") == [FIRST, SECOND]
    rows = read_rows(warehouse, "SELECT file, is_current, first_loaded_at FROM ico_releases ORDER BY runs_to")
    assert rows == [(FIRST, False, first_loaded), (SECOND, True, rows[1][2])]
    # The first release's figures survive exactly as they were loaded.
    assert (
        read_rows(warehouse, "SELECT * FROM ico_release_counts WHERE sha256 = $1 ORDER BY ALL", [sha256(first)])
        == counts_first
    )

    # 5. The revisions: exactly the revised quarters, by the amounts revised, and the one quarter added.
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        changes = releases.quarter_changes(con, sha256(first), sha256(second)).data
    finally:
        con.close()
    by_status = {
        s: {(r.year, r.quarter): r.difference for r in changes.itertuples() if r.status == s}
        for s in ("revised", "added", "removed")
    }
    assert by_status["revised"] == REVISED
    assert list(by_status["added"]) == [(2024, 4)] and by_status["removed"] == {}
    at = open_page(page("sources.py"), warehouse, monkeypatch)
    assert_no_exception(at)
    revised = next(
        t.value
        for t in at.dataframe
        if list(t.value.columns) == ["Quarter", "Difference", "From release", "To release"]
    )
    assert [(pd_quarter(q), int(d)) for q, d in zip(revised["Quarter"], revised["Difference"])] == [
        (k, v) for k, v in sorted(REVISED.items())
    ]
    # The page's Markdown escaping (backslashes, word joiners) removed, the sentence reads as built.
    summary = " ".join(m.value for m in at.markdown).replace("\\", "").replace("\u2060", "")
    assert re.search(r"1 quarter added \(Q4 2024: [\d,]+ incidents\)", summary)

    # 6. And again: no new release, nothing touched.
    before = warehouse.read_bytes()
    again = etl("refresh")
    assert again.returncode == 0 and "No new release" in again.stdout and warehouse.read_bytes() == before


def pd_quarter(value) -> tuple[int, int]:
    """A displayed quarter cell (a date at the quarter's start) -> (year, quarter)."""
    import pandas as pd

    stamp = pd.Timestamp(value)
    return stamp.year, stamp.quarter


# ---------------------------------------------------------------------------------------------- failures


@pytest.fixture(scope="module")
def loaded_template(tmp_path_factory, release_files):
    """A raw folder holding the first release and a warehouse built from it (copied by each failure test)."""
    from etl.build import build

    root = tmp_path_factory.mktemp("template")
    (root / "raw").mkdir()
    shutil.copy(release_files[0], root / "raw" / FIRST)
    build(root / "warehouse.duckdb", raw_dir=root / "raw")
    return root


@pytest.fixture()
def loaded(loaded_template, places):
    raw, warehouse = places
    shutil.copytree(loaded_template / "raw", raw)
    shutil.copy(loaded_template / "warehouse.duckdb", warehouse)
    return raw, warehouse


def _broken_release(path: Path) -> Path:
    """A workbook in the ICO's shape except that a column was renamed (the loader must refuse it)."""
    return one_incident_workbook(path, 2025, 1, [("Sector name" if c == "Sector" else c) for c in voc.ICO_COLUMNS])


@pytest.mark.parametrize("failure", ["offline", "page changed", "file invalid", "does not load"])
def test_a_failed_refresh_is_one_paragraph_and_changes_nothing(failure, site, loaded, tmp_path, monkeypatch):
    raw, warehouse = loaded
    if failure == "offline":
        address = f"http://127.0.0.1:{_closed_port()}/ico/"
        monkeypatch.setenv(settings.LANDING_URL_ENV, address)
        expected = f"the landing page {address} could not be reached (Connection refused)"
    elif failure == "page changed":
        site.publish(page="<html><body><p>This page has moved.</p></body></html>")
        address = site.landing_url
        expected = f"the page {address} answered but links no 'data-security-incidents-trends-q1-2019-to-q"
    elif failure == "file invalid":
        name = "data-security-incidents-trends-q1-2019-to-q1-2025.xlsx"
        address = site.serve_file(f"media2/x/{name}", b"<html>Access denied</html>")
        site.publish(page=f'<a href="/media2/x/{name}">Q1 2025</a>')
        expected = f"the download from {address} is not a xlsx file (26 bytes; the server may have sent an error page)"
    else:
        broken = _broken_release(tmp_path / "data-security-incidents-trends-q1-2019-to-q1-2025.xlsx")
        site.publish(broken, legacy=LEGACY_FIXTURE)
        address = str(raw / broken.name)
        expected = "column"
    before = warehouse.read_bytes()
    kept_before = sorted(p.name for p in raw.iterdir())

    result = etl("refresh")

    assert result.returncode == 1
    message = _one_paragraph(result.stderr)
    assert message.startswith("Error: ") and expected in message and address in message
    assert warehouse.read_bytes() == before
    if failure == "does not load":
        moved = raw / "rejected" / "data-security-incidents-trends-q1-2019-to-q1-2025.xlsx"
        assert moved.is_file() and f"The download was moved to {moved} and the warehouse is unchanged" in message
        assert "data-security-incidents-trends-q1-2019-to-q1-2025.xlsx" not in {p.name for p in raw.iterdir()}
        assert message.endswith("-m etl refresh")
        return
    assert sorted(p.name for p in raw.iterdir()) == kept_before  # nothing saved
    assert (
        "Nothing was saved and the warehouse is unchanged. To load it by hand, download the workbook from "
        f"{os.environ[settings.LANDING_URL_ENV]} into {raw}/ and run: cd {ROOT} && " in message
    )
    # The command works as printed (the first release is still kept in the raw folder).
    command = _command_in(message, "and run: ")
    assert command.endswith("-m etl build")
    rebuilt = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=600)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"Warehouse written: {warehouse}" in rebuilt.stdout


def test_a_refresh_already_running_is_refused(loaded):
    raw, warehouse = loaded
    before = warehouse.read_bytes()
    with open(warehouse.with_name(f".{warehouse.name}.refresh.lock"), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = etl("refresh")
    assert result.returncode == 75
    assert _one_paragraph(result.stderr) == (
        f"Error: Another refresh of {warehouse} is running (it holds "
        f"{warehouse.with_name('.warehouse.duckdb.refresh.lock')}); nothing "
        "was done. Try again when it has finished."
    )
    assert warehouse.read_bytes() == before


# ---------------------------------------------------------------------------------------------- first run fallbacks


def test_first_run_offline_builds_the_labelled_sample_and_says_why_in_one_line(
    tmp_path, places, monkeypatch, site, release_files, capsys
):
    from etl.refresh import first_build

    raw, warehouse = places
    address = f"http://127.0.0.1:{_closed_port()}/ico/"
    monkeypatch.setenv(settings.LANDING_URL_ENV, address)
    report = first_build(warehouse, sample_rows=3000, sample_path=tmp_path / "sample.csv", max_seconds=10)
    assert report.is_sample
    note = _one_paragraph(report.first_run_note)
    assert note.startswith(
        f"Could not load the real ICO release (offline: the landing page {address} could not be "
        "reached (Connection refused)), so the warehouse holds the labelled SIMULATED SAMPLE. "
        f"Load the real release later with: cd {ROOT} && "
    )
    assert "Older quarterly tables" not in capsys.readouterr().out  # offline: no second wait
    # Back online: the printed command loads the release, as printed.
    site.publish(release_files[0], legacy=LEGACY_FIXTURE)
    command = _command_in(note, "Load the real release later with: ").replace(address, site.landing_url)
    assert command.endswith("-m etl refresh")
    loaded = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=600)
    assert loaded.returncode == 0, loaded.stderr
    # (the served release is itself a labelled sample, so the fallback sample stays in its history)
    assert read_rows(warehouse, "SELECT file FROM ico_releases WHERE is_current") == [(FIRST,)]


def test_first_run_with_a_file_that_does_not_load_falls_back_and_keeps_it_aside(tmp_path, places, site):
    from etl.refresh import first_build

    raw, warehouse = places
    broken = _broken_release(tmp_path / "data-security-incidents-trends-q1-2019-to-q1-2025.xlsx")
    site.publish(broken, legacy=LEGACY_FIXTURE)
    report = first_build(warehouse, sample_rows=3000, sample_path=tmp_path / "sample.csv", max_seconds=20)
    assert report.is_sample
    note = _one_paragraph(report.first_run_note)
    assert note.startswith("Could not load the real ICO release (file invalid: ")
    assert (raw / "rejected" / broken.name).is_file() and not (raw / broken.name).exists()
    assert read_rows(warehouse, "SELECT is_sample FROM ico_releases") == [(True,)]
