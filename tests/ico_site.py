"""An ICO-like web site on 127.0.0.1 for the fetch / refresh / first-run tests (this machine cannot reach the ICO).

IcoSite serves a landing page shaped like the ICO's (release links under /media2/<id>/, plus unrelated links) and
the files it links; `publish()` changes what the page links, as a new ICO release does. Release files are made
with `python -m etl sample` (see `make_release`), exactly as a user would run it.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import openpyxl

from govdata import settings
from govdata import vocabulary as voc

LANDING = "action-weve-taken/data-security-incident-trends/index.html"
LEGACY = "files/categories.xlsx"
# One incident's values after BI Reference, Year and Quarter, in the ICO's column order (a health-sector email error)
ONE_INCIDENT = (
    "Patients",
    "Health data",
    "No Further Action",
    "Non Cyber",
    "Data emailed to incorrect recipient",
    "1 to 9",
    "Health",
    "Less than 24 hours",
)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def etl_sample(out: Path, *args: str, rows: int = 6000, timeout: int = 300) -> subprocess.CompletedProcess:
    """`python -m etl sample --rows ROWS --out OUT *args`, run as a user runs it (its output captured)."""
    command = [sys.executable, "-m", "etl", "sample", "--rows", str(rows), "--out", str(out), *args]
    return subprocess.run(command, cwd=settings.PROJECT_ROOT, capture_output=True, text=True, timeout=timeout)


def make_release(out: Path, *args: str) -> Path:
    """`python -m etl sample --rows 6000 --out OUT *args` (e.g. '--to', '2024Q3'); raises with its output."""
    result = etl_sample(out, *args)
    if result.returncode != 0:
        raise AssertionError(f"etl sample failed:\n{result.stdout}\n{result.stderr}")
    return out


def one_incident_workbook(path: Path, year: int, quarter: int, columns=voc.ICO_COLUMNS) -> Path:
    """A workbook in the ICO's shape (header `columns`) holding one incident, BI101, of `year` Qtr `quarter`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = voc.ICO_SHEET
    ws.append(list(columns))
    ws.append(["BI101", year, f"Qtr {quarter}", *ONE_INCIDENT])
    wb.save(path)
    return path


class IcoSite:
    """A real HTTP server in a thread, serving `root` (with `handler`, a QuietHandler); stop() shuts it down."""

    def __init__(self, root: Path, handler: type[QuietHandler] = QuietHandler):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(handler, directory=str(self.root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def landing_url(self) -> str:
        return f"{self.base}/{LANDING}"

    @property
    def legacy_url(self) -> str:
        return f"{self.base}/{LEGACY}"

    def url_of(self, release: Path) -> str:
        return f"{self.base}/media2/{sha256(release)[:10]}/{release.name}"

    def publish(self, *releases: Path, legacy: Path | None = None, page: str | None = None) -> None:
        """Serve `releases` under /media2/<id>/ and a landing page linking them (or the HTML `page` as given)."""
        for release in releases:
            target = self.root / "media2" / sha256(release)[:10] / release.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(release, target)
        if legacy is not None:
            (self.root / LEGACY).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(legacy, self.root / LEGACY)
        if page is None:
            links = "\n".join(
                f'  <li><a class="download" href="/media2/{sha256(r)[:10]}/{r.name}">{r.name}</a></li>'
                for r in releases
            )
            page = (
                "<!doctype html><html><body><h1>Data security incident trends</h1>\n<ul>\n"
                '  <li><a href="/media2/other/annual-report.pdf">Annual report</a></li>\n'
                f"{links}\n</ul></body></html>"
            )
        (self.root / LANDING).parent.mkdir(parents=True, exist_ok=True)
        (self.root / LANDING).write_text(page, encoding="utf-8")

    def serve_file(self, path: str, content: bytes) -> str:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        return f"{self.base}/{path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
