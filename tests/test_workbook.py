"""XLSX downloads need no tidying: frozen bold header with a filter, widths that fit, number formats by column kind
(thousands separators, percentages as percentages, dates as dates) and a readable about sheet. Read back with
openpyxl from workbooks written for real charts on the sample warehouse."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from govdata import export, numbers, warehouse
from govdata.charts import incidents as incident_charts
from govdata.charts import surveys as survey_charts
from govdata.queries import incidents as q
from govdata.queries import provenance, reference


@pytest.fixture(scope="module")
def specs(sample_warehouse):
    con = warehouse.connect(sample_warehouse)
    sources = provenance.to_sources(provenance.chart_sources(con, "ico_rows"))
    share = incident_charts.trend_chart(
        q.incident_trend(con, "year", "time_to_report"),
        sources=sources,
        period="year",
        breakdown="time_to_report",
        measure="share_pct",
    )
    surveys = survey_charts.survey_chart(reference.survey_results(con))
    return share, surveys


def _book(spec):
    return openpyxl.load_workbook(io.BytesIO(export.to_xlsx(spec, accessed="2025-01-31")))


def _column(sheet, name: str) -> int:
    return [c.value for c in sheet[1]].index(name) + 1


def test_header_is_bold_frozen_and_filtered(specs):
    book = _book(specs[0])
    assert book.sheetnames == ["data", "about"]
    data = book["data"]
    assert data.freeze_panes == "A2"
    assert all(cell.font.bold for cell in data[1])
    assert data.auto_filter.ref and data.auto_filter.ref.startswith("A1:")
    assert [c.value for c in data[1]] == list(export.export_frame(specs[0]).columns)  # the CSV's column names
    assert data["A1"].comment is None or data["A1"].comment.text  # labels as header notes


def test_counts_percentages_and_dates_are_formatted(specs):
    share, surveys = specs
    frame = export.export_frame(share)
    data = _book(share)["data"]
    incidents = _column(data, "incidents")
    pct = _column(data, "share_pct")
    assert data.cell(row=2, column=incidents).number_format == "#,##0"
    assert (
        data.cell(row=2, column=pct).number_format
        == "0" + ("." + "0" * numbers.PCT_PLACES if numbers.PCT_PLACES else "") + "%"
    )
    for i, expected in enumerate(frame["share_pct"], start=2):
        value = data.cell(row=i, column=pct).value
        if pd.isna(expected):
            assert value is None
        else:
            assert value == pytest.approx(expected / 100, abs=1e-12)  # 12.3 in the CSV is 12.3% in Excel
    dates = _book(surveys)["data"]
    when = _column(dates, "figure_date")
    cell = dates.cell(row=2, column=when)
    assert isinstance(cell.value, dt.datetime) and cell.number_format == "d mmm yyyy"


def test_widths_fit_and_long_text_wraps(specs):
    surveys = specs[1]
    data = _book(surveys)["data"]
    letter = openpyxl.utils.get_column_letter
    question = _column(data, "question")
    width = data.column_dimensions[letter(question)].width
    assert width >= 40  # long wording gets room...
    assert data.cell(row=2, column=question).alignment.wrap_text  # ...and wraps beyond it
    base_n = _column(data, "base_n")
    assert 8 <= data.column_dimensions[letter(base_n)].width <= 25  # a number column stays narrow


def test_about_sheet_reads_as_a_document(specs):
    share = specs[0]
    about = _book(share)["about"]
    fields = {about.cell(row=r, column=1).value: about.cell(row=r, column=2).value for r in range(2, about.max_row + 1)}
    assert fields["Title"] == share.title and "Percentages" in fields
    assert about.cell(row=2, column=1).font.bold and about.cell(row=2, column=2).alignment.wrap_text
    assert about.freeze_panes == "A2"
    listed = [about.cell(row=r, column=1).value for r in range(1, about.max_row + 1)]
    assert "Column (data sheet)" in listed
    for name in export.export_frame(share).columns:
        assert name in listed  # every data column explained
    assert "share_pct" in fields and "Share of the period" in fields["share_pct"]
