"""The ICO row-level release ("Data security incident trends"), CSV or XLSX (sheet `in`).

The file has one row per Data Subject Type x Data Type of a report; an incident is BI Reference + Year + Quarter.
`load(con, path)` validates the file and fills ico_rows, incident_facts and the two bridge tables in `con`.
The heavy lifting is SQL in DuckDB so 18M rows cost no Python loop; Python only scans the raw bytes once
(sha256, encoding, NUL bytes, blank lines) and, for XLSX, streams the sheet.

Rules (documented in the load report):
- Values are trimmed; an empty cell is an error, because the ICO writes 'Unknown', 'Unassigned' or 'Not Provided'
  for missing information (those are kept as real values).
- Fully blank rows and exact duplicate rows are rejected and counted with their reason; nothing else is dropped.
- A single-valued field (sector, category, type, band, time to report, decision) that differs across an
  incident's rows takes its most frequent value, ties going to the value on the earliest row; each column's
  conflicts are counted.
- Values outside the published vocabulary are kept and reported (value and row count): the ICO adds categories.
- Q1 2019 is kept with comparable = false (the ICO's own totals start at Q2 2019).
- Encoding: UTF-8, with or without BOM. Anything else is refused with the byte offset and line.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from etl.errors import SourceError
from govdata import vocabulary as voc

SOURCE = "ico_rows"
CONFLICT_RULE = "most frequent value across the incident's rows; ties go to the value on the earliest row"
SINGLE_VALUED = ("sector", "incident_category", "incident_type", "subjects_band", "time_to_report", "decision")
BI_REFERENCE_PATTERN = "^BI[0-9]+$"
ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 16 * 1024 * 1024
_WAREHOUSE_COLUMNS = tuple(voc.ICO_COLUMNS.values())
_SOURCE_NAME = {v: k for k, v in voc.ICO_COLUMNS.items()}


@dataclass
class IcoLoad:
    """What one load read, kept and rejected: becomes the provenance row and the printed load report."""
    file: Path
    file_format: str
    sha256: str
    rows_read: int = 0
    rows_kept: int = 0
    rejected: dict[str, dict] = field(default_factory=dict)   # reason -> {"rows": n, "first_row": line}
    incidents: int = 0
    incidents_by_quarter: list[dict] = field(default_factory=list)
    conflicts: dict[str, int] = field(default_factory=dict)  # column -> incidents whose rows disagreed
    unknown_values: list[dict] = field(default_factory=list)  # {"column", "value", "rows"}
    ignored_columns: list[str] = field(default_factory=list)
    latest_quarter: tuple[int, int] | None = None

    @property
    def rows_rejected(self) -> int:
        return sum(r["rows"] for r in self.rejected.values())

    def report(self) -> dict:
        return {
            "file": str(self.file), "format": self.file_format, "rows_read": self.rows_read,
            "rows_kept": self.rows_kept, "rows_rejected": self.rows_rejected, "rejected": self.rejected,
            "incidents": self.incidents, "incidents_by_quarter": self.incidents_by_quarter,
            "conflict_rule": CONFLICT_RULE, "conflicts": self.conflicts, "unknown_values": self.unknown_values,
            "ignored_columns": self.ignored_columns,
            "latest_quarter": f"{self.latest_quarter[0]}-Q{self.latest_quarter[1]}" if self.latest_quarter else None,
        }


# ---------------------------------------------------------------------------------------------------------------
# Reading the file into a staging table `ico_stage(line, c1..cN)` of trimmed text (NULL for empty cells).

@dataclass
class _Scan:
    sha256: str
    size: int
    lines: int               # physical lines, counting a last line without a newline
    empty_lines: list[int]   # line numbers of empty lines (DuckDB skips them)


def _line_at(path: Path, offset: int) -> int:
    """1-based line holding byte `offset` (only called on the error path)."""
    count = 0
    with open(path, "rb") as fh:
        remaining = offset
        while remaining > 0:
            block = fh.read(min(_CHUNK, remaining))
            if not block:
                break
            count += block.count(b"\n")
            remaining -= len(block)
    return count + 1


def _scan_csv(path: Path) -> _Scan:
    """One pass over the bytes: hash, UTF-8 check, NUL bytes, line count and the empty lines DuckDB will skip."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    newlines = 0
    empty: list[int] = []
    carry = b""
    offset = 0          # bytes hashed so far
    last_byte = b""
    with open(path, "rb") as fh:
        first = True
        while True:
            chunk = fh.read(_CHUNK)
            if first:
                first = False
                if chunk[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                    raise SourceError(path, "The file is UTF-16 encoded (byte-order mark at byte 0); expected UTF-8",
                                      row=1, hint="Save it as 'CSV UTF-8' and build again.")
                head = chunk[:4096]
                if head.count(b"\x00") > len(head) // 4:
                    raise SourceError(path, "The file looks UTF-16 encoded (every other byte is NUL); expected UTF-8",
                                      row=1, hint="Save it as 'CSV UTF-8' and build again.")
            if not chunk:
                break
            digest.update(chunk)
            nul = chunk.find(b"\x00")
            if nul >= 0:
                where = offset + nul
                raise SourceError(path, f"NUL byte at byte offset {where}: the file is binary or truncated, not CSV text",
                                  row=_line_at(path, where))
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                where = offset + exc.start
                bad = exc.object[exc.start:exc.start + 4]
                raise SourceError(path, f"Bytes at offset {where} are not valid UTF-8 (the file may be Latin-1 or "
                                  "Windows-1252 encoded)", row=_line_at(path, where), value=bad,
                                  hint="Save it as 'CSV UTF-8' and build again.") from None
            offset += len(chunk)
            last_byte = chunk[-1:]
            # Work on whole lines only, so an empty line is never split across chunks.
            data = carry + chunk
            cut = data.rfind(b"\n") + 1
            block, carry = data[:cut], data[cut:]
            newlines = _empty_lines(block, newlines, empty)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise SourceError(path, f"The file ends in the middle of a UTF-8 character (byte offset {offset}): it is "
                          "truncated or not UTF-8", row=newlines + 1) from None
    lines = newlines + (1 if carry or (last_byte and last_byte != b"\n") else 0)
    return _Scan(digest.hexdigest(), offset, lines, empty)


def _empty_lines(block: bytes, lines_before: int, out: list[int]) -> int:
    """Append the numbers of empty lines in `block` (which starts at a line start); return the new line count."""
    counted_to, count = 0, lines_before
    positions = []
    if block.startswith(b"\n") or block.startswith(b"\r\n"):
        positions.append(-1)
    for pattern in (b"\n\n", b"\n\r\n"):
        start = block.find(pattern)
        while start >= 0:
            positions.append(start)
            start = block.find(pattern, start + 1)
    for pos in sorted(positions):
        if pos >= 0:
            count += block.count(b"\n", counted_to, pos + 1)
            counted_to = pos + 1
        out.append(count + 1)   # the empty line follows the newline at `pos`
    return count + block.count(b"\n", counted_to)


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
            path, f"Missing column(s) {', '.join(repr(m) for m in missing)}"
            + (f"; found unexpected column(s) {', '.join(repr(u) for u in unexpected)} (renamed?)" if unexpected else "")
            + f"; the header has {', '.join(repr(n) for n in names)}",
            row=1, column=missing[0])
    for name in voc.ICO_COLUMNS:
        if names.count(name) > 1:
            raise SourceError(path, "Column appears more than once in the header", row=1, column=name)
    return names


