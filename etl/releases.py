"""The release history kept in every warehouse: ico_releases (one row per ICO release ever loaded) and
ico_release_counts (each release's quarterly incidents by sector x incident category x incident type).

Why carry forward, plus re-read kept files: each build copies the previous warehouse's history (cheap: a few
thousand rows per release, and it works on hosts that keep only the warehouse), adds the release it loads, and
loads the counts of any release kept in the raw folder that the history lacks (so a deleted warehouse, or one from
an older schema, loses nothing while the downloads are kept). A warehouse built before the history existed
(schema 2) still gives up the release it held: its incidents_quarterly_mix holds exactly those counts.

Simulated and real releases are never mixed: only releases with the same is_sample as the current one are kept.
All values are bound parameters; the only identifiers formatted into SQL are this module's own table names and the
previous warehouse's path in ATTACH (which takes no parameters; quotes are doubled).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl import raw_store
from etl.errors import SourceError
from govdata import quarters, settings

PREVIOUS = "previous_warehouse"  # alias of the attached previous warehouse
COUNT_COLUMNS = "year, quarter, sector, incident_category, incident_type"
RELEASE_COLUMNS = (
    "sha256, file, runs_to, runs_to_year, runs_to_quarter, fetched_at, source_url, first_loaded_at, "
    "rows_read, incidents, is_sample, is_current"
)
COUNTS_FROM_FACTS = f"""
    SELECT $1 AS sha256, {COUNT_COLUMNS}, count(*) AS incidents
    FROM incident_facts GROUP BY ALL ORDER BY {COUNT_COLUMNS}
"""


@dataclass
class ReleaseHistory:
    """What the build did with the release history (printed and stored in the load report)."""

    current: dict = field(default_factory=dict)
    carried: list[str] = field(default_factory=list)  # file names carried from the previous warehouse
    reloaded: list[str] = field(default_factory=list)  # file names re-read from the raw folder
    dropped_other_kind: int = 0  # releases not carried: sample vs real
    warnings: list[str] = field(default_factory=list)

    @property
    def releases(self) -> int:
        return 1 + len(self.carried) + len(self.reloaded)

    def report(self) -> dict[str, str]:
        """Flat text for the load report (shown as a two-column table on the Sources page)."""
        current = self.current
        return {
            "releases_kept": str(self.releases),
            "this_release": f"{current.get('file')} (data to {current.get('runs_to')}, sha256 {current.get('sha256')})",
            "carried_forward": ", ".join(self.carried) or "none",
            "re_read_from_kept_downloads": ", ".join(self.reloaded) or "none",
            "not_carried_sample_vs_real": str(self.dropped_other_kind),
            "warnings": " | ".join(self.warnings) or "none",
        }


def _known(con) -> set[str]:
    return {row[0] for row in con.execute("SELECT sha256 FROM ico_releases").fetchall()}


def _insert_release(
    con,
    *,
    sha256: str,
    file: str,
    latest: tuple[int, int],
    origin: raw_store.Origin | None,
    loaded_at: dt.datetime,
    rows_read: int,
    incidents: int,
    is_sample: bool,
    is_current: bool,
    earlier: tuple | None = None,
) -> None:
    """One ico_releases row. `earlier` = (fetched_at, source_url, first_loaded_at) of this release in the previous
    warehouse: a rebuild of the same file keeps when it was first fetched and loaded."""
    fetched_at = origin.fetched_at if origin else None
    source_url = origin.url if origin else None
    first_loaded = loaded_at
    if earlier is not None:
        fetched_at = fetched_at or earlier[0]
        source_url = source_url or earlier[1]
        first_loaded = earlier[2] or loaded_at
    con.execute(
        f"INSERT INTO ico_releases ({RELEASE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        [
            sha256,
            file,
            quarters.stored(*latest),
            latest[0],
            latest[1],
            fetched_at,
            source_url,
            first_loaded,
            rows_read,
            incidents,
            is_sample,
            is_current,
        ],
    )


def _attach(con, path: Path, history: ReleaseHistory) -> bool:
    if not path.is_file():
        return False
    quoted = str(path).replace("'", "''")
    try:
        con.execute(f"ATTACH '{quoted}' AS {PREVIOUS} (READ_ONLY)")
    except duckdb.Error as exc:
        history.warnings.append(
            f"the previous warehouse {path.name} could not be read, so its release history was "
            f"not carried forward ({type(exc).__name__}: {str(exc).splitlines()[0][:160]})"
        )
        return False
    return True


def _previous_tables(con) -> set[str]:
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = $1", [PREVIOUS]).fetchall()
    return {r[0] for r in rows}


def _earlier_record(con, tables: set[str], sha256: str) -> tuple | None:
    if "ico_releases" not in tables:
        return None
    return con.execute(
        f"SELECT fetched_at, source_url, first_loaded_at FROM {PREVIOUS}.ico_releases WHERE sha256 = $1", [sha256]
    ).fetchone()


def _carry(con, tables: set[str], current_sha: str, is_sample: bool, history: ReleaseHistory) -> None:
    """Copy the previous warehouse's releases (same kind, not the current one) and their counts."""
    if {"ico_releases", "ico_release_counts"} <= tables:
        columns = RELEASE_COLUMNS.replace("is_current", "false")
        con.execute(
            f"""
            INSERT INTO ico_releases ({RELEASE_COLUMNS})
            SELECT {columns} FROM {PREVIOUS}.ico_releases WHERE sha256 <> $1 AND is_sample = $2""",
            [current_sha, is_sample],
        )
        history.dropped_other_kind = con.execute(
            f"SELECT count(*) FROM {PREVIOUS}.ico_releases WHERE sha256 <> $1 AND is_sample <> $2",
            [current_sha, is_sample],
        ).fetchone()[0]
        con.execute(
            f"""
            INSERT INTO ico_release_counts (sha256, {COUNT_COLUMNS}, incidents)
            SELECT c.sha256, {", ".join("c." + c for c in COUNT_COLUMNS.split(", "))}, c.incidents
            FROM {PREVIOUS}.ico_release_counts c
            WHERE c.sha256 IN (SELECT sha256 FROM {PREVIOUS}.ico_releases WHERE sha256 <> $1 AND is_sample = $2)""",
            [current_sha, is_sample],
        )
        history.carried = [
            r[0]
            for r in con.execute(
                "SELECT file FROM ico_releases WHERE NOT is_current ORDER BY runs_to_year, runs_to_quarter, file"
            ).fetchall()
        ]
    elif {"provenance", "incidents_quarterly_mix", "warehouse_meta"} <= tables:
        _carry_from_schema_2(con, current_sha, is_sample, history)


