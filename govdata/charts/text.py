"""Text measured in the font the charts use (DejaVu Sans), so labels and printed lines are wrapped to a width in
pixels rather than to a guessed number of characters.

Plotly draws text without wrapping it, so every multi-line label is wrapped here. The widths come from the font
file Chromium draws with (Debian's fonts-dejavu-core, installed with chromium by run.py); without that file a
conservative estimate (0.62 em a character, wider than DejaVu's average) is used so text still fits.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
FALLBACK_EM = 0.62
LINE_HEIGHT = 1.3  # line box of wrapped text, in multiples of the font size
TAGS = re.compile(r"<[^>]+>")


def font_file(bold: bool = False) -> Path | None:
    """The DejaVu Sans (Bold) font file, or None when it is not installed."""
    name = BOLD if bold else REGULAR
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    return None


@functools.lru_cache(maxsize=16)
def _font(bold: bool):
    path = font_file(bold)
    if path is None:
        return None
    from PIL import ImageFont

    return ImageFont.truetype(str(path), 100)  # measured at 100 px and scaled: metrics are linear in size


@functools.lru_cache(maxsize=4096)
def width(text: str, size_px: float, bold: bool = False) -> float:
    """Width in CSS pixels of one line of `text` (tags such as <b> ignored) at font size `size_px`."""
    plain = TAGS.sub("", text)
    font = _font(bold)
    if font is None:
        return len(plain) * FALLBACK_EM * size_px * (1.08 if bold else 1.0)
    return font.getlength(plain) * size_px / 100


def wrap(text: str, max_px: float, size_px: float, bold: bool = False) -> list[str]:
    """`text` broken into lines no wider than `max_px` (a single word longer than that gets a line of its own)."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if current and width(candidate, size_px, bold) > max_px:
                lines.append(current)
                current = word
            else:
                current = candidate
        if current:
            lines.append(current)
    return lines


def wrap_html(text: str, max_px: float, size_px: float, bold: bool = False) -> str:
    """`text` wrapped as plotly expects a multi-line label: lines joined with <br>."""
    return "<br>".join(wrap(text, max_px, size_px, bold))
