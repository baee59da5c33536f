"""govdata.warehouse: replacing the file while a query runs on an old version neither fails nor leaks a connection."""

from __future__ import annotations

import os
import shutil
import threading
import time

import duckdb

from govdata import warehouse


def _replace(src, target):
    tmp = target.with_name(target.name + ".tmp")
    shutil.copy2(src, tmp)
    os.replace(tmp, target)  # a new inode, as `etl build` does
    time.sleep(0.01)


def test_busy_retired_connection_is_kept_until_it_can_be_closed(tiny_warehouse, tmp_path):
    target = tmp_path / "warehouse.duckdb"
    shutil.copy2(tiny_warehouse, target)
    busy = warehouse.connect(target)
    failures: list[str] = []

    def long_query():
        try:
            busy.execute("SELECT count(*) FROM range(3000000000) t(i) WHERE i % 7 = 3").fetchall()
        except duckdb.InterruptException:
            pass
        except Exception as exc:  # noqa: BLE001
            failures.append(repr(exc))

    runner = threading.Thread(target=long_query)
    runner.start()
    time.sleep(0.3)
    busy_connection = warehouse._open[target].connection
    opened = []
    try:
        for _ in range(warehouse._KEEP_RETIRED + 2):  # more replacements than retired versions are kept
            _replace(tiny_warehouse, target)
            cursor = warehouse.connect(target)  # raised ResourceInUseException before the fix
            assert cursor.execute("SELECT count(*) FROM warehouse_meta").fetchone()[0] > 0
            opened.append(warehouse._open[target].connection)
        assert busy_connection in warehouse._retired, "the busy version was closed under its running query"
        assert warehouse._open[target].connection is opened[-1], "the newest version is not the one in use"
    finally:
        busy.interrupt()
        runner.join(timeout=60)
    assert not failures, failures
    _replace(tiny_warehouse, target)
    warehouse.connect(target)
    assert busy_connection not in warehouse._retired, "the no-longer-busy version was never closed"
    assert len(warehouse._retired) <= warehouse._KEEP_RETIRED
