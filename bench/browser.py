"""`python -m bench --browser`: what a first visit to each page costs in Debian's Chromium, beside a one-chart page.

For every page of the dashboard and for bench/minimal_app.py (one plotly chart), served three ways in one run:

- `direct, streamlit run dashboard.py` — how `python3 run.py dashboard` used to serve it (Streamlit's bundles
  uncompressed);
- `direct, serve.py` — the hosted entry point (bundles gzip-compressed once, ui/compressed_static.py);
- `proxy` — serve.py behind nginx as deployed (deploy/stack.py: brotli/gzip, one replica).

each load in a fresh browser context (empty cache, as a first visit) after one warm-up load (server caches filled),
started only once the machine's CPUs have been idle for a moment (bench.proc.wait_until_idle: the previous load's
browser context and server session are torn down, not still competing with this one):
bytes on the wire (HTTP responses with headers, from Chromium's Network.loadingFinished, plus WebSocket frames)
and time to first chart (navigation start to the first plotly SVG in the page, one animation frame later), and the
CPU time the app server process spent on each first load (Linux /proc: user + system, until the load went quiet).

The one-chart page and the dashboard run side by side and their loads alternate, round by round (--browser-reps
rounds, the order rotating), so a change in the machine's load during the run falls on both alike; figures are
medians, with the spread (lowest-highest) and the load average around each way of serving. It also lists the
Streamlit bundles each page had loaded by its first chart beyond those of the one-chart page (what a page's own
elements cost before its chart). Figures only: nothing here asserts a timing. Goals (issue 11): first chart
within 1.3x of the one-chart page; under 3 MB per first load through the proxy.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import statistics
import time
from pathlib import Path

from bench import report
from bench.proc import process_cpu_ms, wait_until_idle
from bench.startup import CHROMIUM, CHROMIUM_ARGS
from govdata import settings
from scripts.browser_pages import APP_IDLE, DRAWN

ROOT = settings.PROJECT_ROOT
MINIMAL = ROOT / "bench" / "minimal_app.py"
MINIMAL_SERVE = ROOT / "bench" / "minimal_serve.py"
GOAL_RATIO = 1.3
GOAL_PROXY_MB = 3.0
QUIET_MS = 1500  # no response finishing for this long after the first chart: the first load is over
LOAD_TIMEOUT_S = 120
DEFAULT_REPS = 8
# Before each load: the CPUs this idle for this long (two windows of half of it), waiting at most the timeout.
IDLE_SHARE = 0.9
IDLE_SPAN_S = 0.4
IDLE_TIMEOUT_S = 15.0
BUNDLE = re.compile(r"/static/(?:js|css)/(?P<name>[^/?]+?)\.[A-Za-z0-9_-]{8}\.(?:js|css)(?:\?|$)")
CHART_WAIT_S = 15  # after the script run: a page with no chart by then has none
FIRST_CHART_JS = """(() => {
  const seen = () => document.querySelector('.js-plotly-plot .main-svg');
  const mark = () => requestAnimationFrame(() => { window.__firstChart = performance.now(); });
  const watch = new MutationObserver(() => { if (seen()) { watch.disconnect(); mark(); } });
  watch.observe(document, {subtree: true, childList: true});
})()"""
IDLE_JS = "([idle, drawn]) => !!document.querySelector(idle) && !!document.querySelector(drawn)"


def pages() -> list[str]:
    from scripts.browser_pages import dashboard_pages

    return [path for path, _title, _file in dashboard_pages()]


def load(browser, url: str) -> dict:
    """One first visit: bytes on the wire and ms to the first chart (None when the page has no chart)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    seen = {"http": 0, "ws": 0, "requests": 0, "last": time.monotonic()}
    urls: dict[str, str] = {}
    bundles: dict[str, int] = {}  # Streamlit bundle (name without its hash) -> bytes, in the order they finished

    def sent(event):
        urls[event["requestId"]] = event["request"]["url"]

    def finished(event):
        seen["http"] += event.get("encodedDataLength", 0)
        seen["requests"] += 1
        seen["last"] = time.monotonic()
        bundle = BUNDLE.search(urls.get(event["requestId"], ""))
        if bundle:
            bundles[bundle["name"]] = event.get("encodedDataLength", 0)

    def frame(event):
        response = event.get("response", {})
        data = response.get("payloadData", "")
        seen["ws"] += len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data.encode())
        seen["last"] = time.monotonic()

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived", frame)
    cdp.on("Network.webSocketFrameSent", frame)
    page.add_init_script(FIRST_CHART_JS)
    try:
        page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_S * 1000)
        page.wait_for_function(IDLE_JS, arg=[APP_IDLE, DRAWN], timeout=LOAD_TIMEOUT_S * 1000, polling=100)
        first = None
        with contextlib.suppress(PlaywrightTimeout):  # plotly draws after the script run ends; a page may have none
            page.wait_for_function("() => window.__firstChart !== undefined", timeout=CHART_WAIT_S * 1000, polling=50)
            first = page.evaluate("window.__firstChart")
        at_chart = seen["http"] + seen["ws"]
        bundles_at_chart = dict(bundles) if first is not None else {}
        deadline = time.monotonic() + 30
        while time.monotonic() - seen["last"] < QUIET_MS / 1000 and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        return {
            "first_chart_ms": first,
            "bytes": seen["http"] + seen["ws"],
            "ws_bytes": seen["ws"],
            "bytes_at_first_chart": at_chart,
            "requests": seen["requests"],
            "bundles_at_first_chart": bundles_at_chart,
        }
    finally:
        context.close()


