#!/usr/bin/env python3
"""Load test: p50/p95 page latency and server memory for 1, 5 and 20 concurrent sessions.

Each simulated visitor speaks Streamlit's own websocket protocol (the same protobuf messages the browser sends):
it opens a page, waits for the script run to finish, then "changes a filter" by re-running the page with another
query string, round-robin over the app's pages, for a bounded time. A run that shows an exception element counts
as an error. Server memory is read from /proc/<pid>/status (Linux).

    .venv/bin/python scripts/loadtest.py                        # starts its own server on 127.0.0.1 (sample warehouse)
    .venv/bin/python scripts/loadtest.py --url http://127.0.0.1:8501 --pid 1234    # an already running local server
    .venv/bin/python scripts/loadtest.py --url http://127.0.0.1:8080 --reconnect   # through the proxy (deploy/stack.py)

Like a browser, each visitor first loads the page (so a proxy's affinity cookie, if any, is sent on its WebSocket).
With --reconnect a visitor whose connection drops (a replica stopped) opens a new session and carries on, as
Streamlit's frontend does; dropped runs are counted apart from errors.

Only loopback addresses are accepted; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import websockets  # a dependency of streamlit itself

from deploy import server
from ui.streamlit_private import protocol_messages

ROOT = Path(__file__).resolve().parent.parent

BackMsg, ForwardMsg, WidgetStates = protocol_messages()  # Streamlit's private protocol, isolated in one module

LOOPBACK = ("127.0.0.1", "localhost", "::1")
RUN_TIMEOUT_S = 60.0  # one script run never takes longer than this, or it counts as an error
MAX_RUNS_PER_SESSION = 500  # hard cap besides the time budget
# Text shown by elements: these kinds are checked for leaks and errors (charts carry data, not prose).
GUARDED_ERROR = "something went wrong"  # ui.layout.guarded's message for an error it caught and logged
CHANGEABLE = ("selectbox", "radio", "multiselect")  # filters the load test changes, as a visitor would
TEXT_ELEMENTS = ("markdown", "alert", "heading", "text", "exception", "code", "metric", "caption")


@dataclass
class RunResult:
    """What one script run showed: its latency, exceptions, visible text, the app's pages and final query string."""

    latency_s: float
    exceptions: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    pages: list[dict] = field(default_factory=list)
    query_string: str | None = None
    status: str = ""
    widgets: list[tuple[str, object]] = field(default_factory=list)  # (element type, widget proto) in page order

    @property
    def ok(self) -> bool:
        return not self.exceptions and self.status in ("FINISHED_SUCCESSFULLY", "FINISHED_EARLY_FOR_RERUN")

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def _element_texts(element) -> list[str]:
    kind = element.WhichOneof("type")
    if kind not in TEXT_ELEMENTS:
        return []
    inner = getattr(element, kind)
    out = []
    for _, value in inner.ListFields():
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, (list, tuple)) or type(value).__name__.startswith("Repeated"):
            out.extend(v for v in value if isinstance(v, str))
    return out


