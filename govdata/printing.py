"""The print presentation of a chart: a FigureSpec laid out for a named print size, independently of the screen.

A chart for a report or a slide is the plot (spec.figure, rendered by kaleido at the print width) with its title,
subtitle, notes and source line (and the sample-data label) set as text above and below it, at sizes chosen for the
page: at the named size every text is at least 9 pt and titles at least 12 pt. The width is the print width in CSS
pixels (96 per inch), so a 12 px label prints at 9 pt; PNGs are drawn at 300 dpi and record it.

Charts too tall for the page are cut into parts at row or panel edges (labelled "part 1 of 3"); charts that cannot
be cut are drawn shorter. This module only computes layouts and composes images from rendered plots; rendering
itself (the single kaleido renderer) lives in govdata.export.
"""

from __future__ import annotations

import base64
import copy
import io
import math
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as xml_escape

import numpy as np

from govdata.charts import base, text
from govdata.figures import FigureSpec

CSS_PX_PER_INCH = 96
PT_PER_INCH = 72
CM_PER_INCH = 2.54
TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#505050"  # 8:1 on white
SAMPLE_COLOUR = "#A33A00"  # the sample-data label: dark orange, 6:1 on white
PAD_PX = 8  # left/right inset of the printed text (the plot's own margin is the same)
GAP_PX = 8  # between the heading, the plot and the footer
MIN_PLOT_PX = 220  # a chart that cannot be cut into parts is never drawn shorter than this
MIN_PANEL_PX = 64  # small multiples are drawn shorter, down to this, before being cut into parts


@dataclass(frozen=True)
class PrintSize:
    """A named print size: width (and for slides a fixed height) in cm, text sizes in points."""

    name: str
    label: str
    width_cm: float
    max_height_cm: float  # taller charts are cut into parts (or drawn shorter)
    fixed_height: bool  # slides: every image exactly max_height_cm tall
    body_pt: float  # plot text, legend, notes and source line
    title_pt: float
    subtitle_pt: float
    dpi: int = 300

    @property
    def width_px(self) -> int:
        """Layout width in CSS px, rounded down so text prints at (not below) its point size."""
        return math.floor(self.width_cm / CM_PER_INCH * CSS_PX_PER_INCH)

    @property
    def max_height_px(self) -> int:
        return math.floor(self.max_height_cm / CM_PER_INCH * CSS_PX_PER_INCH)

    @property
    def image_width_px(self) -> int:
        """Width of the PNG in pixels at `dpi` (16 cm at 300 dpi: 1890)."""
        return round(self.width_cm / CM_PER_INCH * self.dpi)

    @property
    def scale(self) -> float:
        return self.image_width_px / self.width_px

    def px(self, points: float) -> float:
        """CSS px for a text size in points at this size (a little over, never under, after rounding down)."""
        return points * CSS_PX_PER_INCH / PT_PER_INCH

    def points(self, css_px: float) -> float:
        """The printed size in points of `css_px` drawn in this layout (to a millionth of a point)."""
        return round(css_px * self.width_cm / CM_PER_INCH * PT_PER_INCH / self.width_px, 6)


PRINT_SIZES: dict[str, PrintSize] = {
    # a report column: 16 cm wide, as tall as the chart needs up to an A4 page's text height (24.7 cm with 2.5 cm
    # margins) less a caption line
    "report": PrintSize("report", "Report: 16 cm wide", 16.0, 24.0, False, body_pt=9, title_pt=12, subtitle_pt=10),
    # a 16:9 slide (PowerPoint's and Google Slides' 10 x 5.625 in), the chart filling it
    "slide": PrintSize(
        "slide", "Slide: 16:9, 25.4 x 14.3 cm", 25.4, 25.4 * 9 / 16, True, body_pt=10, title_pt=14, subtitle_pt=11
    ),
}
DEFAULT_SIZE = "report"


@dataclass
class TextLine:
    text: str
    x: float
    baseline: float
    size_px: float
    bold: bool = False
    colour: str = TEXT_COLOUR


@dataclass
class PrintPart:
    """One printed image: the plot to render (a plotly figure dict, width x plot_height CSS px at plot_top) and its
    text lines."""

    figure: dict
    width: int
    height: int
    plot_top: int
    plot_height: int
    lines: list[TextLine] = field(default_factory=list)
    index: int = 1
    count: int = 1


