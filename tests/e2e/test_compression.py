"""serve.py sends Streamlit's bundles gzip-compressed to clients that accept it, and identical bytes uncompressed
to those that do not (issue 11, item 8). Against the real server started the hosted way (serve.py)."""

from __future__ import annotations

import gzip
import re
import urllib.request
from pathlib import Path

import pytest
from conftest import assert_clean_log, running_server

from deploy.server import SERVE
from ui.compressed_static import accepts_gzip

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def hosted(e2e_warehouse, tmp_path_factory):
    with running_server(e2e_warehouse, tmp_path_factory.mktemp("hosted-log"), script=SERVE) as srv:
        yield srv
    assert_clean_log(srv)


def fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={k.replace("_", "-"): v for k, v in headers.items()})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def bundles(srv) -> list[str]:
    """The JavaScript and CSS files the page shell loads first."""
    _, _, html = fetch(srv.url + "/")
    found = re.findall(r'(?:src|href)="\.?/?(static/(?:js|css)/[^"]+)"', html.decode())
    assert found, f"no bundle referenced by the page shell: {html[:500]!r}"
    return found


def test_bundles_are_gzip_compressed_for_clients_that_accept_it(hosted):
    for path in bundles(hosted):
        url = f"{hosted.url}/{path}"
        status, plain_headers, plain = fetch(url, Accept_Encoding="identity")
        assert status == 200 and "content-encoding" not in plain_headers, (path, plain_headers)
        status, headers, body = fetch(url, Accept_Encoding="gzip, deflate, br")
        assert status == 200, (path, status)
        if len(plain) < 1024:
            continue
        assert headers.get("content-encoding") == "gzip", (path, headers)
        assert "accept-encoding" in headers.get("vary", "").lower()
        assert int(headers["content-length"]) == len(body) < len(plain) * 0.6, (path, len(body), len(plain))
        assert gzip.decompress(body) == plain, f"{path}: the compressed body is not the same file"
        assert headers["content-type"].startswith(plain_headers["content-type"].split(";")[0])
        # revalidation with the compressed copy's tag: 304 and no body
        status, _, again = fetch(url, Accept_Encoding="gzip", If_None_Match=headers["etag"])
        assert status == 304 and again == b""


def test_largest_chunk_is_compressed_and_identity_is_unchanged(hosted):
    """The plotly chunk (the largest file, ~4.7 MB) too: a browser loads it before the first chart."""
    import streamlit

    js = Path(streamlit.__file__).parent / "static" / "static" / "js"
    largest = max(js.glob("*.js"), key=lambda p: p.stat().st_size)
    url = f"{hosted.url}/static/js/{largest.name}"
    _, headers, body = fetch(url, Accept_Encoding="gzip")
    assert headers.get("content-encoding") == "gzip" and gzip.decompress(body) == largest.read_bytes()
    print(f"{largest.name}: {largest.stat().st_size:,} bytes -> {len(body):,} gzip")
    _, headers, body = fetch(url)
    assert "content-encoding" not in headers and body == largest.read_bytes()
    # a range request gets Streamlit's own (uncompressed) answer
    status, headers, body = fetch(url, Accept_Encoding="gzip", Range="bytes=0-99")
    assert status == 206 and len(body) == 100 and "content-encoding" not in headers


def test_nothing_outside_the_bundles_is_served(hosted):
    for path in (
        "/static/../../serve.py",
        "/static/%2e%2e/%2e%2e/serve.py",
        "/static/js/../../../../ui/auth.py",
        "/static/js/missing.js",
    ):
        status, headers, body = fetch(hosted.url + path, Accept_Encoding="gzip")
        assert "content-encoding" not in headers, path
        assert b"import " not in body, path


def test_accept_encoding_parsing():
    assert accepts_gzip([(b"accept-encoding", b"gzip, deflate, br")])
    assert accepts_gzip([(b"Accept-Encoding", b"br;q=1.0, gzip;q=0.8")])
    assert accepts_gzip([(b"accept-encoding", b"*")])
    assert not accepts_gzip([(b"accept-encoding", b"gzip;q=0")])
    assert not accepts_gzip([(b"accept-encoding", b"br, identity")])
    assert not accepts_gzip([])


def test_charted_pages_preload_the_chart_bundle(hosted):
    """A page that opens with a chart asks for the plotly bundle in its shell (ui/page_shell.py), compressed or
    not; a page without one does not make visitors download it. Every page below the first names the app's
    address; the first page's shell is Streamlit's own."""
    from ui.page_shell import CHARTED_PAGES, backend_base_tag, plotly_bundle

    bundle = plotly_bundle()
    assert bundle, "Streamlit's plotly bundle was not found: ui/page_shell.PLOTLY_BUNDLE needs updating"
    link = f'<link rel="modulepreload" crossorigin href="./static/js/{bundle}">'.encode()
    for path in sorted(CHARTED_PAGES):
        status, headers, body = fetch(f"{hosted.url}/{path}", Accept_Encoding="gzip, deflate, br")
        assert status == 200 and headers.get("content-encoding") == "gzip", (path, headers)
        assert int(headers["content-length"]) == len(body)
        assert link in gzip.decompress(body), f"/{path}: no preload of {bundle}"
        status, headers, body = fetch(f"{hosted.url}/{path}", Accept_Encoding="identity")
        assert status == 200 and "content-encoding" not in headers and link in body, path
    for path in ("sources", "accessibility"):
        _, headers, body = fetch(f"{hosted.url}/{path}", Accept_Encoding="identity")
        assert bundle.encode() not in body, f"/{path} has no chart but preloads {bundle}"
    for path in ("trends", "scenarios", "sources", "accessibility"):
        _, _, body = fetch(f"{hosted.url}/{path}", Accept_Encoding="identity")
        assert body.count(backend_base_tag()) == 1, f"/{path}: the app's address is not named once"
    _, _, body = fetch(f"{hosted.url}/", Accept_Encoding="identity")
    assert backend_base_tag() not in body
    status, headers, body = fetch(f"{hosted.url}/static/js/{bundle}", Accept_Encoding="gzip")
    assert status == 200 and headers.get("content-encoding") == "gzip"