class Session:
    """One visitor: a websocket to /_stcore/stream, re-running pages like the browser does."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None):
        parsed = urlparse(base_url)
        if parsed.hostname not in LOOPBACK:
            raise ValueError(f"refusing to load-test {base_url}: only loopback addresses are allowed")
        self.base_url = base_url.rstrip("/")
        self.ws_url = f"ws://{parsed.netloc}{parsed.path.rstrip('/')}/_stcore/stream"
        self.ws = None
        self.pages: list[dict] = []
        self.cookies = dict(cookies or {})

    async def __aenter__(self) -> Session:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else None
        self.ws = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=RUN_TIMEOUT_S,
            additional_headers=headers,
            proxy=None,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def run(self, page: str = "", query_string: str = "", widget_states=None) -> RunResult:
        """Run page `page` (its url path; "" = default page) with `query_string`; wait until the run finishes."""
        msg = BackMsg()
        msg.rerun_script.query_string = query_string
        msg.rerun_script.page_name = page
        page_hash = next((p["hash"] for p in self.pages if p["url"] == page), "")
        msg.rerun_script.page_script_hash = page_hash
        if widget_states is not None:
            msg.rerun_script.widget_states.CopyFrom(widget_states)
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        result = RunResult(latency_s=0.0)
        deadline = started + RUN_TIMEOUT_S
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                result.exceptions.append(f"timeout: run did not finish within {RUN_TIMEOUT_S:.0f} s")
                break
            raw = await asyncio.wait_for(self.ws.recv(), timeout=remaining)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "navigation":
                self.pages = [
                    {"url": p.url_pathname, "hash": p.page_script_hash, "title": p.page_name, "default": p.is_default}
                    for p in fwd.navigation.app_pages
                ]
                result.pages = self.pages
            elif kind == "page_info_changed":
                result.query_string = fwd.page_info_changed.query_string
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                etype = element.WhichOneof("type")
                if etype == "exception":
                    result.exceptions.append(f"{element.exception.type}: {element.exception.message}")
                elif etype == "alert" and GUARDED_ERROR in element.alert.body:
                    result.exceptions.append(f"page error shown: {element.alert.body[:200]}")
                result.texts.extend(_element_texts(element))
                if etype in CHANGEABLE:
                    result.widgets.append((etype, getattr(element, etype)))
            elif kind == "script_finished":
                result.status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
                if fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    break
                result.texts.clear()  # a rerun (e.g. st.rerun) follows; judge the final run only
                result.exceptions = [e for e in result.exceptions if e.startswith("timeout")]
            elif kind == "page_not_found":
                result.exceptions.append(f"page not found: {page!r}")
        result.latency_s = time.perf_counter() - started
        return result


def filter_change(result: RunResult, step: int) -> WidgetStates | None:
    """Widget states that move the `step`-th changeable filter of `result` to its next option (None: no filter)."""
    widgets = [(kind, w) for kind, w in result.widgets if len(w.options) > 1 and not w.disabled]
    if not widgets:
        return None
    kind, widget = widgets[step % len(widgets)]
    options = list(widget.options)
    shown = getattr(widget, "raw_value", "")  # the current value when it came from session state
    current = (
        options.index(shown)
        if isinstance(shown, str) and shown in options
        else (widget.default if isinstance(widget.default, int) else 0)
    )
    states = WidgetStates()
    state = states.widgets.add()
    state.id = widget.id
    if kind == "multiselect":  # values are option labels; pick one or two options, varying with `step`
        picked = options[step % len(options)], options[(step * 7 + 3) % len(options)]
        state.string_array_value.data.extend(dict.fromkeys(picked))
    else:
        state.string_value = options[(current + 1) % len(options)]
    return states


@dataclass
class RoundStats:
    sessions: int
    runs: int
    errors: list[str]
    latencies: list[float]
    rss_kb: int
    visitors: list[VisitorLog] = field(default_factory=list)

    @property
    def reconnected(self) -> int:
        return sum(1 for v in self.visitors if v.reconnects)

    @property
    def recovered(self) -> int:
        """Visitors whose connection dropped and who then completed at least one run on a new session."""
        return sum(1 for v in self.visitors if v.reconnects and v.runs_after_recovery)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        return float(np.percentile(self.latencies, p, method="nearest"))  # an observed latency, not interpolated

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    def line(self) -> str:
        text = (
            f"{self.sessions:>3} sessions  {self.runs:>5} runs  errors {len(self.errors):>3}  "
            f"p50 {self.p50 * 1000:7.0f} ms  p95 {self.p95 * 1000:7.0f} ms  server RSS {self.rss_kb / 1024:7.1f} MiB"
        )
        if self.reconnected:
            text += (
                f"  dropped+reconnected {self.reconnected:>3}  recovered {self.recovered:>3} "
                f"(runs after recovery {sum(v.runs_after_recovery for v in self.visitors)})"
            )
        return text


def page_cookies(base_url: str) -> dict[str, str]:
    """Load the app's page as a browser would and keep the cookies it sets (a proxy's affinity cookie)."""
    from http.cookies import SimpleCookie

    request = urllib.request.Request(base_url.rstrip("/") + "/")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only: never a proxy
    with opener.open(request, timeout=RUN_TIMEOUT_S) as response:
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return {name: morsel.value for name, morsel in jar.items()}


MAX_RECONNECTS = 5
DROPPED = (OSError, asyncio.TimeoutError, websockets.WebSocketException)


@dataclass
class VisitorLog:
    """One visitor's account: runs on each connection, drops, and runs completed after its last drop."""

    reconnects: int = 0
    dropped_runs: int = 0
    runs_after_recovery: int = 0


async def _visitor(
    base_url: str,
    queries: list[tuple[str, str]],
    duration_s: float,
    offset: int,
    latencies: list[float],
    errors: list[str],
    reconnect: bool = False,
    log: VisitorLog | None = None,
) -> None:
    """Open pages and change filters (query strings) round-robin until `duration_s` has passed."""
    stop_at = time.perf_counter() + duration_s
    log = log if log is not None else VisitorLog()
    i = 0

    def record(result: RunResult, what: str) -> None:
        latencies.append(result.latency_s)
        errors.extend(f"{what}: {e}" for e in result.exceptions)
        if log.reconnects and result.ok:
            log.runs_after_recovery += 1

    while True:
        try:
            cookies = await asyncio.to_thread(page_cookies, base_url)
            async with Session(base_url, cookies) as session:
                record(await session.run("", ""), "home page")
                while i < MAX_RUNS_PER_SESSION and time.perf_counter() < stop_at:
                    page, query = queries[(offset + i) % len(queries)]
                    i += 1
                    result = await session.run(page, query)  # open a page (as by a link or the sidebar)
                    record(result, f"{page}?{query}")
                    change = filter_change(result, offset + i)
                    if change is None or time.perf_counter() >= stop_at:
                        continue
                    changed = await session.run(page, result.query_string or query, change)  # change a filter
                    record(changed, f"{page}?{query} after a filter change")
            return
        except DROPPED as exc:
            if not reconnect or log.reconnects >= MAX_RECONNECTS or time.perf_counter() >= stop_at:
                errors.append(f"session failed: {type(exc).__name__}: {exc}")
                return
            log.reconnects += 1  # the connection dropped mid-run: a new session, as a browser does
            log.dropped_runs += 1
            await asyncio.sleep(0.5)