def print_size(size: str | PrintSize) -> PrintSize:
    if isinstance(size, PrintSize):
        return size
    if size not in PRINT_SIZES:
        raise ValueError(f"print size must be one of {', '.join(PRINT_SIZES)}, not {size!r}")
    return PRINT_SIZES[size]


def description(spec: FigureSpec) -> str:
    """The chart's alt text (title, subtitle and summary when the builder gave none), led by the sample label."""
    alt = spec.alt_text.strip() or " ".join(p.strip() for p in (spec.title, spec.subtitle, spec.summary) if p)
    label = spec.sample_label() if spec.is_sample else ""
    return f"{label} {alt}" if label and label not in alt else alt


# ----------------------------------------------------------------------------------------------- text blocks


def _block(paragraphs: list[tuple[str, float, bool, str]], width: float, top: float) -> tuple[list[TextLine], float]:
    """Wrap (text, size_px, bold, colour) paragraphs into lines from `top`; returns the lines and the new top."""
    lines = []
    for paragraph, size, bold, colour in paragraphs:
        for line in text.wrap(paragraph, width - 2 * PAD_PX, size, bold):
            # baseline one font size below the top of a line box of LINE_HEIGHT: the same in SVG and PNG
            lines.append(TextLine(line, PAD_PX, top + size * 1.05, size, bold, colour))
            top += size * text.LINE_HEIGHT
    return lines, top


def _heading(spec: FigureSpec, size: PrintSize, part: str) -> list[tuple[str, float, bool, str]]:
    body, title_px, sub_px = size.px(size.body_pt), size.px(size.title_pt), size.px(size.subtitle_pt)
    paragraphs = []
    if spec.is_sample:
        tag = (
            f"SAMPLE DATA in {spec.sample_part}: simulated incidents"
            if spec.sample_part
            else "SAMPLE DATA: simulated figures, not real incidents"
        )
        paragraphs.append((tag, body, True, SAMPLE_COLOUR))
    paragraphs.append((spec.title, title_px, True, TEXT_COLOUR))
    subtitle = spec.subtitle + (f" ({part})" if part else "")
    if subtitle.strip():
        paragraphs.append((subtitle, sub_px, False, MUTED_COLOUR))
    return paragraphs


MIN_PT = 9  # no printed text is smaller


def _footer(spec: FigureSpec, size: PrintSize) -> list[tuple[str, float, bool, str]]:
    """Notes and source line. On a slide whose text would leave the plot too little room they drop to the 9 pt
    minimum (a report page grows instead)."""
    body = size.px(size.body_pt)
    if size.fixed_height and body > size.px(MIN_PT):
        full = _text_height(_footer_at(spec, body), size.width_px)
        head = _text_height(_heading(spec, size, "part 9 of 9"), size.width_px)
        if size.max_height_px - head - full - 4 * GAP_PX < MIN_PLOT_PX:
            body = size.px(MIN_PT)
    return _footer_at(spec, body)


def _footer_at(spec: FigureSpec, body: float) -> list[tuple[str, float, bool, str]]:
    paragraphs = [(note, body, False, MUTED_COLOUR) for note in spec.notes]
    source = spec.source_text()
    label = spec.sample_label() if spec.is_sample else ""
    if label and source.startswith(label):
        paragraphs.append((label, body, True, SAMPLE_COLOUR))
        source = source[len(label) :].strip()
    paragraphs.append((source, body, False, MUTED_COLOUR))
    return paragraphs


def _text_height(paragraphs, width: int) -> float:
    return _block(paragraphs, width, 0)[1]


# ----------------------------------------------------------------------------------------------- the plot

_FONT_KEYS = ("font", "tickfont", "textfont", "insidetextfont", "outsidetextfont", "title_font")


