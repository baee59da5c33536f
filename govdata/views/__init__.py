"""Page views without Streamlit: each page's URL parameters and what it shows for them.

Each module (overview, trends, sectors, surveys, scenarios, sources) declares PAGE (its URL path), NAV_TITLE,
TITLE, INTRO, PARAMS (govdata.views.params.Param) and `build(runner, values, *, everything=False) -> PageView`.
The dashboard's pages lay out widgets for PARAMS and render the PageView; the briefing command line parses a link
with the same PARAMS and builds the same view.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# URL path -> module name, in navigation order; the first page is also served at '/'.
PAGES = {
    "overview": "overview",
    "trends": "trends",
    "sectors": "sectors",
    "surveys": "surveys",
    "scenarios": "scenarios",
    "sources": "sources",
}
DEFAULT_PAGE = "overview"


def load(page: str) -> ModuleType:
    """The view module of a page, by its URL path ('' = the default page). KeyError for an unknown page."""
    name = PAGES[page or DEFAULT_PAGE]
    return importlib.import_module(f"govdata.views.{name}")


def view_names(page: str) -> list[str]:
    """The views of a page that shows one view at a time (its `view` URL parameter: Sectors, Surveys, Scenarios),
    else []."""
    return list(getattr(load(page), "VIEWS", {}))


def url_path(page: str) -> str:
    """The path the dashboard serves a page at: '' for the default page (served at '/'), else its name."""
    return "" if page == DEFAULT_PAGE else page


def link(base_url: str, page: str, query: str) -> str:
    """The address of a page view under `base_url` (scheme://host[:port][/prefix])."""
    path = f"{base_url.rstrip('/')}/{url_path(page)}"
    return f"{path}?{query}" if query else path


def default_query(page: str, runner) -> str:
    """The query string that states every parameter of `page` at its default (what a first change would write)."""
    from govdata.views.params import parse, query_string

    view = load(page)
    return query_string(view.PARAMS, parse(view.PARAMS, "", runner).values)
