"""The ICO row-level loader on small files in the published shape: every quirk, every bad input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import openpyxl
import pytest

from etl.build import create_schema
from etl.errors import SourceError
from etl.sources import csv_bytes, ico_rows
from govdata import vocabulary as voc

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "ico" / "ico_rows_small.csv"
HEADER = list(voc.ICO_COLUMNS)
GOOD = [
    "BI2001",
    "2021",
    "Qtr 3",
    "Employees",
    "Basic personal identifiers",
    "No Further Action",
    "Non Cyber",
    "Data emailed to incorrect recipient",
    "1 to 9",
    "Local government",
    "Less than 24 hours",
]

# Written by hand from the fixture's design (tests/fixtures/ico/make_ico_rows_small.py), not computed from it.
EXPECTED_INCIDENTS_PER_QUARTER = {
    (2019, 1): 3,
    (2019, 2): 5,
    (2019, 3): 4,
    (2019, 4): 6,
    (2020, 1): 4,
    (2020, 2): 5,
    (2020, 3): 3,
    (2020, 4): 6,
}


def fresh():
    con = duckdb.connect(":memory:")
    create_schema(con)
    return con


def load(path: Path):
    con = fresh()
    return con, ico_rows.load(con, path)


def write_csv(path: Path, rows: list[list[str]], header=HEADER, encoding="utf-8", newline="\n") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def with_(column: str, value: str, base: list[str] = GOOD) -> list[str]:
    out = list(base)
    out[HEADER.index(column)] = value
    return out


def expect_error(path: Path, *fragments: str, row: int | None = None, column: str | None = None) -> SourceError:
    with pytest.raises(SourceError) as info:
        load(path)
    err = info.value
    text = err.message()
    assert str(path) in text
    for fragment in fragments:
        assert fragment in text, text
    if row is not None:
        assert err.row == row and f"row {row}" in text, text
    if column is not None:
        assert err.column == column and f"column '{column}'" in text, text
    assert "\n" not in text  # one paragraph
    return err


def write_xlsx(path: Path, rows: list[list], sheet: str = "in", header=HEADER) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for r in rows:
        ws.append(r)
    book.save(path)
    return path


def fixture_rows() -> list[list[str]]:
    with open(FIXTURE, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))[1:]


# ------------------------------------------------------------------------------------------------- the fixture


def test_fixture_distinct_incidents_per_quarter_match_the_hand_count():
    con, result = load(FIXTURE)
    got = {
        (y, q): n
        for y, q, n in con.execute("SELECT year, quarter, count(*) FROM incident_facts GROUP BY ALL").fetchall()
    }
    assert got == EXPECTED_INCIDENTS_PER_QUARTER
    assert result.incidents == 36
    assert {(d["year"], d["quarter"]): d["incidents"] for d in result.incidents_by_quarter} == got
    # Counting rows, or BI References alone, would both be wrong here.
    assert con.execute("SELECT count(*) FROM ico_rows").fetchone()[0] == 58
    assert con.execute("SELECT count(DISTINCT bi_reference) FROM incident_facts").fetchone()[0] == 35


def test_reused_reference_is_two_incidents():
    con, _ = load(FIXTURE)
    ids = [
        r[0]
        for r in con.execute(
            "SELECT incident_id FROM incident_facts WHERE bi_reference = 'BI1001' ORDER BY year"
        ).fetchall()
    ]
    assert ids == ["BI1001/2019/Q1", "BI1001/2020/Q3"]


def test_rejected_rows_counted_with_reasons_and_first_line():
    _, result = load(FIXTURE)
    assert result.rows_read == 60
    assert result.rows_kept == 58
    assert result.rows_rejected == 2
    assert result.rejected == {
        "blank row": {"rows": 1, "first_row": 15},
        "exact duplicate of an earlier row": {"rows": 1, "first_row": 61},
    }


def test_conflicts_resolved_by_majority_then_first_row_and_counted():
    con, result = load(FIXTURE)
    assert result.conflicts["Sector"] == 1
    assert result.conflicts["Incident Category"] == 1
    assert sum(result.conflicts.values()) == 2
    facts = dict(con.execute("SELECT incident_id, sector FROM incident_facts").fetchall())
    assert facts["BI1010/2019/Q2"] == "Health"  # 2 rows Health vs 1 row Local government
    category = con.execute(
        "SELECT incident_category, had_conflict, source_rows FROM incident_facts WHERE incident_id = 'BI1020/2019/Q4'"
    ).fetchone()
    assert category == ("Non Cyber", True, 2)  # 1-1 tie: the first row's value
    assert con.execute("SELECT count(*) FROM incident_facts WHERE had_conflict").fetchone()[0] == 2


def test_unknown_values_kept_and_reported():
    con, result = load(FIXTURE)
    assert result.unknown_values == [{"column": "Incident Type", "value": "Supply chain compromise", "rows": 2}]
    assert (
        con.execute("SELECT incident_type FROM incident_facts WHERE incident_id = 'BI1030/2020/Q2'").fetchone()[0]
        == "Supply chain compromise"
    )


def test_unknown_unassigned_not_provided_are_real_values():
    con, _ = load(FIXTURE)
    assert (
        con.execute("SELECT sector FROM incident_facts WHERE incident_id = 'BI1012/2019/Q3'").fetchone()[0]
        == "Unassigned"
    )
    assert (
        con.execute("SELECT incident_type FROM incident_facts WHERE incident_id = 'BI1020/2019/Q4'").fetchone()[0]
        == "Not Provided"
    )
    assert con.execute(
        "SELECT data_subject_type FROM incident_data_subjects WHERE incident_id = 'BI1007/2019/Q2'"
    ).fetchall() == [("Unknown",)]


def test_q1_2019_kept_but_not_comparable():
    con, _ = load(FIXTURE)
    rows = con.execute(
        "SELECT year, quarter, bool_and(comparable), bool_or(comparable) FROM incident_facts GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert rows[0] == (2019, 1, False, False)
    assert all(r[2] for r in rows[1:])
    assert (
        con.execute("SELECT period_start FROM incident_facts WHERE incident_id = 'BI1008/2019/Q3'")
        .fetchone()[0]
        .isoformat()
        == "2019-07-01"
    )


def test_bridges_hold_each_incidents_subject_and_data_types():
    con, _ = load(FIXTURE)
    subjects = {
        r[0]
        for r in con.execute(
            "SELECT data_subject_type FROM incident_data_subjects WHERE incident_id = 'BI1005/2019/Q2'"
        ).fetchall()
    }
    types = {
        r[0]
        for r in con.execute(
            "SELECT data_type FROM incident_data_types WHERE incident_id = 'BI1005/2019/Q2'"
        ).fetchall()
    }
    assert subjects == {"Employees", "Customers or prospective customers"}
    assert types == {"Basic personal identifiers", "Economic and financial data"}
    assert con.execute("SELECT source_rows FROM incident_facts WHERE incident_id = 'BI1005/2019/Q2'").fetchone()[0] == 4


def test_fixture_covers_what_page_tests_need():
    con, _ = load(FIXTURE)

    def values(col: str) -> set:
        return {r[0] for r in con.execute(f"SELECT DISTINCT {col} FROM incident_facts").fetchall()}

    assert set(voc.TIME_TO_REPORT) <= values("time_to_report")
    assert set(voc.INCIDENT_CATEGORIES) <= values("incident_category")
    assert {"Local government", "Health", "Education and childcare"} <= values("sector")


def test_source_row_is_the_line_in_the_file():
    con, _ = load(FIXTURE)
    with open(FIXTURE, newline="", encoding="utf-8") as fh:
        lines = {n: r for n, r in enumerate(csv.reader(fh), start=1)}
    for line, ref, sector in con.execute("SELECT source_row, bi_reference, sector FROM ico_rows").fetchall():
        assert lines[line][0] == ref and lines[line][9] == sector


def test_xlsx_release_gives_the_same_incidents(tmp_path):
    rows = [[int(c) if i == 1 and c else (c or None) for i, c in enumerate(r)] for r in fixture_rows()]
    con, result = load(write_xlsx(tmp_path / "release.xlsx", rows))
    assert result.file_format == "xlsx"
    got = {
        (y, q): n
        for y, q, n in con.execute("SELECT year, quarter, count(*) FROM incident_facts GROUP BY ALL").fetchall()
    }
    assert got == EXPECTED_INCIDENTS_PER_QUARTER
    assert result.rejected == {
        "blank row": {"rows": 1, "first_row": 15},
        "exact duplicate of an earlier row": {"rows": 1, "first_row": 61},
    }


def test_bom_crlf_and_empty_lines_are_accepted_with_true_line_numbers(tmp_path):
    path = tmp_path / "bom.csv"
    body = "\r\n".join([",".join(HEADER), ",".join(GOOD), "", ",".join(with_("BI Reference", "BI2002")), "", ""])
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())
    con, result = load(path)
    assert result.rows_kept == 2
    assert result.rejected["blank row"] == {"rows": 2, "first_row": 3}
    assert con.execute("SELECT source_row FROM ico_rows ORDER BY 1").fetchall() == [(2,), (4,)]
    # After empty lines, an error still names the physical line.
    bad = tmp_path / "bad_after_blank.csv"
    bad.write_text("\n".join([",".join(HEADER), ",".join(GOOD), "", "", ",".join(with_("Year", "20x1"))]) + "\n")
    expect_error(bad, "Year is not a whole number", row=5, column="Year")


def test_values_spanning_lines_keep_true_line_numbers(tmp_path):
    path = write_csv(
        tmp_path / "multiline.csv", [with_("Incident Type", "Other\nincident"), GOOD, with_("Quarter", "Q4")]
    )
    expect_error(path, "Unknown quarter label", "'Q4'", row=5, column="Quarter")


def test_extra_columns_are_ignored_and_reported(tmp_path):
    path = write_csv(tmp_path / "extra.csv", [GOOD + ["x"]], header=HEADER + ["Notes"])
    _, result = load(path)
    assert result.ignored_columns == ["Notes"] and result.rows_kept == 1


# ------------------------------------------------------------------------------------------------- bad input


def test_missing_or_renamed_column(tmp_path):
    header = ["Sectors" if h == "Sector" else h for h in HEADER]
    path = write_csv(tmp_path / "renamed.csv", [GOOD], header=header)
    expect_error(path, "Missing column(s) 'Sector'", "'Sectors' (renamed?)", row=1, column="Sector")
    path = write_csv(tmp_path / "dropped.csv", [GOOD[:-1]], header=HEADER[:-1])
    expect_error(path, "Missing column(s) 'Time Taken to Report'", row=1)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    expect_error(path, "The file is empty")


def test_header_only_file(tmp_path):
    expect_error(write_csv(tmp_path / "header.csv", []), "header row but no data rows", row=1)
    expect_error(write_csv(tmp_path / "blanks.csv", [[""] * 11, [""] * 11]), "header row but no data rows")


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("Year", "twenty", "Year is not a whole number"),
        ("Year", "2017", "Year is out of range (expected 2019 to"),
        ("Year", "2019.5", "Year is not a whole number"),
        ("Quarter", "Quarter 1", "Unknown quarter label"),
        ("Quarter", "Q1", "Unknown quarter label"),
        ("BI Reference", "XX123", "Not a BI Reference"),
        ("BI Reference", "BI12A", "Not a BI Reference"),
        ("Sector", "", "Empty value"),
    ],
)
def test_bad_values_name_row_column_and_value(tmp_path, column, value, message):
    path = write_csv(tmp_path / "bad.csv", [GOOD, GOOD, with_(column, value), with_(column, value)])
    err = expect_error(path, message, "1 more row(s) have problems", row=4, column=column)
    assert err.value == (value or None)


def test_first_offending_row_is_reported(tmp_path):
    path = write_csv(tmp_path / "two.csv", [GOOD, with_("Quarter", "Qtr 5"), with_("Year", "1999")])
    expect_error(path, "Unknown quarter label", "'Qtr 5'", row=3, column="Quarter")


def test_wrong_number_of_fields(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(GOOD) + "\nBI1,2020,Qtr 1\n")
    expect_error(path, "Row has 3 field(s) where the header has 11", row=3)


def test_unterminated_quote_names_row_column_and_value(tmp_path):
    """DuckDB's structured rejects give the line, the column and the line as written."""
    path = tmp_path / "quote.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(GOOD) + "\n" + ",".join(GOOD[:3]) + ',"Employees\n')
    err = expect_error(path, "cannot be parsed", "unterminated quote", row=3, column=HEADER[3])
    assert err.value.startswith(",".join(GOOD[:3]))


