"""The Surveys and polls page, run by Streamlit's AppTest against warehouses built by the real ETL."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_helpers import chart_panels
from streamlit.testing.v1 import AppTest

from govdata import settings

PAGE = str(Path(settings.PROJECT_ROOT) / "app_pages" / "surveys.py")


def _run(monkeypatch, warehouse: Path, params: dict | None = None) -> AppTest:
    monkeypatch.setenv(settings.WAREHOUSE_ENV, str(warehouse))
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _select(at: AppTest, key: str):
    return at.selectbox(key=f"url_{key}")


def _param(at: AppTest, key: str) -> str:
    """The URL parameter as written by the page (AppTest returns a single value or a list)."""
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else value


def _titles(at: AppTest) -> list[str]:
    """Each chart's title, subtitle and footer (notes, source line, sample label) as ui.panel shows them."""
    return [" ".join((p["title"], p["subtitle"], p["footer"])) for p in chart_panels(at)]


def _radio(at: AppTest):
    return at.radio(key="url_view")


def test_default_render(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse)
    # one view at a time: the council surveys first, with the one filter they use
    assert _radio(at).value == "survey" and _radio(at).options == ["Council surveys", "Public trust", "Linked view"]
    assert [s.value for s in at.header][:1] == ["Council information-governance surveys"]
    assert len(at.get("plotly_chart")) == 1
    assert _select(at, "topic").value == "all"
    assert [s.key for s in at.selectbox] == ["url_topic"]  # the poll filters belong to the other views
    assert "view" not in at.query_params  # loading writes nothing to the address
    summaries = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "published percentages from 3 survey(s)" in summaries
    assert not at.info  # no ignored-parameter notes on a clean URL
    # no data grid on a first visit: the context figures are built once their expander is opened
    assert not at.dataframe
    at.session_state["context-open"] = True
    at.run()
    context = [d.value for d in at.dataframe]
    assert len(context) == 1 and "Publisher" in context[0].columns and len(context[0]) > 0


@pytest.mark.parametrize(
    "view, heading, filters",
    [
        ("trust", "Public trust in how organisations handle personal data", ["url_org", "url_pollster"]),
        (
            "timeline",
            "Linked view: incidents, surveys and trust on one time axis",
            ["url_topic", "url_org", "url_pollster"],
        ),
    ],
)
def test_each_view_draws_its_own_chart_and_filters_and_goes_in_the_address(
    monkeypatch, tiny_warehouse, view, heading, filters
):
    at = _run(monkeypatch, tiny_warehouse)
    _radio(at).set_value(view).run()
    assert not at.exception
    assert _param(at, "view") == view
    assert [s.value for s in at.header][:1] == [heading]
    assert len(at.get("plotly_chart")) == 1
    assert [s.key for s in at.selectbox] == filters
    if "url_org" in filters:
        assert _select(at, "org").value == "Local government"
    again = _run(monkeypatch, tiny_warehouse, {"view": view})  # a copied link reopens the same view
    assert [m.value for m in again.markdown] == [m.value for m in at.markdown]


def test_sample_warehouse_is_labelled(monkeypatch, sample_warehouse):
    at = _run(monkeypatch, sample_warehouse, {"view": "timeline"})
    assert any("SAMPLE DATA" in spec for spec in _titles(at))  # the linked timeline carries the sample label
    # issue 10, defect 5: the banner says precisely what is simulated here, and that the surveys and polls are real
    banner = next(w.value for w in at.warning if "SAMPLE DATA" in w.value)
    assert "for trying the dashboard only" not in banner
    assert "top panel of the linked view" in banner and "survey and public-trust poll figures are real" in banner
    assert "python" not in banner and "etl" not in banner  # no operator commands for members
    surveys = _run(monkeypatch, sample_warehouse)  # the council surveys are real: no sample label on their chart
    assert not any("SAMPLE DATA" in spec for spec in _titles(surveys))


