"""Every page of the real dashboard in a real browser: it opens without error, each kind of filter on it can be
changed (by keyboard for select boxes and sliders), the address follows the filters, and a copied address reopens
the same view. Screenshots go to $E2E_SCREENSHOTS (default: a temporary folder) for people to look at.
"""

from __future__ import annotations

import re

import pytest
from conftest import assert_clean_log, under_ci
from e2e_helpers import (
    PANEL_DOWNLOAD,
    app_text,
    assert_no_error,
    change_filter,
    dashboard_pages,
    filters_on,
    open_chart_downloads,
    open_page,
    query_string,
)

from govdata import export, settings
from scripts import axe_audit

pytestmark = pytest.mark.e2e
PAGES = dashboard_pages()


def _shot_name(url_path: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", url_path or "home")


@pytest.fixture
def page_file(request):
    url_path, title, file = request.param
    if not (settings.PROJECT_ROOT / file).exists():
        message = f"page {title!r} ({file}) is listed in dashboard.py but the file does not exist yet"
        if under_ci():
            pytest.fail(message)
        pytest.skip("LOUD SKIP: " + message)
    return request.param


@pytest.mark.parametrize("page_file", PAGES, ids=[p[1] for p in PAGES], indirect=True)
def test_page_opens_and_filters_change_the_address(page_file, server, browser, screenshots_dir):
    url_path, title, _ = page_file
    log_start = server.log_size()
    page = browser.new_page()
    open_page(page, server.page_url(url_path))
    assert_no_error(page, title)
    assert page.locator("h1").count() >= 1, f"{title}: no page title"
    assert title in page.locator('[data-testid="stSidebarNav"]').inner_text(), f"{title} missing from navigation"
    page.screenshot(path=str(screenshots_dir / f"{_shot_name(url_path)}.png"), full_page=True)

    changed = []
    seen_kinds = set()
    for kind, widget in filters_on(page):
        if kind in seen_kinds:  # one filter of each kind per page keeps the run bounded
            continue
        before = query_string(page)
        done = change_filter(page, kind, widget)
        if done is None:
            continue
        seen_kinds.add(kind)
        after = query_string(page)
        assert after != before, f"{title}: {done} did not change the address"
        assert_no_error(page, f"{title} after {done}")
        changed.append((done, after))
    if filters_on(page):
        assert changed, f"{title}: has filters but none could be changed"
    page.screenshot(path=str(screenshots_dir / f"{_shot_name(url_path)}-filtered.png"), full_page=True)

    if changed:
        # The address is the view: opening it in a fresh tab restores the same filters (nothing ignored).
        shared = page.url
        fresh = browser.new_page()
        open_page(fresh, shared)
        assert_no_error(fresh, f"{title} reopened from {shared}")
        assert "Ignored URL parameter" not in app_text(fresh), f"{title}: the shared address was not fully honoured"
        assert query_string(fresh) == changed[-1][1], f"{title}: reopening {shared} gave another view"
        fresh.close()
    assert not browser.dialogs, browser.dialogs
    assert_clean_log(server, log_start)
    page.close()


def test_every_page_is_in_the_navigation(server, browser):
    page = browser.new_page()
    open_page(page, server.page_url())
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    present = [title for _, title, file in PAGES if (settings.PROJECT_ROOT / file).exists()]
    assert present, "dashboard.py lists no existing page"
    for title in present:
        assert title in nav, f"{title} is not in the sidebar navigation: {nav!r}"


def test_health_endpoint_and_no_directory_listing(server):
    """The health check a load balancer uses answers 'ok'; source files are not served."""
    import urllib.error
    import urllib.request

    with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=5) as response:
        assert response.status == 200 and response.read().strip() == b"ok"
    for path in (
        "/dashboard.py",
        "/.streamlit/secrets.toml",
        "/data/warehouse.duckdb",
        "/app/static/../dashboard.py",
        "/app/static/%2e%2e/dashboard.py",
    ):
        try:
            with urllib.request.urlopen(f"{server.url}{path}", timeout=5) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            assert exc.code in (400, 403, 404), (path, exc.code)
            continue
        # Streamlit answers unknown paths with its single-page app shell, never with the file itself.
        assert b"import streamlit" not in body and b"DuckDB" not in body[:64], path


def test_fresh_server_deep_link_runs_through_dashboard(e2e_warehouse, tmp_path, browser):
    """The first visit after a (re)start is a shared link to an inner page. Streamlit 1.67 runs a `pages/` folder
    beside the main script in its old multipage mode until some session has called st.navigation, so such a visit
    could run the page file alone — without dashboard.py's navigation, sidebar, error guard or members-only gate."""
    from conftest import running_server

    inner = next(((path, title) for path, title, file in PAGES[1:] if (settings.PROJECT_ROOT / file).exists()), None)
    assert inner, "no inner page exists yet"
    with running_server(e2e_warehouse, tmp_path) as srv:
        page = browser.new_page()
        open_page(page, srv.page_url(inner[0]))
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        # st.Page titles (capitalised) appear only when dashboard.py ran; legacy mode lists file names instead.
        assert all(title in nav.split() for _, title, _ in PAGES), (
            f"/{inner[0]} on a fresh server did not run through dashboard.py (navigation shows {nav!r}). "
            "Fix: rename the pages/ folder (e.g. to app_pages/) so Streamlit's legacy pages-folder mode never starts"
        )
        assert_no_error(page)