def test_nul_bytes_are_refused_with_offset_and_line(tmp_path):
    path = write_csv(tmp_path / "nul.csv", [GOOD, GOOD])
    data = path.read_bytes()
    cut = data.index(b"\n", data.index(b"\n") + 1) + 5
    path.write_bytes(data[:cut] + b"\x00\x00\x00" + data[cut:])
    expect_error(path, "NUL byte at byte offset", f"offset {cut}", row=3)


def test_utf16_is_refused(tmp_path):
    expect_error(write_csv(tmp_path / "utf16.csv", [GOOD], encoding="utf-16"), "UTF-16", row=1)
    path = tmp_path / "utf16le.csv"
    path.write_bytes(write_csv(tmp_path / "x.csv", [GOOD]).read_text().encode("utf-16-le"))
    expect_error(path, "UTF-16", row=1)


def test_latin1_bytes_are_refused_with_offset_and_line(tmp_path):
    path = write_csv(tmp_path / "latin1.csv", [GOOD, with_("Sector", "Caf\u00e9s")], encoding="latin-1")
    offset = path.read_bytes().index(b"\xe9")
    err = expect_error(path, "not valid UTF-8", f"offset {offset}", row=3)
    assert err.value.startswith(b"\xe9")


def test_truncated_xlsx(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [GOOD])
    data = good.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    expect_error(path, "truncated or damaged")


