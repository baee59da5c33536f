"""The one place numbers are rounded and written: exact arithmetic, rounded once, half up.

Every percentage, change and estimate the product shows (cards, headline sentences, chart titles, subtitles,
summaries, hover text, bar labels, data tables, CSV/XLSX exports, the scenario CLI and methods notes) goes through
these functions. Shares and changes are computed as exact fractions of integer counts (fractions.Fraction), then
rounded once with ROUND_HALF_UP (2.45 -> 2.5, 27.49 -> 27.5, never 27.49 -> 27.5 -> 28). Floats from a model or a
published table are taken at their shortest decimal form (repr), so 0.125 rounds to 0.13 as a reader expects.

SQL returns counts (or unrounded ratios that are never shown); nothing is rounded anywhere else.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from numbers import Rational

import pandas as pd

PCT_PLACES = 1  # shares and changes: one decimal place on cards, in sentences, titles, tables and exports
ESTIMATE_PLACES = 1  # model estimates (expected incidents a year): one decimal place
MINUS = "-"  # ASCII hyphen-minus: pasted figures stay numbers in spreadsheets

Number = int | float | Fraction | Decimal


def exact(value: Number) -> Fraction:
    """An exact fraction for `value`: ints and fractions as they are, floats from their shortest decimal form."""
    if isinstance(value, (int, Rational)) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, Decimal):
        return Fraction(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"cannot round a non-finite number ({value!r})")
    return Fraction(Decimal(repr(number)))


def missing(value) -> bool:
    """True for None, NaN and pandas' NA (a figure that cannot be computed)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def round_half_up(value: Number, places: int = 0) -> Decimal:
    """`value` rounded once to `places` decimal places, halves away from zero (2.5 -> 3, -2.5 -> -3)."""
    fraction = exact(value) * 10**places
    whole, rest = divmod(abs(fraction.numerator), fraction.denominator)
    if 2 * rest >= fraction.denominator:  # the exact remainder decides: no binary or decimal pre-rounding
        whole += 1
    return Decimal(-whole if fraction < 0 else whole).scaleb(-places)


def ratio(numerator: int, denominator: int) -> Fraction | None:
    """numerator / denominator exactly; None when the denominator is 0 (no share can be stated)."""
    numerator, denominator = _whole(numerator), _whole(denominator)
    return None if denominator == 0 else Fraction(numerator, denominator)


def percent(numerator: int, denominator: int, places: int = PCT_PLACES) -> Decimal | None:
    """100 * numerator / denominator, rounded once; None when the denominator is 0."""
    share = ratio(numerator, denominator)
    return None if share is None else round_half_up(100 * share, places)


def change_percent(current: int, previous: int, places: int = PCT_PLACES) -> Decimal | None:
    """Percentage change from `previous` to `current`, rounded once; None when previous is 0."""
    share = ratio(_whole(current) - _whole(previous), previous)
    return None if share is None else round_half_up(100 * share, places)


def _whole(value) -> int:
    if missing(value):
        raise ValueError("a count is missing")
    number = int(value)
    if number != value:
        raise ValueError(f"counts must be whole numbers, got {value!r}")
    return number


# ---------------------------------------------------------------------------------------------- text


def _digits(value: Decimal, places: int) -> str:
    text = f"{abs(value):,.{places}f}"
    return (MINUS if value < 0 else "") + text


def count(value: int) -> str:
    """A count with thousands separators: 12193 -> '12,193'."""
    return f"{_whole(value):,}"


def pct_text(value: Number | None, places: int = PCT_PLACES, *, signed: bool = False) -> str:
    """A percentage (already in percent units) as text: 27.4915 -> '27.5%'; signed: '+5.1%' / '-3.0%'."""
    if missing(value):
        return "n/a"
    rounded = round_half_up(value, places)
    text = _digits(rounded, places) + "%"
    return ("+" + text) if signed and rounded > 0 else text