def _raise_fonts(node, minimum: float, in_font: bool = False) -> None:
    """Every font size in a layout's JSON raised to at least `minimum` px (lists of sizes too)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "size" and in_font and value is not None:
                node[key] = (
                    [max(v, minimum) for v in _values(value)]
                    if isinstance(value, (list, dict))
                    else max(value, minimum)
                )
            else:
                _raise_fonts(value, minimum, key in _FONT_KEYS or key.endswith("font"))
    elif isinstance(node, list):
        for item in node:
            _raise_fonts(item, minimum, in_font)


def _legend_px(fig, width: int, font_px: float) -> int:
    """Height of the legend below the plot: entries packed into rows across the width."""
    names = []
    seen = set()
    for i, trace in enumerate(fig.data):
        group = trace.legendgroup or f"trace-{i}"
        if trace.showlegend is not False and trace.name and group not in seen and fig.layout.showlegend is not False:
            seen.add(group)
            names.append(trace.name)
    if len(names) < 2 and not fig.layout.showlegend:
        return 0
    rows, used = 1, 0.0
    for name in names:
        entry = 46 + max(text.width(line, font_px) for line in name.split("<br>"))
        if used and used + entry > width - 2 * PAD_PX:
            rows, used = rows + 1, 0.0
        used += entry
    return int(rows * (font_px * text.LINE_HEIGHT + 6) + 12)


def _plot_figure(spec: FigureSpec, size: PrintSize) -> tuple[dict, dict]:
    """The plot as a figure dict (a copy: the spec is shared by every session showing it) with print fonts (no
    text below the body size), and its layout metadata. Dicts, not go.Figure: copying a validated figure per
    printed part costs far more than rendering it."""
    body = size.px(size.body_pt)
    fig = copy.deepcopy(spec.figure.to_plotly_json())
    _raise_fonts(fig, body)
    layout = fig.setdefault("layout", {})
    layout["font"] = {**layout.get("font", {}), "size": max(body, layout.get("font", {}).get("size") or 0)}
    layout["width"] = size.width_px
    layout["legend"] = {**layout.get("legend", {}), "font": {"size": body}}
    return fig, copy.deepcopy(dict(layout.get("meta") or {}))


def _values(array) -> list:
    """A trace array as a list (plotly 7 writes numeric arrays as base64 typed arrays)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def _relabel_rows(fig: dict, meta: dict, size: PrintSize) -> None:
    """Re-wrap a labelled-rows chart's labels to the print width and font (fewer lines than on a phone, so
    shorter), moving every mark to its row's new place."""
    rows = meta["rows"]
    new = _print_rows(meta, size)
    if new is None:
        return
    moved = {old: y for old, y in zip(rows["mark_y"], new.mark_y) if old is not None}
    fig["layout"][rows["axis"]].update(
        tickvals=new.tickvals, ticktext=new.ticktext, range=[0, new.total + base.TOP_PAD_UNITS]
    )
    for trace in fig.get("data", []):
        if trace.get("y") is not None and (trace.get("yaxis") or "y") == "y" + rows["axis"][5:]:
            trace["y"] = [moved.get(float(v), v) for v in _values(trace["y"])]


def _print_rows(meta: dict, size: PrintSize):
    """The rows of a labelled-rows chart re-wrapped for the print width and font, with meta["rows"] updated to
    them (None, meta unchanged, when the chart carries no labels)."""
    rows = meta["rows"]
    if not rows.get("labels"):
        return None
    body = size.px(size.body_pt)
    new = base.rows(
        rows["labels"],
        headers=rows["headers"],
        size_px=body,
        wrap_px=size.width_px - base.MARGIN["l"] - base.MARGIN["r"] - 4 * body,
    )
    meta["rows"] = {**rows, "bounds": new.bounds, "total": new.total, "mark_y": new.mark_y}
    return new


def _budget(spec: FigureSpec, size: PrintSize, meta: dict) -> tuple[int, float, float]:
    """(legend px, px available for the plot on one page, the plot's natural px) at `size`."""
    width, body = size.width_px, size.px(size.body_pt)
    legend_px = _legend_px(spec.figure, width, body)
    head_px = _text_height(_heading(spec, size, "part 9 of 9" if meta.get("rows") or meta.get("panels") else ""), width)
    text_px = head_px + _text_height(_footer(spec, size), width) + 4 * GAP_PX + 3  # + 3: rounding up each box
    return legend_px, size.max_height_px - text_px, _natural_height(meta, spec, size, legend_px)


def _panel_plan(meta: dict, available: float, legend_px: int, fixed: float):
    """("shrink", heights) when every panel still fits drawn shorter, else ("split", meta, groups of panels)."""
    panels = meta["panels"]
    room = available - fixed - legend_px - sum(panels["gaps"])
    shrink = room / sum(panels["heights"])
    if min(panels["heights"]) * shrink >= MIN_PANEL_PX:  # all panels still readable, drawn shorter
        return "shrink", [h * shrink for h in panels["heights"]]
    short = {
        **meta,
        "panels": {**panels, "heights": [min(h, max(MIN_PANEL_PX, h * shrink)) for h in panels["heights"]]},
    }
    return "split", short, _panel_parts(short, available, legend_px, fixed)


