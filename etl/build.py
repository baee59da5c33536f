"""Build the warehouse: validate every source, write a new DuckDB file beside the target, then swap it in.

The new file is written to a temporary name in the target's directory and renamed over the old warehouse with
os.replace only after every source loaded cleanly, so readers see either the old complete file or the new one.
On any failure the temporary file is removed and the old warehouse stays byte-for-byte as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl import aggregates, raw_store
from etl import releases as release_history
from etl.errors import SourceError
from etl.sources import ico_legacy, ico_rows
from govdata import quarters, settings
from govdata import vocabulary as voc

DEFAULT_SAMPLE_ROWS = 169_166  # rows in the ICO's Q1 2019 - Q4 2024 release
DEFAULT_SAMPLE_PATH = settings.SAMPLE_DIR / "ico_sample.csv"
RAW_SUFFIXES = raw_store.RELEASE_SUFFIXES
RELEASE_NAME = raw_store.RELEASE_NAME  # data-security-incidents-trends-q1-2019-to-q4-2024.xlsx
REFERENCE_TABLES = (
    "reference_sources",
    "survey_results",
    "poll_results",
    "context_figures",
    "maturity_checklist",
)  # insert allow-list
LEGACY_SOURCE_URL = "https://ico.org.uk/action-weve-taken/data-security-incident-trends/"
# DuckDB spills staging and aggregations to a scratch directory beside the new file instead of growing without
# bound. The primary-key indexes of incident_facts and the bridge tables cannot spill: an 18M-row release needs
# about 3 GB with them (1.2 GB without them, when 1GB is enough here).
MEMORY_LIMIT = "1GB"


@dataclass
class SourceSummary:
    source: str
    file: str
    rows_read: int
    rows_kept: int
    rows_rejected: int
    report: dict


@dataclass
class BuildReport:
    warehouse: Path
    is_sample: bool
    seconds: float = 0.0
    sources: list[SourceSummary] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    ico: ico_rows.IcoLoad | None = None
    legacy: ico_legacy.LegacyLoad | None = None
    releases: release_history.ReleaseHistory | None = None
    first_run_note: str = ""  # one line from `build --fetch-first`: where the data came from


def display_path(path: Path) -> str:
    """How a source file is named in the warehouse (provenance, load reports), which the app shows and exports:
    relative to the project inside it, else the file name alone, never a server path."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(settings.PROJECT_ROOT))
    except ValueError:
        return path.name


def newest_raw_file(raw_dir: Path) -> Path | None:
    """The newest ICO release (.xlsx/.csv) in raw_dir: the latest quarter in its name ('...-to-q4-2024'), then the
    latest saved. Hidden files, partial downloads, sidecars and the legacy/ and rejected/ folders are ignored."""
    return raw_store.newest_release(raw_dir)


def choose_ico(ico: Path | None, raw_dir: Path, sample_path: Path | None, sample_rows: int) -> tuple[Path, bool]:
    """(file to load, whether it is simulated): --ico, else the newest raw download, else the (generated) sample."""
    from etl import sample

    if ico is not None:
        return Path(ico), sample.is_sample_file(Path(ico))
    newest = newest_raw_file(raw_dir)
    if newest is not None:
        return newest, sample.is_sample_file(newest)
    path = Path(sample_path) if sample_path is not None else DEFAULT_SAMPLE_PATH
    if not path.is_file():
        sample.write_sample(path, sample_rows)
    return path, True


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(settings.SCHEMA_SQL.read_text(encoding="utf-8"))


def latest_comparable_year(con: duckdb.DuckDBPyConnection) -> str:
    """The latest calendar year with all four quarters present and comparable ('' when there is none)."""
    row = con.execute("""
        SELECT max(year) FROM (SELECT year FROM incident_facts WHERE comparable
                               GROUP BY year HAVING count(DISTINCT quarter) = 4)""").fetchall()[0]
    return "" if row[0] is None else str(row[0])


def _load_reference(reference_dir: Path):
    from etl.sources import reference

    frames = reference.load_reference(reference_dir)
    unknown = set(frames) - set(REFERENCE_TABLES)
    if unknown:
        raise SourceError(
            reference_dir, "The reference loader returned tables the warehouse does not have", value=sorted(unknown)
        )
    return frames, reference.provenance_records(frames)


