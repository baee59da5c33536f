"""Download the newest ICO "Data security incident trends" release (and the older quarterly tables) into the raw
folder, keeping every download (etl/raw_store.py).

The landing page links one file per release, named
/media2/<id>/data-security-incidents-trends-q1-2019-to-q<N>-<YYYY>.xlsx (sometimes .csv); the newest is the
largest (YYYY, N). $ICO_LANDING_URL replaces the ICO's addresses (tests point it at a local server).

Every failure raises FetchError: one paragraph naming each address tried and what was wrong, with a `kind`
('offline', 'server', 'page changed', 'file invalid', 'disk') for one-line summaries. Nothing is saved under a
release's name unless it downloaded completely and looks like the file announced; a total time limit
(`max_seconds`) bounds the whole attempt.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import requests
import urllib3

from etl import hints, raw_store
from govdata import settings
from govdata import vocabulary as voc

# Current address first, then the older one the ICO used (docs/ARCHITECTURE.md, "The ICO release").
LANDING_URLS: tuple[str, ...] = (
    voc.ICO_LANDING_PAGE,
    "https://ico.org.uk/action-weve-taken/data-security-incident-trends/",
)
# The ICO no longer links its older quarterly incident-type x sector spreadsheets from a stable address. The
# collated copy (11 quarters, Q1 2019-20 .. Q3 2021-22, transcribed by Aidan Crane; see
# ../shared/data/ico-incident-trends-aggregates-aidancrane/PROVENANCE.md) is fetched from a commit-pinned URL and
# must match this sha256 exactly. $ICO_LEGACY_URL (or --legacy-url) points elsewhere; no pin is checked then.
LEGACY_WORKBOOK_URL = (
    "https://raw.githubusercontent.com/aidancrane/ico-security-trends/"
    "77bee642e19526f847ef9e246ba6b579a4589405/storage/data/categories.xlsx"
)
LEGACY_WORKBOOK_SHA256 = "e1ef8b5c577e3eb97a5431711564fec1d1533889033f20d50f7a13a3469b12ff"
LEGACY_FILENAME = "ico_incident_type_by_sector_Q1-2019-20_to_Q3-2021-22.xlsx"
LEGACY_PAGE = "https://github.com/aidancrane/ico-security-trends/tree/77bee642e19526f847ef9e246ba6b579a4589405"

USER_AGENT = "govdata-dashboard-etl (data-security-incident-trends fetcher)"
_LINK = re.compile(
    r"""href\s*=\s*["']([^"']*?data-security-incidents-trends-q1-2019-to-q([1-4])-(\d{4})\.(xlsx|csv)"""
    r"""(?:[?#][^"']*)?)["']""",
    re.IGNORECASE,
)
_CHUNK = 1 << 20
MAX_BYTES = 2 << 30  # a release is ~10 MB; refuse anything absurd rather than fill the disk
MAX_PAGE_BYTES = 5 << 20


class FetchError(Exception):
    """The release could not be fetched. str() is one paragraph; `kind` says why in a word or two."""

    def __init__(self, message: str, kind: str = "offline", first: str | None = None):
        super().__init__(message)
        self.kind = kind
        self.first = first or message  # the first problem alone, for one-line summaries
        self.legacy = False  # set when fetching the older quarterly tables failed

    def one_line(self) -> str:
        """'offline: the landing page https://... could not be reached (Name or service not known)'."""
        return f"{self.kind}: {self.first}"

    def paragraph(self, raw_dir: Path, warehouse: Path | None = None) -> str:
        """The whole story for a terminal: addresses tried, what was wrong, how to load a file by hand."""
        if self.legacy:
            return f"Could not fetch the older quarterly tables: {self}. Nothing was saved. " + hints.by_hand(
                LEGACY_PAGE, raw_store.legacy_dir(raw_dir), "workbook categories.xlsx", warehouse
            )
        return (
            f"Could not fetch the newest ICO release: {self}. Nothing was saved and the warehouse is unchanged. "
            + hints.by_hand(landing_urls()[0], raw_dir, warehouse=warehouse)
        )


def landing_urls() -> tuple[str, ...]:
    """$ICO_LANDING_URL when set, else the ICO's current and older addresses."""
    value = os.environ.get(settings.LANDING_URL_ENV, "").strip()
    return (value,) if value else LANDING_URLS


