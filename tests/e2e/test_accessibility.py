"""WCAG 2.2 AA in Chromium against the real server (issue 11, item 7).

- axe-core (pinned in package-lock.json, installed by `npm ci` via `python3 run.py test`) on every page at 1440 and
  390 px and every further Sectors, Surveys and Scenarios view at 390 px (and Sources comparing two releases): no
  serious or critical violation (every violation found is printed), no page scrolls sideways, and no static table
  is cut off or breaks a number;
- headings in order on every page: one h1, no skipped level; the accessibility statement linked from each;
- keyboard focus: Tab through a page; every stop shows a visible focus indicator (pixels around the control change
  when it gains focus), sidebar links, radios, check boxes and select boxes among them; charts add no stops;
- the accessibility statement is reached from a phone and states what the tests here actually do.
"""

from __future__ import annotations

import io
import sys

import pytest
from conftest import ROOT, assert_clean_log, build_warehouse, running_server, under_ci
from e2e_helpers import assert_no_error, dashboard_pages, open_page

from govdata import accessibility
from scripts import axe_audit

pytestmark = pytest.mark.e2e
VIEWS = axe_audit.audited_views()
PAGES = [path for path, _title, _file in dashboard_pages()]
# Static tables read at every width: none wider than its box (cut off), no number broken over lines ("0.3" / "0").
TABLES_JS = r"""() => {
  const found = [];
  for (const box of document.querySelectorAll('[data-testid="stTable"]')) {
    const table = box.querySelector('table');
    if (!table || !box.getClientRects().length) continue;
    const over = table.getBoundingClientRect().right - Math.min(box.getBoundingClientRect().right, innerWidth);
    if (over > 1) found.push(`a static table is cut off by ${Math.round(over)} px`);
    for (const cell of box.querySelectorAll('td p')) {
      const text = cell.textContent.trim();
      if (!/^[-+\u2212]?[\d.,]+%?$/.test(text)) continue;
      const range = document.createRange();
      range.selectNodeContents(cell);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
      if (lines > 1) found.push(`the number "${text}" is broken over ${lines} lines`);
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def axe_ready():
    try:
        axe_audit.axe_source()
    except FileNotFoundError as exc:
        message = f"axe-core is not installed: {exc}"
        if under_ci():
            pytest.fail(message)
        pytest.skip("LOUD SKIP: " + message)


@pytest.mark.parametrize("path, query, widths", VIEWS, ids=[f"{p or 'overview'}?{q}" for p, q, _ in VIEWS])
@pytest.mark.usefixtures("axe_ready")
def test_axe_finds_no_serious_or_critical_violation(path, query, widths, server, tab):
    log_start = server.log_size()
    page = tab
    failures = []
    for width in widths:
        result = axe_audit.audit(page, server.url, path, query, width)
        assert_no_error(page, f"/{path}?{query} at {width} px")
        # WCAG 1.4.10 reflow: nothing makes the page scroll sideways, at a phone's width too
        sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if sideways > 1:
            failures.append(f"{width} px: the page scrolls sideways by {sideways} px")
        failures += [f"{width} px: {problem}" for problem in page.evaluate(TABLES_JS)]
        blocking = axe_audit.blocking(result)
        print(
            f"/{path}?{query} at {width} px, axe-core {result['version']}: "
            f"{dict(axe_audit.by_impact(result['violations'])) or 'no violations'}"
        )
        print(axe_audit.describe(result["violations"]))
        if blocking:
            failures.append(f"{width} px:\n{axe_audit.describe(blocking)}")
    assert not failures, f"/{path}?{query}: serious or critical accessibility violations\n" + "\n".join(failures)
    assert_clean_log(server, log_start)


@pytest.fixture(scope="module")
def two_releases_server(tmp_path_factory):
    """A warehouse holding two successive (sample) releases, so Sources shows what changed between them."""
    import subprocess

    root = tmp_path_factory.mktemp("two-releases")
    warehouse = root / "warehouse.duckdb"
    for name, extra in (("first.csv", ("--to", "2024Q3")), ("second.csv", ("--revise", "2023Q2=+4"))):
        subprocess.run(
            [sys.executable, "-m", "etl", "sample", "--rows", "6000", "--out", str(root / name), *extra],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=300,
        )
        build_warehouse(warehouse, "--ico", str(root / name))
    with running_server(warehouse, root) as srv:
        yield srv
    assert_clean_log(srv)


@pytest.mark.usefixtures("axe_ready")
def test_axe_on_sources_with_a_release_comparison(two_releases_server, tab):
    """Sources' second state: the comparison of two releases (chart, tables of revised and added quarters)."""
    page = tab
    failures = []
    for width in axe_audit.WIDTHS:
        result = axe_audit.audit(page, two_releases_server.url, "sources", "", width)
        assert "What changed between ICO releases" in page.locator('[data-testid="stMain"]').inner_text()
        assert page.locator('[data-testid="stPlotlyChart"]').count() >= 1, "no release comparison chart shown"
        blocking = axe_audit.blocking(result)
        print(f"/sources (two releases) at {width} px: {dict(axe_audit.by_impact(result['violations']))}")
        if blocking:
            failures.append(f"{width} px:\n{axe_audit.describe(blocking)}")
    assert not failures, "/sources with two releases: serious or critical violations\n" + "\n".join(failures)


