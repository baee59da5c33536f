"""Show tables for people: govdata.tables' display form in a Streamlit grid or a static table.

Grids keep typed values (sorting a column sorts numbers and dates, not their text) and write them with the
display form's formats; blanks show as govdata.tables.BLANK. Small tables (label/value pairs, a few rows a reader
takes in at a glance) are static HTML tables: they wrap on a phone and load no data-grid JavaScript (~0.4 MB
compressed) on a first visit.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from govdata import tables
from ui.state import escape

MAX_CELL = 2000  # characters of one static-table cell (longer values are cut with an ellipsis)

# momentJS formats for Streamlit's date columns, matching tables.format_value's text
_DATE_FORMATS = {
    tables.DATE: "D MMM YYYY",
    tables.DATETIME: "D MMM YYYY, HH:mm",
    tables.QUARTER: "[Q]Q YYYY",
    tables.YEAR: "YYYY",
}
# Static tables on a phone: numbers, dates and short words stay whole ("0.30", "Q4 2024", "assumption"); the columns
# of longer words (sentences, citations, URLs) give way and may break anywhere, so the table fits the screen
# (ui/style.py). A word is short at up to SHORT_WORD_CHARS characters.
SHORT_WORD_CHARS = 10
_WHOLE_KINDS = tables.NUMERIC_KINDS | frozenset(_DATE_FORMATS)
_KEEP_WORDS = "overflow-wrap: normal !important; word-break: normal !important"  # CSS for a whole-word column
ROW_LIMIT_HEIGHT = 420  # px: a grid taller than this scrolls inside itself (virtualised), the page does not


def label(name: str) -> str:
    """The vocabulary's label for a raw column name (for editors and widgets that take a frame as it is)."""
    return tables.label_for(name).label


def column_config(display: tables.DisplayTable) -> dict:
    """Streamlit column settings for each shown column (labels are already the column names)."""
    config = {}
    for label, column in display.columns.items():
        help_text = column.help or None
        if column.kind == tables.COUNT:
            config[label] = st.column_config.NumberColumn(help=help_text, format="%,d")
        elif column.kind in tables.NUMERIC_KINDS:  # the other numeric kinds (counts are whole above)
            config[label] = st.column_config.NumberColumn(help=help_text, format=f"%,.{column.decimals()}f")
        elif column.kind == tables.DATETIME:
            config[label] = st.column_config.DatetimeColumn(help=help_text, format=_DATE_FORMATS[column.kind])
        elif column.kind in _DATE_FORMATS:
            config[label] = st.column_config.DateColumn(help=help_text, format=_DATE_FORMATS[column.kind])
        else:
            config[label] = st.column_config.TextColumn(help=help_text)
    return config


def show_table(
    frame: pd.DataFrame,
    *,
    key: str,
    labels: dict[str, str] | None = None,
    hide: tuple[str, ...] = (),
    caption: str | None = None,
    where=None,
) -> None:
    """`frame` in its display form as a sortable grid (the raw frame is what the CSV downloads hold)."""
    display = tables.display_table(frame, labels=labels, hide=hide)
    target = where or st
    height = "auto" if len(display.data) <= 10 else ROW_LIMIT_HEIGHT
    target.dataframe(
        display.data,
        hide_index=True,
        key=key,
        column_config=column_config(display),
        placeholder=tables.BLANK,
        height=height,
        alt=caption,
    )


def show_static(
    frame: pd.DataFrame,
    *,
    caption: str,
    labels: dict[str, str] | None = None,
    hide: tuple[str, ...] = (),
    where=None,
) -> None:
    """A small `frame` in its display form as a static table: labelled columns, every cell written as a reader
    sees it (escaped: values from data files are shown as text)."""
    display = tables.display_table(frame, labels=labels, hide=hide)
    text = display.text()
    # one rule per column (its header and cells), not one per cell: the table's CSS stays a few hundred bytes
    columns = [text.columns.get_loc(c) for c in whole_word_columns(display, text)]
    styles = [
        {"selector": f"{cell}.col{i}", "props": _KEEP_WORDS} for i in columns for cell in ("th.col_heading", "td")
    ]
    styled = text.map(lambda v: escape(v, MAX_CELL)).style.set_table_styles(styles)
    (where or st).table(styled, hide_index=True, alt=caption)


def whole_word_columns(display: tables.DisplayTable, text: pd.DataFrame) -> list[str]:
    """The columns of `display` (written out as `text`) whose words never break: numbers and dates, and text
    columns whose label and cells have no word longer than SHORT_WORD_CHARS."""

    def short_words(label: str) -> bool:
        cells = [label, *text[label]]
        return max((len(word) for cell in cells for word in str(cell).split()), default=0) <= SHORT_WORD_CHARS

    return [c for c, column in display.columns.items() if column.kind in _WHOLE_KINDS or short_words(c)]


def with_editor_edits(frame: pd.DataFrame, key: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """`frame` with the cell edits that st.data_editor(frame, key=key) holds from its last run applied to `columns`
    (its other columns are disabled), so a page can use them before it draws the editor further down, or while
    the editor is not drawn at all. The input frame is not changed.

    Raises IndexError for an edited row outside `frame` (a stale edit)."""
    out = frame.copy()
    state = st.session_state.get(key) or {}
    for row, changes in (state.get("edited_rows") or {}).items():
        position = int(row)
        if not 0 <= position < len(out):
            raise IndexError(f"edited row {position} is not in the table")
        for column, value in changes.items():
            if column in columns:
                out.loc[out.index[position], column] = value
    return out


def show_facts(
    pairs: list[tuple[str, object]], *, caption: str, kinds: dict[str, str] | None = None, where=None
) -> None:
    """Label/value pairs as a static two-column table (long values wrap; no sideways scrolling).

    st.table renders Markdown in cells, so every cell is escaped: values from data files are shown as text."""
    text = tables.facts_table(pairs, kinds).map(lambda v: escape(v, MAX_CELL))
    (where or st).table(text, hide_index=True, alt=caption)
