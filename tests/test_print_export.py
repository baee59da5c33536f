"""Print-ready charts: every chart of every page laid out and rendered at the named print sizes.

At 16 cm ("report") and on a 16:9 slide every text is at least 9 pt and titles at least 12 pt, PNGs are 300 dpi with
the dpi stored in the file (pHYs), SVGs carry <title> and <desc> (the alt text), long charts are cut into parts that
fit the page without losing a row or panel, and no text is clipped or overlaps another (measured in Chromium).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from chart_catalogue import every_chart
from PIL import Image
from support import fail_or_skip

from govdata import export, printing

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def charts(sample_warehouse):
    return every_chart(sample_warehouse, stress=False)


@pytest.fixture(scope="module")
def stressed(sample_warehouse):
    return every_chart(sample_warehouse, stress=True)


@pytest.fixture(scope="module")
def chromium():
    if not export.images_available():
        message = "no Chromium (set CHROMIUM_PATH or install chromium): charts cannot be rendered for print"
        fail_or_skip(message)


# ------------------------------------------------------------------------------- layouts (no rendering)


def test_print_sizes():
    report, slide = printing.PRINT_SIZES["report"], printing.PRINT_SIZES["slide"]
    assert export.PRINT_SIZES is printing.PRINT_SIZES and export.DEFAULT_SIZE == "report"
    assert report.image_width_px == 1890 and report.dpi == 300  # 16 cm at 300 dpi
    assert abs(slide.width_cm / slide.max_height_cm - 16 / 9) < 1e-9 and slide.fixed_height
    for size in (report, slide):
        # the layout width is rounded down, so a text drawn at px(n pt) prints at n pt or a hair more, never less
        assert size.points(size.px(9)) >= 9 and size.points(size.px(12)) >= 12
        assert size.body_pt >= 9 and size.title_pt >= 12
    with pytest.raises(ValueError):
        printing.print_size("poster")


@pytest.mark.parametrize("size", list(printing.PRINT_SIZES))
def test_every_layout_fits_its_page_with_nothing_lost(stressed, size):
    """Every chart (the stress variants too: all 23 sectors, all survey topics) fits the page in one or more
    parts; parts cut a long chart at row or panel edges and together show every row and panel."""
    spec_size = printing.PRINT_SIZES[size]
    for page, spec in stressed:
        parts = printing.layout(spec, size)
        where = f"{page}/{spec.key} at {size}"
        assert parts and all(p.count == len(parts) for p in parts), where
        for part in parts:
            assert part.width == spec_size.width_px, where
            if spec_size.fixed_height:
                assert part.height == spec_size.max_height_px, where
            else:
                assert part.height <= spec_size.max_height_px or len(parts) == 1, where
            assert part.plot_height >= printing.MIN_PLOT_PX or part.plot_height >= 100, where
            sizes = [line.size_px for line in part.lines]
            assert min(spec_size.points(s) for s in sizes) >= 9, where
            title_lines = [line for line in part.lines if line.bold and spec.title.startswith(line.text[:20])]
            assert title_lines and all(spec_size.points(line.size_px) >= 12 for line in title_lines), where
            assert all(line.x + 1e-6 >= printing.PAD_PX for line in part.lines), where
        meta = dict(spec.figure.layout.meta or {})
        if len(parts) > 1 and "rows" in meta:
            axis = meta["rows"]["axis"]
            ranges = sorted(tuple(p.figure["layout"][axis]["range"]) for p in parts)
            assert ranges[0][0] == 0, where  # the bottom row is in a part
            assert all(a[1] >= b[0] for a, b in zip(ranges, ranges[1:])), where  # no gap between parts
        if len(parts) > 1 and "panels" in meta:
            shown = [sum(1 for t in p.figure["data"] if t.get("visible", True) is not False) for p in parts]
            assert sum(shown) == len(spec.figure.data), where  # each panel in exactly one part


def test_long_charts_are_cut_and_short_ones_are_not(stressed):
    by_key = {}
    for _, spec in stressed:
        by_key.setdefault(spec.key, spec)
    assert len(printing.layout(by_key["incidents-by-quarter"], "report")) == 1
    assert len(printing.layout(by_key["surveys-results"], "report")) > 1  # ~60 survey rows
    assert len(printing.layout(by_key["surveys-timeline"], "report")) == 1  # three panels shrink, stay together


def _font_sizes(node, in_font=False):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "size" and in_font and isinstance(value, (int, float)):
                yield value
            else:
                yield from _font_sizes(value, "font" in key)
    elif isinstance(node, list):
        for item in node:
            yield from _font_sizes(item, in_font)


def test_print_fonts_never_shrink_the_plots_text(charts):
    for _, spec in charts:
        for size in printing.PRINT_SIZES.values():
            part = printing.layout(spec, size)[0]
            found = list(_font_sizes(part.figure))
            assert found and min(found) >= size.px(size.body_pt) - 1e-9, spec.key


# ------------------------------------------------------------------------------- rendered images


def _svg_sizes_pt(svg: bytes, size: printing.PrintSize) -> list[float]:
    root = ET.fromstring(svg)
    view_width = float(root.get("viewBox").split()[2])
    found = [float(v) for v in re.findall(rb"font-size:\s*([\d.]+)px", svg)]
    found += [float(v) for v in re.findall(rb'font-size="([\d.]+)px"', svg)]
    return [v * size.width_cm / printing.CM_PER_INCH * printing.PT_PER_INCH / view_width for v in found]


@pytest.mark.usefixtures("chromium")
def test_every_chart_renders_at_print_size(charts):
    """SVG of every part at 16 cm and the first slide of every chart: smallest text >= 9 pt, title >= 12 pt,
    <title> and <desc>; PNG of every chart at 16 cm: 1890 px wide, 300 dpi stored in pHYs."""
    report, slide = printing.PRINT_SIZES["report"], printing.PRINT_SIZES["slide"]
    smallest = {}
    for page, spec in charts:
        where = f"{page}/{spec.key}"
        images = export.to_images(spec, "svg", size="report")
        first_slide = export.to_images(spec, "svg", size="slide", max_parts=1)[0]
        for svg, size in [(s, report) for s in images] + [(first_slide, slide)]:
            root = ET.fromstring(svg)
            assert root.get("width") == f"{size.width_cm:.2f}cm", where
            title, desc = root.find(f"{SVG_NS}title"), root.find(f"{SVG_NS}desc")
            assert title is not None and title.text.startswith(spec.title), where
            assert desc is not None and desc.text == printing.description(spec), where
            sizes = _svg_sizes_pt(svg, size)
            assert min(sizes) >= 9 - 1e-6, f"{where}: smallest text {min(sizes):.2f} pt at {size.name}"
            heading = [
                t
                for t in root.iter(f"{SVG_NS}text")
                if t.get("font-weight") == "bold" and spec.title.startswith((t.text or "")[:20])
            ]
            assert heading, where
            for t in heading:
                px = float(t.get("font-size").removesuffix("px"))
                assert px * size.width_cm / printing.CM_PER_INCH * printing.PT_PER_INCH / size.width_px >= 12
            smallest[(spec.key, size.name)] = min(sizes)
        png = export.to_images(spec, "png", size="report")[0]
        image = Image.open(io.BytesIO(png))
        assert image.width == report.image_width_px, where
        assert tuple(round(d) for d in image.info["dpi"]) == (300, 300), where  # written as a pHYs chunk
        assert b"pHYs" in png[:200] or b"pHYs" in png, where
        assert image.info.get("Title") == spec.title, where
    print(
        "\nsmallest text (pt) per chart and size:",
        ", ".join(f"{k[0]}@{k[1]} {v:.1f}" for k, v in sorted(smallest.items())),
    )


@pytest.mark.usefixtures("chromium")
def test_printed_text_is_inside_the_image_and_never_overlaps(charts, playwright_page):
    """Each report-size SVG opened in Chromium: every text's box lies inside the image and no two overlap."""
    for page, spec in charts:
        for i, svg in enumerate(export.to_images(spec, "svg", size="report")):
            problems = playwright_page(svg)
            assert not problems, f"{page}/{spec.key} part {i + 1}: {problems[:5]}"