def _stage_csv(con, path: Path) -> tuple[_Scan, list[str]]:
    scan = _scan_csv(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        first_line = fh.readline()
    if scan.size == 0 or not first_line.strip() and scan.lines <= 1:
        raise SourceError(path, "The file is empty; expected a header row and data rows")
    names = _header(path, next(csv.reader([first_line]), []))
    width = len(next(csv.reader([first_line])))
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, width + 1)) + "}"
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE ico_src AS SELECT * FROM read_csv($1, header = false, skip = 1, "
            f"auto_detect = false, delim = ',', quote = '\"', escape = '\"', strict_mode = true, columns = {columns})",
            [str(path)])
    except duckdb.Error as exc:
        raise _csv_error(path, exc, width) from None
    records = con.execute("SELECT count(*) FROM ico_src").fetchall()[0][0]
    empty_after_header = [n for n in scan.empty_lines if n > 1]
    expected = scan.lines - 1 - len(empty_after_header)
    if records == expected and not empty_after_header:
        line_sql = "rowid + 2"
    else:
        lines = (np.setdiff1d(np.arange(2, scan.lines + 1, dtype=np.int64), np.array(empty_after_header, dtype=np.int64))
                 if records == expected else _record_lines(path))
        if len(lines) != records:
            raise SourceError(path, f"Could not match {records} CSV records to lines of the file")
        con.register("ico_line_map", pa.table({"k": np.arange(records, dtype=np.int64), "line": lines}))
        con.execute("CREATE OR REPLACE TEMP TABLE ico_src AS SELECT s.*, m.line FROM ico_src s "
                    "JOIN ico_line_map m ON m.k = s.rowid")
        con.unregister("ico_line_map")
        line_sql = "line"
    con.execute(f"CREATE OR REPLACE TEMP TABLE ico_stage AS SELECT CAST({line_sql} AS BIGINT) AS line, "
                f"{_trimmed(width)} FROM ico_src")
    con.execute("DROP TABLE ico_src")
    scan.empty_lines = empty_after_header
    return scan, names


