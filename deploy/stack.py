"""The hosted configuration on one machine: N replicas of the dashboard (serve.py) behind nginx, all on 127.0.0.1.

    python3 -m deploy.stack --warehouse data/warehouse.duckdb                 # 2 replicas + nginx, until Ctrl-C
    python3 -m deploy.stack --warehouse W --port 8080 --replicas 3 --secrets .streamlit/secrets.toml

Used by the hosting tests (tests/e2e/test_proxy.py) and the browser benchmark; the same rendered nginx
configuration is what docs/HOSTING.md installs on a server. nginx runs as the current user from a temporary
prefix; every process started here is stopped on exit.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from deploy import server
from deploy.render import ProxyConfig, render_standalone
from deploy.server import free_port

ROOT = Path(__file__).resolve().parent.parent
SERVE = server.SERVE
NGINX = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")


@dataclass
class Replica:
    port: int
    proc: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop this replica (SIGKILL to simulate a crash)."""
        server.stop(self.proc, sig)


@dataclass
class Stack:
    url: str  # the proxy, e.g. http://127.0.0.1:PORT
    replicas: list[Replica]
    nginx: subprocess.Popen
    prefix: Path
    config: Path
    extra: dict = field(default_factory=dict)

    def access_log(self) -> str:
        path = self.prefix / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def error_log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_replica(port: int, warehouse: Path, log_path: Path, *, script: Path = SERVE, **options) -> subprocess.Popen:
    """`python -m streamlit run serve.py` on 127.0.0.1:port (the production command, docs/HOSTING.md); `script`
    serves another app the same way (the browser benchmark's one-chart yardstick). `options`: those of
    deploy.server.start (secrets, env, args)."""
    return server.start(script, port, warehouse, log_path, **options)


@contextlib.contextmanager
def running_stack(
    warehouse: Path,
    *,
    replicas: int = 2,
    port: int | None = None,
    secrets: Path | None = None,
    workdir: Path | None = None,
    env: dict | None = None,
    replica_ports: list[int] | None = None,
    script: Path = SERVE,
):
    """Start `replicas` app processes and nginx in front of them; yield a Stack; stop everything afterwards."""
    if not Path(NGINX).exists():
        raise FileNotFoundError(
            f"nginx not found at {NGINX} (Debian: apt-get install --no-install-recommends "
            "nginx libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static)"
        )
    own_dir = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="dashboard-stack-")) if own_dir else Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    ports = replica_ports or [free_port() for _ in range(replicas)]
    started: list[Replica] = []
    nginx = None
    try:
        for p in ports:
            log_path = workdir / f"replica-{p}.log"
            started.append(
                Replica(p, start_replica(p, warehouse, log_path, secrets=secrets, env=env, script=script), log_path)
            )
        for replica in started:
            server.wait_healthy(replica.url, replica.proc, what=f"replica on port {replica.port}", log=replica.log_path)
        proxy_port = port or free_port()
        cfg = ProxyConfig([f"127.0.0.1:{p}" for p in ports], listen=f"127.0.0.1:{proxy_port}")
        conf = render_standalone(cfg, workdir / "nginx")
        nginx_log = workdir / "nginx" / "stdout.log"
        with open(nginx_log, "wb") as log:
            nginx = subprocess.Popen(
                [NGINX, "-p", str(workdir / "nginx"), "-c", str(conf)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{proxy_port}"
        server.wait_healthy(url, nginx, what="nginx", log=nginx_log)
        yield Stack(url, started, nginx, workdir / "nginx", conf)
    finally:
        if nginx is not None:
            server.stop(nginx, signal.SIGQUIT)  # graceful: finish open requests
        for replica in started:
            replica.stop()
        if own_dir:
            shutil.rmtree(workdir, ignore_errors=True)


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse.duckdb")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="proxy port on 127.0.0.1 (default 8080)")
    parser.add_argument("--secrets", type=Path, help="secrets.toml for the replicas (members-only mode)")
    args = parser.parse_args(argv)
    if not args.warehouse.exists():
        parser.error(f"no warehouse at {args.warehouse}: build it with .venv/bin/python -m etl build")
    # SIGTERM (a supervisor, `timeout`) must stop the replicas and nginx too: they run in their own sessions.
    signal.signal(signal.SIGTERM, _interrupt)
    with running_stack(
        args.warehouse, replicas=max(1, min(args.replicas, 8)), port=args.port, secrets=args.secrets
    ) as stack:
        print(f"proxy {stack.url}  replicas: {', '.join(r.url for r in stack.replicas)}  nginx prefix {stack.prefix}")
        print("Ctrl-C stops everything.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while all(r.proc.poll() is None for r in stack.replicas) and stack.nginx.poll() is None:
                time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
