"""Reading the ICO row-level file (CSV, or XLSX sheet `in`) into DuckDB as text, before any rule is applied.

The result is a staging table `ico_stage(c1..cN)` of trimmed text (NULL for empty cells), seen through the view
`ico_cells(line, c1..cN)` that adds each record's line in the file, so every later error can name its row. The
header is checked here (the ICO's 11 columns present, none twice); the cells are checked by etl.sources.ico_rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import duckdb

from etl import raw_store
from etl.errors import SourceError
from etl.sources import csv_bytes
from etl.sources.csv_bytes import ByteScan
from govdata import vocabulary as voc

ZIP_MAGIC = b"PK\x03\x04"  # an XLSX workbook is a zip archive


def is_xlsx(path: Path) -> tuple[bool, bytes]:
    """(whether the file starts like an XLSX workbook, its first four bytes)."""
    with open(path, "rb") as fh:
        magic = fh.read(4)
    return magic == ZIP_MAGIC, magic


def stage(con, path: Path, xlsx: bool) -> tuple[ByteScan, list[str], int]:
    """Stage `path` as an XLSX workbook or a CSV file: (the byte scan, header names, number of columns)."""
    return _stage_xlsx(con, path) if xlsx else _stage_csv(con, path)


def _header(path: Path, cells: list) -> list[str]:
    names = ["" if c is None else str(c).replace("\ufeff", "").strip() for c in cells]
    while names and names[-1] == "":
        names.pop()
    if not names:
        raise SourceError(path, "The first row is blank; expected the header row with the ICO's 11 columns", row=1)
    missing = [c for c in voc.ICO_COLUMNS if c not in names]
    if missing:
        unexpected = [n for n in names if n not in voc.ICO_COLUMNS]
        raise SourceError(
            path,
            f"Missing column(s) {', '.join(repr(m) for m in missing)}"
            + (
                f"; found unexpected column(s) {', '.join(repr(u) for u in unexpected)} (renamed?)"
                if unexpected
                else ""
            )
            + f"; the header has {', '.join(repr(n) for n in names)}",
            row=1,
            column=missing[0],
        )
    for name in voc.ICO_COLUMNS:
        if names.count(name) > 1:
            raise SourceError(path, "Column appears more than once in the header", row=1, column=name)
    return names


def _trimmed(width: int) -> str:
    """Select list for the staging table: text without surrounding spaces, NULL for empty cells. trim() is only
    called on the rare value that needs it (it costs five times the test)."""

    def cell(c: str) -> str:
        return f"nullif(CASE WHEN starts_with({c}, ' ') OR ends_with({c}, ' ') THEN trim({c}) ELSE {c} END, '')"

    return ", ".join(f"{cell(f'c{i}')} AS c{i}" for i in range(1, width + 1))


def _stage_csv(con, path: Path) -> tuple[ByteScan, list[str], int]:
    scan = csv_bytes.scan(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        first_line = fh.readline()
    if scan.size == 0 or not first_line.strip() and scan.lines <= 1:
        raise SourceError(path, "The file is empty; expected a header row and data rows")
    names = _header(path, next(csv.reader([first_line]), []))
    width = len(next(csv.reader([first_line])))
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, width + 1)) + "}"
    try:
        # Insertion order is preserved (DuckDB's default), so rowid is the record's position in the file. Records
        # DuckDB cannot read land in its structured rejects table (line, column, kind, the line as written).
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE ico_stage AS SELECT {_trimmed(width)} FROM read_csv($1, header = false, "
            "skip = 1, auto_detect = false, delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
            f"columns = {columns}, store_rejects = true, rejects_table = '{REJECTS}', rejects_scan = '{REJECT_SCANS}')",
            [str(path)],
        )
    except duckdb.Error as exc:
        raise _csv_error(path, exc, width) from None
    rejected = _first_reject(con, path, names, width)
    if rejected is not None:
        raise rejected
    records = con.execute("SELECT count(*) FROM ico_stage").fetchall()[0][0]
    empty_after_header = [n for n in scan.empty_lines if n > 1]
    expected = scan.lines - 1 - len(empty_after_header)
    if records == expected and not empty_after_header:
        con.execute("CREATE OR REPLACE TEMP VIEW ico_cells AS SELECT rowid + 2 AS line, * FROM ico_stage")
    else:
        # Empty lines or values spanning lines: map each record to its first line (rare; small files in practice).
        lines = (
            csv_bytes.lines_without(scan.lines, empty_after_header)
            if records == expected
            else csv_bytes.record_lines(path)
        )
        if len(lines) != records:
            raise SourceError(path, f"Could not match {records} CSV records to lines of the file")
        con.execute("CREATE OR REPLACE TEMP TABLE ico_line_map (k BIGINT, line BIGINT)")
        con.executemany("INSERT INTO ico_line_map VALUES ($1, $2)", list(enumerate(lines)))
        con.execute(
            "CREATE OR REPLACE TEMP TABLE ico_stage AS SELECT m.line, s.* FROM ico_stage s "
            "JOIN ico_line_map m ON m.k = s.rowid ORDER BY m.line"
        )
        con.execute("DROP TABLE ico_line_map")
        con.execute("CREATE OR REPLACE TEMP VIEW ico_cells AS SELECT * FROM ico_stage")
    scan.empty_lines = empty_after_header
    return scan, names, width


REJECTS, REJECT_SCANS = "ico_csv_rejects", "ico_csv_reject_scans"


def _first_reject(con, path: Path, names: list[str], width: int) -> SourceError | None:
    """The first record DuckDB rejected, as a SourceError naming its line, column and the line as written."""
    first = con.execute(
        f"SELECT line, column_idx, error_type, csv_line, error_message FROM {REJECTS} ORDER BY line, column_idx LIMIT 1"
    ).fetchone()
    con.execute(f"DROP TABLE {REJECTS}")
    con.execute(f"DROP TABLE {REJECT_SCANS}")
    if first is None:
        return None
    line, column_idx, kind, text, message = first
    text = (text or "").rstrip("\r\n")
    if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        found = len(next(csv.reader([text]), []))
        return SourceError(path, f"Row has {found} field(s) where the header has {width}", row=int(line), value=text)
    column = names[column_idx - 1] if column_idx and 0 < column_idx <= len(names) else None
    return SourceError(path, f"The CSV cannot be parsed ({message})", row=int(line), column=column or None, value=text)


def _csv_error(path: Path, exc: Exception, width: int) -> SourceError:
    text = str(exc)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    original = re.search(r"Original Line: ?(.*)", text)
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    row = int(line.group(1)) if line else None
    value = original.group(1) if original else None
    if found:
        return SourceError(
            path, f"Row has {found.group(2)} field(s) where the header has {width}", row=row, value=value
        )
    first = text.splitlines()[0] if text else type(exc).__name__
    return SourceError(path, f"The CSV cannot be parsed ({first})", row=row, value=value)


def _cell_text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _stage_xlsx(con, path: Path) -> tuple[ByteScan, list[str], int]:
    import pyarrow as pa
    from python_calamine import CalamineWorkbook

    sha256 = raw_store.sha256_of(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises zip/XML/its own errors for a damaged workbook
        raise SourceError(
            path, f"Not a readable XLSX workbook: it is truncated or damaged ({type(exc).__name__}: {str(exc)[:120]})"
        ) from None
    try:
        if voc.ICO_SHEET not in book.sheet_names:
            raise SourceError(
                path,
                f"No worksheet named '{voc.ICO_SHEET}'; the workbook has "
                + ", ".join(repr(s) for s in book.sheet_names),
            )
        try:
            # skip_empty_area=False keeps list index == sheet row - 1 even when the top rows are empty.
            rows = book.get_sheet_by_name(voc.ICO_SHEET).to_python(skip_empty_area=False)
        except Exception as exc:
            raise SourceError(
                path,
                f"The worksheet cannot be read: the workbook is truncated or damaged "
                f"({type(exc).__name__}: {str(exc)[:120]})",
            ) from None
    finally:
        book.close()
    if not rows or all(c in (None, "") for c in rows[0]):
        raise SourceError(path, "The worksheet 'in' is empty; expected a header row and data rows", row=1)
    names = _header(path, list(rows[0]))
    width = len(rows[0])
    body = rows[1:]
    columns = {
        f"c{i + 1}": pa.array([_cell_text(r[i]) if i < len(r) else None for r in body], pa.string())
        for i in range(width)
    }
    table = pa.table({"line": pa.array(range(2, len(body) + 2), pa.int64()), **columns})
    con.register("ico_xlsx", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE ico_stage AS SELECT line, {_trimmed(width)} FROM ico_xlsx")
    con.unregister("ico_xlsx")
    con.execute("CREATE OR REPLACE TEMP VIEW ico_cells AS SELECT * FROM ico_stage")
    return ByteScan(sha256, path.stat().st_size, len(body) + 1, []), names, width
