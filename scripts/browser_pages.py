"""The dashboard in a browser: its page list, and waits that end on Streamlit's own events (a finished script run,
every chart drawn) rather than on pauses. Shared by the end-to-end tests, the accessibility audit and the browser
benchmark."""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

from govdata import settings

RUN_TIMEOUT_MS = 90_000  # one page run (first runs fill caches and may start kaleido: be generous)
APP_IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
DRAWN = '[data-testid="stMain"] [data-testid="stElementContainer"]'  # the script has drawn something


def dashboard_pages() -> list[tuple[str, str, str]]:
    """(url path, title, file relative to the project) of every page in dashboard.py's PAGES; the first is the
    default page, served at '/'. Page files live in app_pages/."""
    root = settings.PROJECT_ROOT
    tree = ast.parse((root / "dashboard.py").read_text())
    folder = "app_pages"
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PAGES" for t in node.targets):
            entries = ast.literal_eval(node.value)
            pages = []
            for i, (file, title, *_) in enumerate(entries):
                path = file if "/" in file else f"{folder}/{file}"
                pages.append(("" if i == 0 else Path(file).stem, title, path))
            return pages
    raise AssertionError("dashboard.py has no PAGES list to take the page list from")


# Installed in every test's browser context (tests/e2e/conftest.py) before any page script: counts the script runs
# Streamlit finishes in this document (stApp's run state going from "running" to "notRunning") and notes when that
# state last changed, so a wait can end on the run it is waiting for instead of pausing to see that nothing follows.
RUN_SPY = """(() => {
  if (window.__e2eRuns !== undefined) return;
  window.__e2eRuns = 0;
  window.__e2eChanged = performance.now();
  let last = null;
  const step = value => {
    if (value === last) return;
    if (last === 'running' && value === 'notRunning') window.__e2eRuns += 1;
    last = value;
    window.__e2eChanged = performance.now();
  };
  new MutationObserver(records => {
    for (const r of records) step(r.oldValue);
    const app = document.querySelector('[data-testid="stApp"]');
    if (app) step(app.getAttribute('data-test-script-state'));
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
})()"""
# Idle: connected, not running, no 'Running...' widget, something drawn, the awaited run finished and the run state
# unchanged for `settle` ms since (a fresh load waits SETTLE_MS: a rerun the page itself asks for, e.g. after writing
# its address, starts well within that). Should React ever fold a very short run into one render (no "running" state
# in the DOM to count), an app left in that state for QUIET_MS counts as idle too: the old fixed pause, now a fallback.
QUIET_MS = 1500
SETTLE_MS = 300
IDLE_JS = """([target, settleMs, quietMs, appIdle, drawn]) => {
  if (!document.querySelector(appIdle) || !document.querySelector(drawn)) return false;
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  if (status && status.textContent.includes('Running')) return false;
  const still = performance.now() - window.__e2eChanged;
  return (window.__e2eRuns >= target && still >= settleMs) || still > quietMs;
}"""


def finished_runs(page) -> int | None:
    """Script runs finished in the page's current document (None: the page has no RUN_SPY)."""
    return page.evaluate("window.__e2eRuns === undefined ? null : window.__e2eRuns")


def wait_idle(page, after: int | None = None) -> None:
    """Wait until Streamlit has finished running the script: connected, not running, no 'Running...' widget,
    something drawn in the main area, and a run finished in this document: after a fresh load its first run, and
    nothing started for SETTLE_MS since; with `after` (the count of finished_runs() taken before an action) a run
    finished since.

    Pages without RUN_SPY (a script's own browser) fall back to checking that the idle state holds over two
    500 ms pauses (a fresh server reports "not running" once before its first run starts)."""
    if finished_runs(page) is None:
        _wait_idle_by_pauses(page)
        return
    target, settle = (1, SETTLE_MS) if after is None else (after + 1, 0)
    page.wait_for_function(IDLE_JS, arg=[target, settle, QUIET_MS, APP_IDLE, DRAWN], timeout=RUN_TIMEOUT_MS, polling=50)


def _wait_idle_by_pauses(page, settle_ms: int = 500) -> None:
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    stable = 0
    while stable < 2:
        page.wait_for_selector(APP_IDLE, state="attached", timeout=RUN_TIMEOUT_MS)
        page.wait_for_selector(DRAWN, state="attached", timeout=RUN_TIMEOUT_MS)
        page.wait_for_timeout(settle_ms)
        running = page.locator('[data-testid="stStatusWidget"]').filter(has_text=re.compile("Running"))
        stable = stable + 1 if page.locator(APP_IDLE).count() == 1 and running.count() == 0 else 0
        if time.monotonic() > deadline:
            raise AssertionError(f"the page at {page.url} was still running after {RUN_TIMEOUT_MS / 1000:.0f} s")


def open_page(page, url: str) -> None:
    """A full page load of `url`, ready as a visitor sees it: the script run finished and every chart drawn."""
    page.goto(url, wait_until="domcontentloaded")
    wait_idle(page)
    wait_charts_drawn(page)


# The chart component is loaded lazily: a chart's container (ui.panel's `st-key-figure-<key>`) is drawn when the run
# ends, its plot when plotly's bundle has arrived and drawn the SVG, which can be seconds later on a first visit.
CHARTS_DRAWN_JS = """() => [...document.querySelectorAll('[class*="st-key-figure-"]')]
  .every(panel => panel.querySelector('[data-testid="stPlotlyChart"] .main-svg'))"""


def wait_charts_drawn(page) -> None:
    """Wait until every chart the script drew has its plot on screen (call after wait_idle)."""
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=RUN_TIMEOUT_MS, polling=50)