def _record_lines(path: Path) -> np.ndarray:
    """Start line of each non-empty record, for files whose quoted values span lines (rare; slow path)."""
    starts = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        line_before = 0
        for record in reader:
            if reader.line_num == 1:
                line_before = 1
                continue
            if record:
                starts.append(line_before + 1)
            line_before = reader.line_num
    return np.array(starts, dtype=np.int64)


def _csv_error(path: Path, exc: Exception, width: int) -> SourceError:
    text = str(exc)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    original = re.search(r"Original Line: ?(.*)", text)
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    row = int(line.group(1)) if line else None
    value = original.group(1) if original else None
    if found:
        return SourceError(path, f"Row has {found.group(2)} field(s) where the header has {width}", row=row, value=value)
    first = text.splitlines()[0] if text else type(exc).__name__
    return SourceError(path, f"The CSV cannot be parsed ({first})", row=row, value=value)


def _trimmed(width: int) -> str:
    """Select list for the staging table: trimmed text, NULL for empty cells, and whether the whole row is blank."""
    cells = [f"nullif(trim(c{i}), '')" for i in range(1, width + 1)]
    return ", ".join(f"{c} AS c{i}" for i, c in enumerate(cells, start=1)) + \
        ", (" + " AND ".join(f"{c} IS NULL" for c in cells) + ") AS blank"


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def _stage_xlsx(con, path: Path) -> tuple[_Scan, list[str]]:
    import openpyxl

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(block)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise SourceError(path, f"Not a readable XLSX workbook: it is truncated or damaged ({type(exc).__name__}: "
                          f"{str(exc)[:120]})") from None
    try:
        if voc.ICO_SHEET not in book.sheetnames:
            raise SourceError(path, f"No worksheet named '{voc.ICO_SHEET}'; the workbook has "
                              + ", ".join(repr(s) for s in book.sheetnames))
        sheet = book[voc.ICO_SHEET]
        try:
            rows = sheet.iter_rows(min_row=1, values_only=True)
            header = next(rows, None)
            if header is None or all(c is None for c in header):
                raise SourceError(path, "The worksheet 'in' is empty; expected a header row and data rows", row=1)
            names = _header(path, list(header))
            width = len(header)
            columns: list[list] = [[] for _ in range(width)]
            lines: list[int] = []
            for number, row in enumerate(rows, start=2):
                lines.append(number)
                for i in range(width):
                    columns[i].append(_cell_text(row[i]) if i < len(row) else None)
        except (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError) as exc:
            raise SourceError(path, f"The worksheet cannot be read: the workbook is truncated or damaged "
                              f"({type(exc).__name__}: {str(exc)[:120]})") from None
    finally:
        book.close()
    table = pa.table({"line": pa.array(lines, pa.int64()),
                      **{f"c{i + 1}": pa.array(columns[i], pa.string()) for i in range(width)}})
    con.register("ico_xlsx", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE ico_stage AS SELECT line, {_trimmed(width)} FROM ico_xlsx")
    con.unregister("ico_xlsx")
    return _Scan(digest.hexdigest(), path.stat().st_size, len(lines) + 1, []), names


# ---------------------------------------------------------------------------------------------------------------
# Validation and the warehouse tables.

_PROBLEMS = {
    "bi_empty": ("bi_reference", "BI Reference is empty"),
    "bi_bad": ("bi_reference", "Not a BI Reference (expected 'BI' followed by digits, e.g. 'BI12345')"),
    "year_empty": ("year", "Year is empty"),
    "year_nan": ("year", "Year is not a whole number"),
    "year_range": ("year", "Year is out of range (expected {first} to {last})"),
    "quarter_bad": ("quarter", "Unknown quarter label (expected 'Qtr 1', 'Qtr 2', 'Qtr 3' or 'Qtr 4')"),
}


def _validate(con, path: Path, col: dict[str, str]) -> None:
    """Raise on the first offending row (in file order), saying how many rows share a problem."""
    last_year = dt.date.today().year
    checks = [
        f"WHEN {col['bi_reference']} IS NULL THEN 'bi_empty'",
        f"WHEN NOT regexp_full_match({col['bi_reference']}, $4) THEN 'bi_bad'",
        f"WHEN {col['year']} IS NULL THEN 'year_empty'",
        f"WHEN NOT regexp_full_match({col['year']}, $5) THEN 'year_nan'",  # TRY_CAST would round '2019.5'
        f"WHEN TRY_CAST({col['year']} AS INTEGER) NOT BETWEEN $2 AND $3 THEN 'year_range'",
        f"WHEN {col['quarter']} IS NULL OR NOT list_contains($1, {col['quarter']}) THEN 'quarter_bad'",
    ] + [f"WHEN {col[name]} IS NULL THEN 'empty:{name}'" for name in _WAREHOUSE_COLUMNS
         if name not in ("bi_reference", "year", "quarter")]
    found = con.execute(
        f"SELECT line, problem, count(*) OVER () FROM (SELECT line, CASE {' '.join(checks)} END AS problem "
        "FROM ico_stage WHERE NOT blank) WHERE problem IS NOT NULL ORDER BY line LIMIT 1",
        [list(voc.QUARTER_LABELS), voc.FIRST_YEAR, last_year, BI_REFERENCE_PATTERN, "^[0-9]{1,9}$"]).fetchall()
    if not found:
        return
    line, problem, how_many = found[0]
    if problem.startswith("empty:"):
        name = problem.split(":", 1)[1]
        text = ("Empty value (the ICO writes 'Unknown', 'Unassigned' or 'Not Provided' for missing information, "
                "so an empty cell means a damaged file)")
    else:
        name, text = _PROBLEMS[problem]
        text = text.format(first=voc.FIRST_YEAR, last=last_year)
    value = con.execute(f"SELECT {col[name]} FROM ico_stage WHERE line = $1", [line]).fetchall()[0][0]
    more = f"; {how_many - 1} more row(s) have problems" if how_many > 1 else ""
    raise SourceError(path, text + more, row=int(line), column=_SOURCE_NAME[name], value=value)


def load(con: duckdb.DuckDBPyConnection, path: Path) -> IcoLoad:
    """Validate the release at `path` and insert its rows, incidents and bridges into the schema tables in `con`.

    Column identifiers in the SQL below come only from this module's fixed lists (c1..cN are positions in the file);
    values are bound parameters.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "File not found (or not a regular file)")
    with open(path, "rb") as fh:
        magic = fh.read(4)
    is_xlsx = magic == ZIP_MAGIC
    if path.suffix.lower() in (".xlsx", ".xlsm") and not is_xlsx:
        raise SourceError(path, "Not an XLSX workbook: the file does not start with the zip signature (it is empty, "
                          "truncated or another format)", value=magic)
    scan, names = _stage_xlsx(con, path) if is_xlsx else _stage_csv(con, path)
    result = IcoLoad(file=path, file_format="xlsx" if is_xlsx else "csv", sha256=scan.sha256)
    result.ignored_columns = [n for n in names if n and n not in voc.ICO_COLUMNS]
    col = {voc.ICO_COLUMNS[n]: f"c{names.index(n) + 1}" for n in voc.ICO_COLUMNS}

    records, blank, first_blank = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE blank), min(line) FILTER (WHERE blank) FROM ico_stage").fetchall()[0]
    result.rows_read = records + len(scan.empty_lines)
    if records - blank == 0:
        raise SourceError(path, "The file has a header row but no data rows", row=1)
    _validate(con, path, col)
    if blank + len(scan.empty_lines):
        first = min([n for n in (first_blank, *scan.empty_lines) if n is not None])
        result.rejected["blank row"] = {"rows": blank + len(scan.empty_lines), "first_row": int(first)}

    all_cols = ", ".join(col[name] for name in _WAREHOUSE_COLUMNS)
    text_cols = ", ".join(f"{col[n]} AS {n}" for n in _WAREHOUSE_COLUMNS if n not in ("year", "quarter"))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE ico_checked AS
        SELECT line, {text_cols}, CAST({col['year']} AS INTEGER) AS year,
               CAST(list_position($1, {col['quarter']}) AS INTEGER) AS quarter,
               row_number() OVER (PARTITION BY {all_cols} ORDER BY line) > 1 AS duplicate
        FROM ico_stage WHERE NOT blank""", [list(voc.QUARTER_LABELS)])
    con.execute("DROP TABLE ico_stage")
    dup = con.execute("SELECT count(*), min(line) FROM ico_checked WHERE duplicate").fetchall()[0]
    if dup[0]:
        result.rejected["exact duplicate of an earlier row"] = {"rows": dup[0], "first_row": int(dup[1])}
    con.execute("""
        CREATE OR REPLACE TEMP TABLE ico_valid AS
        SELECT * EXCLUDE (duplicate), bi_reference || '/' || year || '/Q' || quarter AS incident_id
        FROM ico_checked WHERE NOT duplicate""")
    con.execute("DROP TABLE ico_checked")

    con.execute("""
        INSERT INTO ico_rows SELECT line, incident_id, bi_reference, year, quarter, data_subject_type, data_type,
               decision, incident_category, incident_type, subjects_band, sector, time_to_report
        FROM ico_valid ORDER BY line""")
    result.rows_kept = con.execute("SELECT count(*) FROM ico_valid").fetchall()[0][0]

    # One resolved value per single-valued column: most rows wins, ties go to the earliest row.
    for name in SINGLE_VALUED:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE ico_pick_{name} AS
            SELECT incident_id, {name} AS value, n_values FROM (
                SELECT incident_id, {name}, count(*) OVER (PARTITION BY incident_id) AS n_values,
                       row_number() OVER (PARTITION BY incident_id ORDER BY count(*) DESC, min(line)) AS pick
                FROM ico_valid GROUP BY incident_id, {name})
            WHERE pick = 1""")
        result.conflicts[_SOURCE_NAME[name]] = con.execute(
            f"SELECT count(*) FROM ico_pick_{name} WHERE n_values > 1").fetchall()[0][0]
    joins = " ".join(f"JOIN ico_pick_{n} USING (incident_id)" for n in SINGLE_VALUED)
    picks = ", ".join(f"ico_pick_{n}.value" for n in SINGLE_VALUED)
    conflict = " OR ".join(f"ico_pick_{n}.n_values > 1" for n in SINGLE_VALUED)
    con.execute(f"""
        INSERT INTO incident_facts (incident_id, bi_reference, year, quarter, period_start, comparable,
               {', '.join(SINGLE_VALUED)}, source_rows, had_conflict)
        SELECT k.incident_id, k.bi_reference, k.year, k.quarter, make_date(k.year, (k.quarter - 1) * 3 + 1, 1),
               k.year > $1 OR (k.year = $1 AND k.quarter >= $2), {picks}, k.source_rows, {conflict}
        FROM (SELECT incident_id, any_value(bi_reference) AS bi_reference, any_value(year) AS year,
                     any_value(quarter) AS quarter, count(*) AS source_rows, min(line) AS first_line
              FROM ico_valid GROUP BY incident_id) k
        {joins}
        ORDER BY k.year, k.quarter, k.first_line""", list(voc.FIRST_COMPARABLE))
    for name in SINGLE_VALUED:
        con.execute(f"DROP TABLE ico_pick_{name}")
    con.execute("INSERT INTO incident_data_subjects SELECT DISTINCT incident_id, data_subject_type FROM ico_valid")
    con.execute("INSERT INTO incident_data_types SELECT DISTINCT incident_id, data_type FROM ico_valid")

    for name, known in voc.KNOWN_VALUES.items():
        for value, rows in con.execute(
                f"SELECT {name}, count(*) FROM ico_valid WHERE NOT list_contains($1, {name}) "
                f"GROUP BY {name} ORDER BY count(*) DESC, {name}", [list(known)]).fetchall():
            result.unknown_values.append({"column": _SOURCE_NAME[name], "value": value, "rows": rows})
    con.execute("DROP TABLE ico_valid")

    by_quarter = con.execute(
        "SELECT year, quarter, count(*), bool_and(comparable) FROM incident_facts GROUP BY year, quarter "
        "ORDER BY year, quarter").fetchall()
    result.incidents_by_quarter = [{"year": y, "quarter": q, "incidents": n, "comparable": c}
                                   for y, q, n, c in by_quarter]
    result.incidents = sum(n for _, _, n, _ in by_quarter)
    result.latest_quarter = (by_quarter[-1][0], by_quarter[-1][1]) if by_quarter else None
    return result
