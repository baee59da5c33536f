"""`python3 run.py dashboard` as a person runs it: the server listens on 127.0.0.1 only, and stopping run.py
(SIGTERM to its pid, or Ctrl-C in its terminal) stops the Streamlit server it started: nothing is left running."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import under_ci

import run
from govdata import settings

START_TIMEOUT_S = 120
LOOPBACK_V4 = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it
LOOPBACK_V6 = "00000000000000000000000001000000"  # ::1


@pytest.fixture(scope="module")
def installed() -> None:
    """run.py dashboard installs first when .venv is not what pyproject.toml describes: never do that in a test."""
    if run.install_needed():
        message = (
            f"{run.VENV} was not installed by run.py from this pyproject.toml (stamp {run.STAMP}): run "
            "`python3 run.py test`, which installs it, to test run.py dashboard"
        )
        if under_ci():
            pytest.fail(message)
        pytest.skip("LOUD SKIP: " + message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*/children"):
            try:
                kids = {int(k) for k in task.read_text().split()}
            except FileNotFoundError:
                continue
            todo.extend(kids - found)
            found |= kids
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has stopped; only its parent's wait is missing


def _listeners(port: int) -> list[str]:
    """Local addresses of the sockets listening on `port` (hex, as in /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.append(address)
    return found


def _wait_healthy(proc: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"run.py dashboard exited early with {proc.returncode}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"run.py dashboard did not answer /_stcore/health on port {port} within {START_TIMEOUT_S} s")


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(lambda proc: os.kill(proc.pid, signal.SIGTERM), id="kill-run.py-pid"),
        # A terminal's Ctrl-C sends SIGINT to the whole foreground process group: run.py and its child alike.
        pytest.param(lambda proc: os.killpg(proc.pid, signal.SIGINT), id="ctrl-c"),
    ],
)
@pytest.mark.usefixtures("installed")
def test_stopping_run_py_stops_the_server(tiny_warehouse, stop):
    port = _free_port()
    env = dict(os.environ, DASHBOARD_WAREHOUSE=str(tiny_warehouse))
    env.pop("STREAMLIT_SERVER_ADDRESS", None)
    proc = subprocess.Popen(
        [sys.executable, str(run.ROOT / "run.py"), "dashboard", "--server.port", str(port)],
        cwd=settings.PROJECT_ROOT,
        env=env,
        start_new_session=True,  # its own process group, as a shell gives a foreground job
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    started = set()
    try:
        _wait_healthy(proc, port)
        started = _descendants(proc.pid)
        assert started, "run.py dashboard started no child process"
        # Local runs listen on loopback only.
        listening = _listeners(port)
        assert listening and set(listening) <= {LOOPBACK_V4, LOOPBACK_V6}, listening

        stop(proc)
        output, _ = proc.communicate(timeout=60)
        assert not [pid for pid in started if _alive(pid)], f"left running after run.py stopped: {output[-2000:]}"
        assert not _listeners(port), f"port {port} still listening after run.py stopped"
        assert "Traceback" not in output, output[-2000:]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for pid in started:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
