"""Untrusted text (from a URL, an ICO file, a reference CSV) made inert for where it is shown.

- `clean`: drops control characters and Unicode format characters (bidi overrides and isolates such as U+202E,
  zero-width spaces and joiners, the BOM), which can make echoed text read differently from what it is.
- `for_markdown`: `clean`, then every Markdown/HTML punctuation character backslash-escaped, so Streamlit's
  Markdown shows the characters and never a link, an image, a heading or HTML. Streamlit still auto-links bare
  URLs, www. addresses and e-mail addresses in escaped text (checked in Chromium), so an invisible WORD JOINER
  (U+2060) is put before each ':' and '@' and after 'www': the text reads the same and is never a link.
- `for_plotly`: plotly renders a small HTML subset inside text (<a href>, <b>, <i>, <br>, <span style>, <sub>...):
  '<' '>' '&' become entities, so data text is drawn as written. Only the line break our own chart code inserts
  (<br>) is kept. Text without those characters is returned unchanged.
- `sanitize_figure`: `for_plotly` over every data string a figure's traces carry (x, y, text, hovertext, labels,
  names, customdata): the chart builders' own templates (hovertemplate, titles composed in code) are untouched.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=/@])")
_LINK_BREAK = "\u2060"  # WORD JOINER: invisible, and no auto-linker matches across it
_AUTOLINK_PARTS = re.compile(r"(?i)(:|@|(?<=www)\.)")
_OWN_BREAK = "<br>"
_BREAK_TOKEN = "\x00br\x00"
TRACE_TEXT_FIELDS = ("x", "y", "text", "hovertext", "labels", "ids", "customdata")


def _drop(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs")


def clean(value: object) -> str:
    """`value` as text without control or format characters (newlines and tabs become spaces)."""
    text = str(value)
    if text.isprintable() and not any(_drop(ch) for ch in text):
        return text
    text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return "".join(ch for ch in text if not _drop(ch))


def for_markdown(value: object, limit: int | None = None) -> str:
    """Inert Markdown: cleaned, optionally truncated to `limit` characters (with '…'), punctuation escaped."""
    text = clean(value)
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    text = _AUTOLINK_PARTS.sub(_LINK_BREAK + r"\1", text)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def for_plotly(value: object) -> str:
    """Text plotly will draw literally (no links, bold, spans): entities for < > &, our own <br> kept."""
    text = clean(value)
    if "<" not in text and ">" not in text:
        return text
    text = text.replace(_OWN_BREAK, _BREAK_TOKEN)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace(_BREAK_TOKEN, _OWN_BREAK)


def _inert(value):
    if isinstance(value, str):
        return for_plotly(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_inert(v) for v in value)
    if isinstance(value, np.ndarray) and value.dtype == object:
        return np.array([_inert(v) for v in value.ravel().tolist()], dtype=object).reshape(value.shape)
    return value


def _needs(value) -> bool:
    if isinstance(value, str):
        return for_plotly(value) != value
    if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.dtype == object):
        return any(_needs(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value))
    return False


def sanitize_figure(fig) -> None:
    """Make every data string in `fig`'s traces (and trace names) inert for plotly, in place."""
    for trace in fig.data:
        for name in TRACE_TEXT_FIELDS + ("name",):
            if name not in trace:
                continue
            value = trace[name]
            if value is not None and _needs(value):
                trace[name] = _inert(value)
