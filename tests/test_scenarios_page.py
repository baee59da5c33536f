"""The Scenarios page under AppTest (real dashboard.py, real warehouse built by the ETL, model numbers checked)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from apptest_helpers import MediaCapture, assert_no_exception, open_page

from govdata import scenarios as sc
from govdata.scenarios import results as scenario_results
from govdata.warehouse import connect

PAGE = "app_pages/scenarios.py"


D0 = sc.coverage_default("Local government", "dpo").value  # the committed default (an EEA proxy, 0.69)


def model(warehouse, **changes) -> sc.ScenarioResult:
    inputs = sc.ScenarioInputs("Local government", 0.5, D0, 1.0, 1.0).with_(**changes)
    return sc.evaluate_inputs(connect(warehouse), inputs.token())


def qp(at, name: str) -> str:
    """A URL parameter's (first) value, whether AppTest reports it as a string or a list."""
    value = at.query_params[name]
    return value[0] if isinstance(value, list) else value


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def button(at, key_suffix: str):
    return next(b for b in at.get("download_button") if b.proto.id.endswith(key_suffix))


@pytest.fixture
def capture(monkeypatch):
    return MediaCapture().install(monkeypatch)


def test_defaults_show_the_model_output(monkeypatch, sample_warehouse):
    at = open_page(PAGE, sample_warehouse, monkeypatch)
    assert_no_exception(at)
    expected = scenario_results.figures(model(sample_warehouse).summary)
    shown = metrics(at)
    # every card is the Monte Carlo median, with its 90% interval beside it
    assert shown["Incidents a year now"] == expected["baseline_total"].value
    assert shown["Incidents a year, scenario"] == expected["scenario_total"].value
    assert shown["Incidents avoided a year"] == expected["avoided_total"].value
    assert shown["Reported within 72 hours, scenario"] == expected["share72_scenario"].value
    assert any(c.value == f"90% interval: {expected['avoided_total'].interval}" for c in at.caption)
    assert at.slider(key="url_t1").value == 100 and at.number_input(key="url_t0").value == 50
    assert at.number_input(key="url_d0").value == round(100 * D0)
    assert any("current: **50%**" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 4
    assert dict(at.query_params) == {}  # loading writes nothing to the address (no history entry)
    at.number_input(key="url_years").set_value(6).run()  # the first change writes the whole view
    assert qp(at, "t1") == "100" and qp(at, "sector") == "Local government" and qp(at, "years") == "6"


def test_slider_change_updates_results_and_url(monkeypatch, sample_warehouse):
    at = open_page(PAGE, sample_warehouse, monkeypatch)
    at.slider(key="url_t1").set_value(80).run()
    assert_no_exception(at)
    expected = scenario_results.figures(model(sample_warehouse, t1=0.8).summary)
    assert metrics(at)["Incidents avoided a year"] == expected["avoided_total"].value
    assert qp(at, "t1") == "80"


def test_other_sector_invites_the_user_to_set_coverage(monkeypatch, sample_warehouse):
    at = open_page(PAGE, sample_warehouse, monkeypatch, {"sector": "Health"})
    assert_no_exception(at)
    assert any("placeholders" in w.value for w in at.warning)


def test_editing_an_assumption_changes_results_and_travels_in_the_url(monkeypatch, sample_warehouse):
    at = open_page(PAGE, sample_warehouse, monkeypatch)
    # A first visit shows the effect sizes as a static table; the editing grid is drawn once its expander is open.
    assert not at.dataframe
    effects = next(t for t in at.table if "Most likely" in t.value.columns)
    assert len(effects.value) == len(sc.load_effects())
    at.session_state["scen-effects-edit-open"] = True
    at.run()
    assert len(at.dataframe) == 1, "the effect-size editor is not drawn in its open expander"
    at.session_state["scen_effects_editor"] = {
        "edited_rows": {0: {"mode": 0.2, "high": 0.4}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert_no_exception(at)
    assert qp(at, "fx") == "the:0,0.2,0.4"
    expected = scenario_results.figures(model(sample_warehouse, effects="the:0,0.2,0.4").summary)
    assert metrics(at)["Incidents avoided a year"] == expected["avoided_total"].value
    # An invalid edit is refused with a message; the previous assumptions stay in force.
    at.session_state["scen_effects_editor"] = {"edited_rows": {0: {"low": 0.5}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert any("is greater than high" in e.value and "not used" in e.value for e in at.error)
    default = scenario_results.figures(model(sample_warehouse).summary)
    assert metrics(at)["Incidents avoided a year"] == default["avoided_total"].value
    # Closing the editor keeps the assumptions in force (they are in the address), edits and all.
    at.session_state["scen_effects_editor"] = {
        "edited_rows": {0: {"mode": 0.2, "high": 0.4}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.session_state["scen-effects-edit-open"] = False
    at.run()
    at.run()
    assert_no_exception(at)
    assert qp(at, "fx") == "the:0,0.2,0.4"
    assert metrics(at)["Incidents avoided a year"] == expected["avoided_total"].value
    effects = next(t for t in at.table if "Most likely" in t.value.columns)
    row = effects.value.iloc[0].str.replace("\\", "")  # cells are escaped Markdown ("0\\.20" reads 0.20)
    assert (row["Most likely"], row["High"]) == ("0.20", "0.40")


def test_save_compare_url_round_trip_and_exports(monkeypatch, sample_warehouse, capture):
    at = open_page(PAGE, sample_warehouse, monkeypatch, capture=capture)
    at.text_input(key="scen_name").input("Full coverage").run()
    at.button[1].click().run()
    at.slider(key="url_d1").set_value(80).run()
    at.text_input(key="scen_name").input("DPO 80").run()
    at.button[1].click().run()
    assert_no_exception(at)
    assert qp(at, "s1").startswith(f"Full coverage~Local government~4~0.5~{D0:g}~1~1~")
    assert qp(at, "s2").startswith(f"DPO 80~Local government~4~0.5~{D0:g}~1~0.8~")
    # The comparison's CSV holds the inputs and the model's outputs for each scenario.
    csv = pd.read_csv(io.BytesIO(capture.download_bytes(button(at, "csv-scenario-comparison"))))
    assert list(csv["scenario"]) == ["Current (unsaved)", "Full coverage", "DPO 80"]
    full = model(sample_warehouse).summary.set_index("metric")
    dpo80 = model(sample_warehouse, d1=0.8).summary.set_index("metric")
    assert csv.loc[1, "avoided_median"] == pytest.approx(full.loc["avoided_total", "median"])
    assert csv.loc[2, "avoided_p95"] == pytest.approx(dpo80.loc["avoided_total", "p95"])
    assert list(csv["dpo_target"]) == [0.8, 1.0, 0.8]
    assert len(capture.download_bytes(button(at, "xlsx-scenario-comparison"))) > 1000
    note = capture.download_bytes(button(at, "scen_methods")).decode()
    assert "# What-if scenario: Full coverage (Local government)" in note and "not a causal estimate" in note
    full_figures = scenario_results.figures(model(sample_warehouse).summary)
    assert (
        f"Incidents avoided per year: {full_figures['avoided_total'].value} [{full_figures['avoided_total'].interval}]"
    ) in note
    # A link with the same parameters reopens the same scenario and the saved ones.
    params = {k: qp(at, k) for k in at.query_params}
    again = open_page(PAGE, sample_warehouse, monkeypatch, params)
    assert_no_exception(again)
    assert metrics(again) == metrics(at)
    assert again.slider(key="url_d1").value == 80
    assert [m.value for m in again.markdown if m.value.startswith("**Full coverage**")]
    assert qp(again, "s2") == qp(at, "s2")


def test_invalid_url_values_are_ignored_with_a_note(monkeypatch, sample_warehouse):
    at = open_page(PAGE, sample_warehouse, monkeypatch, {"t1": "150", "fx": "zz:1,2,3", "s1": "bad~token"})
    assert not at.exception
    notes = " ".join(i.value for i in at.info)
    assert "t1" in notes and "fx" in notes and "s1" in notes
    assert at.slider(key="url_t1").value == 100


def test_rerun_with_ten_thousand_draws(monkeypatch, sample_warehouse):
    # Timing lives in the benchmark (python -m bench), not in a timed test.
    at = open_page(PAGE, sample_warehouse, monkeypatch)
    at.slider(key="url_t1").set_value(70).run()  # a new input: the model runs again (10,000 draws)
    assert_no_exception(at)
    assert at.query_params.get("t1") in ("70", ["70"])
