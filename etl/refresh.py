"""Keeping the warehouse on the newest ICO release: `python -m etl refresh` (cron / systemd timer) and the first
build of a new checkout (`python -m etl build --fetch-first`, called by `python3 run.py dashboard`).

refresh: fetch the newest release (kept in the raw folder with its sha256), compare the sha256 with the releases
the warehouse already holds, and rebuild only when it is new; otherwise print "No new release" and leave the
warehouse byte for byte as it was. The build writes a temporary file and renames it over the old one, so the
running app never sees a half-built file; a lock beside the warehouse stops two refreshes overlapping. A new
release that fails to load is moved to <raw>/rejected/ (so plain builds do not trip on it) and the command fails.

first build: with no release kept, try to fetch one within a time limit; if that fails for any reason, build the
labelled sample and say why in one line, with the command that loads the real release later.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl import fetch as fetching
from etl import hints, raw_store
from etl.errors import SourceError
from govdata import quarters, settings

FIRST_RUN_SECONDS = 30  # the first build waits at most this long for the ICO's site, in all
REFRESH_TIMEOUT = 30  # per request
REFRESH_SECONDS = 600  # refresh: the whole fetch, at most
EXIT_BUSY = 75  # EX_TEMPFAIL: another refresh holds the lock


class RefreshBusy(Exception):
    """Another refresh of the same warehouse is running."""


@dataclass(frozen=True)
class Loaded:
    """What a warehouse already holds: release sha256 -> (file, runs_to, first_loaded_at); legacy sha256."""

    releases: dict[str, tuple[str, str, dt.datetime]]
    legacy_sha256: str | None


def loaded(warehouse: Path) -> Loaded | None:
    """The releases in `warehouse`, or None when it is missing, unreadable or from another schema version (then
    any release counts as new). Opened read-only in a private in-memory DuckDB, as the app opens it."""
    if not Path(warehouse).is_file():
        return None
    con = duckdb.connect(":memory:")
    try:
        quoted = str(warehouse).replace("'", "''")  # a path from the command line; ATTACH takes no parameters
        con.execute(f"ATTACH '{quoted}' AS wh (READ_ONLY)")
        version = con.execute("SELECT value FROM wh.warehouse_meta WHERE key = 'schema_version'").fetchone()
        if version is None or version[0] != settings.SCHEMA_VERSION:
            return None
        rows = con.execute("SELECT sha256, file, runs_to, first_loaded_at FROM wh.ico_releases").fetchall()
        legacy = con.execute("SELECT sha256 FROM wh.provenance WHERE source = 'ico_legacy'").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return Loaded({sha: (file, runs_to, when) for sha, file, runs_to, when in rows}, legacy[0] if legacy else None)


@contextlib.contextmanager
def _lock(warehouse: Path):
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    path = warehouse.with_name(f".{warehouse.name}.refresh.lock")
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RefreshBusy(
                f"Another refresh of {warehouse} is running (it holds {path}); nothing was done. "
                "Try again when it has finished."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _legacy_if_missing(
    raw_dir: Path, legacy_url: str | None, timeout: float, max_seconds: float | None, quiet: bool = False
) -> tuple[Path | None, str | None]:
    """(kept legacy workbook, one-line note when it could not be fetched). Fetched only when none is kept."""
    kept = raw_store.newest_legacy(raw_dir)
    if kept is not None:
        return kept, None
    try:
        return fetching.fetch_legacy(raw_dir, legacy_url, timeout, max_seconds=max_seconds, quiet=quiet).path, None
    except fetching.FetchError as exc:
        return None, exc.one_line()


def _refresh_command(warehouse: Path) -> str:
    """The command a user runs to refresh this warehouse, as hints give it."""
    return hints.etl_command("refresh", *hints.warehouse_args(warehouse))


def _legacy_note(reason: str, warehouse: Path) -> str:
    return (
        f"Note: the older quarterly tables could not be fetched ({_clip(reason)}); the build goes on without "
        f"them. Fetch them later with: {_refresh_command(warehouse)}"
    )


def _rejected(path: Path, exc: SourceError, warehouse: Path) -> SourceError:
    moved = raw_store.reject(path)
    exc.hint = ((exc.hint + " ") if exc.hint else "") + (
        f"The download was moved to {moved} and the warehouse is unchanged; once the loader handles the new "
        f"format, run: {_refresh_command(warehouse)}"
    )
    return exc


def refresh(
    warehouse: Path | None = None,
    *,
    raw_dir: Path | None = None,
    landing_url: str | None = None,
    legacy_url: str | None = None,
    timeout: float = REFRESH_TIMEOUT,
    max_seconds: float | None = REFRESH_SECONDS,
) -> bool:
    """Fetch, compare, rebuild when new. Returns True when the warehouse was rebuilt.

    Raises fetch.FetchError (fetch failed), SourceError (the new release does not load), RefreshBusy; in each case
    the warehouse is unchanged.
    """
    from etl.build import build
    from etl.report import format_report

    warehouse = Path(warehouse) if warehouse is not None else settings.warehouse_path()
    raw_dir = Path(raw_dir) if raw_dir is not None else settings.raw_dir()
    with _lock(warehouse):
        before = loaded(warehouse)
        release = fetching.fetch(raw_dir, landing_url, timeout, max_seconds=max_seconds)
        legacy, legacy_problem = _legacy_if_missing(raw_dir, legacy_url, timeout, max_seconds)
        if legacy_problem:
            print(_legacy_note(legacy_problem, warehouse))
        legacy_sha = raw_store.sha256_of(legacy) if legacy is not None else None
        if before is not None and release.sha256 in before.releases and legacy_sha == before.legacy_sha256:
            file, runs_to, first_loaded = before.releases[release.sha256]
            print(
                f"No new release: {release.path.name} (sha256 {release.sha256}, "
                f"data to {quarters.text(runs_to)}) is already in "
                f"{warehouse} (loaded {first_loaded:%Y-%m-%d %H:%M} UTC). The warehouse was not touched."
            )
            return False
        try:
            report = build(warehouse, ico=release.path, legacy_ico=legacy, raw_dir=raw_dir)
        except SourceError as exc:
            raise (_rejected(release.path, exc, warehouse) if release.is_new else exc) from None
    print(format_report(report))
    history = report.releases
    print(
        f"Refreshed: {warehouse} now holds {release.path.name} (data to {quarters.text(history.current['runs_to'])}); "
        f"{history.releases} release(s) kept for comparison."
    )
    return True


def first_build(
    warehouse: Path,
    *,
    raw_dir: Path | None = None,
    sample_rows: int,
    sample_path: Path | None = None,
    max_seconds: float = FIRST_RUN_SECONDS,
):
    """Build a new checkout's warehouse from the newest release, fetching it first when none is kept; if that
    fails, from the labelled sample, saying why in one line. Returns the BuildReport."""
    from etl.build import build

    raw_dir = Path(raw_dir) if raw_dir is not None else settings.raw_dir()
    reason = None
    offline = False
    fetched = None
    started = dt.datetime.now()
    if raw_store.newest_release(raw_dir) is None:
        landing = fetching.landing_urls()[0]
        print(
            f"No ICO release in {raw_dir}: fetching the newest from {landing} (at most {max_seconds:g} s) ...",
            flush=True,
        )
        try:
            fetched = fetching.fetch(raw_dir, timeout=max_seconds, max_seconds=max_seconds)
        except fetching.FetchError as exc:
            reason = exc.one_line()
            offline = exc.kind == "offline"
    legacy = raw_store.newest_legacy(raw_dir)
    if legacy is None and not offline:  # offline: do not wait a second time
        left = max(5.0, max_seconds - (dt.datetime.now() - started).total_seconds())
        legacy, problem = _legacy_if_missing(raw_dir, None, left, left)
        if problem:
            print(_legacy_note(problem, warehouse))
    try:
        report = build(warehouse, legacy_ico=legacy, raw_dir=raw_dir, sample_path=sample_path, sample_rows=sample_rows)
    except SourceError as exc:
        if legacy is not None and Path(exc.file) == legacy:  # a fetched legacy workbook that does not load
            raw_store.reject(legacy)
            print(_legacy_note(f"file invalid: {exc.message()}", warehouse))
            legacy = None
        elif fetched is not None and Path(exc.file) == fetched.path:
            raw_store.reject(fetched.path)
            reason = f"file invalid: {exc.message()}"
        else:
            raise
        report = build(warehouse, legacy_ico=legacy, raw_dir=raw_dir, sample_path=sample_path, sample_rows=sample_rows)
    if reason is not None:
        report.first_run_note = (
            f"Could not load the real ICO release ({_clip(reason)}), so the warehouse holds the "
            f"labelled SIMULATED SAMPLE. Load the real release later with: "
            f"{_refresh_command(warehouse)}"
        )
    elif fetched is not None:
        kind = "a file marked as a SIMULATED SAMPLE" if report.is_sample else "the real ICO release"
        report.first_run_note = f"Built from {kind} {fetched.path.name}, fetched just now from {fetched.url}."
    return report


def _clip(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
