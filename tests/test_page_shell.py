"""ui/page_shell.py: which requests get the plotly bundle preloaded and the app's address, and the shell it writes
(no server here; tests/e2e/test_compression.py checks it on serve.py, tests/test_pages_common.py the list of charted
pages, tests/e2e/test_proxy.py the CSP that allows the address script)."""

from __future__ import annotations

import pytest

from ui import page_shell

SHELL = (
    b'<html><head><link rel="modulepreload" crossorigin href="./static/js/x.abcdefgh.js"></head><body></body></html>'
)


def test_the_bundle_is_found_once_in_this_streamlit():
    bundle = page_shell.plotly_bundle()
    assert bundle and bundle.startswith("PlotlyChart.") and bundle.endswith(".js")


def test_preload_link_goes_before_the_end_of_head_once():
    changed = page_shell.with_preload(SHELL, "PlotlyChart.12345678.js")
    assert changed.count(b"PlotlyChart.12345678.js") == 1
    assert b'<link rel="modulepreload" crossorigin href="./static/js/PlotlyChart.12345678.js"></head>' in changed
    assert page_shell.with_preload(changed, "PlotlyChart.12345678.js") == changed  # never twice
    assert page_shell.with_preload(SHELL, None) == SHELL  # no bundle found: unchanged
    assert page_shell.with_preload(b"<html>no head</html>", "P.js") == b"<html>no head</html>"


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
    assert page_shell.page_path({"type": "http", "path": path}) == expected


def test_pages_below_the_first_name_the_apps_address_before_streamlits_scripts():
    base = page_shell.backend_base_tag()
    assert base.startswith(b"<script>window.__streamlit=") and base.endswith(b"</script>")
    trends = page_shell.shell_for(SHELL, "trends", charted=frozenset({"trends"}))
    assert trends.count(base) == 1 and trends.index(base) < trends.index(b"</head>")
    assert page_shell.with_backend_base(trends) == trends  # never twice
    sources = page_shell.shell_for(SHELL, "sources", charted=frozenset({"trends"}))
    assert base in sources and b"PlotlyChart" not in sources  # no chart: the address only
    # the first page sits at the base path itself: nothing to strip, so its shell is Streamlit's own
    assert page_shell.shell_for(SHELL, "", charted=frozenset()) == SHELL
    assert page_shell.with_backend_base(b"<html>no head</html>") == b"<html>no head</html>"


@pytest.mark.parametrize(
    "address, base",
    [
        ("https://example.org/trends", "https://example.org"),
        ("https://example.org/trends/", "https://example.org"),
        ("http://127.0.0.1:8501/scenarios?sector=Health", "http://127.0.0.1:8501"),
        ("https://example.org/dashboard/sectors?view=cyber#top", "https://example.org/dashboard"),
    ],
)
def test_the_address_script_strips_the_page_from_the_path(address, base):
    """BACKEND_BASE_SCRIPT run by a JavaScript engine (node) on a page's address: the app's address is what is
    left after the last path segment, whatever the query or fragment."""
    import json
    import shutil
    import subprocess
    from urllib.parse import urlsplit

    node = shutil.which("node")
    assert node, "node (installed by run.py with npm for axe-core) is needed to run the address script"
    url = urlsplit(address)
    program = (
        f"const location = {json.dumps({'origin': f'{url.scheme}://{url.netloc}', 'pathname': url.path})};"
        "const window = {};" + page_shell.BACKEND_BASE_SCRIPT + ";console.log(window.__streamlit.BACKEND_BASE_URL)"
    )
    out = subprocess.run([node, "-e", program], capture_output=True, text=True, check=True, timeout=30)
    assert out.stdout.strip() == base