def test_text_renamed_to_xlsx(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text(",".join(HEADER) + "\n")
    expect_error(path, "Not an XLSX workbook")


def test_xlsx_without_sheet_in(tmp_path):
    expect_error(write_xlsx(tmp_path / "sheet.xlsx", [GOOD], sheet="Data"), "No worksheet named 'in'", "'Data'")


def test_xlsx_bad_value_names_the_sheet_row(tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", [GOOD, with_("Year", "2031")])
    expect_error(path, "Year is out of range", row=3, column="Year")


def test_missing_file(tmp_path):
    expect_error(tmp_path / "nope.csv", "File not found")


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64])
def test_byte_scan_is_the_same_whatever_the_block_size(tmp_path, monkeypatch, chunk):
    """The scan reads large blocks; empty lines, CRLF pairs and UTF-8 characters that straddle two blocks must
    give the same answer as reading the file whole."""
    monkeypatch.setattr(csv_bytes, "CHUNK", chunk)
    body = (
        "\n".join(
            [",".join(HEADER), ",".join(with_("Sector", "Caf\u00e9 \u20ac")), "", "\r", ",".join(GOOD) + "\r", "", ""]
        )
        + "\n\n"
    )
    path = tmp_path / "blocks.csv"
    path.write_bytes(body.encode("utf-8"))
    scan = csv_bytes.scan(path)
    physical = body.split("\n")[:-1]  # the text after the last newline is not a line
    assert scan.lines == len(physical)
    assert scan.empty_lines == [n for n, text in enumerate(physical, start=1) if text in ("", "\r")]
    bad = tmp_path / "latin1_blocks.csv"
    bad.write_bytes(body.encode("utf-8").replace("\u20ac".encode(), b"\xe9x"))
    offset = bad.read_bytes().index(b"\xe9x")
    with pytest.raises(SourceError) as info:
        csv_bytes.scan(bad)
    assert f"offset {offset}" in info.value.message() and info.value.row == 2
