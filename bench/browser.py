"""`python -m bench --browser`: what a first visit to each page costs in Debian's Chromium, beside a one-chart page.

For every page of the dashboard and for bench/minimal_app.py (one plotly chart), served three ways in one run:

- `direct, streamlit run dashboard.py` — how `python3 run.py dashboard` used to serve it (Streamlit's bundles
  uncompressed);
- `direct, serve.py` — the hosted entry point (bundles gzip-compressed once, ui/compressed_static.py);
- `proxy` — serve.py behind nginx as deployed (deploy/stack.py: brotli/gzip, one replica).

each load in a fresh browser context (empty cache, as a first visit) after one warm-up load (server caches filled):
bytes on the wire (HTTP responses with headers, from Chromium's Network.loadingFinished, plus WebSocket frames)
and time to first chart (navigation start to the first plotly SVG in the page, one animation frame later).
Medians of --browser-reps loads. Goals (issue 11): first chart within 1.3x of the one-chart page; under 3 MB per
first load through the proxy.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

from bench import report
from bench.startup import CHROMIUM, CHROMIUM_ARGS
from govdata import settings

ROOT = settings.PROJECT_ROOT
MINIMAL = ROOT / "bench" / "minimal_app.py"
MINIMAL_SERVE = ROOT / "bench" / "minimal_serve.py"
GOAL_RATIO = 1.3
GOAL_PROXY_MB = 3.0
QUIET_MS = 1500  # no response finishing for this long after the first chart: the first load is over
LOAD_TIMEOUT_S = 120
CHART_WAIT_S = 15  # after the script run: a page with no chart by then has none
FIRST_CHART_JS = """(() => {
  const seen = () => document.querySelector('.js-plotly-plot .main-svg');
  const mark = () => requestAnimationFrame(() => { window.__firstChart = performance.now(); });
  const watch = new MutationObserver(() => { if (seen()) { watch.disconnect(); mark(); } });
  watch.observe(document, {subtree: true, childList: true});
})()"""
IDLE_JS = """() => { const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
         && !!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]'); }"""


def pages() -> list[str]:
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    try:
        from e2e_helpers import dashboard_pages
    finally:
        sys.path.remove(str(ROOT / "tests" / "e2e"))
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

    def finished(event):
        seen["http"] += event.get("encodedDataLength", 0)
        seen["requests"] += 1
        seen["last"] = time.monotonic()

    def frame(event):
        response = event.get("response", {})
        data = response.get("payloadData", "")
        seen["ws"] += len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data.encode())
        seen["last"] = time.monotonic()

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived", frame)
    cdp.on("Network.webSocketFrameSent", frame)
    page.add_init_script(FIRST_CHART_JS)
    try:
        page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_S * 1000)
        page.wait_for_function(IDLE_JS, timeout=LOAD_TIMEOUT_S * 1000, polling=100)
        first = None
        with contextlib.suppress(PlaywrightTimeout):  # plotly draws after the script run ends; a page may have none
            page.wait_for_function("() => window.__firstChart !== undefined", timeout=CHART_WAIT_S * 1000, polling=50)
            first = page.evaluate("window.__firstChart")
        at_chart = seen["http"] + seen["ws"]
        deadline = time.monotonic() + 30
        while time.monotonic() - seen["last"] < QUIET_MS / 1000 and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        return {
            "first_chart_ms": first,
            "bytes": seen["http"] + seen["ws"],
            "ws_bytes": seen["ws"],
            "bytes_at_first_chart": at_chart,
            "requests": seen["requests"],
        }
    finally:
        context.close()


