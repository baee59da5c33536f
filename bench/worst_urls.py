"""The most expensive addresses a visitor can craft: CPU-seconds and memory of one page run each.

    python -m bench --worst-urls            (also: python3 run.py bench --worst-urls)
    python -m bench.worst_urls [--scale 1]  (the same, directly)

Each address runs in a fresh child process: dashboard.py under AppTest against a warehouse of `scale` x a full ICO
release (sample data), first the page's default view (imports, connection and the default caches warm, as on a
running server), then the crafted address once. Reported per address: CPU-seconds of that run (user + system,
all threads), the extra peak memory it needed (peak RSS during the run minus RSS before it; the kernel's
high-water mark is reset just before the run) and the memory still held after it (cache entries). Target: at most
2 CPU-seconds and 50 MB per page run (issue 9); the bounds that keep it there are listed in docs/HOSTING.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import urllib.parse
from pathlib import Path

from govdata import settings

TARGET_CPU_S = 2.0
TARGET_MB = 50.0
DASHBOARD = settings.PROJECT_ROOT / "dashboard.py"


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cases(warehouse: Path) -> list[dict]:
    """(label, page, query) of the addresses tried: the default views, then the worst of each kind."""
    import duckdb

    from govdata import scenarios as sc
    from govdata.scenarios.assumptions import INTERVENTION_CODES, OUTCOME_CODES

    with duckdb.connect(str(warehouse), read_only=True) as con:
        sectors = [r[0] for r in con.execute("SELECT DISTINCT sector FROM incident_facts ORDER BY 1").fetchall()]
    # Every effect edited (10 of 10), each a wide PERT: the most work the effects token can ask for.
    fx = ";".join(f"{i}{o}:-0.5,0.2,0.9" for i in INTERVENTION_CODES.values() for o in OUTCOME_CODES.values())
    bounds = sc.TOKEN_BOUNDS

    def token(seed: int, **kw) -> str:
        base = sc.ScenarioInputs(
            "Local government",
            0.1,
            0.1,
            1.0,
            1.0,
            bounds["window_quarters"][1],
            fx,
            seed,
            bounds["ramp_years"][1],
            bounds["years"][1],
            bounds["draws"][1],
        )
        return base.with_(**kw).token()

    worst_saved = {f"s{i}": f"Worst {i}~{token(1000 + i)}" for i in (1, 2, 3)}
    scenario_worst = {"window": "40", "years": "20", "ramp": "20", "seed": "999", "fx": fx, **worst_saved}
    refused = {f"s{i}": f"Big {i}~{token(1, draws=1_000_000)}" for i in (1, 2, 3)}
    long_fx = {"fx": ";".join(["the:0,0.1,0.2"] * 500)}
    many = {"sector": [f"Nowhere {i}" for i in range(200)]}
    all_sectors = {"sector": sectors}
    from govdata.views.params import MAX_QUERY_CHARS

    per_copy = len(urllib.parse.urlencode(all_sectors, doseq=True)) + 1
    at_limit = {"sector": sectors * max(1, MAX_QUERY_CHARS // per_copy)}  # just under the accepted length
    over_limit = {"sector": sectors * 40}
    return [
        {"label": "Overview, default", "page": None, "query": {}},
        {"label": "Overview, all sectors chosen", "page": "overview", "query": all_sectors},
        {"label": "Overview, 200 unknown sector values", "page": "overview", "query": many},
        {"label": "Trends, default", "page": "trends", "query": {}},
        {
            "label": "Trends, every sector, by incident type, rolling",
            "page": "trends",
            "query": {
                **all_sectors,
                "breakdown": "incident_type",
                "rolling": "1",
                "comparable": "0",
                "period": "quarter",
            },
        },
        {"label": "Trends, every sector repeated up to the 8,000-character limit", "page": "trends", "query": at_limit},
        {"label": "Trends, a query over the limit (refused whole)", "page": "trends", "query": over_limit},
        {"label": "Sectors, default", "page": "sectors", "query": {}},
        {
            "label": "Sectors, every sector, top 10 types",
            "page": "sectors",
            "query": {"sectors": sectors, "view": "types", "top": "10", "q1_2019": "1"},
        },
        {"label": "Scenarios, default", "page": "scenarios", "query": {}},
        {
            "label": "Scenarios, 3 saved + current, each max window/years/ramp, all effects edited, new seeds",
            "page": "scenarios",
            "query": scenario_worst,
        },
        {"label": "Scenarios, 3 saved asking 1,000,000 draws (refused)", "page": "scenarios", "query": refused},
        {"label": "Scenarios, effects token of 500 parts (refused)", "page": "scenarios", "query": long_fx},
        {"label": "Surveys, default", "page": "surveys", "query": {}},
        {"label": "Sources, default", "page": "sources", "query": {}},
    ]


def _page_path(page: str | None) -> str | None:
    if page is None:
        return None
    return str((settings.PROJECT_ROOT / "app_pages" / f"{page}.py").relative_to(settings.PROJECT_ROOT))


def _app(page: str | None, query: dict):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(DASHBOARD), default_timeout=300)
    for name, value in query.items():
        at.query_params[name] = value
    if page:
        at.switch_page(_page_path(page))
    return at


def run_one(case: dict) -> dict:
    """In this (fresh) process: warm up on the page's default view, then measure the crafted address once."""
    warm = _app(case["page"], {})
    warm.run()
    at = _app(case["page"], case["query"])
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak-RSS high-water mark (VmHWM)
    rss_before = _rss_kb("VmRSS")
    cpu = _cpu_s()
    at.run()
    cpu = _cpu_s() - cpu
    peak = _rss_kb("VmHWM")
    rss_after = _rss_kb("VmRSS")
    problems = [e.value for e in at.exception] + [str(e.value)[:200] for e in at.error]
    notes = len(at.info)
    return {
        "label": case["label"],
        "cpu_s": cpu,
        "peak_extra_mb": max(peak - rss_before, 0) / 1024,
        "retained_mb": (rss_after - rss_before) / 1024,
        "errors": problems,
        "notes": notes,
        "query_chars": len(urllib.parse.urlencode(case["query"], doseq=True)),
    }


