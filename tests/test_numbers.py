"""govdata.numbers: exact arithmetic, rounded once, half up; the one formatting path."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from govdata import numbers


@pytest.mark.parametrize(
    "value, places, expected",
    [
        (Fraction(3352 * 100, 12193), 1, "27.5"),
        (Fraction(3352 * 100, 12193), 0, "27"),
        (Fraction(5, 2), 0, "3"),
        (Fraction(-5, 2), 0, "-3"),
        (0.125, 2, "0.13"),
        (1.005, 2, "1.01"),
        (2.675, 2, "2.68"),
        (-0.04, 1, "0.0"),
        (Decimal("74.55"), 1, "74.6"),
        (999.95, 1, "1000.0"),
        (7, 1, "7.0"),
    ],
)
def test_round_half_up_once(value, places, expected):
    assert str(numbers.round_half_up(value, places)) == expected


def test_shares_and_changes_come_from_counts():
    assert numbers.share_text(3352, 12193) == "27.5%"  # 27.4915...: never 28 by double rounding
    assert numbers.share_text(1, 0) == "n/a"
    assert numbers.change_text(3159, 3006) == "+5.1%" and numbers.change_text(3, 4) == "-25.0%"
    assert numbers.change_text(5, 0) == "n/a"
    assert numbers.change_words(3159, 3006, "Q4 2023") == "up 5.1% on Q4 2023"
    assert numbers.change_words(6, 6, "2019") == "the same as in 2019"
    assert numbers.change_words(20001, 20000, "2019") == "about the same as in 2019"  # +0.005% -> 0.0%
    assert numbers.change_words(3, 4, "2019", same_as="as") == "down 25.0% on 2019"


def test_estimates_and_proportions():
    assert numbers.estimate(66.2997) == "66.3" and numbers.estimate(1234.55) == "1,234.6"
    assert numbers.fraction_text(0.77) == "77.0%" and numbers.fraction_text(0.7449999) == "74.5%"
    assert numbers.interval_text(51.25, 82.0) == "51.3 to 82.0"
    assert numbers.interval_text(0.741, 0.793, share=True) == "74.1% to 79.3%"
    assert numbers.estimate(None) == "n/a" and numbers.pct_text(float("nan")) == "n/a"


def test_columns_round_once_and_leave_missing_bases_empty():
    got = numbers.percent_column(pd.Series([3352, 1, 0]), pd.Series([12193, 0, 5]))
    assert got.iloc[0] == 27.5 and pd.isna(got.iloc[1]) and got.iloc[2] == 0.0
    change = numbers.change_column(pd.Series([5, 3, 4]), pd.Series([4, None, 0]))
    assert change.iloc[0] == 25.0 and change.isna().iloc[1:].all()
    assert list(numbers.ratio_column(pd.Series([7, 5]), pd.Series([4, 4]))) == [1.8, 1.3]  # 1.75, 1.25: half up


def test_counts_must_be_whole():
    with pytest.raises(ValueError):
        numbers.percent(2.5, 10)
    assert numbers.count(12193) == "12,193"