def _insert_provenance(con, rows: list[dict], loaded_at: dt.datetime) -> None:
    for row in rows:
        con.execute(
            """
            INSERT INTO provenance (source, title, publisher, file, sha256, rows_read, rows_kept, rows_rejected,
                                    loaded_at, licence, release_date, source_url, is_sample, load_report)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)""",
            [
                row["source"],
                row["title"],
                row["publisher"],
                row["file"],
                row["sha256"],
                row["rows_read"],
                row["rows_kept"],
                row["rows_rejected"],
                loaded_at,
                row["licence"],
                row.get("release_date"),
                row.get("source_url"),
                bool(row.get("is_sample", False)),
                row["load_report"],
            ],
        )


def _fill(
    con,
    *,
    ico_path: Path,
    is_sample: bool,
    legacy_ico: Path | None,
    frames: dict,
    reference_prov: list[dict],
    report: BuildReport,
    previous: Path,
    raw_dir: Path,
    scratch: Path,
) -> None:
    """Load every source into the (temporary) warehouse on `con` and record provenance and build facts."""
    create_schema(con)
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    provenance: list[dict] = []

    for table, frame in frames.items():
        con.register("reference_frame", frame)
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM reference_frame")  # table from REFERENCE_TABLES
        con.unregister("reference_frame")
    for row in reference_prov:
        provenance.append(row)
        report.sources.append(
            SourceSummary(
                row["source"],
                row["file"],
                row["rows_read"],
                row["rows_kept"],
                row["rows_rejected"],
                json.loads(row["load_report"]),
            )
        )

    if legacy_ico is not None:
        legacy = ico_legacy.load(con, legacy_ico)
        report.legacy = legacy
        details = legacy.report() | {"file": display_path(legacy_ico)}
        origin = raw_store.read_origin(legacy_ico)
        provenance.append(
            {
                "source": ico_legacy.SOURCE,
                "title": ico_legacy.TITLE,
                "publisher": voc.ICO_PUBLISHER,
                "file": display_path(legacy_ico),
                "sha256": legacy.sha256,
                "rows_read": legacy.rows_read,
                "rows_kept": legacy.rows_kept,
                "rows_rejected": legacy.rows_rejected,
                "licence": voc.OGL,
                "release_date": None,
                "is_sample": False,
                "source_url": origin.url
                if origin is not None and origin.sha256 == legacy.sha256
                else LEGACY_SOURCE_URL,
                "load_report": json.dumps(details),
            }
        )
        report.sources.append(
            SourceSummary(
                ico_legacy.SOURCE,
                display_path(legacy_ico),
                legacy.rows_read,
                legacy.rows_kept,
                legacy.rows_rejected,
                details,
            )
        )

    ico = ico_rows.load(con, ico_path)
    aggregates.create_aggregates(con)  # small pre-aggregated count tables the pages read
    report.ico = ico
    report.releases = release_history.record(
        con,
        path=ico_path,
        load=ico,
        is_sample=is_sample,
        loaded_at=loaded_at,
        previous_warehouse=previous,
        raw_dir=raw_dir,
        scratch=scratch,
        memory_limit=MEMORY_LIMIT,
    )
    details = ico.report() | {
        "is_sample": is_sample,
        "file": display_path(ico_path),
        "releases": report.releases.report(),
    }
    provenance.append(
        {
            "source": ico_rows.SOURCE,
            # A sample is credited to no publisher and no licence: it says what it is (issue 10: never the ICO/OGL).
            "title": voc.ICO_TITLE
            if not is_sample
            else "simulated incidents laid out like the ICO's row-level release (not ICO data)",
            "publisher": voc.ICO_PUBLISHER if not is_sample else "this dashboard's sample generator (etl.sample)",
            "file": display_path(ico_path),
            "sha256": ico.sha256,
            "rows_read": ico.rows_read,
            "rows_kept": ico.rows_kept,
            "rows_rejected": ico.rows_rejected,
            "licence": voc.OGL if not is_sample else "none (simulated sample)",
            "release_date": None,
            "source_url": voc.ICO_LANDING_PAGE if not is_sample else None,
            "is_sample": is_sample,
            "load_report": json.dumps(details),
        }
    )
    report.sources.append(
        SourceSummary(ico_rows.SOURCE, display_path(ico_path), ico.rows_read, ico.rows_kept, ico.rows_rejected, details)
    )
    _insert_provenance(con, provenance, loaded_at)

    latest = ico.latest_quarter
    report.meta = {
        "schema_version": settings.SCHEMA_VERSION,
        "built_at": loaded_at.isoformat() + "Z",
        "latest_quarter": quarters.stored(*latest) if latest else "",
        "latest_comparable_year": latest_comparable_year(con),
        "is_sample": "true" if is_sample else "false",
    }
    con.executemany("INSERT INTO warehouse_meta VALUES ($1, $2)", list(report.meta.items()))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


