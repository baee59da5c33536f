"""What-if scenarios: training and DPO coverage -> expected incidents and timely reporting, with uncertainty.

Widgets only: every number comes from govdata.scenarios through govdata.views.scenarios; the whole scenario, edited
assumptions and up to three saved scenarios live in the URL so a copied link reopens it. Below the headline figures
one part is shown at a time (`view`: a result chart, the assumptions, save and compare, the methods note), so a
load draws one chart and about half the elements it used to.
"""

from __future__ import annotations

import re

import streamlit as st

from govdata import numbers
from govdata import scenarios as sc
from govdata.scenarios import results as scenario_results
from govdata.scenarios.assumptions import EFFECT_MAX, EFFECT_MIN, INTERVENTION_LABELS
from govdata.views import scenarios as view
from ui import panel, state, tables
from ui import view as frame

EDITOR_KEY = "scen_effects_editor"
EDIT_OPEN_KEY = "scen-effects-edit-open"  # the expander holding the editor
BASE_KEY = "scen_effects_base"  # the effects token the editor's edits are relative to
EFFECT_VALUES = ("low", "mode", "high")  # the editable columns
EFFECT_TEXT = ("intervention", "outcome", "basis", "rationale", "source")

form = frame.start(view)
defaults = sc.load_effects()

# ------------------------------------------------------------------------------------------------ inputs
if not form.params["sector"].choices(form.runner, form.values):
    st.info("The warehouse has no comparable incidents, so there is no baseline to model.")
    st.stop()
left, right = st.columns(2)
sector = form.widget("sector", where=left)
form.widget("window", where=right)
coverage = sc.coverage_defaults(sector)


def describe(default: sc.CoverageDefault) -> str:
    if default.is_published:
        return (
            f"Default: {default.basis_label}, measured {default.data_date}. Source: {default.source}. "
            f"{default.rationale} [source]({default.url})"
        )
    return f"**Assumption** (no published figure for this sector): {default.rationale}"


cols = st.columns(len(view.COVERAGE_PARAMS))
for col, (measure, (now, target)) in zip(cols, view.COVERAGE_PARAMS.items()):
    with col:
        st.header(INTERVENTION_LABELS[measure])
        current = form.widget(now, label="Current coverage (%)")
        st.caption(describe(coverage[measure]))
        chosen = form.widget(target, label="Scenario coverage", format="%d%%", help=f"Current coverage: {current}%")
        st.caption(f"▲ current: **{current}%** · change: {chosen - current:+d} points")
if not all(default.sector_specific for default in coverage.values()):
    st.warning(
        f"No published coverage figures were found for {state.escape(sector)}: the current coverage "
        "values are placeholders. Set them to what you know about the sector.",
        icon="✏️",
    )

# Built once opened (their values stay in the address while it is closed)
settings = panel.lazy_expander(
    "Model settings: random seed, years to reach the coverage, years to project", key="scen-settings-open"
)
if settings:
    mcols = settings.columns(3)
    form.widget("seed", where=mcols[0])
    form.widget("ramp", where=mcols[1])
    form.widget("years", where=mcols[2])
results_area = st.container()  # filled once the model has run, above the choice of what to show below
part = form.widget("view")

# ------------------------------------------------------------------------------------------------ assumptions
# The effect sizes in force: the address's, with the edits the editor (drawn below the results) made on its last
# run. Worked out here, before the results, which come first on the page.
if form.reloaded or BASE_KEY not in st.session_state:  # a new address: its assumptions, no pending edits
    st.session_state[BASE_KEY] = form.values["fx"]
    st.session_state.pop(EDITOR_KEY, None)
base = sc.decode_effects(st.session_state[BASE_KEY], defaults)
edit_error = None
try:
    merged = tables.with_editor_edits(base, EDITOR_KEY, EFFECT_VALUES)
    merged[list(EFFECT_VALUES)] = merged[list(EFFECT_VALUES)].astype(float)
    form.set("fx", sc.encode_effects(merged, defaults))
except (sc.ScenarioInputError, ValueError, TypeError, IndexError) as exc:
    edit_error = str(exc)
    form.set("fx", sc.encode_effects(base, defaults))


def reset_assumptions() -> None:
    st.session_state[BASE_KEY] = ""
    st.session_state.pop(EDITOR_KEY, None)
    state.update_stored(view.PAGE, fx="")


saved = view.saved(form.values)
form.commit()

# ------------------------------------------------------------------------------------------------ results
try:
    shown = frame.build(view, form)
except sc.ScenarioInputError as exc:
    st.error(state.escape(str(exc), 400), icon="⚠️")
    st.stop()
result = shown.extra["result"]
b = result.baseline
results_area.header(f"Results for {sector}" + (" (sample data)" if b.is_sample else ""))
results_area.caption(
    f"Baseline: {numbers.count(b.total)} incidents in {b.window_label} ({b.quarters} comparable quarters), "
    f"annualised. Each figure is the Monte Carlo median with its 90% interval "
    f"({result.simulation.draws:,} draws, seed {result.simulation.seed})."
)
if b.unmapped:
    results_area.info(
        "Incident types not in the class mapping (classed by their category): "
        + state.escape(", ".join(b.unmapped), 300)
    )

mcols = results_area.container(key="result-cards").columns(4)  # labels given equal room (ui/style.py)
for col, card in zip(mcols, scenario_results.cards(result.summary)):
    col.metric(card.label, card.value, border=True)  # its interval is the caption below, not a second tooltip
    col.caption(card.caption)
