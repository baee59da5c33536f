"""The what-if model: training and DPO coverage -> incidents per year and share reported within 72 hours.

Illustrative, not a causal estimate: it rescales a sector's observed incidents by assumed effect sizes.
`evaluate()` runs everything a page or the CLI shows (closed form, Monte Carlo, projection, tornado) from one set of
inputs; the pieces live in model.py, montecarlo.py, sensitivity.py and assumptions.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from govdata import numbers, plain_text
from govdata.scenarios.assumptions import (
    CLASSES,
    INTERVENTION_LABELS,
    INTERVENTIONS,
    CoverageDefault,
    ScenarioInputError,
    coverage_default,
    decode_effects,
    encode_effects,
    load_class_mapping,
    load_coverage_defaults,
    load_effects,
    validate_effects,
)
from govdata.scenarios.model import (
    DEFAULT_WINDOW_QUARTERS,
    MAX_WINDOW_QUARTERS,
    MIN_INCIDENTS,
    Baseline,
    ClosedForm,
    Coverage,
    closed_form,
    load_baseline,
    sector_names,
)
from govdata.scenarios.montecarlo import DEFAULT_DRAWS, DEFAULT_SEED, Simulation, interval, projection, simulate
from govdata.scenarios.results import AT_MODES, AT_MODES_WORDS, direction_note, figures
from govdata.scenarios.sensitivity import tornado

__all__ = [
    "CLASSES",
    "Baseline",
    "ClosedForm",
    "Coverage",
    "CoverageDefault",
    "ScenarioInputError",
    "ScenarioResult",
    "closed_form",
    "coverage_default",
    "coverage_defaults",
    "INTERVENTIONS",
    "evaluate",
    "load_baseline",
    "load_class_mapping",
    "load_coverage_defaults",
    "load_effects",
    "methods_note",
    "sector_names",
    "simulate",
    "tornado",
    "validate_effects",
    "ScenarioInputs",
    "evaluate_inputs",
    "comparison_table",
    "encode_effects",
    "decode_effects",
    "scenario_name",
    "numbered_name",
    "encode_saved",
    "decode_saved",
    "MAX_NAME",
    "DEFAULT_YEARS",
    "DEFAULT_RAMP_YEARS",
    "TOKEN_BOUNDS",
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "DEFAULT_WINDOW_QUARTERS",
    "MIN_INCIDENTS",
]

DEFAULT_YEARS = 5
DEFAULT_RAMP_YEARS = 3
# The one headline figure is the Monte Carlo median with its 90% interval (results.py). The run with every effect
# at its most likely value (mode) is a different number (the model is not linear in the effects): named for what
# it is (AT_MODES) wherever it appears.

SUMMARY_METRICS = {
    "baseline_total": ("Incidents per year, baseline", "incidents"),
    "scenario_total": ("Incidents per year, scenario", "incidents"),
    "avoided_total": ("Incidents avoided per year", "incidents"),
    "share72_baseline": ("Share reported within 72 hours, baseline", "share"),
    "share72_scenario": ("Share reported within 72 hours, scenario", "share"),
    "within72_baseline": ("Incidents reported within 72 hours per year, baseline", "incidents"),
    "within72_scenario": ("Incidents reported within 72 hours per year, scenario", "incidents"),
}


@dataclass(frozen=True)
class ScenarioResult:
    baseline: Baseline
    coverage: Coverage
    effects: pd.DataFrame
    closed: ClosedForm  # effects at their most likely values
    simulation: Simulation
    summary: pd.DataFrame  # metric, label, unit, median, p05, p95, at_most_likely_values
    by_class: pd.DataFrame  # class, window count, medians per year, avoided median (+ interval, at modes)
    projection: pd.DataFrame  # year, series, median and 50% / 90% bands
    tornado: pd.DataFrame
    years: int
    ramp_years: int

    def metric(self, key: str) -> dict:
        return self.summary.set_index("metric").loc[key].to_dict()

    def to_dict(self, sources: list | None = None) -> dict:
        """Plain JSON-able dict of inputs, assumptions and outputs (the CLI's --json).

        `headline` holds the one figure per measure (Monte Carlo median, 90% interval, and its text); `summary`
        also carries the run at the modes under its own name. `incident_data_source` comes from `sources`
        (govdata.figures.Source objects built from the provenance of the baseline's data)."""
        b = self.baseline
        figs = figures(self.summary)
        return {
            "data_status": "SAMPLE DATA: simulated incidents, not ICO data" if b.is_sample else "published data",
            "incident_data_source": [s.line() for s in sources or []],
            "is_sample": b.is_sample,
            "headline": {
                k: {"median": f.median, "p05": f.p05, "p95": f.p95, "text": f.with_interval} for k, f in figs.items()
            },
            "headline_note": direction_note(self.summary),
            "at_most_likely_values_means": AT_MODES_WORDS,
            "sector": b.sector,
            "window": {"start": b.window_start, "end": b.window_end, "quarters": b.quarters},
            "baseline_incidents_in_window": b.total,
            "baseline_class_counts": dict(zip(CLASSES, map(int, b.class_counts))),
            "unmapped_incident_types": list(b.unmapped),
            "coverage": {
                "training_current": self.coverage.t0,
                "dpo_current": self.coverage.d0,
                "training_target": self.coverage.t1,
                "dpo_target": self.coverage.d1,
            },
            "draws": self.simulation.draws,
            "seed": self.simulation.seed,
            "distribution": self.simulation.distribution,
            "summary": _records(self.summary),
            "by_class": _records(self.by_class),
            "tornado": _records(self.tornado),
            "projection": _records(self.projection),
            "assumptions": _records(self.effects),
            "projection_rule": {"years": self.years, "ramp_years": self.ramp_years},
        }


def coverage_defaults(sector: str) -> dict[str, CoverageDefault]:
    """The current-coverage default of each intervention (training, DPO) for `sector`, in the model's order."""
    return {m: coverage_default(sector, m) for m in INTERVENTIONS}


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()})
    return out


