#!/usr/bin/env python3
"""Set-up and run in one command, on a machine with only Python 3.11+.

    python3 run.py dashboard   # venv + packages, builds the warehouse if missing (fetching the ICO's newest
                               # release first when data/raw/ has none), starts the app
    python3 run.py test        # venv + packages (+ Debian's chromium when root), runs the whole test suite

Everything is installed into .venv beside this file; nothing global is touched except, for the browser
tests, Debian's chromium package when run as root on a machine that has apt-get.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / ".requirements.sha256"
CHROMIUM_PACKAGES = ["chromium", "fonts-dejavu-core"]
# The reverse proxy of the hosted configuration (deploy/), started by the hosting tests as the current user.
# The briefing-note test opens the .docx in LibreOffice and reads the PDF back with poppler.
DOCUMENT_PACKAGES = ["libreoffice-writer", "poppler-utils"]
NGINX_PACKAGES = ["nginx", "libnginx-mod-http-brotli-filter", "libnginx-mod-http-brotli-static"]
NGINX_BROTLI = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")


def _say(msg: str) -> None:
    print(f"[run.py] {msg}", flush=True)


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PY.exists():
        _say(f"creating virtual environment in {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        _say("installing pinned packages from requirements.txt")
        subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)], check=True)
        STAMP.write_text(wanted)


def ensure_chromium() -> None:
    """Browser tests need a Chromium; install Debian's when we can, else say loudly what is missing."""
    if shutil.which("chromium") or os.environ.get("CHROMIUM_PATH"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        _say("installing Debian's chromium for the browser tests")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", *CHROMIUM_PACKAGES], check=True, env=env)
    else:
        _say("WARNING: no chromium found and cannot install it (not root or no apt-get): "
             "the browser tests and image exports will FAIL. Install chromium or set CHROMIUM_PATH.")


def ensure_nginx() -> None:
    """The proxy tests need Debian's nginx (and its brotli module); install them when we can, else say so loudly."""
    if Path("/usr/sbin/nginx").exists() and NGINX_BROTLI.exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        _say("installing Debian's nginx (+ brotli module) for the reverse-proxy tests")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *NGINX_PACKAGES],
                       check=True, env=env)
    else:
        _say("WARNING: nginx (with its brotli module) is missing and cannot be installed (not root or no apt-get): "
             "the reverse-proxy tests will FAIL. Install: " + " ".join(NGINX_PACKAGES))


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
    npm = shutil.which("npm")
    if not npm:
        _say("WARNING: npm (Node.js) is not installed: axe-core cannot be installed and the accessibility tests "
             "will FAIL. Install Node.js with npm (Debian: apt-get install npm), then run this again.")
        return
    _say("installing axe-core for the accessibility tests (npm ci, pinned in package-lock.json)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], check=True, cwd=ROOT)
    stamp.write_text(wanted)


def ensure_document_tools() -> None:
    """The Word-note test needs LibreOffice (headless soffice) and poppler; install them when we can."""
    if shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdfimages"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        _say("installing LibreOffice Writer and poppler-utils for the briefing-note test")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *DOCUMENT_PACKAGES],
                       check=True, env=env)
    else:
        _say("WARNING: soffice / poppler are missing and cannot be installed (not root or no apt-get): the "
             "briefing-note test will FAIL. Install: " + " ".join(DOCUMENT_PACKAGES))


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
                _say("the warehouse holds the SIMULATED SAMPLE; to load the real ICO release run: "
                     + check.stdout.strip())
            return
    _say(f"building the warehouse at {warehouse} (missing, unreadable or from an older version)")
    subprocess.run([str(PY), "-m", "etl", "build", "--warehouse", str(warehouse), "--fetch-first"], check=True,
                   cwd=ROOT)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    if command == "dashboard":
        ensure_venv()
        build_if_needed()
        args = [str(PY), "-m", "streamlit", "run", str(ROOT / "dashboard.py"), *argv[1:]]
        return subprocess.call(args, cwd=ROOT)
    if command == "test":
        ensure_venv()
        ensure_chromium()
        ensure_nginx()
        ensure_document_tools()
        ensure_node_modules()
        return subprocess.call([str(PY), "-m", "pytest", *argv[1:]], cwd=ROOT)
    if command == "bench":
        ensure_venv()
        return subprocess.call([str(PY), "-m", "bench", *argv[1:]], cwd=ROOT)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as exc:
        sys.exit(f"[run.py] step failed ({' '.join(map(str, exc.cmd))}): exit {exc.returncode}")
    except KeyboardInterrupt:
        sys.exit(130)