figures = scenario_results.figures(result.summary)
notes = [f"Share reported within 72 hours now: {figures['share72_baseline'].with_interval}."]
notes.append(scenario_results.direction_note(result.summary))
results_area.caption("  \n".join(note for note in notes if note))
with results_area:
    all_results = panel.lazy_expander("All results", key="scenario-results-open")
if all_results:
    tables.show_table(
        scenario_results.results_table(result.summary),
        key="scenario-results",
        caption=f"Scenario results for {sector}",
        where=all_results,
    )

if part in view.RESULT_CHARTS:
    panel.show_figure(shown.figures[part])


# ------------------------------------------------------------------------------------------------ the other parts
def show_assumptions() -> None:
    """The effect sizes in force, their editor (built once opened) and the reset button."""
    st.header("Assumptions: effect sizes")
    st.caption(
        "Relative risk reductions (0.1 = 10% fewer incidents in an organisation that trains / has a DPO). "
        "'Late reporting' is the share reported after 72 hours. Change low / most likely / high under 'Edit the "
        "assumptions'; edited rows become your assumptions and travel in the link."
    )
    if edit_error:
        st.error(
            f"Assumption not used: {state.escape(edit_error, 300)} The starting values of the table are used until "
            "it is fixed.",
            icon="⚠️",
        )
    in_force = sc.decode_effects(form.values["fx"], defaults)
    tables.show_static(
        in_force.assign(intervention=in_force["intervention"].map(INTERVENTION_LABELS)),
        hide=("source", "url", "rationale"),
        caption="Effect sizes in force",
    )
    # The editing grid (and its JavaScript) only once asked for: the table above shows the values in force.
    editor = panel.lazy_expander("Edit the assumptions (with their rationale and sources)", key=EDIT_OPEN_KEY)
    if editor:
        number = {
            c: st.column_config.NumberColumn(
                tables.label(c), min_value=EFFECT_MIN, max_value=EFFECT_MAX, step=0.01, format="%.2f", required=True
            )
            for c in EFFECT_VALUES
        }
        number |= {c: st.column_config.TextColumn(tables.label(c)) for c in EFFECT_TEXT}
        editor.data_editor(
            base[["intervention", "outcome", *EFFECT_VALUES, "basis", "rationale", "source"]],
            key=EDITOR_KEY,
            hide_index=True,
            width="stretch",
            num_rows="fixed",
            disabled=list(EFFECT_TEXT),
            column_config=number,
        )
    else:
        editor_closed()
    st.button(
        "Reset assumptions to the published/default values", disabled=not form.values["fx"], on_click=reset_assumptions
    )


def editor_closed() -> None:
    """The editor is closed or not shown: its edits are in the address now; a reopened editor starts from them."""
    st.session_state[BASE_KEY] = form.values["fx"]
    st.session_state.pop(EDITOR_KEY, None)


NAME_KEY = "scen_name"


def save_current() -> None:
    values = state.stored_values(view.PAGE)
    state.update_stored(view.PAGE, **view.with_saved(values, st.session_state.get(NAME_KEY, "")))


def remove(index: int) -> None:
    state.update_stored(view.PAGE, **view.without_saved(state.stored_values(view.PAGE), index))


def show_compare() -> None:
    """Save the scenario under a name (up to three, in the address), the saved ones, and all of them side by side."""
    st.header("Save and compare scenarios")
    full = not view.can_save(view.name_to_save(st.session_state.get(NAME_KEY, ""), saved), saved)
    scols = st.columns([3, 1])
    scols[0].text_input(
        "Name for this scenario", key=NAME_KEY, max_chars=view.NAME_CHARS, placeholder=sc.numbered_name(len(saved) + 1)
    )
    scols[1].button("Save this scenario", disabled=full, help="Up to three; same name replaces", on_click=save_current)
    if full:
        st.caption(f"{view.MAX_SAVED} scenarios saved: remove one to save another.")
    for i, (n, t) in enumerate(saved):
        kept = sc.ScenarioInputs.from_token(t)
        c = st.columns([4, 1])
        c[0].markdown(
            f"**{state.escape(n)}**: {state.escape(kept.sector)}, training "
            f"{numbers.fraction_text(kept.t0, 0)}→{numbers.fraction_text(kept.t1, 0)}, DPO "
            f"{numbers.fraction_text(kept.d0, 0)}→{numbers.fraction_text(kept.d1, 0)}"
        )
        c[1].button("Remove", key=f"scen_remove_{i}", on_click=remove, args=(i,))
    for n, message in shown.extra["failed"]:
        st.warning(f"Saved scenario {state.escape(n)} cannot be evaluated: {state.escape(message, 300)}")
    if len(shown.extra["compared"]) > 1:
        st.markdown("**Side by side** (Monte Carlo median with its 90% interval)")
        st.dataframe(scenario_results.comparison_display(shown.extra["comparison"]))
    panel.show_figure(shown.figures["comparison"])


def methods_text() -> str:
    return "\n\n---\n\n".join(shown.extra["methods"]())


def show_methods() -> None:
    """The methods note of every compared scenario, on the page and as a Markdown download."""
    st.header("Methods note")
    panel.download(
        st,
        "Methods note (Markdown)",
        lambda: methods_text().encode("utf-8"),
        file_name="scenario-methods-note.md",
        mime="text/markdown",
        key="scen_methods",
        icon=":material/description:",
        help="The model, inputs, every assumption and its source, and the results",
    )
    st.markdown(re.sub(r"(?m)^(#{1,4}) ", r"##\1 ", methods_text()))  # its headings sit under this section's h2


if part == "assumptions":
    show_assumptions()
else:
    editor_closed()
if part == "compare":
    show_compare()
if part == "methods":
    show_methods()

frame.downloads(view, shown, form, all_views=True)
