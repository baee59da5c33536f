"""Overview page through AppTest on real warehouses (tiny: hand-computed figures; sample: labelled)."""

from __future__ import annotations

import io

import pandas as pd
from apptest_helpers import MediaCapture, assert_no_exception, csv_frame, download_buttons, open_page, page, texts

from govdata import export, warehouse
from govdata.figures import SAMPLE_LABEL
from govdata.headlines import SAMPLE_PREFIX
from govdata.queries import incidents as q

PAGE = page("overview.py")


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def headline_sentences(at) -> str:
    """The sentences in the copy box, which is built once its expander is opened (a rerun)."""
    at.session_state["headlines-copy-open"] = True
    at.run()
    assert_no_exception(at)
    return next(c.value for c in at.code if "the ICO received" in c.value)


def test_default_render_shows_hand_computed_headlines(tiny_warehouse, monkeypatch):
    at = open_page(PAGE, tiny_warehouse, monkeypatch)
    assert_no_exception(at)
    assert metrics(at) == {
        "Reports in 2020": "18",
        "Cyber share, 2020": "38.9%",
        "Reported within 72 hours, 2020": "72.2%",
        "Reports in Q4 2020": "6",
        "Cyber share, Q4 2020": "33.3%",
        "Reported within 72 hours, Q4 2020": "66.7%",
    }
    assert not [c for c in at.code if "the ICO received" in c.value], "the copy box is built before it is opened"
    shown = " ".join(m.value for m in at.markdown).replace("\\", "").replace("\u2060", "")
    assert "In 2020 the ICO received 18 personal data breach reports." in shown  # shown as text on the page
    sentences = headline_sentences(at)
    assert "In 2020 the ICO received 18 personal data breach reports." in sentences
    assert "(7 of 18; fewer than 100 reports" in sentences
    assert not any(SAMPLE_LABEL in w for w in texts(at.warning))
    assert "sector" not in at.query_params  # loading a page writes nothing to the address (no history entry)


def test_sector_filter_changes_every_figure_and_the_url(tiny_warehouse, monkeypatch):
    at = open_page(PAGE, tiny_warehouse, monkeypatch)
    at.multiselect(key="url_sector").set_value(["Health"]).run()
    assert_no_exception(at)
    assert metrics(at)["Reports in 2020"] == "6" and metrics(at)["Reports in Q4 2020"] == "2"
    assert at.query_params["sector"] == "Health"
    assert "from organisations in the Health sector, up 100.0% on Q4 2019 (1)" in headline_sentences(at)


def test_url_round_trip(tiny_warehouse, monkeypatch):
    at = open_page(PAGE, tiny_warehouse, monkeypatch, {"sector": ["Health", "Local government"]})
    assert_no_exception(at)
    assert at.multiselect(key="url_sector").value == ["Health", "Local government"]
    # Health 6 + Local government 2020: BI1021, 1025, 1026, 1031, 1033, 1034, 1035 = 7
    assert metrics(at)["Reports in 2020"] == "13"


def test_invalid_url_values_give_a_note_not_an_exception(tiny_warehouse, monkeypatch):
    at = open_page(PAGE, tiny_warehouse, monkeypatch, {"sector": ["Health", "<img src=x onerror=alert(1)>"]})
    assert_no_exception(at)
    notes = texts(at.info)
    assert len(notes) == 1 and "**sector**" in notes[0]
    assert "\\<img src\\=x" in notes[0]  # Markdown-escaped: shown as text, never rendered
    assert metrics(at)["Reports in 2020"] == "6"


def test_downloads_match_the_query(tiny_warehouse, monkeypatch):
    capture = MediaCapture()
    at = open_page(PAGE, tiny_warehouse, monkeypatch, capture=capture)
    buttons = download_buttons(at)
    labels = [b.proto.label for b in buttons]
    assert labels.count("CSV") == 2 and labels.count("XLSX") == 2
    frame = csv_frame(capture.download_bytes(buttons[labels.index("CSV")]))
    expected = q.incident_trend(warehouse.connect(tiny_warehouse), "quarter", None, [], True, True).data
    assert frame["period"].tolist() == expected["period"].tolist()
    assert frame["incidents"].tolist() == expected["incidents"].tolist()
    xlsx = capture.download_bytes(buttons[labels.index("XLSX")])
    assert set(pd.read_excel(io.BytesIO(xlsx), sheet_name=None)) == {"data", "about"}
    if export.images_available():
        png = capture.download_bytes(buttons[labels.index("PNG")])
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert any("camera button" in c.value for c in at.caption)


def test_sample_warehouse_is_labelled(sample_warehouse, monkeypatch):
    capture = MediaCapture()
    at = open_page(PAGE, sample_warehouse, monkeypatch, capture=capture)
    assert_no_exception(at)
    sentences = headline_sentences(at)
    assert all(line.startswith(SAMPLE_PREFIX) for line in sentences.splitlines())
    csv = csv_frame(capture.download_bytes(download_buttons(at)[0]))
    assert set(csv[export.SAMPLE_STATUS_COLUMN]) == {export.SAMPLE_STATUS}


def test_missing_warehouse_shows_how_to_build_it(tmp_path, monkeypatch):
    at = open_page(PAGE, tmp_path / "absent.duckdb", monkeypatch)
    assert not at.exception
    assert any("not available" in e for e in texts(at.error))
    assert any("python -m etl build" in c.value for c in at.code)
    assert not at.metric


def test_default_page_is_overview(tiny_warehouse, monkeypatch):
    at = open_page(None, tiny_warehouse, monkeypatch)
    assert at.title[0].value == "Personal data breaches reported to the ICO"
