#!/usr/bin/env python3
"""Set-up and run in one command, on a machine with only Python 3.11+.

    python3 run.py dashboard   # venv + the project (pip install -e .), builds the warehouse if missing (fetching the
                               # ICO's newest release first when data/raw/ has none), serves serve.py (compressed
                               # bundles) on 127.0.0.1:8501
    python3 run.py test        # venv + the project with its test tools (pip install -e .[test]), Debian's chromium,
                               # nginx, LibreOffice and npm (axe-core) when root, then the whole test suite
    python3 run.py lint        # ruff: lint and format check, zero findings wanted (`lint --fix` fixes and formats)
    python3 run.py bench       # venv + .[test] (the benchmark drives Chromium), then the benchmark

Arguments after the command go to Streamlit, pytest or the benchmark (e.g. `run.py dashboard --server.port 8600`).
Everything is installed into .venv beside this file, from pyproject.toml (the one list of pinned packages); nothing
global is touched except Debian packages for the tests, installed without recommends when run as root.
Stopping run.py (Ctrl-C, or SIGTERM/SIGHUP to its pid) stops what it started.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
PYPROJECT = ROOT / "pyproject.toml"
# "<sha256 of pyproject.toml> <extra> ...": what the last install put into .venv.
STAMP = VENV / ".installed-pyproject"
# kaleido and the browser tests draw with Debian's chromium; charts measure and draw text in DejaVu Sans.
# fonts-liberation (metric-compatible Arial/Times) is what chromium would otherwise bring as a recommendation.
CHROMIUM_PACKAGES = ["chromium", "fonts-dejavu-core", "fonts-liberation"]
CHROMIUM_FONTS = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
]
# The reverse proxy of the hosted configuration (deploy/), started by the hosting tests as the current user.
# The briefing-note test opens the .docx in LibreOffice and reads the PDF back with poppler.
DOCUMENT_PACKAGES = ["libreoffice-writer", "poppler-utils"]
NGINX_PACKAGES = ["nginx", "libnginx-mod-http-brotli-filter", "libnginx-mod-http-brotli-static"]
# The suite runs in parallel workers (pytest-xdist): one per core, at most 4, each test file on one worker so a
# file's shared server and fixtures start once, handed out longest first (tests/longest_first.py orders them; xdist's
# own reordering, by number of tests, is off). `python3 run.py test -n 0` runs it in one process.
PYTEST_WORKERS = ["-n", "auto", "--maxprocesses=4", "--dist=loadfile", "--no-loadscope-reorder"]
NGINX_BROTLI = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STOP_GRACE_S = 20  # after forwarding a stop signal, how long the child may take before it is killed


def _say(msg: str) -> None:
    print(f"[run.py] {msg}", flush=True)


def _installed() -> tuple[str, frozenset[str]]:
    try:
        digest, *extras = STAMP.read_text().split()
    except (FileNotFoundError, ValueError):
        return "", frozenset()
    return digest, frozenset(extras)


def install_needed(extras: tuple[str, ...] = ()) -> bool:
    """True when .venv lacks the project as pyproject.toml now describes it, with these extras."""
    digest, installed = _installed()
    return (
        not PY.exists() or digest != hashlib.sha256(PYPROJECT.read_bytes()).hexdigest() or not set(extras) <= installed
    )


def ensure_venv(extras: tuple[str, ...] = ()) -> None:
    """Create .venv and install this project into it, editable (the app runs from this checkout), with `extras`;
    again whenever pyproject.toml changes."""
    if sys.version_info < (3, 11):  # noqa: UP036 - any python3 may start run.py; say when it is too old
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PY.exists():
        _say(f"creating virtual environment in {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not install_needed(extras):
        return
    digest = hashlib.sha256(PYPROJECT.read_bytes()).hexdigest()
    previous_digest, previous = _installed()
    wanted = sorted(set(extras) | (previous if previous_digest == digest else set()))
    target = "." + (f"[{','.join(wanted)}]" if wanted else "")
    _say(f"installing the project and its pinned packages (pip install -e {target})")
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True, cwd=ROOT)
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "-e", target], check=True, cwd=ROOT)
    STAMP.write_text(" ".join([digest, *wanted]) + "\n")


_apt_updated = False


def _apt_install(packages: list[str], purpose: str) -> None:
    """Install Debian packages (no recommends) when root with apt-get, else say loudly what will fail."""
    global _apt_updated
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        _say(
            f"WARNING: {purpose} need {' '.join(packages)}, which cannot be installed here (not root or no "
            "apt-get): those tests will FAIL. Install them yourself."
        )
        return
    _say(f"installing Debian's {' '.join(packages)} ({purpose})")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not _apt_updated:
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        _apt_updated = True
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], check=True, env=env)


def ensure_chromium() -> None:
    """Browser tests and image exports need a Chromium and the fonts the charts are drawn in."""
    have_browser = shutil.which("chromium") or os.environ.get("CHROMIUM_PATH")
    if not (have_browser and all(font.exists() for font in CHROMIUM_FONTS)):
        _apt_install(CHROMIUM_PACKAGES, "the browser tests and image exports (or set CHROMIUM_PATH)")


def ensure_nginx() -> None:
    """The proxy tests need Debian's nginx and its brotli module."""
    if not (Path("/usr/sbin/nginx").exists() and NGINX_BROTLI.exists()):
        _apt_install(NGINX_PACKAGES, "the reverse-proxy tests")