def legacy_url() -> str:
    return os.environ.get(settings.LEGACY_URL_ENV, "").strip() or LEGACY_WORKBOOK_URL


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
    is_new: bool  # False: exactly this file was already kept (nothing changed on disk)


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
        raise FetchError(
            f"the page {base_url} answered but links no "
            f"'data-security-incidents-trends-q1-2019-to-q<N>-<YYYY>.xlsx' file (the page has changed)",
            "page changed",
        )
    return links[0]


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")


def _one_line(exc: BaseException, timeout: float | None = None) -> str:
    """A short reason: 'Connection refused', 'no answer within 20 s', ... (requests' own text is very long)."""
    timed_out = isinstance(exc, (requests.Timeout, urllib3.exceptions.TimeoutError))
    if timed_out and timeout is not None:
        return f"no answer within {timeout:g} s"
    text = " ".join(str(exc).split())
    errno = _ERRNO.search(text)
    if errno:
        return errno.group(1).strip()
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__


class _Budget:
    """A total time limit over several requests (None: only the per-request timeout applies)."""

    def __init__(self, per_request: float, max_seconds: float | None):
        self.per_request = per_request
        self.max_seconds = max_seconds
        self.end = None if max_seconds is None else time.monotonic() + max_seconds

    def timeout(self, url: str) -> float:
        if self.end is None:
            return self.per_request
        remaining = self.end - time.monotonic()
        if remaining <= 0.05:
            raise FetchError(f"{url} was not tried: the time limit of {self.max_seconds:g} s was used up", "offline")
        return min(self.per_request, remaining)

    def check(self, url: str) -> None:
        if self.end is not None and time.monotonic() > self.end:
            raise FetchError(f"the download from {url} did not finish within {self.max_seconds:g} s", "offline")


def _get(session: requests.Session, url: str, budget: _Budget, what: str, stream: bool = False) -> requests.Response:
    timeout = budget.timeout(url)
    try:
        response = session.get(url, timeout=timeout, stream=stream)
    except requests.RequestException as exc:
        raise FetchError(f"the {what} {url} could not be reached ({_one_line(exc, timeout)})", "offline") from None
    if response.status_code != 200:
        response.close()
        raise FetchError(f"the {what} {url} answered HTTP {response.status_code} {response.reason}", "server")
    return response


def _find_link(session: requests.Session, landing: Sequence[str], budget: _Budget) -> tuple[WorkbookLink, str]:
    problems: list[FetchError] = []
    for page_url in landing:
        try:
            with _get(session, page_url, budget, "landing page", stream=True) as response:
                body = response.raw.read(MAX_PAGE_BYTES, decode_content=True)
                text = body.decode(response.encoding or "utf-8", errors="replace")
                return newest_workbook_link(text, response.url or page_url), page_url
        except FetchError as exc:
            problems.append(exc)
        except requests.RequestException as exc:
            problems.append(FetchError(f"the landing page {page_url} broke off ({_one_line(exc)})", "offline"))
    kinds = {p.kind for p in problems}
    kind = "page changed" if "page changed" in kinds else "server" if "server" in kinds else "offline"
    raise FetchError("; ".join(str(p) for p in problems), kind, first=str(problems[0]))


