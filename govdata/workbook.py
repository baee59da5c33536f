"""The look of an exported workbook, so it needs no tidying: a bold, frozen header row with a filter, column widths
that fit, number formats from each column's kind (govdata.tables' vocabulary: counts with thousands separators,
percentages as Excel percentages, estimates and numbers with their places, dates as dates), and an `about` sheet
laid out as a document (field names bold, long text wrapped, the data's columns explained, links that work).

Only presentation: the values written are the export's (govdata.export), after govdata.spreadsheet_cells has made
text cells safe. One change of form, stated in the about sheet: a percentage column (12.3 in the CSV) is written as
the fraction Excel formats as a percentage (0.123 shown "12.3%"), so sums and charts in Excel treat it as one.
"""

from __future__ import annotations

import pandas as pd

from govdata import tables

HEADER = {"bold": True, "bottom": 1, "bg_color": "#F2F2F2", "text_wrap": True, "valign": "top"}
NUMERIC_KINDS = (tables.COUNT, tables.PCT, tables.PROPORTION, tables.ESTIMATE, tables.NUMBER)
MAX_WIDTH = 60  # characters: wider text wraps
MIN_WIDTH = 8
SAMPLE_ROWS = 200  # rows read to size a column
PERCENT_NOTE = (
    "Percentages: columns marked (%) hold Excel percentages (a value shown 12.3% is stored as 0.123); "
    "the CSV download holds the same figures as numbers of percent (12.3)."
)


def _places_format(base: str, places: int) -> str:
    return base + ("." + "0" * places if places > 0 else "")


def number_format(column: tables.Column, values: pd.Series) -> str | None:
    """The Excel number format for a column of this kind, or None (General / text)."""
    kind = column.kind
    if kind == tables.COUNT:
        return "#,##0"
    if kind in (tables.PCT, tables.PROPORTION):
        return _places_format("0", column.decimals()) + "%"
    if kind == tables.ESTIMATE:
        return _places_format("#,##0", column.decimals())
    if kind == tables.NUMBER:
        whole = pd.to_numeric(values, errors="coerce").dropna().map(float.is_integer).all()
        places = column.places if column.places is not None else (0 if whole else 2)
        return _places_format("#,##0", places)
    if kind == tables.DATE:
        return "d mmm yyyy"
    if kind == tables.DATETIME:
        return "d mmm yyyy hh:mm"
    return None


def _as_dates(values: pd.Series) -> pd.Series | None:
    """The column as dates when every filled cell reads as one (else None: it stays text)."""
    try:
        parsed = pd.to_datetime(values, errors="coerce")
    except (TypeError, ValueError):
        return None
    filled = values.notna() & (values.astype(str).str.strip() != "")
    if parsed[filled].isna().any():
        return None
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


def excel_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tables.Column], list[str]]:
    """(the frame as written to Excel, each column's vocabulary entry, the names of percentage columns):
    percentages as fractions, dates as datetimes; everything else unchanged."""
    out = frame.copy()
    columns, percent = {}, []
    for name in frame.columns:
        column = tables.label_for(str(name))
        values = frame[name]
        if column.kind == tables.PCT and pd.api.types.is_numeric_dtype(values):
            out[name] = values / 100  # a unit change, not a rounding: 12.3 percent is the fraction 0.123
            percent.append(str(name))
        elif column.kind in (tables.DATE, tables.DATETIME):
            dates = _as_dates(values)
            if dates is None:
                column = tables.Column(column.label)  # not all dates: left as the text it is
            else:
                out[name] = dates
        elif column.kind in NUMERIC_KINDS and not pd.api.types.is_numeric_dtype(values):
            column = tables.Column(column.label)  # a numeric kind holding text: written as text
        columns[str(name)] = column
    return out, columns, percent


def _width(name: str, values: pd.Series, column: tables.Column) -> int:
    sample = values.head(SAMPLE_ROWS)
    cells = [tables.format_value(v, column) for v in sample]
    longest = max([len(str(name)), len(column.label)] + [len(c) for c in cells]) + 2
    return max(MIN_WIDTH, min(MAX_WIDTH, longest))