@pytest.mark.usefixtures("chromium")
def test_image_download_zips_the_parts_of_a_long_chart(stressed):
    spec = next(s for _, s in stressed if s.key == "surveys-results")
    data, name, mime = export.image_download(spec, "png")
    assert mime == "application/zip" and name.endswith("-parts.zip")
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
    assert len(names) == len(printing.layout(spec, "report")) and names[0].endswith("-part1.png")
    short = next(s for _, s in stressed if s.key == "incidents-by-quarter")
    data, name, mime = export.image_download(short, "svg", size="slide")
    assert mime == "image/svg+xml" and name.endswith("-slide.svg") and data.startswith(b"<svg")


@pytest.fixture(scope="module")
def playwright_page(chromium, playwright_driver):  # noqa: ARG001 - chromium: fail (CI) or skip loudly first
    """A function: SVG bytes -> list of problems (text outside the image, overlapping texts), measured in Chromium
    (on the process's one Playwright: a second sync_playwright() in the same process fails)."""
    browser = playwright_driver.chromium.launch(
        executable_path=export.chromium_path(), args=["--headless", "--no-sandbox", "--disable-gpu"]
    )
    page = browser.new_page(viewport={"width": 800, "height": 1000})

    def check(svg: bytes) -> list:
        page.set_content("<html><body style='margin:0'>" + svg.decode("utf-8") + "</body></html>")
        return page.evaluate(TEXT_BOXES_JS)

    yield check
    browser.close()


# every visible <text> of the outer <svg>: inside it, and no two boxes overlapping by more than 1 px both ways
TEXT_BOXES_JS = """() => {
  const root = document.querySelector('body > svg');
  const frame = root.getBoundingClientRect();
  const boxes = [...root.querySelectorAll('text')].filter(t => t.textContent.trim()
      && getComputedStyle(t).display !== 'none' && getComputedStyle(t).visibility !== 'hidden'
      && t.getBoundingClientRect().width > 0)
    .map(t => { const r = t.getBoundingClientRect();
                return {text: t.textContent.slice(0, 50), x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; });
  const problems = [];
  for (const b of boxes) {
    if (b.x0 < frame.left - 1 || b.x1 > frame.right + 1 || b.y0 < frame.top - 1 || b.y1 > frame.bottom + 1)
      problems.push(['outside the image', b.text]);
  }
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 1 && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 1)
      problems.push(['overlap', a.text, b.text]);
  }
  return problems;
}"""


def test_part_count_agrees_with_the_layout(stressed):
    for _, spec in stressed:
        for size in printing.PRINT_SIZES:
            assert printing.part_count(spec, size) == len(printing.layout(spec, size)), (spec.key, size)
