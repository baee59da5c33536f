"""The ICO row-level release ("Data security incident trends"), CSV or XLSX (sheet `in`).

The file has one row per Data Subject Type x Data Type of a report; an incident is BI Reference + Year + Quarter.
`load(con, path)` validates the file and fills ico_rows, incident_facts and the two bridge tables in `con`.
The file is first staged as text by etl.sources.ico_staging (header checked, every record with its line; the
raw bytes scanned once by etl.sources.csv_bytes; XLSX sheets read by calamine). This module holds the incident
rules: set-based SQL in DuckDB so 18M rows cost no Python loop, each check one scan that keeps only the first
offending row, and the incidents from one GROUP BY.

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

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.errors import SourceError
from etl.sources import ico_staging
from govdata import quarters
from govdata import vocabulary as voc

SOURCE = "ico_rows"
CONFLICT_RULE = "most frequent value across the incident's rows; ties go to the value on the earliest row"
SINGLE_VALUED = ("sector", "incident_category", "incident_type", "subjects_band", "time_to_report", "decision")
BI_REFERENCE_PATTERN = "^BI[0-9]+$"
YEAR_PATTERN = "^[0-9]{1,9}$"  # TRY_CAST alone would round '2019.5'
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
    rejected: dict[str, dict] = field(default_factory=dict)  # reason -> {"rows": n, "first_row": line}
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
            "file": str(self.file),
            "format": self.file_format,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_rejected": self.rows_rejected,
            "rejected": self.rejected,
            "incidents": self.incidents,
            "incidents_by_quarter": self.incidents_by_quarter,
            "conflict_rule": CONFLICT_RULE,
            "conflicts": self.conflicts,
            "unknown_values": self.unknown_values,
            "ignored_columns": self.ignored_columns,
            "latest_quarter": quarters.stored(*self.latest_quarter) if self.latest_quarter else None,
        }


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
    ] + [
        f"WHEN {col[name]} IS NULL THEN 'empty:{name}'"
        for name in _WAREHOUSE_COLUMNS
        if name not in ("bi_reference", "year", "quarter")
    ]


def _check_rows(con, path: Path, col: dict[str, str], width: int) -> tuple[int, int, int | None]:
    """One scan: (records, blank records, first blank line). Raises on the first offending row (in file order),
    saying how many rows share a problem."""
    last_year = dt.date.today().year
    params = [list(voc.QUARTER_LABELS), voc.FIRST_YEAR, last_year, BI_REFERENCE_PATTERN, YEAR_PATTERN]
    blank = " AND ".join(f"c{i} IS NULL" for i in range(1, width + 1))
    problem = f"CASE {' '.join(_problem_cases(col))} END IS NOT NULL"
    records, blanks, first_blank, bad, first_bad = con.execute(
        f"""
        SELECT count(*), count(*) FILTER (WHERE blank), min(line) FILTER (WHERE blank),
               count(*) FILTER (WHERE NOT blank AND bad), min(line) FILTER (WHERE NOT blank AND bad)
        FROM (SELECT line, {blank} AS blank, {problem} AS bad FROM ico_cells)""",
        params,
    ).fetchall()[0]
    if not bad:
        return records, blanks, first_blank
    found = con.execute(
        f"SELECT CASE {' '.join(_problem_cases(col))} END FROM ico_cells WHERE line = $6", params + [first_bad]
    ).fetchall()[0][0]
    if found.startswith("empty:"):
        name = found.split(":", 1)[1]
        text = (
            "Empty value (the ICO writes 'Unknown', 'Unassigned' or 'Not Provided' for missing information, "
            "so an empty cell means a damaged file)"
        )
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
    for row in con.execute(
        f"SELECT {', '.join(names)}, count(*), [{which}] FROM ico_rows GROUP BY GROUPING SETS ({sets})"
    ).fetchall():
        grouped = row[-1].index(0)  # GROUPING() is 0 for the column this row is grouped by
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
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE ico_dict_{name} AS SELECT {_code('v')} AS code, v AS value "
            "FROM unnest($1::VARCHAR[]) AS t(v)",
            [[v for v, _ in value_counts[name]]],
        )
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
                   {", ".join(states)}
            FROM ico_rows GROUP BY bi_reference, year, quarter)""")
    counts = con.execute(
        "SELECT " + ", ".join(f"count(*) FILTER (WHERE conflict_{n})" for n in SINGLE_VALUED) + " FROM ico_incidents"
    ).fetchall()[0]
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
    con.execute(
        f"""
        INSERT INTO incident_facts (incident_id, bi_reference, year, quarter, period_start, comparable,
               {", ".join(SINGLE_VALUED)}, source_rows, had_conflict)
        SELECT f.incident_id, f.bi_reference, f.year, f.quarter, make_date(f.year, (f.quarter - 1) * 3 + 1, 1),
               f.year > $1 OR (f.year = $1 AND f.quarter >= $2), {", ".join(values)}, f.source_rows, {had_conflict}
        FROM ico_incidents AS f {" ".join(joins)}
        ORDER BY f.year, f.quarter, f.first_line""",
        list(voc.FIRST_COMPARABLE),
    )
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
    is_xlsx, magic = ico_staging.is_xlsx(path)
    if path.suffix.lower() in (".xlsx", ".xlsm") and not is_xlsx:
        raise SourceError(
            path,
            "Not an XLSX workbook: the file does not start with the zip signature (it is empty, "
            "truncated or another format)",
            value=magic,
        )
    scan, names, width = ico_staging.stage(con, path, is_xlsx)
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
    con.execute(
        f"""
        INSERT INTO ico_rows
        SELECT line, {text_cols["bi_reference"]} || '/' || year || '/Q' || quarter, {text_cols["bi_reference"]},
               year, quarter, {", ".join(text_cols[n] for n in _WAREHOUSE_COLUMNS[3:])}
        FROM (SELECT *, CAST({col["year"]} AS INTEGER) AS year,
                     CAST(list_position($1, {col["quarter"]}) AS INTEGER) AS quarter
              FROM ico_cells WHERE {col["bi_reference"]} IS NOT NULL)""",
        [list(voc.QUARTER_LABELS)],
    )
    con.execute("DROP VIEW ico_cells")
    con.execute("DROP TABLE ico_stage")  # frees the staging copy before the aggregates run
    _reject_duplicates(con, result)
    result.rows_kept = con.execute("SELECT count(*) FROM ico_rows").fetchall()[0][0]

    value_counts = _value_counts(con)
    for name, known in voc.KNOWN_VALUES.items():
        unknown = sorted(
            ((v, n) for v, n in value_counts[name] if v not in known), key=lambda item: (-item[1], item[0])
        )
        result.unknown_values += [{"column": _SOURCE_NAME[name], "value": v, "rows": n} for v, n in unknown]
    _fill_incidents(con, result, value_counts)
    con.execute("INSERT INTO incident_data_subjects SELECT DISTINCT incident_id, data_subject_type FROM ico_rows")
    con.execute("INSERT INTO incident_data_types SELECT DISTINCT incident_id, data_type FROM ico_rows")

    by_quarter = con.execute(
        "SELECT year, quarter, count(*), bool_and(comparable) FROM incident_facts GROUP BY year, quarter "
        "ORDER BY year, quarter"
    ).fetchall()
    result.incidents_by_quarter = [
        {"year": y, "quarter": q, "incidents": n, "comparable": c} for y, q, n, c in by_quarter
    ]
    result.incidents = sum(n for _, _, n, _ in by_quarter)
    result.latest_quarter = (by_quarter[-1][0], by_quarter[-1][1]) if by_quarter else None
    return result