def _carry_from_schema_2(con, current_sha: str, is_sample: bool, history: ReleaseHistory) -> None:
    """A warehouse from before the history: its one release is in provenance + incidents_quarterly_mix."""
    row = con.execute(f"""
        SELECT sha256, file, rows_read, is_sample, loaded_at FROM {PREVIOUS}.provenance
        WHERE source = 'ico_rows'""").fetchone()
    if row is None or row[0] == current_sha:
        return
    sha256, file, rows_read, was_sample, loaded_at = row
    if bool(was_sample) != is_sample:
        history.dropped_other_kind = 1
        return
    latest = con.execute(f"SELECT max(year * 4 + quarter - 1) FROM {PREVIOUS}.incidents_quarterly_mix").fetchone()[0]
    incidents = con.execute(f"SELECT sum(incidents) FROM {PREVIOUS}.incidents_quarterly_mix").fetchone()[0]
    if latest is None:
        return
    _insert_release(
        con,
        sha256=sha256,
        file=Path(file).name,
        latest=(latest // 4, latest % 4 + 1),
        origin=None,
        loaded_at=loaded_at,
        rows_read=rows_read,
        incidents=int(incidents),
        is_sample=is_sample,
        is_current=False,
    )
    con.execute(
        f"""
        INSERT INTO ico_release_counts (sha256, {COUNT_COLUMNS}, incidents)
        SELECT $1, {COUNT_COLUMNS}, sum(incidents) FROM {PREVIOUS}.incidents_quarterly_mix GROUP BY ALL""",
        [sha256],
    )
    history.carried.append(Path(file).name)


def _reload_kept(
    con,
    raw_dir: Path,
    is_sample: bool,
    loaded_at: dt.datetime,
    history: ReleaseHistory,
    scratch: Path,
    memory_limit: str,
) -> None:
    """Counts of releases kept in the raw folder but missing from the history (each read in a scratch database)."""
    from etl import sample
    from etl.sources import ico_rows

    known = _known(con)
    for path in raw_store.release_files(raw_dir):
        sha256 = raw_store.sha256_of(path)
        if sha256 in known or sample.is_sample_file(path) != is_sample:
            continue
        scratch.mkdir(parents=True, exist_ok=True)
        other = duckdb.connect(":memory:", config={"memory_limit": memory_limit, "temp_directory": str(scratch)})
        try:
            other.execute(settings.SCHEMA_SQL.read_text(encoding="utf-8"))
            load = ico_rows.load(other, path)
            counts = other.execute(COUNTS_FROM_FACTS, [sha256]).df()  # small: one row per non-empty cell
        except SourceError as exc:  # named by file name only: the warning is shown in the app
            named = SourceError(
                path.name, exc.problem, row=exc.row, column=exc.column, value=exc.value, sheet=exc.sheet
            )
            history.warnings.append(
                f"the kept release {path.name} could not be re-read, so its figures are not in "
                f"the history: {named.message()}"
            )
            continue
        finally:
            other.close()
        if load.latest_quarter is None:
            continue
        _insert_release(
            con,
            sha256=sha256,
            file=path.name,
            latest=load.latest_quarter,
            origin=raw_store.read_origin(path),
            loaded_at=loaded_at,
            rows_read=load.rows_read,
            incidents=load.incidents,
            is_sample=is_sample,
            is_current=False,
        )
        con.register("kept_release_counts", counts)
        con.execute(
            f"INSERT INTO ico_release_counts (sha256, {COUNT_COLUMNS}, incidents) "
            f"SELECT sha256, {COUNT_COLUMNS}, incidents FROM kept_release_counts"
        )
        con.unregister("kept_release_counts")
        known.add(sha256)
        history.reloaded.append(path.name)


def record(
    con: duckdb.DuckDBPyConnection,
    *,
    path: Path,
    load,
    is_sample: bool,
    loaded_at: dt.datetime,
    previous_warehouse: Path | None,
    raw_dir: Path,
    scratch: Path,
    memory_limit: str,
) -> ReleaseHistory:
    """Fill ico_releases / ico_release_counts in the warehouse being built on `con` (after incident_facts).

    `load` is the ico_rows.IcoLoad of the current release at `path`.
    """
    history = ReleaseHistory()
    path = Path(path)
    attached = previous_warehouse is not None and _attach(con, Path(previous_warehouse), history)
    try:
        tables = _previous_tables(con) if attached else set()
        earlier = _earlier_record(con, tables, load.sha256)
        origin = raw_store.read_origin(path)
        if origin is not None and origin.sha256 != load.sha256:
            origin = None  # the file was replaced since it was fetched
        _insert_release(
            con,
            sha256=load.sha256,
            file=path.name,
            latest=load.latest_quarter,
            origin=origin,
            loaded_at=loaded_at,
            rows_read=load.rows_read,
            incidents=load.incidents,
            is_sample=is_sample,
            is_current=True,
            earlier=earlier,
        )
        con.execute(
            f"INSERT INTO ico_release_counts (sha256, {COUNT_COLUMNS}, incidents) {COUNTS_FROM_FACTS}", [load.sha256]
        )
        if attached:
            con.execute("BEGIN TRANSACTION")  # all of the previous history or none of it
            try:
                _carry(con, tables, load.sha256, is_sample, history)
                con.execute("COMMIT")
            except BaseException as exc:
                con.execute("ROLLBACK")
                if not isinstance(exc, duckdb.Error):
                    raise
                history.carried, history.dropped_other_kind = [], 0
                history.warnings.append(
                    f"the previous warehouse's release history could not be copied "
                    f"({type(exc).__name__}: {str(exc).splitlines()[0][:160]})"
                )
    finally:
        if attached:
            con.execute(f"DETACH {PREVIOUS}")
    _reload_kept(con, Path(raw_dir), is_sample, loaded_at, history, scratch, memory_limit)
    history.current = {"file": path.name, "sha256": load.sha256, "runs_to": quarters.stored(*load.latest_quarter)}
    return history
