"""Hostile query strings: SQL fragments, very long values, unknown sectors, script tags. Each must be ignored with
a visible note, nothing executed (no dialog in the browser, no injected element), nothing leaked (no file paths,
no database error text) — on every page, for every URL parameter the page reads.

The broad sweep (every page x parameter x value) speaks Streamlit's websocket protocol (scripts/loadtest.py);
the browser checks load every page with all of its parameters poisoned at once, the payloads dealt round them.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl, urlencode

import pytest
from e2e_helpers import TRACEBACK_MARKERS, app_text, assert_no_error, open_page, run_async

from govdata import settings
from scripts.loadtest import Session, discover

pytestmark = pytest.mark.e2e

HOSTILE = {
    "sql_or": "' OR 1=1 --",
    "sql_drop": "; DROP TABLE incidents",
    "sql_union": "x' UNION SELECT key, value FROM warehouse_meta --",
    "long": "A" * 10_000,
    "unknown_sector": "Ministry of Silly Walks",
    "script": "<script>alert(1)</script>",
    "img": '"><img src=x onerror=alert(1)>',
    "markdown_link": "[click](javascript:alert(1))",
    "nul_and_newlines": "Health\x00\n\r%00",
}
NOTE = "Ignored URL parameter"


def _leaks(text: str, server) -> list[str]:
    found = [m for m in TRACEBACK_MARKERS if m in text]
    for secret in (str(settings.PROJECT_ROOT), str(server.warehouse), str(server.warehouse.parent)):
        if secret in text:
            found.append(f"path {secret}")
    if "A" * 200 in text:
        found.append("the 10,000-character value echoed untruncated")
    return found


@pytest.fixture(scope="module")
def page_params(server):
    """{url path: [(name, default value)]} for every page, from what each page writes into its address."""
    pages, defaults = run_async(lambda: discover(server.url, server.warehouse))
    params = {p["url"]: parse_qsl(defaults.get(p["url"], ""), keep_blank_values=True) for p in pages}
    assert any(params.values()), f"no page keeps any filter in its address: {defaults}"
    return params


SWEEP = ("sql_or", "sql_drop", "long", "unknown_sector", "script")  # per parameter; the rest in the browser test


def test_every_parameter_rejects_hostile_values(server, page_params):
    problems: list[str] = []
    cases = [
        (url_path, name, label) for url_path, params in page_params.items() for name in dict(params) for label in SWEEP
    ]

    async def check(url_path: str, name: str, label: str, gate: asyncio.Semaphore):
        value = HOSTILE[label]
        where = f"/{url_path}?{name}=<{label}>"
        async with gate, Session(server.url) as fresh:  # filters read the address on a session's first run
            result = await fresh.run(url_path, urlencode({name: value}))
        if not result.ok:
            problems.append(f"{where}: {result.exceptions or result.status}")
            return
        leaks = _leaks(result.text, server)
        if leaks:
            problems.append(f"{where}: leaked {leaks}")
        written = dict(parse_qsl(result.query_string or "", keep_blank_values=True))
        if written.get(name) != value and NOTE not in result.text:
            problems.append(f"{where}: ignored without a visible note")

    async def sweep():
        gate = asyncio.Semaphore(4)
        await asyncio.gather(*(check(*case, gate) for case in cases))

    run_async(sweep)
    assert len(cases) >= len(SWEEP), cases
    assert not problems, f"{len(problems)} of {len(cases)} cases:\n" + "\n".join(problems[:40])


def test_unknown_parameters_are_harmless(server):
    async def run():
        async with Session(server.url) as session:
            return await session.run("", urlencode({"'; DROP TABLE incidents; --": "1", "x" * 5000: "y"}))

    result = run_async(run)
    assert result.ok, result.exceptions
    assert not _leaks(result.text, server)


BROWSER = ("long", "script", "img", "sql_or")  # "long" first: at most one 10,000-character value per address


def poisoned_queries(names: list[str], labels=BROWSER) -> list[dict[str, str]]:
    """Query strings that put every label on the page and a payload in every parameter, in as few addresses as
    that takes: the labels dealt round the parameters, one address per round ("long" only in the first)."""
    rounds = -(-len(labels) // len(names))  # ceiling division
    later = [label for label in labels if label != "long"]
    queries = []
    for r in range(rounds):
        dealt = labels[r * len(names) : (r + 1) * len(names)]
        padding = [later[i % len(later)] for i in range(len(names) - len(dealt))]
        queries.append({name: HOSTILE[label] for name, label in zip(names, [*dealt, *padding])})
    return queries


def test_poisoned_queries_cover_every_label_and_parameter():
    for names in (["a"], ["a", "b", "c"], list("abcdefg")):
        queries = poisoned_queries(names)
        used = {value for query in queries for value in query.values()}
        assert used >= {HOSTILE[label] for label in BROWSER}, names
        assert all(set(query) == set(names) for query in queries), names
        assert all(list(query.values()).count(HOSTILE["long"]) <= 1 for query in queries), names
        assert len(queries) == -(-len(BROWSER) // len(names)), names


def test_browser_executes_nothing_and_shows_notes(server, browser, page_params, screenshots_dir):
    page = browser.new_page()  # one tab, each address a fresh document (a full page load)
    loads = 0
    for url_path, params in page_params.items():
        if not params:
            continue
        for n, values in enumerate(poisoned_queries(list(dict(params)))):
            open_page(page, server.page_url(url_path, urlencode(values)))
            loads += 1
            where = f"/{url_path} with hostile values in every parameter (address {n + 1})"
            assert_no_error(page, where)
            text = app_text(page)
            assert NOTE in text, f"{where}: no visible note that the values were ignored"
            assert not _leaks(text, server), f"{where}: {_leaks(text, server)}"
            # Nothing injected into the document: no element born from the payloads.
            assert page.locator('[data-testid="stApp"] script').count() == 0, where
            assert page.locator('img[src="x"]').count() == 0, where
            assert page.locator('a[href^="javascript:"]').count() == 0, where
            if n == 0:
                page.screenshot(path=str(screenshots_dir / f"hostile-{url_path or 'home'}.png"), full_page=True)
    page.close()
    assert loads, "no page reads any URL parameter"
    assert not browser.dialogs, f"a dialog fired: {browser.dialogs}"
