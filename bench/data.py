"""Generated ICO-format files and warehouses at N x the size of a full release, kept under /tmp."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bench.proc import ChildResult, run_child

# A full ICO release: about 180,000 rows for about 62,000 incidents (docs/ARCHITECTURE.md, "The ICO release").
FULL_RELEASE_ROWS = 180_000
WORK_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/govdata-bench"))


@dataclass
class Dataset:
    scale: float
    rows: int
    csv: Path
    warehouse: Path
    csv_mb: float = 0.0
    generate: ChildResult | None = None  # None when the file was already there
    build: ChildResult | None = None
    warehouse_mb: float = 0.0
    incidents: int = 0
    row_count: int = 0


def scale_label(scale: float) -> str:
    return f"{scale:g}x"


def _etl(command: str, *cli_args: str) -> ChildResult:
    """`python -m etl <command> ...` in a measured child; raises with the end of its errors when it fails."""
    result = run_child(["-m", "etl", command, *cli_args], timeout=4 * 3600)
    if result.returncode != 0:
        raise RuntimeError(f"`python -m etl {command}` failed:\n{result.stderr[-3000:]}")
    return result


def prepare(scale: float, *, log=print) -> Dataset:
    """Generate (once) the ICO-format CSV for `scale`, then build its warehouse in a child, measured."""
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    rows = max(1000, int(round(FULL_RELEASE_ROWS * scale)))
    csv = WORK_DIR / f"ico-{rows}.csv"
    warehouse = WORK_DIR / f"warehouse-{rows}.duckdb"
    data = Dataset(scale, rows, csv, warehouse)
    done = csv.with_suffix(".done")  # the generator writes a sidecar marker beside the CSV, so no rename
    if not (csv.exists() and done.exists()):
        log(f"[bench] generating {rows:,} rows -> {csv}")
        data.generate = _etl("sample", "--rows", str(rows), "--out", str(csv))
        done.write_text("complete\n")
    data.csv_mb = csv.stat().st_size / 2**20
    log(f"[bench] building warehouse from {csv.name} ({data.csv_mb:,.0f} MB)")
    warehouse.unlink(missing_ok=True)
    data.build = _etl("build", "--ico", str(csv), "--warehouse", str(warehouse))
    data.warehouse_mb = warehouse.stat().st_size / 2**20
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        data.row_count = con.execute("SELECT count(*) FROM ico_rows").fetchone()[0]
        data.incidents = con.execute("SELECT count(*) FROM incident_facts").fetchone()[0]
    return data
