"""Small statistics used by the charts: the Wilson score interval for a published percentage and its base n."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

Z95 = 1.959963984540054  # two-sided 95% normal quantile


def wilson_interval(p: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion p (0-1) observed in n trials. Stays inside [0, 1] even at p = 0 or 1."""
    if n is None or n <= 0:
        raise ValueError(f"n must be a positive number of respondents, got {n!r}")
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a proportion between 0 and 1, got {p!r}")
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z2n)
    return max(0.0, centre - half), min(1.0, centre + half)


def wilson_pct(pct: pd.Series, n: pd.Series, z: float = Z95) -> pd.DataFrame:
    """Row-wise Wilson interval for percentages (0-100) and base n: columns ci_low, ci_high in percent.

    Rows with no value or no base n get NaN (no interval can be computed), never a guess.
    """
    p = pd.to_numeric(pct, errors="coerce").astype("float64").to_numpy() / 100
    size = pd.to_numeric(n, errors="coerce").astype("float64").to_numpy()
    ok = np.isfinite(p) & np.isfinite(size) & (size > 0)
    low = np.full(len(p), np.nan)
    high = np.full(len(p), np.nan)
    for i in np.flatnonzero(ok):
        low[i], high[i] = wilson_interval(float(p[i]), int(size[i]), z)
    return pd.DataFrame({"ci_low": low * 100, "ci_high": high * 100}, index=pct.index)


# ---------------------------------------------------------------------------------------------- small bases
# A share of a few incidents says little: 2 of 2 reported on time is "100%", with a 95% interval of 34% to 100%.
# Rule: a share (or a change) is ranked only when its base is at least MIN_BASE incidents. From 100 the widest 95%
# Wilson interval (a share near 50%) is within +/-10 percentage points; at 30 it is about +/-17 and at 10 about
# +/-26, too wide for a ranking to mean anything. Smaller groups are still shown, flagged, but never ranked.
MIN_BASE = 100


def widest_half_width(n: int, z: float = Z95) -> float:
    """Half-width in percentage points of the widest 95% Wilson interval (p = 0.5) for a base of n."""
    low, high = wilson_interval(0.5, n, z)
    return 100 * (high - low) / 2


def small_base(n) -> bool:
    """True when a share of base `n` is below the minimum base (missing or zero bases count as small)."""
    try:
        return not (int(n) >= MIN_BASE)
    except (TypeError, ValueError):
        return True


def min_base_rule() -> str:
    """The rule as one sentence for pages, chart notes and methods notes (figures computed, never typed)."""
    from govdata import numbers

    return (
        f"Shares of fewer than {MIN_BASE} incidents are flagged and left out of rankings: the 95% interval of "
        f"a share is up to ±{numbers.estimate(widest_half_width(MIN_BASE))} percentage points at {MIN_BASE} "
        f"incidents, ±{numbers.estimate(widest_half_width(30))} at 30 and "
        f"±{numbers.estimate(widest_half_width(10))} at 10."
    )
