"""Browser helpers for the end-to-end tests: wait for Streamlit to finish a run, check a page shows no error,
and change filters the way a visitor does (keyboard for select boxes and sliders, clicks for the rest)."""

from __future__ import annotations

from scripts.browser_pages import (  # noqa: F401 - the e2e tests' one import of the shared waits
    APP_IDLE,
    DRAWN,
    RUN_SPY,
    RUN_TIMEOUT_MS,
    dashboard_pages,
    finished_runs,
    open_page,
    wait_charts_drawn,
    wait_idle,
)

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
FILTER_WIDGETS = ("stSelectbox", "stMultiSelect", "stSlider", "stRadio")


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


# A chart's files sit in the panel of its "Download" button (ui.panel.show_figure). `:visible`: the page also holds
# a hidden, 0 px wide copy of a popover's button.
DOWNLOAD_OPENER = '[data-testid="stMain"] [data-testid="stPopoverButton"]:visible'
PANEL_DOWNLOAD = '[data-testid="stPopoverBody"] [data-testid="stDownloadButton"]'


def open_chart_downloads(page, *, by_keyboard: bool = False) -> None:
    """Open the first chart's download panel (a click, or focus and Enter) and wait for its buttons."""
    opener = page.locator(DOWNLOAD_OPENER).filter(has_text="Download").first
    opener.wait_for(timeout=RUN_TIMEOUT_MS)
    if by_keyboard:
        opener.focus()
        page.keyboard.press("Enter")
    else:
        opener.click()
    page.locator(PANEL_DOWNLOAD).first.wait_for(timeout=RUN_TIMEOUT_MS)