def evaluate(
    baseline: Baseline,
    coverage: Coverage,
    effects: pd.DataFrame | None = None,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    distribution: str = "pert",
    years: int = DEFAULT_YEARS,
    ramp_years: int = DEFAULT_RAMP_YEARS,
) -> ScenarioResult:
    """Closed form, Monte Carlo, projection and tornado for one scenario."""
    effects = load_effects() if effects is None else validate_effects(effects)
    closed = closed_form(baseline, effects, coverage)
    sim = simulate(baseline, effects, coverage, draws=draws, seed=seed, distribution=distribution)
    out = sim.outcomes()
    out["within72_baseline"] = out["baseline_total"] * out["share72_baseline"]
    out["within72_scenario"] = out["scenario_total"] * out["share72_scenario"]
    point = {
        "baseline_total": closed.baseline_total,
        "scenario_total": closed.scenario_total,
        "avoided_total": closed.avoided_total,
        "share72_baseline": closed.share72_baseline,
        "share72_scenario": closed.share72_scenario,
        "within72_baseline": closed.baseline_total * closed.share72_baseline,
        "within72_scenario": closed.scenario_total * closed.share72_scenario,
    }
    rows = []
    for key, (label, unit) in SUMMARY_METRICS.items():
        stats = interval(out[key])
        rows.append(
            {
                "metric": key,
                "label": label,
                "unit": unit,
                "median": stats["median"],
                "p05": stats["p05"],
                "p95": stats["p95"],
                AT_MODES: point[key],
            }
        )
    summary = pd.DataFrame(rows)
    class_rows = []
    for k, name in enumerate(CLASSES):
        stats = interval(out["avoided_class"][:, k])
        base, scen = interval(out["baseline_class"][:, k]), interval(out["scenario_class"][:, k])
        class_rows.append(
            {
                "class": name,
                "incidents_in_window": int(baseline.class_counts[k]),
                "baseline_per_year_median": base["median"],
                "scenario_per_year_median": scen["median"],
                "avoided_median": stats["median"],
                "avoided_p05": stats["p05"],
                "avoided_p95": stats["p95"],
                f"avoided_{AT_MODES}": closed.avoided_class[k],
            }
        )
    by_class = pd.DataFrame(class_rows)
    return ScenarioResult(
        baseline,
        coverage,
        effects,
        closed,
        sim,
        summary,
        by_class,
        projection(sim, coverage, years, ramp_years),
        tornado(sim, effects),
        int(years),
        int(ramp_years),
    )


