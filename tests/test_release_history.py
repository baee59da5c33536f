"""Every ICO release kept: the release history a build carries forward (etl/releases.py) and the "what changed"
queries and builders (govdata/queries/releases.py, govdata/charts/releases.py), on small hand-written releases
built by the real ETL."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from support import read_rows

from etl.build import build
from govdata.charts import releases as views
from govdata.figures import Source
from govdata.queries import releases

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ICO = FIXTURES / "ico" / "ico_rows_small.csv"
NEW_SECTOR = "Space and defence"  # not in the ICO vocabulary: the loader keeps it and reports it


def _later_release(path: Path) -> Path:
    """Release A revised: the one 'Unassigned' incident moves to a new sector (same total in its quarter), one
    incident is added to 2020 Q4 and a quarter (2021 Q1) is added."""
    with open(ICO, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    sector = header.index("Sector")
    for row in body:
        if row[sector] == "Unassigned":
            row[sector] = NEW_SECTOR
    template = next(r for r in body if r[1] == "2020" and r[2] == "Qtr 4")
    body.append(["BI990001", "2020", "Qtr 4", *template[3:]])
    body.append(["BI990002", "2021", "Qtr 1", *template[3:]])
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *body])
    return path


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    """A warehouse that loaded release A (data-...-to-q4-2020.csv), then release B (...-to-q1-2021.csv)."""
    root = tmp_path_factory.mktemp("history")
    a = root / "data-security-incidents-trends-q1-2019-to-q4-2020.csv"
    shutil.copy(ICO, a)
    b = _later_release(root / "data-security-incidents-trends-q1-2019-to-q1-2021.csv")
    warehouse = root / "warehouse.duckdb"
    build(warehouse, ico=a, raw_dir=root / "noraw")
    first = read_rows(warehouse, "SELECT sha256, first_loaded_at FROM ico_releases")[0]
    build(warehouse, ico=b, raw_dir=root / "noraw")
    return warehouse, a, b, first


_COUNTED: dict = {}


def _incidents(release: Path, where: str = "true") -> int:
    """Incidents in a release as its own incident tables count them (a warehouse built from it alone), so the
    expected figures never come from the release tables under test."""
    if release not in _COUNTED:
        import tempfile

        folder = Path(tempfile.mkdtemp())
        build(folder / "alone.duckdb", ico=release, raw_dir=folder / "noraw")
        _COUNTED[release] = folder / "alone.duckdb"
    return read_rows(_COUNTED[release], f"SELECT count(*) FROM incident_facts WHERE {where}")[0][0]


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_both_releases_are_kept_with_their_facts(two_releases):
    warehouse, a, b, (first_sha, first_loaded) = two_releases
    rows = read_rows(
        warehouse,
        "SELECT file, sha256, runs_to, is_current, first_loaded_at, fetched_at, source_url, "
        "incidents, is_sample FROM ico_releases ORDER BY runs_to",
    )
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (a.name, _sha(a), "2020-Q4", False),
        (b.name, _sha(b), "2021-Q1", True),
    ]
    assert first_sha == _sha(a) and rows[0][4] == first_loaded  # carried forward unchanged
    assert [r[5] for r in rows] == [None, None] and [r[6] for r in rows] == [None, None]  # given by hand
    assert [r[7] for r in rows] == [_incidents(a), _incidents(a) + 2] and not any(r[8] for r in rows)
    # Each release's counts sum to its incidents; the current one matches the incident tables exactly.
    sums = dict(read_rows(warehouse, "SELECT sha256, sum(incidents) FROM ico_release_counts GROUP BY 1"))
    assert sums == {_sha(a): _incidents(a), _sha(b): _incidents(a) + 2}
    assert read_rows(
        warehouse,
        """
        SELECT count(*) FROM (SELECT year, quarter, sector, incident_category, incident_type, count(*) AS n
                              FROM incident_facts GROUP BY ALL) f
        FULL JOIN (SELECT * FROM ico_release_counts WHERE sha256 = $1) c
          USING (year, quarter, sector, incident_category, incident_type)
        WHERE f.n IS DISTINCT FROM c.incidents""",
        [_sha(b)],
    ) == [(0,)]


def test_what_changed_lists_exactly_the_added_and_revised_quarters(two_releases):
    warehouse, a, b, _ = two_releases
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        changes = releases.quarter_changes(con, _sha(a), _sha(b)).data
        by_sector = releases.revisions(con, _sha(a), _sha(b), "sector").data
        vocabulary = releases.vocabulary_changes(con, _sha(a), _sha(b)).data
        history = releases.releases(con)
        view = views.comparison(
            history,
            releases.quarter_changes(con, _sha(a), _sha(b)),
            releases.revisions(con, _sha(a), _sha(b), "sector"),
            releases.vocabulary_changes(con, _sha(a), _sha(b)),
            old=_sha(a),
            new=_sha(b),
            dimension="sector",
            sources=[Source("Test", "fixture")],
        )
    finally:
        con.close()
    status = {
        (r.year, r.quarter): (r.status, r.old_incidents, r.new_incidents, r.difference) for r in changes.itertuples()
    }
    unassigned_quarter = next(
        (y, q)
        for y, q, s in read_rows(
            warehouse, "SELECT year, quarter, sector FROM ico_release_counts WHERE sha256 = $1", [_sha(a)]
        )
        if s == "Unassigned"
    )
    assert status[(2021, 1)][0] == "added" and status[(2021, 1)][2] == 1
    assert status[(2020, 4)][0] == "revised" and status[(2020, 4)][3] == 1
    assert status[unassigned_quarter][0] == "revised" and status[unassigned_quarter][3] == 0  # moved, same total
    revised = sorted(k for k, v in status.items() if v[0] == "revised")
    assert revised == sorted({(2020, 4), unassigned_quarter})
    assert all(v[0] == "unchanged" for k, v in status.items() if k not in {*revised, (2021, 1)})
    moved = by_sector[(by_sector["year"] == unassigned_quarter[0]) & (by_sector["quarter"] == unassigned_quarter[1])]
    assert dict(zip(moved["value"], moved["difference"])) == {NEW_SECTOR: 1, "Unassigned": -1}
    assert sorted(zip(vocabulary["dimension"], vocabulary["value"], vocabulary["change"])) == [
        ("sector", NEW_SECTOR, "appeared"),
        ("sector", "Unassigned", "disappeared"),
    ]
    # The view says the same, from the same rows.
    assert view.added.to_dict("records") == [{"year": 2021, "quarter": 1, "incidents": 1}]
    assert list(zip(view.revised["year"], view.revised["quarter"])) == revised
    assert "1 quarter added (Q1 2021: 1 incident)" in view.summary
    assert f"sector appeared: {NEW_SECTOR}" in view.summary and "sector disappeared: Unassigned" in view.summary
    assert view.chart is not None and list(view.chart.data["difference"]) == [status[k][3] for k in revised]


def test_revised_from_the_previous_release(two_releases):
    warehouse, a, b, _ = two_releases
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        quarter = releases.period_revision(con, 2020, 4)
        year = releases.period_revision(con, 2020)
        unchanged = releases.period_revision(con, 2020, 3)
        later = releases.period_revision(con, 2021, 1)  # the previous release did not cover it
        added_to = releases.period_revision(con, 2020, 4, [_sector_of_added()])
        other = releases.period_revision(
            con, 2020, 4, [s for s in ("Health", "Local government") if s != _sector_of_added()][:1]
        )
    finally:
        con.close()
    row = quarter.data.iloc[0]
    in_a = _incidents(a, "year = 2020 AND quarter = 4")
    assert (row["previous_incidents"], row["current_incidents"]) == (in_a, in_a + 1)
    assert row["previous_file"] == a.name and releases.revised_from(quarter) == in_a
    year_a = _incidents(a, "year = 2020 AND comparable")
    assert releases.revised_from(year) == year_a and int(year.data.iloc[0]["current_incidents"]) == year_a + 1
    assert releases.revised_from(unchanged) is None and later.data.empty and releases.revised_from(later) is None
    sector = added_to.data.iloc[0]
    assert int(sector["current_incidents"]) - int(sector["previous_incidents"]) == 1
    assert releases.revised_from(other) is None and not other.data.empty


def _sector_of_added() -> str:
    """The sector of the incident _later_release() adds to 2020 Q4 (copied from that quarter's first row)."""
    with open(ICO, newline="", encoding="utf-8") as f:
        return next(r["Sector"] for r in csv.DictReader(f) if r["Year"] == "2020" and r["Quarter"] == "Qtr 4")


def test_rebuilding_the_same_release_keeps_one_row_and_its_first_load(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    build(warehouse, ico=ICO, raw_dir=tmp_path / "noraw")
    before = read_rows(warehouse, "SELECT sha256, first_loaded_at FROM ico_releases")
    build(warehouse, ico=ICO, raw_dir=tmp_path / "noraw")
    assert read_rows(warehouse, "SELECT sha256, first_loaded_at FROM ico_releases") == before
    assert len(before) == 1


def test_a_deleted_warehouse_gets_its_history_back_from_the_kept_downloads(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    a = raw / "data-security-incidents-trends-q1-2019-to-q4-2020.csv"
    shutil.copy(ICO, a)
    fetched = dt.datetime(2021, 1, 20, 9, 30)
    (raw / (a.name + ".source.json")).write_text(
        json.dumps(
            {
                "url": "https://example.org/a.csv",
                "landing_url": "",
                "sha256": _sha(a),
                "bytes": a.stat().st_size,
                "fetched_at": fetched.isoformat() + "Z",
            }
        )
    )
    b = _later_release(raw / "data-security-incidents-trends-q1-2019-to-q1-2021.csv")
    warehouse = tmp_path / "w.duckdb"
    report = build(warehouse, raw_dir=raw)  # newest kept release, no previous warehouse
    assert report.releases.reloaded == [a.name] and report.releases.current["file"] == b.name
    rows = read_rows(warehouse, "SELECT file, is_current, fetched_at, source_url FROM ico_releases ORDER BY runs_to")
    assert rows == [(a.name, False, fetched, "https://example.org/a.csv"), (b.name, True, None, None)]
    assert read_rows(warehouse, "SELECT sum(incidents) FROM ico_release_counts WHERE sha256 = $1", [_sha(a)]) == [
        (_incidents(a),)
    ]


def test_sample_and_real_releases_are_never_mixed(tmp_path, sample_warehouse):
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(sample_warehouse, warehouse)
    assert read_rows(warehouse, "SELECT is_sample FROM ico_releases") == [(True,)]
    report = build(warehouse, ico=ICO, raw_dir=tmp_path / "noraw")
    assert report.releases.dropped_other_kind == 1 and report.releases.carried == []
    assert read_rows(warehouse, "SELECT file, is_sample FROM ico_releases") == [(ICO.name, False)]


def test_a_warehouse_from_before_the_history_gives_up_its_release(tmp_path):
    """Schema 2 had no ico_releases: its one release comes back from provenance + incidents_quarterly_mix."""
    warehouse = tmp_path / "w.duckdb"
    old = tmp_path / "data-security-incidents-trends-q1-2019-to-q4-2020.csv"
    shutil.copy(ICO, old)
    build(warehouse, ico=old, raw_dir=tmp_path / "noraw")
    con = duckdb.connect(str(warehouse))
    con.execute("DROP TABLE ico_release_counts")
    con.execute("DROP TABLE ico_releases")
    con.execute("UPDATE warehouse_meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    new = _later_release(tmp_path / "data-security-incidents-trends-q1-2019-to-q1-2021.csv")
    report = build(warehouse, ico=new, raw_dir=tmp_path / "noraw")
    assert report.releases.carried == [old.name]
    assert read_rows(warehouse, "SELECT file, runs_to, incidents FROM ico_releases WHERE NOT is_current") == [
        (old.name, "2020-Q4", _incidents(old))
    ]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        changes = releases.quarter_changes(con, _sha(old), _sha(new)).data
    finally:
        con.close()
    assert sorted((r.year, r.quarter) for r in changes.itertuples() if r.status == "added") == [(2021, 1)]


def test_an_unreadable_previous_warehouse_is_reported_not_fatal(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    warehouse.write_bytes(b"not a duckdb file at all" * 100)
    report = build(warehouse, ico=ICO, raw_dir=tmp_path / "noraw")
    assert report.releases.releases == 1
    assert len(report.releases.warnings) == 1 and "could not be read" in report.releases.warnings[0]
    from etl.report import format_report

    assert "WARNING: the previous warehouse w.duckdb could not be read" in format_report(report)


def test_every_column_the_view_shows_has_a_label(two_releases):
    from govdata import tables

    warehouse, a, b, _ = two_releases
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        history = releases.releases(con)
        frames = [views.releases_table(history)]
        for dimension in releases.DIMENSIONS:
            view = views.comparison(
                history,
                releases.quarter_changes(con, _sha(a), _sha(b)),
                releases.revisions(con, _sha(a), _sha(b), dimension),
                releases.vocabulary_changes(con, _sha(a), _sha(b)),
                old=_sha(a),
                new=_sha(b),
                dimension=dimension,
                sources=[],
            )
            frames += [view.added, view.removed, view.revised, view.breakdown, view.vocabulary]
    finally:
        con.close()
    unknown = {
        c
        for frame in frames
        for c in frame.columns
        if c not in tables.COLUMNS and c not in tables.HIDDEN and c not in ("year", "quarter")
    }
    assert not unknown


def test_a_kept_download_that_no_longer_loads_is_a_warning_without_server_paths(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    bad = raw / "data-security-incidents-trends-q1-2019-to-q3-2020.csv"
    bad.write_text("BI Reference,Year\nBI1,2020\n", encoding="utf-8")
    good = raw / "data-security-incidents-trends-q1-2019-to-q4-2020.csv"
    shutil.copy(ICO, good)
    warehouse = tmp_path / "w.duckdb"
    report = build(warehouse, raw_dir=raw)
    assert report.releases.current["file"] == good.name and report.releases.reloaded == []
    [warning] = report.releases.warnings
    assert warning.startswith(f"the kept release {bad.name} could not be re-read") and str(tmp_path) not in warning
    stored = read_rows(warehouse, "SELECT load_report FROM provenance WHERE source = 'ico_rows'")[0][0]
    assert str(tmp_path) not in stored and bad.name in stored


def test_headlines_say_what_the_previous_release_said(two_releases, tiny_warehouse):
    from govdata.queries import incidents
    from govdata.views import overview
    from govdata.views.base import Direct

    warehouse, a, b, _ = two_releases
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        figures = incidents.headline_figures(con)
        revised = releases.headline_revisions(Direct(con).query, figures)
        shown = overview.build(Direct(con), {"sector": []})
    finally:
        con.close()
    year_a = _incidents(a, "year = 2020 AND comparable")
    # Latest complete year 2020 was revised (+1 in Q4); the latest quarter, Q1 2021, is new in this release.
    assert revised == {"year": (year_a, "2020-Q4")}
    year_row = figures.data.set_index("kind").loc["year"]
    assert int(year_row["incidents"]) == year_a + 1
    sentences = [s for s in shown.headlines if "personal data breach reports" in s and "received" in s]
    assert any(
        s.startswith(
            f"In 2020 the ICO received {year_a + 1} personal data breach reports (revised from "
            f"{year_a} in the previous release, data to Q4 2020)"
        )
        for s in sentences
    )
    assert not any("revised" in s for s in shown.headlines if s.startswith("In Q1 2021"))
    con = duckdb.connect(str(tiny_warehouse), read_only=True)  # one release: nothing to say
    try:
        assert releases.headline_revisions(Direct(con).query, incidents.headline_figures(con)) == {}
    finally:
        con.close()
