"""Every chart the pages draw, built without Streamlit by the pages' own views (govdata.views) on a real warehouse:
each page at its default view (every view of Sectors), plus the views that stress a layout most (every sector
picked, the 22-way incident-type breakdown, all organisation types). Used by the print-size and layout tests.
"""

from __future__ import annotations

from govdata import views, warehouse
from govdata.figures import FigureSpec
from govdata.views.base import Direct
from govdata.views.params import parse

# (page, query string): the default view of each page, then the stress views
DEFAULT_VIEWS = [(page, "") for page in views.PAGES]
STRESS_VIEWS = [
    ("trends", "breakdown=incident_type&rolling=1&legacy=incident_type"),
    ("trends", "period=year&breakdown=time_to_report&measure=share_pct"),
    ("sectors", "ALL_SECTORS"),
    ("surveys", "org=all"),
]


def _build(runner, page: str, query: str) -> list[FigureSpec]:
    view = views.load(page)
    if query == "ALL_SECTORS":  # every sector the page offers, picked
        sectors = parse(view.PARAMS, "", runner).values
        options = next(p for p in view.PARAMS if p.name == "sectors").choices(runner, sectors)
        from urllib.parse import urlencode

        query = urlencode([("sectors", s) for s in options])
    values = parse(view.PARAMS, query, runner).values
    return list(view.build(runner, values, everything=True).figures.values())


def every_chart(path, *, stress: bool = True) -> list[tuple[str, FigureSpec]]:
    """(page, spec) for every chart of every page on the warehouse at `path`; with `stress`, also the views with
    the most rows, panels and legend entries (charts already listed once by key and data are not repeated)."""
    con = warehouse.connect(path)
    try:
        runner = Direct(con)
        out, seen = [], set()
        for page, query in DEFAULT_VIEWS + (STRESS_VIEWS if stress else []):
            for spec in _build(runner, page, query):
                mark = (spec.key, spec.title, len(spec.data))
                if mark not in seen:
                    seen.add(mark)
                    out.append((page, spec))
        return out
    finally:
        con.close()
