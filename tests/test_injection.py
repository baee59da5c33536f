"""Untrusted text stays text: spreadsheet formulas neutralised in every CSV/XLSX, no markup in Markdown or plotly,
bidi/zero-width characters dropped, saved-scenario names from a URL reduced to the characters the page allows."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from govdata import export, plain_text, spreadsheet_cells
from govdata import scenarios as sc
from govdata.charts import scenarios as scenario_charts
from govdata.charts.base import style
from govdata.figures import FigureSpec, Source

HOSTILE = ['=HYPERLINK("http://evil.example/x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
SOURCE = Source(publisher="ICO", title="t", url="", licence="OGL", release_date="2024-01-01", is_sample=False)


def _spec(frame: pd.DataFrame, title: str = "A title") -> FigureSpec:
    fig = go.Figure(go.Bar(x=list(frame.iloc[:, 0].astype(str)), y=list(range(len(frame)))))
    return style(
        FigureSpec(
            key="k",
            title=title,
            subtitle="s",
            figure=fig,
            data=frame,
            summary="x",
            sources=[SOURCE],
            notes=[],
            alt_text="a",
        )
    )


def test_neutralise_prefixes_formula_starts_and_leaves_numbers_alone():
    frame = pd.DataFrame({"name": HOSTILE + ["plain", "x=1"], "value": [-1.5, 2, -3, 4, 5, 6, 7, -8]})
    out = spreadsheet_cells.neutralise_frame(frame)
    assert list(out["name"]) == ["'" + v for v in HOSTILE] + ["plain", "x=1"]
    assert out["value"].dtype == frame["value"].dtype and list(out["value"]) == list(frame["value"])
    assert list(spreadsheet_cells.neutralise_frame(pd.DataFrame({"=bad": [1]})).columns) == ["'=bad"]


def test_csv_and_xlsx_exports_hold_no_live_formula():
    frame = pd.DataFrame({"scenario": HOSTILE, "avoided": [1.0, -2.0, 3.0, 4.0, 5.0, 6.0]})
    spec = _spec(frame)
    csv = pd.read_csv(io.BytesIO(export.to_csv(spec)), keep_default_na=False)
    assert all(str(v).startswith("'") for v in csv["scenario"])
    assert list(csv["avoided"]) == [1.0, -2.0, 3.0, 4.0, 5.0, 6.0]
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(spec)))
    data = book["data"]
    cells = [data.cell(row=r, column=1) for r in range(2, 8)]
    assert all(c.data_type == "s" and str(c.value).startswith("'") for c in cells), [
        (c.value, c.data_type) for c in cells
    ]
    assert all(data.cell(row=r, column=2).data_type == "n" for r in range(2, 8))  # numbers stay numbers
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"live formula in {sheet.title}!{cell.coordinate}: {cell.value}"
                assert cell.hyperlink is None, f"hyperlink in {sheet.title}!{cell.coordinate}"


def test_saved_scenario_name_from_a_url_reaches_exports_as_inert_text():
    """The issue's case: s1 = '=HYPERLINK(...)~<token>' -> the comparison CSV and XLSX hold no formula."""
    name = sc.scenario_name('=HYPERLINK("http://evil.example/x","y")', "Scenario 1")
    assert name == "HYPERLINK(httpevil.examplexy)"
    frame = pd.DataFrame(
        {
            "scenario": [name, "-starts with a dash"],
            "avoided_median": [1.0, 2.0],
            "avoided_p05": [0.5, 1.0],
            "avoided_p95": [1.5, 3.0],
        }
    )
    spec = scenario_charts.comparison_chart(frame, sources=[SOURCE])
    csv = export.to_csv(spec).decode()
    assert "'-starts with a dash" in csv and "=HYPERLINK" not in csv


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("![x](http://host/beacon.gif)", "x(httphostbeacon.gif)"),
        ("[Sign in here](http://evil.example)", "Sign in here(httpevil.example)"),
        ("<b>bold</b><img src=x>", "bboldbimg srcx"),
        ("safe\u202eexe.txt\u200b", "safeexe.txt"),
        ("  ", "Scenario 2"),
    ],
)
def test_scenario_names_keep_only_the_characters_the_page_allows(raw, shown):
    assert sc.scenario_name(raw, "Scenario 2") == shown


def test_markdown_escape_drops_bidi_and_zero_width_and_escapes_autolinks():
    text = plain_text.for_markdown("see http://evil.example or a@b.org \u202eoverride\u200b\ufeff")
    assert "\u202e" not in text and "\u200b" not in text and "\ufeff" not in text
    # escaped, and a word joiner before ':' and '@' so Streamlit's auto-linker finds no URL or e-mail address
    assert "http\u2060\\:\\/\\/" in text and "a\u2060\\@b\\.org" in text


def test_plotly_text_from_data_is_drawn_as_written():
    frame = pd.DataFrame(
        {"label": ['<a href="http://evil.example">click</a>', "<b>x</b><br>y", "A & B"], "n": [1, 2, 3]}
    )
    spec = _spec(frame, title="<a href='http://evil.example'>t</a> for <i>x</i>")
    xs = list(spec.figure.data[0].x)
    assert xs[0] == '&lt;a href="http://evil.example"&gt;click&lt;/a&gt;'
    assert xs[1] == "&lt;b&gt;x&lt;/b&gt;<br>y"  # only the line break survives
    assert xs[2] == "A & B"  # unchanged when there is nothing to neutralise
    assert not spec.figure.layout.title.text  # the title is text around the plot: page text, or printed text
    from govdata import printing

    part = printing.layout(spec)[0]
    svg = printing.compose_svg(spec, part, "report", '<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    assert b"<a " not in svg and b"<i>" not in svg and b"&lt;a href=" in svg  # drawn as written, never markup
    import xml.etree.ElementTree as ET

    assert spec.title in " ".join(ET.fromstring(svg).itertext()) or "&lt;" not in spec.title
    assert list(spec.data["label"])[0].startswith("<a ")  # the data (CSV) keeps the text as it is


def test_over_long_xlsx_text_is_cut_visibly_and_kept_whole_in_csv():
    long_text = "x" * 40_000
    spec = _spec(pd.DataFrame({"label": ["short", long_text], "n": [1, 2]}))
    assert long_text in export.to_csv(spec).decode()
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(spec)))
    cell = book["data"].cell(row=3, column=1).value
    assert len(cell) <= spreadsheet_cells.EXCEL_CELL_LIMIT and "cut: the full text of 40,000 characters" in cell
    about = "\n".join(str(c.value) for row in book["about"].iter_rows() for c in row)
    assert "row 3, column 'label': 40,000 characters" in about


def test_briefing_pack_csv_is_neutralised_too():
    from govdata.packs import build_pack

    spec = _spec(pd.DataFrame({"scenario": ["=1+1"], "n": [1]}))
    pack = zipfile.ZipFile(io.BytesIO(build_pack([spec], "Page", accessed_date="2026-01-01", include_images=False)))
    csvs = [n for n in pack.namelist() if n.endswith(".csv")]
    assert csvs and all("'=1+1" in pack.read(n).decode() for n in csvs)