def methods_note(
    result: ScenarioResult,
    name: str = "",
    coverage_sources: list[CoverageDefault] | None = None,
    incident_sources: list | None = None,
) -> str:
    """A short markdown methods note stating the model, the inputs, every assumption used and where the incident
    data comes from (`incident_sources`: govdata.figures.Source objects from the provenance of the baseline)."""
    b, c = result.baseline, result.coverage
    pct = lambda x: numbers.fraction_text(x, 0)  # noqa: E731 - coverages are whole percentages
    lines = [f"# What-if scenario{': ' + name if name else ''} ({b.sector})", ""]
    if b.is_sample:
        lines += [
            "**SAMPLE DATA: the baseline comes from simulated incidents, not the ICO release.** The effect "
            "sizes and coverage defaults below are published figures or labelled assumptions.",
            "",
        ]
    lines += [
        "## What this is",
        "An illustrative model, not a causal estimate. It rescales the sector's observed incident numbers by "
        "assumed effects of data-protection training before system access and of having an effective, adequately "
        "resourced data protection officer (DPO). The effect sizes are mostly assumptions (see below); change them "
        "and the answer changes.",
        "",
        "## Model",
        f"- Baseline: {b.sector}, {numbers.count(b.total)} incidents reported to the ICO in {b.window_label} "
        f"({b.quarters} comparable quarters), annualised (x 4 / {b.quarters}). Incident types are grouped into "
        "classes by data/reference/incident_type_classes.csv."
        + (f" Types not in the mapping, classed by their category: {', '.join(b.unmapped)}." if b.unmapped else ""),
        "- Expected incidents in class k scale by (1 - r_tk t1)(1 - r_dk d1) / ((1 - r_tk t0)(1 - r_dk d0)), "
        "r = relative risk reduction, t/d = training/DPO coverage, 0 = current, 1 = target. Training and DPO "
        "coverage are assumed independent and their effects to multiply.",
        "- The share reported after 72 hours scales by the same form with its own effects.",
        f"- Uncertainty: {result.simulation.draws:,} Monte Carlo draws (seed {result.simulation.seed}); effects from "
        f"{result.simulation.distribution.upper() if result.simulation.distribution == 'pert' else 'triangular'}"
        "(low, most likely, high); class rates from Gamma(observed count); the within-72-hours share from "
        "Beta(within, late). Every figure is the median of the draws with its 90% interval (5th to 95th "
        "percentile), for the expected annual number.",
        f"- Projection: the baseline rate is held flat; coverage moves linearly to the target over "
        f"{result.ramp_years} year(s)" + (" (immediately)" if result.ramp_years == 0 else "") + ".",
        "",
        "## Coverage",
        f"- Training before system access: current {pct(c.t0)}, target {pct(c.t1)}.",
        f"- {INTERVENTION_LABELS['dpo']}: current {pct(c.d0)}, target {pct(c.d1)}. Public authorities must "
        "designate a DPO (UK GDPR Art. 37, since 25 May 2018), so for them the lever is a DPO who is effective and "
        "adequately resourced (Art. 38), not the designation.",
    ]
    for src in coverage_sources or []:
        cite = f" Source: {src.source}" + (f" <{src.url}>" if src.url else "") if src.is_published else ""
        dated = f" Data date: {src.data_date}." if src.data_date else ""
        lines.append(
            f"  - Current default for {INTERVENTION_LABELS[src.measure].lower()}: {pct(src.value)} "
            f"({src.basis_label}).{cite}{dated} {src.rationale}"
        )
    figs = figures(result.summary)
    lines += ["", "## Results (Monte Carlo median [90% interval])"]
    lines += [f"- {f.label}: {f.value} [{f.interval}]" for f in figs.values()]
    note = direction_note(result.summary)
    if note:
        lines += ["", note]
    lines += [
        "",
        f"For reference, {AT_MODES_WORDS} (no sampling) the model gives: "
        + "; ".join(f"{f.label.lower()} {f.at_modes_text}" for f in figs.values())
        + ". That is a different "
        "calculation from the median, not a second estimate.",
    ]
    lines += ["", "## Effect sizes (relative risk reductions: low / most likely / high)"]
    for row in result.effects.itertuples():
        basis = "published" if row.basis == "published" else "assumption"
        src = (
            f" Source: {row.source}" + (f" <{row.url}>" if row.url else "")
            if row.source and row.source != "assumption"
            else ""
        )
        lines.append(
            f"- {INTERVENTION_LABELS[row.intervention]} on {row.outcome}: {row.low:g} / {row.mode:g} / "
            f"{row.high:g} ({basis}). {row.rationale}{src}"
        )
    top = result.tornado.iloc[0]
    lines += [
        "",
        "## Sensitivity",
        f"The assumption that moves the median of '{top['headline'].lower()}' most is "
        f"{top['assumption'].lower()} ({numbers.estimate(top['headline_at_low'])} to "
        f"{numbers.estimate(top['headline_at_high'])}, against {numbers.estimate(top['central'])} with every "
        "input drawn).",
        "",
        "## Source of the incident data",
    ]
    lines += [f"- {src.line()}" for src in (incident_sources or [])] or ["- Not stated."]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- one scenario's inputs, as a compact token

