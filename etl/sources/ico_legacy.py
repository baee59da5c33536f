"""The ICO's older quarterly spreadsheets: incident type x sector counts, one sheet per financial-year quarter.

Each sheet named like 'Q1 2019-2020' has sectors across the header row (plus 'Total') and incident types down the
first column, then one unlabeled grand-total row. `load(con, path)` melts every such sheet to long form in
legacy_incident_counts (blank cell = 0; the Total column and total row are checked, not stored) and reports any sheet
whose grand total differs from the sum of its cells. Financial Q1 (April-June) of 2019-20 is calendar 2019 Q2.

Incident category comes from the '(cyber)' / '(non-cyber)' suffix of the type label, else from the workbook's
'ICO Categories' sheet (its sub_category column); a type found in neither is an error.
Cells are read as cached values (the collated workbook's labels are formulas that Excel has evaluated).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from etl.errors import SourceError
from govdata import vocabulary as voc

SOURCE = "ico_legacy"
TITLE = "Data security incident trends: incident type by sector (older quarterly tables, collated)"
SHEET_PATTERN = re.compile(r"^Q([1-4])\s+(\d{4})\s*-\s*(\d{2}|\d{4})$")
SUFFIX_PATTERN = re.compile(r"\((non-cyber|cyber)\)\s*$", re.IGNORECASE)
CATEGORIES_SHEET = "ICO Categories"
TOTAL_LABEL = "total"


@dataclass
class LegacyLoad:
    file: Path
    sha256: str
    sheets: list[dict] = field(default_factory=list)  # {sheet, fy_label, fy_quarter, year, quarter, ...}
    skipped_sheets: list[str] = field(default_factory=list)
    mismatches: list[dict] = field(default_factory=list)  # grand total or row total differs from the cells
    unknown_sectors: list[str] = field(default_factory=list)
    rows_read: int = 0  # incident-type rows in the quarter sheets
    rows_kept: int = 0  # incident-type rows stored (all of them: a bad row stops the load)
    total_rows: int = 0  # unlabeled grand-total rows, checked against the cells and not stored
    cells: int = 0  # long rows written

    @property
    def rows_rejected(self) -> int:
        return 0  # total rows are checked and intentionally not stored; nothing is thrown away unread

    def report(self) -> dict:
        return {
            "file": str(self.file),
            "sheets": self.sheets,
            "skipped_sheets": self.skipped_sheets,
            "total_mismatches": self.mismatches,
            "unknown_sectors": self.unknown_sectors,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "total_rows_checked": self.total_rows,
            "cells": self.cells,
            "rule": "blank cell = 0; Total column and unlabeled total row checked against the cells, not stored",
        }


def _label(value) -> str:
    return "" if value is None else str(value).replace("\xa0", " ").strip()


def _count(path: Path, sheet: str, row: int, column: str, value) -> int:
    """A cell as a non-negative whole number; blank is 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().replace(",", "").isdigit():
        number = int(value.strip().replace(",", ""))
    else:
        number = None
    if number is None or number < 0:
        raise SourceError(
            path,
            "Expected a whole number of incidents (or a blank cell)",
            sheet=sheet,
            row=row,
            column=column,
            value=value,
        )
    return number


def _categories(book) -> dict[str, str]:
    """Incident type -> 'Cyber' / 'Non Cyber' from the 'ICO Categories' sheet, if the workbook has one."""
    if CATEGORIES_SHEET not in book.sheetnames:
        return {}
    rows = list(book[CATEGORIES_SHEET].iter_rows(values_only=True))
    if not rows:
        return {}
    header = [_label(c).lower() for c in rows[0]]
    if "category" not in header or "sub_category" not in header:
        return {}
    name_at, sub_at = header.index("category"), header.index("sub_category")
    out = {}
    for row in rows[1:]:
        name, sub = _label(row[name_at]), _label(row[sub_at]).lower()
        if name and sub:
            out[name] = "Non Cyber" if "non-cyber" in sub or "non cyber" in sub else "Cyber" if "cyber" in sub else ""
    return {k: v for k, v in out.items() if v}


def _fy(path: Path, sheet: str, match: re.Match) -> tuple[str, int, int, int, dt.date]:
    fy_quarter, start = int(match.group(1)), int(match.group(2))
    end = match.group(3)
    end_year = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
    if end_year != start + 1:
        raise SourceError(
            path, "Sheet name is not a financial year (the second year must follow the first)", sheet=sheet, value=sheet
        )
    # FY quarter 1 = April-June = calendar quarter 2 of the first year; FY Q4 = January-March of the second.
    year, quarter = (start, fy_quarter + 1) if fy_quarter < 4 else (start + 1, 1)
    return f"{start}-{str(start + 1)[2:]}", fy_quarter, year, quarter, dt.date(year, 3 * (quarter - 1) + 1, 1)