def summarise(runs: list[dict]) -> dict:
    """Median of each figure over the loads of one page; first chart also as its spread (lowest, highest)."""
    firsts = [r["first_chart_ms"] for r in runs if r["first_chart_ms"] is not None]
    cpu = [r["server_cpu_ms"] for r in runs if r.get("server_cpu_ms") is not None]
    bundles: dict[str, int] = {}
    for run in runs:  # every bundle any load had by its first chart (the same in every load, in practice)
        bundles.update(run.get("bundles_at_first_chart", {}))
    return {
        "first_chart_ms": statistics.median(firsts) if firsts else None,
        "first_chart_range": [min(firsts), max(firsts)] if firsts else None,
        "charted_loads": len(firsts),
        "bytes": statistics.median(r["bytes"] for r in runs),
        "ws_bytes": statistics.median(r["ws_bytes"] for r in runs),
        "requests": statistics.median(r["requests"] for r in runs),
        "server_cpu_ms": statistics.median(cpu) if cpu else None,
        "busy_starts": sum(1 for r in runs if "idle_wait_s" in r and r["idle_wait_s"] is None),
        "bundles_at_first_chart": bundles,
        "runs": runs,
    }


def measure(browser, urls: dict[str, str], reps: int, log, servers: dict[str, int] | None = None) -> dict[str, dict]:
    """`reps` rounds of one first visit to each of `urls` ({name: url}), after one warm-up visit each. Rounds
    alternate the pages (the order rotating by one each round), so slow spells of a shared machine fall on the
    one-chart page and the dashboard's pages alike instead of on whichever was measured then. `servers`
    ({name: pid}): the app server process whose CPU time each load of that name costs."""
    servers = servers or {}
    names = list(urls)
    for name in names:
        load(browser, urls[name])  # warm-up: the server's caches (and its compressed bundles) filled
    runs: dict[str, list[dict]] = {name: [] for name in names}
    for round_ in range(reps):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            pid = servers.get(name)
            waited = wait_until_idle(IDLE_SHARE, IDLE_SPAN_S / 2, 2, IDLE_TIMEOUT_S)
            before = process_cpu_ms(pid) if pid else None
            visit = load(browser, urls[name])
            after = process_cpu_ms(pid) if pid else None
            visit["server_cpu_ms"] = after - before if before is not None and after is not None else None
            visit["idle_wait_s"] = waited
            runs[name].append(visit)
        log(f"[bench] round {round_ + 1}/{reps} done, load average {os.getloadavg()[0]:.1f}")
    out = {name: summarise(runs[name]) for name in names}
    for name in names:
        first = out[name]["first_chart_ms"]
        log(f"[bench] {urls[name]}: {out[name]['bytes'] / 1e6:.2f} MB, first chart {first or float('nan'):.0f} ms")
    return out


