"""Back, Forward and browser titles in Chromium against the real server (issue 11, items 2 and 3).

Loading a page adds no history entry of its own; each change a visitor makes adds exactly one; Back restores the
previous view (widgets, address and charts) and Forward redoes it. Every page and view has its own browser title.
A spy on history.pushState counts the entries the app itself adds (Playwright's new tab starts with one entry for
about:blank, so history.length alone would mislead).
"""

from __future__ import annotations

import re

import pytest
from conftest import assert_clean_log
from e2e_helpers import RUN_TIMEOUT_MS, change_selectbox, finished_runs, open_page, wait_idle

from govdata import settings, views

pytestmark = pytest.mark.e2e
SITE = "UK data-governance statistics"
PUSH_SPY = """(() => {
  const push = history.pushState.bind(history);
  window.__pushes = 0;
  history.pushState = (state, title, url) => { window.__pushes += 1; return push(state, title, url); };
})()"""


def pushes(page) -> int:
    return page.evaluate("window.__pushes")


# A chart's title is page text above its plot (ui.panel): the bold line in the chart's container, as
# test_chart_text finds chart text (the figure itself holds the plot only).
FIRST_TITLE = '[class*="st-key-figure-"] [data-testid="stMarkdownContainer"] strong'


def first_chart_title(page) -> str:
    return page.locator(FIRST_TITLE).first.text_content()


def settle_on(page, query: str, chart_title: str, runs: int) -> None:
    """Wait until the address shows `query`, the first chart's title is `chart_title` (the rerun has drawn) and
    the run that started after `runs` finished runs has finished."""
    page.wait_for_function("q => location.search === q", arg=query, timeout=RUN_TIMEOUT_MS)
    page.wait_for_function(
        "([sel, t]) => { const e = document.querySelector(sel); return e && e.textContent === t; }",
        arg=[FIRST_TITLE, chart_title],
        timeout=RUN_TIMEOUT_MS,
    )
    wait_idle(page, after=runs)


def radio_choice(page, label: str) -> str:
    group = page.locator('[data-testid="stRadio"]').filter(has_text=label).first
    return (
        group.locator('[data-testid="stRadioOption"][data-selected="true"]').inner_text().strip()
        if group.locator('[data-testid="stRadioOption"][data-selected="true"]').count()
        else group.locator("label:has(input:checked)").inner_text().strip()
    )


def test_back_and_forward_restore_each_view(server, browser):
    log_start = server.log_size()
    page = browser.new_page()
    page.add_init_script(PUSH_SPY)
    open_page(page, server.page_url("trends"))
    assert pushes(page) == 0, "loading the page added history entries"
    start_length = page.evaluate("history.length")
    views_seen = [("", first_chart_title(page), radio_choice(page, "Period"))]

    # change 1: the period (a radio, by click); change 2: the breakdown (a select box, by keyboard)
    runs = finished_runs(page)
    page.locator('[data-testid="stRadio"]').filter(has_text="Period").first.get_by_text("Year", exact=True).click()
    page.wait_for_function("() => location.search.includes('period=year')", timeout=RUN_TIMEOUT_MS)
    wait_idle(page, after=runs)
    assert pushes(page) == 1 and page.evaluate("history.length") == start_length + 1
    views_seen.append((page.evaluate("location.search"), first_chart_title(page), radio_choice(page, "Period")))
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Break down by").first
    runs = finished_runs(page)
    assert change_selectbox(page, box)
    page.wait_for_function("q => location.search !== q", arg=views_seen[-1][0], timeout=RUN_TIMEOUT_MS)
    wait_idle(page, after=runs)
    assert pushes(page) == 2 and page.evaluate("history.length") == start_length + 2
    views_seen.append((page.evaluate("location.search"), first_chart_title(page), radio_choice(page, "Period")))
    assert len({title for _, title, _ in views_seen}) == 3, views_seen  # three different charts

    for query, title, period in reversed(views_seen[:-1]):  # Back, Back
        runs = finished_runs(page)
        page.go_back()
        settle_on(page, query, title, runs)
        assert radio_choice(page, "Period") == period
    for query, title, period in views_seen[1:]:  # Forward, Forward
        runs = finished_runs(page)
        page.go_forward()
        settle_on(page, query, title, runs)
        assert radio_choice(page, "Period") == period
    assert page.evaluate("history.length") == start_length + 2  # history steps add nothing
    assert pushes(page) == 2
    page.close()
    assert_clean_log(server, log_start)


@pytest.mark.parametrize(
    "page_name, group, choice",
    [("sectors", "View", "cyber"), ("surveys", "View", "trust"), ("scenarios", "Show", "avoided")],
)
def test_view_choice_is_in_the_address_and_undone_by_back(server, browser, page_name, group, choice):
    """On each page that shows one view at a time, choosing a view adds one history entry and puts it in the address
    (and the browser title where the title names the view); Back restores the first view, its chart and title."""
    labels = views.load(page_name).VIEWS
    first_label, label = next(iter(labels.values())), labels[choice]
    page = browser.new_page()
    page.add_init_script(PUSH_SPY)
    open_page(page, server.page_url(page_name))
    first_title, first_browser_title = first_chart_title(page), page.title()
    runs = finished_runs(page)
    page.locator('[data-testid="stRadio"]').filter(has_text=group).first.get_by_text(label, exact=True).click()
    page.wait_for_function("v => location.search.includes('view=' + v)", arg=choice, timeout=RUN_TIMEOUT_MS)
    wait_idle(page, after=runs)
    assert pushes(page) == 1 and first_chart_title(page) != first_title
    if first_label in first_browser_title:
        assert label in page.title(), page.title()
    runs = finished_runs(page)
    page.go_back()
    settle_on(page, "", first_title, runs)
    assert radio_choice(page, group) == first_label and page.title() == first_browser_title
    page.close()


@pytest.mark.parametrize(
    "url_path, query, title",
    [
        ("", "", "Overview"),
        ("trends", "sector=Local+government", "Trends: Local government"),
        ("trends", "breakdown=incident_category", "Trends: All sectors by incident category"),
        ("sectors", "view=decisions&period=2023", "Sectors: Decisions, 2023"),
        ("surveys", "", "Surveys: Council surveys"),
        ("surveys", "view=timeline&topic=Training", "Surveys: Linked view, Training"),
        ("scenarios", "sector=Health", "Scenarios: Health"),
        ("sources", "", "Sources and methods"),
    ],
)
def test_each_page_and_view_has_its_own_browser_title(server, tab, url_path, query, title):
    page = tab
    open_page(page, server.page_url(url_path, query))
    page.wait_for_function("t => document.title === t", arg=f"{title} · {SITE}", timeout=RUN_TIMEOUT_MS)


def test_titles_cover_every_page():
    """Every page in the navigation has a view module naming its browser title."""
    from e2e_helpers import dashboard_pages

    for url_path, nav_title, file in dashboard_pages():
        if (url_path or views.DEFAULT_PAGE) not in views.PAGES:  # no data view: the accessibility statement
            assert f'page_title=f"{nav_title} statement' in (settings.PROJECT_ROOT / file).read_text(), file
            continue
        view = views.load(url_path)
        assert view.NAV_TITLE == nav_title and re.search(rf"{view.PAGE}\.py$", file)
