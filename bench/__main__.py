"""python -m bench [--scales 1,10,100] [--quick]: this dashboard against a pandas-in-memory dashboard.

For each scale (N x a full ICO release, ~180,000 rows): ETL build time and peak memory; every page's interactions
as full AppTest reruns, cold and warm, p50/p95, beside the same interactions in bench/pandas_app.py (whole CSV in
one DataFrame); each approach measured in its own process for a clean peak RSS. Then app start to health OK and to
the first full render in Chromium, and the briefing pack of every page. Prints the tables; writes bench/RESULTS.md
(not with --quick). Generated files stay under /tmp/govdata-bench.

`--browser` instead measures first visits in Chromium (bench/browser.py): bytes, time to first chart and the app
server's CPU time of every page, direct and through the proxy, against a one-chart page; its table goes to
bench/results/browser.md and into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import report
from bench.browser import DEFAULT_REPS
from bench.data import WORK_DIR, prepare, scale_label
from bench.proc import run_child
from govdata import settings

DASHBOARD_PAGES = ("overview", "trends", "sectors", "surveys", "scenarios", "sources")
PANDAS_PAGES = ("overview", "trends", "sectors", "scenarios")  # the pages computed from the ICO rows
RESULTS_MD = settings.PROJECT_ROOT / "bench" / "RESULTS.md"
FINDINGS_MD = settings.PROJECT_ROOT / "bench" / "findings.md"
BROWSER_MD = settings.PROJECT_ROOT / "bench" / "results" / "browser.md"  # written by --browser
BROWSER_START, BROWSER_END = "<!-- bench --browser: start -->", "<!-- bench --browser: end -->"
RESULTS_DIR = WORK_DIR / "results"
TARGET = {"cold_ms": 500, "warm_ms": 100, "speedup": 10, "memory": 5, "build_s": 60, "build_mb": 2048, "pack_s": 10}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _pages_present(wanted: list[str] | None = None) -> list[str]:
    return [p for p in (wanted or DASHBOARD_PAGES) if (settings.PROJECT_ROOT / "app_pages" / f"{p}.py").exists()]


def _worker(app: str, page: str, env: dict, reps: int, cold_reps: int) -> dict:
    child = run_child(
        ["-m", "bench.pages_worker", "--app", app, "--page", page, "--reps", str(reps), "--cold-reps", str(cold_reps)],
        env=env,
        timeout=6 * 3600,
    )
    try:
        result = child.json()
    except (RuntimeError, ValueError) as exc:
        return {"app": app, "page": page, "error": str(exc).splitlines()[-1][:300], "peak_rss_mb": child.peak_rss_mb}
    result["peak_rss_mb"] = child.peak_rss_mb  # the kernel's figure for the whole child (wait4)
    result["seconds"] = child.seconds
    return result


def _save_partial(out: dict, args) -> None:
    """After every step, so an interrupted long run (100x) still leaves its measured figures."""
    if not args.quick:
        (RESULTS_DIR / f"{out['scale']:g}.partial.json").write_text(json.dumps(out))


def run_scale(scale: float, args) -> dict:
    load_before = os.getloadavg()
    data = prepare(scale, log=log)
    out: dict = {
        "scale": scale,
        "rows": data.rows,
        "row_count": data.row_count,
        "incidents": data.incidents,
        "csv_mb": data.csv_mb,
        "warehouse_mb": data.warehouse_mb,
        "build_s": data.build.seconds,
        "build_peak_mb": data.build.peak_rss_mb,
        "generate_s": data.generate.seconds if data.generate else None,
        "pages": [],
        "pandas": [],
    }
    log(f"[bench] {scale_label(scale)}: build {data.build.seconds:.1f} s, peak {data.build.peak_rss_mb:,.0f} MB")
    out["command"] = "python -m bench " + " ".join(args.argv) + " (interrupted: partial)"
    _save_partial(out, args)
    dash_env = {settings.WAREHOUSE_ENV: str(data.warehouse)}
    for page in _pages_present(args.pages):
        log(f"[bench] {scale_label(scale)}: dashboard page {page}")
        out["pages"].append(_worker("dashboard", page, dash_env, args.reps, args.cold_reps))
        _save_partial(out, args)
    for page in [p for p in PANDAS_PAGES if not args.pages or p in args.pages]:
        log(f"[bench] {scale_label(scale)}: pandas page {page}")
        out["pandas"].append(
            _worker(
                "pandas",
                page,
                {"BENCH_CSV": str(data.csv)},
                args.pandas_reps or args.reps,
                args.pandas_cold_reps or args.cold_reps,
            )
        )
        _save_partial(out, args)
    if not args.no_browser:
        log(f"[bench] {scale_label(scale)}: app start in chromium")
        try:
            from bench import startup

            out["startup"] = startup.measure(data.warehouse)
        except Exception as exc:  # reported in the table, never hidden
            out["startup"] = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"}
    if not args.no_packs:
        out["packs"] = []
        for page in _pages_present(args.pages):
            log(f"[bench] {scale_label(scale)}: briefing pack of {page}")
            child = run_child(["-m", "bench.packs_worker", "--page", page], env=dash_env, timeout=3600)
            try:
                out["packs"].append(child.json())
            except (RuntimeError, ValueError) as exc:
                out["packs"].append({"page": page, "error": str(exc).splitlines()[-1][:300]})
    out["command"] = "python -m bench " + " ".join(args.argv)
    out["reps"] = (
        f"dashboard {args.reps} warm / {args.cold_reps} cold, pandas {args.pandas_reps or args.reps} "
        f"warm / {args.pandas_cold_reps or args.cold_reps} cold"
    )
    out["loadavg"] = [round(x, 1) for x in (*load_before, *os.getloadavg())]
    return out


def _pages(results: list[dict]):
    """(scale's result, page, the same page's pandas-app run or None) for every page measured."""
    for r in results:
        pandas = {p["page"]: p for p in r["pandas"]}
        for page in r["pages"]:
            yield r, page, pandas.get(page["page"])


def _stats(values: list[float]) -> tuple[float, float]:
    return report.percentile(values, 50), report.percentile(values, 95)


def render(results: list[dict], args, started: str) -> str:
    nan = float("nan")
    lines = [
        "# Benchmark results",
        "",
        f"Report written {started} by `python -m bench {' '.join(args.argv)}`. Times are server-side full page "
        "reruns (AppTest), in ms; nearest-rank percentiles. Generated; do not edit by hand (the findings "
        "section comes from bench/findings.md).",
        "",
    ]
    lines += [
        f"- {scale_label(r['scale'])}: `{r.get('command', '?')}`, reps per interaction: {r.get('reps', '?')}"
        for r in results
    ]
    lines += ["", "## Machine", *report.machine(), "", "## ETL build (child process: wall time, peak RSS)", ""]
    lines += report.table(
        [
            "scale",
            "file rows",
            "incidents",
            "CSV MB",
            "build s",
            "build peak MB",
            "warehouse MB",
            "target <60 s, <2 GB",
            "load avg 1/5/15 min, start -> end",
        ],
        [
            [
                scale_label(r["scale"]),
                f"{r['row_count']:,}",
                f"{r['incidents']:,}",
                r["csv_mb"],
                r["build_s"],
                r["build_peak_mb"],
                r["warehouse_mb"],
                "met" if r["build_s"] < TARGET["build_s"] and r["build_peak_mb"] < TARGET["build_mb"] else "MISSED",
                " / ".join(map(str, r.get("loadavg", [])[:3]))
                + " -> "
                + " / ".join(map(str, r.get("loadavg", [])[3:])),
            ]
            for r in results
        ],
    )
    lines += [
        "",
        "## Page reruns: this dashboard vs pandas-in-memory",
        "",
        "Cold = st.cache_data/st.cache_resource cleared and the DuckDB file reopened before the rerun; warm = "
        "the same rerun with caches filled. CPU = the worker process's CPU time for the rerun (what it costs on an "
        "idle machine: the wall times include waiting for a CPU when the machine is shared; see the load averages). "
        "pandas = bench/pandas_app.py (whole CSV in one DataFrame cached "
        "with st.cache_data, filtered/grouped per rerun). speed-up = pandas p50 / dashboard p50.",
        "",
    ]
    rows = []
    for r, page, pandas in _pages(results):
        if "error" in page:
            rows.append([scale_label(r["scale"]), page["page"], "ERROR: " + page["error"]] + [""] * 11)
            continue
        for name, timing in page["interactions"].items():
            c50, c95 = _stats(timing["cold_ms"])
            w50, w95 = _stats(timing["warm_ms"])
            p = (pandas or {}).get("interactions", {}).get(name)
            pc50 = _stats(p["cold_ms"])[0] if p else nan
            pw50 = _stats(p["warm_ms"])[0] if p else nan
            ok = c95 < TARGET["cold_ms"] and w95 < TARGET["warm_ms"]
            cc95 = _stats(timing.get("cold_cpu_ms", []))[1]
            wc95 = _stats(timing.get("warm_cpu_ms", []))[1]
            rows.append(
                [
                    scale_label(r["scale"]),
                    page["page"],
                    name,
                    c50,
                    c95,
                    cc95,
                    w50,
                    w95,
                    wc95,
                    pc50,
                    pw50,
                    pc50 / c50 if p else nan,
                    pw50 / w50 if p else nan,
                    "met" if ok else "MISSED",
                ]
            )
    lines += report.table(
        [
            "scale",
            "page",
            "interaction",
            "cold p50",
            "cold p95",
            "cold p95 CPU",
            "warm p50",
            "warm p95",
            "warm p95 CPU",
            "pandas cold p50",
            "pandas warm p50",
            "speed-up cold",
            "speed-up warm",
            "target p95 <500 cold, <100 warm",
        ],
        rows,
    )
    lines += [
        "",
        "## Peak memory per page process (RSS, MB) and first run in a fresh process (ms, imports included)",
        "",
    ]
    rows = []
    for r, page, p in _pages(results):
        ratio = p["peak_rss_mb"] / page["peak_rss_mb"] if p else nan
        rows.append(
            [
                scale_label(r["scale"]),
                page["page"],
                page["peak_rss_mb"],
                p["peak_rss_mb"] if p else nan,
                ratio,
                page.get("first_run_ms", nan),
                p.get("first_run_ms", nan) if p else nan,
                ("met" if ratio >= TARGET["memory"] else "MISSED") if p else "n/a (no ICO rows)",
            ]
        )
    lines += report.table(
        [
            "scale",
            "page",
            "dashboard peak MB",
            "pandas peak MB",
            "less memory x",
            "dashboard first run ms",
            "pandas first run ms",
            "target >=5x",
        ],
        rows,
    )
    rows = []
    for r in results:
        for page in r["pages"]:
            slow = sorted(page.get("cold_query_ms", {}).items(), key=lambda kv: -kv[1])
            if slow:
                rows.append(
                    [
                        scale_label(r["scale"]),
                        page["page"],
                        sum(ms for _, ms in slow),
                        ", ".join(f"{name} {ms:,.0f}" for name, ms in slow[:3]),
                    ]
                )
    if rows:
        lines += ["", "## Where a cold rerun's time goes: warehouse queries (median ms per call, cache empty)", ""]
        lines += report.table(["scale", "page", "all queries ms", "slowest three"], rows)
    starts = [r for r in results if "startup" in r]
    if starts:
        lines += [
            "",
            "## App start to first page served (real server on 127.0.0.1, Debian chromium via Playwright)",
            "",
        ]
        lines += report.table(
            ["scale", "to /_stcore/health OK s", "to first full render s", "charts drawn", "note"],
            [
                [
                    scale_label(r["scale"]),
                    r["startup"].get("health_s", nan),
                    r["startup"].get("first_render_s", nan),
                    r["startup"].get("charts", ""),
                    r["startup"].get("error", ""),
                ]
                for r in starts
            ],
        )
    packs = [r for r in results if r.get("packs")]
    if packs:
        lines += [
            "",
            "## Briefing pack of every chart on a page (govdata.packs.build_pack, one kept-alive "
            "renderer; first = renderer start-up included)",
            "",
        ]
        rows = []
        for r in packs:
            for p in r["packs"]:
                secs = p.get("seconds") or []
                warm = min(secs[1:]) if len(secs) > 1 else nan
                rows.append(
                    [
                        scale_label(r["scale"]),
                        p["page"],
                        p.get("charts", ""),
                        secs[0] if secs else nan,
                        warm,
                        p.get("bytes", 0) / 2**20 if secs else nan,
                        p.get("error") or ("met" if warm < TARGET["pack_s"] else "MISSED" if secs else "no charts"),
                    ]
                )
        lines += report.table(["scale", "page", "charts", "first s", "warm s", "ZIP MB", "target warm <10 s"], rows)
    if BROWSER_MD.exists():
        lines += ["", BROWSER_START, BROWSER_MD.read_text().strip(), BROWSER_END]
    if FINDINGS_MD.exists():
        lines += ["", FINDINGS_MD.read_text().strip()]
    return "\n".join(lines) + "\n"


def run_browser(args, scale: float) -> int:
    """bench/browser.py at one scale; its table replaces the browser section of bench/RESULTS.md."""
    from bench import browser

    data = prepare(scale, log=log)
    results = browser.run(data.warehouse, reps=args.browser_reps, log=log)
    results["scale"] = scale
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    browser.save(results, RESULTS_DIR / "browser.json")
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = browser.render(results, f"{started} at {scale_label(scale)}", "python -m bench " + " ".join(args.argv))
    print(text)
    BROWSER_MD.parent.mkdir(parents=True, exist_ok=True)
    BROWSER_MD.write_text(text)
    current = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Benchmark results\n"
    block = f"{BROWSER_START}\n{text.strip()}\n{BROWSER_END}"
    if BROWSER_START in current and BROWSER_END in current:
        head, rest = current.split(BROWSER_START, 1)
        current = head + block + rest.split(BROWSER_END, 1)[1]
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    RESULTS_MD.write_text(current)
    log(f"[bench] wrote {BROWSER_MD} and the browser section of {RESULTS_MD}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100", help="multiples of a full ICO release, e.g. 1,10,100")
    parser.add_argument("--quick", action="store_true", help="tiny scale and few reps: checks the harness runs")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--cold-reps", type=int, default=5)
    parser.add_argument(
        "--pandas-reps",
        type=int,
        default=None,
        help="warm reps of the pandas baseline "
        "(default --reps; every cold pandas rerun re-reads the whole CSV, slow at 100x)",
    )
    parser.add_argument("--pandas-cold-reps", type=int, default=None, help="default --cold-reps")
    parser.add_argument(
        "--report-only", action="store_true", help="no runs: write the report from the scales saved by earlier runs"
    )
    parser.add_argument("--pages", default=None, help="comma-separated subset of pages (default: all present)")
    parser.add_argument("--no-browser", action="store_true", help="skip the app start-up measurement")
    parser.add_argument("--no-packs", action="store_true", help="skip the briefing pack timings")
    parser.add_argument(
        "--worst-urls",
        action="store_true",
        help="only the worst crafted addresses: CPU-seconds and MB of one page run each "
        "(bench/worst_urls.py; at the first --scales value, default 1x)",
    )
    parser.add_argument(
        "--browser",
        action="store_true",
        help="only the browser first-visit benchmark (bench/browser.py) at the first --scales value "
        "(default 1x): bytes and time to first chart per page, direct and through the proxy",
    )
    parser.add_argument(
        "--browser-reps", type=int, default=DEFAULT_REPS, help="rounds of loads per page and way of serving (median)"
    )
    parser.add_argument(
        "--include-previous",
        action="store_true",
        help="also report scales saved by earlier runs (e.g. a 100x run done in the background)",
    )
    parser.add_argument(
        "--write", type=Path, default=None, help=f"Markdown output (default {RESULTS_MD}; not written with --quick)"
    )
    args = parser.parse_args(argv)
    args.argv = argv
    if args.worst_urls:
        from bench import worst_urls

        scale = float(args.scales.split(",")[0]) if "--scales" in argv else 1.0
        return worst_urls.main(["--scale", f"{scale:g}"])
    if args.browser:
        return run_browser(args, float(args.scales.split(",")[0]) if "--scales" in argv else 1.0)
    if args.quick:  # checks the harness end to end in about a minute: one page, its pandas twin, no browser
        args.scales, args.reps, args.cold_reps = "0.02", min(args.reps, 3), min(args.cold_reps, 1)
        args.pages = args.pages or "trends"
        args.no_browser = args.no_packs = True
    args.pages = [p.strip() for p in args.pages.split(",")] if args.pages else None
    try:
        scales = [float(s) for s in args.scales.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--scales takes numbers separated by commas, not {args.scales!r}")
    if not (settings.PROJECT_ROOT / "dashboard.py").exists():
        print("dashboard.py is missing: nothing to benchmark yet.", file=sys.stderr)
        return 2
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    results = []
    for scale in [] if args.report_only else scales:
        t = time.perf_counter()
        try:
            result = run_scale(scale, args)
        except RuntimeError as exc:
            print(f"bench: {scale_label(scale)} failed: {exc}", file=sys.stderr)
            return 1
        log(f"[bench] {scale_label(scale)} done in {time.perf_counter() - t:.0f} s")
        if not args.quick:  # a smoke run's figures never join the reported results
            (RESULTS_DIR / f"{scale:g}.json").write_text(json.dumps(result))
        results.append(result)
    if args.include_previous or args.report_only:
        have = {r["scale"] for r in results}
        # complete results first, then partial ones (an interrupted run) for scales with nothing complete
        for path in sorted(RESULTS_DIR.glob("*.json"), key=lambda p: p.name.endswith(".partial.json")):
            saved = json.loads(path.read_text())
            if saved["scale"] not in have:
                have.add(saved["scale"])
                results.append(saved)
        results.sort(key=lambda r: r["scale"])
    text = render(results, args, started)
    print(text)
    target = args.write or (None if args.quick else RESULTS_MD)
    if target:
        target.write_text(text)
        log(f"[bench] wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
