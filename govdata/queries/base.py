"""Running named, parameterised SQL and keeping the query text beside its result ("show query")."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd


@dataclass(frozen=True)
class QueryResult:
    """A result with the exact SQL and bound parameters that produced it."""

    data: pd.DataFrame
    sql: str
    params: tuple = field(default_factory=tuple)

    def sql_with_params(self) -> str:
        """The query and its parameter values, for display only (never executed)."""
        if not self.params:
            return self.sql.strip()
        shown = ", ".join(repr(p) for p in self.params)
        return f"{self.sql.strip()}\n-- parameters: [{shown}]"


def run(con: duckdb.DuckDBPyConnection, sql: str, params: tuple | list = ()) -> QueryResult:
    """Execute `sql` with values bound as parameters (never formatted into the string)."""
    params = tuple(params)
    frame = con.execute(sql, list(params)).df()
    return QueryResult(frame, sql, params)


def insert_after(frame: pd.DataFrame, column: str, name: str, values) -> None:
    """Put a derived column `name` right after `column` (a figure stands beside the count it comes from)."""
    frame.insert(frame.columns.get_loc(column) + 1, name, values)
