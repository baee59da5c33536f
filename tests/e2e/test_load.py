"""Load: 1, 5 and 20 concurrent sessions against the real server on 127.0.0.1, each opening pages and changing
filters over Streamlit's websocket protocol (scripts/loadtest.py) for a bounded time. No run may fail, and memory
must level off: the server's RSS after a repeated 20-session round stays within MEMORY_GROWTH of the first.

Figures are printed (pytest -s) and written to $E2E_SCREENSHOTS/load.json.
"""

from __future__ import annotations

import json
import os

import pytest
from conftest import assert_clean_log, running_server, warm_up
from e2e_helpers import run_async

from scripts.loadtest import discover, run_round, workload

pytestmark = pytest.mark.e2e

ROUND_SECONDS = min(float(os.environ.get("E2E_LOAD_SECONDS", "15")), 120.0)
# (sessions, seconds): the two 20-session rounds last long enough to see memory level off; 1 and 5 sessions only
# have to run without error, so a third of that.
ROUNDS = ((1, ROUND_SECONDS / 3), (5, ROUND_SECONDS / 3), (20, ROUND_SECONDS), (20, ROUND_SECONDS))
MEMORY_GROWTH = 0.25  # a repeated round may grow RSS by at most 25 %
P95_LIMIT_S = 30.0  # a generous ceiling on a 2-core test machine; the figures themselves are reported


def test_concurrent_sessions_no_errors_and_bounded_memory(e2e_warehouse, tmp_path, screenshots_dir):
    with running_server(e2e_warehouse, tmp_path) as srv:
        warm_up(srv)
        pages, defaults = run_async(lambda: discover(srv.url))
        queries = workload(pages, defaults, [])
        assert len(queries) >= 2, queries
        start_rss = srv.rss_kb()
        rounds = []
        for sessions, seconds in ROUNDS:
            stats = run_async(lambda n=sessions, s=seconds: run_round(srv.url, n, s, queries, srv.proc.pid))
            print(stats.line())
            rounds.append(stats)
            assert not stats.errors, f"{len(stats.errors)} errors with {sessions} sessions: {stats.errors[:5]}"
            assert stats.runs >= sessions, f"only {stats.runs} runs with {sessions} sessions"
        first20, second20 = rounds[2], rounds[3]
        figures = {
            "round_seconds": [seconds for _, seconds in ROUNDS],
            "server_rss_start_mib": round(start_rss / 1024, 1),
            "rounds": [
                {
                    "sessions": r.sessions,
                    "runs": r.runs,
                    "errors": len(r.errors),
                    "p50_ms": round(r.p50 * 1000),
                    "p95_ms": round(r.p95 * 1000),
                    "server_rss_mib": round(r.rss_kb / 1024, 1),
                }
                for r in rounds
            ],
        }
        (screenshots_dir / "load.json").write_text(json.dumps(figures, indent=2))
        print(json.dumps(figures))
        assert second20.rss_kb <= first20.rss_kb * (1 + MEMORY_GROWTH), (
            f"server memory kept growing: {first20.rss_kb / 1024:.0f} MiB after the first 20-session round, "
            f"{second20.rss_kb / 1024:.0f} MiB after the second"
        )
        assert max(r.p95 for r in rounds) < P95_LIMIT_S, figures
        assert srv.healthy()
        assert_clean_log(srv)
