"""deploy/render.py: the nginx configuration the hosted dashboard runs behind, checked by nginx itself."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import re
import subprocess
from pathlib import Path

import pytest
from support import fail_or_skip

from deploy import render
from ui import page_shell

NGINX = Path(os.environ.get("NGINX_PATH", "/usr/sbin/nginx"))


def _nginx() -> Path:
    if not NGINX.exists():
        message = f"nginx not found at {NGINX}: run `python3 run.py test` as root (installs Debian's nginx)"
        fail_or_skip(message)
    return NGINX


def _site(**kw) -> str:
    return render.render_site(render.ProxyConfig(["127.0.0.1:8501", "127.0.0.1:8502"], **kw))


def test_standalone_config_passes_nginx_t(tmp_path):
    conf = render.render_standalone(
        render.ProxyConfig(["127.0.0.1:8501", "127.0.0.1:8502"], listen="127.0.0.1:18080"), tmp_path
    )
    result = subprocess.run(
        [str(_nginx()), "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr


def test_tls_variant_passes_nginx_t(tmp_path):
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    cfg = render.ProxyConfig(["127.0.0.1:8501"], listen="127.0.0.1:18443", tls_cert=str(cert), tls_key=str(key))
    conf = render.render_standalone(cfg, tmp_path / "prefix")
    result = subprocess.run(
        [str(_nginx()), "-t", "-p", str(tmp_path / "prefix"), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    site = (tmp_path / "prefix" / "dashboard.conf").read_text()
    assert "Strict-Transport-Security" in site and "SameSite=Lax; Secure" in site


def test_site_has_every_required_piece():
    site = _site()
    assert site.count("server 127.0.0.1:85") == 2  # two replicas
    assert "hash $dashboard_affinity consistent;" in site  # sticky sessions
    assert "proxy_set_header Upgrade $http_upgrade;" in site  # websocket upgrade
    assert re.search(r"location = /_stcore/metrics \{ return 404; \}", site)
    assert "client_max_body_size 1m;" in site and "large_client_header_buffers" in site
    for header in (
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Content-Security-Policy",
        "Permissions-Policy",
    ):
        assert f"add_header {header}" in site
    assert "gzip on;" in site
    assert "Strict-Transport-Security" not in site  # only with TLS
    # nginx drops inherited add_header lines in a block that has its own: none below the server level
    assert site.count("add_header") == site.split("\n    location ")[0].count("add_header")


def test_brotli_follows_the_installed_module():
    assert ("brotli on;" in _site(brotli=True)) and ("brotli on;" not in _site(brotli=False))


def test_csp_allows_exactly_the_inline_scripts_of_the_installed_streamlit_and_serve():
    index = Path(importlib.util.find_spec("streamlit").origin).parent / "static" / "index.html"
    blocks = re.findall(r"<script>(.*?)</script>", index.read_text(), re.S)
    blocks.append(page_shell.BACKEND_BASE_SCRIPT)  # serve.py's one inline script (ui/page_shell.py)
    expected = {f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in blocks}
    assert set(render.inline_script_hashes()) == expected
    assert "'unsafe-inline'" not in render.csp().split("script-src", 1)[1].split(";")[0]
    assert "img-src 'self' data: blob:" in render.csp()  # no remote images, whatever text a page shows


def test_only_streamlits_bundles_are_kept_by_the_proxy(tmp_path):
    site = _site()
    assert "proxy_cache_path /var/cache/nginx/dashboard-static " in site  # the system install's folder
    locations = dict(re.findall(r"\n    location (?:= |\^~ )?(\S+) \{(.*?)\n    \}", site, re.S))
    assert "proxy_cache dashboard_static;" in locations["/static/"]
    assert site.count("proxy_cache dashboard_static;") == 1  # never pages, downloads, sign-in or the WebSocket
    assert "proxy_cache_use_stale error timeout updating http_502 http_503;" in locations["/static/"]
    render.render_standalone(render.ProxyConfig(["127.0.0.1:8501"]), tmp_path)
    assert f"proxy_cache_path {tmp_path.resolve()}/static-cache " in (tmp_path / "dashboard.conf").read_text()
    assert "proxy_cache_path /srv/cache " in _site(static_cache="/srv/cache")
    for bad in ("relative/dir", "/tmp/x; evil", "/tmp/{x}"):
        with pytest.raises(ValueError, match="--static-cache"):
            render.ProxyConfig(["127.0.0.1:8501"], static_cache=bad)


def test_bad_replica_address_is_refused():
    with pytest.raises(ValueError, match="HOST:PORT"):
        render.ProxyConfig(["127.0.0.1"])