# ---------------------------------------------------------------------------------------------------- headings

HEADINGS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] :is(h1,h2,h3,h4,h5,h6)')]
  .filter(h => h.getClientRects().length && h.textContent.trim())
  .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 80)])"""


def heading_problems(headings: list[tuple[int, str]]) -> list[str]:
    """One h1 first, then no level deeper than one below the heading before it."""
    found = []
    if not headings or headings[0][0] != 1:
        found.append(f"the first heading is not an h1: {headings[:1]}")
    if sum(1 for level, _ in headings if level == 1) > 1:
        found.append("more than one h1")
    for (before, _), (level, text) in zip(headings, headings[1:]):
        if level > before + 1:
            found.append(f"h{before} is followed by h{level} ({text!r}): a level is skipped")
    return found


def test_heading_checker():
    assert heading_problems([(1, "a"), (2, "b"), (3, "c"), (2, "d"), (2, "e")]) == []
    assert heading_problems([(1, "a"), (3, "b")])
    assert heading_problems([(2, "a")])
    assert heading_problems([(1, "a"), (1, "b")])


@pytest.mark.parametrize("path", PAGES, ids=[p or "overview" for p in PAGES])
def test_headings_are_in_order_and_the_statement_is_linked(path, server, tab):
    page = tab
    open_page(page, server.page_url(path))
    headings = [tuple(h) for h in page.evaluate(HEADINGS_JS)]
    assert not heading_problems(headings), f"/{path}: {heading_problems(headings)}\nheadings: {headings}"
    # the accessibility statement is linked from every page, in the navigation and the footer
    nav = page.locator('[data-testid="stSidebarNav"] a[href$="/accessibility"]')
    footer = page.locator('.st-key-site-footer a[href$="accessibility"]')
    footer.first.wait_for(state="attached")
    assert nav.count() == 1 and footer.count() == 1, f"/{path}: no link to the accessibility statement"


# ---------------------------------------------------------------------------------------------------- focus

MAX_STOPS = 150
# The focused element, or for a visually hidden one (a radio's or check box's input) the label or box showing it.
ACTIVE_JS = """() => {
  let el = document.activeElement;
  if (!el || el === document.body) return null;
  const described = el.getAttribute('aria-label')
    || (el.labels && el.labels[0] ? el.labels[0].textContent.trim().slice(0, 40) : '')
    || el.textContent.trim().slice(0, 40) || el.tagName;
  const inChart = !!el.closest('[data-testid="stPlotlyChart"]');
  let shown = el;
  while (shown && shown.getBoundingClientRect().width < 6 && shown.parentElement) shown = shown.parentElement;
  const r = shown.getBoundingClientRect();
  const kind = el.closest('[data-testid="stSidebarNav"]') ? 'sidebar link'
    : el.type === 'radio' ? 'radio' : el.type === 'checkbox' ? 'checkbox'
    : el.getAttribute('role') === 'combobox' ? 'select' : el.tagName.toLowerCase();
  return {kind, described, inChart, x: r.left, y: r.top, w: r.width, h: r.height,
          vw: window.innerWidth, vh: window.innerHeight};
}"""
PAD = 10  # px around the control: where an outline or ring is drawn


def _clip(stop: dict) -> dict:
    x0, y0 = max(stop["x"] - PAD, 0), max(stop["y"] - PAD, 0)
    x1 = min(stop["x"] + stop["w"] + PAD, stop["vw"])
    y1 = min(stop["y"] + stop["h"] + PAD, stop["vh"])
    return {"x": x0, "y": y0, "width": max(x1 - x0, 1), "height": max(y1 - y0, 1)}


def _changed_pixels(before: bytes, after: bytes) -> int:
    from PIL import Image, ImageChops

    a, b = Image.open(io.BytesIO(before)).convert("RGB"), Image.open(io.BytesIO(after)).convert("RGB")
    if a.size != b.size:
        return a.size[0] * a.size[1]
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 40 else 0)
    return diff.histogram()[255]


def tab_stops(page) -> list[dict]:
    """Tab from the top of the page to its end; for each stop, how many pixels its focus indicator changed."""
    page.locator("body").focus()
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    stops = []
    for _ in range(MAX_STOPS):
        page.keyboard.press("Tab")
        page.wait_for_timeout(60)
        stop = page.evaluate(ACTIVE_JS)
        if stop is None or (
            stops and stop["described"] == stops[0]["described"] and len(stops) > 5 and stop["kind"] == stops[0]["kind"]
        ):
            break
        clip = _clip(stop)
        focused = page.screenshot(clip=clip)
        page.evaluate("() => document.activeElement.blur()")  # Tab goes on from here (Chromium)
        page.wait_for_timeout(60)
        stop["changed"] = _changed_pixels(focused, page.screenshot(clip=clip))
        stop["needed"] = int(stop["w"] + stop["h"])  # a 1 px line along half the outline, at least
        stops.append(stop)
    return stops


@pytest.mark.parametrize("path, query", [("", ""), ("sectors", "view=volume")], ids=["overview", "sectors"])
def test_every_control_shows_visible_focus_and_charts_add_no_stops(path, query, server, tab):
    page = tab
    page.set_viewport_size({"width": 1440, "height": 900})
    open_page(page, server.page_url(path, query))
    in_charts = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stPlotlyChart"] :is(a[href], button, input, [tabindex])')]
        .filter(e => e.tabIndex >= 0 && e.getClientRects().length).length""")
    stops = tab_stops(page)
    for s in stops:
        print(f"{s['kind']:>12} {s['described'][:40]!r:44} changed {s['changed']:>5} of {s['needed']:>4} needed")
    assert in_charts == 0, f"/{path}: the charts hold {in_charts} keyboard stops (the plotly toolbar?)"
    assert not [s for s in stops if s["inChart"]], "a Tab stop inside a chart"
    kinds = {s["kind"] for s in stops}
    expected = {"sidebar link", "select", "button", "summary"} | ({"radio", "checkbox"} if path == "sectors" else set())
    assert expected <= kinds, f"/{path}: Tab never reached {expected - kinds}; it reached {sorted(kinds)}"
    faint = [
        f"{s['kind']} {s['described']!r}: {s['changed']} px changed, {s['needed']} needed"
        for s in stops
        if s["changed"] < s["needed"]
    ]
    assert not faint, f"/{path}: controls without a visible focus indicator:\n" + "\n".join(faint)


# ---------------------------------------------------------------------------------------------------- statement


def test_statement_is_reached_on_a_phone_and_states_the_tests(server, tab):
    """From a phone (the sidebar closed) through the footer link; the statement says what the tests here do."""
    page = tab
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, server.page_url())
    page.locator('.st-key-site-footer a[href$="accessibility"]').click()  # the sidebar is closed on a phone
    page.wait_for_url("**/accessibility")
    open_page(page, page.url)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert page.locator("h1").inner_text().startswith("Accessibility statement")
    for heading in (
        "Feedback and reporting accessibility problems",
        "Non-accessible content",
        "Preparation of this accessibility statement",
        "Enforcement procedure",
    ):
        assert heading in text
    assert f"axe-core {accessibility.axe_version()}" in text and accessibility.axe_version().startswith("4.")
    assert tuple(axe_audit.WIDTHS) == accessibility.WIDTHS_PX
    assert "1440 px and 390 px" in text
