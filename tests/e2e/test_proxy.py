"""The hosted configuration, tested: Debian's nginx (deploy/, rendered for free ports, run as the current user from a
temporary prefix) in front of two replicas started with serve.py, all on 127.0.0.1.

Load through the proxy (20 simulated visitors speaking Streamlit's WebSocket protocol, scripts/loadtest.py): no
errors, both replicas used. Failover: one replica is killed mid-run; every visitor it served reconnects through
the proxy and carries on on the other one. Plus what the proxy adds: security headers and CSP (no violation in
Chromium), compression of static assets, /_stcore/metrics blocked, request-size limits, sticky sessions.
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import CHROMIUM, under_ci
from e2e_helpers import assert_no_error, open_page, run_async

from deploy import render
from deploy.stack import NGINX, running_stack
from scripts import loadtest

LOAD_SESSIONS = 20
LOAD_SECONDS = 20.0
FAILOVER_SECONDS = 30.0
KILL_AFTER_S = 8.0


def _need_nginx() -> None:
    missing = [p for p in (Path(NGINX), render.MODULES_DIR / render.BROTLI_MODULES[0]) if not p.exists()]
    if missing:
        message = (
            f"{', '.join(map(str, missing))} missing: the proxy tests need Debian's nginx and its brotli module "
            "(python3 run.py test installs them as root)"
        )
        if under_ci():
            pytest.fail(message)
        pytest.skip("LOUD SKIP: " + message)


@contextlib.contextmanager
def _checked_stack(warehouse: Path, workdir: Path):
    """Two replicas behind nginx; afterwards no replica may have logged a traceback."""
    _need_nginx()
    with running_stack(warehouse, replicas=2, workdir=workdir) as running:
        yield running
    for replica in running.replicas:
        log = replica.log()
        first = max(log.find("Traceback"), log.find("Uncaught app execution"))
        assert first < 0, f"replica {replica.port} logged an error:\n{log[max(first - 3000, 0) : first + 3000]}"


@pytest.fixture(scope="module")
def stack(e2e_warehouse, tmp_path_factory):
    """One stack shared by the tests that leave it as they found it (started once: two servers and nginx)."""
    with _checked_stack(e2e_warehouse, tmp_path_factory.mktemp("stack")) as running:
        yield running


@pytest.fixture
def fresh_stack(e2e_warehouse, tmp_path):
    """A stack of its own, for the failover test: it kills a replica and reads the log from the start."""
    with _checked_stack(e2e_warehouse, tmp_path / "stack") as running:
        yield running


def _get(url: str, headers: dict | None = None, data: bytes | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def _upstreams(access_log: str, path_pattern: str) -> list[str]:
    return re.findall(rf'"GET {path_pattern}[^"]*" \d+ \d+ upstream=(\S+)', access_log)


def _logged(stack, path_pattern: str, done, timeout_s: float = 15.0) -> list[str]:
    """The upstreams nginx logged for `path_pattern`, polled until `done(upstreams)` (nginx writes a line when a
    request ends, a WebSocket's when it closes) or the time runs out."""
    deadline = time.monotonic() + timeout_s
    while True:
        upstreams = _upstreams(stack.access_log(), path_pattern)
        if done(upstreams) or time.monotonic() > deadline:
            return upstreams
        time.sleep(0.05)


def _logged_streams(stack, done, timeout_s: float = 15.0) -> list[tuple[str, str, str]]:
    """(upstream, request_time, msec) of every WebSocket nginx logged, polled until `done(streams)` or time runs out."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = re.findall(
            r'"GET /_stcore/stream[^"]*" 101 \d+ upstream=(\S+) request_time=(\S+) msec=(\S+)', stack.access_log()
        )
        if done(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def _workload(url: str):
    pages, defaults = run_async(lambda: loadtest.discover(url))
    return loadtest.workload(pages, defaults, [])


def test_proxy_headers_compression_limits_and_blocked_internals(stack):
    status, headers, body = _get(stack.url + "/")
    assert status == 200 and b"<html" in body.lower()
    for name in (
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "content-security-policy",
        "permissions-policy",
    ):
        assert name in headers, f"missing security header {name}"
    assert headers["content-security-policy"] == render.csp()
    assert headers.get("server") == "nginx", "server_tokens off: no version"
    assert re.match(r"dashboard_affinity=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax", headers["set-cookie"])
    script = re.search(rb'src="\./(static/js/[^"]+\.js)"', body).group(1).decode()
    for encoding in ("br", "gzip"):
        status, h, _ = _get(f"{stack.url}/{script}", {"Accept-Encoding": encoding})
        assert status == 200 and h.get("content-encoding") == encoding, (encoding, h)
    for path in ("/_stcore/metrics", "/_stcore/agent/openapi.json"):
        assert _get(stack.url + path)[0] == 404, path
    assert _get(stack.url + "/_stcore/health")[0] == 200
    status, _, _ = _get(stack.url + "/", data=b"x" * (2 * 1024 * 1024))
    assert status == 413, f"a 2 MB request body got {status}"
    status, _, _ = _get(stack.url + "/", headers={"X-Big": "y" * 20_000})
    assert status in (400, 431, 494), f"a 20 KB header got {status}"


def test_bundles_reach_a_replica_once_then_come_from_the_proxy_cache(stack):
    """After its first request a bundle is served by nginx itself (access log: cache HIT, no upstream), compressed
    for each browser as before and byte for byte the same file, also when a query string is appended; pages are
    never kept."""
    from streamlit import file_util

    asked = stack.access_log()
    bundles = sorted(Path(file_util.get_static_dir(), "static", "js").glob("*.js"))
    # one nobody has asked this proxy for yet (and large enough to be compressed), so its first request is seen
    file = next(b for b in bundles if b.name not in asked and b.stat().st_size > 4096)
    bundle = f"static/js/{file.name}"
    for encoding, query in (("identity", ""), ("br", ""), ("gzip", ""), ("identity", "?v=2")):
        status, headers, body = _get(f"{stack.url}/{bundle}{query}", {"Accept-Encoding": encoding})
        assert status == 200 and headers.get("content-encoding", "identity") == encoding, (encoding, headers)
        assert (body == file.read_bytes()) == (encoding == "identity"), (encoding, query)
    served = _logged(stack, re.escape("/" + bundle), lambda found: len(found) >= 4)
    lines = [line for line in stack.access_log().splitlines() if re.search(rf"GET /{re.escape(bundle)}[ ?]", line)]
    assert len(served) == 4 and len(lines) == 4, lines
    assert "cache=MISS" in lines[0] and "upstream=127.0.0.1:" in lines[0], lines[0]
    for line in lines[1:]:
        assert "cache=HIT" in line and "upstream=- " in line, line
    for _ in range(2):
        assert _get(stack.url + "/trends")[0] == 200
    _logged(stack, "/trends ", lambda found: len(found) >= 2)
    pages = [line for line in stack.access_log().splitlines() if '"GET /trends ' in line]
    assert len(pages) >= 2 and all("cache=-" in line and "upstream=127.0.0.1:" in line for line in pages), pages
    # Streamlit answers a made-up bundle name with its page shell (200, no-cache): never kept, so made-up names
    # cannot fill the cache
    for _ in range(2):
        assert _get(stack.url + "/static/js/made-up.js")[0] == 200
    made_up = _logged(stack, re.escape("/static/js/made-up.js"), lambda found: len(found) >= 2)
    assert len(made_up) == 2 and "-" not in made_up, made_up


def test_sticky_sessions_keep_a_visitor_on_one_replica(stack):
    _, headers, _ = _get(stack.url + "/")
    affinity = headers["set-cookie"].split(";")[0]
    logged = len(_upstreams(stack.access_log(), "/_stcore/health"))
    for _ in range(6):
        _get(stack.url + "/_stcore/health", {"Cookie": affinity})
    upstreams = _logged(stack, "/_stcore/health", lambda u: len(u) >= logged + 6)
    assert len(upstreams) >= 6 and len(set(upstreams[-6:])) == 1, upstreams
    for _ in range(12):  # new visitors (no cookie) are spread over the replicas
        _get(stack.url + "/_stcore/health")
    spread = set(_logged(stack, "/_stcore/health", lambda u: len(u) >= logged + 18)[-12:])
    assert len(spread) == 2, f"12 new visitors all went to {spread}"


def test_load_through_the_proxy_20_sessions_no_errors(stack, capsys):
    queries = _workload(stack.url)
    stats = run_async(lambda: loadtest.run_round(stack.url, LOAD_SESSIONS, LOAD_SECONDS, queries, None))
    with capsys.disabled():
        print(f"\n[proxy load] {stats.line()}")
    assert not stats.errors, stats.errors[:10]
    assert stats.runs >= LOAD_SESSIONS * 2
    every = {f"127.0.0.1:{r.port}" for r in stack.replicas}
    used = set(_logged(stack, "/_stcore/stream", lambda u: set(u) >= every))  # logged when each WebSocket closes
    assert used == every, f"sessions went only to {used}"


def test_failover_sessions_recover_on_the_other_replica(fresh_stack, capsys):
    stack = fresh_stack
    queries = _workload(stack.url)
    victim, survivor = stack.replicas
    killed_at: dict = {}

    def kill():
        time.sleep(KILL_AFTER_S)
        victim.stop(signal.SIGKILL)  # a crash, not a polite shutdown
        killed_at["epoch"] = time.time()

    killer = threading.Thread(target=kill)
    killer.start()
    stats = run_async(
        lambda: loadtest.run_round(stack.url, LOAD_SESSIONS, FAILOVER_SECONDS, queries, None, reconnect=True)
    )
    killer.join()
    with capsys.disabled():
        print(f"\n[proxy failover] {stats.line()}")
    assert victim.proc.poll() is not None, "the replica was not stopped"
    assert not stats.errors, stats.errors[:10]
    assert stats.reconnected >= 1, "no session was on the stopped replica (the hash put all 20 on one replica?)"
    assert stats.recovered == stats.reconnected, (
        f"{stats.reconnected} sessions dropped, only {stats.recovered} carried on"
    )
    # Each WebSocket is logged when it closes (its start is msec - request_time): wait for the lines of at least
    # every visitor's first session and of each recovered visitor's new one.
    streams = [
        (upstream, float(end) - float(duration))
        for upstream, duration, end in _logged_streams(
            stack, lambda found: len(found) >= LOAD_SESSIONS + stats.recovered
        )
    ]
    before = {u for u, start in streams if start < killed_at["epoch"]}
    after = [u for u, start in streams if start > killed_at["epoch"] + 0.1]
    assert f"127.0.0.1:{victim.port}" in before, f"no session was on the stopped replica before the stop: {before}"
    assert after, "no WebSocket session was opened after the stop"
    assert all(u.split(", ")[-1] == f"127.0.0.1:{survivor.port}" for u in after), after
    with capsys.disabled():
        print(f"[proxy failover] sessions opened after the stop: {len(after)}, all on the surviving replica")


def test_pages_render_through_the_proxy_without_csp_violations(stack, browser, screenshots_dir):
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}")
    page = browser.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text) if m.type == "error" else None)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in ("", "scenarios"):
            open_page(page, f"{stack.url}/{path}")
            assert_no_error(page)
            page.screenshot(path=str(screenshots_dir / f"proxy-{path or 'overview'}-{width}.png"))
    violations = [m for m in messages if "Content Security Policy" in m]
    assert not violations, violations[:5]
    # the shell's address script ran under the CSP: Streamlit never took /scenarios for the app's base path
    assert any("/_stcore/health" in url for url in asked)
    assert not [url for url in asked if "/scenarios/_stcore/" in url], "the address script did not run"