def ensure_node_modules() -> None:
    """The accessibility tests inject axe-core (pinned in package-lock.json) into Chromium: `npm ci` installs it
    into node_modules/ when that is missing or older than the lock file; without npm, say loudly what will fail."""
    lock = ROOT / "package-lock.json"
    if not lock.exists():
        return
    stamp = ROOT / "node_modules" / ".package-lock.sha256"
    wanted = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return
    if not shutil.which("npm"):
        _apt_install(["npm"], "the accessibility tests (axe-core through npm ci)")
    npm = shutil.which("npm")
    if not npm:
        return  # _apt_install said what will fail
    _say("installing axe-core for the accessibility tests (npm ci, pinned in package-lock.json)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], check=True, cwd=ROOT)
    stamp.write_text(wanted)


def ensure_document_tools() -> None:
    """The Word-note test needs LibreOffice (headless soffice) and poppler."""
    if not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdfimages")):
        _apt_install(DOCUMENT_PACKAGES, "the briefing-note test")


def run_child(args: list[str], *, own_group: bool = False) -> int:
    """Run `args` and return its exit code. A stop signal sent to run.py (SIGINT from Ctrl-C, SIGTERM or SIGHUP
    from `kill`) is passed on to the child, which is killed if it has not stopped STOP_GRACE_S seconds later:
    stopping run.py never leaves the server running. With `own_group` the child gets its own process group, so a
    terminal's Ctrl-C reaches run.py alone and the child hears it once, from run.py: the Streamlit server (uvicorn)
    takes a second SIGINT as "stop now" and dies mid-shutdown with a traceback. Interactive children (pytest's
    --pdb) stay in the terminal's group. Stopped by a signal, it returns 128 + the signal's number, as a shell
    reports a job a signal stopped (130 for Ctrl-C), whatever the child's own code."""
    child = subprocess.Popen(args, cwd=ROOT, process_group=0 if own_group else None)
    stop_asked: list[tuple[float, int]] = []

    def forward(signum: int, _frame) -> None:
        stop_asked.append((time.monotonic(), signum))
        if child.poll() is None:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED_SIGNALS}
    try:
        while True:
            try:
                code = child.wait(timeout=0.5)
                return 128 + stop_asked[0][1] if stop_asked else code
            except subprocess.TimeoutExpired:
                if stop_asked and time.monotonic() - stop_asked[0][0] > STOP_GRACE_S:
                    _say(f"the child did not stop within {STOP_GRACE_S} s of the signal: killing it")
                    child.kill()
    finally:
        if child.poll() is None:  # run.py itself is failing: never leave the child behind
            child.kill()
            child.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# Run by the venv's Python: opens the warehouse as the app does; prints the refresh command if it holds the sample.
_CHECK = """import sys
from pathlib import Path
from etl import hints
from govdata import warehouse
con = warehouse.connect(Path(sys.argv[1]))
row = con.execute("SELECT value FROM warehouse_meta WHERE key = 'is_sample'").fetchone()
if row and row[0] == 'true':
    print(hints.etl_command('refresh', *hints.warehouse_args(Path(sys.argv[1]))))
"""


def build_if_needed() -> None:
    """Build the warehouse when it is missing, unreadable or from an older schema: from the newest release kept in
    data/raw/, else from the newest one fetched now (at most ~30 s; $ICO_LANDING_URL honoured), else from the
    labelled sample, saying why in one line."""
    warehouse = Path(os.environ.get("DASHBOARD_WAREHOUSE") or ROOT / "data" / "warehouse.duckdb")
    if warehouse.exists():
        check = subprocess.run([str(PY), "-c", _CHECK, str(warehouse)], cwd=ROOT, capture_output=True, text=True)
        if check.returncode == 0:
            if check.stdout.strip():
                _say(
                    "the warehouse holds the SIMULATED SAMPLE; to load the real ICO release run: "
                    + check.stdout.strip()
                )
            return
    _say(f"building the warehouse at {warehouse} (missing, unreadable or from an older version)")
    subprocess.run(
        [str(PY), "-m", "etl", "build", "--warehouse", str(warehouse), "--fetch-first"], check=True, cwd=ROOT
    )


def _interrupt(signum: int, _frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)  # a set-up step's child is killed on the way out


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    for sig in (signal.SIGTERM, signal.SIGHUP):  # as Ctrl-C: stop set-up steps with their children
        signal.signal(sig, _interrupt)
    if command == "dashboard":
        ensure_venv()
        build_if_needed()
        # serve.py, the hosted entry point: Streamlit's bundles gzip-compressed (a first visit moves ~2.5 MB, not
        # ~7.5 MB), downloads bound to sessions, members-only mode available. Listens on 127.0.0.1
        # (server.address in .streamlit/config.toml) unless --server.address or STREAMLIT_SERVER_ADDRESS asks
        # for another address (docs/HOSTING.md).
        return run_child([str(PY), "-m", "streamlit", "run", str(ROOT / "serve.py"), *argv[1:]], own_group=True)
    if command == "test":
        ensure_venv(("test",))
        ensure_chromium()
        ensure_nginx()
        ensure_document_tools()
        ensure_node_modules()
        return run_child([str(PY), "-m", "pytest", *PYTEST_WORKERS, *argv[1:]])
    if command == "lint":
        ensure_venv(("test",))
        ruff = [str(PY), "-m", "ruff"]
        if argv[1:] == ["--fix"]:
            return run_child([*ruff, "check", "--fix", "."]) or run_child([*ruff, "format", "."])
        return run_child([*ruff, "check", "."]) or run_child([*ruff, "format", "--check", "."])
    if command == "bench":
        ensure_venv(("test",))
        return run_child([str(PY), "-m", "bench", *argv[1:]])
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as exc:
        sys.exit(f"[run.py] step failed ({' '.join(map(str, exc.cmd))}): exit {exc.returncode}")
    except KeyboardInterrupt:
        sys.exit(130)
