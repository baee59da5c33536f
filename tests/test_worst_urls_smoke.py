"""bench/worst_urls.py runs: one crafted address in a child process reports CPU-seconds and memory, no page error.
(The figures themselves belong to the benchmark, `python3 run.py bench --worst-urls`, not to a timed test.)"""

from __future__ import annotations

from bench import worst_urls
from bench.proc import run_child
from govdata import settings


def test_worst_scenario_address_runs_and_is_measured(sample_warehouse):
    cases = worst_urls.cases(sample_warehouse)
    labels = [c["label"] for c in cases]
    index = next(i for i, label in enumerate(labels) if label.startswith("Scenarios, 3 saved + current"))
    assert len(cases) >= 12 and {c["page"] for c in cases} >= {"trends", "sectors", "scenarios", "surveys"}
    child = run_child(
        ["-m", "bench.worst_urls", "--one", str(index), "--warehouse", str(sample_warehouse)],
        env={settings.WAREHOUSE_ENV: str(sample_warehouse)},
        timeout=600,
    )
    result = child.json()
    assert result["errors"] == [], result["errors"]
    assert result["cpu_s"] > 0 and result["peak_extra_mb"] >= 0 and result["query_chars"] > 1000
    assert "| address" in worst_urls.table([result])
