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


def test_default_render(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse)
    assert [s.value for s in at.header][:3] == [
        "Council information-governance surveys",
        "Public trust in how organisations handle personal data",
        "Linked view: incidents, surveys and trust on one time axis",
    ]
    assert len(at.get("plotly_chart")) == 3
    assert _select(at, "topic").value == "all"
    assert _select(at, "org").value == "Local government"
    assert "org" not in at.query_params  # loading writes nothing to the address
    summaries = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "published percentages from 3 survey(s)" in summaries
    assert "Local government" in summaries
    assert not at.info  # no ignored-parameter notes on a clean URL
    # no data grid on a first visit: the context figures are built once their expander is opened
    assert not at.dataframe
    at.session_state["context-open"] = True
    at.run()
    context = [d.value for d in at.dataframe]
    assert len(context) == 1 and "Publisher" in context[0].columns and len(context[0]) > 0


def test_sample_warehouse_is_labelled(monkeypatch, sample_warehouse):
    at = _run(monkeypatch, sample_warehouse)
    assert any("SAMPLE DATA" in spec for spec in _titles(at))  # the linked timeline carries the sample label
    # issue 10, defect 5: the banner says precisely what is simulated here, and that the surveys and polls are real
    banner = next(w.value for w in at.warning if "SAMPLE DATA" in w.value)
    assert "for trying the dashboard only" not in banner
    assert "top panel of the linked view" in banner and "survey and public-trust poll figures are real" in banner
    assert "python" not in banner and "etl" not in banner  # no operator commands for members


@pytest.mark.parametrize(
    "key, value, expected_words",
    [
        ("topic", "Training", "on Training"),
        ("org", "NHS and health", "for NHS and health"),
        ("pollster", "YouGov", "by YouGov"),
    ],
)
def test_each_filter_changes_the_view(monkeypatch, tiny_warehouse, key, value, expected_words):
    at = _run(monkeypatch, tiny_warehouse)
    before = [m.value for m in at.markdown]
    if key == "pollster":
        _select(at, "org").set_value("all")
    _select(at, key).set_value(value).run()
    assert not at.exception
    assert _param(at, key) == value
    after = " ".join(m.value for m in at.markdown)
    assert expected_words in after.replace("\\", "")
    assert [m.value for m in at.markdown] != before


def test_url_round_trip(monkeypatch, tiny_warehouse):
    params = {"topic": "DPO", "org": "Companies and organisations", "pollster": "Harris Interactive"}
    at = _run(monkeypatch, tiny_warehouse, params)
    assert {k: _select(at, k).value for k in params} == params
    assert {k: _param(at, k) for k in params} == params
    again = _run(monkeypatch, tiny_warehouse, {k: _param(at, k) for k in params})
    assert [m.value for m in again.markdown] == [m.value for m in at.markdown]


def test_invalid_url_value_gives_a_visible_note(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse, {"topic": "<script>nope", "org": "Martians"})
    notes = " ".join(i.value for i in at.info)
    assert "topic" in notes and "org" in notes and "Ignored" in notes
    assert _select(at, "topic").value == "all"
    assert _select(at, "org").value == "Local government"
    assert len(at.get("plotly_chart")) == 3


def test_missing_warehouse_is_a_friendly_message(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.WAREHOUSE_ENV, str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert any("not available" in e.value for e in at.error)
