"""The older quarterly incident-type x sector workbook: the tiny fixture, the real collated workbook, bad input."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest

from etl.build import create_schema
from etl.errors import SourceError
from etl.sources import ico_legacy

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "legacy" / "legacy_small.xlsx"
REAL = "ico-incident-trends-aggregates-aidancrane/ico_incident_type_by_sector_Q1-2019-20_to_Q3-2021-22.xlsx"
# Grand totals as printed in each sheet's unlabeled total row (checked by hand in the workbook, and in PROVENANCE.md).
REAL_TOTALS = {
    "Q1 2019-2020": 3091,
    "Q2 2019-2020": 2984,
    "Q3 2019-2020": 2795,
    "Q4 2019-2020": 2629,
    "Q1 2020-2021": 2114,
    "Q2 2020-2021": 2594,
    "Q3 2020-2021": 2350,
    "Q4 2020-2021": 2425,
    "Q1 2021-2022": 2552,
    "Q2 2021-2022": 2431,
    "Q3 2021-2022": 2404,
}


def load(path: Path):
    con = duckdb.connect(":memory:")
    create_schema(con)
    return con, ico_legacy.load(con, path)


def sums_by_sheet(con) -> dict[str, int]:
    return dict(con.execute("SELECT sheet, sum(incident_count) FROM legacy_incident_counts GROUP BY sheet").fetchall())


def test_fixture_melts_to_long_with_calendar_periods():
    con, result = load(FIXTURE)
    assert sums_by_sheet(con) == {"Q1 2019-2020": 40, "Q2 2019-2020": 29, "Q4 2019-2020": 23}
    periods = con.execute(
        "SELECT DISTINCT sheet, fy_label, fy_quarter, year, quarter, period_start "
        "FROM legacy_incident_counts ORDER BY period_start"
    ).fetchall()
    assert periods == [
        ("Q1 2019-2020", "2019-20", 1, 2019, 2, dt.date(2019, 4, 1)),
        ("Q2 2019-2020", "2019-20", 2, 2019, 3, dt.date(2019, 7, 1)),
        ("Q4 2019-2020", "2019-20", 4, 2020, 1, dt.date(2020, 1, 1)),
    ]
    assert result.cells == 3 * 5 * 4  # every sector x type cell, blanks as 0
    assert (
        con.execute("SELECT count(*) FROM legacy_incident_counts WHERE incident_count = 0").fetchone()[0] == 6 + 8 + 8
    )
    assert result.skipped_sheets == ["Source", "ICO Categories", "ICO Bodies"]
    assert result.mismatches == []
    assert [s["grand_total"] for s in result.sheets] == [40, 29, 23]
    assert result.rows_read == result.rows_kept == 15 and result.total_rows == 3
    assert con.execute("SELECT count(*) FROM legacy_incident_counts WHERE sector = 'Total'").fetchone()[0] == 0


def test_category_from_suffix_or_categories_sheet():
    con, _ = load(FIXTURE)
    got = dict(con.execute("SELECT DISTINCT incident_type, incident_category FROM legacy_incident_counts").fetchall())
    assert got == {
        "Data emailed to incorrect recipient": "Non Cyber",
        "Data posted or faxed to incorrect recipient": "Non Cyber",
        "Unauthorised access (non-cyber)": "Non Cyber",
        "Phishing": "Cyber",
        "Unauthorised access (cyber)": "Cyber",
    }


def test_real_workbook_loads_with_its_real_grand_totals(shared_data_dir):
    con, result = load(shared_data_dir / REAL)
    assert {s["sheet"]: s["grand_total"] for s in result.sheets} == REAL_TOTALS
    assert sums_by_sheet(con) == REAL_TOTALS
    assert result.mismatches == []
    assert result.unknown_sectors == []
    assert len(result.sheets) == 11 and result.cells == 11 * 23 * 22
    # The example in PROVENANCE.md: Q1 2019-20, 'Data posted or faxed to incorrect recipient'.
    cells = dict(
        con.execute(
            "SELECT sector, incident_count FROM legacy_incident_counts WHERE sheet = 'Q1 2019-2020' "
            "AND incident_type = 'Data posted or faxed to incorrect recipient'"
        ).fetchall()
    )
    assert (cells["Central Government"], cells["Health"], cells["Local government"]) == (141, 84, 52)
    assert sum(cells.values()) == 503
    first, last = result.sheets[0], result.sheets[-1]
    assert (first["year"], first["quarter"], last["year"], last["quarter"]) == (2019, 2, 2021, 4)
    assert con.execute(
        "SELECT DISTINCT incident_category FROM legacy_incident_counts WHERE incident_type = "
        "'Unauthorised access (cyber)'"
    ).fetchall() == [("Cyber",)]


def _copy_fixture(tmp_path: Path) -> tuple[Path, openpyxl.Workbook]:
    path = tmp_path / "legacy.xlsx"
    shutil.copyfile(FIXTURE, path)
    return path, openpyxl.load_workbook(path)


def test_grand_total_mismatch_is_reported_not_fatal(tmp_path):
    path, book = _copy_fixture(tmp_path)
    book["Q2 2019-2020"]["F7"] = 30  # grand total row (row 7), Total column: cells sum to 29
    book["Q2 2019-2020"]["F2"] = 13  # first type row's total: cells sum to 12
    book.save(path)
    con, result = load(path)
    assert {
        "sheet": "Q2 2019-2020",
        "row": None,
        "incident_type": None,
        "total": 30,
        "sum_of_cells": 29,
    } in result.mismatches
    assert {
        "sheet": "Q2 2019-2020",
        "row": 2,
        "incident_type": "Data emailed to incorrect recipient",
        "total": 13,
        "sum_of_cells": 12,
    } in result.mismatches
    assert sums_by_sheet(con)["Q2 2019-2020"] == 29


def test_non_numeric_cell_names_sheet_row_column_value(tmp_path):
    path, book = _copy_fixture(tmp_path)
    book["Q4 2019-2020"]["C4"] = "n/a"
    book.save(path)
    with pytest.raises(SourceError) as info:
        load(path)
    text = info.value.message()
    assert "sheet 'Q4 2019-2020'" in text and "row 4" in text and "column 'Health'" in text and "'n/a'" in text


def test_type_without_category_is_an_error(tmp_path):
    path, book = _copy_fixture(tmp_path)
    book["Q1 2019-2020"]["A5"] = "Quantum eavesdropping"
    book.save(path)
    with pytest.raises(SourceError, match="category is unknown") as info:
        load(path)
    assert info.value.row == 5 and info.value.sheet == "Q1 2019-2020"


def test_workbook_without_quarter_sheets(tmp_path):
    path = tmp_path / "none.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    book.save(path)
    with pytest.raises(SourceError, match="No quarter sheets .* found 'Summary'"):
        load(path)


def test_truncated_workbook(tmp_path):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(FIXTURE.read_bytes()[:2000])
    with pytest.raises(SourceError, match="truncated or damaged"):
        load(path)


def test_not_a_workbook(tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(SourceError, match="Not an XLSX workbook"):
        load(path)
