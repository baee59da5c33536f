"""Chart text on every page at phone, tablet and desktop widths (390, 768, 1440 px), in the real app in Chromium.

For every chart (ui.panel's container `st-key-figure-<key>`): its title, subtitle, notes and source line (page text
around the plot) and every text the plot draws (axis titles, tick labels, legend, annotations, value labels) must
lie inside the chart's box and the window (nothing clipped), and no two of them may overlap. Page-level sideways
scrolling, tables and accessibility are tested elsewhere (the access tests); this test is about chart text only.
"""

from __future__ import annotations

import re

import pytest
from conftest import assert_clean_log
from e2e_helpers import assert_no_error, open_page

from govdata import views

pytestmark = pytest.mark.e2e
WIDTHS = (390, 768, 1440)
# every page's default view, the 22-way breakdown, every Sectors view, every Surveys view with all organisation
# types (the longest legend; the first is Surveys' default view) and every Scenarios part with a chart
VIEWS = [
    ("", ""),
    ("trends", ""),
    ("trends", "breakdown=incident_type&rolling=1&legacy=incident_type"),
    ("scenarios", ""),
    ("sources", ""),
]
VIEWS += [("sectors", f"view={name}") for name in views.view_names("sectors")]
VIEWS += [("surveys", f"view={name}&org=all") for name in views.view_names("surveys")]
VIEWS += [("scenarios", f"view={name}") for name in ("avoided", "tornado", "compare")]

# Boxes of every visible text of each chart container: page text (title, captions) and the plot's SVG text.
MEASURE_JS = """() => {
  const visible = el => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && parseFloat(s.opacity || '1') > 0 && r.width > 0
           && r.height > 0; };
  const box = (el, kind) => { const r = el.getBoundingClientRect();
    return {kind, text: (el.textContent || '').trim().slice(0, 60), x0: r.left, y0: r.top, x1: r.right, y1: r.bottom,
            overflow: el.scrollWidth > el.clientWidth + 1}; };
  return [...document.querySelectorAll('[class*="st-key-figure-"]')].map(panel => {
    const frame = panel.getBoundingClientRect();
    const key = [...panel.classList].find(c => c.startsWith('st-key-figure-'));
    const page = [...panel.querySelectorAll('[data-testid="stMarkdownContainer"] p')]
        .filter(el => el.textContent.trim() && visible(el)).map(el => box(el, 'page'));
    const plots = [...panel.querySelectorAll('.js-plotly-plot')];
    const svg = plots.flatMap(plot => [...plot.querySelectorAll('svg text')]
        .filter(el => el.textContent.trim() && visible(el)).map(el => box(el, 'plot')));
    return {key, frame: {x0: frame.left, x1: frame.right, y0: frame.top, y1: frame.bottom},
            plot: plots.map(p => { const r = p.getBoundingClientRect(); return {x0: r.left, x1: r.right}; }),
            texts: page.concat(svg), window: window.innerWidth};
  });
}"""


# The measurement once the web fonts have loaded and it has stayed the same over SETTLE_FRAMES animation frames
# (plotly may still be fitting a chart to its container just after drawing it).
SETTLE_FRAMES = 5
STABLE_JS = f"""async () => {{
  const measure = {MEASURE_JS};
  await document.fonts.ready;
  const frame = () => new Promise(resolve => requestAnimationFrame(resolve));
  let last = JSON.stringify(measure()), same = 0;
  for (let i = 0; i < 2000 && same < {SETTLE_FRAMES}; i++) {{
    await frame();
    const now = JSON.stringify(measure());
    same = now === last ? same + 1 : 0;
    last = now;
  }}
  return JSON.parse(last);
}}"""


def problems(panels: list[dict]) -> list[str]:
    """Clipped or overlapping chart text, described for a person."""
    found = []
    for panel in panels:
        frame, texts = panel["frame"], panel["texts"]
        right = min(frame["x1"], panel["window"])
        if not panel["plot"]:
            found.append(f"{panel['key']}: no plot drawn")
        for t in texts:
            if t["x0"] < frame["x0"] - 1 or t["x1"] > right + 1:
                found.append(f"{panel['key']}: {t['kind']} text clipped at the side: {t['text']!r}")
            if t["kind"] == "page" and t["overflow"]:
                found.append(f"{panel['key']}: page text overflows its box: {t['text']!r}")
        for i, a in enumerate(texts):
            for b in texts[i + 1 :]:
                dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                dy = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
                if dx > 1 and dy > 1:
                    found.append(f"{panel['key']}: {a['text']!r} overlaps {b['text']!r}")
    return found


def test_problems_finds_clipping_and_overlap():
    """The checker itself: it must flag a clipped label and two overlapping ones, and pass clean text."""

    def text(x0, x1, y0=0, y1=10, kind="plot"):
        return {"kind": kind, "text": f"{x0}", "x0": x0, "x1": x1, "y0": y0, "y1": y1, "overflow": False}

    frame = {"x0": 0, "x1": 100, "y0": 0, "y1": 100}
    clean = [
        {
            "key": "k",
            "frame": frame,
            "plot": [{}],
            "window": 390,
            "texts": [text(0, 40), text(50, 90), text(0, 40, 20, 30)],
        }
    ]
    assert problems(clean) == []
    clipped = [{**clean[0], "texts": [text(80, 130)]}]
    assert any("clipped" in p for p in problems(clipped))
    overlapping = [{**clean[0], "texts": [text(0, 40), text(30, 60, 5, 15)]}]
    assert any("overlaps" in p for p in problems(overlapping))


@pytest.mark.parametrize("path, query", VIEWS, ids=[f"{p or 'overview'}?{q}" for p, q in VIEWS])
def test_chart_text_is_never_clipped_or_overlapping(path, query, server, tab, screenshots_dir):
    log_start = server.log_size()
    page = tab
    found, charts = [], 0
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        open_page(page, server.page_url(path, query))
        assert_no_error(page, f"/{path}?{query} at {width} px")
        panels = page.evaluate(STABLE_JS)
        charts += len(panels)
        found += [f"{width} px: {p}" for p in problems(panels)]
        if found and screenshots_dir:
            name = re.sub(r"[^a-z0-9]+", "-", f"{path or 'overview'}-{query}-{width}".lower())
            page.screenshot(path=str(screenshots_dir / f"chart-text-{name}.png"), full_page=True)
    if path != "sources":
        assert charts, f"/{path}?{query}: no chart found to measure"
    assert not found, "\n".join(found[:30])
    assert_clean_log(server, log_start)
