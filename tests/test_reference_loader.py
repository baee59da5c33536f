"""The reference-CSV loader: each validation rule rejects a bad fixture with file, line, column and value."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl.errors import SourceError
from etl.sources.reference import TABLES, load_reference, provenance_records
from govdata import settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reference"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"


def _with_bad(tmp_path: Path, bad_name: str) -> Path:
    """A copy of the good fixture folder with one file replaced by a bad fixture."""
    folder = tmp_path / "reference"
    shutil.copytree(GOOD, folder)
    table = bad_name.split("__")[0]
    shutil.copyfile(BAD / f"{bad_name}.csv", folder / TABLES[table].file)
    return folder


# bad fixture -> (line, column, value, words in the problem)
CASES = {
    "survey_results__missing_column": (1, "polarity", None, "required column(s) missing"),
    "survey_results__extra_column": (1, "comment", "comment", "unexpected column"),
    "survey_results__bad_date": (3, "fieldwork_end", "31/12/2016", "ISO date"),
    "survey_results__pct_over_100": (3, "value_pct", "118", "outside 0-100"),
    "survey_results__pct_not_number": (3, "value_pct", "18%", "not a number"),
    "survey_results__base_n_zero": (2, "base_n", "0", "positive"),
    "survey_results__base_n_decimal": (5, "base_n", "173.5", "whole number"),
    "survey_results__no_url": (2, "source_url", "", "required value is empty"),
    "survey_results__url_not_url": (5, "source_url", "example.org/survey", "http(s) URL"),
    "survey_results__bad_polarity": (2, "polarity", "bad", "polarity must be one of"),
    "survey_results__start_after_end": (2, "fieldwork_start", "2017-01-15", "after fieldwork_end"),
    "survey_results__empty_required": (3, "topic", "", "required value is empty"),
    "survey_results__no_value_no_note": (4, "value_pct", None, "no value_pct"),
    "survey_results__wrong_cell_count": (5, None, None, "cells but the header has"),
    "poll_results__pct_negative": (3, "value_pct", "-31", "outside 0-100"),
    "poll_results__published_month_only": (3, "published", "Nov 2019", "ISO date"),
    "context_figures__duplicate_id": (3, "figure_id", "fx_breaches", "duplicate figure_id (first on line 2)"),
    "context_figures__value_not_number": (2, "value", "about 4236", "not a number"),
    # issue 10: survey and poll rows have a uniqueness key, so a duplicated row is refused
    "survey_results__duplicate_row": (
        7,
        "survey_id",
        "fx_survey_2016 / DPO / No data protection officer / https://example.org/survey",
        "duplicate survey_id + topic + indicator + source_url (first on line 2)",
    ),
    "poll_results__duplicate_row": (
        6,
        "poll_id",
        "fx_poll_2019 / Trust with data / local government / trust / https://example.org/p19",
        "duplicate poll_id + question + organisation + response + source_url (first on line 3)",
    ),
    # every figure must be citable: its page has a row in sources.csv
    "survey_results__source_not_listed": (
        3,
        "source_url",
        "https://example.org/not-in-sources",
        "no row in sources.csv",
    ),
}


@pytest.mark.parametrize("bad_name", sorted(CASES))
def test_bad_row_is_rejected_with_its_location(tmp_path, bad_name):
    line, column, value, words = CASES[bad_name]
    folder = _with_bad(tmp_path, bad_name)
    with pytest.raises(SourceError) as caught:
        load_reference(folder)
    err = caught.value
    assert err.row == line
    assert err.column == column
    assert err.value == value
    assert words in err.problem
    message = str(err)
    assert TABLES[bad_name.split("__")[0]].file in message and f"row {line}" in message
    assert "\n" not in message  # one paragraph, no traceback text


def test_every_bad_fixture_has_a_case():
    assert {p.stem for p in BAD.glob("*.csv")} == set(CASES) | {"survey_results__not_utf8"}


def test_non_utf8_file_is_refused(tmp_path):
    folder = _with_bad(tmp_path, "survey_results__not_utf8")
    with pytest.raises(SourceError, match="not UTF-8") as caught:
        load_reference(folder)
    assert caught.value.row == 6


def test_missing_file_is_named(tmp_path):
    folder = tmp_path / "reference"
    shutil.copytree(GOOD, folder)
    (folder / "poll_results.csv").unlink()
    with pytest.raises(SourceError, match="reference file is missing") as caught:
        load_reference(folder)
    assert "poll_results.csv" in str(caught.value)


def test_good_fixtures_load_typed_with_source_lines():
    frames = load_reference(GOOD)
    survey = frames["survey_results"]
    assert len(survey) == 5
    assert survey["source_line"].tolist() == [2, 3, 4, 5, 6]
    assert survey.loc[0, "base_n"] == 173
    assert survey["base_n"].isna().sum() == 1
    assert survey["value_pct"].isna().sum() == 1
    assert str(survey.loc[0, "fieldwork_start"].date()) == "2016-09-01"
    polls = frames["poll_results"]
    assert polls["fieldwork_start"].isna().sum() == 2  # fieldwork unknown: left empty, never invented


def test_blank_lines_are_skipped_and_line_numbers_stay_physical(tmp_path):
    folder = tmp_path / "reference"
    shutil.copytree(GOOD, folder)
    path = folder / "council_survey_results.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:2] + ["", ",,,"] + lines[2:]) + "\n")
    survey = load_reference(folder)["survey_results"]
    assert len(survey) == 5
    assert survey["source_line"].tolist() == [2, 5, 6, 7, 8]


def test_provenance_per_file():
    frames = load_reference(GOOD)
    records = provenance_records(frames)
    assert [r["source"] for r in records] == list(TABLES)
    for record in records:
        assert len(record["sha256"]) == 64
        assert record["rows_read"] == record["rows_kept"] >= 1
        assert record["is_sample"] is False


def test_frames_insert_into_the_warehouse_schema():
    """Columns and types line up with etl/schema.sql, positionally and by name."""
    frames = load_reference(GOOD)
    con = duckdb.connect()
    con.execute(settings.SCHEMA_SQL.read_text())
    for table, frame in frames.items():
        declared = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
        assert declared == list(frame.columns), table
        con.register("frame", frame)
        con.execute(f"INSERT INTO {table} SELECT * FROM frame").fetchall()
        con.unregister("frame")
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == len(frame)
    assert con.execute("SELECT base_n, fieldwork_start FROM survey_results WHERE source_line = 2").fetchone() == (
        173,
        __import__("datetime").date(2016, 9, 1),
    )
