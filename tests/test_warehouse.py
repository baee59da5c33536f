"""The read side's connection: read-only, a rebuilt file is picked up, an old or broken file asks for a rebuild."""

from __future__ import annotations

import os
import shutil

import duckdb
import pytest

from govdata import warehouse


def _count(con) -> int:
    return con.execute("SELECT count(*) FROM incidents").fetchone()[0]


def test_replaced_file_is_picked_up_and_old_cursors_keep_working(tiny_warehouse, tmp_path):
    path = tmp_path / "w.duckdb"
    shutil.copy(tiny_warehouse, path)
    before = warehouse.connect(path)
    n = _count(before)
    # A rebuild writes a new file elsewhere and renames it over the old one.
    new = tmp_path / "new.duckdb"
    shutil.copy(tiny_warehouse, new)
    con = duckdb.connect(str(new))
    con.execute("DELETE FROM incident_facts WHERE year = 2020")
    con.close()
    os.replace(new, path)
    after = warehouse.connect(path)
    assert 0 < _count(after) < n
    assert _count(before) == n  # a reader mid-way keeps the complete old version


def test_connection_is_read_only(tiny_warehouse):
    con = warehouse.connect(tiny_warehouse)
    with pytest.raises(duckdb.Error):
        con.execute("DELETE FROM incident_facts")


def test_older_schema_asks_for_a_rebuild(tiny_warehouse, tmp_path):
    path = tmp_path / "old.duckdb"
    shutil.copy(tiny_warehouse, path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE warehouse_meta SET value = '0' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(warehouse.WarehouseUnavailable, match="rebuild"):
        warehouse.connect(path)


@pytest.mark.parametrize("content", [b"", b"not a database" * 100])
def test_missing_or_corrupt_file_gives_the_build_hint(tmp_path, content):
    path = tmp_path / "bad.duckdb"
    with pytest.raises(warehouse.WarehouseUnavailable, match="python -m etl build"):
        warehouse.connect(path)
    path.write_bytes(content)
    with pytest.raises(warehouse.WarehouseUnavailable, match="python -m etl build"):
        warehouse.connect(path)
