"""Exports: CSV/XLSX hold exactly the chart's data (+ a data_status column for samples); images decode."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from PIL import Image
from support import fail_or_skip

from govdata import export, warehouse
from govdata.charts import incidents as charts
from govdata.figures import SAMPLE_LABEL
from govdata.queries import incidents as q
from govdata.queries import provenance


def _spec(path, **kwargs):
    con = warehouse.connect(path)
    result = q.incident_trend(con, "quarter", "incident_category", **kwargs)
    sources = provenance.to_sources(provenance.chart_sources(con, "ico_rows"))
    return result, charts.trend_chart(result, sources=sources, breakdown="incident_category")


def test_csv_is_exactly_the_query_result(tiny_warehouse):
    result, spec = _spec(tiny_warehouse)
    frame = pd.read_csv(io.BytesIO(export.to_csv(spec)))
    expected = result.data.copy()
    expected["period_start"] = expected["period_start"].astype(str)
    assert list(frame.columns) == list(expected.columns)
    assert frame["incidents"].tolist() == expected["incidents"].tolist()
    assert frame["period"].tolist() == expected["period"].tolist()
    assert frame["group"].tolist() == expected["group"].tolist()
    assert export.file_stem(spec) == "incidents-by-quarter-incident-category"


def test_sample_exports_are_labelled(sample_warehouse):
    result, spec = _spec(sample_warehouse)
    frame = pd.read_csv(io.BytesIO(export.to_csv(spec)))
    assert set(frame[export.SAMPLE_STATUS_COLUMN]) == {export.SAMPLE_STATUS}
    assert frame.drop(columns=export.SAMPLE_STATUS_COLUMN)["incidents"].tolist() == result.data["incidents"].tolist()
    assert export.file_stem(spec).startswith("SAMPLE-")
    about = pd.read_excel(io.BytesIO(export.to_xlsx(spec)), sheet_name="about")
    assert SAMPLE_LABEL in about["text"].tolist()
    assert export.citations(spec).startswith(SAMPLE_LABEL)


def test_xlsx_has_data_and_about_sheets(tiny_warehouse):
    result, spec = _spec(tiny_warehouse)
    sheets = pd.read_excel(io.BytesIO(export.to_xlsx(spec, accessed="2025-01-31")), sheet_name=None)
    assert set(sheets) == {"data", "about"}
    assert sheets["data"]["incidents"].tolist() == result.data["incidents"].tolist()
    about = dict(zip(sheets["about"]["field"], sheets["about"]["text"]))
    assert about["Title"] == spec.title and about["Subtitle"] == spec.subtitle
    assert "Open Government Licence v3.0" in about["Source"]
    assert "(Accessed: 2025-01-31)" in about["Citation"]
    assert "FROM incidents" in about["Query 1"] and "-- parameters:" in about["Query 1"]


def test_citation_is_harvard_style(tiny_warehouse):
    _, spec = _spec(tiny_warehouse)
    text = export.citations(spec, accessed="2025-01-31")
    assert text.startswith("Information Commissioner's Office (") and "Available at: https://" in text


@pytest.fixture(scope="module")
def chromium():
    if not export.images_available():
        message = "no Chromium (set CHROMIUM_PATH or install chromium): PNG/SVG export cannot be tested"
        fail_or_skip(message)


@pytest.mark.usefixtures("chromium")
def test_png_and_svg_decode_with_title_and_source(tiny_warehouse):
    _, spec = _spec(tiny_warehouse)
    png = export.to_image(spec, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    assert image.size[0] == export.PRINT_SIZES["report"].image_width_px and image.size[1] > 1000  # 16 cm, 300 dpi
    assert tuple(round(d) for d in image.info["dpi"]) == (300, 300)
    svg = export.to_image(spec, "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    text = " ".join(t for t in root.itertext())
    assert "Information Commissioner" in text and "Non Cyber" in text


@pytest.mark.usefixtures("chromium")
def test_renderer_is_reused(tiny_warehouse, monkeypatch):
    # One kaleido renderer serves every image: count start-ups through a spy that still starts the real one.
    import kaleido

    real_start, starts = kaleido.start_sync_server, []
    monkeypatch.setattr(kaleido, "start_sync_server", lambda *a, **k: (starts.append(1), real_start(*a, **k))[1])
    _, spec = _spec(tiny_warehouse)
    for fmt in ("svg", "png", "svg"):
        assert export.to_image(spec, fmt)
    assert len(starts) <= 1  # 0 when an earlier test already started it in this process


def test_unknown_image_format_is_refused(tiny_warehouse):
    _, spec = _spec(tiny_warehouse)
    with pytest.raises(ValueError):
        export.to_image(spec, "gif")
