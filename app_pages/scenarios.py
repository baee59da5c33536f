"""What-if scenarios: training and DPO coverage -> expected incidents and timely reporting, with uncertainty.

Widgets only: every number comes from govdata.scenarios (through ui.data's cache); the whole scenario, edited
assumptions and up to three saved scenarios live in the URL so a copied link reopens it.
"""
from __future__ import annotations

import re

import streamlit as st

from govdata import scenarios as sc
from govdata.charts import scenarios as charts
from govdata.queries import provenance
from govdata.queries import scenario_baseline
from govdata import numbers
from govdata.scenarios import results as scenario_results
from govdata.scenarios import runner
from govdata.scenarios.assumptions import INTERVENTION_LABELS
from ui import data, layout, panel, state
from ui.pack_button import pack_download

MAX_SAVED = 3
SAVED_PARAMS = [f"s{i}" for i in range(1, MAX_SAVED + 1)]
EDITOR_KEY = "scen_effects_editor"
BASE_KEY = "scen_effects_base"
SAVED_KEY = "scen_saved"
TITLE = "What if more organisations trained staff and had a DPO?"

INTRO = (
    "**What this is:** an illustrative model. It takes a sector's incidents reported to the ICO over a recent "
    "window, splits them into classes, and rescales each class by *assumed* effects of requiring data-protection "
    "training before system access and of having an effective, adequately resourced data protection officer (DPO), "
    "for the coverage you choose (public authorities must have a DPO since 25 May 2018). "
    "**What it is not:** a causal estimate or a forecast. Most effect sizes below are labelled assumptions "
    "because no published study measures them; change them in the table and the answer changes. Training and DPO "
    "coverage are assumed independent, and the baseline rate is held flat.")

meta = layout.page_setup(TITLE, INTRO, page="scenarios")
sources = provenance.to_sources(data.cached_query(provenance.chart_sources))
defaults = sc.load_effects()

# ------------------------------------------------------------------------------------------------ inputs
sector_options = list(data.cached_query(scenario_baseline.sectors).data["sector"])
if not sector_options:
    st.info("The warehouse has no comparable incidents, so there is no baseline to model.")
    st.stop()
left, right = st.columns(2)
sector = state.choice("sector", sector_options, "Local government", label="Sector", where=left)
window = state.number("window", sc.DEFAULT_WINDOW_QUARTERS, label="Baseline window (latest comparable quarters)",
                      min_value=1, max_value=40, where=right,
                      help=f"Incidents over this many quarters, annualised. At least {sc.MIN_INCIDENTS} needed.")
t_default = sc.coverage_default(sector, "training")
d_default = sc.coverage_default(sector, "dpo")

# A different sector brings its own current-coverage defaults (the URL's values count only on the first run).
previous = st.session_state.get("scen_prev_sector")
if previous is not None and previous != sector:
    st.session_state["url_t0"] = round(100 * t_default.value)
    st.session_state["url_d0"] = round(100 * d_default.value)
st.session_state["scen_prev_sector"] = sector


def slider(name: str, default: int, label: str, current: int, where) -> int:
    """A 0-100% slider kept in URL parameter `name` (invalid URL values ignored with a note)."""
    key = f"url_{name}"
    if key not in st.session_state:
        value = default
        if name in st.query_params:
            raw = st.query_params.get(name)
            try:
                parsed = int(raw)
            except (TypeError, ValueError):
                state.note_ignored(name, raw, "not a whole percentage")
            else:
                if 0 <= parsed <= 100:
                    value = parsed
                else:
                    state.note_ignored(name, raw, "outside 0 to 100")
        st.session_state[key] = value
    value = where.slider(label, 0, 100, key=key, format="%d%%", help=f"Current coverage: {current}%")
    where.caption(f"▲ current: **{current}%** · change: {value - current:+d} points")
    st.query_params[name] = str(value)
    return int(value)


def describe(default: sc.CoverageDefault) -> str:
    if default.is_published:
        return (f"Default from a {default.basis_label} figure ({default.data_date}): {default.source}. "
                f"{default.rationale} [source]({default.url})")
    return f"**Assumption** (no published figure for this sector): {default.rationale}"


cols = st.columns(2)
with cols[0]:
    st.subheader(INTERVENTION_LABELS["training"])
    t0 = state.number("t0", round(100 * t_default.value), label="Current coverage (%)", min_value=0,
                      max_value=100, help="Share of organisations that require it today.")
    st.caption(describe(t_default))
    t1 = slider("t1", 100, "Scenario coverage", t0, st)
