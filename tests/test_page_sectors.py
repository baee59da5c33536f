"""The Sector comparison page, run by Streamlit's AppTest against warehouses built by the real ETL."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from apptest_helpers import MediaCapture, assert_pack_button, chart_panels, open_page_capturing, page
from streamlit.testing.v1 import AppTest

from govdata.queries import coverage
from govdata.queries import sectors as q

PAGE = page("sectors.py")
CAPTURE = MediaCapture()
LG, HE, ED = "Local government", "Health", "Education and childcare"
CHARTS = 8  # every view of the page: what the briefing pack holds
VIEW_CHARTS = {"volume": 1, "trend": 1, "cyber": 1, "types": 1, "timing": 2, "decisions": 1, "change": 1}


def _run(monkeypatch, warehouse: Path, params: dict | None = None) -> AppTest:
    return open_page_capturing(CAPTURE, PAGE, warehouse, monkeypatch, params)


def _qp(at: AppTest, key: str) -> list[str]:
    """A URL parameter as a list (AppTest gives one value as a string, repeated values as a list)."""
    value = at.query_params[key]
    return list(value) if isinstance(value, list) else [value]


def _titles(at: AppTest) -> list[str]:
    """Each chart's title and subtitle, as ui.panel shows them above the plot."""
    return [f"{p['title']} {p['subtitle']}" for p in chart_panels(at)]


def _download(button) -> bytes:
    return CAPTURE.download_bytes(button)


def _query(warehouse: Path, fn, *args):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return fn(con, *args)
    finally:
        con.close()


def test_default_render(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse)
    expected_picks = _query(tiny_warehouse, coverage.sectors).data["sector"].head(4).tolist()
    assert at.title[0].value == "Sector comparison"
    assert dict(at.query_params) == {}  # loading writes nothing to the address (no history entry)
    assert at.multiselect(key="url_sectors").value == expected_picks
    assert at.selectbox(key="url_period").value == "last4" and at.radio(key="url_view").value == "volume"
    titles = _titles(at)
    assert len(titles) == 1  # only the view shown is built
    assert "Local government reported the most incidents in the last 4 quarters (Q1 2020 to Q4 2020): 7" in titles[0]
    assert not at.info and not at.warning  # clean URL: no notes; real (fixture) data: no sample banner
    assert not at.get("code")  # "show query" and citation are built only when opened
    for expander in at.expander:
        if expander.label in ("Cite this chart", "Show query"):
            at.session_state[expander.key] = True
    at.run()
    assert len(at.get("code")) >= 2  # "show query" and citation


def test_period_filter_writes_the_whole_view(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse)
    picks = at.multiselect(key="url_sectors").value
    at.selectbox(key="url_period").set_value("2019").run()
    assert not at.exception
    assert {k: _qp(at, k) for k in at.query_params} == {
        "q1_2019": ["0"],
        "period": ["2019"],
        "sectors": picks,
        "view": ["volume"],
        "top": ["5"],
    }
    assert "in 2019 (Q2 to Q4)" in _titles(at)[0]


@pytest.mark.parametrize("view", list(VIEW_CHARTS))
def test_every_view_is_reachable_by_link_and_builds_only_its_charts(monkeypatch, tiny_warehouse, view):
    at = _run(monkeypatch, tiny_warehouse, {"view": view, "sectors": [LG, HE]})
    assert not at.info
    assert at.radio(key="url_view").value == view
    assert len(_titles(at)) == VIEW_CHARTS[view]
    assert at.number_input(key="url_top") if view == "types" else not at.number_input


def test_choosing_a_view_changes_the_chart_and_the_address(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse)
    at.radio(key="url_view").set_value("cyber").run()
    assert not at.exception
    assert _qp(at, "view") == ["cyber"]
    (title,) = _titles(at)
    assert "cyber" in title.lower()
    again = _run(monkeypatch, tiny_warehouse, {k: _qp(at, k) for k in at.query_params})
    assert _titles(again) == _titles(at)  # a link made on "Cyber share" reopens on it


def test_sector_filter(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse, {"view": "trend"})
    at.multiselect(key="url_sectors").set_value([HE]).run()
    assert not at.exception
    assert _qp(at, "sectors") == [HE]
    assert _titles(at)[0].startswith("Health reported")


def test_clearing_the_sectors_keeps_the_ranking_and_explains(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse)
    at.multiselect(key="url_sectors").set_value([]).run()
    assert not at.exception
    assert _qp(at, "sectors") == [""]
    assert any("Pick one or more sectors" in i.value for i in at.info)
    assert len(_titles(at)) == 1  # the ranking of every sector
    at.radio(key="url_view").set_value("trend").run()
    assert not _titles(at) and any("Pick sectors to see their quarterly trend" in c.value for c in at.caption)


