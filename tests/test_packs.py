"""Briefing packs: every file present and non-empty, CSVs equal the query results, images decode, no-Chromium path."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import duckdb
import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image

from govdata import export
from govdata.charts.base import style
from govdata.figures import OGL_ATTRIBUTION, SAMPLE_LABEL, FigureSpec, Source
from govdata.packs import ALT_TEXT, CITATIONS, README, build_pack, pack_file_name
from govdata.queries.base import run

ICO = Source(
    "Information Commissioner's Office",
    "Data security incident trends",
    url="https://ico.org.uk/action-weve-taken/complaints-and-concerns-data-sets/data-security-incident-trends/",
    licence="Open Government Licence v3.0",
    release_date="2024-11-21",
    data_to="Q4 2024",
)
SAMPLE = Source(
    "this dashboard's sample generator (etl.sample)",
    "ICO-format sample",
    licence="none (simulated sample)",
    is_sample=True,
    data_to="Q4 2024",
)
SURVEY = Source(
    "Information Commissioner's Office",
    "Information rights in local government survey",
    url="https://ico.org.uk/example-survey",
    release_date="March 2017",
)


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE t (quarter VARCHAR, category VARCHAR, incidents INTEGER)")
    con.execute(
        "INSERT INTO t VALUES ('2024-Q1','Cyber',812),('2024-Q1','Non Cyber',2301),"
        "('2024-Q2','Cyber',790),('2024-Q2','Non Cyber',2255)"
    )
    return con


def _spec(con, key: str, category: str, source: Source, alt: str = "") -> FigureSpec:
    result = run(con, "SELECT quarter, incidents FROM t WHERE category = ? ORDER BY quarter", (category,))
    fig = go.Figure(go.Bar(x=result.data["quarter"], y=result.data["incidents"]))
    spec = FigureSpec(
        key=key,
        title=f"{category} incidents by quarter",
        subtitle="Distinct incidents per calendar quarter, 2024",
        figure=fig,
        data=result.data,
        summary=f"{category}: {int(result.data['incidents'].iloc[-1])} incidents in the last quarter.",
        sources=[source],
        queries=[result],
        alt_text=alt,
    )
    return style(spec)


@pytest.fixture(scope="module")
def specs():
    con = _con()
    return [
        _spec(con, "cyber-by-quarter", "Cyber", ICO, alt="Bar chart of cyber incidents by quarter."),
        _spec(con, "non-cyber-by-quarter", "Non Cyber", SURVEY),
    ]


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.fixture(scope="module")
def pack(specs) -> dict[str, bytes]:
    assert export.images_available(), "Chromium is needed for the image half of these tests (/usr/bin/chromium)"
    return _unzip(build_pack(specs, "Trends", accessed_date="2025-01-31"))


def test_every_file_present_and_non_empty(pack):
    expected = {README, CITATIONS, ALT_TEXT}
    for stem in ("01-cyber-by-quarter", "02-non-cyber-by-quarter"):
        expected |= {f"{stem}.png", f"{stem}.svg", f"{stem}.csv"}
    assert set(pack) == expected
    assert all(len(content) > 0 for content in pack.values())


def test_csvs_equal_the_query_results(pack, specs):
    for i, spec in enumerate(specs, 1):
        frame = pd.read_csv(io.BytesIO(pack[f"{i:02d}-{spec.key}.csv"]))
        pd.testing.assert_frame_equal(frame, spec.queries[0].data, check_dtype=False)
        pd.testing.assert_frame_equal(frame, spec.data, check_dtype=False)


def test_images_decode_with_titles_on_them(pack):
    png = Image.open(io.BytesIO(pack["01-cyber-by-quarter.png"]))
    png.verify()
    assert png.format == "PNG" and png.size[0] >= 1000
    root = ET.fromstring(pack["01-cyber-by-quarter.svg"])
    assert root.tag.endswith("svg")
    svg_text = " ".join(" ".join(root.itertext()).split())  # printed lines wrap: read them as one text
    assert "Cyber incidents by quarter" in svg_text
    assert "published 2024-11-21; data to Q4 2024" in svg_text  # printed with the chart by govdata.printing


def test_citations_are_harvard_with_access_date(pack):
    text = pack[CITATIONS].decode()
    assert ICO.harvard("2025-01-31") in text
    assert SURVEY.harvard("2025-01-31") in text
    assert "(Accessed: 2025-01-31)" in text
    assert OGL_ATTRIBUTION in text
    assert SAMPLE_LABEL not in text


def test_alt_text_for_every_chart(pack, specs):
    text = pack[ALT_TEXT].decode()
    assert "Bar chart of cyber incidents by quarter." in text
    # no alt text given: title, subtitle and the data-computed summary stand in
    assert specs[1].summary in text and "02-non-cyber-by-quarter" in text


def test_readme_is_a_manifest(pack):
    text = pack[README].decode()
    assert "Briefing pack: Trends" in text
    for name in pack:
        if name != README:
            assert name in text
    assert "IMAGES NOT INCLUDED" not in text
    # what each chart's data runs to (never a release date presented as one)
    assert "Data runs to: Q4 2024" in text and "Data runs to: not stated" in text


def test_no_chromium_still_builds_everything_else(specs, monkeypatch):
    monkeypatch.setenv(export.CHROMIUM_ENV, "/nonexistent/chromium")
    files = _unzip(build_pack(specs, "Trends", accessed_date="2025-01-31"))
    assert not [n for n in files if n.endswith((".png", ".svg"))]
    assert {"01-cyber-by-quarter.csv", "02-non-cyber-by-quarter.csv", CITATIONS, ALT_TEXT, README} <= set(files)
    assert all(files.values())
    readme = files[README].decode()
    assert "IMAGES NOT INCLUDED" in readme and "No Chromium" in readme


def test_sample_label_everywhere():
    con = _con()
    spec = _spec(con, "sample-trend", "Cyber", SAMPLE)
    files = _unzip(build_pack([spec], "Overview", accessed_date="2025-01-31", include_images=False))
    assert set(files) == {"01-SAMPLE-sample-trend.csv", CITATIONS, ALT_TEXT, README}
    assert SAMPLE_LABEL in files[README].decode()
    assert SAMPLE_LABEL in files[CITATIONS].decode()
    assert SAMPLE_LABEL in files[ALT_TEXT].decode()
    frame = pd.read_csv(io.BytesIO(files["01-SAMPLE-sample-trend.csv"]))
    assert set(frame[export.SAMPLE_STATUS_COLUMN]) == {export.SAMPLE_STATUS}
    pd.testing.assert_frame_equal(frame.drop(columns=export.SAMPLE_STATUS_COLUMN), spec.data, check_dtype=False)
    assert pack_file_name("Overview", is_sample=True).startswith("SAMPLE-briefing-pack-overview-")


def test_sample_watermark_on_image():
    con = _con()
    spec = _spec(con, "sample-trend", "Cyber", SAMPLE)
    files = _unzip(build_pack([spec], "Overview", accessed_date="2025-01-31"))
    svg_text = "".join(ET.fromstring(files["01-SAMPLE-sample-trend.svg"]).itertext())
    assert "SAMPLE DATA" in svg_text


def test_empty_pack_is_refused():
    with pytest.raises(ValueError):
        build_pack([], "Trends", accessed_date="2025-01-31")


def test_pack_button_defers_building(tmp_path):
    """The page's rerun must not build the ZIP: Streamlit registers the callable and runs it on click."""
    from streamlit.testing.v1 import AppTest

    script = tmp_path / "page.py"
    script.write_text(
        "import duckdb, plotly.graph_objects as go\n"
        "from govdata.figures import FigureSpec\n"
        "from govdata.queries.base import run\n"
        "from ui.pack_button import pack_download\n"
        "r = run(duckdb.connect(), 'SELECT 1 AS x, ? AS y', (2,))\n"
        "spec = FigureSpec('k', 'T', 'S', go.Figure(), r.data, 'sum')\n"
        "pack_download([spec], 'Trends')\n"
    )
    at = AppTest.from_file(str(script), default_timeout=30).run()
    assert not at.exception
    buttons = at.get("download_button")
    assert len(buttons) == 1
    proto = buttons[0].proto
    assert proto.label == "Download briefing pack (ZIP)"
    assert proto.deferred_file_id and not proto.url


def test_sample_is_never_credited_to_a_publisher_or_the_ogl():
    """Issue 10, defect 4: the pack's citations.txt credited simulated counts to the ICO under the OGL."""
    con = _con()
    files = _unzip(
        build_pack(
            [_spec(con, "sample-trend", "Cyber", SAMPLE)], "Overview", accessed_date="2025-01-31", include_images=False
        )
    )
    citations = files[CITATIONS].decode()
    assert OGL_ATTRIBUTION not in citations and "Open Government Licence" not in citations
    assert "Not for citation" in citations and "Available at" not in citations
