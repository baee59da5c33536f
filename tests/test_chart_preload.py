"""ui/chart_preload.py: which requests get the plotly bundle preloaded, and the shell it writes (no server here;
tests/e2e/test_compression.py checks it on serve.py, tests/test_pages_common.py the list of charted pages)."""

from __future__ import annotations

import pytest

from ui import chart_preload

SHELL = (
    b'<html><head><link rel="modulepreload" crossorigin href="./static/js/x.abcdefgh.js"></head><body></body></html>'
)


def test_the_bundle_is_found_once_in_this_streamlit():
    bundle = chart_preload.plotly_bundle()
    assert bundle and bundle.startswith("PlotlyChart.") and bundle.endswith(".js")


def test_preload_link_goes_before_the_end_of_head_once():
    changed = chart_preload.with_preload(SHELL, "PlotlyChart.12345678.js")
    assert changed.count(b"PlotlyChart.12345678.js") == 1
    assert b'<link rel="modulepreload" crossorigin href="./static/js/PlotlyChart.12345678.js"></head>' in changed
    assert chart_preload.with_preload(changed, "PlotlyChart.12345678.js") == changed  # never twice
    assert chart_preload.with_preload(SHELL, None) == SHELL  # no bundle found: unchanged
    assert chart_preload.with_preload(b"<html>no head</html>", "P.js") == b"<html>no head</html>"


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/", ""),
        ("/trends", "trends"),
        ("/scenarios/", "scenarios"),
        ("/static/js/index.abcdefgh.js", None),
        ("/_stcore/health", None),
        ("/media/abc.png", None),
    ],
)
def test_page_path(path, expected):
    assert chart_preload.page_path({"type": "http", "path": path}) == expected