TOKEN_SEP = "~"

MAX_NAME = 40
# A saved scenario's name (typed, or read back from a URL) keeps letters, digits, spaces and - . ( ) % only: no
# Markdown, HTML, plotly markup or spreadsheet formula syntax can travel in a shared link's name.
_NAME_DROPPED = re.compile(r"[^\w \-.()%]")


def scenario_name(text: str, fallback: str) -> str:
    """The name as stored and shown: allowed characters only, at most MAX_NAME, else `fallback`."""
    name = _NAME_DROPPED.sub("", plain_text.clean(text))[:MAX_NAME].strip()
    return name or fallback


def numbered_name(position: int) -> str:
    """The name of an unnamed saved scenario: 'Scenario 2' for the second."""
    return f"Scenario {position}"


def encode_saved(name: str, token: str) -> str:
    """A saved scenario as one URL value: 'name~token' (a name never holds TOKEN_SEP: scenario_name drops it)."""
    return f"{name}{TOKEN_SEP}{token}"


def decode_saved(text: str) -> tuple[str, str]:
    """(name, token) of a saved scenario's URL value; raises ScenarioInputError when the token is invalid."""
    name, _, token = str(text).partition(TOKEN_SEP)
    ScenarioInputs.from_token(token)
    return scenario_name(name, ""), token


# Upper bounds on everything a scenario token (from a URL) can ask for, so no link can make one page run expensive
# (measured by `python -m bench --worst-urls`). The page itself only ever writes DEFAULT_DRAWS draws; a token asking
# for more is refused with a note, as are longer windows or projections than the page offers.
TOKEN_BOUNDS = {
    "length": 600,  # characters in the whole token
    "sector": 120,  # characters in the sector name (then checked against the warehouse's sectors)
    "window_quarters": (1, MAX_WINDOW_QUARTERS),
    "draws": (100, DEFAULT_DRAWS),
    "seed": (0, 2**31 - 1),
    "ramp_years": (0, 20),
    "years": (1, 20),
}