def write_data(writer, frame: pd.DataFrame, sheet_name: str = "data") -> list[str]:
    """Write `frame` as a formatted table on `sheet_name`; returns the names of its percentage columns.

    The header keeps the CSV's column names (so formulas and scripts can rely on them); each header cell carries
    the readable label as a note, and the about sheet lists them.
    """
    book = writer.book
    data, columns, percent = excel_frame(frame)
    data.to_excel(writer, sheet_name=sheet_name, index=False, header=False, startrow=1)
    sheet = writer.sheets[sheet_name]
    header = book.add_format(HEADER)
    for i, name in enumerate(frame.columns):
        column = columns[str(name)]
        sheet.write_string(0, i, str(name), header)
        if column.label.lower() != str(name).replace("_", " ").lower():
            sheet.write_comment(0, i, column.label, {"x_scale": 1.5})
        fmt = number_format(column, frame[name])
        width = _width(str(name), frame[name], column)
        options = {"num_format": fmt} if fmt else {}
        if column.kind == tables.TEXT and width >= MAX_WIDTH:
            options.update(text_wrap=True, valign="top")
        cell_format = book.add_format(options) if options else None
        sheet.set_column(i, i, width, cell_format)
        if column.kind in (tables.DATE, tables.DATETIME) and fmt:
            # pandas writes every datetime in one format of its own: write these cells again in the column's
            for r, value in enumerate(data[name], start=1):
                if pd.isna(value):
                    sheet.write_blank(r, i, None, cell_format)
                else:
                    sheet.write_datetime(r, i, pd.Timestamp(value).to_pydatetime(), cell_format)
    sheet.freeze_panes(1, 0)
    if len(frame.columns):
        sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    return percent


def write_about(
    writer, rows: list[tuple[str, str]], frame: pd.DataFrame, percent: list[str], sheet_name: str = "about"
) -> None:
    """The about sheet: each (field, text) row with the field in bold and long text wrapped, then a table of the
    data sheet's columns (name, label, what it holds)."""
    book = writer.book
    sheet = book.add_worksheet(sheet_name)
    writer.sheets[sheet_name] = sheet
    bold = book.add_format({"bold": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    header = book.add_format(HEADER)
    sheet.set_column(0, 0, 22, bold)
    sheet.set_column(1, 1, 100, wrap)
    sheet.set_column(2, 2, 40, wrap)
    sheet.write_string(0, 0, "field", header)
    sheet.write_string(0, 1, "text", header)
    row = 1
    for field, value in rows:
        sheet.write_string(row, 0, str(field), bold)
        text = "" if value is None else str(value)
        if text.startswith(("http://", "https://")) and len(text) < 255 and " " not in text:
            sheet.write_url(row, 1, text, string=text)
        else:
            sheet.write_string(row, 1, text, wrap)
        row += 1
    if percent:
        sheet.write_string(row, 0, "Percentages", bold)
        sheet.write_string(row, 1, PERCENT_NOTE, wrap)
        row += 1
    row += 1
    sheet.write_string(row, 0, "Column (data sheet)", header)
    sheet.write_string(row, 1, "Meaning", header)
    sheet.write_string(row, 2, "Shown as", header)
    for name in frame.columns:
        row += 1
        column = tables.label_for(str(name))
        sheet.write_string(row, 0, str(name), bold)
        sheet.write_string(row, 1, column.label + (f". {column.help}" if column.help else ""), wrap)
        sheet.write_string(row, 2, _kind_words(column, str(name) in percent), wrap)
    sheet.freeze_panes(1, 0)


def _kind_words(column: tables.Column, is_percent: bool) -> str:
    return {
        tables.COUNT: "whole number",
        tables.PCT: "percentage" if is_percent else "number of percent",
        tables.PROPORTION: "percentage",
        tables.ESTIMATE: f"number ({column.decimals()} decimal places)",
        tables.NUMBER: "number",
        tables.DATE: "date",
        tables.DATETIME: "date and time",
        tables.FLAG: "TRUE / FALSE",
    }.get(column.kind, "text")


def set_properties(writer, title: str, subject: str, comments: str) -> None:
    """Document properties (File > Info in Excel): the chart's title, subtitle and source line."""
    writer.book.set_properties({"title": title[:255], "subject": subject[:255], "comments": comments[:2000]})