@pytest.mark.parametrize(
    "view, key, value, expected_words",
    [
        ("survey", "topic", "Training", "on Training"),
        ("trust", "org", "NHS and health", "for NHS and health"),
        ("trust", "pollster", "YouGov", "by YouGov"),
        ("timeline", "topic", "Training", None),
        ("timeline", "pollster", "YouGov", None),
    ],
)
def test_each_filter_changes_the_view(monkeypatch, tiny_warehouse, view, key, value, expected_words):
    at = _run(monkeypatch, tiny_warehouse, {"view": view})
    before = [m.value for m in at.markdown]
    plotted = [p["spec"]["data"] for p in chart_panels(at)]
    if key == "pollster":
        _select(at, "org").set_value("all")
    _select(at, key).set_value(value).run()
    assert not at.exception
    assert _param(at, key) == value
    if expected_words is None:  # the linked view's sentence names no filter: its plotted figures change
        assert [p["spec"]["data"] for p in chart_panels(at)] != plotted
        return
    after = " ".join(m.value for m in at.markdown)
    assert expected_words in after.replace("\\", "")
    assert [m.value for m in at.markdown] != before


def test_url_round_trip(monkeypatch, tiny_warehouse):
    params = {
        "view": "timeline",
        "topic": "DPO",
        "org": "Companies and organisations",
        "pollster": "Harris Interactive",
    }
    at = _run(monkeypatch, tiny_warehouse, params)
    assert _radio(at).value == "timeline"
    assert {k: _select(at, k).value for k in params if k != "view"} == {k: v for k, v in params.items() if k != "view"}
    assert {k: _param(at, k) for k in params} == params
    again = _run(monkeypatch, tiny_warehouse, {k: _param(at, k) for k in params})
    assert [m.value for m in again.markdown] == [m.value for m in at.markdown]


def test_filters_of_other_views_are_kept_in_the_address(monkeypatch, tiny_warehouse):
    """The council-survey view does not draw the poll filters, but a link's poll choices survive a visit to it."""
    at = _run(monkeypatch, tiny_warehouse, {"view": "trust", "pollster": "YouGov", "org": "all"})
    _radio(at).set_value("survey").run()
    assert _param(at, "pollster") == "YouGov" and _param(at, "view") == "survey"
    _radio(at).set_value("trust").run()
    assert _select(at, "pollster").value == "YouGov" and _select(at, "org").value == "all"


def test_invalid_url_value_gives_a_visible_note(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse, {"topic": "<script>nope", "org": "Martians", "view": "pie"})
    notes = " ".join(i.value for i in at.info)
    assert "topic" in notes and "org" in notes and "view" in notes and "Ignored" in notes
    assert _radio(at).value == "survey"
    assert _select(at, "topic").value == "all"
    assert len(at.get("plotly_chart")) == 1


def test_briefing_note_and_pack_hold_every_view(tiny_warehouse):
    """The page draws one view; what a briefing writer downloads holds all three charts, with the filters used."""
    from govdata import warehouse
    from govdata.views import surveys as view
    from govdata.views.base import Direct
    from govdata.views.params import parse

    con = warehouse.connect(tiny_warehouse)
    try:
        runner = Direct(con)
        values = parse(view.PARAMS, "view=trust&topic=Training", runner).values
        page = view.build(runner, values)
        every = view.build(runner, values, everything=True)
    finally:
        con.close()
    assert list(page.figures) == ["trust"] and page.view_title == "Surveys: Public trust"
    assert list(every.figures) == ["survey", "trust", "timeline"] and every.view_title == "Surveys: Training"
    labels = [label for label, _ in every.filters]
    assert "View" not in labels and {"Survey topic", "Poll: organisation type", "Poll: pollster"} <= set(labels)
    assert [label for label, _ in page.filters] == ["View", "Poll: organisation type", "Poll: pollster"]


def test_missing_warehouse_is_a_friendly_message(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.WAREHOUSE_ENV, str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert any("not available" in e.value for e in at.error)