def load(con, path: Path) -> LegacyLoad:
    """Validate every quarter sheet of the workbook at `path` and insert the long rows into legacy_incident_counts."""
    import openpyxl

    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "File not found (or not a regular file)")
    raw = path.read_bytes()
    if not raw.startswith(b"PK\x03\x04"):
        raise SourceError(path, "Not an XLSX workbook: the file does not start with the zip signature", value=raw[:4])
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise SourceError(
            path, f"Not a readable XLSX workbook: it is truncated or damaged ({type(exc).__name__}: {str(exc)[:120]})"
        ) from None
    result = LegacyLoad(file=path, sha256=hashlib.sha256(raw).hexdigest())
    categories = _categories(book)
    columns: dict[str, list] = {
        k: []
        for k in (
            "fy_label",
            "fy_quarter",
            "year",
            "quarter",
            "period_start",
            "sheet",
            "incident_type",
            "incident_category",
            "sector",
            "incident_count",
        )
    }
    unknown_sectors: set[str] = set()
    for sheet in book.sheetnames:
        match = SHEET_PATTERN.match(sheet.strip())
        if not match:
            result.skipped_sheets.append(sheet)
            continue
        fy_label, fy_quarter, year, quarter, start = _fy(path, sheet, match)
        rows = list(book[sheet].iter_rows(values_only=True))
        if not rows:
            raise SourceError(path, "Quarter sheet is empty", sheet=sheet)
        header = [_label(c) for c in rows[0]]
        total_at = next((i for i, h in enumerate(header) if h.lower() == TOTAL_LABEL), None)
        sector_at = [i for i in range(1, total_at if total_at is not None else len(header))]
        for i in sector_at:
            if not header[i] and any(len(r) > i and r[i] not in (None, "") for r in rows[1:]):
                raise SourceError(
                    path,
                    "A column of counts has no sector heading",
                    sheet=sheet,
                    row=1,
                    column=openpyxl.utils.get_column_letter(i + 1),
                )
        sector_at = [i for i in sector_at if header[i]]
        if not sector_at:
            raise SourceError(path, "No sector columns in the header row", sheet=sheet, row=1)
        unknown_sectors.update(header[i] for i in sector_at if header[i] not in voc.SECTORS)

        seen_types: dict[str, int] = {}
        cells_sum, grand_total, type_rows = 0, None, 0
        for number, row in enumerate(rows[1:], start=2):
            row = tuple(row) + (None,) * (len(header) - len(row))
            label = _label(row[0])
            counts = [_count(path, sheet, number, header[i], row[i]) for i in sector_at]
            row_total = (
                _count(path, sheet, number, "Total", row[total_at])
                if total_at is not None and row[total_at] not in (None, "")
                else None
            )
            if not label:
                if any(counts) or row_total is not None:  # the unlabeled grand-total row
                    result.total_rows += 1
                    grand_total = row_total if row_total is not None else sum(counts)
                continue
            if label in seen_types:
                raise SourceError(
                    path,
                    f"Incident type appears twice (first on row {seen_types[label]})",
                    sheet=sheet,
                    row=number,
                    value=label,
                )
            seen_types[label] = number
            suffix = SUFFIX_PATTERN.search(label)
            category = (
                {"cyber": "Cyber", "non-cyber": "Non Cyber"}[suffix.group(1).lower()]
                if suffix
                else categories.get(label)
            )
            if category is None:
                raise SourceError(
                    path,
                    "Incident type has no '(cyber)'/'(non-cyber)' suffix and is not in the "
                    f"'{CATEGORIES_SHEET}' sheet, so its category is unknown",
                    sheet=sheet,
                    row=number,
                    value=label,
                )
            if row_total is not None and row_total != sum(counts):
                result.mismatches.append(
                    {
                        "sheet": sheet,
                        "row": number,
                        "incident_type": label,
                        "total": row_total,
                        "sum_of_cells": sum(counts),
                    }
                )
            result.rows_read += 1
            type_rows += 1
            cells_sum += sum(counts)
            for i, n in zip(sector_at, counts):
                for key, value in (
                    ("fy_label", fy_label),
                    ("fy_quarter", fy_quarter),
                    ("year", year),
                    ("quarter", quarter),
                    ("period_start", start),
                    ("sheet", sheet),
                    ("incident_type", label),
                    ("incident_category", category),
                    ("sector", header[i]),
                    ("incident_count", n),
                ):
                    columns[key].append(value)
        if not type_rows:
            raise SourceError(path, "Quarter sheet has no incident-type rows", sheet=sheet)
        if grand_total is None or grand_total != cells_sum:
            result.mismatches.append(
                {"sheet": sheet, "row": None, "incident_type": None, "total": grand_total, "sum_of_cells": cells_sum}
            )
        result.rows_kept += type_rows
        result.sheets.append(
            {
                "sheet": sheet,
                "fy_label": fy_label,
                "fy_quarter": fy_quarter,
                "year": year,
                "quarter": quarter,
                "incident_types": type_rows,
                "sectors": len(sector_at),
                "grand_total": grand_total,
                "sum_of_cells": cells_sum,
            }
        )
    book.close()
    if not result.sheets:
        raise SourceError(
            path,
            "No quarter sheets (named like 'Q1 2019-2020') in the workbook; found "
            + ", ".join(repr(s) for s in result.skipped_sheets),
        )
    periods = [(s["year"], s["quarter"]) for s in result.sheets]
    if len(set(periods)) != len(periods):
        raise SourceError(path, "Two sheets describe the same quarter", value=[s["sheet"] for s in result.sheets])
    result.unknown_sectors = sorted(unknown_sectors)
    table = pa.table({**columns, "period_start": pa.array(columns["period_start"], pa.date32())})
    con.register("legacy_long", table)
    con.execute("INSERT INTO legacy_incident_counts BY NAME SELECT * FROM legacy_long")
    con.unregister("legacy_long")
    result.cells = len(columns["sheet"])
    return result
