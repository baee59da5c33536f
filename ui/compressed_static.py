"""Gzip-compressed Streamlit bundles for serve.py, compressed once per file and kept in memory.

Streamlit 1.67 serves its own JavaScript and CSS (/static/...) uncompressed on purpose: Starlette's GZipMiddleware
would compress every response again on every request. A first visit then moves ~10 MB. Here each bundle is
compressed once (in a worker thread, gzip level 9), kept in memory, and served to every browser that accepts gzip;
the bundles' names carry a content hash, so they never change while the server runs. Everything else (pages,
the WebSocket, downloads, ranged requests, clients without gzip) passes through untouched. Behind the hosted proxy,
nginx compresses as well (with brotli); it leaves a response that is already compressed alone.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path

from ui import http_guard

STATIC_PREFIX = "/static/"
COMPRESSIBLE = (".js", ".mjs", ".css", ".json", ".svg", ".map", ".txt", ".ttf", ".otf", ".html")
MINIMUM_SIZE = 1024  # bytes: smaller files are sent as they are
MAX_FILE_SIZE = 64 * 2**20  # bytes: anything larger is not held in memory
LEVEL = 9  # once per file, so the smallest output is worth the CPU
IMMUTABLE = "public, immutable, max-age=31536000"  # as Streamlit sends for its hashed bundles
MEDIA_TYPES = {".js": "application/javascript", ".mjs": "application/javascript"}


@dataclass(frozen=True)
class Compressed:
    body: bytes
    etag: str
    media_type: str
    identity_size: int


class _Cache:
    """path -> Compressed (None: not worth compressing); one compression per file even under concurrent requests."""

    def __init__(self) -> None:
        self._items: dict[Path, Compressed | None] = {}
        self._locks: dict[Path, threading.Lock] = {}
        self._guard = threading.Lock()

    def held(self, path: Path) -> bool:
        """True once `path` has been compressed (or found not worth it): `get` then only reads a dict."""
        return path in self._items

    def get(self, path: Path) -> Compressed | None:
        if path in self._items:
            return self._items[path]
        with self._guard:
            lock = self._locks.setdefault(path, threading.Lock())
        with lock:
            if path not in self._items:
                self._items[path] = compress_file(path)
            return self._items[path]


def compress_file(path: Path) -> Compressed | None:
    data = path.read_bytes()
    if len(data) < MINIMUM_SIZE or len(data) > MAX_FILE_SIZE:
        return None
    body = gzip.compress(data, compresslevel=LEVEL, mtime=0)
    if len(body) >= len(data):
        return None
    media_type = MEDIA_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type == "application/javascript":
        media_type += "; charset=utf-8" if media_type.startswith("text/") else ""
    return Compressed(body, f'"{hashlib.md5(data).hexdigest()}-gzip"', media_type, len(data))


def accepts_gzip(headers: list[tuple[bytes, bytes]]) -> bool:
    """True when Accept-Encoding names gzip (or *) without q=0."""
    for name, value in headers:
        if name.lower() != b"accept-encoding":
            continue
        for item in value.decode("latin-1").lower().split(","):
            coding, _, params = item.strip().partition(";")
            if coding.strip() in ("gzip", "*") and params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
                return True
    return False


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    return next((v for n, v in headers if n.lower() == name), None)


def _static_root() -> Path:
    from streamlit import file_util

    return Path(file_util.get_static_dir()).resolve()


class CompressedStatic:
    """ASGI middleware: GET/HEAD /static/<bundle> with Accept-Encoding: gzip -> the cached gzip body."""

    def __init__(self, app, *, root: Path | None = None) -> None:
        self.app = app
        self.root = (root or _static_root()).resolve()
        self.cache = _Cache()
        # request path -> the bundle it names, for bundles found once: a first load asks for ~90 of them, and
        # resolving each again costs a few system calls. Only existing files under their canonical path are kept,
        # so its size is bounded by the files Streamlit ships, whatever paths visitors try.
        self._found: dict[str, Path] = {}

    def _file(self, scope) -> Path | None:
        path = scope.get("path", "")
        root_path = scope.get("root_path", "")
        if root_path and path.startswith(root_path + "/"):
            path = path[len(root_path) :]
        base = http_guard.base_path()
        if base and path.startswith(base + "/"):
            path = path[len(base) :]
        if not path.startswith(STATIC_PREFIX) or not path.endswith(COMPRESSIBLE) or "\\" in path or "\0" in path:
            return None
        found = self._found.get(path)
        if found is not None:
            return found
        candidate = (self.root / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        if str(candidate) == f"{self.root}{path}":  # kept only under its own name (not "./", "//" or ".." variants)
            self._found[path] = candidate
        return candidate

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers", [])
        file = self._file(scope)
        if file is None:
            await self.app(scope, receive, send)
            return
        if not accepts_gzip(headers) or _header(headers, b"range") is not None:
            await self.app(scope, receive, send_varying(send))
            return
        if self.cache.held(file):  # the usual case once a bundle has been sent: no worker thread needed
            item = self.cache.get(file)
        else:  # first request for this bundle: read and compress it off the event loop
            from anyio import to_thread

            item = await to_thread.run_sync(self.cache.get, file)
        if item is None:
            await self.app(scope, receive, send_varying(send))
            return
        common = [(b"vary", b"Accept-Encoding"), (b"etag", item.etag.encode()), (b"cache-control", IMMUTABLE.encode())]
        if _header(headers, b"if-none-match") == item.etag.encode():
            await send({"type": "http.response.start", "status": 304, "headers": common})
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", item.media_type.encode()),
                    (b"content-encoding", b"gzip"),
                    (b"content-length", str(len(item.body)).encode()),
                    *common,
                ],
            }
        )
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else item.body})


def send_varying(send):
    """Streamlit's own answer for a compressible bundle, marked as depending on Accept-Encoding (for caches)."""

    async def wrapped(message):
        if message["type"] == "http.response.start":
            message = dict(message, headers=[*message.get("headers", []), (b"vary", b"Accept-Encoding")])
        await send(message)

    return wrapped
