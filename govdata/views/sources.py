"""Sources and methods: what was loaded and how. No charts and no URL parameters (its tables are drawn by the page)."""
from __future__ import annotations

from typing import Any

from govdata.views.base import PageView, Runner, is_sample, meta

PAGE = "sources"
NAV_TITLE = "Sources"
TITLE = "Sources and methods"
INTRO = ("Every source the warehouse was built from, what each load kept and rejected, the limitations the ICO "
         "states for its data, the definitions this dashboard uses, and the SQL behind each chart.")
PARAMS = ()


def build(runner: Runner, values: dict[str, Any], *, everything: bool = False) -> PageView:
    info = meta(runner)
    return PageView(PAGE, TITLE, TITLE, data_to=info.get("latest_quarter", ""), is_sample=is_sample(info),
                    extra={"meta": info})