def measure(warehouse: Path, *, log=print) -> list[dict]:
    from bench.proc import run_child

    results = []
    env = {settings.WAREHOUSE_ENV: str(warehouse), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    for index, case in enumerate(cases(warehouse)):
        log(f"[bench] worst URLs: {case['label']}")
        child = run_child(
            ["-m", "bench.worst_urls", "--one", str(index), "--warehouse", str(warehouse)], env=env, timeout=900
        )
        try:
            results.append(child.json())
        except (RuntimeError, ValueError) as exc:
            results.append({"label": case["label"], "error": str(exc).splitlines()[-1][:300]})
    return results


def table(results: list[dict]) -> str:
    from bench import report

    rows = []
    for r in results:
        if "error" in r:
            rows.append([r["label"], "", "", "", "", "", f"FAILED: {r['error']}"])
            continue
        met = r["cpu_s"] <= TARGET_CPU_S and r["peak_extra_mb"] <= TARGET_MB
        rows.append(
            [
                r["label"],
                r["query_chars"],
                r["cpu_s"],
                r["peak_extra_mb"],
                r["retained_mb"],
                r["notes"],
                ("met" if met else "MISSED") + (f"; page errors: {r['errors']}" if r["errors"] else ""),
            ]
        )
    head = [
        "address (page, what the URL asks for)",
        "query chars",
        "CPU s",
        "peak extra MB",
        "retained MB",
        "notes shown",
        f"target <= {TARGET_CPU_S:g} CPU s and <= {TARGET_MB:g} MB",
    ]
    return "\n".join(report.table(head, rows))


def warehouse_for(scale: float, log=print) -> Path:
    from bench.data import WORK_DIR, prepare

    rows_file = WORK_DIR / f"worst-urls-{scale:g}.path"
    if rows_file.exists() and Path(rows_file.read_text().strip()).exists():
        return Path(rows_file.read_text().strip())
    data = prepare(scale, log=log)
    rows_file.write_text(str(data.warehouse))
    return data.warehouse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="warehouse size, x a full ICO release (default 1)")
    parser.add_argument("--warehouse", type=Path, help="use this warehouse instead of a generated one")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child mode: one case, JSON on stdout
    args = parser.parse_args(argv)
    if args.one is not None:
        os.environ[settings.WAREHOUSE_ENV] = str(args.warehouse)
        print(json.dumps(run_one(cases(args.warehouse)[args.one])))
        return 0
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    warehouse = args.warehouse or warehouse_for(args.scale, log)
    results = measure(warehouse, log=log)
    print(f"## Worst URLs: one page run each ({warehouse.name})\n")
    print(table(results))
    missed = [
        r for r in results if "error" in r or r["errors"] or r["cpu_s"] > TARGET_CPU_S or r["peak_extra_mb"] > TARGET_MB
    ]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
