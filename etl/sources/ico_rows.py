"""The ICO row-level release ("Data security incident trends"), CSV or XLSX (sheet `in`).

The file has one row per Data Subject Type x Data Type of a report; an incident is BI Reference + Year + Quarter.
`load(con, path)` validates the file and fills ico_rows, incident_facts and the two bridge tables in `con`.
The heavy lifting is set-based SQL in DuckDB so 18M rows cost no Python loop: each check is one scan that keeps only
the first offending row, and the incidents come from one GROUP BY. Python only reads the raw CSV bytes in large
blocks (sha256, encoding, NUL bytes, empty lines); XLSX sheets are read by calamine (Rust).

Rules (documented in the load report):
- Values are trimmed of spaces; an empty cell is an error, because the ICO writes 'Unknown', 'Unassigned' or
  'Not Provided' for missing information (those are kept as real values).
- Fully blank rows and exact duplicate rows are rejected and counted with their reason; nothing else is dropped.
  (Duplicates are compared after Year is read as a number, so '2019' and '02019' are the same year.)
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
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.errors import SourceError
from govdata import quarters, vocabulary as voc

SOURCE = "ico_rows"
CONFLICT_RULE = "most frequent value across the incident's rows; ties go to the value on the earliest row"
SINGLE_VALUED = ("sector", "incident_category", "incident_type", "subjects_band", "time_to_report", "decision")
BI_REFERENCE_PATTERN = "^BI[0-9]+$"
YEAR_PATTERN = "^[0-9]{1,9}$"   # TRY_CAST alone would round '2019.5'
ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 8 * 1024 * 1024
_WAREHOUSE_COLUMNS = tuple(voc.ICO_COLUMNS.values())
_SOURCE_NAME = {v: k for k, v in voc.ICO_COLUMNS.items()}
_UTF8_HINT = "Save it as 'CSV UTF-8' and build again."


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
            "latest_quarter": quarters.stored(*self.latest_quarter) if self.latest_quarter else None,
        }


# ---------------------------------------------------------------------------------------------------------------
# Reading the file into a staging table `ico_stage(c1..cN)` of trimmed text (NULL for empty cells), seen through the
# view `ico_cells(line, c1..cN)` that adds each record's line in the file.

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
    """One pass over the bytes in large blocks: hash, UTF-8 check, NUL bytes, line count and the empty lines DuckDB
    will skip. Every test is a C-level bytes method, so a 3 GB file costs about as much as hashing it."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    newlines = 0
    empty: list[int] = []
    offset = 0          # bytes read before `chunk`
    tail = b""          # last two bytes of the previous chunk: an empty line can straddle two chunks
    with open(path, "rb", buffering=0) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if offset == 0:
                if chunk[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                    raise SourceError(path, "The file is UTF-16 encoded (byte-order mark at byte 0); expected UTF-8",
                                      row=1, hint=_UTF8_HINT)
                head = chunk[:4096]
                if head.count(b"\x00") > len(head) // 4:
                    raise SourceError(path, "The file looks UTF-16 encoded (every other byte is NUL); expected UTF-8",
                                      row=1, hint=_UTF8_HINT)
            if not chunk:
                break
            digest.update(chunk)
            nul = chunk.find(b"\x00")
            if nul >= 0:
                where = offset + nul
                raise SourceError(path, f"NUL byte at byte offset {where}: the file is binary or truncated, not CSV text",
                                  row=_line_at(path, where))
            # Pure-ASCII blocks are valid UTF-8: decode only blocks with other bytes (or a character split across).
            pending = decoder.getstate()[0]
            if pending or not chunk.isascii():
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:   # exc.object is the pending bytes + this chunk
                    where = offset - len(pending) + exc.start
                    bad = exc.object[exc.start:exc.start + 4]
                    raise SourceError(path, f"Bytes at offset {where} are not valid UTF-8 (the file may be Latin-1 "
                                      "or Windows-1252 encoded)", row=_line_at(path, where), value=bad,
                                      hint=_UTF8_HINT) from None
            newlines = _empty_lines(chunk, tail, newlines, offset == 0, empty)
            tail = (tail + chunk)[-2:] if len(chunk) < 2 else chunk[-2:]
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise SourceError(path, f"The file ends in the middle of a UTF-8 character (byte offset {offset}): it is "
                          "truncated or not UTF-8", row=newlines + 1) from None
    lines = newlines + (1 if tail and tail[-1:] != b"\n" else 0)
    return _Scan(digest.hexdigest(), offset, lines, empty)


def _empty_lines(chunk: bytes, tail: bytes, lines_before: int, at_start: bool, out: list[int]) -> int:
    """Append the numbers of empty lines starting in `chunk` (a line is empty when it holds nothing, or only '\\r');
    return the count of newlines up to the end of `chunk`. `tail` is the end of the previous chunk."""
    starts_empty = chunk.startswith(b"\n") or chunk.startswith(b"\r\n")
    if (at_start and starts_empty) or (tail.endswith(b"\n") and starts_empty) or \
            (tail.endswith(b"\n\r") and chunk.startswith(b"\n")):
        out.append(lines_before + 1)
    positions = []
    for pattern in (b"\n\n", b"\n\r\n"):
        start = chunk.find(pattern)
        while start >= 0:
            positions.append(start)
            start = chunk.find(pattern, start + 1)
    counted_to, count = 0, lines_before
    for pos in sorted(positions):
        count += chunk.count(b"\n", counted_to, pos + 1)
        counted_to = pos + 1
        out.append(count + 1)   # the empty line follows the newline at `pos`
    return count + chunk.count(b"\n", counted_to)


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


def _trimmed(width: int) -> str:
    """Select list for the staging table: text without surrounding spaces, NULL for empty cells. trim() is only
    called on the rare value that needs it (it costs five times the test)."""
    def cell(c: str) -> str:
        return f"nullif(CASE WHEN starts_with({c}, ' ') OR ends_with({c}, ' ') THEN trim({c}) ELSE {c} END, '')"
    return ", ".join(f"{cell(f'c{i}')} AS c{i}" for i in range(1, width + 1))


def _stage_csv(con, path: Path) -> tuple[_Scan, list[str], int]:
    scan = _scan_csv(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        first_line = fh.readline()
    if scan.size == 0 or not first_line.strip() and scan.lines <= 1:
        raise SourceError(path, "The file is empty; expected a header row and data rows")
    names = _header(path, next(csv.reader([first_line]), []))
    width = len(next(csv.reader([first_line])))
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, width + 1)) + "}"
    try:
        # Insertion order is preserved (DuckDB's default), so rowid is the record's position in the file.
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE ico_stage AS SELECT {_trimmed(width)} FROM read_csv($1, header = false, "
            "skip = 1, auto_detect = false, delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
            f"columns = {columns})", [str(path)])
    except duckdb.Error as exc:
        raise _csv_error(path, exc, width) from None
    records = con.execute("SELECT count(*) FROM ico_stage").fetchall()[0][0]
    empty_after_header = [n for n in scan.empty_lines if n > 1]
    expected = scan.lines - 1 - len(empty_after_header)
    if records == expected and not empty_after_header:
        con.execute("CREATE OR REPLACE TEMP VIEW ico_cells AS SELECT rowid + 2 AS line, * FROM ico_stage")
    else:
        # Empty lines or values spanning lines: map each record to its first line (rare; small files in practice).
        lines = _lines_without(scan.lines, empty_after_header) if records == expected else _record_lines(path)
        if len(lines) != records:
            raise SourceError(path, f"Could not match {records} CSV records to lines of the file")
        con.execute("CREATE OR REPLACE TEMP TABLE ico_line_map (k BIGINT, line BIGINT)")
        con.executemany("INSERT INTO ico_line_map VALUES ($1, $2)", list(enumerate(lines)))
        con.execute("CREATE OR REPLACE TEMP TABLE ico_stage AS SELECT m.line, s.* FROM ico_stage s "
                    "JOIN ico_line_map m ON m.k = s.rowid ORDER BY m.line")
        con.execute("DROP TABLE ico_line_map")
        con.execute("CREATE OR REPLACE TEMP VIEW ico_cells AS SELECT * FROM ico_stage")
    scan.empty_lines = empty_after_header
    return scan, names, width