def share_text(numerator: int, denominator: int, places: int = PCT_PLACES) -> str:
    """numerator as a percentage of denominator: (3352, 12193) -> '27.5%'; 'n/a' when the denominator is 0."""
    value = percent(numerator, denominator, places)
    return "n/a" if value is None else _digits(value, places) + "%"


def fraction_text(value: float | None, places: int = PCT_PLACES) -> str:
    """A proportion 0-1 (a model output) as a percentage: 0.77 -> '77.0%'."""
    return "n/a" if missing(value) else pct_text(exact(value) * 100, places)


def change_text(current: int, previous: int, places: int = PCT_PLACES) -> str:
    """Signed percentage change: (3159, 3006) -> '+5.1%'; 'n/a' when previous is 0."""
    value = change_percent(current, previous, places)
    if value is None:
        return "n/a"
    return ("+" if value > 0 else "") + _digits(value, places) + "%"


def change_words(current: int, previous: int, earlier: str, *, places: int = PCT_PLACES, same_as: str = "as in") -> str:
    """'up 5.1% on Q4 2023', 'down 2.0% on 2023', 'the same as in 2023' or 'about the same as in 2023' (a change
    that rounds to 0.0%); '' when there is no earlier base. `same_as` is the wording before `earlier`."""
    value = change_percent(current, previous, places)
    if value is None:
        return ""
    if value == 0:
        same = "the same" if _whole(current) == _whole(previous) else "about the same"
        return f"{same} {same_as} {earlier}"
    return f"{'up' if value > 0 else 'down'} {_digits(abs(value), places)}% on {earlier}"


def estimate(value: Number | None, places: int = ESTIMATE_PLACES) -> str:
    """A model estimate (expected incidents a year etc.): 66.2997 -> '66.3'; thousands separated."""
    return "n/a" if missing(value) else _digits(round_half_up(value, places), places)


def interval_text(low: Number, high: Number, places: int = ESTIMATE_PLACES, *, share: bool = False) -> str:
    """'51.2 to 82.0' (or '74.1% to 79.3%' for proportions 0-1)."""
    if share:
        return f"{fraction_text(low, places)} to {fraction_text(high, places)}"
    return f"{estimate(low, places)} to {estimate(high, places)}"


# ---------------------------------------------------------------------------------------------- table columns


def to_float(value: Decimal | None) -> float:
    """A rounded Decimal as the float written to a table cell (NaN for None)."""
    return math.nan if value is None else float(value)


def percent_column(numerators: pd.Series, denominators: pd.Series, places: int = PCT_PLACES) -> pd.Series:
    """Row-wise percent(numerator, denominator) as floats rounded once (NaN where the denominator is 0/missing)."""
    values = [
        math.nan if missing(n) or missing(d) else to_float(percent(n, d, places))
        for n, d in zip(numerators, denominators)
    ]
    return pd.Series(values, index=numerators.index, dtype="float64")


def ratio_column(numerators: pd.Series, denominators: pd.Series, places: int = ESTIMATE_PLACES) -> pd.Series:
    """Row-wise numerator / denominator (e.g. incidents per quarter) as floats rounded once."""
    values = [
        math.nan if missing(n) or missing(d) or ratio(n, d) is None else float(round_half_up(ratio(n, d), places))
        for n, d in zip(numerators, denominators)
    ]
    return pd.Series(values, index=numerators.index, dtype="float64")


def change_column(current: pd.Series, previous: pd.Series, places: int = PCT_PLACES) -> pd.Series:
    """Row-wise change_percent(current, previous) as floats rounded once (NaN where there is no base)."""
    values = [
        math.nan if missing(c) or missing(p) else to_float(change_percent(c, p, places))
        for c, p in zip(current, previous)
    ]
    return pd.Series(values, index=current.index, dtype="float64")


def rounded_column(values: pd.Series, places: int) -> pd.Series:
    """Each value rounded once, half up, to `places` (NaN stays NaN): for estimates and intervals in tables."""
    out = [math.nan if missing(v) else float(round_half_up(v, places)) for v in values]
    return pd.Series(out, index=values.index, dtype="float64")