async def discover(base_url: str, warehouse_path: str | Path | None = None) -> tuple[list[dict], dict[str, str]]:
    """The app's pages, and each page's default query string (every parameter at its default). A page writes
    nothing to the address on load (that would add a history entry), so the defaults come from the page's
    declared parameters (govdata.views) read against the server's warehouse (`warehouse_path`, default: the
    one this process would open)."""
    async with Session(base_url) as session:
        first = await session.run("", "")
        defaults = {}
        for page in first.pages:
            result = await session.run(page["url"], "")
            defaults[page["url"]] = result.query_string or _declared_defaults(page["url"], warehouse_path)
        return first.pages, defaults


def _declared_defaults(url_path: str, warehouse_path: str | Path | None) -> str:
    from govdata import views, warehouse
    from govdata.views.base import Direct

    try:
        con = warehouse.connect(Path(warehouse_path)) if warehouse_path else warehouse.connect()
    except warehouse.WarehouseUnavailable:
        return ""
    try:
        return views.default_query(url_path, Direct(con))
    except KeyError:  # a page without a view module
        return ""
    finally:
        con.close()


def workload(pages: list[dict], defaults: dict[str, str], variants: list[str]) -> list[tuple[str, str]]:
    """(page, query string) pairs: each page with its defaults, then with each variant filter appended."""
    pairs = []
    for page in pages:
        pairs.append((page["url"], defaults.get(page["url"], "")))
        for variant in variants:
            pairs.append((page["url"], variant))
    return pairs


async def run_round(
    base_url: str,
    sessions: int,
    duration_s: float,
    queries: list[tuple[str, str]],
    pid: int | None,
    reconnect: bool = False,
) -> RoundStats:
    latencies: list[float] = []
    errors: list[str] = []
    visitors = [VisitorLog() for _ in range(sessions)]
    await asyncio.gather(
        *(
            _visitor(base_url, queries, duration_s, i, latencies, errors, reconnect, visitors[i])
            for i in range(sessions)
        )
    )
    rss = server.rss_kb(pid) if pid else 0
    return RoundStats(sessions, len(latencies), errors, latencies, rss, visitors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an already running server (loopback only); default: start one")
    parser.add_argument("--pid", type=int, help="the server's process id, for memory figures (with --url)")
    parser.add_argument(
        "--warehouse",
        type=Path,
        help="warehouse for the server this script starts "
        "(default: a fresh sample warehouse built by the real ETL in a temporary folder)",
    )
    parser.add_argument("--sessions", default="1,5,20", help="concurrent sessions per round (default 1,5,20)")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each round (max 300)")
    parser.add_argument(
        "--reconnect",
        action="store_true",
        help="a visitor whose connection drops opens a new session and carries on (failover)",
    )
    args = parser.parse_args(argv)
    duration = min(max(args.seconds, 1.0), 300.0)
    counts = [min(max(int(n), 1), 100) for n in args.sessions.split(",")]

    proc = None
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        if args.url:
            base_url, pid = args.url.rstrip("/"), args.pid
            if urlparse(base_url).hostname not in LOOPBACK:
                parser.error("only loopback addresses (127.0.0.1, localhost) may be load-tested")
        else:
            warehouse = args.warehouse
            if warehouse is None:
                warehouse = Path(tmp) / "warehouse.duckdb"
                print(f"building a sample warehouse at {warehouse} ...", flush=True)
                subprocess.run(
                    [sys.executable, "-m", "etl", "build", "--warehouse", str(warehouse)], cwd=ROOT, check=True
                )
            port = server.free_port()
            base_url = f"http://127.0.0.1:{port}"
            proc = server.start(server.DASHBOARD, port, warehouse, Path(tmp) / "server.log")
            pid = proc.pid
        try:
            server.wait_healthy(base_url, proc, log=Path(tmp) / "server.log" if proc else None)
            pages, defaults = asyncio.run(discover(base_url))
            queries = workload(pages, defaults, [])
            print(f"server {base_url}  pages: {', '.join(p['url'] or '(default)' for p in pages)}")
            if pid:
                print(f"server RSS at start: {server.rss_kb(pid) / 1024:.1f} MiB")
            failed = False
            for n in counts:
                stats = asyncio.run(run_round(base_url, n, duration, queries, pid, args.reconnect))
                print(stats.line(), flush=True)
                for error in stats.errors[:5]:
                    print(f"    error: {error}")
                failed |= bool(stats.errors)
            return 1 if failed else 0
        finally:
            if proc is not None:
                server.stop(proc)


if __name__ == "__main__":
    sys.exit(main())
