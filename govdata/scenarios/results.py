"""A scenario's headline figures as text: one figure per measure (Monte Carlo median with its 90% interval).

Cards, chart titles, the comparison table, the CLI and the methods note all take their numbers from here (through
govdata.numbers), so one run never shows two different figures for the same measure. The run with every effect at
its most likely value is only ever shown labelled as such (AT_MODES_WORDS).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from govdata import numbers

AT_MODES = "at_most_likely_values"
AT_MODES_WORDS = "with every assumption at its most likely value"
INTERVAL_WORDS = "90% interval"


@dataclass(frozen=True)
class Figure:
    """One measure of a scenario: Monte Carlo median, 90% interval and the run at the modes, with their text."""

    metric: str
    label: str
    unit: str  # 'incidents' (a year) or 'share' (a proportion 0-1)
    median: float
    p05: float
    p95: float
    at_modes: float

    def _text(self, value: float) -> str:
        return numbers.fraction_text(value) if self.unit == "share" else numbers.estimate(value)

    @property
    def value(self) -> str:
        """The headline figure: the median, e.g. '66.1' or '77.6%'."""
        return self._text(self.median)

    @property
    def interval(self) -> str:
        """'42.4 to 94.3' (or '75.1% to 80.0%')."""
        return numbers.interval_text(self.p05, self.p95, share=self.unit == "share")

    @property
    def with_interval(self) -> str:
        """'66.1 (90% interval 42.4 to 94.3)'."""
        return f"{self.value} ({INTERVAL_WORDS} {self.interval})"

    @property
    def at_modes_text(self) -> str:
        return self._text(self.at_modes)


def figures(summary: pd.DataFrame) -> dict[str, Figure]:
    """{metric: Figure} from a ScenarioResult.summary frame."""
    return {
        row.metric: Figure(
            row.metric,
            row.label,
            row.unit,
            float(row.median),
            float(row.p05),
            float(row.p95),
            float(getattr(row, AT_MODES)),
        )
        for row in summary.itertuples(index=False)
    }


CARDS = (
    ("baseline_total", "Incidents a year now"),
    ("scenario_total", "Incidents a year, scenario"),
    ("avoided_total", "Incidents avoided a year"),
    ("share72_scenario", "Reported within 72 hours, scenario"),
)


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    caption: str


def cards(summary: pd.DataFrame) -> list[Card]:
    """The four result cards: median as the value, the 90% interval as the caption."""
    figs = figures(summary)
    return [Card(label, figs[metric].value, f"{INTERVAL_WORDS}: {figs[metric].interval}") for metric, label in CARDS]


def direction_note(summary: pd.DataFrame) -> str | None:
    """One sentence when the count reported within 72 hours and its share move in opposite directions."""
    figs = figures(summary)
    count_before, count_after = figs["within72_baseline"], figs["within72_scenario"]
    share_before, share_after = figs["share72_baseline"], figs["share72_scenario"]
    total_before, total_after = figs["baseline_total"], figs["scenario_total"]
    count_move = count_after.median - count_before.median
    share_move = share_after.median - share_before.median
    if count_move == 0 or share_move == 0 or (count_move > 0) == (share_move > 0):
        return None
    count_verb, share_verb = ("falls", "rises") if count_move < 0 else ("rises", "falls")
    total_verb = "fewer" if total_after.median < total_before.median else "more"
    return (
        f"The number reported within 72 hours {count_verb} ({count_before.value} to {count_after.value} a year) "
        f"while the share {share_verb} ({share_before.value} to {share_after.value}) because there are "
        f"{total_verb} incidents in all ({total_before.value} to {total_after.value} a year): "
        + (
            "fewer reports, a larger share of them on time."
            if count_move < 0
            else "more reports, a smaller share of them on time."
        )
    )


def results_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Every measure for display and export: median, 90% interval, and the run at the modes, each as text."""
    figs = figures(summary).values()
    return pd.DataFrame(
        {
            "measure": [f.label for f in figs],
            "median": [f.value for f in figs],
            INTERVAL_WORDS: [f.interval for f in figs],
            AT_MODES_WORDS: [f.at_modes_text for f in figs],
        }
    )


def comparison_display(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison table (govdata.scenarios.comparison_table) as text: one column per scenario."""
    rows: dict[str, list[str]] = {}
    for _, r in table.iterrows():
        column = [
            r["sector"],
            f"{numbers.fraction_text(r['training_current'], 0)} to {numbers.fraction_text(r['training_target'], 0)}",
            f"{numbers.fraction_text(r['dpo_current'], 0)} to {numbers.fraction_text(r['dpo_target'], 0)}",
            str(int(r["edited_assumptions"])),
        ]
        for metric in ("baseline_total", "scenario_total", "avoided", "share72_scenario"):  # the rows of `index`
            share = metric.startswith("share")
            text = (lambda v: numbers.fraction_text(v)) if share else (lambda v: numbers.estimate(v))
            column.append(f"{text(r[f'{metric}_median'])} ({text(r[f'{metric}_p05'])} to {text(r[f'{metric}_p95'])})")
        rows[r["scenario"]] = column
    index = [
        "Sector",
        "Training coverage (current to target)",
        "DPO coverage (current to target)",
        "Assumptions edited",
        "Incidents a year now: median (90% interval)",
        "Incidents a year, scenario: median (90% interval)",
        "Incidents avoided a year: median (90% interval)",
        "Reported within 72 hours, scenario: median (90% interval)",
    ]
    return pd.DataFrame(rows, index=index)