def _cuttable(meta: dict) -> bool:
    return "rows" in meta or ("panels" in meta and meta["panels"]["count"] > 1)


def part_count(spec: FigureSpec, size: str | PrintSize = DEFAULT_SIZE) -> int:
    """How many images `spec` prints as at `size`, without laying the figure out (cheap enough per page run)."""
    size = print_size(size)
    meta = copy.deepcopy(dict(spec.figure.layout.meta or {}))
    if not _cuttable(meta):
        return 1
    if "rows" in meta:
        _print_rows(meta, size)
    legend_px, available, natural = _budget(spec, size, meta)
    if natural <= available:
        return 1
    if "rows" in meta:
        return len(_row_parts(meta, size, available, legend_px))
    fixed = (spec.figure.layout.margin.t or 0) + (spec.figure.layout.margin.b or 0)
    plan = _panel_plan(meta, available, legend_px, fixed)
    return 1 if plan[0] == "shrink" else len(plan[2])


def _natural_height(meta: dict, spec: FigureSpec, size: PrintSize, legend_px: int) -> float:
    """The plot's height at print size: labelled rows rescaled to the print font, else the screen height."""
    body = size.px(size.body_pt)
    if "rows" in meta:
        rows = meta["rows"]
        unit = body * text.LINE_HEIGHT
        return (
            (rows["total"] + base.TOP_PAD_UNITS) * unit
            + base.MARGIN["t"]
            + base.MARGIN["b"]
            + rows["extra_px"] * body / base.SMALL_PX
            + legend_px
        )
    plot_px = meta.get("plot_px") or (spec.figure.layout.height or base.HEIGHT)
    return plot_px + legend_px


def _row_parts(meta: dict, size: PrintSize, available: float, legend_px: int) -> list[tuple[float, float]]:
    """(bottom, top) y ranges cutting a labelled-rows chart at row edges so each part fits `available` px."""
    rows = meta["rows"]
    body = size.px(size.body_pt)
    unit = body * text.LINE_HEIGHT
    fixed = base.MARGIN["t"] + base.MARGIN["b"] + rows["extra_px"] * body / base.SMALL_PX + legend_px
    capacity = max((available - fixed) / unit - base.TOP_PAD_UNITS, 1.0)
    bounds = rows["bounds"]
    parts, start = [], 0
    while start < len(bounds) - 1:
        end = start + 1
        while end < len(bounds) - 1 and bounds[start] - bounds[end + 1] <= capacity:
            end += 1
        parts.append((bounds[end], bounds[start]))
        start = end
    return parts


def _panel_parts(meta: dict, available: float, legend_px: int, fixed_px: float) -> list[list[int]]:
    """Groups of panel indexes (0-based) whose stacked heights fit `available` px."""
    panels = meta["panels"]
    heights, gaps = panels["heights"], panels["gaps"]
    groups, current, used = [], [], fixed_px + legend_px
    for i, h in enumerate(heights):
        extra = h + (gaps[i - 1] if current else 0)
        if current and used + extra > available:
            groups.append(current)
            current, used = [], fixed_px + legend_px
            extra = h
        current.append(i)
        used += extra
    groups.append(current)
    return groups


def _keep_panels(fig: dict, meta: dict, keep: list[int], heights: list[float] | None = None) -> float:
    """Show only the panels `keep` of a stacked-panels figure (new domains top to bottom, each panel
    `heights[i]` px, default its own); returns the plot's height in px."""
    panels = meta["panels"]
    heights, gaps = heights or panels["heights"], panels["gaps"]
    layout = fig["layout"]
    plot_px = sum(heights[i] for i in keep) + sum(gaps[i - 1] for i in keep[1:])
    names = {i: ("" if i == 0 else str(i + 1)) for i in range(panels["count"])}
    kept_axes = {f"y{names[i]}" for i in keep}
    top = plot_px
    for n, i in enumerate(keep):
        if n:
            top -= gaps[i - 1]
        layout[f"yaxis{names[i]}"]["domain"] = [(top - heights[i]) / plot_px, top / plot_px]
        top -= heights[i]
    for i in range(panels["count"]):
        if i not in keep:
            layout[f"yaxis{names[i]}"].update(visible=False, domain=[0, 0.001])
            layout[f"xaxis{names[i]}"].update(visible=False)
    for trace in fig.get("data", []):
        if (trace.get("yaxis") or "y") not in kept_axes:
            trace.update(visible=False, showlegend=False)
    layout["annotations"] = [
        a
        for a in layout.get("annotations", [])
        if not str(a.get("yref", "")).startswith("y") or str(a["yref"]).split()[0] in kept_axes
    ]
    layout["shapes"] = [
        s
        for s in layout.get("shapes", [])
        if not str(s.get("yref", "")).startswith("y") or str(s["yref"]).split()[0] in kept_axes
    ]
    return plot_px