STALE_NAME = re.compile(r"^\.(?P<target>.+)\.building-(?P<pid>\d+)-[0-9a-f]+(?:\.wal|\.spill)?$")


def remove_stale_build_files(warehouse: Path) -> list[Path]:
    """Temporary files of earlier builds of `warehouse` whose process is gone (killed mid-way): removed, returned.

    A build writes `.NAME.building-PID-HEX` (+ `.wal`, `.spill/`) beside the target and renames it at the end; a
    build that was killed leaves them behind. Files of a build still running (its PID alive) are left alone.
    """
    removed = []
    for candidate in Path(warehouse).parent.glob(f".{Path(warehouse).name}.building-*"):
        match = STALE_NAME.match(candidate.name)
        if not match or match["target"] != Path(warehouse).name or _pid_alive(int(match["pid"])):
            continue
        if candidate.is_dir():
            shutil.rmtree(candidate, ignore_errors=True)
        else:
            candidate.unlink(missing_ok=True)
        removed.append(candidate)
    return removed


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        try:
            candidate.unlink()
        except FileNotFoundError:
            pass


def build(
    warehouse: Path = settings.DEFAULT_WAREHOUSE,
    ico: Path | None = None,
    legacy_ico: Path | None = None,
    *,
    reference_dir: Path = settings.REFERENCE_DIR,
    raw_dir: Path | None = None,
    sample_path: Path | None = None,
    sample_rows: int = DEFAULT_SAMPLE_ROWS,
) -> BuildReport:
    """Validate every source and atomically replace `warehouse`. Raises SourceError; the old file is then untouched.

    raw_dir (default settings.raw_dir()) supplies the newest kept release when `ico` is not given, the older
    quarterly tables from its legacy/ folder when `legacy_ico` is not given, and any kept release the release
    history lacks. The history of the warehouse being replaced is carried forward (etl/releases.py).
    """
    started = time.perf_counter()
    warehouse = Path(warehouse)
    raw_dir = Path(raw_dir) if raw_dir is not None else settings.raw_dir()
    if legacy_ico is None:
        legacy_ico = raw_store.newest_legacy(raw_dir)
    # Cheap checks first: the reference CSVs are validated before any file is created.
    frames, reference_prov = _load_reference(Path(reference_dir))
    ico_path, is_sample = choose_ico(ico, raw_dir, sample_path, sample_rows)
    report = BuildReport(warehouse=warehouse, is_sample=is_sample)

    warehouse.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_build_files(warehouse)
    temp = warehouse.with_name(f".{warehouse.name}.building-{os.getpid()}-{secrets.token_hex(4)}")
    scratch = temp.with_name(temp.name + ".spill")
    try:
        con = duckdb.connect(str(temp), config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(scratch)})
        try:
            _fill(
                con,
                ico_path=ico_path,
                is_sample=is_sample,
                legacy_ico=Path(legacy_ico) if legacy_ico is not None else None,
                frames=frames,
                reference_prov=reference_prov,
                report=report,
                previous=warehouse,
                raw_dir=raw_dir,
                scratch=scratch,
            )
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(temp, warehouse)
    finally:
        _remove(temp)
        shutil.rmtree(scratch, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report
