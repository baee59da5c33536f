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
    # one part at a time below the headline figures: the projection first, so a load draws one chart
    assert at.radio(key="url_view").value == "fan" and len(at.get("plotly_chart")) == 1
    assert dict(at.query_params) == {}  # loading writes nothing to the address (no history entry)
    assert "url_years" not in [n.key for n in at.number_input]  # the model settings are closed
    at.session_state["scen-settings-open"] = True
    at.run()
    at.number_input(key="url_years").set_value(6).run()  # the first change writes the whole view
    assert qp(at, "t1") == "100" and qp(at, "sector") == "Local government" and qp(at, "years") == "6"
    at.session_state["scen-settings-open"] = False
    at.run()
    at.slider(key="url_t1").set_value(90).run()  # the closed settings keep their values in the address
    assert qp(at, "years") == "6" and qp(at, "t1") == "90"


@pytest.mark.parametrize(
    "part, heading, charts",
    [
        ("avoided", None, ["chart-scenario-avoided-by-class"]),
        ("tornado", None, ["chart-scenario-tornado"]),
        ("assumptions", "Assumptions: effect sizes", []),
        ("compare", "Save and compare scenarios", ["chart-scenario-comparison"]),
        ("methods", "Methods note", []),
    ],
)
def test_each_part_is_shown_alone_and_goes_in_the_address(monkeypatch, sample_warehouse, part, heading, charts):
    at = open_page(PAGE, sample_warehouse, monkeypatch)
    at.radio(key="url_view").set_value(part).run()
    assert_no_exception(at)
    assert qp(at, "view") == part
    assert [c.key for c in at.get("plotly_chart")] == charts
    headers = [h.value for h in at.header]
    assert headers[-1] == heading if heading else "Assumptions: effect sizes" not in headers
    assert metrics(at), "the headline figures stay above every part"
    again = open_page(PAGE, sample_warehouse, monkeypatch, {"view": part})  # a copied link reopens that part
    assert [c.key for c in again.get("plotly_chart")] == charts


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
    at = open_page(PAGE, sample_warehouse, monkeypatch, {"view": "assumptions"})
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
    # Another part shown: the edited assumptions stay in force and in the address
    at.radio(key="url_view").set_value("fan").run()
    assert qp(at, "fx") == "the:0,0.2,0.4" and not at.table
    assert metrics(at)["Incidents avoided a year"] == expected["avoided_total"].value


def save_button(at):
    return next(b for b in at.button if b.label == "Save this scenario")


def test_save_compare_url_round_trip_and_exports(monkeypatch, sample_warehouse, capture):
    at = open_page(PAGE, sample_warehouse, monkeypatch, {"view": "compare"}, capture=capture)
    at.text_input(key="scen_name").input("Full coverage").run()
    save_button(at).click().run()
    at.slider(key="url_d1").set_value(80).run()
    at.text_input(key="scen_name").input("DPO 80").run()
    save_button(at).click().run()
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
    at.radio(key="url_view").set_value("methods").run()
    assert "s2" in at.query_params  # the saved scenarios stay in the address whatever part is shown
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
    again.radio(key="url_view").set_value("compare").run()
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


def test_briefing_note_and_pack_hold_every_chart(sample_warehouse):
    """The page draws the part shown; what a briefing writer downloads holds all four charts."""
    from govdata.views import scenarios as view
    from govdata.views.base import Direct
    from govdata.views.params import parse

    con = connect(sample_warehouse)
    try:
        runner = Direct(con)
        values = parse(view.PARAMS, "view=methods", runner).values
        page, every = view.build(runner, values), view.build(runner, values, everything=True)
    finally:
        con.close()
    assert list(page.figures) == []
    assert list(every.figures) == ["fan", "avoided", "tornado", "comparison"]
    assert "Show" not in [label for label, _ in every.filters]


def test_saved_scenarios_are_run_only_for_the_parts_that_show_them(sample_warehouse):
    from govdata.views import scenarios as view
    from govdata.views.base import Direct
    from govdata.views.params import parse

    token = sc.ScenarioInputs("Local government", 0.5, D0, 1.0, 0.8).token()
    con = connect(sample_warehouse)
    try:
        runner = Direct(con)
        shown = {
            part: list(
                view.build(runner, parse(view.PARAMS, f"view={part}&s1=Kept~{token}", runner).values).extra["compared"]
            )
            for part in ("fan", "compare", "methods")
        }
    finally:
        con.close()
    assert shown == {"fan": [view.CURRENT], "compare": [view.CURRENT, "Kept"], "methods": [view.CURRENT, "Kept"]}