@contextlib.contextmanager
def _direct(warehouse: Path, script: Path, workdir: Path):
    from deploy import server
    from deploy.stack import Replica, start_replica

    port = server.free_port()
    log_path = workdir / f"direct-{script.stem}-{port}.log"
    replica = Replica(port, start_replica(port, warehouse, log_path, script=script), log_path)
    try:
        server.wait_healthy(replica.url, replica.proc, what=f"{script.name} on port {port}", log=log_path)
        yield replica.url, replica.proc.pid
    finally:
        replica.stop()


@contextlib.contextmanager
def _proxied(warehouse: Path, script: Path, workdir: Path):
    from deploy.stack import running_stack

    with running_stack(warehouse, replicas=1, script=script, workdir=workdir / f"stack-{script.stem}") as stack:
        yield stack.url, stack.replicas[0].proc.pid


def _loadavg() -> list[float]:
    return [round(x, 1) for x in os.getloadavg()]


def run(warehouse: Path, *, reps: int = DEFAULT_REPS, log=print) -> dict:
    from playwright.sync_api import sync_playwright

    workdir = Path(os.environ.get("BENCH_DIR", "/tmp/govdata-bench")) / "browser"
    workdir.mkdir(parents=True, exist_ok=True)
    paths = pages()
    configs = [
        ("direct, streamlit run dashboard.py", _direct, ROOT / "dashboard.py", MINIMAL),
        ("direct, serve.py", _direct, ROOT / "serve.py", MINIMAL_SERVE),
        ("proxy (nginx, deploy/stack.py)", _proxied, ROOT / "serve.py", MINIMAL_SERVE),
    ]
    results = {"reps": reps, "configs": {}, "pages": paths, "loadavg_before": _loadavg(), "cores": os.cpu_count()}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, serve, app, minimal in configs:
                log(f"[bench] browser: {name}")
                before = _loadavg()
                try:
                    with (
                        serve(warehouse, minimal, workdir) as (base_url, base_pid),
                        serve(warehouse, app, workdir) as (app_url, app_pid),
                    ):
                        urls = {"": base_url} | {f"page:{path}": f"{app_url}/{path}" for path in paths}
                        servers = {"": base_pid} | {name: app_pid for name in urls if name}
                        measured = measure(browser, urls, reps, log, servers)
                except (RuntimeError, FileNotFoundError) as exc:  # reported in the table, never hidden
                    results["configs"][name] = {"error": str(exc).splitlines()[0][:300]}
                    continue
                results["configs"][name] = {
                    "minimal": measured.pop(""),
                    "pages": {key.removeprefix("page:"): value for key, value in measured.items()},
                    "loadavg": [before, _loadavg()],
                }
        finally:
            browser.close()
    results["loadavg_after"] = _loadavg()
    return results


def _cpu(m: dict) -> float:
    return float(m["server_cpu_ms"]) if m.get("server_cpu_ms") is not None else float("nan")


def _spread(m: dict) -> str:
    low_high = m.get("first_chart_range")
    return f"{low_high[0]:,.0f}-{low_high[1]:,.0f}" if low_high else "–"


