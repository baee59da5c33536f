"""One Streamlit server on 127.0.0.1: start it, wait until it is healthy, measure it, stop it.

The one home for a server's life cycle (and for the flags of the headless Chromium that visits it), used by the
hosted stack (deploy.stack), the load test (scripts/loadtest.py), the start-up and browser benchmarks (bench/), the
axe audit and the end-to-end tests (tests/e2e).
Each server runs in its own session (so stopping it stops its children) with its output in a log file, and reads
secrets only from the file it is given: never a developer's own .streamlit/secrets.toml by accident.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "dashboard.py"
SERVE = ROOT / "serve.py"  # the hosted entry point (st.App + HTTP guard), as deployed behind the proxy
HEALTH_TIMEOUT_S = 90.0
POLL_S = 0.25
# The headless Chromium that visits a server (end-to-end tests, benchmarks, the axe audit): Debian's, unless
# $CHROMIUM_PATH names another, started with one set of flags so all of them measure the same browser.
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class ServerError(RuntimeError):
    """A server exited or stayed unhealthy; the message ends with the tail of its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 2.0) -> bool:
    """`url`/_stcore/health answers 200 "ok" (Streamlit's own readiness check; nginx passes it through)."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


def _tail(log: Path | None) -> str:
    return log.read_text(errors="replace")[-4000:] if log is not None and log.exists() else ""


def wait_healthy(
    url: str,
    proc: subprocess.Popen | None,
    *,
    what: str = "the server",
    log: Path | None = None,
    timeout_s: float = HEALTH_TIMEOUT_S,
    poll_s: float = POLL_S,
) -> None:
    """Poll until `url` is healthy; ServerError (with the log's tail) when `proc` exits first or time runs out."""
    deadline = time.monotonic() + timeout_s
    while not healthy(url):
        if proc is not None and proc.poll() is not None:
            raise ServerError(f"{what} exited with code {proc.returncode} before it was healthy:\n{_tail(log)}")
        if time.monotonic() > deadline:
            raise ServerError(f"{what} was not healthy within {timeout_s:.0f} s:\n{_tail(log)}")
        time.sleep(poll_s)


def command(script: Path, port: int, *args: str) -> list[str]:
    """`python -m streamlit run SCRIPT` on 127.0.0.1:port, headless, no file watcher, no usage statistics."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
        "--server.runOnSave=false",
        *args,
    ]


def start(
    script: Path,
    port: int,
    warehouse: Path,
    log_path: Path,
    *,
    secrets: Path | None = None,
    env: dict | None = None,
    args: tuple[str, ...] = (),
) -> subprocess.Popen:
    """Start `script` serving `warehouse` on 127.0.0.1:port, its output in `log_path`; returns at once (see
    wait_healthy). Secrets come only from `secrets` (default: a file that does not exist, i.e. none)."""
    full_env = dict(
        os.environ, DASHBOARD_WAREHOUSE=str(warehouse), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", **(env or {})
    )
    if not any(a.startswith("--secrets.files") for a in args):
        args = (*args, f"--secrets.files={secrets or log_path.with_suffix('.no-secrets.toml')}")
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            command(script, port, *args),
            cwd=ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout_s: float = 20.0) -> None:
    """Send `sig` (SIGTERM: Streamlit shuts down cleanly) and wait; SIGKILL if it does not exit in time."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout_s)


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        kids.extend(int(k) for k in task.read_text().split())
    return kids


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (its children, their children, ...), from Linux /proc; [] once it has gone."""
    found, todo = [], [pid]
    while todo:
        try:
            kids = [k for k in _children(todo.pop()) if k not in found]
        except FileNotFoundError:  # exited while being read
            continue
        found.extend(kids)
        todo.extend(kids)
    return found


def rss_kb(pid: int) -> int:
    """Resident memory of process `pid` and its descendants in KiB (Linux /proc; a launcher shim counts its child)."""
    total = 0
    for current in [pid, *descendants(pid)]:
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    if total == 0:
        raise RuntimeError(f"no process {pid} (or no VmRSS) to measure")
    return total
