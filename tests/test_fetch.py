"""etl/fetch.py against a real local HTTP server (never the ICO site: this machine is offline)."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import openpyxl
import pytest
from ico_site import IcoSite, QuietHandler, one_incident_workbook

from etl.fetch import FetchError, fetch, find_workbook_links, newest_workbook_link
from govdata import vocabulary as voc

NAME = "data-security-incidents-trends-q1-2019-to-q{q}-{y}.{ext}"

# Shaped like the ICO page: absolute and relative links, older releases, a CSV, unrelated media and an &amp; URL.
LANDING_HTML = """<!doctype html><html><body>
<h1>Data security incident trends</h1>
<p>Data updated to Q4 2024.</p>
<ul>
 <li><a href="https://ico.org.uk/media2/ab12cd/data-security-incidents-trends-q1-2019-to-q3-2024.xlsx">Q3 2024</a></li>
 <li><a class="download" href='/media2/zz99/data-security-incidents-trends-q1-2019-to-q4-2024.xlsx?v=2&amp;x=1'>
     Data security incidents trends Q1 2019 to Q4 2024 (xlsx)</a></li>
 <li><a href="/media2/yy88/data-security-incidents-trends-q1-2019-to-q4-2024.csv">CSV</a></li>
 <li><a href="/media2/old1/data-security-incidents-trends-q1-2019-to-q4-2023.xlsx">Q4 2023</a></li>
 <li><a href="/media2/old2/DATA-SECURITY-INCIDENTS-TRENDS-Q1-2019-TO-Q1-2024.XLSX">Q1 2024</a></li>
 <li><a href="/media2/other/annual-report-2024.pdf">Annual report</a></li>
