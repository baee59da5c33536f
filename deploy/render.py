"""Render the nginx configuration for N dashboard replicas from deploy/nginx/*.template.

    python3 -m deploy.render --listen 80 --replica 127.0.0.1:8501 --replica 127.0.0.1:8502 \
        --server-name dashboard.example.org --out /etc/nginx/conf.d/dashboard.conf
        # Streamlit's bundles are kept in --static-cache (default /var/cache/nginx/dashboard-static)
    python3 -m deploy.render ... --tls-cert /etc/ssl/dashboard.crt --tls-key /etc/ssl/dashboard.key   # HTTPS here

`--standalone PREFIX` also writes PREFIX/nginx.conf, a complete configuration that runs from that folder as the
current user (`nginx -p PREFIX -c PREFIX/nginx.conf`, its bundle cache in PREFIX/static-cache); the tests and
deploy/stack.py use it.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "nginx"
SITE_TEMPLATE = TEMPLATES / "dashboard.conf.template"
MAIN_TEMPLATE = TEMPLATES / "nginx.conf.template"
MODULES_DIR = Path("/usr/lib/nginx/modules")
BROTLI_MODULES = ("ngx_http_brotli_filter_module.so", "ngx_http_brotli_static_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")

# What the dashboard's pages need, and no more: Streamlit's bundles and inline styles, images and fonts from the
# app itself (data:/blob: for plotly and icons), the WebSocket to the same origin. No third-party anything, no
# framing, no plugins. Text echoed from a URL can therefore never load a remote image even if it were rendered.
CSP = (
    "default-src 'self'; script-src 'self'@@SCRIPT_HASHES@@; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-src 'self'; "
    "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
STATIC_CACHE = "/var/cache/nginx/dashboard-static"  # where nginx keeps Streamlit's bundles (created by nginx)
_ADDRESS = re.compile(r"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$")


@dataclass
class ProxyConfig:
    replicas: list[str]
    listen: str = "80"
    server_name: str = "_"
    tls_cert: str | None = None
    tls_key: str | None = None
    brotli: bool | None = None  # None: when Debian's brotli module is installed
    requests_per_second: int = 50
    burst: int = 200
    connections_per_ip: int = 64
    extra_listen: list[str] = field(default_factory=list)
    static_cache: str = STATIC_CACHE

    def __post_init__(self):
        if not self.replicas:
            raise ValueError("at least one --replica HOST:PORT is needed")
        for replica in self.replicas:
            if not _ADDRESS.match(replica):
                raise ValueError(f"replica {replica!r} is not HOST:PORT")
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ValueError("--tls-cert and --tls-key go together")
        if not self.static_cache.startswith("/") or re.search(r"[\s;{}'\"$]", self.static_cache):
            raise ValueError(f"--static-cache {self.static_cache!r} is not an absolute path nginx can take as it is")


# The one inline script serve.py adds to the shell of pages below the first (ui/page_shell.py reads the same file).
BACKEND_BASE_JS = Path(__file__).resolve().parent.parent / "ui" / "backend_base.js"


def _script_hash(block: str) -> str:
    import base64
    import hashlib

    return f"'sha256-{base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()}'"


def inline_script_hashes() -> list[str]:
    """CSP hashes of the inline <script> blocks of the pages: those in the installed Streamlit's index.html (one
    tiny flag today) and serve.py's BACKEND_BASE_JS.

    Rendered where the app is installed; elsewhere (a proxy host without the app) none, and browsers then skip
    those blocks: the flag only tells prerenderers to wait, and without the address script Streamlit finds its
    server one failed health check later. tests/e2e/test_proxy.py checks no CSP violation occurs.
    """
    import importlib.util

    spec = importlib.util.find_spec("streamlit")
    if spec is None or not spec.origin:
        return []
    index = Path(spec.origin).parent / "static" / "index.html"
    if not index.exists():
        return []
    blocks = re.findall(r"<script>(.*?)</script>", index.read_text(encoding="utf-8"), re.S)
    if BACKEND_BASE_JS.exists():
        blocks.append(BACKEND_BASE_JS.read_text(encoding="utf-8").strip())
    return [_script_hash(b) for b in blocks]


def csp() -> str:
    hashes = inline_script_hashes()
    return CSP.replace("@@SCRIPT_HASHES@@", "".join(" " + h for h in hashes))


def brotli_available() -> bool:
    return all((MODULES_DIR / name).exists() for name in BROTLI_MODULES)


def render_site(cfg: ProxyConfig) -> str:
    brotli = brotli_available() if cfg.brotli is None else cfg.brotli
    tls = bool(cfg.tls_cert)
    listen = [f"    listen {cfg.listen}{' ssl' if tls else ''};"] + [f"    listen {x};" for x in cfg.extra_listen]
    tls_lines = ""
    if tls:
        tls_lines = (
            f"    ssl_certificate {cfg.tls_cert};\n    ssl_certificate_key {cfg.tls_key};\n"
            "    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_prefer_server_ciphers off;\n"
            "    ssl_session_cache shared:dashboard_tls:10m;\n    ssl_session_timeout 1d;\n"
        )
    brotli_lines = ""
    if brotli:
        brotli_lines = (
            "    brotli on;\n    brotli_comp_level 5;\n    brotli_min_length 1024;\n"
            "    brotli_types text/plain text/css text/javascript application/javascript application/json\n"
            "                 image/svg+xml application/xml font/ttf application/vnd.ms-fontobject;\n"
        )
    servers = "\n".join(f"    server {r} max_fails=1 fail_timeout=10s;" for r in cfg.replicas)
    values = {
        "REPLICA_COUNT": str(len(cfg.replicas)),
        "UPSTREAM_SERVERS": servers,
        "LISTEN_LINES": "\n".join(listen),
        "SERVER_NAME": cfg.server_name,
        "TLS_LINES": tls_lines,
        "COOKIE_SECURE": "; Secure" if tls else "",
        "HSTS_LINE": '    add_header Strict-Transport-Security "max-age=31536000" always;' if tls else "",
        "CSP": csp(),
        "BROTLI_LINES": brotli_lines,
        "REQ_RATE": str(cfg.requests_per_second),
        "REQ_BURST": str(cfg.burst),
        "CONN_PER_IP": str(cfg.connections_per_ip),
        "STATIC_CACHE": cfg.static_cache,
    }
    return _fill(SITE_TEMPLATE.read_text(), values)


def render_standalone(cfg: ProxyConfig, prefix: Path) -> Path:
    """Write PREFIX/dashboard.conf and PREFIX/nginx.conf (runs as the current user from PREFIX); returns nginx.conf."""
    prefix = Path(prefix).resolve()
    for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    if cfg.static_cache == STATIC_CACHE:  # the system folder is not the current user's: keep the cache here
        cfg = replace(cfg, static_cache=str(prefix / "static-cache"))
    site = prefix / "dashboard.conf"
    site.write_text(render_site(cfg))
    brotli = brotli_available() if cfg.brotli is None else cfg.brotli
    modules = "\n".join(f"load_module {MODULES_DIR / name};" for name in BROTLI_MODULES) if brotli else ""
    # As root, nginx would hand its workers to 'nobody', who cannot write this prefix: keep them as root here.
    user = "user root;" if os.geteuid() == 0 else ""
    main = prefix / "nginx.conf"
    main.write_text(
        _fill(
            MAIN_TEMPLATE.read_text(),
            {
                "LOAD_MODULES": modules,
                "USER_DIRECTIVE": user,
                "PREFIX": str(prefix),
                "MIME_TYPES": str(MIME_TYPES),
                "SITE": str(site),
            },
        )
    )
    return main


def _fill(template: str, values: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        return values[match.group(1)]

    text = re.sub(r"@@([A-Z_]+)@@", replace, template)
    return "\n".join(line for line in text.splitlines() if line.strip() or not line) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replica", action="append", required=True, help="HOST:PORT of an app replica (repeat)")
    parser.add_argument("--listen", default="80", help="nginx listen address/port (default 80; 443 with TLS)")
    parser.add_argument("--server-name", default="_")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--brotli", choices=("auto", "on", "off"), default="auto")
    parser.add_argument(
        "--static-cache", default=STATIC_CACHE, help=f"where nginx keeps Streamlit's bundles (default {STATIC_CACHE})"
    )
    parser.add_argument("--out", type=Path, help="site file to write (default: print it)")
    parser.add_argument("--standalone", type=Path, help="also write a complete nginx.conf running from this folder")
    args = parser.parse_args(argv)
    try:
        cfg = ProxyConfig(
            args.replica,
            args.listen,
            args.server_name,
            args.tls_cert,
            args.tls_key,
            None if args.brotli == "auto" else args.brotli == "on",
            static_cache=args.static_cache,
        )
    except ValueError as exc:
        parser.error(str(exc))
    if args.standalone:
        print(render_standalone(cfg, args.standalone))
        return 0
    text = render_site(cfg)
    if args.out:
        args.out.write_text(text)
        print(args.out)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