with cols[1]:
    st.subheader(INTERVENTION_LABELS["dpo"])
    d0 = state.number("d0", round(100 * d_default.value), label="Current coverage (%)", min_value=0,
                      max_value=100, help="Share of organisations with a DPO today.")
    st.caption(describe(d_default))
    d1 = slider("d1", 100, "Scenario coverage", d0, st)
if not (t_default.sector_specific and d_default.sector_specific):
    st.warning(f"No published coverage figures were found for {state.escape(sector)}: the current coverage "
               "values are placeholders. Set them to what you know about the sector.", icon="✏️")

with st.expander("Model settings"):
    mcols = st.columns(3)
    seed = state.number("seed", sc.DEFAULT_SEED, label="Random seed", min_value=0, max_value=2**31 - 1,
                        where=mcols[0], help="Same seed and inputs give the same intervals.")
    ramp = state.number("ramp", 3, label="Years to reach the scenario coverage (0 = at once)", min_value=0,
                        max_value=20, where=mcols[1])
    years = state.number("years", 5, label="Years to project", min_value=1, max_value=20, where=mcols[2])

# ------------------------------------------------------------------------------------------------ assumptions
st.subheader("Assumptions: effect sizes")
st.caption("Relative risk reductions (0.1 = 10% fewer incidents in an organisation that trains / has a DPO). "
           "'Late reporting' is the share reported after 72 hours. Edit low / most likely / high in place; "
           "edited rows become your assumptions and travel in the link.")
if BASE_KEY not in st.session_state:
    token = st.query_params.get("fx", "")
    try:
        st.session_state[BASE_KEY] = sc.decode_effects(token, defaults)
    except sc.ScenarioInputError as exc:
        state.note_ignored("fx", token, str(exc))
        st.session_state[BASE_KEY] = defaults
base = st.session_state[BASE_KEY]
shown = base[["intervention", "outcome", "low", "mode", "high", "basis", "rationale", "source"]]
number = {c: st.column_config.NumberColumn(c if c != "mode" else "most likely", min_value=-1.0, max_value=0.99,
                                           step=0.01, format="%.2f", required=True) for c in ("low", "mode", "high")}
edited = st.data_editor(shown, key=EDITOR_KEY, hide_index=True, width="stretch", num_rows="fixed",
                        disabled=["intervention", "outcome", "basis", "rationale", "source"], column_config=number)
effects_token = ""
try:
    merged = base.copy()
    merged[["low", "mode", "high"]] = edited[["low", "mode", "high"]].astype(float).to_numpy()
    effects_token = sc.encode_effects(merged, defaults)
except (sc.ScenarioInputError, ValueError, TypeError) as exc:
    st.error(f"Assumption not used: {state.escape(str(exc), 300)} The starting values of the table are used until it is fixed.", icon="⚠️")
    effects_token = sc.encode_effects(base, defaults)
if effects_token:
    st.query_params["fx"] = effects_token
elif "fx" in st.query_params:
    del st.query_params["fx"]
if st.button("Reset assumptions to the published/default values", disabled=not effects_token):
    st.session_state[BASE_KEY] = defaults
    st.session_state.pop(EDITOR_KEY, None)
    st.query_params.pop("fx", None)
    st.rerun()

# ------------------------------------------------------------------------------------------------ results
inputs = sc.ScenarioInputs(sector, t0 / 100, d0 / 100, t1 / 100, d1 / 100, int(window), effects_token, int(seed),
                           int(ramp), int(years))
try:
    result = data.cached_query(runner.evaluate_inputs, inputs.token())
except sc.ScenarioInputError as exc:
    st.error(state.escape(str(exc), 400), icon="⚠️")
    st.stop()

b = result.baseline
st.subheader(f"Results for {sector}" + (" (sample data)" if b.is_sample else ""))
st.caption(f"Baseline: {numbers.count(b.total)} incidents in {b.window_label} ({b.quarters} comparable quarters), "
           f"annualised. Each figure is the Monte Carlo median with its 90% interval "
           f"({result.simulation.draws:,} draws, seed {result.simulation.seed}).")
if b.unmapped:
    st.info("Incident types not in the class mapping (classed by their category): "
            + state.escape(", ".join(b.unmapped), 300))

mcols = st.columns(4)
for col, card in zip(mcols, scenario_results.cards(result.summary)):
    col.metric(card.label, card.value, help=card.caption, border=True)
    col.caption(card.caption)