# Each headline card's label, and whether any part of it is cut (its text wider than its box: an "…" or clipping).
CARD_LABELS_JS = """() => [...document.querySelectorAll('[data-testid="stMetricLabel"]')].map(label => ({
  text: label.textContent.trim(),
  cut: [label, ...label.querySelectorAll('*')].some(el => el.scrollWidth > el.clientWidth + 1
                                                         || el.scrollHeight > el.clientHeight + 1)}))"""


@pytest.mark.parametrize("width", (1440, 390))
def test_card_labels_are_shown_whole(server, tab, width):
    """The headline cards of Overview and Scenarios show their whole label (it wraps) on a desktop and a phone."""
    tab.set_viewport_size({"width": width, "height": 900})
    for url_path in ("", "scenarios"):
        open_page(tab, server.page_url(url_path))
        labels = tab.evaluate(CARD_LABELS_JS)
        assert labels, f"/{url_path}: no headline cards found"
        cut = [label["text"] for label in labels if label["cut"]]
        assert not cut, f"/{url_path} at {width} px: card labels cut short: {cut}"


# Scenarios' result cards: where each card's box and the interval caption below it sit.
RESULT_CARDS_JS = """() => [...document.querySelectorAll('.st-key-result-cards [data-testid="stColumn"]')].map(col => {
  const card = col.querySelector('[data-testid="stMetric"]').getBoundingClientRect();
  const caption = col.querySelector('[data-testid="stCaptionContainer"]').getBoundingClientRect();
  return {top: card.top, bottom: card.bottom, caption: caption.top, left: card.left}; })"""


@pytest.mark.parametrize("width", (1440, 768))
def test_scenario_result_cards_line_up(server, tab, width):
    """Four to a row, the Scenarios result cards are one height and their interval captions share a line, also when
    one label wraps ("Reported within 72 hours, scenario" does at these widths)."""
    tab.set_viewport_size({"width": width, "height": 900})
    open_page(tab, server.page_url("scenarios"))
    cards = tab.evaluate(RESULT_CARDS_JS)
    assert len(cards) == 4 and len({round(c["top"]) for c in cards}) == 1, f"not four cards in one row: {cards}"
    for edge in ("bottom", "caption"):
        spread = max(c[edge] for c in cards) - min(c[edge] for c in cards)
        assert spread <= 1, f"at {width} px the cards' {edge}s differ by {spread:.0f} px: {cards}"


# Every download button of the open panel: its label and where it sits.
PANEL_BUTTONS_JS = f"""() => [...document.querySelectorAll('{PANEL_DOWNLOAD}')].map(el => {{
  const r = el.getBoundingClientRect();
  return {{text: el.textContent.trim(), left: r.left, right: r.right, vw: window.innerWidth}}; }})"""


@pytest.mark.parametrize("width", (1440, 390))
def test_chart_files_open_in_one_download_panel(server, tab, width):
    """Each chart has one "Download" button (keyboard operable); its panel lists the data files and, when the server
    can render images, the report images and slide, all on screen at a phone's width too; axe finds no serious or
    critical violation in it; a file downloads without a rerun; Escape closes it."""
    tab.set_viewport_size({"width": width, "height": 900})
    open_page(tab, server.page_url("trends"))
    assert not tab.evaluate(PANEL_BUTTONS_JS), "the chart's files are drawn before their panel is opened"
    open_chart_downloads(tab, by_keyboard=True)
    buttons = tab.evaluate(PANEL_BUTTONS_JS)
    expected = ["CSV", "XLSX"] + (["PNG", "SVG", "Slide"] if export.images_available() else [])
    missing = [name for name in expected if not any(b["text"].endswith(name) for b in buttons)]
    assert not missing, f"the panel lacks {missing}: {[b['text'] for b in buttons]}"
    off = [b["text"] for b in buttons if b["left"] < 0 or b["right"] > b["vw"] + 1]
    assert not off, f"at {width} px these download buttons are off screen: {off}"
    result = axe_audit.run_axe(tab)
    blocking = axe_audit.blocking(result)
    assert not blocking, f"the open download panel at {width} px:\n{axe_audit.describe(blocking)}"
    with tab.expect_download(timeout=60_000) as info:
        tab.locator(PANEL_DOWNLOAD).filter(has_text="CSV").click()
    assert info.value.suggested_filename.endswith(".csv")
    assert info.value.path().read_bytes().strip(), "the CSV is empty"
    tab.keyboard.press("Escape")
    tab.wait_for_function(f"() => !({PANEL_BUTTONS_JS})().length", timeout=10_000)
    assert_no_error(tab, f"/trends at {width} px after a download")