def _lines_without(last: int, skipped: list[int]) -> list[int]:
    skip = set(skipped)
    return [n for n in range(2, last + 1) if n not in skip]


def _record_lines(path: Path) -> list[int]:
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
    return starts


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


def _cell_text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _stage_xlsx(con, path: Path) -> tuple[_Scan, list[str], int]:
    import pyarrow as pa
    from python_calamine import CalamineWorkbook

    digest = hashlib.sha256()
    with open(path, "rb", buffering=0) as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(block)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:   # calamine raises zip/XML/its own errors for a damaged workbook
        raise SourceError(path, f"Not a readable XLSX workbook: it is truncated or damaged ({type(exc).__name__}: "
                          f"{str(exc)[:120]})") from None
    try:
        if voc.ICO_SHEET not in book.sheet_names:
            raise SourceError(path, f"No worksheet named '{voc.ICO_SHEET}'; the workbook has "
                              + ", ".join(repr(s) for s in book.sheet_names))
        try:
            # skip_empty_area=False keeps list index == sheet row - 1 even when the top rows are empty.
            rows = book.get_sheet_by_name(voc.ICO_SHEET).to_python(skip_empty_area=False)
        except Exception as exc:
            raise SourceError(path, f"The worksheet cannot be read: the workbook is truncated or damaged "
                              f"({type(exc).__name__}: {str(exc)[:120]})") from None
    finally:
        book.close()
    if not rows or all(c in (None, "") for c in rows[0]):
        raise SourceError(path, "The worksheet 'in' is empty; expected a header row and data rows", row=1)
    names = _header(path, list(rows[0]))
    width = len(rows[0])
    body = rows[1:]
    columns = {f"c{i + 1}": pa.array([_cell_text(r[i]) if i < len(r) else None for r in body], pa.string())
               for i in range(width)}
    table = pa.table({"line": pa.array(range(2, len(body) + 2), pa.int64()), **columns})
    con.register("ico_xlsx", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE ico_stage AS SELECT line, {_trimmed(width)} FROM ico_xlsx")
    con.unregister("ico_xlsx")
    con.execute("CREATE OR REPLACE TEMP VIEW ico_cells AS SELECT * FROM ico_stage")
    return _Scan(digest.hexdigest(), path.stat().st_size, len(body) + 1, []), names, width


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


def _problem_cases(col: dict[str, str]) -> list[str]:
    """CASE branches naming a row's first problem; parameters: $1 quarter labels, $2/$3 year range, $4/$5 patterns."""
    return [
        f"WHEN {col['bi_reference']} IS NULL THEN 'bi_empty'",
        f"WHEN NOT regexp_full_match({col['bi_reference']}, $4) THEN 'bi_bad'",
        f"WHEN {col['year']} IS NULL THEN 'year_empty'",
        f"WHEN NOT regexp_full_match({col['year']}, $5) THEN 'year_nan'",
        f"WHEN TRY_CAST({col['year']} AS INTEGER) NOT BETWEEN $2 AND $3 THEN 'year_range'",
        f"WHEN {col['quarter']} IS NULL OR NOT list_contains($1, {col['quarter']}) THEN 'quarter_bad'",
    ] + [f"WHEN {col[name]} IS NULL THEN 'empty:{name}'" for name in _WAREHOUSE_COLUMNS
         if name not in ("bi_reference", "year", "quarter")]


def _check_rows(con, path: Path, col: dict[str, str], width: int) -> tuple[int, int, int | None]:
    """One scan: (records, blank records, first blank line). Raises on the first offending row (in file order),
    saying how many rows share a problem."""
    last_year = dt.date.today().year
    params = [list(voc.QUARTER_LABELS), voc.FIRST_YEAR, last_year, BI_REFERENCE_PATTERN, YEAR_PATTERN]
    blank = " AND ".join(f"c{i} IS NULL" for i in range(1, width + 1))
    problem = f"CASE {' '.join(_problem_cases(col))} END IS NOT NULL"
    records, blanks, first_blank, bad, first_bad = con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE blank), min(line) FILTER (WHERE blank),
               count(*) FILTER (WHERE NOT blank AND bad), min(line) FILTER (WHERE NOT blank AND bad)
        FROM (SELECT line, {blank} AS blank, {problem} AS bad FROM ico_cells)""", params).fetchall()[0]
    if not bad:
        return records, blanks, first_blank
    found = con.execute(f"SELECT CASE {' '.join(_problem_cases(col))} END FROM ico_cells WHERE line = $6",
                        params + [first_bad]).fetchall()[0][0]
    if found.startswith("empty:"):
        name = found.split(":", 1)[1]
        text = ("Empty value (the ICO writes 'Unknown', 'Unassigned' or 'Not Provided' for missing information, "
                "so an empty cell means a damaged file)")
    else:
        name, text = _PROBLEMS[found]
        text = text.format(first=voc.FIRST_YEAR, last=last_year)
    value = con.execute(f"SELECT {col[name]} FROM ico_cells WHERE line = $1", [first_bad]).fetchall()[0][0]
    more = f"; {bad - 1} more row(s) have problems" if bad > 1 else ""
    raise SourceError(path, text + more, row=int(first_bad), column=_SOURCE_NAME[name], value=value)


def _reject_duplicates(con, result: IcoLoad) -> None:
    """Delete rows that repeat an earlier row exactly. A 64-bit hash of each row finds the candidates in one cheap
    GROUP BY; candidates are then compared column by column, so a hash collision cannot drop a row."""
    cols = ", ".join(_WAREHOUSE_COLUMNS)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE ico_dup_hashes AS
        SELECT h FROM (SELECT hash({cols}) AS h FROM ico_rows) GROUP BY h HAVING count(*) > 1""")
    if con.execute("SELECT count(*) FROM ico_dup_hashes").fetchall()[0][0]:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE ico_dups AS
            SELECT source_row FROM (
                SELECT source_row, row_number() OVER (PARTITION BY {cols} ORDER BY source_row) AS copy
                FROM ico_rows WHERE hash({cols}) IN (SELECT h FROM ico_dup_hashes))
            WHERE copy > 1""")
        rows, first = con.execute("SELECT count(*), min(source_row) FROM ico_dups").fetchall()[0]
        if rows:
            con.execute("DELETE FROM ico_rows WHERE source_row IN (SELECT source_row FROM ico_dups)")
            result.rejected["exact duplicate of an earlier row"] = {"rows": rows, "first_row": int(first)}
        con.execute("DROP TABLE ico_dups")
    con.execute("DROP TABLE ico_dup_hashes")


def _value_counts(con) -> dict[str, list[tuple[str, int]]]:
    """Rows per value of every categorical column, from one scan (GROUPING SETS)."""
    names = list(voc.KNOWN_VALUES)
    sets = ", ".join(f"({n})" for n in names)
    which = ", ".join(f"GROUPING({n})" for n in names)
    out: dict[str, list[tuple[str, int]]] = {n: [] for n in names}
    for row in con.execute(f"SELECT {', '.join(names)}, count(*), [{which}] FROM ico_rows "
                           f"GROUP BY GROUPING SETS ({sets})").fetchall():
        grouped = row[-1].index(0)   # GROUPING() is 0 for the column this row is grouped by
        out[names[grouped]].append((row[grouped], row[-2]))
    return out


def _code(name: str) -> str:
    """A 32-bit code for a categorical value: keeps the per-incident aggregate state small (no text in it)."""
    return f"CAST(hash({name}) >> 32 AS UINTEGER)"


def _dictionaries(con, value_counts: dict[str, list[tuple[str, int]]]) -> list[str]:
    """A (code, value) table per single-valued column; returns the columns whose codes are all distinct. A column
    where two values ever shared a code is aggregated as text instead (exact, just slower)."""
    coded = []
    for name in SINGLE_VALUED:
        con.execute(f"CREATE OR REPLACE TEMP TABLE ico_dict_{name} AS SELECT {_code('v')} AS code, v AS value "
                    "FROM unnest($1::VARCHAR[]) AS t(v)", [[v for v, _ in value_counts[name]]])
        if con.execute(f"SELECT count(DISTINCT code) = count(*) FROM ico_dict_{name}").fetchall()[0][0]:
            coded.append(name)
        else:
            con.execute(f"DROP TABLE ico_dict_{name}")
    return coded


def _fill_incidents(con, result: IcoLoad, value_counts: dict[str, list[tuple[str, int]]]) -> None:
    """incident_facts from one GROUP BY over ico_rows (keyed on BI Reference, Year, Quarter, with each single-valued
    column as min/max of its code); only incidents whose rows disagree are then resolved row by row."""
    coded = _dictionaries(con, value_counts)
    states = []
    for n in SINGLE_VALUED:
        if n in coded:
            states.append(f"min({_code(n)}) AS v_{n}, min({_code(n)}) <> max({_code(n)}) AS conflict_{n}")
        else:
            states.append(f"any_value({n}) AS v_{n}, min({n}) <> max({n}) AS conflict_{n}")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE ico_incidents AS
        SELECT bi_reference || '/' || year || '/Q' || quarter AS incident_id, * FROM (
            SELECT bi_reference, year, quarter, count(*) AS source_rows, min(source_row) AS first_line,
                   {', '.join(states)}
            FROM ico_rows GROUP BY bi_reference, year, quarter)""")
    counts = con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE conflict_{n})" for n in SINGLE_VALUED)
                         + " FROM ico_incidents").fetchall()[0]
    result.conflicts = {_SOURCE_NAME[n]: int(c) for n, c in zip(SINGLE_VALUED, counts)}
    conflicted = [n for n, c in zip(SINGLE_VALUED, counts) if c]
    if conflicted:
        any_conflict = " OR ".join(f"conflict_{n}" for n in conflicted)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE ico_conflict_rows AS
            SELECT * FROM ico_rows WHERE incident_id IN (SELECT incident_id FROM ico_incidents WHERE {any_conflict})""")
        for name in conflicted:
            # Most rows wins, ties go to the earliest row.
            con.execute(f"""
                CREATE OR REPLACE TEMP TABLE ico_pick_{name} AS
                SELECT incident_id, {name} AS value FROM (
                    SELECT incident_id, {name},
                           row_number() OVER (PARTITION BY incident_id ORDER BY count(*) DESC, min(source_row)) AS pick
                    FROM ico_conflict_rows GROUP BY incident_id, {name})
                WHERE pick = 1""")
    values, joins = [], []
    for n in SINGLE_VALUED:
        value = f"d_{n}.value" if n in coded else f"f.v_{n}"
        if n in coded:
            joins.append(f"JOIN ico_dict_{n} AS d_{n} ON d_{n}.code = f.v_{n}")
        if n in conflicted:
            joins.append(f"LEFT JOIN ico_pick_{n} AS p_{n} ON p_{n}.incident_id = f.incident_id")
            value = f"coalesce(p_{n}.value, {value})"
        values.append(value)
    had_conflict = " OR ".join(f"f.conflict_{n}" for n in SINGLE_VALUED)
    con.execute(f"""
        INSERT INTO incident_facts (incident_id, bi_reference, year, quarter, period_start, comparable,
               {', '.join(SINGLE_VALUED)}, source_rows, had_conflict)
        SELECT f.incident_id, f.bi_reference, f.year, f.quarter, make_date(f.year, (f.quarter - 1) * 3 + 1, 1),
               f.year > $1 OR (f.year = $1 AND f.quarter >= $2), {', '.join(values)}, f.source_rows, {had_conflict}
        FROM ico_incidents AS f {' '.join(joins)}
        ORDER BY f.year, f.quarter, f.first_line""", list(voc.FIRST_COMPARABLE))
    for name in conflicted:
        con.execute(f"DROP TABLE ico_pick_{name}")
    if conflicted:
        con.execute("DROP TABLE ico_conflict_rows")
    for name in coded:
        con.execute(f"DROP TABLE ico_dict_{name}")
    con.execute("DROP TABLE ico_incidents")


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
    scan, names, width = _stage_xlsx(con, path) if is_xlsx else _stage_csv(con, path)
    result = IcoLoad(file=path, file_format="xlsx" if is_xlsx else "csv", sha256=scan.sha256)
    result.ignored_columns = [n for n in names if n and n not in voc.ICO_COLUMNS]
    col = {voc.ICO_COLUMNS[n]: f"c{names.index(n) + 1}" for n in voc.ICO_COLUMNS}

    records, blank, first_blank = _check_rows(con, path, col, width)
    result.rows_read = records + len(scan.empty_lines)
    if records - blank == 0:
        raise SourceError(path, "The file has a header row but no data rows", row=1)
    if blank + len(scan.empty_lines):
        first = min([n for n in (first_blank, *scan.empty_lines) if n is not None])
        result.rejected["blank row"] = {"rows": blank + len(scan.empty_lines), "first_row": int(first)}

    # Every non-blank row is valid now; a blank row is the only kind without a BI Reference.
    text_cols = {n: col[n] for n in _WAREHOUSE_COLUMNS if n not in ("year", "quarter")}
    con.execute(f"""
        INSERT INTO ico_rows
        SELECT line, {text_cols['bi_reference']} || '/' || year || '/Q' || quarter, {text_cols['bi_reference']},
               year, quarter, {', '.join(text_cols[n] for n in _WAREHOUSE_COLUMNS[3:])}
        FROM (SELECT *, CAST({col['year']} AS INTEGER) AS year,
                     CAST(list_position($1, {col['quarter']}) AS INTEGER) AS quarter
              FROM ico_cells WHERE {col['bi_reference']} IS NOT NULL)""", [list(voc.QUARTER_LABELS)])
    con.execute("DROP VIEW ico_cells")
    con.execute("DROP TABLE ico_stage")   # frees the staging copy before the aggregates run
    _reject_duplicates(con, result)
    result.rows_kept = con.execute("SELECT count(*) FROM ico_rows").fetchall()[0][0]

    value_counts = _value_counts(con)
    for name, known in voc.KNOWN_VALUES.items():
        unknown = sorted(((v, n) for v, n in value_counts[name] if v not in known), key=lambda item: (-item[1], item[0]))
        result.unknown_values += [{"column": _SOURCE_NAME[name], "value": v, "rows": n} for v, n in unknown]
    _fill_incidents(con, result, value_counts)
    con.execute("INSERT INTO incident_data_subjects SELECT DISTINCT incident_id, data_subject_type FROM ico_rows")
    con.execute("INSERT INTO incident_data_types SELECT DISTINCT incident_id, data_type FROM ico_rows")

    by_quarter = con.execute(
        "SELECT year, quarter, count(*), bool_and(comparable) FROM incident_facts GROUP BY year, quarter "
        "ORDER BY year, quarter").fetchall()
    result.incidents_by_quarter = [{"year": y, "quarter": q, "incidents": n, "comparable": c}
                                   for y, q, n, c in by_quarter]
    result.incidents = sum(n for _, _, n, _ in by_quarter)
    result.latest_quarter = (by_quarter[-1][0], by_quarter[-1][1]) if by_quarter else None
    return result
