"""The published quarterly reference CSV and the ICO-format sample generator (etl/sample.py)."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pytest
from ico_site import etl_sample

from etl import sample
from etl.sample import CALIBRATION_ROWS, is_sample_file, quarter_targets, sample_marker_path, write_sample
from govdata import settings
from govdata import vocabulary as voc

REFERENCE = settings.REFERENCE_DIR / "ico_quarterly_incidents_derived.csv"
KEY = ["BI Reference", "Year", "Quarter"]


def read_reference() -> list[dict]:
    with open(REFERENCE, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --- the reference CSV -------------------------------------------------------------------------------------------


def test_reference_csv_matches_shared_published_file(shared_data_dir):
    shared = shared_data_dir / "ico-incident-trends-derived-olga" / "quarterly_incident_counts.csv"
    with open(shared, newline="", encoding="utf-8") as f:
        theirs = {
            (int(r["Year"]), voc.QUARTER_LABELS[r["Quarter"]]): int(r["Number of Incidents"]) for r in csv.DictReader(f)
        }
    ours = {(int(r["year"]), int(r["quarter"])): int(r["incidents"]) for r in read_reference()}
    assert len(ours) == 24 == len(theirs)
    assert ours == theirs


def test_reference_csv_annual_sums_and_sources():
    rows = read_reference()
    # issue 10, defect 7: the counts were computed by a third party, so the file credits the deriver and names the
    # ICO release it was derived from (it is not 'published' by the ICO)
    assert list(rows[0]) == [
        "year",
        "quarter",
        "incidents",
        "release",
        "derived_by",
        "derived_from",
        "derived_from_url",
        "licence",
        "notes",
    ]
    annual: dict[int, int] = {}
    for r in rows:
        annual[int(r["year"])] = annual.get(int(r["year"]), 0) + int(r["incidents"])
        assert r["derived_from"].startswith("Information Commissioner's Office")
        assert r["derived_from_url"] == voc.ICO_LANDING_PAGE
        assert r["release"] == "q1-2019-to-q4-2024"
        assert "olga-in-clouds/uni_ico_incidents_analysis" in r["derived_by"] and "548a68a" in r["derived_by"]
    assert annual == {2019: 11_366, 2020: 9_702, 2021: 9_742, 2022: 8_129, 2023: 11_069, 2024: 12_193}
    assert sum(annual.values()) == 62_201


# --- quarterly targets -------------------------------------------------------------------------------------------


def test_quarter_targets_scale_the_published_counts():
    published = sample.published_quarterly()
    counts = [p[2] for p in published]
    assert quarter_targets(CALIBRATION_ROWS).tolist() == counts
    assert quarter_targets(10 * CALIBRATION_ROWS).tolist() == [10 * c for c in counts]
    half = quarter_targets(CALIBRATION_ROWS // 2)
    assert int(half.sum()) == round(62_201 * (CALIBRATION_ROWS // 2) / CALIBRATION_ROWS)
    assert all(abs(h - c / 2) < 1 for h, c in zip(half, counts))
    assert quarter_targets(1).sum() == 1


# --- the full-size sample ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full_sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("full") / "ico_sample.csv"
    info = write_sample(out, CALIBRATION_ROWS)
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    return info, frame


def test_full_size_sample_reproduces_published_quarterly_incidents(full_sample):
    info, frame = full_sample
    assert len(frame) == CALIBRATION_ROWS == info.rows
    per_quarter = frame.groupby(["Year", "Quarter"])["BI Reference"].nunique()
    got = {(int(y), voc.QUARTER_LABELS[q]): int(n) for (y, q), n in per_quarter.items()}
    expected = {(int(r["year"]), int(r["quarter"])): int(r["incidents"]) for r in read_reference()}
    assert got == expected == info.quarterly_incidents
    assert info.incidents == 62_201 == frame[KEY].drop_duplicates().shape[0]


def test_sample_has_ico_columns_and_vocabulary(full_sample):
    _, frame = full_sample
    assert list(frame.columns) == list(voc.ICO_COLUMNS)
    assert frame["BI Reference"].str.fullmatch(r"BI\d+").all()
    assert set(frame["Quarter"]) == set(voc.QUARTER_LABELS)
    for source, column in voc.ICO_COLUMNS.items():
        if column in voc.KNOWN_VALUES:
            assert set(frame[source]) <= set(voc.KNOWN_VALUES[column]), source
    # Several rows per incident, each a distinct Data Subject Type x Data Type pair.
    assert not frame.duplicated(KEY + ["Data Subject Type", "Data Type"]).any()
    assert 2.5 < len(frame) / frame[KEY].drop_duplicates().shape[0] < 3.0


def test_sample_shares_are_plausible(full_sample):
    _, frame = full_sample
    incidents = frame.drop_duplicates(KEY)
    sector = incidents["Sector"].value_counts(normalize=True)
    assert sector.index[0] == "Health" and 0.15 < sector["Health"] < 0.23
    assert 0.10 < sector["Education and childcare"] < 0.17
    cyber = incidents.assign(c=incidents["Incident Category"] == "Cyber").groupby("Year")["c"].mean()
    assert 0.15 < cyber["2019"] < cyber["2024"] < 0.35
    within_72h = incidents["Time Taken to Report"].isin(voc.WITHIN_72_HOURS).mean()
    assert within_72h > 0.6
    assert incidents["Decision Taken"].isin(["No Further Action", "Informal Action Taken"]).mean() > 0.8
    types = frame.groupby("Incident Category")["Incident Type"].agg(set)
    assert {"Phishing", "Ransomware", "Malware", "Brute Force"} <= types["Cyber"]
    assert not {"Phishing", "Ransomware", "Malware", "Brute Force"} & types["Non Cyber"]
    assert "Unauthorised access" in types["Cyber"] & types["Non Cyber"]


def test_sample_has_real_file_quirks(full_sample):
    _, frame = full_sample
    per_incident = frame.groupby(KEY)
    assert 0 < (per_incident["Sector"].nunique() > 1).sum() < 1000
    assert 0 < (per_incident["Incident Category"].nunique() > 1).sum() < 500
    quarters_per_ref = frame.drop_duplicates(KEY).groupby("BI Reference").size()
    assert (quarters_per_ref > 1).sum() > 100  # references reused across quarters
    assert ((frame["Year"] == "2019") & (frame["Quarter"] == "Qtr 1")).sum() > 0


def test_sample_is_labelled(full_sample):
    info, _ = full_sample
    assert info.marker == sample_marker_path(info.path) and info.marker.exists()
    text = info.marker.read_text()
    assert "SIMULATED" in text and str(info.rows) in text
    assert f"Bytes: {info.path.stat().st_size}" in text
    assert is_sample_file(info.path)


# --- determinism, sizes, formats ---------------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    write_sample(a, 5000, seed=7)
    write_sample(b, 5000, seed=7)
    write_sample(c, 5000, seed=8)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


@pytest.mark.parametrize("rows", [1, 2, 37, 1000])
def test_exact_row_count_for_small_samples(tmp_path, rows):
    info = write_sample(tmp_path / "s.csv", rows)
    frame = pd.read_csv(info.path, dtype=str)
    assert len(frame) == rows
    assert 1 <= info.incidents == frame[KEY].drop_duplicates().shape[0] <= rows


def test_xlsx_sample_has_sheet_in_and_is_recognisable_without_sidecar(tmp_path):
    out = tmp_path / "ico_sample.xlsx"
    info = write_sample(out, 2000, seed=3)
    first = out.read_bytes()
    write_sample(out, 2000, seed=3)
    assert out.read_bytes() == first
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == [voc.ICO_SHEET]
    rows = list(wb[voc.ICO_SHEET].iter_rows(values_only=True))
    wb.close()
    assert list(rows[0]) == list(voc.ICO_COLUMNS)
    assert len(rows) - 1 == info.rows == 2000
    assert isinstance(rows[1][1], int)
    sample_marker_path(out).unlink()
    assert is_sample_file(out)


def test_plain_files_are_not_samples(tmp_path):
    csv_file = tmp_path / "real.csv"
    csv_file.write_text(",".join(voc.ICO_COLUMNS) + "\n")
    assert not is_sample_file(csv_file)
    xlsx = tmp_path / "real.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = voc.ICO_SHEET
    wb.save(xlsx)
    assert not is_sample_file(xlsx)


def test_bad_sizes_are_refused(tmp_path):
    with pytest.raises(ValueError, match="at least 1 row"):
        write_sample(tmp_path / "s.csv", 0)
    with pytest.raises(ValueError, match="Excel"):
        write_sample(tmp_path / "s.xlsx", 2_000_000)
    assert not list(tmp_path.iterdir())


# --- successive releases: --to and --revise ----------------------------------------------------------------------


def _cells(path) -> dict:
    import duckdb

    rows = duckdb.sql(f"""SELECT Year, Quarter, Sector, "Incident Category", "Incident Type",
                                 count(DISTINCT "BI Reference") FROM read_csv('{path}', all_varchar=true)
                          GROUP BY ALL""").fetchall()
    return {tuple(r[:5]): r[5] for r in rows}


def test_an_earlier_release_is_the_full_sample_up_to_its_last_quarter(tmp_path):
    full = write_sample(tmp_path / "full.csv", 5000, seed=11)
    early = write_sample(tmp_path / "early.csv", 5000, seed=11, until=(2024, 3))
    full_cells, early_cells = _cells(full.path), _cells(early.path)
    assert {k: v for k, v in full_cells.items() if k[:2] != ("2024", "Qtr 4")} == early_cells
    assert early.quarterly_incidents == {k: v for k, v in full.quarterly_incidents.items() if k != (2024, 4)}
    assert early.rows == len(pd.read_csv(early.path)) < full.rows == 5000
    assert early.incidents == sum(early.quarterly_incidents.values())


def test_revisions_change_only_the_revised_quarters_by_exactly_that_many_incidents(tmp_path):
    base = write_sample(tmp_path / "base.csv", 5000, seed=11)
    revised = write_sample(tmp_path / "revised.csv", 5000, seed=11, revisions={(2021, 1): 3, (2023, 2): -2})
    a, b = _cells(base.path), _cells(revised.path)
    changed = {k[:2] for k in set(a) | set(b) if a.get(k) != b.get(k)}
    assert changed == {("2021", "Qtr 1"), ("2023", "Qtr 2")}
    assert revised.quarterly_incidents[(2021, 1)] - base.quarterly_incidents[(2021, 1)] == 3
    assert revised.quarterly_incidents[(2023, 2)] - base.quarterly_incidents[(2023, 2)] == -2
    frame = pd.read_csv(revised.path)
    assert not frame.duplicated(subset=["BI Reference", "Year", "Quarter", "Data Subject Type", "Data Type"]).any()


@pytest.mark.parametrize(
    "args, problem",
    [
        (["--to", "2024Q5"], "is not a quarter like 2024Q3"),
        (["--to", "2030Q1"], "outside the sample's quarters"),
        (["--revise", "2023Q2"], "is not a revision like 2023Q2=+4"),
        (["--revise", "2023Q2=+0"], "is not a revision like 2023Q2=+4"),
        (["--revise", "2023Q2=-100000"], "is not a revision"),
        (["--revise", "2023Q2=-5000"], "cannot revise Q2 2023 by -5000"),
        (["--to", "2022Q4", "--revise", "2023Q2=+1"], "a revised quarter lies after the last quarter"),
    ],
)
def test_bad_release_options_are_one_line_errors(tmp_path, args, problem):
    out = tmp_path / "s.csv"
    result = etl_sample(out, *args, rows=3000, timeout=120)
    assert result.returncode == 1 and problem in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.strip().count("\n") == 0
    assert not out.exists()
