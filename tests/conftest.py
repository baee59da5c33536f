"""Shared fixtures: real warehouses built through the real ETL (no mocked database)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import fail_or_skip

from govdata import settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ICO_FIXTURE = FIXTURES / "ico" / "ico_rows_small.csv"
LEGACY_FIXTURE = FIXTURES / "legacy" / "legacy_small.xlsx"
SAMPLE_TEST_ROWS = 6000
pytest_plugins = ["longest_first"]  # files in order of their last measured duration, longest first


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """../shared/data. Under CI its absence is a failure, never a skip."""
    path = settings.SHARED_DIR / "data"
    if not path.is_dir():
        message = f"published data folder {path} is missing: tests that check real published totals cannot run"
        fail_or_skip(message)
    return path


@pytest.fixture(scope="session")
def playwright_driver():
    """The one Playwright (sync API) of the test process, shared by the browser tests and the print-layout checks.

    Playwright's sync API keeps an asyncio loop running in the test thread for as long as it is open, so a second
    `sync_playwright()` in the same process fails ("Sync API inside the asyncio loop"): every test that drives
    Chromium takes this fixture rather than starting its own."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        message = f"playwright is not installed ({exc}): the tests that drive Chromium cannot run"
        fail_or_skip(message)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory) -> Path:
    """A warehouse built by the real ETL from the small hand-written fixture files."""
    from etl.build import build

    path = tmp_path_factory.mktemp("tiny") / "warehouse.duckdb"
    build(warehouse=path, ico=ICO_FIXTURE, legacy_ico=LEGACY_FIXTURE, raw_dir=tmp_path_factory.mktemp("noraw"))
    return path


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    """A warehouse built by the real ETL from a generated (clearly labelled) sample, as on a fresh clone."""
    from etl.build import build

    root = tmp_path_factory.mktemp("sample")
    path = root / "warehouse.duckdb"
    build(warehouse=path, raw_dir=root / "raw", sample_path=root / "ico_sample.csv", sample_rows=SAMPLE_TEST_ROWS)
    return path


@pytest.fixture(scope="session")
def medium_warehouse(tmp_path_factory) -> Path:
    """A larger generated sample (60,000 rows, its own seed) via the real ETL: sectors big and small, for the
    number-format property test and the small-base rule."""
    from etl.build import build
    from etl.sample import write_sample

    root = tmp_path_factory.mktemp("medium")
    sample = root / "ico_sample.csv"
    write_sample(sample, 60_000, seed=2024)
    path = root / "warehouse.duckdb"
    build(warehouse=path, ico=sample, raw_dir=root / "raw")
    return path


@pytest.fixture(scope="module")
def con(tiny_warehouse):
    """A read-only cursor on the tiny fixture warehouse, opened the way the app opens it."""
    from govdata import warehouse

    cursor = warehouse.connect(tiny_warehouse)
    yield cursor
    cursor.close()
