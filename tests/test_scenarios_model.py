"""The what-if model: closed form, Monte Carlo, sensitivity, validation and the baseline from a real warehouse."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govdata import scenarios as sc
from govdata import vocabulary
from govdata.charts import scenarios as charts
from govdata.scenarios import assumptions
from govdata.scenarios import results as scenario_results
from govdata.scenarios.model import Baseline
from govdata.warehouse import connect


def make_baseline(counts=(100, 20, 40, 40), within72=150, quarters=4) -> Baseline:
    counts = np.array(counts, dtype=float)
    return Baseline(
        "Test sector", quarters, "2024-Q1", "2024-Q4", counts, within72, int(counts.sum()), pd.DataFrame(), (), False
    )


def effects_with(low=None, mode=None, high=None) -> pd.DataFrame:
    frame = sc.load_effects()
    for column, value in (("low", low), ("mode", mode), ("high", high)):
        if value is not None:
            frame[column] = value
    return frame


# ------------------------------------------------------------------ closed form


def test_zero_effect_gives_baseline_exactly():
    b = make_baseline()
    zero = effects_with(0.0, 0.0, 0.0)
    cov = sc.Coverage(0.5, 0.74, 1.0, 1.0)
    r = sc.closed_form(b, zero, cov)
    assert r.scenario_total == r.baseline_total == 200.0
    assert r.share72_scenario == r.share72_baseline == 0.75
    out = sc.simulate(b, zero, cov, draws=1000, seed=1).outcomes()
    assert np.array_equal(out["scenario_total"], out["baseline_total"])


def test_unchanged_coverage_gives_baseline_exactly():
    b = make_baseline()
    cov = sc.Coverage(0.3, 0.6, 0.3, 0.6)
    r = sc.closed_form(b, sc.load_effects(), cov)
    assert np.array_equal(r.scenario_class, b.annual_class)
    out = sc.simulate(b, sc.load_effects(), cov, draws=1000, seed=1).outcomes()
    assert np.allclose(out["scenario_total"], out["baseline_total"], rtol=0, atol=1e-9)
    assert np.allclose(out["share72_scenario"], out["share72_baseline"], rtol=0, atol=1e-12)


def test_full_coverage_matches_hand_computation():
    # Default most-likely effects: training (0.10, 0.10, 0.05, 0.05; late 0.05), DPO (0.05, 0.02, 0.02, 0.05;
    # late 0.20). Window of 2 quarters: per year = count * 2.
    b = make_baseline((100, 20, 40, 40), within72=150, quarters=2)
    r = sc.closed_form(b, sc.load_effects(), sc.Coverage(0.5, 0.74, 1.0, 1.0))
    human = 200 * (0.90 * 0.95) / ((1 - 0.10 * 0.5) * (1 - 0.05 * 0.74))  # 186.916...
    phish = 40 * (0.90 * 0.98) / ((1 - 0.10 * 0.5) * (1 - 0.02 * 0.74))
    cyber = 80 * (0.95 * 0.98) / ((1 - 0.05 * 0.5) * (1 - 0.02 * 0.74))
    noncy = 80 * (0.95 * 0.95) / ((1 - 0.05 * 0.5) * (1 - 0.05 * 0.74))
    assert r.scenario_class == pytest.approx([human, phish, cyber, noncy], rel=1e-12)
    assert r.baseline_total == 400.0
    assert round(human, 3) == 186.916  # 200 * 0.855 / (0.95 * 0.963) = 171 / 0.91485
    late = 0.25 * (0.95 * 0.80) / ((1 - 0.05 * 0.5) * (1 - 0.20 * 0.74))
    assert r.share72_scenario == pytest.approx(1 - late, rel=1e-12)


def test_monte_carlo_mean_converges_to_closed_form():
    # Tolerance: 1% relative with 200,000 draws (the Gamma/Beta sampling error is ~0.2% here).
    b = make_baseline()
    cov = sc.Coverage(0.5, 0.74, 0.9, 1.0)
    fixed = sc.load_effects()
    fixed["low"] = fixed["mode"]
    fixed["high"] = fixed["mode"]
    out = sc.simulate(b, fixed, cov, draws=200_000, seed=7).outcomes()
    closed = sc.closed_form(b, fixed, cov)
    assert out["scenario_total"].mean() == pytest.approx(closed.scenario_total, rel=0.01)
    assert out["share72_scenario"].mean() == pytest.approx(closed.share72_scenario, rel=0.01)
    # With uncertain effects and t0 = d0 = 0 the model is linear in each effect, so the mean of the draws equals
    # the closed form at the distributions' means, for PERT and triangular alike.
    cov0 = sc.Coverage(0.0, 0.0, 1.0, 1.0)
    for dist in ("pert", "triangular"):
        out = sc.simulate(b, sc.load_effects(), cov0, draws=200_000, seed=7, distribution=dist).outcomes()
        closed = sc.closed_form(b, sc.load_effects(), cov0, at="mean", distribution=dist)
        assert out["scenario_total"].mean() == pytest.approx(closed.scenario_total, rel=0.01)
        assert out["avoided_total"].mean() == pytest.approx(closed.avoided_total, rel=0.02)


def test_same_seed_same_interval_and_different_seed_differs():
    b = make_baseline()
    cov = sc.Coverage(0.5, 0.74, 1.0, 1.0)
    one = sc.evaluate(b, cov, seed=11)
    two = sc.evaluate(b, cov, seed=11)
    three = sc.evaluate(b, cov, seed=12)
    pd.testing.assert_frame_equal(one.summary, two.summary)
    assert not one.summary[["p05", "p95"]].equals(three.summary[["p05", "p95"]])


def test_ten_thousand_draws_are_vectorised():
    # Speed is measured by the benchmark (python -m bench); here: one array of draws per effect, not a loop.
    b = make_baseline()
    cov = sc.Coverage(0.5, 0.74, 1.0, 1.0)
    sim = sc.simulate(b, sc.load_effects(), cov, draws=10_000, seed=1)
    sim.outcomes()
    assert sim.r_t.shape == (10_000, 5)


def test_interval_brackets_median_and_avoided_positive_for_positive_effects():
    r = sc.evaluate(make_baseline(), sc.Coverage(0.5, 0.74, 1.0, 1.0))
    s = r.summary.set_index("metric")
    assert (s["p05"] <= s["median"]).all() and (s["median"] <= s["p95"]).all()
    assert s.loc["avoided_total", "p05"] > 0
    assert r.by_class["avoided_at_most_likely_values"].sum() == pytest.approx(
        s.loc["avoided_total", "at_most_likely_values"]
    )


def test_tornado_orders_by_swing_and_isolates_each_assumption():
    b = make_baseline()
    cov = sc.Coverage(0.5, 0.74, 1.0, 1.0)
    r = sc.evaluate(b, cov)
    t = r.tornado
    assert list(t["swing"]) == sorted(t["swing"], reverse=True)
    assert len(t) == 11  # 2 interventions x 5 outcomes + the baseline rate
    late = t[t["assumption"].str.endswith("late reporting")]
    assert (late["swing"] == 0).all()  # late reporting does not change incident numbers
    # centred on the headline figure: the Monte Carlo median of incidents avoided, not the run at the modes
    assert (t["central"] == r.metric("avoided_total")["median"]).all()
    row = t[t["assumption"] == "Training before system access: effect on human-error disclosure"].iloc[0]
    sim = r.simulation
    r_t = sim.r_t.copy()
    r_t[:, 0] = 0.30
    fixed = sc.simulate(b, sc.load_effects(), cov)  # same seed: the same draws
    out = (fixed.annual_class * (1 - sc.model.scale_factors(r_t, sim.r_d, cov)[:, :4])).sum(axis=1)
    assert row["headline_at_high"] == pytest.approx(float(np.median(out)))
    assert row["headline_at_low"] < row["central"] < row["headline_at_high"]


def test_projection_ramps_linearly_and_starts_at_baseline():
    r = sc.evaluate(make_baseline(), sc.Coverage(0.5, 0.74, 1.0, 1.0), years=4, ramp_years=2)
    p = r.projection.set_index(["year_offset", "series"])
    assert p.loc[(0, "Scenario"), "median"] == p.loc[(0, "Baseline"), "median"]
    assert p.loc[(1, "Scenario"), "training_coverage"] == pytest.approx(0.75)
    assert p.loc[(2, "Scenario"), "median"] == p.loc[(4, "Scenario"), "median"]
    assert p.loc[(4, "Scenario"), "median"] == pytest.approx(
        r.summary.set_index("metric").loc["scenario_total", "median"]
    )
    immediate = sc.evaluate(make_baseline(), sc.Coverage(0.5, 0.74, 1.0, 1.0), years=2, ramp_years=0)
    q = immediate.projection.set_index(["year_offset", "series"])
    assert q.loc[(1, "Scenario"), "dpo_coverage"] == 1.0


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    "t0,d0,t1,d1,word",
    [
        (1.5, 0.5, 1, 1, "Current training"),
        (0.5, -0.1, 1, 1, "Current DPO"),
        (0.5, 0.5, 90, 1, "Target training"),
        (0.5, 0.5, 1, "x", "Target DPO"),
    ],
)
def test_coverage_outside_0_1_is_rejected(t0, d0, t1, d1, word):
    with pytest.raises(sc.ScenarioInputError, match=word):
        sc.Coverage(t0, d0, t1, d1)


def test_low_above_high_and_mode_outside_range_are_rejected():
    bad = sc.load_effects()
    bad.loc[0, ["low", "mode", "high"]] = [0.3, 0.2, 0.1]
    with pytest.raises(sc.ScenarioInputError, match="low 0.3 is greater than high 0.1"):
        sc.validate_effects(bad)
    bad = sc.load_effects()
    bad.loc[2, ["low", "mode", "high"]] = [0.1, 0.5, 0.3]
    with pytest.raises(sc.ScenarioInputError, match="most likely 0.5 is outside"):
        sc.validate_effects(bad)
    bad = sc.load_effects()
    bad.loc[1, "high"] = 1.0
    with pytest.raises(sc.ScenarioInputError, match="between -1 and 0.99"):
        sc.validate_effects(bad)
    with pytest.raises(sc.ScenarioInputError, match="no row for"):
        sc.validate_effects(sc.load_effects().iloc[1:])
    with pytest.raises(sc.ScenarioInputError, match="Unknown assumption code"):
        sc.decode_effects("zz:0,0,0", sc.load_effects())


def test_unknown_sector_lists_close_matches(sample_warehouse):
    con = connect(sample_warehouse)
    with pytest.raises(sc.ScenarioInputError, match=r"Unknown sector 'local govt'.*'Local government'"):
        sc.load_baseline(con, "local govt")


def test_too_few_incidents_is_rejected(tiny_warehouse):
    con = connect(tiny_warehouse)
    sector = con.execute(
        "SELECT sector FROM incidents WHERE comparable GROUP BY 1 ORDER BY count(*) LIMIT 1"
    ).fetchone()[0]
    with pytest.raises(sc.ScenarioInputError, match=r"Too few incidents for a baseline.*at least 20"):
        sc.load_baseline(con, sector)
    with pytest.raises(sc.ScenarioInputError, match="outside 1 to 40"):
        sc.load_baseline(con, sector, window_quarters=0)


# ------------------------------------------------------------------ baseline from a real warehouse


def test_baseline_counts_match_the_warehouse(sample_warehouse):
    con = connect(sample_warehouse)
    b = sc.load_baseline(con, "Local government", 4)
    quarters = con.execute(
        "SELECT DISTINCT year, quarter FROM incidents WHERE comparable ORDER BY year DESC, quarter DESC LIMIT 4"
    ).fetchall()
    total = sum(
        con.execute(
            "SELECT count(*) FROM incidents WHERE sector = ? AND year = ? AND quarter = ?", ["Local government", y, q]
        ).fetchone()[0]
        for y, q in quarters
    )
    within = sum(
        con.execute(
            "SELECT count(*) FROM incidents WHERE sector = ? AND year = ? AND quarter = ? AND "
            "time_to_report IN ('Less than 24 hours', '24 hours to 72 hours')",
            ["Local government", y, q],
        ).fetchone()[0]
        for y, q in quarters
    )
    assert b.total == total == b.class_counts.sum()
    assert b.within72 == within
    assert b.quarters == 4 and b.is_sample
    two = sc.load_baseline(con, "Health", 2)
    assert two.per_year == 2.0 and two.annual_class.sum() == two.total * 2


def test_every_ico_incident_type_is_mapped_and_unmapped_types_are_reported(sample_warehouse):
    mapping = sc.load_class_mapping()
    for incident_type in vocabulary.INCIDENT_TYPES:
        for category in vocabulary.INCIDENT_CATEGORIES:
            assert assumptions.classify(incident_type, category, mapping)[1], incident_type
    assert set(mapping["class"]) == set(sc.CLASSES)
    partial = mapping[mapping["incident_type"] != "Phishing"]
    con = connect(sample_warehouse)
    b = sc.load_baseline(con, "Health", 8, mapping=partial)
    assert "Phishing" in b.unmapped
    row = b.by_type[b.by_type["incident_type"] == "Phishing"]
    assert set(row["class"]) <= {"other cyber", "other non-cyber"}


def test_reference_files_are_cited_or_labelled_assumption():
    effects = sc.load_effects()
    assert set(effects["basis"]) <= {"published", "assumption"}
    assert (effects["rationale"].str.len() > 20).all()
    coverage = sc.load_coverage_defaults()
    assert sc.coverage_default("Local government", "training").value == 0.50
    other = sc.coverage_default("Health", "training")
    assert other.basis == "assumption" and not other.sector_specific
    assert set(coverage["basis"]) <= {"published", "published proxy", "assumption"}
    # every published default states its date (fieldwork) and its own address
    published = coverage[coverage["basis"] != "assumption"]
    assert published["data_date"].str.len().gt(0).all() and published["url"].str.startswith("http").all()


PUBLIC_AUTHORITY_SECTORS = (
    "Central Government",
    "Local government",
    "Health",
    "Education and childcare",
    "Justice",
    "Regulators",
)


def test_defect_9_dpo_defaults_reflect_the_legal_requirement():
    """Issue 10, defect 9: DPO 0.74 cited UKAuthority for a 26% it does not state, from a 2016 (pre-GDPR) survey,
    used as current coverage although public authorities must designate a DPO since 25 May 2018."""
    assert sc.INTERVENTION_LABELS["dpo"] == "Effective, adequately resourced DPO"
    for sector in PUBLIC_AUTHORITY_SECTORS:
        dpo = sc.coverage_default(sector, "dpo")
        assert dpo.sector_specific and dpo.basis == "published proxy" and dpo.value == 0.69
        assert "Art. 37" in dpo.rationale and "25 May 2018" in dpo.rationale and "2023" in dpo.data_date
        assert "ukauthority.com" not in dpo.url
    training = sc.coverage_default("Local government", "training")
    assert training.basis == "published" and "2016" in training.data_date and "predates GDPR" in training.rationale
    private = sc.coverage_default("Retail and manufacture", "dpo")
    assert private.basis == "assumption" and "Art. 37(1)(b)-(c)" in private.rationale


def test_token_round_trip_and_evaluate_inputs(sample_warehouse):
    inputs = sc.ScenarioInputs("Local government", 0.5, 0.74, 0.9, 1.0, 4, "the:0,0.2,0.4", 5, 2, 3, 2000)
    assert sc.ScenarioInputs.from_token(inputs.token()) == inputs
    result = sc.evaluate_inputs(connect(sample_warehouse), inputs.token())
    row = result.effects[
        (result.effects["intervention"] == "training") & (result.effects["outcome"] == "human-error disclosure")
    ].iloc[0]
    assert (row["low"], row["mode"], row["high"]) == (0.0, 0.2, 0.4)
    assert row["rationale"].startswith("Edited by the user")
    with pytest.raises(sc.ScenarioInputError):
        sc.ScenarioInputs.from_token("Local government~4~0.5")


@pytest.fixture(scope="module")
def local_government(sample_warehouse) -> sc.ScenarioResult:
    """Local government with half the organisations training staff and 74% with a DPO, both raised to all."""
    return sc.evaluate_inputs(connect(sample_warehouse), sc.ScenarioInputs("Local government", 0.5, 0.74, 1, 1).token())


def _charts(result: sc.ScenarioResult):
    """The fan (coverage reached over 3 years), by-class and tornado charts of `result`."""
    sector = result.baseline.sector
    fan = charts.fan_chart(
        result.projection, sector=sector, window_label=result.baseline.window_label, ramp_years=3, sources=[]
    )
    by_class = charts.avoided_chart(result.by_class, sector=sector, sources=[], total=result.metric("avoided_total"))
    return fan, by_class, charts.tornado_chart(result.tornado, sector=sector, sources=[])


def test_charts_state_findings_from_the_data(local_government):
    result = local_government
    fan, by_class, tornado = _charts(result)
    # the fan chart's title states the same figure as the card: the median of incidents avoided (ramp done by 2029)
    avoided = scenario_results.figures(result.summary)["avoided_total"]
    assert f": {avoided.value} fewer incidents a year by " in fan.title and avoided.interval in fan.title
    top = result.by_class.sort_values("avoided_median").iloc[-1]["class"]
    assert top in by_class.title and f"of {avoided.value} in all" in by_class.title
    assert result.tornado.iloc[0]["assumption"] in tornado.title
    assert charts.MODEL_NOTE in fan.notes


def test_defect_2_one_figure_per_measure_everywhere(local_government):
    """Issue 10, defect 2: card, tornado, by-class chart, fan chart and comparison gave five different numbers for
    'incidents avoided per year' in one run. Now each states the Monte Carlo median (and its 90% interval)."""
    result = local_government
    fan, by_class, tornado = _charts(result)
    avoided = scenario_results.figures(result.summary)["avoided_total"]
    card = next(c for c in scenario_results.cards(result.summary) if c.label == "Incidents avoided a year")
    assert card.value == avoided.value and card.caption.endswith(avoided.interval)
    assert f"median {avoided.value} " in tornado.summary and f"({avoided.value}, dotted line)" in tornado.subtitle
    assert f"{avoided.value} fewer incidents" in fan.title
    assert f"{avoided.value} a year (90% interval {avoided.interval})" in by_class.summary
    table = sc.comparison_table({"Full": result})
    comparison = charts.comparison_chart(table, sources=[])
    assert f"avoids {avoided.value} incidents a year (median)" in comparison.title
    shown = scenario_results.comparison_display(table)
    assert (
        shown.loc["Incidents avoided a year: median (90% interval)", "Full"] == f"{avoided.value} ({avoided.interval})"
    )
    note = sc.methods_note(result)
    assert f"- Incidents avoided per year: {avoided.value} [{avoided.interval}]" in note
    # the run at the modes is only ever shown named for what it is
    assert "with every assumption at its most likely value" in note
    assert "most_likely" not in " ".join(result.summary.columns.drop("at_most_likely_values"))


def test_defect_2_count_and_share_moving_apart_are_explained():
    summary = pd.DataFrame(
        [
            {"metric": m, "label": m, "unit": u, "median": v, "p05": v, "p95": v, "at_most_likely_values": v}
            for m, u, v in (
                ("baseline_total", "incidents", 1133.0),
                ("scenario_total", "incidents", 1079.5),
                ("share72_baseline", "share", 0.750),
                ("share72_scenario", "share", 0.776),
                ("within72_baseline", "incidents", 850.0),
                ("within72_scenario", "incidents", 837.8),
            )
        ]
    )
    note = scenario_results.direction_note(summary)
    assert note == (
        "The number reported within 72 hours falls (850.0 to 837.8 a year) while the share rises (75.0% "
        "to 77.6%) because there are fewer incidents in all (1,133.0 to 1,079.5 a year): fewer reports, "
        "a larger share of them on time."
    )
    same_way = summary.assign(median=lambda f: f["median"].where(f["metric"] != "within72_scenario", 860.0))
    assert scenario_results.direction_note(same_way) is None


def test_saved_scenario_codec_and_slots():
    from govdata.views import scenarios as page_view

    token = sc.ScenarioInputs("Health", 0.1, 0.2, 0.9, 0.8).token()
    assert sc.decode_saved(sc.encode_saved("Full <b>cover</b>", token)) == ("Full bcoverb", token)
    with pytest.raises(sc.ScenarioInputError):
        sc.decode_saved("name~not a token")
    values = {
        "sector": "Health",
        "t0": 10,
        "d0": 20,
        "t1": 90,
        "d1": 80,
        "window": 4,
        "fx": "",
        "seed": 1,
        "ramp": 3,
        "years": 5,
        "s1": None,
        "s2": None,
        "s3": None,
    }
    first = page_view.with_saved(values, "")
    assert first["s1"][0] == sc.numbered_name(1) and first["s2"] is None
    again = page_view.with_saved({**values, **first}, sc.numbered_name(1))  # same name replaces
    assert [v is not None for v in again.values()] == [True, False, False]
    assert page_view.without_saved({**values, **again}, 0) == {"s1": None, "s2": None, "s3": None}
