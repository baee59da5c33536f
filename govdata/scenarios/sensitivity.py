"""Tornado sensitivity on the Monte Carlo: which assumption moves the headline's median most.

The headline everywhere is the Monte Carlo median, so the tornado is centred on that same median: each effect size
is fixed at its low, then its high value in every draw while every other input keeps its Monte Carlo draws (same
draws throughout: common random numbers), and the bar spans the two resulting medians. The baseline rate row fixes
the annual rate at the 5th and 95th percentiles of its sampling distribution (Gamma quantiles by the
Wilson-Hilferty approximation, good to well under 1% for the 20+ incidents a baseline needs). The model maths
(scale factors, shares) is model.py's, unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from govdata.scenarios.assumptions import (
    INTERVENTION_LABELS,
    INTERVENTIONS,
    OUTCOMES,
    ScenarioInputError,
    effect_arrays,
)
from govdata.scenarios.model import LATE, Coverage, scale_factors, share_within72
from govdata.scenarios.montecarlo import Simulation

HEADLINES = {
    "avoided_total": "Incidents avoided per year",
    "scenario_total": "Incidents per year under the scenario",
    "share72_scenario": "Share reported within 72 hours under the scenario",
}
Z90 = 1.6448536269514722  # standard normal 95th percentile


def _headline(
    annual_class: np.ndarray, r_t: np.ndarray, r_d: np.ndarray, p0: np.ndarray, coverage: Coverage, headline: str
) -> np.ndarray:
    """Per-draw headline values (the same arithmetic as Simulation.at)."""
    factors = scale_factors(r_t, r_d, coverage)
    scenario_class = annual_class * factors[:, :LATE]
    if headline == "avoided_total":
        return (annual_class - scenario_class).sum(axis=1)
    if headline == "scenario_total":
        return scenario_class.sum(axis=1)
    if headline == "share72_scenario":
        return share_within72(p0, factors[:, LATE])
    raise ScenarioInputError(f"Unknown headline {headline!r}; expected one of {list(HEADLINES)}.")


def gamma_quantile(shape: float, z: float) -> float:
    """Wilson-Hilferty approximation to the Gamma(shape, 1) quantile at standard-normal z."""
    if shape <= 0:
        return 0.0
    return float(shape * max(0.0, 1.0 - 1.0 / (9.0 * shape) + z / (3.0 * np.sqrt(shape))) ** 3)


def tornado(sim: Simulation, effects: pd.DataFrame, headline: str = "avoided_total") -> pd.DataFrame:
    """Rows: assumption, low/high input, the headline's median at low/high, swing; widest first.

    `central` is the Monte Carlo median of the headline with every input drawn (the figure shown everywhere).
    """
    arrays = effect_arrays(effects)
    coverage = sim.coverage
    central = float(np.median(_headline(sim.annual_class, sim.r_t, sim.r_d, sim.p0, coverage, headline)))
    rows = []
    for i, intervention in enumerate(INTERVENTIONS):
        for j, outcome in enumerate(OUTCOMES):
            values = []
            for bound in (arrays.low, arrays.high):
                r_t, r_d = sim.r_t.copy(), sim.r_d.copy()
                (r_t if i == 0 else r_d)[:, j] = bound[i, j]
                values.append(float(np.median(_headline(sim.annual_class, r_t, r_d, sim.p0, coverage, headline))))
            rows.append(
                {
                    "assumption": f"{INTERVENTION_LABELS[intervention]}: effect on {outcome}",
                    "kind": "effect",
                    "input_low": arrays.low[i, j],
                    "input_high": arrays.high[i, j],
                    "headline_at_low": values[0],
                    "headline_at_high": values[1],
                }
            )
    # The baseline rate: fixed at its 5th and 95th percentiles (class mix held), effects still drawn.
    baseline = sim.baseline
    total = baseline.class_counts.sum()
    values, inputs = [], []
    for z in (-Z90, Z90):
        scale = gamma_quantile(total, z) / total
        inputs.append(total * scale * baseline.per_year)
        annual = np.broadcast_to(baseline.annual_class * scale, sim.annual_class.shape)
        values.append(float(np.median(_headline(annual, sim.r_t, sim.r_d, sim.p0, coverage, headline))))
    rows.append(
        {
            "assumption": "Baseline incident rate (90% sampling interval)",
            "kind": "baseline",
            "input_low": inputs[0],
            "input_high": inputs[1],
            "headline_at_low": values[0],
            "headline_at_high": values[1],
        }
    )
    frame = pd.DataFrame(rows)
    frame["central"] = central
    frame["swing"] = (frame["headline_at_high"] - frame["headline_at_low"]).abs()
    frame["headline"] = HEADLINES[headline]
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
