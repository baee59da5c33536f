"""One-at-a-time (tornado) sensitivity: which assumption moves the headline most.

Each effect size goes from its low to its high value with every other input at its most likely value; the baseline
rate goes across its 90% sampling interval (Gamma quantiles by the Wilson-Hilferty approximation, good to well
under 1% for the 20+ incidents a baseline needs). The output is closed-form, so it is exact and instant.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from govdata.scenarios.assumptions import INTERVENTION_LABELS, OUTCOMES, ScenarioInputError, effect_arrays
from govdata.scenarios.model import Baseline, ClosedForm, Coverage, closed_form_arrays

HEADLINES = {
    "avoided_total": "Incidents avoided per year",
    "scenario_total": "Incidents per year under the scenario",
    "share72_scenario": "Share reported within 72 hours under the scenario",
}
Z90 = 1.6448536269514722   # standard normal 95th percentile


def headline_value(result: ClosedForm, headline: str) -> float:
    if headline == "avoided_total":
        return result.avoided_total
    if headline == "scenario_total":
        return result.scenario_total
    if headline == "share72_scenario":
        return result.share72_scenario
    raise ScenarioInputError(f"Unknown headline {headline!r}; expected one of {list(HEADLINES)}.")


def gamma_quantile(shape: float, z: float) -> float:
    """Wilson-Hilferty approximation to the Gamma(shape, 1) quantile at standard-normal z."""
    if shape <= 0:
        return 0.0
    return float(shape * max(0.0, 1.0 - 1.0 / (9.0 * shape) + z / (3.0 * np.sqrt(shape))) ** 3)


def tornado(baseline: Baseline, effects: pd.DataFrame, coverage: Coverage,
            headline: str = "avoided_total") -> pd.DataFrame:
    """Rows: assumption, low/high input, headline at low/high, swing; sorted by swing, largest first."""
    arrays = effect_arrays(effects)
    mode = arrays.mode
    central = headline_value(closed_form_arrays(baseline, mode[0], mode[1], coverage), headline)
    rows = []
    for i, intervention in enumerate(("training", "dpo")):
        for j, outcome in enumerate(OUTCOMES):
            values = []
            for bound in (arrays.low, arrays.high):
                r = mode.copy()
                r[i, j] = bound[i, j]
                values.append(headline_value(closed_form_arrays(baseline, r[0], r[1], coverage), headline))
            rows.append({"assumption": f"{INTERVENTION_LABELS[intervention]}: effect on {outcome}",
                         "kind": "effect", "input_low": arrays.low[i, j], "input_high": arrays.high[i, j],
                         "headline_at_low": values[0], "headline_at_high": values[1]})
    # The baseline rate: the total count at its 5th and 95th percentiles, class mix held.
    total = baseline.class_counts.sum()
    values, inputs = [], []
    for z in (-Z90, Z90):
        scale = gamma_quantile(total, z) / total
        inputs.append(total * scale * baseline.per_year)
        values.append(headline_value(closed_form_arrays(baseline, mode[0], mode[1], coverage,
                                                        annual_class=baseline.annual_class * scale), headline))
    rows.append({"assumption": "Baseline incident rate (90% sampling interval)", "kind": "baseline",
                 "input_low": inputs[0], "input_high": inputs[1],
                 "headline_at_low": values[0], "headline_at_high": values[1]})
    frame = pd.DataFrame(rows)
    frame["central"] = central
    frame["swing"] = (frame["headline_at_high"] - frame["headline_at_low"]).abs()
    frame["headline"] = HEADLINES[headline]
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
