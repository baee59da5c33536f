"""Shared helpers for page tests with streamlit.testing.v1.AppTest (others may import these).

open_page() runs the real dashboard.py on one page against a real warehouse file; MediaCapture records the media
files AppTest's in-memory runtime stores, so a test can read the exact bytes behind each download button
(eager data, or deferred callables executed as a click would).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pandas as pd
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from govdata import settings
from ui import streamlit_private

DASHBOARD = settings.PROJECT_ROOT / "dashboard.py"
PAGES_DIR = settings.PROJECT_ROOT / "app_pages"  # see dashboard.py for why not pages/
TIMEOUT = 120


@dataclass
class MediaCapture:
    """Records every MediaFileManager AppTest creates (one per run); read download bytes through it."""

    managers: list = field(default_factory=list)

    def install(self, monkeypatch) -> MediaCapture:
        capture = self

        class RecordingManager(streamlit_private.media_file_manager_class()):
            def __init__(self, storage):
                super().__init__(storage)
                capture.managers.append(self)

        monkeypatch.setattr("streamlit.testing.v1.app_test.MediaFileManager", RecordingManager)
        return self

    def download_bytes(self, button) -> bytes:
        """The bytes a click on this download button would deliver (runs a deferred callable if needed)."""
        proto = button.proto
        manager = self.managers[-1]
        url = proto.url
        if not url and proto.deferred_file_id:
            url = manager.execute_deferred(proto.deferred_file_id)
        if not url:
            raise AssertionError(f"download button {proto.label!r} has no data")
        file_id = url.rsplit("/", 1)[-1]
        return manager._storage.get_file(file_id).content


def page(name: str) -> str:
    """The path AppTest.switch_page wants for a page file name, e.g. page('trends.py')."""
    return str((PAGES_DIR / name).relative_to(settings.PROJECT_ROOT))


def open_page(
    page: str | None, warehouse, monkeypatch, query_params: dict | None = None, capture: MediaCapture | None = None
) -> AppTest:
    """Run dashboard.py on `page` (e.g. page('trends.py'); None = the default page) with DASHBOARD_WAREHOUSE set
    to `warehouse` and the given URL query parameters (lists become repeated parameters). Returns the AppTest.
    With `capture`, the run's download bytes are readable through it (it is emptied and installed first)."""
    monkeypatch.setenv(settings.WAREHOUSE_ENV, str(warehouse))
    if capture is not None:
        capture.managers.clear()
        capture.install(monkeypatch)
    at = AppTest.from_file(str(DASHBOARD), default_timeout=TIMEOUT)
    for name, value in (query_params or {}).items():
        at.query_params[name] = value
    if page:
        at.switch_page(page)
    at.run()
    return at


def download_buttons(at: AppTest) -> list:
    """Every st.download_button element on the page, in order."""
    return list(at.get("download_button"))


def csv_frame(data: bytes) -> pd.DataFrame:
    """Parse CSV download bytes."""
    return pd.read_csv(io.BytesIO(data))


def texts(elements) -> list[str]:
    """The .value of each element (e.g. at.info, at.warning) as a list of strings."""
    return [str(e.value) for e in elements]


def assert_no_exception(at: AppTest) -> None:
    """Fail with the messages if the page raised, or showed an error box."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


PACK_LABEL = "Download briefing pack (ZIP)"


def assert_pack_button(at) -> None:
    """The one-click briefing pack is offered once, last on the page, and built only when clicked."""
    buttons = at.get("download_button")
    packs = [b for b in buttons if b.proto.label == PACK_LABEL]
    assert len(packs) == 1
    assert buttons[-1].proto.id == packs[0].proto.id  # at the bottom, like every page
    assert packs[0].proto.deferred_file_id and not packs[0].proto.url  # no images rendered on a rerun


def open_page_capturing(capture: MediaCapture, page_file, warehouse, monkeypatch, params: dict | None = None):
    """Run the real dashboard.py on a page with download bytes readable through `capture`; no exception shown."""
    at = open_page(page_file, warehouse, monkeypatch, params, capture=capture)
    assert_no_exception(at)
    return at


def _plain(markdown: str) -> str:
    """Markdown text as read: escapes and bold markers removed."""
    import re

    return re.sub(r"\\(.)", r"\1", markdown).replace("**", "").replace("\u2060", "").strip()


def chart_panels(at) -> list[dict]:
    """Every chart as ui.panel shows it (a container keyed 'figure-<key>'): its title, subtitle and footer (notes
    and source line) as plain text, and the plotly spec of the plot itself (a dict)."""
    import json

    panels = []
    for node in at.main:
        if not isinstance(node, Block) or not str(node.key or "").startswith("figure-"):
            continue
        markdown = [n.value for n in node if getattr(n, "type", "") == "markdown"]
        captions = [n.value for n in node if getattr(n, "type", "") == "caption"]
        charts = [n for n in node if getattr(n, "type", "") == "plotly_chart"]
        panels.append(
            {
                "key": node.key.removeprefix("figure-"),
                "title": _plain(markdown[0]) if markdown else "",
                "subtitle": _plain(captions[0]) if len(captions) > 1 else "",
                "footer": _plain(captions[-1]) if captions else "",
                "spec": json.loads(charts[0].proto.spec) if charts else {},
            }
        )
    return panels
