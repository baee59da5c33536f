"""Warehouse faults against the real server: missing, truncated, corrupt, locked by a writer, replaced while
people are using the app, and a real rebuild (`python -m etl build --warehouse <same path>`) under load. Each gives
a clear message or keeps serving the last good data; never a traceback, on screen or in the server log.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import threading
import time

import duckdb
import pytest
from conftest import assert_clean_log, build_warehouse, running_server, warm_up
from e2e_helpers import GUARDED_ERROR, app_text, assert_no_error, open_page

from govdata import settings
from scripts.loadtest import Session

pytestmark = pytest.mark.e2e

UNAVAILABLE = "not available"  # ui.layout.show_unavailable: "The data warehouse is not available yet ..."
SAMPLE_MARK = "SAMPLE DATA"
ICO_FIXTURE = settings.PROJECT_ROOT / "tests" / "fixtures" / "ico" / "ico_rows_small.csv"


def assert_no_crash(page, where: str) -> str:
    """No exception block, no traceback, no caught-error message. Returns the page text."""
    assert page.locator('[data-testid="stException"]').count() == 0, where
    text = app_text(page)
    for marker in ("Traceback", 'File "/', "site-packages", GUARDED_ERROR):
        assert marker not in text, f"{where}: {marker!r} on screen:\n{text[:2000]}"
    return text


def _visit_all(srv, browser, where: str) -> list[str]:
    """Open the home page and one inner page; return their texts."""
    texts = []
    page = browser.new_page()
    for url_path in ("", "trends"):
        open_page(page, srv.page_url(url_path))
        texts.append(assert_no_crash(page, f"{where} /{url_path}"))
    page.close()
    return texts


@pytest.fixture
def warehouse_copy(e2e_warehouse, tmp_path):
    path = tmp_path / "wh" / "warehouse.duckdb"
    path.parent.mkdir()
    shutil.copy2(e2e_warehouse, path)
    return path


@pytest.mark.parametrize("fault", ["missing", "truncated", "corrupt", "empty"])
def test_unreadable_warehouse_gives_a_clear_message(fault, e2e_warehouse, tmp_path, browser):
    path = tmp_path / "wh" / "warehouse.duckdb"
    path.parent.mkdir()
    if fault == "truncated":
        path.write_bytes(e2e_warehouse.read_bytes()[:1024])
    elif fault == "corrupt":
        path.write_bytes(random.Random(1).randbytes(256 * 1024))
    elif fault == "empty":
        path.write_bytes(b"")
    with running_server(path, tmp_path) as srv:
        for text in _visit_all(srv, browser, fault):
            assert UNAVAILABLE in text, f"{fault}: no clear message:\n{text[:1500]}"
            assert "python -m etl build" in text, f"{fault}: the message does not say how to build the warehouse"
        assert_clean_log(srv)


def test_fault_messages_do_not_reveal_server_paths(e2e_warehouse, tmp_path, browser):
    """A hosted visitor should not learn where the server keeps its files (the server log has the details)."""
    path = tmp_path / "secret-location" / "warehouse.duckdb"
    path.parent.mkdir()
    path.write_bytes(e2e_warehouse.read_bytes()[:1024])
    with running_server(path, tmp_path) as srv:
        for text in _visit_all(srv, browser, "truncated"):
            assert "secret-location" not in text, f"the page shows the server's warehouse path:\n{text[:1500]}"


def test_locked_by_a_writer_then_recovers(warehouse_copy, tmp_path, browser):
    """A process holding the warehouse open for writing (as a careless manual edit would) blocks readers: the app
    says the warehouse is unavailable; once the writer lets go, the same server shows data again."""
    writer = duckdb.connect(str(warehouse_copy))  # read-write: takes DuckDB's exclusive file lock
    try:
        with running_server(warehouse_copy, tmp_path) as srv:
            for text in _visit_all(srv, browser, "locked"):
                assert UNAVAILABLE in text, f"locked: no clear message:\n{text[:1500]}"
            writer.close()
            writer = None
            texts = _visit_all(srv, browser, "after unlock")
            assert all(UNAVAILABLE not in t and SAMPLE_MARK in t for t in texts), texts[0][:1500]
            assert_clean_log(srv)
    finally:
        if writer is not None:
            writer.close()


def test_build_temp_file_held_open_does_not_disturb_readers(warehouse_copy, tmp_path, browser):
    """A build in progress writes `.warehouse.duckdb.building-*` beside the warehouse; readers keep the old file."""
    temp = warehouse_copy.with_name(f".{warehouse_copy.name}.building-999-test")
    writer = duckdb.connect(str(temp))
    writer.execute("CREATE TABLE half_built AS SELECT range AS n FROM range(100000)")
    try:
        with running_server(warehouse_copy, tmp_path) as srv:
            texts = _visit_all(srv, browser, "build in progress")
            assert all(UNAVAILABLE not in t and SAMPLE_MARK in t for t in texts)
            assert_clean_log(srv)
    finally:
        writer.close()


def test_replaced_mid_session_with_garbage_then_good(warehouse_copy, tmp_path, browser):
    """The file is swapped under an open page: garbage -> a clear message or the last good data, never a crash;
    a good file again -> data again, with no restart."""
    good = warehouse_copy.read_bytes()
    with running_server(warehouse_copy, tmp_path) as srv:
        page = browser.new_page()
        open_page(page, srv.page_url("trends"))
        assert SAMPLE_MARK in assert_no_crash(page, "before")
        garbage = warehouse_copy.with_name("garbage.tmp")
        garbage.write_bytes(random.Random(2).randbytes(128 * 1024))
        os.replace(garbage, warehouse_copy)
        page.reload()
        open_page(page, page.url)
        text = assert_no_crash(page, "after garbage replaced the file")
        assert UNAVAILABLE in text or SAMPLE_MARK in text, text[:1500]
        fresh = warehouse_copy.with_name("fresh.tmp")
        fresh.write_bytes(good)
        os.replace(fresh, warehouse_copy)
        open_page(page, srv.page_url("trends"))
        text = assert_no_crash(page, "after a good file came back")
        assert UNAVAILABLE not in text and SAMPLE_MARK in text, text[:1500]
        assert_clean_log(srv)


def test_rebuild_while_serving_shows_new_data_and_no_reader_sees_a_half_built_file(warehouse_copy, tmp_path, browser):
    """`python -m etl build --warehouse <same path>` while the server runs and visitors keep re-running pages:
    every run during the build succeeds (old or new data, never a half-built file), and afterwards the page shows
    the new data — here the hand-written ICO fixture instead of the sample, so the sample banner goes away."""
    with running_server(warehouse_copy, tmp_path) as srv:
        warm_up(srv)
        page = browser.new_page()
        open_page(page, srv.page_url())
        before = assert_no_crash(page, "before rebuild")
        assert SAMPLE_MARK in before

        stop = threading.Event()
        outcomes: list[tuple[bool, list[str], str]] = []

        async def readers():
            async def reader(i: int):
                async with Session(srv.url) as session:
                    for _ in range(400):  # bounded; normally ends when the build does
                        if stop.is_set():
                            return
                        result = await session.run("" if i % 2 == 0 else "trends", "")
                        outcomes.append((result.ok, result.exceptions, result.text))

            await asyncio.gather(*(reader(i) for i in range(4)))

        thread = threading.Thread(target=lambda: asyncio.run(readers()), daemon=True)  # its own loop
        thread.start()
        deadline = time.monotonic() + 60  # the readers are under way before the rebuild starts
        while not outcomes and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.monotonic()
        build_warehouse(warehouse_copy, "--ico", str(ICO_FIXTURE))
        build_seconds = time.monotonic() - started
        built_at = len(outcomes)
        deadline = time.monotonic() + 60  # runs started after the swap must show the new data
        while time.monotonic() < deadline and not any(SAMPLE_MARK not in t for _, _, t in outcomes[built_at:]):
            time.sleep(0.5)
        stop.set()
        thread.join(timeout=120)
        assert not thread.is_alive(), "readers did not stop"

        assert len(outcomes) >= 4, f"only {len(outcomes)} reader runs during a {build_seconds:.1f} s build"
        failed = [(exc, text[:300]) for ok, exc, text in outcomes if not ok]
        assert not failed, f"{len(failed)} of {len(outcomes)} runs failed during the rebuild: {failed[:3]}"
        unavailable = [t for ok, _, t in outcomes if UNAVAILABLE in t]
        assert not unavailable, f"{len(unavailable)} runs saw no warehouse during the rebuild (half-built file?)"
        assert any(SAMPLE_MARK not in t for _, _, t in outcomes[built_at:]), (
            f"readers never saw the new data ({len(outcomes) - built_at} runs after the build)"
        )

        open_page(page, srv.page_url())
        after = assert_no_crash(page, "after rebuild")
        assert SAMPLE_MARK not in after, "the page still shows the old (sample) data after the rebuild"
        assert_no_error(page, "after rebuild")
        assert_clean_log(srv)
