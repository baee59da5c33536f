"""The benchmark harness runs end to end at a tiny scale and prints its tables (no timings are asserted)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from bench.report import percentile
from govdata import settings


def test_percentile_is_nearest_rank():
    assert percentile([5, 1, 3, 2, 4], 50) == 3
    assert percentile([1.0, 2.0, 3.0, 100.0], 95) == 100.0  # with few reps p95 is the slowest run
    assert percentile(list(range(1, 101)), 95) == 95


def test_quick_run_prints_tables(tmp_path):
    results_md = settings.PROJECT_ROOT / "bench" / "RESULTS.md"
    before = results_md.read_bytes() if results_md.exists() else None
    env = dict(os.environ, BENCH_DIR=str(tmp_path / "bench"))  # generated files under pytest's tmp, not the repo
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--quick"],
        cwd=settings.PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "## ETL build" in out and "## Page reruns" in out and "## Peak memory" in out
    build_row = next(line for line in out.splitlines() if line.startswith("| 0.02x |") and "3,600" in line)
    assert re.search(r"\| 0\.02x \| 3,600 \| [\d,]+ \|", build_row)
    for interaction in ("default view", "change a filter", "change sector"):
        row = next((line for line in out.splitlines() if f"| trends | {interaction} |" in line), None)
        assert row is not None, f"no row for trends / {interaction}:\n{out}"
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert all(re.fullmatch(r"[\d,.]+", c) for c in cells[3:11]), row  # dashboard and pandas both timed
    assert "ERROR" not in out
    # --quick never overwrites the committed results
    assert (results_md.read_bytes() if results_md.exists() else None) == before
