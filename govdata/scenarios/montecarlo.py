"""Seeded, vectorised Monte Carlo over the what-if model's uncertain inputs.

Each draw samples
- every effect size from PERT(low, most likely, high) (default) or triangular(low, most likely, high);
- each class's baseline rate from its sampling uncertainty: Gamma(shape = observed count, scale 1), whose mean is
  the observed count (a class with no incidents stays at zero);
- the baseline share reported within 72 hours from Beta(within, late) (mean = the observed share).
Intervals are for the expected annual number (the rate), not for the count a single future year would show.
Same seed and inputs -> the same draws (numpy Generator / PCG64).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from govdata.scenarios.assumptions import CLASSES, ScenarioInputError, effect_arrays
from govdata.scenarios.model import LATE, Baseline, Coverage, scale_factors, share_within72

DEFAULT_DRAWS = 10_000
MAX_DRAWS = 1_000_000
DEFAULT_SEED = 2019
DISTRIBUTIONS = ("pert", "triangular")
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def draw_pert(rng: np.random.Generator, low, mode, high, size) -> np.ndarray:
    """PERT(low, mode, high) (Beta with shape 4), elementwise over array parameters; degenerate when low == high."""
    low, mode, high = (np.asarray(x, float) for x in (low, mode, high))
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    alpha = np.where(width > 0, 1.0 + 4.0 * (mode - low) / safe, 1.0)
    beta = np.where(width > 0, 1.0 + 4.0 * (high - mode) / safe, 1.0)
    return low + width * rng.beta(alpha, beta, size=size)


def draw_triangular(rng: np.random.Generator, low, mode, high, size) -> np.ndarray:
    """Triangular(low, mode, high) by its inverse CDF (numpy's sampler rejects low == high)."""
    low, mode, high = (np.asarray(x, float) for x in (low, mode, high))
    width = high - low
    u = rng.random(size)
    cut = np.where(width > 0, (mode - low) / np.where(width > 0, width, 1.0), 0.0)
    left = low + np.sqrt(u * width * (mode - low))
    right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.where(u < cut, left, right)


@dataclass(frozen=True)
class Simulation:
    """The draws: annual class rates (n, 4), effects r_t and r_d (n, 5), baseline share within 72 hours (n,)."""

    baseline: Baseline
    coverage: Coverage
    annual_class: np.ndarray
    r_t: np.ndarray
    r_d: np.ndarray
    p0: np.ndarray
    seed: int
    distribution: str

    @property
    def draws(self) -> int:
        return len(self.p0)

    def at(self, coverage: Coverage) -> dict[str, np.ndarray]:
        """Per-draw outcomes under `coverage` (same draws, so scenarios compare like with like)."""
        factors = scale_factors(self.r_t, self.r_d, coverage)
        scenario_class = self.annual_class * factors[:, :LATE]
        return {
            "baseline_class": self.annual_class,
            "scenario_class": scenario_class,
            "avoided_class": self.annual_class - scenario_class,
            "baseline_total": self.annual_class.sum(axis=1),
            "scenario_total": scenario_class.sum(axis=1),
            "avoided_total": (self.annual_class - scenario_class).sum(axis=1),
            "share72_baseline": self.p0,
            "share72_scenario": share_within72(self.p0, factors[:, LATE]),
        }

    def outcomes(self) -> dict[str, np.ndarray]:
        return self.at(self.coverage)


def simulate(
    baseline: Baseline,
    effects: pd.DataFrame,
    coverage: Coverage,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    distribution: str = "pert",
) -> Simulation:
    """Draw `draws` joint samples of the uncertain inputs (see the module docstring)."""
    try:
        draws, seed = int(draws), int(seed)
    except (TypeError, ValueError):
        raise ScenarioInputError(f"Draws {draws!r} and seed {seed!r} must be whole numbers.") from None
    if not 100 <= draws <= MAX_DRAWS:
        raise ScenarioInputError(f"Draws {draws} is outside 100 to {MAX_DRAWS:,}.")
    if seed < 0:
        raise ScenarioInputError(f"Seed {seed} is negative; use a whole number 0 or more.")
    if distribution not in DISTRIBUTIONS:
        raise ScenarioInputError(f"Unknown distribution {distribution!r}; expected one of {list(DISTRIBUTIONS)}.")
    arrays = effect_arrays(effects)
    rng = np.random.default_rng(seed)
    sampler = draw_pert if distribution == "pert" else draw_triangular
    r = sampler(rng, arrays.low, arrays.mode, arrays.high, size=(draws,) + arrays.mode.shape)
    counts = rng.gamma(baseline.class_counts, 1.0, size=(draws, len(CLASSES)))
    late = baseline.total - baseline.within72
    if baseline.within72 > 0 and late > 0:
        p0 = rng.beta(baseline.within72, late, size=draws)
    else:
        p0 = np.full(draws, baseline.share_within72)
    return Simulation(baseline, coverage, counts * baseline.per_year, r[:, 0, :], r[:, 1, :], p0, seed, distribution)


def interval(values: np.ndarray) -> dict[str, float]:
    """Median and 50% / 90% intervals of one outcome's draws."""
    qs = np.quantile(values, QUANTILES)
    return {"p05": qs[0], "p25": qs[1], "median": qs[2], "p75": qs[3], "p95": qs[4], "mean": float(values.mean())}


def projection(sim: Simulation, target: Coverage, years: int = 5, ramp_years: int = 3) -> pd.DataFrame:
    """Incidents per year over the next `years` years, baseline vs scenario, with 50% and 90% bands, and on the
    Scenario rows the incidents avoided that year (median and 90% interval of the per-draw difference).

    Year 0 is the baseline window. The baseline assumes the sector's rate stays at its window level (no trend).
    Coverage moves linearly from current to target over `ramp_years` years (0 = immediately in year 1) and stays.
    """
    if not 1 <= int(years) <= 20:
        raise ScenarioInputError(f"Projection of {years} years is outside 1 to 20.")
    if not 0 <= int(ramp_years) <= 20:
        raise ScenarioInputError(f"Ramp of {ramp_years} years is outside 0 to 20.")
    first_year = int(sim.baseline.window_end[:4])
    rows = []
    baseline_total = sim.annual_class.sum(axis=1)
    for y in range(int(years) + 1):
        share = 0.0 if y == 0 else (1.0 if ramp_years == 0 else min(1.0, y / ramp_years))
        cov = Coverage(
            sim.coverage.t0,
            sim.coverage.d0,
            sim.coverage.t0 + (target.t1 - sim.coverage.t0) * share,
            sim.coverage.d0 + (target.d1 - sim.coverage.d0) * share,
        )
        outcome = sim.at(cov)
        # avoided = per-draw difference (the same computation as the summary's avoided_total), not a difference
        # of the two medians
        avoided = interval(outcome["avoided_total"])
        for series, values in (("Baseline", baseline_total), ("Scenario", outcome["scenario_total"])):
            stats = interval(values)
            scenario = series == "Scenario"
            rows.append(
                {
                    "year_offset": y,
                    "year": first_year + y,
                    "series": series,
                    "training_coverage": cov.t1 if scenario else sim.coverage.t0,
                    "dpo_coverage": cov.d1 if scenario else sim.coverage.d0,
                    **stats,
                    "avoided_median": avoided["median"] if scenario else np.nan,
                    "avoided_p05": avoided["p05"] if scenario else np.nan,
                    "avoided_p95": avoided["p95"] if scenario else np.nan,
                }
            )
    return pd.DataFrame(rows)
