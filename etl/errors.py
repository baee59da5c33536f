"""Errors the ETL reports to the user as one paragraph (no traceback)."""

from __future__ import annotations

from pathlib import Path


class SourceError(Exception):
    """Bad input: names the file and, where it applies, the row (line), column and offending value."""

    def __init__(
        self,
        file: str | Path,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        hint: str | None = None,
        sheet: str | None = None,
    ):
        self.file = str(file)
        self.sheet = sheet
        self.problem = problem
        self.row = row
        self.column = column
        self.value = value
        self.hint = hint
        super().__init__(self.message())

    def message(self) -> str:
        where = [f"file {self.file}"]
        if self.sheet is not None:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = f"{self.problem} ({', '.join(where)}"
        if self.value is not None:
            shown = repr(self.value)
            text += f", value {shown[:80] + '...' if len(shown) > 80 else shown}"
        text += ")."
        if self.hint:
            text += f" {self.hint}"
        return text
