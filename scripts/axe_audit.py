#!/usr/bin/env python3
"""Accessibility audit with axe-core (from the npm registry: package.json / package-lock.json, `npm ci`) in
Debian's Chromium: every page of a running dashboard at 1440 and 390 px, and every further view of Sectors, Surveys
and Scenarios at 390 px.

    .venv/bin/python scripts/axe_audit.py http://127.0.0.1:8501    # table of violations by impact per page
    .venv/bin/python scripts/axe_audit.py URL --json out.json --screens DIR   # also raw results, 390 px screenshots

tests/e2e/test_accessibility.py runs the same audit and fails on any serious or critical violation.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from deploy.server import CHROMIUM, CHROMIUM_ARGS
from scripts.browser_pages import RUN_SPY, dashboard_pages, open_page

ROOT = Path(__file__).resolve().parent.parent

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = 390
WIDTHS = (1440, PHONE)
IMPACTS = ("critical", "serious", "moderate", "minor")
BLOCKING = ("critical", "serious")
# Every rule axe runs by default (WCAG 2.0-2.2 A/AA and best practices) except experimental ones.
RUN_AXE_JS = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return {version: axe.version, violations: r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, tags: v.tags,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: (n.failureSummary || '').slice(0, 300),
                              html: n.html.slice(0, 200)}))}))};
}"""


def axe_source() -> str:
    """axe-core's script, installed by `npm ci` (python3 run.py test does it); a clear error when it is missing."""
    if not AXE_JS.exists():
        raise FileNotFoundError(
            f"{AXE_JS} is missing: run `npm ci` in {ROOT} (python3 run.py test does it; it needs Node.js and npm)"
        )
    return AXE_JS.read_text(encoding="utf-8")


def audited_views() -> list[tuple[str, str, tuple[int, ...]]]:
    """(url path, query, widths) of every page the navigation lists, at every width in WIDTHS; and each further view
    of a page that shows one at a time (Sectors, Surveys, Scenarios) at the phone's width, where layout faults show
    (colour, names and roles do not change with the width, and tests/e2e/test_chart_text.py measures those views'
    charts at 390, 768 and 1440 px)."""
    from govdata import views

    found = []
    for path, _title, _file in dashboard_pages():
        names = views.view_names(path) if (path or views.DEFAULT_PAGE) in views.PAGES else []
        queries = [f"view={name}" for name in names] or [""]
        found += [(path, queries[0], WIDTHS)] + [(path, query, (PHONE,)) for query in queries[1:]]
    return found


def run_axe(page) -> dict:
    """Inject axe into the page (once) and run it; returns {version, violations}."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(RUN_AXE_JS)


# Layout settled: web fonts loaded and two animation frames since the charts drew (plotly fits a chart to its box).
SETTLED_JS = """async () => { await document.fonts.ready;
  for (let i = 0; i < 2; i++) await new Promise(r => requestAnimationFrame(r)); }"""


def audit(page, base: str, path: str, query: str, width: int) -> dict:
    page.set_viewport_size({"width": width, "height": 900})
    open_page(page, f"{base}/{path}" + (f"?{query}" if query else ""))
    page.evaluate(SETTLED_JS)
    return run_axe(page)


def blocking(result: dict) -> list[dict]:
    """The violations of an audit result that fail the tests: serious or critical."""
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def by_impact(violations: list[dict]) -> Counter:
    """Violations (rules) per impact level; the nodes each rule failed on are counted in `describe`."""
    return Counter(v["impact"] or "minor" for v in violations)


def describe(violations: list[dict], impacts=IMPACTS) -> str:
    lines = []
    for v in violations:
        if v["impact"] in impacts:
            lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element(s))")
            for node in v["nodes"][:4]:
                lines.append(f"      {node['target']}: {node['summary'].splitlines()[-1] if node['summary'] else ''}")
    return "\n".join(lines)


def table(results: dict[tuple[str, str, int], dict]) -> str:
    lines = ["| page | width | critical | serious | moderate | minor | rules |", "|---|---|---|---|---|---|---|"]
    for (path, query, width), result in results.items():
        counts = by_impact(result["violations"])
        rules = ", ".join(sorted(v["id"] for v in result["violations"])) or "–"
        name = "/" + path + (f"?{query}" if query else "")
        lines.append(f"| {name} | {width} | " + " | ".join(str(counts.get(i, 0)) for i in IMPACTS) + f" | {rules} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="base address of a running dashboard, e.g. http://127.0.0.1:8501")
    parser.add_argument("--json", type=Path, help="write every violation here")
    parser.add_argument("--screens", type=Path, help="save a 390 px screenshot of each page here")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context()
        context.add_init_script(RUN_SPY)  # waits end on finished runs, not pauses
        page = context.new_page()
        shot = set()
        for path, query, widths in audited_views():
            for width in widths:
                results[(path, query, width)] = audit(page, args.url.rstrip("/"), path, query, width)
                if args.screens and width == PHONE and path not in shot:  # each page's first view
                    shot.add(path)
                    args.screens.mkdir(parents=True, exist_ok=True)
                    page.set_viewport_size({"width": 390, "height": 1600})
                    page.wait_for_timeout(500)
                    page.screenshot(path=str(args.screens / f"{path or 'overview'}-390.png"))
                print(
                    f"/{path}?{query} {width}px: {dict(by_impact(results[(path, query, width)]['violations']))}",
                    file=sys.stderr,
                    flush=True,
                )
        browser.close()
    version = next(iter(results.values()))["version"] if results else "?"
    print(f"axe-core {version}, Chromium ({CHROMIUM}); rules violated per impact level\n")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps({f"/{p}?{q} {w}": r for (p, q, w), r in results.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