def _looks_right(path: Path, extension: str) -> bool:
    """Guard against an HTML error page served with status 200 in place of the file."""
    if extension == "xlsx":
        return zipfile.is_zipfile(path)
    with open(path, "rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()
    return bool(head) and not head.startswith(b"<")


def _download(
    session: requests.Session, url: str, folder: Path, filename: str, extension: str, budget: _Budget
) -> tuple[Path, str, int]:
    """Stream `url` to <folder>/<filename>.partial; (partial path, sha256, bytes). Removes it on any failure."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(f"the folder {folder} cannot be created ({_one_line(exc)})", "disk") from None
    partial = folder / (filename + ".partial")
    digest = hashlib.sha256()
    size = 0
    response = _get(session, url, budget, "file", stream=True)
    try:
        with response, open(partial, "wb") as f:
            # read1 returns what one receive brings, so the time limit is checked even while a server trickles.
            for chunk in iter(lambda: response.raw.read1(_CHUNK, decode_content=True), b""):
                budget.check(url)
                digest.update(chunk)
                f.write(chunk)
                size += len(chunk)
                if size > MAX_BYTES:
                    raise FetchError(
                        f"the download from {url} is larger than {MAX_BYTES >> 20} MB, far more than "
                        "a release; stopped",
                        "file invalid",
                    )
        if size == 0 or not _looks_right(partial, extension):
            raise FetchError(
                f"the download from {url} is not a {extension} file ({size:,} bytes; the server may "
                "have sent an error page)",
                "file invalid",
            )
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        partial.unlink(missing_ok=True)
        budget.check(url)
        reason = _one_line(exc, budget.per_request)
        raise FetchError(f"the download from {url} broke off ({reason})", "offline") from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise FetchError(f"the download could not be saved in {folder} ({_one_line(exc)})", "disk") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return partial, digest.hexdigest(), size


def _session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    return session


def _keep(partial: Path, folder: Path, filename: str, **origin) -> tuple[Path, bool]:
    try:
        return raw_store.keep(partial, folder, filename, **origin)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise FetchError(f"the download could not be saved in {folder} ({_one_line(exc)})", "disk") from None


def fetch(
    raw_dir: Path | None = None,
    landing_url: str | Sequence[str] | None = None,
    timeout: float = 20,
    *,
    max_seconds: float | None = None,
    quiet: bool = False,
) -> FetchResult:
    """Download the newest release into raw_dir (default settings.raw_dir()), with its sidecars.

    landing_url: one address or several tried in turn (default: $ICO_LANDING_URL, else the ICO's two addresses).
    timeout bounds each request; max_seconds (if given) the whole attempt. A file already kept byte for byte is
    not saved again (is_new False).
    """
    if landing_url is None:
        landing = landing_urls()
    else:
        landing = (landing_url,) if isinstance(landing_url, str) else tuple(landing_url)
    raw_dir = Path(raw_dir) if raw_dir is not None else settings.raw_dir()
    budget = _Budget(timeout, max_seconds)
    with _session() as session:
        link, page_url = _find_link(session, landing, budget)
        partial, sha256, size = _download(session, link.url, raw_dir, link.filename, link.extension, budget)
        path, is_new = _keep(partial, raw_dir, link.filename, sha256=sha256, url=link.url, landing_url=page_url)
    result = FetchResult(
        url=link.url,
        landing_url=page_url,
        path=path,
        sha256=sha256,
        sha256_path=path.with_name(path.name + raw_store.SHA_SUFFIX),
        bytes=size,
        release=link.release,
        is_new=is_new,
    )
    if not quiet:
        if is_new:
            print(
                f"Fetched ICO release {result.release} from {result.url}\n"
                f"  saved {result.path} ({result.bytes:,} bytes, sha256 {result.sha256})"
            )
        else:
            print(
                f"ICO release {result.release} from {result.url} is already kept: {result.path} "
                f"(sha256 {result.sha256})"
            )
    return result


def fetch_legacy(
    raw_dir: Path | None = None,
    url: str | None = None,
    timeout: float = 20,
    *,
    max_seconds: float | None = None,
    quiet: bool = False,
) -> FetchResult:
    """Download the older quarterly tables into <raw_dir>/legacy/ (default URL pinned by sha256)."""
    url = url or legacy_url()
    raw_dir = Path(raw_dir) if raw_dir is not None else settings.raw_dir()
    name = Path(unquote(urlparse(url).path)).name
    filename = LEGACY_FILENAME if url == LEGACY_WORKBOOK_URL or not name.lower().endswith(".xlsx") else name
    folder = raw_store.legacy_dir(raw_dir)
    budget = _Budget(timeout, max_seconds)
    try:
        with _session() as session:
            partial, sha256, size = _download(session, url, folder, filename, "xlsx", budget)
            if url == LEGACY_WORKBOOK_URL and sha256 != LEGACY_WORKBOOK_SHA256:
                partial.unlink(missing_ok=True)
                raise FetchError(
                    f"the workbook from {url} is not the pinned copy (sha256 {sha256}, expected "
                    f"{LEGACY_WORKBOOK_SHA256})",
                    "file invalid",
                )
            path, is_new = _keep(partial, folder, filename, sha256=sha256, url=url)
    except FetchError as exc:
        exc.legacy = True
        raise
    result = FetchResult(
        url=url,
        landing_url="",
        path=path,
        sha256=sha256,
        sha256_path=path.with_name(path.name + raw_store.SHA_SUFFIX),
        bytes=size,
        release="older quarterly tables",
        is_new=is_new,
    )
    if not quiet:
        state = "saved" if is_new else "already kept as"
        print(f"Older quarterly tables from {url}\n  {state} {path} ({size:,} bytes, sha256 {sha256})")
    return result
