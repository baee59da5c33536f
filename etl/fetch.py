"""Download the newest ICO "Data security incident trends" workbook from the ICO landing page into data/raw/.

The landing page links one file per release, named
/media2/<id>/data-security-incidents-trends-q1-2019-to-q<N>-<YYYY>.xlsx (sometimes .csv); the newest is the
largest (YYYY, N). Every failure (offline, HTTP error, no link, not a workbook) raises FetchError with a one-line
message for the CLI to print before exiting non-zero.
"""
from __future__ import annotations

import hashlib
import html
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence
from urllib.parse import unquote, urljoin, urlparse

import requests

from govdata import settings, vocabulary as voc

# Current address first, then the older one the ICO used (../shared/ICO_FORMAT.md).
LANDING_URLS: tuple[str, ...] = (
    voc.ICO_LANDING_PAGE,
    "https://ico.org.uk/action-weve-taken/data-security-incident-trends/",
)
USER_AGENT = "govdata-dashboard-etl (+https://github.com/; data-security-incident-trends fetcher)"
_LINK = re.compile(
    r"""href\s*=\s*["']([^"']*?data-security-incidents-trends-q1-2019-to-q([1-4])-(\d{4})\.(xlsx|csv)"""
    r"""(?:[?#][^"']*)?)["']""",
    re.IGNORECASE)
_CHUNK = 1 << 20


class FetchError(Exception):
    """The release could not be fetched; str() is a one-line message for the user."""


@dataclass(frozen=True)
class WorkbookLink:
    url: str
    year: int
    quarter: int  # last calendar quarter covered
    extension: str  # 'xlsx' or 'csv'

    @property
    def filename(self) -> str:
        return Path(unquote(urlparse(self.url).path)).name

    @property
    def release(self) -> str:
        return f"q1-2019-to-q{self.quarter}-{self.year}"


@dataclass(frozen=True)
class FetchResult:
    url: str
    landing_url: str
    path: Path
    sha256: str
    sha256_path: Path
    bytes: int
    release: str  # e.g. 'q1-2019-to-q4-2024'


def find_workbook_links(page: str, base_url: str) -> list[WorkbookLink]:
    """Release links on a landing page, newest first (by year, then quarter; .xlsx before .csv of a release)."""
    links = {}
    for match in _LINK.finditer(page):
        url = urljoin(base_url, html.unescape(match.group(1)).strip())
        links[url] = WorkbookLink(url, int(match.group(3)), int(match.group(2)), match.group(4).lower())
    newest_first = sorted(links.values(), key=lambda link: (link.year, link.quarter, link.extension == "xlsx"))
    return newest_first[::-1]


def newest_workbook_link(page: str, base_url: str) -> WorkbookLink:
    links = find_workbook_links(page, base_url)
    if not links:
        raise FetchError(f"No link to a 'data-security-incidents-trends-q1-2019-to-q<N>-<YYYY>.xlsx' workbook "
                         f"found on {base_url} (the ICO page may have changed).")
    return links[0]


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")


def _one_line(exc: BaseException, timeout: float | None = None) -> str:
    """A short reason: 'Connection refused', 'no answer within 20 s', ... (requests' own text is very long)."""
    if isinstance(exc, requests.Timeout) and timeout is not None:
        return f"no answer within {timeout:g} s"
    text = " ".join(str(exc).split())
    errno = _ERRNO.search(text)
    if errno:
        return errno.group(1).strip()
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__


def _get(session: requests.Session, url: str, timeout: float, what: str, stream: bool = False) -> requests.Response:
    try:
        response = session.get(url, timeout=timeout, stream=stream)
    except requests.RequestException as exc:
        raise FetchError(f"Could not download the {what} {url} ({_one_line(exc, timeout)}).") from None
    if response.status_code != 200:
        response.close()
        raise FetchError(f"The {what} {url} answered HTTP {response.status_code} {response.reason}.")
    return response


def _find_link(session: requests.Session, landing_urls: Sequence[str], timeout: float) -> tuple[WorkbookLink, str]:
    problems = []
    for landing in landing_urls:
        try:
            response = _get(session, landing, timeout, "ICO landing page")
            return newest_workbook_link(response.text, response.url or landing), landing
        except FetchError as exc:
            problems.append(str(exc))
    raise FetchError(" ".join(problems) + " Check the network connection, or download the workbook by hand "
                     "and pass it with --ico.")


def _looks_right(path: Path, link: WorkbookLink) -> bool:
    """Guard against an HTML error page served with status 200 in place of the file."""
    if link.extension == "xlsx":
        return zipfile.is_zipfile(path)
    with open(path, "rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()
    return bool(head) and not head.startswith(b"<")


def fetch(raw_dir: Path = settings.RAW_DIR, landing_url: str | Sequence[str] = LANDING_URLS,
          timeout: float = 20) -> FetchResult:
    """Download the newest release into raw_dir, with `<file>.sha256` beside it (sha256sum format)."""
    landing_urls = (landing_url,) if isinstance(landing_url, str) else tuple(landing_url)
    raw_dir = Path(raw_dir)
    with requests.Session() as session:
        session.headers["User-Agent"] = USER_AGENT
        link, landing = _find_link(session, landing_urls, timeout)
        raw_dir.mkdir(parents=True, exist_ok=True)
        target = raw_dir / link.filename
        tmp = raw_dir / (link.filename + ".partial")
        digest = hashlib.sha256()
        size = 0
        response = _get(session, link.url, timeout, "workbook", stream=True)
        try:
            with response, open(tmp, "wb") as f:
                for chunk in response.iter_content(_CHUNK):
                    digest.update(chunk)
                    f.write(chunk)
                    size += len(chunk)
            if size == 0 or not _looks_right(tmp, link):
                raise FetchError(f"The download from {link.url} is not a {link.extension} file "
                                 f"({size} bytes); nothing was saved.")
            sha_path = raw_dir / (link.filename + ".sha256")
            sha_path.write_text(f"{digest.hexdigest()}  {link.filename}\n", encoding="utf-8")
            os.replace(tmp, target)  # only a complete, checked file ever carries the release's name
        except requests.RequestException as exc:
            reason = _one_line(exc, timeout)
            raise FetchError(f"The download from {link.url} broke off ({reason}); nothing was saved.") from None
        except OSError as exc:
            raise FetchError(f"Could not save {target} ({_one_line(exc)}).") from None
        finally:
            tmp.unlink(missing_ok=True)
    result = FetchResult(url=link.url, landing_url=landing, path=target, sha256=digest.hexdigest(),
                         sha256_path=sha_path, bytes=size, release=link.release)
    print(f"Fetched ICO release {result.release} from {result.url}\n"
          f"  saved {result.path} ({result.bytes:,} bytes, sha256 {result.sha256})")
    return result
