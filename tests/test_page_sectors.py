"""The Sector comparison page, run by Streamlit's AppTest against warehouses built by the real ETL."""
from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from apptest_helpers import open_page_capturing, assert_pack_button, MediaCapture, chart_panels, page
from govdata.queries import sectors as q

PAGE = page("sectors.py")
CAPTURE = MediaCapture()
LG, HE, ED = "Local government", "Health", "Education and childcare"
CHARTS = 8


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
    expected_picks = _query(tiny_warehouse, q.sector_list).data["sector"].head(4).tolist()
    assert at.title[0].value == "Sector comparison"
    assert _qp(at, "period") == ["last4"]
    assert _qp(at, "sectors") == expected_picks
    assert _qp(at, "q1_2019") == ["0"]
    assert at.multiselect(key="url_sectors").value == expected_picks
    titles = _titles(at)
    assert len(titles) == CHARTS
    assert "Local government reported the most incidents in the last 4 quarters (2020 Q1 to 2020 Q4): 7" in titles[0]
    assert not at.info and not at.warning  # clean URL: no notes; real (fixture) data: no sample banner
    assert len(at.get("code")) >= CHARTS  # "show query" and citations


def test_period_filter(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse)
    at.selectbox(key="url_period").set_value("2019").run()
    assert not at.exception
    assert _qp(at, "period") == ["2019"]
    assert "in 2019 (Q2 to Q4)" in _titles(at)[0]


def test_sector_filter(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse)
    at.multiselect(key="url_sectors").set_value([HE]).run()
    assert not at.exception
    assert _qp(at, "sectors") == [HE]
    assert any(t.startswith("Health reported") for t in _titles(at)[1:])


def test_clearing_the_sectors_keeps_the_ranking_and_explains(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse)
    at.multiselect(key="url_sectors").set_value([]).run()
    assert not at.exception
    assert _qp(at, "sectors") == [""]
    assert any("Pick one or more sectors" in i.value for i in at.info)
    assert len(_titles(at)) == 4  # ranked volume, cyber, within 72 hours, change (all sectors)


def test_q1_2019_filter(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse, {"period": "2019"})
    assert "in 2019 (Q2 to Q4)" in _titles(at)[0]
    at.checkbox(key="url_q1_2019").check().run()
    assert not at.exception
    assert _qp(at, "q1_2019") == ["1"]
    assert "in 2019:" in _titles(at)[0] and "not comparable" in _titles(at)[0]


def test_top_types_filter(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse)
    at.number_input(key="url_top").set_value(2).run()
    assert not at.exception
    assert _qp(at, "top") == ["2"]
    assert any("Top 2 incident types" in t for t in _titles(at))


def test_url_round_trip(monkeypatch, tiny_warehouse):
    params = {"period": "2020", "sectors": [HE, ED], "q1_2019": "1", "top": "3"}
    at = _run(monkeypatch, tiny_warehouse, params)
    assert at.selectbox(key="url_period").value == "2020"
    assert at.multiselect(key="url_sectors").value == [HE, ED]
    assert at.checkbox(key="url_q1_2019").value is True
    assert at.number_input(key="url_top").value == 3
    assert {k: _qp(at, k) for k in params} == {k: v if isinstance(v, list) else [v]
                                                       for k, v in params.items()}
    assert not at.info
    assert "Health reported the most incidents of the sectors picked" in " ".join(_titles(at))


@pytest.mark.parametrize("bad", ["Atlantis", "<script>alert(1)</script>", "'; DROP TABLE incidents; --", "x" * 5000])
def test_invalid_url_values_are_ignored_with_a_note(monkeypatch, tiny_warehouse, bad):
    at = _run(monkeypatch, tiny_warehouse, {"sectors": [HE, bad], "period": bad, "top": bad, "q1_2019": bad})
    notes = [i.value for i in at.info]
    assert sum("Ignored URL parameter" in n for n in notes) == 4
    assert at.multiselect(key="url_sectors").value == [HE]          # the valid value is kept
    assert at.selectbox(key="url_period").value == "last4"
    assert at.number_input(key="url_top").value == 5
    assert all("<script>" not in n and len(n) < 400 for n in notes)
    assert len(_titles(at)) == CHARTS


def test_sample_banner(monkeypatch, sample_warehouse):
    at = _run(monkeypatch, sample_warehouse)
    assert any("SAMPLE DATA" in w.value for w in at.warning)
    panels = chart_panels(at)
    assert panels and all(p["footer"].count("SAMPLE DATA") >= 1 for p in panels)   # the label under every chart
    assert all(any(i.get("name") == "sample-watermark" for i in p["spec"]["layout"]["images"]) for p in panels)


def test_downloads_are_the_query_results(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse, {"period": "2020", "sectors": [LG, HE]})
    buttons = at.get("download_button")
    files = [b for b in buttons if "-csv-" in b.proto.id or "-xlsx-" in b.proto.id]
    assert len(files) == 2 * CHARTS and all(len(_download(b)) > 0 for b in files)  # images render on click
    csv = next(b for b in buttons if b.proto.id.endswith("csv-sectors-ranked-incidents"))
    shown = pd.read_csv(io.BytesIO(_download(csv)))
    period = q.periods(_query(tiny_warehouse, q.available_quarters))["2020"]
    expected = _query(tiny_warehouse, q.sector_volume, period, [LG, HE]).data[["sector", "selected", "incidents"]]
    pd.testing.assert_frame_equal(shown[["sector", "selected", "incidents"]], expected, check_dtype=False)
    change_csv = next(b for b in buttons if b.proto.id.endswith("csv-sectors-year-on-year"))
    shown = pd.read_csv(io.BytesIO(_download(change_csv)))
    expected = _query(tiny_warehouse, q.sector_change, period, [LG, HE]).data
    pd.testing.assert_frame_equal(shown, expected, check_dtype=False)


def test_briefing_pack_button(monkeypatch, tiny_warehouse):
    """The one-click briefing pack is offered once, last on the page, and built only when clicked."""
    at = _run(monkeypatch, tiny_warehouse)
    assert_pack_button(at)