@dataclass(frozen=True)
class ScenarioInputs:
    """Everything that defines a scenario; `token()` round-trips through a URL parameter."""

    sector: str
    t0: float
    d0: float
    t1: float
    d1: float
    window_quarters: int = DEFAULT_WINDOW_QUARTERS
    effects: str = ""  # overrides of the default effect sizes (assumptions.encode_effects)
    seed: int = DEFAULT_SEED
    ramp_years: int = DEFAULT_RAMP_YEARS
    years: int = DEFAULT_YEARS
    draws: int = DEFAULT_DRAWS

    def coverage(self) -> Coverage:
        return Coverage(self.t0, self.d0, self.t1, self.d1)

    def token(self) -> str:
        values = (
            self.sector,
            self.window_quarters,
            f"{self.t0:.4g}",
            f"{self.d0:.4g}",
            f"{self.t1:.4g}",
            f"{self.d1:.4g}",
            self.effects,
            self.seed,
            self.ramp_years,
            self.years,
            self.draws,
        )
        return TOKEN_SEP.join(str(v) for v in values)

    @classmethod
    def from_token(cls, text: str) -> ScenarioInputs:
        text = str(text)
        if len(text) > TOKEN_BOUNDS["length"]:
            raise ScenarioInputError(
                f"A scenario token is {len(text):,} characters long; at most {TOKEN_BOUNDS['length']} are accepted."
            )
        parts = text.split(TOKEN_SEP)
        if len(parts) != 11:
            raise ScenarioInputError(f"A scenario needs 11 fields separated by '{TOKEN_SEP}'; got {len(parts)}.")
        sector, window, t0, d0, t1, d1, effects, seed, ramp, years, draws = parts
        try:
            inputs = cls(
                sector,
                float(t0),
                float(d0),
                float(t1),
                float(d1),
                int(window),
                effects,
                int(seed),
                int(ramp),
                int(years),
                int(draws),
            )
        except ValueError:
            raise ScenarioInputError(f"A scenario field is not a number in {text[:120]!r}.") from None
        if len(sector) > TOKEN_BOUNDS["sector"]:
            raise ScenarioInputError(
                f"A scenario's sector name is {len(sector)} characters long; at most {TOKEN_BOUNDS['sector']}."
            )
        for name in ("window_quarters", "draws", "seed", "ramp_years", "years"):
            low, high = TOKEN_BOUNDS[name]
            value = getattr(inputs, name)
            if not low <= value <= high:
                raise ScenarioInputError(
                    f"A scenario's {name.replace('_', ' ')} is {value:,}; it must be between {low:,} and {high:,}."
                )
        inputs.coverage()  # validates the four coverages
        decode_effects(inputs.effects, load_effects())  # validates the overrides
        return inputs

    def with_(self, **changes) -> ScenarioInputs:
        return replace(self, **changes)


def evaluate_inputs(con, token: str) -> ScenarioResult:
    """Load the baseline and evaluate the scenario a token describes (module-level, so pages can cache it)."""
    inputs = ScenarioInputs.from_token(token)
    baseline = load_baseline(con, inputs.sector, inputs.window_quarters)
    effects = decode_effects(inputs.effects, load_effects())
    return evaluate(
        baseline,
        inputs.coverage(),
        effects,
        draws=inputs.draws,
        seed=inputs.seed,
        years=inputs.years,
        ramp_years=inputs.ramp_years,
    )


def comparison_table(results: dict[str, ScenarioResult]) -> pd.DataFrame:
    """One row per named scenario: its inputs, then every summary metric (median, 90% interval, and the run with
    every assumption at its most likely value, named as such)."""
    rows = []
    for name, r in results.items():
        row = {
            "scenario": name,
            "sector": r.baseline.sector,
            "baseline_window": r.baseline.window_label,
            "is_sample": r.baseline.is_sample,
            "training_current": r.coverage.t0,
            "training_target": r.coverage.t1,
            "dpo_current": r.coverage.d0,
            "dpo_target": r.coverage.d1,
            "edited_assumptions": int((r.effects["rationale"].str.startswith("Edited by the user")).sum()),
            "draws": r.simulation.draws,
            "seed": r.simulation.seed,
        }
        for m in r.summary.itertuples():
            prefix = "avoided" if m.metric == "avoided_total" else m.metric
            row[f"{prefix}_median"] = m.median
            row[f"{prefix}_p05"] = m.p05
            row[f"{prefix}_p95"] = m.p95
            row[f"{prefix}_{AT_MODES}"] = getattr(m, AT_MODES)
        rows.append(row)
    return pd.DataFrame(rows)
