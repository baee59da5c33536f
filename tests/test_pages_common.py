"""What every data page shares, one test per page of govdata.views.PAGES (a new page is covered without editing
this file): on the labelled sample its banner says what is simulated there, and a page with charts offers the
one-click briefing pack once, last on the page, built only when clicked (the Sources page has no charts to pack);
serve.py preloads the chart code for exactly the pages that open with a chart (ui/page_shell.py)."""

from __future__ import annotations

import pytest
from apptest_helpers import PACK_LABEL, assert_no_exception, assert_pack_button, open_page, page, texts

from govdata import views
from ui.layout import sample_banner_text
from ui.page_shell import CHARTED_PAGES

NO_CHARTS = {"sources"}  # nothing to pack


@pytest.mark.parametrize("name", list(views.PAGES))
def test_sample_banner_and_briefing_pack(name, sample_warehouse, monkeypatch):
    at = open_page(None if name == views.DEFAULT_PAGE else page(f"{name}.py"), sample_warehouse, monkeypatch)
    assert_no_exception(at)
    assert sample_banner_text(name) in texts(at.warning)
    opens_with_chart = bool(at.get("plotly_chart"))
    assert opens_with_chart == (views.url_path(name) in CHARTED_PAGES), (
        f"{name}: ui.page_shell.CHARTED_PAGES says {'no ' if opens_with_chart else ''}chart on a first visit"
    )
    if name in NO_CHARTS:
        assert PACK_LABEL not in [b.proto.label for b in at.get("download_button")]
    else:
        assert_pack_button(at)
