"""Browser helpers for the end-to-end tests: wait for Streamlit to finish a run, check a page shows no error,
and change filters the way a visitor does (keyboard for select boxes and sliders, clicks for the rest)."""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

from govdata import settings

RUN_TIMEOUT_MS = 90_000  # one page run (first runs fill caches and may start kaleido: be generous)
# Signs of a leak or crash that must never reach a visitor's screen.
TRACEBACK_MARKERS = (
    "Traceback",
    'File "/',
    "site-packages",
    "duckdb.",
    "Binder Error",
    "Parser Error",
    "Catalog Error",
    "IO Error",
)
GUARDED_ERROR = "something went wrong"  # ui.layout.guarded's message for an error it caught (and logged)
APP_IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
DRAWN = '[data-testid="stMain"] [data-testid="stElementContainer"]'  # the script has drawn something
FILTER_WIDGETS = ("stSelectbox", "stMultiSelect", "stSlider", "stRadio")


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


# Installed in every test's browser context (conftest.browser) before any page script: counts the script runs
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
    page.goto(url, wait_until="domcontentloaded")
    wait_idle(page)


def app_text(page) -> str:
    return page.locator('[data-testid="stApp"]').inner_text()


def assert_no_error(page, where: str = "") -> None:
    """No exception block, no caught-error message, no traceback or database-error text anywhere in the app."""
    where = where or page.url
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{where}: exception block shown: {exceptions.first.inner_text()[:2000]}"
    text = app_text(page)
    assert GUARDED_ERROR not in text, f"{where}: the page reported an error:\n{text[:3000]}"
    for marker in TRACEBACK_MARKERS:
        assert marker not in text, f"{where}: page text contains {marker!r}:\n{text[:3000]}"


def query_string(page) -> str:
    return page.evaluate("window.location.search")


def _label(widget) -> str:
    label = widget.locator('[data-testid="stWidgetLabel"]')
    return label.first.inner_text().strip() if label.count() else "?"


def change_selectbox(page, box) -> str | None:
    """Keyboard only: focus the box, open it with ArrowDown, move to another option, Enter."""
    combo = box.locator('input[role="combobox"]')
    before = combo.input_value()
    combo.focus()
    page.keyboard.press("ArrowDown")
    listbox = page.locator('[role="listbox"]').last
    listbox.wait_for(state="visible")
    texts = [t.strip() for t in listbox.locator('[role="option"]').all_inner_texts()]
    if len([t for t in texts if t != before]) == 0:
        page.keyboard.press("Escape")
        return None
    focused = listbox.locator('[role="option"][data-focused="true"]')
    for _ in range(len(texts) + 1):  # opening focuses an option; move on until it is not the current one
        current = focused.first.inner_text().strip() if focused.count() else None
        if current is not None and current != before:
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    return f"selectbox {_label(box)!r}: {before!r} -> {current!r} by keyboard"


def change_multiselect(page, box) -> str | None:
    """Click: open the list and add the first real option (not 'Select all')."""
    box.locator('input[role="combobox"]').click()
    listbox = page.locator('[role="listbox"]').last
    listbox.wait_for(state="visible")
    options = listbox.locator('[role="option"]')
    for i in range(options.count()):
        text = options.nth(i).inner_text().strip()
        if text and text.lower() != "select all":
            options.nth(i).click()
            page.keyboard.press("Escape")
            return f"multiselect {_label(box)!r}: added {text!r}"
    page.keyboard.press("Escape")
    return None


def change_radio(page, box) -> str | None:  # noqa: ARG001 - one signature for CHANGERS
    options = box.locator('[data-testid="stRadioOption"]')
    for i in range(options.count()):
        option = options.nth(i)
        if option.get_attribute("data-selected") != "true":
            text = option.inner_text().strip()
            option.click()
            return f"radio {_label(box)!r}: chose {text!r}"
    return None


def change_slider(page, box) -> str | None:
    """Keyboard: focus the (first) thumb and press an arrow key, away from the end it sits at."""
    thumb = box.locator('input[type="range"]').first
    before = thumb.input_value()
    thumb.focus()
    key = "ArrowLeft" if before == thumb.get_attribute("max") else "ArrowRight"
    page.keyboard.press(key)
    return f"slider {_label(box)!r} from {before} with {key}"


CHANGERS = {
    "stSelectbox": change_selectbox,
    "stMultiSelect": change_multiselect,
    "stSlider": change_slider,
    "stRadio": change_radio,
}


def filters_on(page) -> list[tuple[str, object]]:
    """(kind, locator) of every enabled filter widget in the main area and sidebar, in a stable order."""
    found = []
    for kind in FILTER_WIDGETS:
        widgets = page.locator(f'[data-testid="{kind}"]')
        for i in range(widgets.count()):
            widget = widgets.nth(i)
            if widget.is_visible() and not widget.locator("[disabled], [aria-disabled='true']").count():
                found.append((kind, widget))
    return found


def change_filter(page, kind: str, widget) -> str | None:
    """Change one filter and wait for the run it triggers; returns what was done (None: nothing to change).
    Fails unless the address (query string) changed."""
    before, runs = query_string(page), finished_runs(page)
    done = CHANGERS[kind](page, widget)
    if done is None:
        return None
    page.wait_for_function("q => window.location.search !== q", arg=before, timeout=RUN_TIMEOUT_MS)
    wait_idle(page, after=runs)
    return done


def run_async(make_coroutine):
    """Run `make_coroutine()` to completion on a fresh event loop in its own thread (Playwright's sync API keeps
    an event loop running in the test thread, where asyncio.run is not allowed)."""
    import asyncio
    import threading

    outcome: dict = {}

    def target():
        try:
            outcome["value"] = asyncio.run(make_coroutine())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout=900)
    if thread.is_alive():
        raise AssertionError("an asynchronous check did not finish within 900 s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
