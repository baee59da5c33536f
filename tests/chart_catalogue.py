"""Every chart the pages draw, built without Streamlit from a real warehouse: each page's charts with its default
filters, plus the variants that stress a layout most (every sector picked, the 22-way incident-type breakdown, all
survey topics, all organisation types). Used by the print-size and chart-layout tests.
"""
from __future__ import annotations

from govdata import scenarios as sc
from govdata import warehouse
from govdata.charts import incidents as incident_charts
from govdata.charts import scenarios as scenario_charts
from govdata.charts import sectors as sector_charts
from govdata.charts import surveys as survey_charts
from govdata.figures import FigureSpec
from govdata.queries import incidents as incident_queries
from govdata.queries import provenance
from govdata.queries import reference
from govdata.queries import sectors as sector_queries


def _incident_specs(con) -> list[tuple[str, FigureSpec]]:
    ico = provenance.to_sources(provenance.chart_sources(con, "ico_rows"))
    legacy = provenance.to_sources(provenance.chart_sources(con, "ico_legacy"))
    q = incident_queries
    specs = [
        ("overview", incident_charts.trend_chart(q.incident_trend(con, "quarter", None, [], True, True),
                                                 sources=ico, period="quarter", rolling=True)),
        ("overview", incident_charts.trend_chart(q.incident_trend(con, "year", "incident_category", [], True, False),
                                                 sources=ico, period="year", breakdown="incident_category")),
        ("trends", incident_charts.trend_chart(
            q.incident_trend(con, "quarter", "incident_type", [], True, True, q.DEFAULT_TOP),
            sources=ico, period="quarter", breakdown="incident_type", rolling=True)),
        ("trends", incident_charts.trend_chart(
            q.incident_trend(con, "year", "time_to_report", [], True, False, q.MAX_TOP),
            sources=ico, period="year", breakdown="time_to_report", measure="share_pct")),
    ]
    for split in q.LEGACY_BREAKDOWNS:
        result = q.legacy_counts(con, split, [], q.DEFAULT_TOP)
        if not result.data.empty:
            specs.append(("trends", incident_charts.legacy_chart(result, sources=legacy, breakdown=split)))
    return specs


def _sector_specs(con, *, every_sector: bool) -> list[tuple[str, FigureSpec]]:
    q = sector_queries
    choices = q.periods(q.available_quarters(con, True))
    period = choices[q.LAST_FOUR]
    names = list(q.sector_list(con, True).data["sector"])
    picked = names if every_sector else names[:4]
    sources = provenance.to_sources(provenance.chart_sources(con))
    volume = q.sector_volume(con, period, picked, True)
    return [("sectors", spec) for spec in (
        sector_charts.ranked(volume, "incidents", period, sources),
        sector_charts.quarterly_multiples(q.sector_quarterly(con, period, picked, True), period, sources),
        sector_charts.ranked(volume, "cyber_pct", period, sources),
        sector_charts.top_types(q.sector_top_types(con, period, picked, 5, True), period, sources),
        sector_charts.ranked(volume, "within_72h_pct", period, sources),
        sector_charts.time_to_report(q.sector_time_to_report(con, period, picked, True), period, sources),
        sector_charts.decisions(q.sector_decisions(con, period, picked, True), period, sources),
        sector_charts.year_on_year(q.sector_change(con, period, picked, True), period, sources),
    )]


def _survey_specs(con, *, all_types: bool) -> list[tuple[str, FigureSpec]]:
    meta = dict(zip(*[provenance.warehouse_meta(con).data[c] for c in ("key", "value")]))
    org = None if all_types else reference.LOCAL_GOVERNMENT
    return [
        ("surveys", survey_charts.survey_chart(reference.survey_results(con, None))),
        ("surveys", survey_charts.trust_chart(reference.poll_results(con, org, None), organisation_type=org)),
        ("surveys", survey_charts.timeline_chart(
            reference.timeline(con, reference.LOCAL_GOVERNMENT, None, org, None), reference.LOCAL_GOVERNMENT,
            is_sample=meta.get("is_sample") == "true", incident_source_date=meta.get("latest_quarter", ""))),
    ]


def _scenario_specs(con) -> list[tuple[str, FigureSpec]]:
    sources = provenance.to_sources(provenance.chart_sources(con))
    sector = "Local government"
    t, d = sc.coverage_default(sector, "training").value, sc.coverage_default(sector, "dpo").value
    inputs = sc.ScenarioInputs(sector, t, d, 1.0, 1.0, sc.DEFAULT_WINDOW_QUARTERS, "", sc.DEFAULT_SEED, 3, 5)
    result = sc.evaluate_inputs(con, inputs.token())
    queries = list(result.baseline.queries)
    other = sc.evaluate_inputs(con, sc.ScenarioInputs(sector, t, d, 0.5, 0.5, sc.DEFAULT_WINDOW_QUARTERS, "",
                                                      sc.DEFAULT_SEED, 3, 5).token())
    table = sc.comparison_table({"Current (unsaved)": result, "Half coverage": other})
    return [("scenarios", spec) for spec in (
        scenario_charts.fan_chart(result.projection, sector=sector, window_label=result.baseline.window_label,
                                  ramp_years=3, sources=sources, queries=queries),
        scenario_charts.avoided_chart(result.by_class, sector=sector, sources=sources,
                                      total=result.metric("avoided_total"), queries=queries),
        scenario_charts.tornado_chart(result.tornado, sector=sector, sources=sources),
        scenario_charts.comparison_chart(table, sources=sources),
    )]


def every_chart(path, *, stress: bool = True) -> list[tuple[str, FigureSpec]]:
    """(page, spec) for every chart of every page on the warehouse at `path`; with `stress`, also the variants
    with the most rows, panels and legend entries."""
    con = warehouse.connect(path)
    try:
        specs = _incident_specs(con)
        specs += _sector_specs(con, every_sector=False)
        specs += _survey_specs(con, all_types=False)
        specs += _scenario_specs(con)
        if stress:
            specs += [(page, spec) for page, spec in _sector_specs(con, every_sector=True)
                      if spec.key != "sectors-ranked-incidents"]
            specs += [(p, s) for p, s in _survey_specs(con, all_types=True) if s.key != "surveys-results"]
        return specs
    finally:
        con.close()
