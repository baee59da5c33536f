"""Briefing packs (ui/pack_button.py): built once per view and reused; rate-limited per session with a message."""

from __future__ import annotations

import io
import zipfile

import pytest
from apptest_helpers import PACK_LABEL, MediaCapture, open_page_capturing, page

from ui import pack_button

PAGE = page("trends.py")


@pytest.fixture
def packs(monkeypatch):
    """Fresh cache and limiter; images off (no Chromium path) so a pack builds in well under a second; a count of
    real builds (the real build_pack is called)."""
    monkeypatch.setenv("CHROMIUM_PATH", "/nonexistent/chromium")
    monkeypatch.setattr(pack_button, "CACHE", pack_button.PackCache())
    monkeypatch.setattr(pack_button, "LIMITER", pack_button.BuildLimiter(limit=2, window_s=600))
    calls = []
    real = pack_button.build_pack

    def counted(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(pack_button, "build_pack", counted)
    return calls


def _pack(at):
    return next(b for b in at.get("download_button") if b.proto.label == PACK_LABEL)


def test_an_unchanged_view_builds_its_pack_once(packs, tiny_warehouse, monkeypatch):
    capture = MediaCapture()
    at = open_page_capturing(capture, PAGE, tiny_warehouse, monkeypatch)
    first = capture.download_bytes(_pack(at))
    at.run()  # same view, a rerun: a new button, the same pack
    second = capture.download_bytes(_pack(at))
    assert first == second and len(packs) == 1
    assert zipfile.ZipFile(io.BytesIO(first)).namelist(), "an empty pack"


def test_one_session_over_the_limit_gets_a_disabled_button_and_a_readme(packs, tiny_warehouse, monkeypatch):
    capture = MediaCapture()
    at = open_page_capturing(capture, PAGE, tiny_warehouse, monkeypatch)
    for period in ("year", "quarter"):
        at.radio(key="url_period").set_value(period).run()
        capture.download_bytes(_pack(at))
    at.selectbox(key="url_breakdown").set_value("decision").run()  # a third, new view in the same session
    button = _pack(at)
    assert button.proto.disabled, "the pack button should be disabled past the limit"
    captions = [c.value for c in at.caption]
    assert any("briefing packs in the last 10 minutes" in c for c in captions), captions
    readme = pack_button._limit_zip(60)
    assert zipfile.ZipFile(io.BytesIO(readme)).namelist() == [pack_button.LIMIT_README]
    assert len(packs) == 2
    limiter = pack_button.LIMITER
    assert 0 < limiter.wait_s("test session id") <= limiter.window_s  # AppTest's session id
    assert limiter.take("another session")  # limits are per session


def test_pack_cache_is_bounded_in_count_bytes_and_age():
    cache = pack_button.PackCache(max_packs=3, max_bytes=10, ttl_s=3600)
    for i in range(5):
        cache.put((i,), b"x" * 3)
    assert len(cache) == 3 and cache.get((0,)) is None and cache.get((4,)) == b"xxx"
    cache.put(("big",), b"y" * 8)
    assert cache.size() <= 10
    aged = pack_button.PackCache(ttl_s=0)
    aged.put(("a",), b"z")
    assert aged.get(("a",)) is None