def layout(spec: FigureSpec, size: str | PrintSize = DEFAULT_SIZE) -> list[PrintPart]:
    """`spec` laid out for `size`: one PrintPart per printed image (several when a long chart is cut)."""
    size = print_size(size)
    width = size.width_px
    body = size.px(size.body_pt)
    fig, meta = _plot_figure(spec, size)
    if "rows" in meta:
        _relabel_rows(fig, meta, size)
    footer = _footer(spec, size)
    legend_px, available, natural = _budget(spec, size, meta)

    pieces: list[tuple[dict, float]] = []
    if natural > available and "rows" in meta:
        ranges = _row_parts(meta, size, available, legend_px)
        unit = body * text.LINE_HEIGHT
        fixed = base.MARGIN["t"] + base.MARGIN["b"] + meta["rows"]["extra_px"] * body / base.SMALL_PX + legend_px
        axis = meta["rows"]["axis"]
        for low, high in ranges:
            layout_copy = {**fig["layout"], axis: {**fig["layout"][axis], "range": [low, high + base.TOP_PAD_UNITS]}}
            piece = {**fig, "layout": layout_copy}  # shallow: only the axis range differs between parts
            pieces.append((piece, (high - low + base.TOP_PAD_UNITS) * unit + fixed))
    elif natural > available and "panels" in meta and meta["panels"]["count"] > 1:
        margin = fig["layout"].get("margin", {})
        fixed = (margin.get("t") or 0) + (margin.get("b") or 0)
        plan = _panel_plan(meta, available, legend_px, fixed)
        if plan[0] == "shrink":
            pieces.append(
                (fig, _keep_panels(fig, meta, list(range(meta["panels"]["count"])), plan[1]) + fixed + legend_px)
            )
        else:
            _, short, groups = plan
            for keep in groups:
                piece = copy.deepcopy(fig)
                pieces.append((piece, _keep_panels(piece, short, keep) + fixed + legend_px))
    else:
        pieces.append((fig, max(min(natural, available), MIN_PLOT_PX) if natural > available else natural))

    parts = []
    for index, (piece, plot_px) in enumerate(pieces, 1):
        label = f"part {index} of {len(pieces)}" if len(pieces) > 1 else ""
        lines, top = _block(_heading(spec, size, label), width, GAP_PX)
        plot_top = math.ceil(top + GAP_PX)
        plot_height = math.ceil(plot_px)
        if size.fixed_height:  # a slide is exactly its size: the plot takes what the text leaves
            plot_height = max(
                size.max_height_px - plot_top - math.ceil(_text_height(footer, width)) - 2 * GAP_PX, MIN_PLOT_PX
            )
        piece["layout"] = {**piece["layout"], "height": plot_height}
        foot, bottom = _block(footer, width, plot_top + plot_height + GAP_PX)
        height = size.max_height_px if size.fixed_height else math.ceil(bottom + GAP_PX)
        parts.append(
            PrintPart(
                piece, width, max(height, math.ceil(bottom)), plot_top, plot_height, lines + foot, index, len(pieces)
            )
        )
    return parts


# ----------------------------------------------------------------------------------------------- composing


