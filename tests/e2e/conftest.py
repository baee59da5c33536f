"""End-to-end fixtures: the REAL server (`python3 -m streamlit run dashboard.py` on 127.0.0.1) reading a warehouse
built by the real ETL, and Debian's Chromium driven by Playwright.

No mocks: each server is a separate process on a free loopback port, waited on via /_stcore/health and stopped at
teardown; its log is kept so tests can assert that no traceback was written. Chromium runs headless, launched once
per test process; each test gets a fresh browser context (its own cookies, storage and cache, as a new profile) that
counts Streamlit's finished script runs (e2e_helpers.RUN_SPY), so waits end on an event rather than a pause. Missing
Chromium fails under CI and is a LOUD SKIP elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from e2e_helpers import RUN_SPY, RUN_TIMEOUT_MS, run_async

from deploy import server as lifecycle
from deploy.server import CHROMIUM, CHROMIUM_ARGS, DASHBOARD, free_port
from govdata import settings

ROOT = settings.PROJECT_ROOT
VIEWPORT = {"width": 1400, "height": 1000}

pytestmark = pytest.mark.e2e


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _fail_or_skip(message: str):
    if under_ci():
        pytest.fail(message)
    pytest.skip("LOUD SKIP: " + message)


# ---------------------------------------------------------------- warehouses (real ETL)


def build_warehouse(path: Path, *extra: str) -> subprocess.CompletedProcess:
    """`python3 -m etl build --warehouse PATH [extra]` exactly as an operator runs it; raises with its output."""
    result = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--warehouse", str(path), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise AssertionError(f"etl build failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def e2e_warehouse(sample_warehouse, tmp_path_factory) -> Path:
    """A private copy of the sample warehouse (built by the real ETL) that e2e tests may serve."""
    path = tmp_path_factory.mktemp("e2e") / "warehouse.duckdb"
    shutil.copy2(sample_warehouse, path)
    return path


# ---------------------------------------------------------------- the server


@dataclass
class Server:
    """A running `streamlit run dashboard.py` process bound to 127.0.0.1."""

    url: str
    warehouse: Path
    proc: subprocess.Popen
    log_path: Path
    extra_env: dict = field(default_factory=dict)

    def log(self, since: int = 0) -> str:
        """The server's output from byte `since` on (take `len(server.log())` before an action to see its output)."""
        return self.log_path.read_bytes()[since:].decode(errors="replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def page_url(self, url_path: str = "", query: str = "") -> str:
        return f"{self.url}/{url_path}" + (f"?{query}" if query else "")

    def rss_kb(self) -> int:
        return lifecycle.rss_kb(self.proc.pid)

    def healthy(self) -> bool:
        return lifecycle.healthy(self.url)


@contextlib.contextmanager
def running_server(
    warehouse: Path | None,
    log_dir: Path,
    *,
    env: dict | None = None,
    args: tuple[str, ...] = (),
    script: Path = DASHBOARD,
    port: int | None = None,
):
    """Start the real dashboard on a free loopback port, wait for /_stcore/health, stop it afterwards.

    `script=SERVE` starts it the hosted way (serve.py); `port` fixes the port (e.g. for a sign-in redirect URI).
    """
    if not script.exists():
        pytest.fail(f"{script} does not exist: there is no app to test")
    port = port or free_port()
    log_path = Path(log_dir) / f"server-{port}.log"
    proc = lifecycle.start(
        script, port, warehouse, log_path, secrets=Path(log_dir) / "no-secrets.toml", env=env, args=args
    )
    server = Server(f"http://127.0.0.1:{port}", Path(warehouse), proc, log_path, env or {})
    try:
        try:
            lifecycle.wait_healthy(server.url, proc, log=log_path)
        except lifecycle.ServerError as exc:
            pytest.fail(str(exc))
        yield server
    finally:
        lifecycle.stop(proc)


def warm_up(srv: Server, url_path: str = "") -> None:
    """One visit to a page over Streamlit's websocket protocol (runs the script once, fills caches)."""
    from scripts.loadtest import Session

    async def visit():
        async with Session(srv.url) as session:
            return await session.run(url_path, "")

    result = run_async(visit)
    assert result.ok, f"warm-up run of /{url_path} failed: {result.exceptions} {result.status}"


@pytest.fixture(scope="session")
def server(e2e_warehouse, tmp_path_factory):
    """The dashboard serving the sample warehouse, shared by the page tests. Its first visit is to the home page
    (how a fresh server behaves when the first visit is a deep link is tested on its own server)."""
    with running_server(e2e_warehouse, tmp_path_factory.mktemp("server-log")) as srv:
        warm_up(srv)
        yield srv
    assert_clean_log(srv)


def assert_clean_log(srv: Server, since: int = 0) -> None:
    """The server wrote no traceback (neither Streamlit's "Uncaught app execution" nor a page error logged by
    ui.layout.guarded) since byte `since` of its log."""
    log = srv.log(since)
    assert "Traceback" not in log and "Uncaught app execution" not in log, log[-6000:]


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def chromium_driver(playwright_driver):
    """The process's one Playwright (tests/conftest.py), once Debian's Chromium is known to be there."""
    if not CHROMIUM.exists():
        _fail_or_skip(
            f"Chromium not found at {CHROMIUM} (install Debian's chromium, or set CHROMIUM_PATH): "
            "the browser end-to-end tests cannot run"
        )
    return playwright_driver


@dataclass
class Browser:
    """A fresh browser context (a new profile's cookies, storage and cache) in the process's Chromium; `dialogs`
    records every alert/confirm/prompt (none may ever fire)."""

    context: object
    dialogs: list = field(default_factory=list)

    def new_page(self):
        page = self.context.new_page()
        page.set_default_timeout(RUN_TIMEOUT_MS)

        def on_dialog(dialog):
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return page


@pytest.fixture(scope="session")
def chromium(chromium_driver):
    """Debian's Chromium, launched once per test process (a launch costs about a second of CPU); tests share it
    only through separate contexts."""
    launched = chromium_driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def browser(chromium):
    context = chromium.new_context(viewport=VIEWPORT)
    context.add_init_script(RUN_SPY)
    try:
        yield Browser(context)
    finally:
        context.close()


@pytest.fixture(scope="module")
def _module_tab(chromium):
    context = chromium.new_context(viewport=VIEWPORT)
    context.add_init_script(RUN_SPY)
    page = context.new_page()
    page.set_default_timeout(RUN_TIMEOUT_MS)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def tab(_module_tab):
    """One tab shared by a module's tests that only open pages and look at them (they set no cookie, type nothing
    and leave nothing behind but the last address): each visit is a full page load, and reusing the tab spares
    Chromium a new renderer and the app's scripts a cold compile on every test. Reset to the default viewport."""
    _module_tab.set_viewport_size(VIEWPORT)
    return _module_tab


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    """Where page screenshots go: $E2E_SCREENSHOTS, else a temporary folder (printed in the test output)."""
    path = Path(os.environ.get("E2E_SCREENSHOTS") or tempfile.mkdtemp(prefix="e2e-screenshots-"))
    path.mkdir(parents=True, exist_ok=True)
    print(f"\n[e2e] screenshots in {path}")
    return path