def measure(browser, base: str, paths: list[str], reps: int, log) -> dict[str, dict]:
    out = {}
    for path in paths:
        url = f"{base}/{path}"
        load(browser, url)  # warm-up: the server's caches (and its compressed bundles) filled
        runs = [load(browser, url) for _ in range(reps)]
        firsts = [r["first_chart_ms"] for r in runs if r["first_chart_ms"] is not None]
        out[path] = {
            "first_chart_ms": statistics.median(firsts) if firsts else None,
            "bytes": statistics.median(r["bytes"] for r in runs),
            "ws_bytes": statistics.median(r["ws_bytes"] for r in runs),
            "requests": statistics.median(r["requests"] for r in runs),
            "runs": runs,
        }
        log(
            f"[bench] {url}: {out[path]['bytes'] / 1e6:.2f} MB, first chart "
            f"{out[path]['first_chart_ms'] or float('nan'):.0f} ms"
        )
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
        yield replica.url
    finally:
        replica.stop()


@contextlib.contextmanager
def _proxied(warehouse: Path, script: Path, workdir: Path):
    from deploy.stack import running_stack

    with running_stack(warehouse, replicas=1, script=script, workdir=workdir / f"stack-{script.stem}") as stack:
        yield stack.url


def run(warehouse: Path, *, reps: int = 3, log=print) -> dict:
    from playwright.sync_api import sync_playwright

    workdir = Path(os.environ.get("BENCH_DIR", "/tmp/govdata-bench")) / "browser"
    workdir.mkdir(parents=True, exist_ok=True)
    paths = pages()
    configs = [
        ("direct, streamlit run dashboard.py", _direct, ROOT / "dashboard.py", MINIMAL),
        ("direct, serve.py", _direct, ROOT / "serve.py", MINIMAL_SERVE),
        ("proxy (nginx, deploy/stack.py)", _proxied, ROOT / "serve.py", MINIMAL_SERVE),
    ]
    results = {"reps": reps, "configs": {}, "pages": paths, "loadavg_before": [round(x, 1) for x in os.getloadavg()]}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, serve, app, minimal in configs:
                log(f"[bench] browser: {name}")
                try:
                    with serve(warehouse, minimal, workdir) as url:
                        baseline = measure(browser, url, [""], reps, log)[""]
                    with serve(warehouse, app, workdir) as url:
                        measured = measure(browser, url, paths, reps, log)
                except (RuntimeError, FileNotFoundError) as exc:  # reported in the table, never hidden
                    results["configs"][name] = {"error": str(exc).splitlines()[0][:300]}
                    continue
                results["configs"][name] = {"minimal": baseline, "pages": measured}
        finally:
            browser.close()
    results["loadavg_after"] = [round(x, 1) for x in os.getloadavg()]
    return results


def render(results: dict, when: str, command: str) -> str:
    nan = float("nan")
    lines = [
        "## First load in the browser: bytes and time to first chart (`python -m bench --browser`)",
        "",
        f"Run {when} by `{command}`: Debian Chromium via Playwright, 1440x900, empty cache per load, "
        f"median of {results['reps']} loads after one warm-up load per page; bytes = HTTP responses with "
        "headers + WebSocket frames; first chart = navigation start to the first plotly SVG in the page (one "
        "animation frame later). Ratios are to bench/minimal_app.py (one plotly chart) served the same way in "
        f"the same run. Goals: first chart <= {GOAL_RATIO}x the one-chart page; < {GOAL_PROXY_MB:g} MB per "
        f"first load through the proxy. Load average 1/5/15 min: {results.get('loadavg_before')} -> "
        f"{results.get('loadavg_after')} (a 2-core machine shared with other work).",
        "",
    ]
    rows = []
    for name, config in results["configs"].items():
        if "error" in config:
            rows.append([name, "ERROR: " + config["error"]] + [""] * 7)
            continue
        base = config["minimal"]
        rows.append(
            [
                name,
                "one-chart page",
                base["bytes"] / 1e6,
                1.0,
                base["ws_bytes"] / 1e3,
                base["first_chart_ms"],
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
                    m["first_chart_ms"] if m["first_chart_ms"] is not None else nan,
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
            "first chart ms",
            "first chart x one-chart",
            f"goal <= {GOAL_RATIO}x",
            f"goal < {GOAL_PROXY_MB:g} MB",
        ],
        rows,
    )
    return "\n".join(lines) + "\n"


def save(results: dict, path: Path) -> None:
    path.write_text(json.dumps(results))
