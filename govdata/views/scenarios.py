"""What-if scenarios: training and DPO coverage -> expected incidents and timely reporting, with uncertainty.

Every input lives in the URL: sector, window, coverage now and in the scenario (percentages), model settings,
edited assumptions (`fx`, govdata.scenarios' effects codec) and up to three saved scenarios (`s1`..`s3`, each
'name~scenario token', govdata.scenarios.ScenarioInputs' token codec). Below the headline figures the page shows
one part at a time (`view`: one of the three result charts, the assumptions, saving and comparing, or the methods
note), so a load draws one chart; the briefing note and pack hold every chart.
"""

from __future__ import annotations

from typing import Any

from govdata import numbers
from govdata import scenarios as sc
from govdata.charts import scenarios as charts
from govdata.views.base import PageView, Runner, describe, meta, page_view, sector_options, sources
from govdata.views.params import Param, bounded

PAGE = "scenarios"
NAV_TITLE = "Scenarios"
TITLE = "What if more organisations trained staff and had a DPO?"
INTRO = (
    "**What this is:** an illustrative model. It takes a sector's incidents reported to the ICO over a recent "
    "window, splits them into classes, and rescales each class by *assumed* effects of requiring data-protection "
    "training before system access and of having an effective, adequately resourced data protection officer (DPO), "
    "for the coverage you choose (public authorities must have a DPO since 25 May 2018). "
    "**What it is not:** a causal estimate or a forecast. Most effect sizes below are labelled assumptions "
    "because no published study measures them; change them in the table and the answer changes. Training and DPO "
    "coverage are assumed independent, and the baseline rate is held flat."
)
PREFERRED_SECTOR = "Local government"
MAX_SAVED = 3
SAVED_PARAMS = tuple(f"s{i}" for i in range(1, MAX_SAVED + 1))
NAME_CHARS = sc.MAX_NAME  # a saved scenario's name is cut to this length
PERCENT = (0, 100)
# the widgets offer exactly what a scenario token may carry (the model's bounds, never retyped here)
WINDOW_QUARTERS = sc.TOKEN_BOUNDS["window_quarters"]
SEED_RANGE = sc.TOKEN_BOUNDS["seed"]
RAMP_YEARS = sc.TOKEN_BOUNDS["ramp_years"]
PROJECTION_YEARS = sc.TOKEN_BOUNDS["years"]
CURRENT = "Current (unsaved)"
COVERAGE_PARAMS = {"training": ("t0", "t1"), "dpo": ("d0", "d1")}  # intervention -> (current, scenario) params
# The parts of the page below the headline figures, one at a time; the first three are the result charts.
VIEWS = {
    "fan": "Incidents over time",
    "avoided": "Incidents avoided",
    "tornado": "What matters most",
    "assumptions": "Assumptions",
    "compare": "Save and compare",
    "methods": "Methods",
}
RESULT_CHARTS = ("fan", "avoided", "tornado")


def _current(measure: str):
    def default(runner: Runner, values, options) -> int:
        return int(numbers.round_half_up(100 * sc.coverage_default(values["sector"], measure).value))

    return default


def _effects(text: str) -> str:
    sc.decode_effects(text, sc.load_effects())  # raises ScenarioInputError (a ValueError) when invalid
    return text


def _percent(name: str, label: str, default, **extra) -> Param:
    return bounded(name, label, default, PERCENT, **extra)


PARAMS = (
    Param(
        "sector",
        "choice",
        "Sector",
        options=sector_options,
        default=lambda runner, values, options: PREFERRED_SECTOR if PREFERRED_SECTOR in options else None,
    ),
    bounded(
        "window",
        "Baseline window (latest comparable quarters)",
        sc.DEFAULT_WINDOW_QUARTERS,
        WINDOW_QUARTERS,
        help=f"Incidents over this many quarters, annualised. At least {sc.MIN_INCIDENTS} needed.",
    ),
    _percent(
        "t0",
        "Training: current coverage (%)",
        _current("training"),
        resets_with=("sector",),
        help="Share of organisations that require it today.",
    ),
    _percent(
        "d0",
        "DPO: current coverage (%)",
        _current("dpo"),
        resets_with=("sector",),
        help="Share of organisations with a DPO today.",
    ),
    _percent("t1", "Training: scenario coverage (%)", 100, widget="slider"),
    _percent("d1", "DPO: scenario coverage (%)", 100, widget="slider"),
    bounded("seed", "Random seed", sc.DEFAULT_SEED, SEED_RANGE, help="Same seed and inputs give the same intervals."),
    bounded("ramp", "Years to reach the scenario coverage (0 = at once)", sc.DEFAULT_RAMP_YEARS, RAMP_YEARS),
    bounded("years", "Years to project", sc.DEFAULT_YEARS, PROJECTION_YEARS),
    Param(
        "fx",
        "text",
        "Edited assumptions",
        default="",
        decode=_effects,
        describe=lambda v: v or "none (published/default values)",
    ),
    *(
        Param(
            name,
            "text",
            f"Saved scenario {i}",
            default=None,
            decode=sc.decode_saved,
            encode=lambda v: sc.encode_saved(*v) if v else "",
            describe=lambda v: v[0] if v else "none",
        )
        for i, name in enumerate(SAVED_PARAMS, 1)
    ),
    Param("view", "choice", "Show", options=VIEWS, default="fan", widget="radio"),
)


