"""serve.py's page shell: the chart code asked for at once on pages that open with a chart, and the app's address
given to Streamlit on every page below the first.

- **Chart code.** Streamlit loads the code of each kind of element when the first element of that kind arrives over
  the WebSocket. A page's first chart therefore waited for the script to reach it and then queued the plotly bundle
  (~1.4 MB compressed, the largest file) behind the dozens of small bundles of the widgets above it (a browser
  opens six connections to a server). For the pages in CHARTED_PAGES the HTML shell gets a
  `<link rel="modulepreload">` for that bundle, beside Streamlit's own preload links, so the browser fetches it
  while Streamlit starts; the chart's own import then finds it loaded. Pages without a chart (Sources, the
  accessibility statement) never download it.
- **The app's address.** Opened at /trends, Streamlit's frontend does not know whether /trends is the app's base
  path or a page of an app at /: it asks /trends/_stcore/health first, gets a 404, waits ~130 ms and only then
  tries /. Every page below the first gets BACKEND_BASE_SCRIPT (ui/backend_base.js) before Streamlit's own
  scripts: it sets `window.__streamlit.BACKEND_BASE_URL` (read by Streamlit's frontend, for hosts that embed it)
  to the page's address without its last path segment, so the first health check is the right one. The proxy's
  CSP allows that one inline script by its hash (deploy/render.py).

When the bundle or the shell's </head> cannot be found (another Streamlit version) the shell passes through
unchanged; tests/e2e/test_compression.py and tests/e2e/test_proxy.py notice.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from ui import http_guard
from ui.compressed_static import accepts_gzip

# URL paths (under the base path) of the pages whose first view has a chart; tests/test_pages_common.py checks
# this against what each page draws.
CHARTED_PAGES = frozenset({"", "trends", "sectors", "surveys", "scenarios"})
PLOTLY_BUNDLE = "PlotlyChart.*.js"  # Streamlit's chunk holding plotly.js (the name carries a content hash)
HEAD_END = b"</head>"
# Run before Streamlit's module scripts (those are deferred); the same bytes are hashed for the proxy's CSP.
BACKEND_BASE_SCRIPT = (Path(__file__).with_name("backend_base.js")).read_text(encoding="utf-8").strip()


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


def backend_base_tag() -> bytes:
    return f"<script>{BACKEND_BASE_SCRIPT}</script>".encode()


def with_preload(html: bytes, bundle: str | None) -> bytes:
    """The shell with the preload link just before </head>, or unchanged when that cannot be done."""
    if bundle is None or HEAD_END not in html or bundle.encode() in html:
        return html
    return html.replace(HEAD_END, preload_tag(bundle) + HEAD_END, 1)


def with_backend_base(html: bytes) -> bytes:
    """The shell with BACKEND_BASE_SCRIPT just before </head> (once), or unchanged when there is no </head>."""
    tag = backend_base_tag()
    if HEAD_END not in html or tag in html:
        return html
    return html.replace(HEAD_END, tag + HEAD_END, 1)


def shell_for(html: bytes, page: str, *, charted: frozenset[str] = CHARTED_PAGES) -> bytes:
    """The shell served for `page` ('' = the first page, served at the base path itself: nothing to strip)."""
    if page in charted:
        html = with_preload(html, plotly_bundle())
    return with_backend_base(html) if page else html


def page_path(scope) -> str | None:
    """The page a GET request asks for ('' for the first page), without the base path; None for other paths."""
    path = scope.get("path", "")
    base = http_guard.base_path()
    if base:
        if not path.startswith(base):
            return None
        path = path[len(base) :]
    return path.strip("/") if "." not in path and not path.startswith("/_stcore") else None


class PageShell:
    """ASGI middleware: a page's HTML shell as `shell_for` writes it (plotly preloaded, the app's address set)."""

    def __init__(self, app, *, charted: frozenset[str] = CHARTED_PAGES) -> None:
        self.app = app
        self.charted = charted

    async def __call__(self, scope, receive, send) -> None:
        page = page_path(scope) if scope["type"] == "http" and scope.get("method") == "GET" else None
        if page is None or not (page or page in self.charted):
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
                changed = shell_for(content, page, charted=self.charted)
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
