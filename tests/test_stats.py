"""Wilson score interval against values worked by hand from the formula
centre = (p + z^2/2n) / (1 + z^2/n), half = z * sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n), z = 1.96."""

import math

import pandas as pd
import pytest

from govdata.stats import wilson_interval, wilson_pct


@pytest.mark.parametrize(
    "p, n, low, high",
    [
        (0.5, 100, 0.40383, 0.59617),  # centre 0.5, half = 1.96*0.0509513/1.038416
        (0.1, 50, 0.04348, 0.21361),  # centre 0.12854, half 0.08507
        (0.0, 10, 0.0, 0.27754),  # high = (z^2/n)/(1+z^2/n) = 0.38415/1.38415
        (1.0, 10, 0.72246, 1.0),
    ],
)
def test_wilson_matches_hand_computed(p, n, low, high):
    got = wilson_interval(p, n)
    assert got[0] == pytest.approx(low, abs=5e-5)
    assert got[1] == pytest.approx(high, abs=5e-5)


def test_interval_is_asymmetric_near_zero_and_contains_p():
    low, high = wilson_interval(0.03, 2007)
    assert low < 0.03 < high
    assert (high - 0.03) > (0.03 - low)


def test_wider_for_smaller_n():
    small = wilson_interval(0.25, 173)
    large = wilson_interval(0.25, 2007)
    assert (small[1] - small[0]) > (large[1] - large[0])


@pytest.mark.parametrize("p, n", [(0.5, 0), (0.5, -3), (1.2, 10), (-0.1, 10)])
def test_bad_input_raises(p, n):
    with pytest.raises(ValueError):
        wilson_interval(p, n)


def test_wilson_pct_leaves_unknown_n_empty():
    frame = wilson_pct(pd.Series([50.0, 25.0, None]), pd.Series([100, None, 100], dtype="Int64"))
    assert frame.loc[0, "ci_low"] == pytest.approx(40.383, abs=5e-3)
    assert frame.loc[0, "ci_high"] == pytest.approx(59.617, abs=5e-3)
    assert math.isnan(frame.loc[1, "ci_low"]) and math.isnan(frame.loc[2, "ci_high"])
