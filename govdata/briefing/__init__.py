"""Briefings without a browser: a page view as a Word note or a briefing pack, from a dashboard link.

    python -m govdata.briefing "http://host/sectors?sector=Health&period=2024" --out note.docx   (or pack.zip)

`build(link, out)` resolves the link with the page's own URL declarations (govdata.views; an invalid value is an
error, not a silent drop), builds every view of the page as the page's download buttons do, and writes the note
(govdata.briefing.note) or the pack (govdata.packs).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from govdata.briefing.link import Link, LinkError, resolve
from govdata.briefing.note import build_note, note_file_name
from govdata.packs import build_pack
from govdata.views.base import Direct, PageView

FORMATS = (".docx", ".zip")

__all__ = ["FORMATS", "Link", "LinkError", "build", "build_note", "note_file_name", "page_view", "resolve"]


def page_view(con, link: str) -> tuple[Link, PageView]:
    """The link's page view with every chart the page can show (all views), from a read-only connection."""
    runner = Direct(con)
    resolved = resolve(link, runner)
    return resolved, resolved.view.build(runner, resolved.values, everything=True)


def build(con, link: str, fmt: str, *, accessed: date | None = None) -> bytes:
    """The note (fmt '.docx') or pack ('.zip') for `link`, as bytes. LinkError for a bad link; ValueError when
    the page has no charts (Sources)."""
    if fmt not in FORMATS:
        raise ValueError(f"the output must end in .docx or .zip, not {fmt or 'nothing'}")
    resolved, view = page_view(con, link)
    if not view.specs:
        raise ValueError(f"the {resolved.view.NAV_TITLE} page has no charts, so there is nothing to brief on")
    accessed = accessed or date.today()
    if fmt == ".docx":
        return build_note(view, link=resolved.canonical(), accessed=accessed)
    return build_pack(view.specs, resolved.view.TITLE, accessed_date=accessed)


def write(con, link: str, out: Path, *, accessed: date | None = None) -> int:
    """Write the note or pack for `link` to `out` (by its suffix) atomically; returns the bytes written."""
    data = build(con, link, out.suffix.lower(), accessed=accessed)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(data)
    partial.replace(out)
    return len(data)
