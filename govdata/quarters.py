"""Calendar quarters: numbered, written and read in one place. Readers see 'Q4 2024' everywhere.

The warehouse stores a quarter as text '2024-Q4' (warehouse_meta.latest_quarter, ico_releases.runs_to) and the
queries compare quarters by an index, year * 4 + quarter - 1, so a range of quarters is two bound parameters.
Everything a person reads goes through label() / text(). Financial-year quarters ('2019-20 Q1', the ICO's older
tables) are another calendar and keep their own label.
"""

from __future__ import annotations

import re

import pandas as pd

READ = "Q%q %Y"  # pd.Period.strftime: 'Q4 2024'
_WRITTEN = re.compile(r"^(\d{4})[ -]?Q([1-4])$")  # '2024-Q4' (stored), '2024 Q4', '2024Q4'


def period(year: int, quarter: int) -> pd.Period:
    return pd.Period(year=int(year), quarter=int(quarter), freq="Q")


def index(year: int, quarter: int) -> int:
    """The number queries compare quarters by (SQL: year * 4 + quarter - 1)."""
    return int(year) * 4 + int(quarter) - 1


def at(number: int) -> pd.Period:
    """The quarter with index `number`."""
    return period(number // 4, number % 4 + 1)


def label(year: int, quarter: int = 0) -> str:
    """'Q4 2024'; a whole year (quarter 0) is just '2024'."""
    return str(int(year)) if not quarter else period(year, quarter).strftime(READ)


def label_at(number: int) -> str:
    """The label of the quarter with index `number`."""
    return at(number).strftime(READ)


def stored(year: int, quarter: int) -> str:
    """The warehouse's text for a quarter: '2024-Q4'."""
    return f"{int(year)}-Q{int(quarter)}"


def text(value):
    """A quarter written '2024-Q4' or '2024 Q4' as readers write it: 'Q4 2024'. Anything else (a year, a
    financial-year quarter '2019-20 Q1', a sentence, a non-string) is returned unchanged."""
    if not isinstance(value, str):
        return value
    found = _WRITTEN.match(value.strip())
    return label(int(found.group(1)), int(found.group(2))) if found else value
