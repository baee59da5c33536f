"""Opening the warehouse for reading.

The file is opened read-only. A rebuild renames a new file over the old one, so each call checks the file's
identity (inode, size, mtime) and reopens when it changed: readers keep the old, complete file until then and never
see a half-built one.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from govdata import settings


class WarehouseUnavailable(RuntimeError):
    """The warehouse is missing or unreadable; the message tells the user how to build it."""


BUILD_HINT = "Build it with:  .venv/bin/python -m etl build   (from the project folder; see README.md)"


@dataclass
class _Open:
    identity: tuple
    connection: duckdb.DuckDBPyConnection


_lock = threading.Lock()
_open: dict[Path, _Open] = {}
# Replaced versions stay open a while: a query already running in another thread keeps its cursor.
_retired: list[duckdb.DuckDBPyConnection] = []
_KEEP_RETIRED = 2
ALIAS = "wh"


def _identity(path: Path) -> tuple:
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _open_version(path: Path) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB with the file ATTACHed read-only.

    duckdb.connect(path) would hand back the database already open for that path (DuckDB caches instances by
    path), so a rebuilt file would never be seen; an attached file in a new instance is opened anew.
    """
    con = duckdb.connect(":memory:")
    quoted = str(path).replace("'", "''")  # a settings path, not user input; ATTACH takes no parameters
    con.execute(f"ATTACH '{quoted}' AS {ALIAS} (READ_ONLY)")
    con.execute(f"USE {ALIAS}")
    row = con.execute("SELECT value FROM warehouse_meta WHERE key = 'schema_version'").fetchone()
    if row is None or row[0] != settings.SCHEMA_VERSION:
        con.close()
        raise duckdb.CatalogException(
            f"built by another version of the ETL (schema {row[0] if row else '?'}, "
            f"this app needs {settings.SCHEMA_VERSION}); rebuild it"
        )
    return con


def _close_retired() -> None:
    """Close the oldest replaced versions beyond _KEEP_RETIRED. One still busy with a query (DuckDB refuses to close
    it: ResourceInUseException) stays in the list and is tried again at the next replacement. Caller holds _lock."""
    for old in list(_retired[: max(len(_retired) - _KEEP_RETIRED, 0)]):
        try:
            old.close()
        except duckdb.Error:
            continue
        _retired.remove(old)


def connect(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on the warehouse at `path` (default: settings.warehouse_path()), read-only.

    Each caller gets its own cursor: a single DuckDB connection is not safe to share between threads. When the
    file has been replaced (a rebuild renames a new file over it) the new version is opened; readers never see a
    half-built file because the build writes elsewhere and renames.
    """
    path = Path(path) if path is not None else settings.warehouse_path()
    try:
        identity = _identity(path)
    except FileNotFoundError:
        raise WarehouseUnavailable(f"No warehouse at {path}. {BUILD_HINT}") from None
    with _lock:
        current = _open.get(path)
        if current is None or current.identity != identity:
            try:
                con = _open_version(path)
            except (duckdb.Error, OSError) as exc:
                raise WarehouseUnavailable(
                    f"The warehouse at {path} cannot be read ({type(exc).__name__}: {str(exc).splitlines()[0]}). "
                    f"{BUILD_HINT}"
                ) from None
            if current is not None:
                _retired.append(current.connection)
            current = _open[path] = _Open(identity, con)  # in use before anything below can fail
            _close_retired()
        cursor = current.connection.cursor()
    cursor.execute(f"USE {ALIAS}")  # each cursor starts in the in-memory catalog
    return cursor


def identity(path: Path | None = None) -> tuple:
    """A value that changes whenever the warehouse file is replaced (use it in cache keys)."""
    path = Path(path) if path is not None else settings.warehouse_path()
    try:
        return (str(path),) + _identity(path)
    except FileNotFoundError:
        return (str(path), None)