def inputs(values: dict[str, Any]) -> sc.ScenarioInputs:
    """The model inputs the values describe (coverage as fractions)."""
    return sc.ScenarioInputs(
        values["sector"],
        values["t0"] / 100,
        values["d0"] / 100,
        values["t1"] / 100,
        values["d1"] / 100,
        int(values["window"]),
        values["fx"],
        int(values["seed"]),
        int(values["ramp"]),
        int(values["years"]),
    )


def saved(values: dict[str, Any]) -> list[tuple[str, str]]:
    """The saved scenarios as (name, token), unnamed ones numbered in order."""
    out = []
    for param in SAVED_PARAMS:
        if values.get(param):
            name, token = values[param]
            out.append((name or sc.numbered_name(len(out) + 1), token))
    return out


def name_to_save(typed: str, kept: list[tuple[str, str]]) -> str:
    """The name a scenario is saved under: what was typed (allowed characters only), else the next number."""
    return sc.scenario_name(typed, sc.numbered_name(len(kept) + 1))


def can_save(name: str, kept: list[tuple[str, str]]) -> bool:
    """Room for one more, or `name` replaces a saved scenario of that name."""
    return len(kept) < MAX_SAVED or name in [n for n, _ in kept]


def with_saved(values: dict[str, Any], typed: str) -> dict[str, tuple[str, str] | None]:
    """The s1..s3 values once the scenario `values` describe is saved under the typed name (same name replaces;
    unchanged when all are taken)."""
    kept = saved(values)
    name = name_to_save(typed, kept)
    if not can_save(name, kept):
        return saved_values(kept)
    return saved_values([(n, t) for n, t in kept if n != name] + [(name, inputs(values).token())])


def without_saved(values: dict[str, Any], index: int) -> dict[str, tuple[str, str] | None]:
    """The s1..s3 values with the `index`-th saved scenario removed."""
    return saved_values([s for i, s in enumerate(saved(values)) if i != index])


def saved_values(kept: list[tuple[str, str]]) -> dict[str, tuple[str, str] | None]:
    """The s1..s3 values for a list of (name, token) (at most MAX_SAVED; the rest empty)."""
    padded = list(kept[:MAX_SAVED]) + [None] * (MAX_SAVED - len(kept[:MAX_SAVED]))
    return dict(zip(SAVED_PARAMS, padded))


def view_title(values: dict[str, Any]) -> str:
    return f"{NAV_TITLE}: {values['sector']}" if values.get("sector") else NAV_TITLE


def _result_chart(runner: Runner, role: str, result, current: sc.ScenarioInputs, ico: list):
    queries = list(result.baseline.queries)
    if role == "fan":
        return runner.chart(
            charts.fan_chart,
            result.projection,
            sector=current.sector,
            window_label=result.baseline.window_label,
            ramp_years=current.ramp_years,
            sources=ico,
            queries=queries,
        )
    if role == "avoided":
        total = result.metric("avoided_total")
        return runner.chart(
            charts.avoided_chart, result.by_class, sector=current.sector, sources=ico, total=total, queries=queries
        )
    return runner.chart(charts.tornado_chart, result.tornado, sector=current.sector, sources=ico)


def build(runner: Runner, values: dict[str, Any], *, everything: bool = False) -> PageView:
    """The scenario's results, the chart of the part shown (`view`) and the comparison with the saved scenarios;
    every chart when `everything` (the briefing note and pack).

    Raises govdata.scenarios.ScenarioInputError when the inputs cannot be evaluated (e.g. too few incidents).
    """
    info = meta(runner)
    view = page_view(PAGE, TITLE, view_title(values), info)
    if values.get("sector") is None:
        view.extra["empty"] = True
        return view
    ico = sources(runner)
    current = inputs(values)
    result = runner.query(sc.evaluate_inputs, current.token())
    shown = values["view"]
    view.figures = {
        role: _result_chart(runner, role, result, current, ico) for role in RESULT_CHARTS if everything or role == shown
    }
    compared: dict[str, sc.ScenarioResult] = {CURRENT: result}
    failed = []
    # the saved scenarios are run (a Monte Carlo each when not cached) only for the parts that show them
    for name, token in saved(values) if everything or shown in ("compare", "methods") else []:
        try:
            compared[name] = runner.query(sc.evaluate_inputs, token)
        except sc.ScenarioInputError as exc:
            failed.append((name, str(exc)))
    table = sc.comparison_table(compared)
    if everything or shown == "compare":
        view.figures["comparison"] = runner.chart(charts.comparison_chart, table, sources=ico)
    view.headlines = [s.summary for s in view.figures.values()]
    view.filters = describe(PARAMS, runner, values, hidden=("view",))
    defaults = sc.coverage_defaults(current.sector)
    view.extra.update(
        result=result,
        inputs=current,
        compared=compared,
        comparison=table,
        failed=failed,
        coverage=defaults,
        methods=lambda: [
            sc.methods_note(
                r, name=n, coverage_sources=list(sc.coverage_defaults(r.baseline.sector).values()), incident_sources=ico
            )
            for n, r in compared.items()
        ],  # each compared scenario's methods note, written when asked for (a download, an opened expander)
    )
    return view
