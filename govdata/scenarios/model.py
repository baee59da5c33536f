"""The what-if model's core: the sector baseline and the closed-form scenario (no Streamlit, NumPy).

An organisation's incident rate for class k is lambda_k * (1 - r_tk*T) * (1 - r_dk*D), T and D saying whether it
trains staff before system access / has a DPO, r the relative risk reductions. Assuming training and DPO coverage
are independent across organisations and that the effects multiply, a sector with coverage (t, d) has expected
incidents proportional to (1 - r_tk*t)(1 - r_dk*d); moving from current (t0, d0) to target (t1, d1) scales the
observed baseline by

    f_k = (1 - r_tk*t1)(1 - r_dk*d1) / ((1 - r_tk*t0)(1 - r_dk*d0)).

The share reported after 72 hours ("late reporting") scales by the same form with its own effects; the share
within 72 hours is 1 minus that (capped to [0, 1]). Coverage is a fraction in [0, 1] throughout the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from govdata import quarters, vocabulary
from govdata.queries import coverage
from govdata.queries import scenario_baseline as q
from govdata.queries.base import QueryResult
from govdata.scenarios.assumptions import (
    CLASSES,
    ScenarioInputError,
    check_coverage,
    classify,
    close_matches,
    effect_arrays,
    load_class_mapping,
    mapping_lookup,
)

MIN_INCIDENTS = 20  # fewer incidents than this in the window: too few for a baseline
MAX_WINDOW_QUARTERS = 40
DEFAULT_WINDOW_QUARTERS = 4
LATE = len(CLASSES)  # index of 'late reporting' in OUTCOMES


@dataclass(frozen=True)
class Baseline:
    """A sector's observed incidents in the window, split into classes, with its time-to-report mix."""

    sector: str
    quarters: int  # quarters in the window (annualise by 4 / quarters)
    window_start: str  # e.g. '2024-Q1'
    window_end: str
    class_counts: np.ndarray  # incidents in the window per class (CLASSES order)
    within72: int  # incidents reported in under 72 hours
    total: int
    by_type: pd.DataFrame  # incident_type, incident_category, class, mapped, incidents
    unmapped: tuple[str, ...]  # incident types absent from the mapping (classed by category)
    is_sample: bool
    queries: tuple[QueryResult, ...] = field(default_factory=tuple)

    @property
    def per_year(self) -> float:
        return 4.0 / self.quarters

    @property
    def annual_class(self) -> np.ndarray:
        return self.class_counts * self.per_year

    @property
    def share_within72(self) -> float:
        return self.within72 / self.total

    @property
    def window_label(self) -> str:
        start, end = quarters.text(self.window_start), quarters.text(self.window_end)
        return start if start == end else f"{start} to {end}"


@dataclass(frozen=True)
class Coverage:
    """Current (t0, d0) and target (t1, d1) coverage as fractions in [0, 1]."""

    t0: float
    d0: float
    t1: float
    d1: float

    def __post_init__(self):
        names = {
            "t0": "Current training coverage",
            "d0": "Current DPO coverage",
            "t1": "Target training coverage",
            "d1": "Target DPO coverage",
        }
        for attr, what in names.items():
            object.__setattr__(self, attr, check_coverage(getattr(self, attr), what))


def sector_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Sectors with comparable incidents in the warehouse."""
    return list(coverage.sectors(con).data["sector"])


def load_baseline(
    con: duckdb.DuckDBPyConnection,
    sector: str,
    window_quarters: int = DEFAULT_WINDOW_QUARTERS,
    mapping: pd.DataFrame | None = None,
    min_incidents: int = MIN_INCIDENTS,
) -> Baseline:
    """The sector's baseline over the last `window_quarters` comparable quarters of the warehouse."""
    try:
        window_quarters = int(window_quarters)
    except (TypeError, ValueError):
        raise ScenarioInputError(f"Window {window_quarters!r} is not a whole number of quarters.") from None
    if not 1 <= window_quarters <= MAX_WINDOW_QUARTERS:
        raise ScenarioInputError(f"Window of {window_quarters} quarters is outside 1 to {MAX_WINDOW_QUARTERS}.")
    known = coverage.sectors(con)
    names = list(known.data["sector"])
    if sector not in names:
        hints = close_matches(str(sector), names or vocabulary.SECTORS)
        hint = f" Did you mean: {', '.join(repr(h) for h in hints)}?" if hints else ""
        raise ScenarioInputError(f"Unknown sector {sector!r}: no comparable incidents in the warehouse.{hint}")
    window = coverage.quarters(con)
    if window.data.empty:
        raise ScenarioInputError("The warehouse has no comparable quarters to form a baseline.")
    picked = [(int(y), int(qq)) for y, qq in zip(window.data["year"], window.data["quarter"])][-window_quarters:]
    counts = q.baseline_counts(con, sector, quarters.index(*picked[0]), quarters.index(*picked[-1]))
    frame = counts.data
    total = int(frame["incidents"].sum()) if len(frame) else 0
    start, end = min(picked), max(picked)
    label = quarters.label(*start) + ("" if start == end else f" to {quarters.label(*end)}")
    if total < min_incidents:
        raise ScenarioInputError(
            f"Too few incidents for a baseline: {sector} has {total} in {label} (at least {min_incidents} needed); "
            f"choose a longer window or another sector."
        )
    lookup = mapping_lookup(load_class_mapping() if mapping is None else mapping)
    by_type = frame.groupby(["incident_type", "incident_category"], as_index=False)["incidents"].sum()
    classes, mapped = zip(
        *(classify(t, c, lookup) for t, c in zip(by_type["incident_type"], by_type["incident_category"]))
    )
    by_type["class"] = classes
    by_type["mapped"] = mapped
    class_counts = np.array([by_type.loc[by_type["class"] == k, "incidents"].sum() for k in CLASSES], dtype=float)
    within72 = int(frame.loc[frame["time_to_report"].isin(vocabulary.WITHIN_72_HOURS), "incidents"].sum())
    unmapped = tuple(sorted(set(by_type.loc[~by_type["mapped"], "incident_type"])))
    is_sample = coverage.is_sample(coverage.meta_values(coverage.warehouse_meta(con)))
    return Baseline(
        sector,
        len(picked),
        quarters.stored(*start),
        quarters.stored(*end),
        class_counts,
        within72,
        total,
        by_type[["incident_type", "incident_category", "class", "mapped", "incidents"]],
        unmapped,
        is_sample,
        (window, counts),
    )


