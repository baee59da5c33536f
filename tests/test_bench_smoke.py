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


def test_browser_table_reports_medians_spread_and_extra_bundles():
    """bench/browser.py's report from made-up loads (no browser, no timing asserted): medians over the rounds, the
    spread, ratios to the one-chart page served the same way, the goals, and the bundles a page loads beyond it."""
    from bench import browser

    def loads(firsts, megabytes, bundles, cpu=(None, None, None)):
        return browser.summarise(
            [
                {"first_chart_ms": f, "bytes": megabytes * 1e6, "ws_bytes": 5e3, "requests": 30, "server_cpu_ms": c}
                | {"bundles_at_first_chart": bundles if f is not None else {}}
                for f, c in zip(firsts, cpu)
            ]
        )

    plotly = {"PlotlyChart": 1_400_000}
    results = {
        "reps": 3,
        "cores": 2,
        "loadavg_before": [0.4, 0.5, 0.6],
        "loadavg_after": [0.9, 0.6, 0.6],
        "configs": {
            "proxy (nginx, deploy/stack.py)": {
                "loadavg": [[0.4, 0.5, 0.6], [0.9, 0.6, 0.6]],
                "minimal": loads([900, 1000, 5000], 2.0, plotly),
                "pages": {
                    "scenarios": loads([1400, 1300, 1200], 3.2, plotly | {"DataFrame": 150_000}, (250, 900, 230)),
                    "sources": loads([None, None, None], 2.2, {}),
                },
            }
        },
    }
    text = browser.render(results, "now", "python -m bench --browser")
    rows = {
        line.split("|")[2].strip(): [c.strip() for c in line.strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("| proxy")
    }
    assert rows["one-chart page"][5:8] == ["–", "1,000", "900-5,000"]  # no CPU read; the median, not the mean
    assert rows["/scenarios"][5] == "250"  # server CPU per load: the median
    assert rows["/scenarios"][8:11] == ["1.30", "met", "MISSED"]  # 1,300 / 1,000 ms; 3.2 MB
    assert rows["/sources"][9:11] == ["n/a (no chart)", "met"]
    assert "| /scenarios | 1 | 150 | DataFrame (150 KB) |" in text


def test_process_cpu_time_grows_with_work_and_is_none_for_no_process():
    from bench.proc import process_cpu_ms

    before = process_cpu_ms(os.getpid())
    sum(i * i for i in range(3_000_000))  # ~0.1-0.3 s of CPU: more than the kernel's 10 ms tick
    after = process_cpu_ms(os.getpid())
    assert before is not None and after > before
    assert process_cpu_ms(2**22 + 12345) is None  # above Linux's largest pid


def test_wait_until_idle_needs_calm_windows_in_a_row_and_gives_up_on_a_busy_machine():
    """bench.proc.wait_until_idle from made-up /proc/stat ticks (idle, total): a load starts only after two calm
    windows in a row; a machine that never calms down is reported (None) instead of waited for forever."""
    from bench.proc import cpu_idle_ticks, wait_until_idle

    def ticks_from(idle_per_window):  # each call: one more window, 100 ticks of which `idle` were idle
        state = {"idle": 0, "total": 0, "calls": 0}
        shares = iter(idle_per_window)

        def ticks():
            if state["calls"]:
                state["idle"] += next(shares)
                state["total"] += 100
            state["calls"] += 1
            return state["idle"], state["total"]

        return ticks, state

    ticks, state = ticks_from([20, 95, 30, 95, 92, 10])
    assert wait_until_idle(0.9, 0.001, 2, 5.0, ticks) is not None
    assert state["calls"] == 1 + 5  # the calm pair is windows 4 and 5, not 2 and 4
    busy, _ = ticks_from([50] * 100_000)
    assert wait_until_idle(0.9, 0.001, 2, 0.05, busy) is None
    idle, total = cpu_idle_ticks()  # the real reading: idle ticks are part of all ticks
    assert 0 <= idle <= total