def compose_svg(spec: FigureSpec, part: PrintPart, size: str | PrintSize, plot_svg: str) -> bytes:
    """One SVG document: <title> and <desc> (the alt text), the text lines, and the rendered plot nested in it."""
    size = print_size(size)
    height_cm = part.height * size.width_cm / part.width
    inner = re.sub(r"^\s*<\?xml[^>]*>\s*", "", plot_svg)
    # the plot's own <svg> root becomes a nested viewport at the plot's place
    inner = re.sub(r"<svg\b", f'<svg x="0" y="{part.plot_top}"', inner, count=1)
    title = spec.title + (f" (part {part.index} of {part.count})" if part.count > 1 else "")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
        f'width="{size.width_cm:.2f}cm" height="{height_cm:.2f}cm" viewBox="0 0 {part.width} {part.height}" '
        f'role="img" aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{xml_escape(title)}</title>',
        f'<desc id="chart-desc">{xml_escape(description(spec))}</desc>',
        f'<rect x="0" y="0" width="{part.width}" height="{part.height}" fill="#ffffff"/>',
    ]
    for line in part.lines:
        weight = ' font-weight="bold"' if line.bold else ""
        out.append(
            f'<text x="{line.x:.2f}" y="{line.baseline:.2f}" font-family="{base.FONT}" '
            f'font-size="{line.size_px:.2f}px"{weight} fill="{line.colour}">{xml_escape(line.text)}</text>'
        )
    out.append(inner)
    out.append("</svg>")
    return "\n".join(out).encode("utf-8")


def compose_png(spec: FigureSpec, part: PrintPart, size: str | PrintSize, plot_png: bytes) -> bytes:
    """One PNG at the size's dpi (stored in the file), the text drawn in the same font and places as the SVG."""
    from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

    size = print_size(size)
    scale = size.scale
    canvas = Image.new("RGB", (size.image_width_px, round(part.height * scale)), "white")
    plot = Image.open(io.BytesIO(plot_png)).convert("RGB")
    target = (size.image_width_px, round(part.plot_height * scale))
    if plot.size != target:
        plot = plot.resize(target, Image.LANCZOS)
    canvas.paste(plot, (0, round(part.plot_top * scale)))
    draw = ImageDraw.Draw(canvas)
    fonts: dict = {}
    for line in part.lines:
        key = (line.bold, round(line.size_px * scale))
        if key not in fonts:
            path = text.font_file(line.bold)
            if path is None:
                raise RuntimeError("the DejaVu Sans font (Debian: fonts-dejavu-core) is needed to print charts")
            fonts[key] = ImageFont.truetype(str(path), key[1])
        draw.text((line.x * scale, line.baseline * scale), line.text, font=fonts[key], fill=line.colour, anchor="ls")
    info = PngImagePlugin.PngInfo()
    info.add_text("Title", spec.title)
    info.add_itxt("Description", description(spec))
    info.add_itxt("Source", spec.source_text())
    out = io.BytesIO()
    canvas.save(out, format="PNG", dpi=(size.dpi, size.dpi), pnginfo=info, optimize=True)
    return out.getvalue()


def stack(images: list[bytes], fmt: str) -> bytes:
    """Printed parts one above the other in a single image (PNG keeps the dpi; SVG nests each part)."""
    if fmt == "png":
        from PIL import Image

        parts = [Image.open(io.BytesIO(b)) for b in images]
        dpi = parts[0].info.get("dpi", (300, 300))
        canvas = Image.new("RGB", (max(p.width for p in parts), sum(p.height for p in parts)), "white")
        top = 0
        for part in parts:
            canvas.paste(part.convert("RGB"), (0, top))
            top += part.height
        out = io.BytesIO()
        canvas.save(out, format="PNG", dpi=tuple(round(d) for d in dpi), pnginfo=_info(parts[0]), optimize=True)
        return out.getvalue()
    docs = [b.decode("utf-8") for b in images]
    sizes = [tuple(float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', d).groups()) for d in docs]
    width, height = max(w for w, _ in sizes), sum(h for _, h in sizes)
    cm = [float(re.search(r'width="([\d.]+)cm"', d).group(1)) for d in docs][0]
    head = re.search(r"<title[^>]*>.*?</title>\s*<desc[^>]*>.*?</desc>", docs[0], re.S).group(0)
    out, top = (
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
            f'width="{cm:.2f}cm" height="{cm * height / width:.2f}cm" viewBox="0 0 {width:g} {height:g}" '
            f'role="img" aria-labelledby="chart-title chart-desc">',
            head,
        ],
        0.0,
    )
    for doc, (_, h) in zip(docs, sizes):
        out.append(
            re.sub(
                r"<svg\b[^>]*>",
                f'<svg x="0" y="{top:g}" width="{width:g}" height="{h:g}" viewBox="0 0 {width:g} {h:g}">',
                doc,
                count=1,
            )
        )
        top += h
    out.append("</svg>")
    return "\n".join(out).encode("utf-8")


def _info(image):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    for key in ("Title", "Description", "Source"):
        if key in image.info:
            info.add_itxt(key, image.info[key])
    return info