figures = scenario_results.figures(result.summary)
st.caption(f"Share reported within 72 hours now: {figures['share72_baseline'].with_interval}.")
direction = scenario_results.direction_note(result.summary)
if direction:
    st.caption(direction)
with st.expander("All results"):
    st.dataframe(scenario_results.results_table(result.summary), hide_index=True)

queries = list(b.queries)
# cached_chart: a rerun showing the same chart reuses its FigureSpec instead of rebuilding the figure
specs = [data.cached_chart(charts.fan_chart, result.projection, sector=sector, window_label=b.window_label,
                           ramp_years=int(ramp), sources=sources, queries=queries),
         data.cached_chart(charts.avoided_chart, result.by_class, sector=sector, sources=sources,
                           total=result.metric("avoided_total"), queries=queries),
         data.cached_chart(charts.tornado_chart, result.tornado, sector=sector, sources=sources)]
for spec in specs:
    panel.show_figure(spec)

# ------------------------------------------------------------------------------------------------ save / compare
st.subheader("Save and compare scenarios")
if SAVED_KEY not in st.session_state:
    saved: list[tuple[str, str]] = []
    for param in SAVED_PARAMS:
        raw = st.query_params.get(param)
        if not raw:
            continue
        name, _, token = raw.partition("~")
        try:
            sc.ScenarioInputs.from_token(token)
        except sc.ScenarioInputError as exc:
            state.note_ignored(param, raw, str(exc))
            continue
        saved.append((name[:40] or f"Scenario {len(saved) + 1}", token))
    st.session_state[SAVED_KEY] = saved
saved = st.session_state[SAVED_KEY]

scols = st.columns([3, 1])
name = scols[0].text_input("Name for this scenario", key="scen_name", max_chars=40,
                           placeholder=f"Scenario {len(saved) + 1}")
clean = re.sub(r"[^\w \-.()%]", "", name).strip() or f"Scenario {len(saved) + 1}"
full = len(saved) >= MAX_SAVED and clean not in [n for n, _ in saved]
if scols[1].button("Save this scenario", disabled=full, help="Up to three; same name replaces"):
    saved[:] = [(n, t) for n, t in saved if n != clean] + [(clean, inputs.token())]
    st.rerun()
if full:
    st.caption(f"{MAX_SAVED} scenarios saved: remove one to save another.")
for i, (n, t) in enumerate(list(saved)):
    c = st.columns([4, 1])
    fields = t.split("~")
    c[0].markdown(f"**{state.escape(n)}**: {state.escape(fields[0])}, training "
                  f"{numbers.fraction_text(float(fields[2]), 0)}→{numbers.fraction_text(float(fields[4]), 0)}, DPO "
                  f"{numbers.fraction_text(float(fields[3]), 0)}→{numbers.fraction_text(float(fields[5]), 0)}")
    if c[1].button("Remove", key=f"scen_remove_{i}"):
        saved.pop(i)
        st.rerun()
for param in SAVED_PARAMS:
    st.query_params.pop(param, None)
for param, (n, t) in zip(SAVED_PARAMS, saved):
    st.query_params[param] = f"{n}~{t}"

compared: dict[str, sc.ScenarioResult] = {"Current (unsaved)": result}
for n, t in saved:
    try:
        compared[n] = data.cached_query(runner.evaluate_inputs, t)
    except sc.ScenarioInputError as exc:
        st.warning(f"Saved scenario {state.escape(n)} cannot be evaluated: {state.escape(str(exc), 300)}")
table = sc.comparison_table(compared)
if len(compared) > 1:
    st.markdown("**Side by side** (Monte Carlo median with its 90% interval)")
    st.dataframe(scenario_results.comparison_display(table))
specs.append(data.cached_chart(charts.comparison_chart, table, sources=sources))
panel.show_figure(specs[-1])

notes = "\n\n---\n\n".join(
    sc.methods_note(r, name=n, coverage_sources=[sc.coverage_default(r.baseline.sector, m) for m in ("training", "dpo")],
                    incident_sources=sources)
    for n, r in compared.items())
st.download_button("Methods note (Markdown)", notes.encode("utf-8"), file_name="scenario-methods-note.md",
                   mime="text/markdown", key="scen_methods", on_click="ignore", icon=":material/description:",
                   help="The model, inputs, every assumption and its source, and the results")
with st.expander("Methods note"):
    st.markdown(notes)

pack_download(specs, TITLE)
