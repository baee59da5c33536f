"""Trends page through AppTest: each filter, URL round trip, invalid URL values, sample banner, downloads."""

from __future__ import annotations

import pytest
from apptest_helpers import (
    MediaCapture,
    assert_no_exception,
    chart_panels,
    csv_frame,
    download_buttons,
    open_page,
    page,
    texts,
)

from govdata import export, warehouse
from govdata.figures import SAMPLE_LABEL
from govdata.queries import incidents as q

PAGE = page("trends.py")
DEFAULT_URL = {
    "period": "quarter",
    "breakdown": "none",
    "measure": "incidents",
    "sector": "",
    "comparable": "1",
    "rolling": "0",
    "legacy": "incident_category",
    "top": "6",
    "legacy_top": "6",
}


def first_csv(at, capture) -> object:
    return csv_frame(capture.download_bytes(download_buttons(at)[0]))


def expected(path, *args):
    return q.incident_trend(warehouse.connect(path), *args).data


def test_default_render(tiny_warehouse, monkeypatch):
    capture = MediaCapture()
    at = open_page(PAGE, tiny_warehouse, monkeypatch, capture=capture)
    assert_no_exception(at)
    assert dict(at.query_params) == {}  # loading writes nothing to the address; the first change writes it all
    frame = first_csv(at, capture)
    assert frame["incidents"].tolist() == [5, 4, 6, 4, 5, 3, 6]
    # the older quarterly tables are shown as a second chart with their own downloads
    assert [b.proto.label for b in download_buttons(at)].count("CSV") == 2
    assert any("older quarterly tables" in s.value for s in at.header)
    assert not any(SAMPLE_LABEL in w for w in texts(at.warning))


@pytest.mark.parametrize(
    "action, url, check",
    [
        (
            lambda at: at.radio(key="url_period").set_value("year"),
            {"period": "year"},
            lambda f: f["period"].astype(str).tolist() == ["2019", "2020"],
        ),
        (
            lambda at: at.selectbox(key="url_breakdown").set_value("incident_category"),
            {"breakdown": "incident_category"},
            lambda f: set(f["group"]) == {"Cyber", "Non Cyber"},
        ),
        (
            lambda at: at.multiselect(key="url_sector").set_value(["Health"]),
            {"sector": "Health"},
            lambda f: f["incidents"].sum() == 10,
        ),
        (
            lambda at: at.checkbox(key="url_comparable").uncheck(),
            {"comparable": "0"},
            lambda f: f["incidents"].sum() == 36,
        ),
        (
            lambda at: at.checkbox(key="url_rolling").check(),
            {"rolling": "1"},
            lambda f: f["rolling_mean_4q"].iloc[3] == 4.8,
        ),  # 4.75 rounded once, half up,
    ],
)
def test_each_filter_changes_the_chart_and_the_url(tiny_warehouse, monkeypatch, action, url, check):
    capture = MediaCapture()
    at = open_page(PAGE, tiny_warehouse, monkeypatch, capture=capture)
    action(at).run()
    assert_no_exception(at)
    assert dict(at.query_params) == DEFAULT_URL | url
    assert check(first_csv(at, capture))


def test_measure_and_legacy_split(tiny_warehouse, monkeypatch):
    at = open_page(PAGE, tiny_warehouse, monkeypatch)
    at.selectbox(key="url_breakdown").set_value("time_to_report").run()
    at.radio(key="url_measure").set_value("share_pct").run()
    at.selectbox(key="url_legacy").set_value("incident_type").run()
    assert_no_exception(at)
    assert at.query_params["measure"] == "share_pct" and at.query_params["legacy"] == "incident_type"
    assert any("largest time taken to report group" in p["title"] for p in chart_panels(at))


def test_url_round_trip(tiny_warehouse, monkeypatch):
    url = {
        "period": "year",
        "breakdown": "decision",
        "measure": "share_pct",
        "sector": ["Health", "Central Government"],
        "comparable": "0",
        "rolling": "0",
        "legacy": "incident_type",
        "legacy_top": "4",
    }
    capture = MediaCapture()
    at = open_page(PAGE, tiny_warehouse, monkeypatch, url, capture=capture)
    assert_no_exception(at)
    assert not at.info
    assert at.radio(key="url_period").value == "year" and at.selectbox(key="url_breakdown").value == "decision"
    assert at.multiselect(key="url_sector").value == ["Health", "Central Government"]
    assert at.checkbox(key="url_comparable").value is False
    assert dict(at.query_params) == url
    frame = first_csv(at, capture)
    assert (
        frame["incidents"].tolist()
        == expected(tiny_warehouse, "year", "decision", ["Health", "Central Government"], False)["incidents"].tolist()
    )


def test_incident_types_show_the_top_n_and_all_others(sample_warehouse, monkeypatch):
    """22 incident types: 'Groups shown' (URL 'top', default 6) decides how many get a colour; the rest are summed
    as 'All others', and the note says so. The widget appears only for breakdowns with that many groups."""
    at = open_page(PAGE, sample_warehouse, monkeypatch, {"breakdown": "incident_type"})
    assert_no_exception(at)
    assert at.number_input(key="url_top").value == 6
    chart = chart_panels(at)[0]
    names = [t["name"] for t in chart["spec"]["data"] if t.get("showlegend", True)]
    assert len(names) == 7 and names[-1].startswith("All others (")
    assert "outside the 6 largest" in chart["footer"]
    at.number_input(key="url_top").set_value(3).run()
    assert at.query_params["top"] == "3"
    names = [t["name"] for t in chart_panels(at)[0]["spec"]["data"] if t.get("showlegend", True)]
    assert len(names) == 4
    other = open_page(PAGE, sample_warehouse, monkeypatch, {"breakdown": "decision"})
    assert not [n for n in other.number_input if n.key == "url_top"]


def test_invalid_url_values(tiny_warehouse, monkeypatch):
    url = {
        "period": "fortnight",
        "breakdown": "sector; DROP TABLE incidents",
        "measure": "<b>x</b>",
        "sector": ["Health", "Nowhere"],
        "comparable": "perhaps",
        "rolling": "2",
        "legacy": "x" * 10_000,
    }
    at = open_page(PAGE, tiny_warehouse, monkeypatch, url)
    assert_no_exception(at)
    notes = texts(at.info)
    named = {n.split("**")[1].replace("\\", "") for n in notes}
    assert named == {"period", "breakdown", "measure", "sector", "comparable", "rolling", "legacy"}
    assert all(len(n) < 300 for n in notes)
    assert dict(at.query_params) == url  # the address is left as given until the user changes something
    at.checkbox(key="url_rolling").check().run()
    assert dict(at.query_params) == DEFAULT_URL | {"sector": "Health", "rolling": "1"}


def test_sample_banner_and_labelled_csv(sample_warehouse, monkeypatch):
    capture = MediaCapture()
    at = open_page(PAGE, sample_warehouse, monkeypatch, capture=capture)
    assert_no_exception(at)
    frame = first_csv(at, capture)
    assert set(frame[export.SAMPLE_STATUS_COLUMN]) == {export.SAMPLE_STATUS}
    assert frame["incidents"].tolist() == expected(sample_warehouse, "quarter")["incidents"].tolist()
    buttons = download_buttons(at)
    assert all(capture.download_bytes(b) for b in buttons if b.proto.label in ("CSV", "XLSX"))
