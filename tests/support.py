"""Helpers the unit tests import by name. Not in conftest.py: a test module's `from conftest import ...` finds
tests/e2e/conftest.py instead when a worker has loaded the browser tests first."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def read_rows(warehouse: Path, sql: str, params=()) -> list[tuple]:
    """The rows `sql` returns from the warehouse file, opened read-only and closed again."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def fail_or_skip(message: str) -> NoReturn:
    """A test that cannot run says so loudly: it fails under CI and is a LOUD SKIP elsewhere."""
    if under_ci():
        pytest.fail(message)
    pytest.skip("LOUD SKIP: " + message)
