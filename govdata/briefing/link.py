"""A dashboard link -> the page and its validated values, strictly: anything the page would ignore is an error.

The page parses the same query with the same declarations (govdata.views.params.parse) and shows a note for an
ignored value; a scheduled briefing must not silently drop one, so here it stops with a message naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from govdata import views
from govdata.views.params import parse, query_string

MAX_LINK_CHARS = 8_000


class LinkError(ValueError):
    """The link does not name a view of this dashboard; str(error) says what is wrong, in one line."""


@dataclass(frozen=True)
class Link:
    view: ModuleType
    values: dict[str, Any]
    base_url: str  # scheme://host[:port][/prefix], '' when the link was a bare path

    @property
    def page(self) -> str:
        return self.view.PAGE

    def canonical(self) -> str:
        """The link stating every parameter (what the page writes to the address after a change)."""
        return views.link(self.base_url, self.page, query_string(self.view.PARAMS, self.values))


def split(link: str) -> tuple[str, str, str]:
    """(base url, page path, query) of a dashboard link. The page is the last path segment ('' = home)."""
    text = link.strip()
    if not text:
        raise LinkError("the link is empty")
    if len(text) > MAX_LINK_CHARS:
        raise LinkError(f"the link is {len(text):,} characters long; at most {MAX_LINK_CHARS:,} are read")
    parts = urlsplit(text)
    if parts.scheme and parts.scheme not in ("http", "https"):
        raise LinkError(f"the link must start with http:// or https://, not {parts.scheme}://")
    segments = [s for s in parts.path.split("/") if s]
    page = segments[-1] if segments else ""
    prefix = "/".join(segments[:-1]) if page in views.PAGES and page else "/".join(segments)
    if page and page not in views.PAGES:
        known = ", ".join(f"/{p}" for p in views.PAGES)
        raise LinkError(f"the link names the page '/{page}', which this dashboard does not have (pages: / {known})")
    base = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    if prefix:
        base += "/" + prefix
    return base, page, parts.query


def resolve(link: str, runner) -> Link:
    """The page and values a link names; LinkError for an unknown page, parameter or value."""
    base, page, query = split(link)
    view = views.load(page)
    try:
        parsed = parse(view.PARAMS, query, runner)
    except ValueError as exc:
        raise LinkError(str(exc)) from None
    problems = [f"parameter '{name}' is not one the {view.NAV_TITLE} page reads" for name in parsed.unknown]
    problems += [f"{note.name}={_short(note.value)!r}: {note.reason}" for note in parsed.ignored]
    if problems:
        accepted = ", ".join(p.name for p in view.PARAMS) or "none"
        raise LinkError(
            f"the link cannot be used as it is: {'; '.join(problems)} (the {view.NAV_TITLE} page reads: {accepted})"
        )
    return Link(view, parsed.values, base)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