def test_q1_2019_filter(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse, {"period": "2019"})
    assert "in 2019 (Q2 to Q4)" in _titles(at)[0]
    at.checkbox(key="url_q1_2019").check().run()
    assert not at.exception
    assert _qp(at, "q1_2019") == ["1"]
    assert "in 2019:" in _titles(at)[0] and "not comparable" in _titles(at)[0]


def test_top_types_filter(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse, {"view": "types"})
    at.number_input(key="url_top").set_value(2).run()
    assert not at.exception
    assert _qp(at, "top") == ["2"]
    assert any("Top 2 incident types" in t for t in _titles(at))


def test_url_round_trip(monkeypatch, tiny_warehouse):
    params = {"period": "2020", "sectors": [HE, ED], "q1_2019": "1", "top": "3", "view": "types"}
    at = _run(monkeypatch, tiny_warehouse, params)
    assert at.selectbox(key="url_period").value == "2020"
    assert at.multiselect(key="url_sectors").value == [HE, ED]
    assert at.checkbox(key="url_q1_2019").value is True
    assert at.number_input(key="url_top").value == 3
    assert {k: _qp(at, k) for k in params} == {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    assert not at.info
    assert "Top 3 incident types" in " ".join(_titles(at))


@pytest.mark.parametrize("bad", ["Atlantis", "<script>alert(1)</script>", "'; DROP TABLE incidents; --", "x" * 5000])
def test_invalid_url_values_are_ignored_with_a_note(monkeypatch, tiny_warehouse, bad):
    at = _run(
        monkeypatch, tiny_warehouse, {"sectors": [HE, bad], "period": bad, "top": bad, "q1_2019": bad, "view": bad}
    )
    notes = [i.value for i in at.info]
    assert sum("Ignored URL parameter" in n for n in notes) == 5
    assert at.multiselect(key="url_sectors").value == [HE]  # the valid value is kept
    assert at.selectbox(key="url_period").value == "last4"
    assert at.radio(key="url_view").value == "volume"
    assert all("<script>" not in n and len(n) < 400 for n in notes)
    assert len(_titles(at)) == 1


def test_sample_label_under_every_chart(monkeypatch, sample_warehouse):
    at = _run(monkeypatch, sample_warehouse, {"view": "timing"})
    panels = chart_panels(at)
    assert panels and all(p["footer"].count("SAMPLE DATA") >= 1 for p in panels)  # the label under every chart
    assert all(any(i.get("name") == "sample-watermark" for i in p["spec"]["layout"]["images"]) for p in panels)


@pytest.mark.parametrize(
    "view, stem, fn",
    [("volume", "sectors-ranked-incidents", q.sector_volume), ("change", "sectors-year-on-year", q.sector_change)],
)
def test_downloads_are_the_query_results(monkeypatch, tiny_warehouse, view, stem, fn):
    at = _run(monkeypatch, tiny_warehouse, {"period": "2020", "sectors": [LG, HE], "view": view})
    buttons = at.get("download_button")
    files = [b for b in buttons if "-csv-" in b.proto.id or "-xlsx-" in b.proto.id]
    assert len(files) == 2 and all(len(_download(b)) > 0 for b in files)
    csv = next(b for b in buttons if b.proto.id.endswith(f"csv-{stem}"))
    shown = pd.read_csv(io.BytesIO(_download(csv)))
    period = q.periods(_query(tiny_warehouse, coverage.quarters))["2020"]
    expected = _query(tiny_warehouse, fn, period, [LG, HE]).data
    if view == "volume":
        expected = expected[["sector", "selected", "incidents"]]
    pd.testing.assert_frame_equal(shown[list(expected.columns)], expected, check_dtype=False)


def test_briefing_pack_holds_every_view(monkeypatch, tiny_warehouse):
    """The pack is offered once, last, built only on click, and holds the charts of every view, not only the one
    shown (images left out here: CHROMIUM_PATH names no browser, so the pack says so and is quick to build)."""
    monkeypatch.setenv("CHROMIUM_PATH", str(tiny_warehouse.parent / "no-chromium"))
    at = _run(monkeypatch, tiny_warehouse, {"sectors": [LG, HE]})
    assert_pack_button(at)
    pack = at.get("download_button")[-1]
    with zipfile.ZipFile(io.BytesIO(_download(pack))) as zf:
        names = zf.namelist()
    assert len([n for n in names if n.endswith(".csv")]) == CHARTS
