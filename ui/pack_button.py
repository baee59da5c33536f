"""The one-click briefing pack: a download button that builds the page's ZIP only when it is clicked.

Pages call `pack_download(specs, page_title)` with the FigureSpecs they show. Streamlit (>= 1.50) accepts a
callable as download data and runs it on click, off the script thread, so rendering images never slows a rerun.

A pack is expensive (every chart rendered to PNG and SVG: seconds of CPU), so:
- built once per view and reused: the ZIP is kept (PackCache: at most MAX_PACKS packs and MAX_PACK_BYTES in
  all, for PACK_TTL_S) under the view's identity (the page, its address, the warehouse file, the day, whether
  images can be rendered), and a click on an unchanged view, by anyone, downloads the kept ZIP;
- rate-limited: a session may build PACKS_PER_WINDOW packs in WINDOW_S seconds. Past that the button is shown
  disabled with a message saying when the next one can be built; a click that still gets through (several clicks
  without a rerun) downloads a ZIP holding only a README that says the same. Reused packs do not count.
"""

from __future__ import annotations

import collections
import io
import threading
import time
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timedelta

import streamlit as st

from govdata import export, warehouse
from govdata.figures import FigureSpec
from govdata.packs import build_pack, pack_file_name
from ui import panel, streamlit_private

MAX_PACKS = 12
MAX_PACK_BYTES = 96 * 2**20
PACK_TTL_S = 3600
PACKS_PER_WINDOW = 4
WINDOW_S = 600
LIMIT_README = "README-pack-limit.txt"


class PackCache:
    """Built packs by view identity: bounded in count, bytes and age; oldest dropped first."""

    def __init__(self, max_packs: int = MAX_PACKS, max_bytes: int = MAX_PACK_BYTES, ttl_s: float = PACK_TTL_S):
        self.max_packs, self.max_bytes, self.ttl_s = max_packs, max_bytes, ttl_s
        self._packs: collections.OrderedDict[tuple, tuple[float, bytes]] = collections.OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple, threading.Lock] = {}

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            self._expire()
            item = self._packs.get(key)
            if item is None:
                return None
            self._packs.move_to_end(key)
            return item[1]

    def put(self, key: tuple, data: bytes) -> None:
        with self._lock:
            self._packs[key] = (time.monotonic(), data)
            self._packs.move_to_end(key)
            self._expire()
            while self._packs and (len(self._packs) > self.max_packs or self.size() > self.max_bytes):
                self._packs.popitem(last=False)

    def building(self, key: tuple) -> threading.Lock:
        """One lock per view, so two clicks on the same new view build it once."""
        with self._lock:
            if len(self._building) > 4 * self.max_packs:
                self._building = {k: v for k, v in self._building.items() if v.locked()}
            return self._building.setdefault(key, threading.Lock())

    def size(self) -> int:
        return sum(len(data) for _, data in self._packs.values())

    def __len__(self) -> int:
        return len(self._packs)

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, (made, _) in self._packs.items() if now - made > self.ttl_s]:
            del self._packs[key]


class BuildLimiter:
    """At most `limit` builds per session in any `window_s` seconds (sessions' records pruned as they age)."""

    def __init__(self, limit: int = PACKS_PER_WINDOW, window_s: float = WINDOW_S):
        self.limit, self.window_s = limit, window_s
        self._builds: dict[str, collections.deque] = {}
        self._lock = threading.Lock()

    def _recent(self, session: str, now: float) -> collections.deque:
        times = self._builds.setdefault(session, collections.deque())
        while times and now - times[0] > self.window_s:
            times.popleft()
        return times

    def wait_s(self, session: str) -> float:
        """Seconds until `session` may build again (0 when it may now)."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(session, now)
            return 0.0 if len(times) < self.limit else self.window_s - (now - times[0])

    def take(self, session: str) -> bool:
        """Record a build for `session` if it is within the limit; False (nothing recorded) when it is not."""
        now = time.monotonic()
        with self._lock:
            for other in [s for s, t in self._builds.items() if not t or now - t[-1] > self.window_s]:
                del self._builds[other]
            times = self._recent(session, now)
            if len(times) >= self.limit:
                return False
            times.append(now)
            return True


CACHE = PackCache()
LIMITER = BuildLimiter()


def _view_key(page_title: str, specs: list[FigureSpec] | None) -> tuple:
    from ui.data import _key

    query = tuple(sorted((name, tuple(st.query_params.get_all(name))) for name in st.query_params))
    shown = tuple((s.key, s.title, _key(s.data)) for s in specs) if specs is not None else None
    return (page_title, query, shown, warehouse.identity(), date.today().isoformat(), export.images_available())


def _when(wait_s: float) -> str:
    return (datetime.now() + timedelta(seconds=wait_s)).strftime("%H:%M")


def limit_message(wait_s: float) -> str:
    return (
        f"You have built {LIMITER.limit} briefing packs in the last {LIMITER.window_s // 60:.0f} minutes, the "
        f"most one visitor may: each takes the server several seconds. The next can be built from "
        f"{_when(wait_s)}; a pack already built for this view downloads at once."
    )


def _limit_zip(wait_s: float) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(LIMIT_README, limit_message(wait_s) + "\n")
    return buffer.getvalue()


def pack_download(
    specs: list[FigureSpec] | Callable[[], list[FigureSpec]],
    page_title: str,
    *,
    key: str | None = None,
    is_sample: bool = False,
) -> None:
    """One download button for every chart on the page (PNG, SVG, CSV, citations, alt text, README).

    `specs` may be a callable that builds the charts on click (a page that shows one view at a time packs all of
    them); `is_sample` then names the file, since the charts are not there yet to say so.
    """
    if callable(specs):
        make, shown = specs, None
    else:
        shown = list(specs)
        if not shown:
            return
        is_sample = any(s.is_sample for s in shown)
        make = lambda: shown  # noqa: E731
    help_text = "Every chart on this page as PNG and SVG, its data as CSV, citations, alt text and a README."
    if not export.images_available():
        help_text += " Images are not available on this server (no Chromium); the README says so."
    view = _view_key(page_title, shown)
    session = streamlit_private.current_session_id() or "no-session"
    wait = 0.0 if CACHE.get(view) is not None else LIMITER.wait_s(session)

    def build() -> bytes:
        kept = CACHE.get(view)
        if kept is not None:
            return kept
        with CACHE.building(view):
            kept = CACHE.get(view)
            if kept is not None:
                return kept
            if not LIMITER.take(session):
                return _limit_zip(LIMITER.wait_s(session))
            data = build_pack(make(), page_title, accessed_date=date.today())
            CACHE.put(view, data)
            return data

    panel.download(
        st,
        "Download briefing pack (ZIP)",
        build,
        file_name=pack_file_name(page_title, is_sample=is_sample),
        mime="application/zip",
        key=key or f"briefing-pack-{page_title}",
        help=help_text,
        icon=":material/folder_zip:",
        disabled=wait > 0,
    )
    if wait > 0:
        st.caption(limit_message(wait))
