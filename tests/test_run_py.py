"""`python3 run.py dashboard` as a person runs it: it serves through serve.py (Streamlit's bundles gzip-compressed),
the server listens on 127.0.0.1 only, and stopping run.py (SIGTERM to its pid, or Ctrl-C in its terminal) stops the
Streamlit server it started: nothing is left running."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from support import fail_or_skip

import run
from deploy import server
from govdata import settings

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
        fail_or_skip(message)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has stopped; only its parent's wait is missing


def _main_bundle_encoding(url: str) -> str | None:
    """Content-Encoding of the page shell's main JavaScript bundle, fetched as a browser does (gzip accepted)."""
    with urllib.request.urlopen(url + "/", timeout=30) as response:
        shell = response.read().decode()
    bundle = re.search(r'src="\.?/?(static/js/index\.[^"]+\.js)"', shell)
    assert bundle, f"no main bundle in the page shell: {shell[:500]!r}"
    request = urllib.request.Request(f"{url}/{bundle[1]}", headers={"Accept-Encoding": "gzip, deflate, br"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers.get("Content-Encoding")


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


@pytest.mark.parametrize(
    "stop, exit_code",
    [
        pytest.param(lambda proc: os.kill(proc.pid, signal.SIGTERM), 128 + signal.SIGTERM, id="kill-run.py-pid"),
        # A terminal's Ctrl-C sends SIGINT to the whole foreground process group: run.py and its child alike.
        pytest.param(lambda proc: os.killpg(proc.pid, signal.SIGINT), 128 + signal.SIGINT, id="ctrl-c"),
    ],
)
@pytest.mark.usefixtures("installed")
def test_stopping_run_py_stops_the_server(tiny_warehouse, stop, exit_code):
    port = server.free_port()
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
    started: list[int] = []
    try:
        server.wait_healthy(f"http://127.0.0.1:{port}", proc, what="run.py dashboard")
        started = server.descendants(proc.pid)
        assert started, "run.py dashboard started no child process"
        # serve.py, the hosted entry point, not bare dashboard.py: Streamlit's bundles go out compressed.
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") for pid in started if _alive(pid)]
        assert any(str(run.ROOT / "serve.py").encode() in c for c in commands), commands
        assert _main_bundle_encoding(f"http://127.0.0.1:{port}") == "gzip"
        # Local runs listen on loopback only.
        listening = _listeners(port)
        assert listening and set(listening) <= {LOOPBACK_V4, LOOPBACK_V6}, listening

        stop(proc)
        output, _ = proc.communicate(timeout=60)
        assert not [pid for pid in started if _alive(pid)], f"left running after run.py stopped: {output[-2000:]}"
        assert not _listeners(port), f"port {port} still listening after run.py stopped"
        assert "Traceback" not in output, output[-2000:]
        assert proc.returncode == exit_code, f"run.py exited {proc.returncode}, not {exit_code} (128 + the signal)"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for pid in started:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
