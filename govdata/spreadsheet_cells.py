"""Cells written to CSV and XLSX files: formula injection neutralised, Excel's cell-length limit made visible.

Every CSV and XLSX the app writes goes through here (govdata/export.py for charts and briefing packs, the
provenance CSV on the Sources page). Text can come from a URL (a saved scenario's name) or a reference CSV a
researcher added, so:

- a text cell that begins with '=', '+', '-', '@', a tab or a carriage return is prefixed with a single quote
  (the OWASP rule for CSV injection): a spreadsheet then shows the text instead of running it as a formula.
  Numbers stay numbers (only text cells are touched; a negative number column is still numeric). Column names are
  treated the same way.
- CSV rows end in CRLF (RFC 4180), so a text cell holding a carriage return or a newline is always quoted (with
  '\n' line ends, a bare '\r' inside a cell is written unquoted and splits the row in some readers).
- Excel holds at most 32,767 characters in a cell. `fit_excel` cuts a longer text visibly ("... [cut: the full
  text of N characters is in the CSV download]") and returns a note naming the row and column for the workbook's
  'about' sheet; nothing is cut silently. CSV files always keep the whole text.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_LIMIT = 32_767
CUT_MARK = " ... [cut: the full text of {n:,} characters is in the CSV download]"


def neutralise(value):
    """A text value that could start a formula, prefixed with a single quote; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _text_columns(frame: pd.DataFrame) -> list:
    return [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype)]


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell and column name neutralised (numeric columns untouched)."""
    out = frame.copy()
    for column in _text_columns(out):
        out[column] = out[column].map(neutralise)
    out.columns = [neutralise(c) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """`frame` as UTF-8 CSV (no index): text neutralised, RFC 4180 line ends."""
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def fit_excel(frame: pd.DataFrame, sheet: str) -> tuple[pd.DataFrame, list[str]]:
    """(`frame` with over-long text cells visibly cut, one note per cut cell naming sheet, row and column)."""
    notes: list[str] = []
    out = frame
    for column in _text_columns(frame):
        lengths = frame[column].map(lambda v: len(v) if isinstance(v, str) else 0)
        long_rows = lengths[lengths > EXCEL_CELL_LIMIT].index
        if not len(long_rows):
            continue
        if out is frame:
            out = frame.copy()
        for row in long_rows:
            text = frame.at[row, column]
            mark = CUT_MARK.format(n=len(text))
            out.at[row, column] = text[: EXCEL_CELL_LIMIT - len(mark)] + mark
            position = list(frame.index).index(row) + 2  # the header is row 1
            notes.append(
                f"Sheet '{sheet}', row {position}, column '{column}': {len(text):,} characters, more than "
                f"Excel's {EXCEL_CELL_LIMIT:,} per cell; cut in this workbook, whole in the CSV download."
            )
    return out, notes
