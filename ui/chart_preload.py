"""serve.py's page shell asks for the chart code at once on pages that open with a chart.

Streamlit loads the code of each kind of element when the first element of that kind arrives over the WebSocket.
A page's first chart therefore waited for the script to reach it and then queued the plotly bundle (~1.4 MB
compressed, the largest file) behind the dozens of small bundles of the widgets above it (a browser opens six
connections to a server). For the pages in CHARTED_PAGES the HTML shell gets a `<link rel="modulepreload">` for
that bundle, beside Streamlit's own preload links, so the browser fetches it while Streamlit starts; the chart's
own import then finds it loaded. Pages without a chart (Sources, the accessibility statement) get the shell
unchanged and never download it. When the bundle or the shell's </head> cannot be found (another Streamlit
version) the shell passes through unchanged; tests/e2e/test_compression.py notices.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from ui import http_guard
from ui.compressed_static import accepts_gzip

# URL paths (under the base path) of the pages whose first view has a chart; tests/test_chart_preload.py checks
# this against what each page draws.
CHARTED_PAGES = frozenset({"", "trends", "sectors", "surveys", "scenarios"})
PLOTLY_BUNDLE = "PlotlyChart.*.js"  # Streamlit's chunk holding plotly.js (the name carries a content hash)
HEAD_END = b"</head>"


@cache
def plotly_bundle(js_dir: Path | None = None) -> str | None:
    """The file name of Streamlit's plotly bundle, or None unless exactly one is found."""
    if js_dir is None:
        from streamlit import file_util

        js_dir = Path(file_util.get_static_dir()) / "static" / "js"
    found = sorted(js_dir.glob(PLOTLY_BUNDLE))
    return found[0].name if len(found) == 1 else None


def preload_tag(bundle: str) -> bytes:
    # relative like Streamlit's own links (pages sit one level down, and under a base path)
    return f'<link rel="modulepreload" crossorigin href="./static/js/{bundle}">'.encode()


def with_preload(html: bytes, bundle: str | None) -> bytes:
    """The shell with the preload link just before </head>, or unchanged when that cannot be done."""
    if bundle is None or HEAD_END not in html or bundle.encode() in html:
        return html
    return html.replace(HEAD_END, preload_tag(bundle) + HEAD_END, 1)


def page_path(scope) -> str | None:
    """The page a GET request asks for ('' for the first page), without the base path; None for other paths."""
    path = scope.get("path", "")
    base = http_guard.base_path()
    if base:
        if not path.startswith(base):
            return None
        path = path[len(base) :]
    return path.strip("/") if "." not in path and not path.startswith("/_stcore") else None


class ChartPreload:
    """ASGI middleware: the HTML shell of a charted page, with the plotly bundle preloaded."""

    def __init__(self, app, *, pages: frozenset[str] = CHARTED_PAGES) -> None:
        self.app = app
        self.pages = pages

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or page_path(scope) not in self.pages:
            await self.app(scope, receive, send)
            return
        # Streamlit would gzip the shell: ask it for the plain file, and compress the changed one here
        gzip_ok = accepts_gzip(scope.get("headers", []))
        scope = dict(scope, headers=[(n, v) for n, v in scope.get("headers", []) if n.lower() != b"accept-encoding"])
        start: dict = {}
        body: list[bytes] = []

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            headers = list(start.get("headers", []))
            content = b"".join(body)
            is_html = any(n.lower() == b"content-type" and v.startswith(b"text/html") for n, v in headers)
            plain = not any(n.lower() == b"content-encoding" for n, _ in headers)
            if start.get("status") == 200 and is_html and plain:
                changed = with_preload(content, plotly_bundle())
                if changed != content:
                    # another body than the file's: its validators no longer describe it (the shell is no-cache)
                    drop = (b"content-length", b"etag", b"last-modified", b"vary")
                    headers = [(n, v) for n, v in headers if n.lower() not in drop] + [(b"vary", b"Accept-Encoding")]
                    content = changed
                    if gzip_ok:
                        content = gzip.compress(changed, mtime=0)
                        headers.append((b"content-encoding", b"gzip"))
                    headers.append((b"content-length", str(len(content)).encode()))
            await send(dict(start, headers=headers))
            await send({"type": "http.response.body", "body": content})

        await self.app(scope, receive, capture)