def render(results: dict, when: str, command: str) -> str:
    nan = float("nan")
    lines = [
        "## First load in the browser: bytes and time to first chart (`python -m bench --browser`)",
        "",
        f"Run {when} by `{command}`: Debian Chromium via Playwright, 1440x900, empty cache per load, "
        f"one warm-up load per page, then {results['reps']} rounds alternating the one-chart page "
        "(bench/minimal_app.py) and every dashboard page, each served the same way and at the same time; "
        f"each load started once the CPUs had been {IDLE_SHARE:.0%} idle for {IDLE_SPAN_S:g} s (or after "
        f"{IDLE_TIMEOUT_S:g} s without: counted as busy starts); "
        "figures are medians (first chart also lowest-highest). Bytes = HTTP responses with headers + WebSocket "
        "frames; server CPU = user + system time of the app server process per first load (median); first chart = "
        "navigation start to the first plotly SVG in the page (one animation frame later). "
        f"Goals: first chart <= {GOAL_RATIO}x the one-chart page; < {GOAL_PROXY_MB:g} MB per first load through "
        f"the proxy. Load average 1/5/15 min: {results.get('loadavg_before')} -> {results.get('loadavg_after')} "
        f"on {results.get('cores', '?')} cores (timings are only comparable within a run; a 1-minute load above "
        "the core count makes them noisy).",
        "",
    ]
    rows = []
    for name, config in results["configs"].items():
        if "error" in config:
            rows.append([name, "ERROR: " + config["error"]] + [""] * 9)
            continue
        base = config["minimal"]
        load = config.get("loadavg")
        busy = sum(m.get("busy_starts", 0) for m in [base, *config["pages"].values()])
        rows.append(
            [
                name + (f" (load {load[0][0]} -> {load[1][0]}; busy starts {busy})" if load else ""),
                "one-chart page",
                base["bytes"] / 1e6,
                1.0,
                base["ws_bytes"] / 1e3,
                _cpu(base),
                float(base["first_chart_ms"] or nan),
                _spread(base),
                1.0,
                "",
                "",
            ]
        )
        for path, m in config["pages"].items():
            ratio = m["first_chart_ms"] / base["first_chart_ms"] if m["first_chart_ms"] else nan
            chart_ok = "n/a (no chart)" if m["first_chart_ms"] is None else ("met" if ratio <= GOAL_RATIO else "MISSED")
            size_ok = ("met" if m["bytes"] / 1e6 < GOAL_PROXY_MB else "MISSED") if name.startswith("proxy") else ""
            rows.append(
                [
                    name,
                    "/" + path,
                    m["bytes"] / 1e6,
                    m["bytes"] / base["bytes"],
                    m["ws_bytes"] / 1e3,
                    _cpu(m),
                    float(m["first_chart_ms"]) if m["first_chart_ms"] is not None else nan,
                    _spread(m),
                    ratio,
                    chart_ok,
                    size_ok,
                ]
            )
    lines += report.table(
        [
            "served",
            "page",
            "MB",
            "bytes x one-chart",
            "WebSocket KB",
            "server CPU ms",
            "first chart ms",
            "lowest-highest ms",
            "first chart x one-chart",
            f"goal <= {GOAL_RATIO}x",
            f"goal < {GOAL_PROXY_MB:g} MB",
        ],
        rows,
    )
    lines += _bundle_lines(results)
    return "\n".join(lines) + "\n"


def _bundle_lines(results: dict) -> list[str]:
    """Per page: the Streamlit bundles it had loaded by its first chart that the one-chart page had not."""
    config = next((c for n, c in results["configs"].items() if n.startswith("proxy") and "error" not in c), None)
    config = config or next((c for c in results["configs"].values() if "error" not in c), None)
    if config is None or "bundles_at_first_chart" not in config["minimal"]:
        return []
    base = config["minimal"]["bundles_at_first_chart"]
    rows = []
    for path, m in config["pages"].items():
        if m["first_chart_ms"] is None:
            continue
        extra = {name: size for name, size in m["bundles_at_first_chart"].items() if name not in base}
        listed = ", ".join(
            f"{name} ({size / 1e3:,.0f} KB)" for name, size in sorted(extra.items(), key=lambda x: -x[1])
        )
        rows.append(["/" + path, len(extra), sum(extra.values()) / 1e3, listed or "none"])
    name = next(n for n, c in results["configs"].items() if c is config)
    return [
        "",
        f"Streamlit bundles loaded by the first chart beyond the one-chart page's {len(base)} ({name}; bytes as "
        "transferred):",
        "",
        *report.table(["page", "extra bundles", "KB", "bundles"], rows),
    ]


def save(results: dict, path: Path) -> None:
    path.write_text(json.dumps(results))