# ---------------------------------------------------------------- the closed form


def scale_factors(r_t: np.ndarray, r_d: np.ndarray, coverage: Coverage) -> np.ndarray:
    """f = (1 - r_t t1)(1 - r_d d1) / ((1 - r_t t0)(1 - r_d d0)), elementwise (any broadcastable shapes)."""
    return (
        (1.0 - r_t * coverage.t1) * (1.0 - r_d * coverage.d1) / ((1.0 - r_t * coverage.t0) * (1.0 - r_d * coverage.d0))
    )


def share_within72(p0: np.ndarray | float, late_factor: np.ndarray | float) -> np.ndarray:
    """Scenario share reported within 72 hours from the baseline share and the late-reporting scale factor."""
    return 1.0 - np.clip((1.0 - np.asarray(p0)) * np.asarray(late_factor), 0.0, 1.0)


@dataclass(frozen=True)
class ClosedForm:
    """The model at point values of the effects (no sampling)."""

    baseline_class: np.ndarray  # incidents per year per class, baseline
    scenario_class: np.ndarray  # incidents per year per class, scenario
    share72_baseline: float
    share72_scenario: float
    factors: np.ndarray  # scale factor per outcome (classes, then late reporting)

    @property
    def baseline_total(self) -> float:
        return float(self.baseline_class.sum())

    @property
    def scenario_total(self) -> float:
        return float(self.scenario_class.sum())

    @property
    def avoided_class(self) -> np.ndarray:
        return self.baseline_class - self.scenario_class

    @property
    def avoided_total(self) -> float:
        return self.baseline_total - self.scenario_total


def point_effects(effects: pd.DataFrame, at: str = "mode", distribution: str = "pert") -> tuple[np.ndarray, np.ndarray]:
    """(r_t, r_d) arrays over OUTCOMES at the most likely value ('mode'), or at the distribution's mean ('mean')."""
    arrays = effect_arrays(effects)
    if at == "mode":
        r = arrays.mode
    elif at == "mean":
        weight = 4.0 if distribution == "pert" else 1.0
        r = (arrays.low + weight * arrays.mode + arrays.high) / (weight + 2.0)
    elif at in ("low", "high"):
        r = getattr(arrays, at)
    else:
        raise ScenarioInputError(f"Unknown point {at!r}; expected 'mode', 'mean', 'low' or 'high'.")
    return r[0], r[1]


def closed_form(
    baseline: Baseline, effects: pd.DataFrame, coverage: Coverage, at: str = "mode", distribution: str = "pert"
) -> ClosedForm:
    """Expected incidents per year and share within 72 hours with effects at point values."""
    r_t, r_d = point_effects(effects, at, distribution)
    return closed_form_arrays(baseline, r_t, r_d, coverage)


def closed_form_arrays(
    baseline: Baseline, r_t: np.ndarray, r_d: np.ndarray, coverage: Coverage, annual_class: np.ndarray | None = None
) -> ClosedForm:
    factors = scale_factors(np.asarray(r_t, float), np.asarray(r_d, float), coverage)
    base = baseline.annual_class if annual_class is None else annual_class
    return ClosedForm(
        base,
        base * factors[:LATE],
        baseline.share_within72,
        float(share_within72(baseline.share_within72, factors[LATE])),
        factors,
    )