</ul></body></html>"""


def test_link_parsing_picks_newest_release_preferring_xlsx():
    base = "https://ico.org.uk/action-weve-taken/complaints-and-concerns-data-sets/data-security-incident-trends/"
    links = find_workbook_links(LANDING_HTML, base)
    assert [(k.year, k.quarter, k.extension) for k in links] == [
        (2024, 4, "xlsx"),
        (2024, 4, "csv"),
        (2024, 3, "xlsx"),
        (2024, 1, "xlsx"),
        (2023, 4, "xlsx"),
    ]
    newest = newest_workbook_link(LANDING_HTML, base)
    assert newest.url == (
        "https://ico.org.uk/media2/zz99/data-security-incidents-trends-q1-2019-to-q4-2024.xlsx?v=2&x=1"
    )
    assert newest.filename == "data-security-incidents-trends-q1-2019-to-q4-2024.xlsx"
    assert newest.release == "q1-2019-to-q4-2024"


def test_year_outranks_quarter():
    page = "".join(
        f'<a href="/media2/i{y}{q}/{NAME.format(q=q, y=y, ext="xlsx")}">x</a>'
        for y, q in [(2023, 4), (2025, 1), (2024, 3)]
    )
    assert newest_workbook_link(page, "http://x/").release == "q1-2019-to-q1-2025"


def test_page_without_link_is_a_fetch_error():
    with pytest.raises(FetchError, match="links no") as info:
        newest_workbook_link("<html><a href='/media2/a/report.xlsx'>x</a></html>", "http://x/")
    assert info.value.kind == "page changed"


@pytest.fixture()
def site(tmp_path):
    """A real HTTP server on 127.0.0.1 serving tmp_path/www; yields (root dir, base URL)."""
    server = IcoSite(tmp_path / "www")
    try:
        yield server.root, server.base
    finally:
        server.stop()


def _workbook(path: Path) -> bytes:
    return one_incident_workbook(path, 2024, 4).read_bytes()


def _publish(root: Path, links: list[str], page: str = "landing/index.html") -> None:
    (root / page).parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f'<a href="{href}">release</a>\n' for href in links)
    (root / page).write_text(f"<html><body>{body}</body></html>", encoding="utf-8")


def test_fetch_downloads_newest_workbook_with_sha256(site, tmp_path, capsys):
    root, base = site
    newest = NAME.format(q=4, y=2024, ext="xlsx")
    content = _workbook(root / "media2" / "abc" / newest)
    _workbook(root / "media2" / "old" / NAME.format(q=3, y=2024, ext="xlsx"))
    _publish(root, [f"/media2/old/{NAME.format(q=3, y=2024, ext='xlsx')}", f"/media2/abc/{newest}"])
    raw = tmp_path / "raw"

    result = fetch(raw_dir=raw, landing_url=f"{base}/landing/index.html", timeout=5)

    assert result.path == raw / newest
    assert result.path.read_bytes() == content
    assert result.sha256 == hashlib.sha256(content).hexdigest()
    assert result.sha256_path.read_text() == f"{result.sha256}  {newest}\n"
    assert result.bytes == len(content) and result.release == "q1-2019-to-q4-2024"
    assert sorted(p.name for p in raw.iterdir()) == [newest, newest + ".sha256", newest + ".source.json"]  # no .partial
    origin = json.loads((raw / (newest + ".source.json")).read_text())
    assert origin["url"] == f"{base}/media2/abc/{newest}" and origin["sha256"] == result.sha256
    assert origin["bytes"] == len(content) and origin["fetched_at"].endswith("Z") and result.is_new
    out = capsys.readouterr().out
    assert newest in out and result.sha256 in out
    assert openpyxl.load_workbook(result.path, read_only=True).sheetnames == [voc.ICO_SHEET]


def test_fetch_falls_back_to_the_older_landing_address(site, tmp_path):
    root, base = site
    name = NAME.format(q=2, y=2024, ext="csv")
    (root / "media2" / "c").mkdir(parents=True)
    (root / "media2" / "c" / name).write_text(",".join(voc.ICO_COLUMNS) + "\n", encoding="utf-8")
    _publish(root, [f"/media2/c/{name}"], page="old/index.html")
    result = fetch(
        raw_dir=tmp_path / "raw", landing_url=[f"{base}/new/missing.html", f"{base}/old/index.html"], timeout=5
    )
    assert result.path.name == name and result.landing_url.endswith("/old/index.html")


def test_missing_workbook_is_a_fetch_error_and_saves_nothing(site, tmp_path):
    root, base = site
    _publish(root, [f"/media2/gone/{NAME.format(q=4, y=2024, ext='xlsx')}"])
    raw = tmp_path / "raw"
    with pytest.raises(FetchError, match="HTTP 404") as info:
        fetch(raw_dir=raw, landing_url=f"{base}/landing/index.html", timeout=5)
    assert "\n" not in str(info.value)
    assert not raw.exists() or not list(raw.iterdir())


def test_html_served_as_workbook_is_rejected(site, tmp_path):
    root, base = site
    name = NAME.format(q=4, y=2024, ext="xlsx")
    (root / "media2" / "x").mkdir(parents=True)
    (root / "media2" / "x" / name).write_text("<html>Access denied</html>", encoding="utf-8")
    _publish(root, [f"/media2/x/{name}"])
    raw = tmp_path / "raw"
    with pytest.raises(FetchError, match="not a xlsx file"):
        fetch(raw_dir=raw, landing_url=f"{base}/landing/index.html", timeout=5)
    assert not list(raw.iterdir())


def test_landing_page_without_link_is_a_fetch_error(site, tmp_path):
    root, base = site
    _publish(root, ["/media2/a/annual-report.pdf"])
    with pytest.raises(FetchError, match="links no") as info:
        fetch(raw_dir=tmp_path / "raw", landing_url=f"{base}/landing/index.html", timeout=5)
    assert info.value.kind == "page changed"


def test_unreachable_server_is_a_one_line_fetch_error(tmp_path):
    with pytest.raises(FetchError, match="the landing page http://127.0.0.1:9/ could not be reached") as info:
        fetch(raw_dir=tmp_path / "raw", landing_url="http://127.0.0.1:9/", timeout=3)
    assert "\n" not in str(info.value) and info.value.kind == "offline"
    assert info.value.one_line().startswith("offline: the landing page http://127.0.0.1:9/")
    assert not (tmp_path / "raw").exists()


def test_fetching_the_same_release_again_changes_nothing(site, tmp_path, capsys):
    root, base = site
    name = NAME.format(q=4, y=2024, ext="xlsx")
    _workbook(root / "media2" / "a" / name)
    _publish(root, [f"/media2/a/{name}"])
    raw = tmp_path / "raw"
    first = fetch(raw_dir=raw, landing_url=f"{base}/landing/index.html", timeout=5)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in raw.iterdir()}
    again = fetch(raw_dir=raw, landing_url=f"{base}/landing/index.html", timeout=5)
    assert not again.is_new and again.path == first.path and again.sha256 == first.sha256
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in raw.iterdir()} == before
    assert "already kept" in capsys.readouterr().out


def test_a_republished_release_never_overwrites_the_kept_one(site, tmp_path):
    """The ICO re-issues a file under the same name with other content: both are kept, each with its sha256."""
    root, base = site
    name = NAME.format(q=4, y=2024, ext="csv")
    served = root / "media2" / "a" / name
    served.parent.mkdir(parents=True)
    served.write_text(",".join(voc.ICO_COLUMNS) + "\nBI1,2024,Qtr 4\n", encoding="utf-8")
    _publish(root, [f"/media2/a/{name}"])
    raw = tmp_path / "raw"
    first = fetch(raw_dir=raw, landing_url=f"{base}/landing/index.html", timeout=5)
    served.write_text(",".join(voc.ICO_COLUMNS) + "\nBI2,2024,Qtr 4\n", encoding="utf-8")
    second = fetch(raw_dir=raw, landing_url=f"{base}/landing/index.html", timeout=5)
    assert second.is_new and second.sha256 != first.sha256
    assert second.path.name == f"{Path(name).stem}-{second.sha256[:12]}.csv"
    assert first.path.read_bytes() != second.path.read_bytes()
    for result in (first, second):
        assert hashlib.sha256(result.path.read_bytes()).hexdigest() == result.sha256
        assert result.sha256_path.read_text() == f"{result.sha256}  {result.path.name}\n"


class _Slow(QuietHandler):
    def do_GET(self):  # answers the landing page, then trickles the workbook far too slowly
        if self.path.endswith(".xlsx"):
            self.send_response(200)
            self.send_header("Content-Length", str(1 << 20))
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"P" * 1024)
                self.wfile.flush()
                time.sleep(0.1)
            return
        super().do_GET()


def test_the_total_time_limit_bounds_a_slow_download(tmp_path):
    root = tmp_path / "www"
    name = NAME.format(q=4, y=2024, ext="xlsx")
    _publish(root, [f"/media2/a/{name}"])
    server = IcoSite(root, handler=_Slow)
    raw = tmp_path / "raw"
    started = time.monotonic()
    try:
        with pytest.raises(FetchError, match="did not finish within 2 s") as info:
            fetch(raw_dir=raw, landing_url=f"{server.base}/landing/index.html", timeout=5, max_seconds=2)
    finally:
        server.stop()
    assert time.monotonic() - started < 5
    assert info.value.kind == "offline"
    assert not list(raw.iterdir())  # the partial download is gone


def test_the_landing_address_comes_from_the_environment(site, tmp_path, monkeypatch):
    root, base = site
    name = NAME.format(q=1, y=2025, ext="xlsx")
    _workbook(root / "media2" / "e" / name)
    _publish(root, [f"/media2/e/{name}"], page="env/index.html")
    monkeypatch.setenv("ICO_LANDING_URL", f"{base}/env/index.html")
    result = fetch(raw_dir=tmp_path / "raw", timeout=5)
    assert result.landing_url == f"{base}/env/index.html" and result.release == "q1-2019-to-q1-2025"


def test_legacy_workbook_is_fetched_into_its_own_folder(site, tmp_path):
    from etl.fetch import fetch_legacy

    root, base = site
    workbook = _workbook(root / "files" / "collated.xlsx")
    raw = tmp_path / "raw"
    result = fetch_legacy(raw_dir=raw, url=f"{base}/files/collated.xlsx", timeout=5)
    assert result.path == raw / "legacy" / "collated.xlsx" and result.path.read_bytes() == workbook
    (root / "files" / "page.xlsx").write_text("<html>moved</html>", encoding="utf-8")
    with pytest.raises(FetchError, match="not a xlsx file") as info:
        fetch_legacy(raw_dir=raw, url=f"{base}/files/page.xlsx", timeout=5)
    assert info.value.legacy and info.value.kind == "file invalid"
