"""Child process: time full page reruns of one page with streamlit.testing.v1.AppTest and print JSON.

    python -m bench.pages_worker --app dashboard --page trends --reps 20     (DASHBOARD_WAREHOUSE set)
    python -m bench.pages_worker --app pandas --page trends --reps 20       (BENCH_CSV set)

Cold = caches emptied before the rerun (st.cache_data, st.cache_resource and, for the dashboard, the open DuckDB
connection, so the file is reopened); warm = the same flip repeated with everything cached. The first run of the
page in this fresh process (imports included) is reported on its own.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from bench import interactions
from bench.proc import current_peak_rss_mb
from govdata import settings

PANDAS_APP = settings.PROJECT_ROOT / "bench" / "pandas_app.py"
DASHBOARD = settings.PROJECT_ROOT / "dashboard.py"


def _clear_caches(app: str) -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    if app == "dashboard":
        from govdata import warehouse

        with warehouse._lock:  # the benchmark's "cold" reopens the DuckDB file as a new process would
            for handle in warehouse._open.values():
                handle.connection.close()
            warehouse._open.clear()


COLD = [False]  # True while cold reruns are timed (queries then really run)
CPU_MS: list[float] = []  # process CPU time of each rerun: what it would take on an otherwise idle machine


def _run(at) -> float:
    start, cpu = time.perf_counter(), time.process_time()
    at.run()
    ms = (time.perf_counter() - start) * 1000
    CPU_MS.append((time.process_time() - cpu) * 1000)
    if at.exception:
        raise RuntimeError(
            "page raised: "
            + "; ".join(e.proto.message[:400] + " | " + " ".join(e.proto.stack_trace[-3:])[-600:] for e in at.exception)
        )
    return ms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", choices=("dashboard", "pandas"), required=True)
    parser.add_argument("--page", required=True)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--cold-reps", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args(argv)

    from streamlit.testing.v1 import AppTest

    query_ms: dict[str, list[float]] = {}
    if args.app == "dashboard":
        import ui.data

        original = ui.data.cached_query

        def timed_query(fn, *a, **k):  # pages call data.cached_query(...) through the module: time each query
            start = time.perf_counter()
            try:
                return original(fn, *a, **k)
            finally:
                if COLD[0]:
                    query_ms.setdefault(f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}", []).append(
                        (time.perf_counter() - start) * 1000
                    )

        ui.data.cached_query = timed_query

    result: dict = {"app": args.app, "page": args.page, "interactions": {}, "skipped": {}}
    if args.app == "dashboard":
        at = AppTest.from_file(str(DASHBOARD), default_timeout=args.timeout)
        first = _run(at)
        if args.page != "overview" or not (settings.PROJECT_ROOT / "app_pages" / "overview.py").exists():
            at.switch_page(f"app_pages/{args.page}.py")
            first += _run(at)
    else:
        at = AppTest.from_file(str(PANDAS_APP), default_timeout=args.timeout)
        at.query_params["page"] = args.page
        first = _run(at)
    result["first_run_ms"] = first
    flips = interactions.discover(at, args.page)

    def timed(flip, cold: bool, reps: int, cpu: list | None = None) -> list[float]:
        out = []
        for i in range(reps):
            if cold:
                _clear_caches(args.app)
            if flip is not None:
                flip.apply(at, i)
            out.append(_run(at))
            if cpu is not None:
                cpu.append(CPU_MS[-1])
        return out

    plan = {"default view": None, **flips}
    for name, flip in plan.items():
        if name != "default view" and flip is None:
            result["skipped"][name] = "no such widget on this page"
            continue
        if flip is not None:  # visit both values once so "warm" means both are cached
            timed(flip, False, 2)
        warm_cpu, cold_cpu = [], []
        warm = timed(flip, False, args.reps, warm_cpu)
        COLD[0] = True
        cold = timed(flip, True, args.cold_reps, cold_cpu)
        COLD[0] = False
        if flip is not None:  # leave the page as it was for the next interaction
            flip.apply(at, 1)
            _run(at)
        result["interactions"][name] = {
            "widget": flip.label if flip else None,
            "cold_ms": cold,
            "warm_ms": warm,
            "cold_cpu_ms": cold_cpu,
            "warm_cpu_ms": warm_cpu,
        }
    result["cold_query_ms"] = {name: sorted(v)[len(v) // 2] for name, v in query_ms.items()}  # median per call
    result["peak_rss_mb"] = current_peak_rss_mb()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
